// `convene survey …` on the bundled example, through the built binary: invitations to the
// outbox, the XLSForm, paper and Kobo imports good and bad, the tidy export, and the server.
import { spawn } from "node:child_process"
import { readdir, readFile, writeFile, mkdtemp } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bin, convene, conveneJson, dropTestStores, storeEnv, useTestStore } from "./run.js"

let ws: string
let offline: Array<{ code: string }> = []
beforeAll(async () => {
  const tmp = await mkdtemp(join(tmpdir(), "convene-survey-cli-"))
  ws = join(tmp, "dialogue")
  expect((await convene(tmp, ["init", ws, "--example", "we-the-internet"])).code).toBe(0)
  await useTestStore(ws)
  for (const r of ["fellows", "sites", "participants"]) expect((await convene(ws, [r, "import", `${r}.csv`])).code).toBe(0)
  const list = await conveneJson(ws, ["participants", "list"])
  offline = (list.json as Array<{ code: string; email?: string; site_id: string }>).filter((p) => p.email === undefined || p.email === "")
}, 120_000)

describe("convene survey", () => {
  it("invite: one message per participant with an address, once; the link's address from the workspace's .env", async () => {
    await writeFile(join(ws, ".env"), "# the form server's public address\nCONVENE_SURVEY_URL=https://survey.from-dotenv.example\n")
    const r = await conveneJson(ws, ["survey", "invite", "--wave", "pre"])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.sent).toBe(r.json.participants)
    expect(r.json.without_email).toBe(offline.length)
    const files = (await readdir(join(ws, "out", "outbox"))).filter((f) => f.startsWith("survey-invite"))
    expect(files).toHaveLength(r.json.participants)
    expect(await readFile(join(ws, "out", "outbox", files[0]!), "utf8")).toContain("survey.from-dotenv.example")
    const again = await convene(ws, ["survey", "invite", "--wave", "pre"])
    expect(again.stdout).toContain("0 invitations sent")
    const bad = await convene(ws, ["survey", "invite", "--wave", "during"])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('No wave "during"')
  }, 60_000)

  it("export --format xlsform writes a workbook for KoboToolbox", async () => {
    const r = await conveneJson(ws, ["survey", "export", "--format", "xlsform", "--wave", "pre"])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json).toMatchObject({ formats: ["xlsform"], wave: "pre", instrument: "evaluation" })
    const bytes = await readFile(r.json.files[0])
    expect(bytes.subarray(0, 2).toString()).toBe("PK")
    expect(r.json.locales).toEqual(["en", "fr", "es", "ar"])
    expect((await convene(ws, ["survey", "export", "--format", "xlsform"])).stderr).toContain("needs --wave")
  })

  it("import: paper answers all or nothing, Kobo CSV, then the tidy export without contact data", async () => {
    const instrument = await readFile(join(ws, "surveys", "evaluation.yaml"), "utf8")
    expect(instrument).toContain("id: evaluation")
    // two paper questionnaires with two answers each (the rest left blank)
    const [a, b, c] = offline
    await writeFile(join(ws, "paper.csv"), `code,internet-use,hours-online\n${a!.code},daily,3\n${b!.code},never,25\n`)
    const bad = await convene(ws, ["survey", "import", "paper.csv", "--wave", "pre"])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/paper\.csv:2:2: internet-use: expected one of .*got "daily"/)
    expect(bad.stderr).toMatch(/paper\.csv:3:3: hours-online: expected a number from 0 to 24, got "25"/)
    await writeFile(join(ws, "paper.csv"), `code,internet-use,hours-online\n${a!.code},several-times-a-day,3\n${b!.code},never,2.5\n`)
    const good = await conveneJson(ws, ["survey", "import", "paper.csv", "--wave", "pre"])
    expect(good.code, good.stderr).toBe(0)
    expect(good.json).toMatchObject({ imported: 2, answers: 4 })
    const kobo = `start;end;group_use/participant_code;group_use/internet-use;hours-online;_id;_uuid;_submission_time\n2027-05-01T10:00:00;2027-05-01T10:09:00;${c!.code};about-once-a-day;4;1;abc;2027-05-01T10:10:00\n`
    await writeFile(join(ws, "kobo.csv"), kobo)
    const k = await conveneJson(ws, ["survey", "import", "kobo.csv", "--wave", "pre", "--format", "kobo"])
    expect(k.code, k.stderr).toBe(0)
    expect(k.json).toMatchObject({ imported: 1, answers: 2 })
    const dup = await convene(ws, ["survey", "import", "kobo.csv", "--wave", "pre", "--format", "kobo"])
    expect(dup.code).toBe(2)
    expect(dup.stderr).toContain("already answered the pre wave (kobo")
    const out = await conveneJson(ws, ["survey", "export", "--format", "csv"])
    expect(out.code, out.stderr).toBe(0)
    // the answers and their data dictionary
    expect(out.json.files).toHaveLength(2)
    expect(out.json.files[1]).toMatch(/answers\.dictionary\.csv$/)
    const dictionary = await readFile(out.json.files[1], "utf8")
    expect(dictionary.split("\n")[0]).toBe("variable,code,label")
    expect(dictionary).toContain("attended,,")
    expect(dictionary).toContain("question,hours-online,")
    expect(out.json.rows).toBe(6)
    const csv = await readFile(out.json.files[0], "utf8")
    expect(csv.split("\n")[0]).toBe("participant_code,site,country,country_name,site_format,gender,age_band,education,residence,role,attended,wave,instrument,instrument_version,source,simulated,question,value")
    expect(csv).toContain(`${b!.code},`)
    expect(csv).toContain(",pre,evaluation,1,paper,no,hours-online,2.5")
    expect(csv).toContain(",pre,evaluation,1,kobo,no,internet-use,about-once-a-day")
    // the participant's features come with the answers (never the contact data)
    expect(csv.split("\n")[1]!.split(",")).toHaveLength(18)
    expect(csv).not.toContain("@")
  }, 60_000)

  it("serve: answers on a free port, refuses an unknown link, stops cleanly on SIGINT", async () => {
    const child = spawn(process.execPath, [bin, "survey", "serve", "--port", "0"], { cwd: ws, env: { ...process.env, DATABASE_URL: "", ...storeEnv(ws) } })
    let stderr = ""
    let stdout = ""
    child.stdout.on("data", (d) => (stdout += String(d)))
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on("data", (d) => {
        stderr += String(d)
        const m = /http:\/\/[^ ]+:\d+/.exec(stderr)
        if (m !== null) resolve(m[0])
      })
      child.on("exit", () => reject(new Error(stderr)))
    })
    const res = await fetch(`${url}/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`)
    expect(res.status).toBe(404)
    expect((await fetch(`${url}/healthz`)).status).toBe(200)
    const code = await new Promise<number | null>((resolve) => {
      child.on("exit", resolve)
      child.kill("SIGINT")
    })
    expect(code).toBe(0)
    expect(stderr).toContain("Stopped.")
    expect(stdout).toMatch(/GET \/s\/[0-9a-f]{8}… 404/)
    expect(stdout).not.toContain("AAAAAAAAAAAAAAAA")
    // the embedded database is free again
    expect((await convene(ws, ["mail", "status"])).code).toBe(0)
  }, 60_000)
})

afterAll(dropTestStores)
