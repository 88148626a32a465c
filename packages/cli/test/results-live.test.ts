// `convene serve` with a staff token on the bundled example, through the built binary: a short
// token refused at start, a token file read, the live view rehearsed mid-day behind its token,
// and the token never in the request log.
import { spawn } from "node:child_process"
import { mkdtemp, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bin, convene, dropTestStores, storeEnv, useTestStore } from "./run.js"

const TOKEN = "cli-staff-token-0123456789abcdef"
let ws: string
let tmp: string
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "convene-results-live-cli-"))
  ws = join(tmp, "dialogue")
  expect((await convene(tmp, ["init", ws, "--example", "we-the-internet"])).code).toBe(0)
  await useTestStore(ws)
  for (const r of ["fellows", "sites"]) expect((await convene(ws, [r, "import", `${r}.csv`])).code).toBe(0)
}, 120_000)

describe("convene serve with a staff token", () => {
  it("refuses a short token or a missing file before serving", async () => {
    const short = await convene(ws, ["serve", "--port", "0"], { CONVENE_STAFF_TOKEN: "too-short" })
    expect(short.code).toBe(2)
    expect(short.stderr).toContain("the staff token has 9 characters: at least 24 are needed")
    expect(short.stderr).not.toContain("too-short")
    const missing = await convene(ws, ["serve", "--port", "0", "--staff-token-file", join(tmp, "nowhere")])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain("--staff-token-file")
  }, 60_000)

  it("serves the live view mid-day behind the token from a file, and keeps it out of the log", async () => {
    const file = join(tmp, "staff-token")
    await writeFile(file, `${TOKEN}\n`)
    const child = spawn(process.execPath, [bin, "serve", "--port", "0", "--staff-token-file", file, "--as-of", "2027-05-15T12:00:00Z"], { cwd: ws, env: { ...process.env, DATABASE_URL: "", ...storeEnv(ws) } })
    let stderr = ""
    let stdout = ""
    child.stdout.on("data", (d) => (stdout += String(d)))
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on("data", (d) => {
        stderr += String(d)
        const m = /http:\/\/[^ ]+?:\d+/.exec(stderr)
        if (m !== null && stderr.includes("Live view for staff")) resolve(m[0])
      })
      child.on("exit", () => reject(new Error(stderr)))
    })
    expect((await fetch(`${url}/live.json`)).status).toBe(401)
    const res = await fetch(`${url}/live.json`, { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(res.status).toBe(200)
    const live = (await res.json()) as { embargo: { holds: boolean }; counts: Record<string, number> }
    expect(live.embargo.holds).toBe(true)
    expect(live.counts).toMatchObject({ expected: 122 })
    expect(live.counts["not_started"]).toBeGreaterThan(0)
    expect(live.counts["in_session"]).toBeGreaterThan(0)
    expect(live.counts["not_reported"]).toBeGreaterThan(0)
    const redirect = await fetch(`${url}/live?token=${TOKEN}`, { redirect: "manual" })
    expect(redirect.status).toBe(303)
    const page = await fetch(`${url}/live`, { headers: { cookie: redirect.headers.get("set-cookie")!.split(";")[0]! } })
    expect(await page.text()).toContain("EMBARGOED until")
    const code = await new Promise<number | null>((resolve) => {
      child.on("exit", resolve)
      child.kill("SIGINT")
    })
    expect(code).toBe(0)
    expect(stdout).toContain("GET /live 303")
    expect(stdout + stderr).not.toContain(TOKEN)
  }, 120_000)
})

afterAll(dropTestStores)
