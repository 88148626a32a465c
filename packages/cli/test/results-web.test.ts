// `convene results invite` and `convene serve` on the bundled example, through the built
// binary: each fellow mailed the site's results link once, a localhost address refused, and
// the link opening the site's results form on the one form server.
import { spawn } from "node:child_process"
import { mkdtemp, readdir, readFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bin, convene, conveneJson, dropTestStores, storeEnv, useTestStore } from "./run.js"

let ws: string
beforeAll(async () => {
  const tmp = await mkdtemp(join(tmpdir(), "convene-results-web-cli-"))
  ws = join(tmp, "dialogue")
  expect((await convene(tmp, ["init", ws, "--example", "we-the-internet"])).code).toBe(0)
  await useTestStore(ws)
  for (const r of ["fellows", "sites"]) expect((await convene(ws, [r, "import", `${r}.csv`])).code).toBe(0)
}, 120_000)

describe("convene results invite and convene serve", () => {
  it("mails one site's fellow once, refuses localhost, and the link opens the form", async () => {
    const local = await convene(ws, ["results", "invite", "--site", "sn-dakar", "--base-url", "http://localhost:8080"])
    // refused for safety: exit 4, and the flag that confirms a rehearsal named
    expect(local.code).toBe(4)
    expect(local.stderr).toContain("is on this machine")
    expect(local.stderr).toContain("--allow-localhost")
    const dry = await conveneJson(ws, ["results", "invite", "--site", "sn-dakar", "--dry-run"])
    expect(dry.json).toMatchObject({ dry_run: true, sites: 1, would_send: 1 })
    const r = await conveneJson(ws, ["results", "invite", "--site", "sn-dakar", "--base-url", "https://survey.example.org"])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json).toMatchObject({ dry_run: false, base_url: "https://survey.example.org", sites: 1, sent: 1, already_sent: 0 })
    const again = await convene(ws, ["results", "invite", "--site", "sn-dakar", "--base-url", "https://survey.example.org"])
    expect(again.stdout).toContain("0 results links sent")
    const files = (await readdir(join(ws, "out", "outbox"))).filter((f) => f.startsWith("results-invite"))
    expect(files).toHaveLength(1)
    const mail = (await readFile(join(ws, "out", "outbox", files[0]!), "utf8")).replace(/=\r?\n/g, "")
    const token = /https:\/\/survey\.example\.org\/results\/([A-Za-z0-9_-]{32})/.exec(mail)![1]!

    const child = spawn(process.execPath, [bin, "serve", "--port", "0"], { cwd: ws, env: { ...process.env, DATABASE_URL: "", ...storeEnv(ws) } })
    let stderr = ""
    let stdout = ""
    child.stdout.on("data", (d) => (stdout += String(d)))
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on("data", (d) => {
        stderr += String(d)
        const m = /http:\/\/[^ ]+?:\d+/.exec(stderr)
        if (m !== null) resolve(m[0])
      })
      child.on("exit", () => reject(new Error(stderr)))
    })
    const page = await fetch(`${url}/results/${token}`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain("Personnes présentes")
    expect((await fetch(`${url}/results/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(404)
    const code = await new Promise<number | null>((resolve) => {
      child.on("exit", resolve)
      child.kill("SIGINT")
    })
    expect(code).toBe(0)
    expect(stdout).toMatch(/GET \/results\/[0-9a-f]{8}… 200/)
    expect(stdout).not.toContain(token)
  }, 120_000)
})

afterAll(dropTestStores)
