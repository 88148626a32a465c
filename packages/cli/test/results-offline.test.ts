// `convene results simulate`, `results export` and `results import --format kobo` through the
// built binary on the bundled example: simulated results marked as such, exported as the
// import layouts and imported back, the XLSForm written, a KoboToolbox export read back.
import { existsSync } from "node:fs"
import { mkdtemp, readFile, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { convene, conveneJson, dropTestStores, useTestStore } from "./run.js"

let ws: string
beforeAll(async () => {
  const tmp = await mkdtemp(join(tmpdir(), "convene-results-offline-"))
  ws = join(tmp, "dialogue")
  expect((await convene(tmp, ["init", ws, "--example", "we-the-internet"])).code).toBe(0)
  await useTestStore(ws)
  for (const r of ["fellows", "sites"]) expect((await convene(ws, [r, "import", `${r}.csv`])).code).toBe(0)
}, 120_000)

describe("convene results simulate, export and import --format kobo", () => {
  it("simulates the sites asked, marked simulated; a second run adds nothing", async () => {
    // three sites keep the test quick; every site but the mirrors is covered by the core tests
    const sites = ["--site", "sn-dakar", "--site", "gb-london", "--site", "eg-cairo"]
    const sim = await convene(ws, ["results", "simulate", "--seed", "4", ...sites])
    expect(sim.code, sim.stderr).toBe(0)
    expect(sim.stdout).toContain("SIMULATED RESULTS")
    expect(sim.stdout).toContain("Simulated the results of 3 sites, seed 4")
    expect(sim.stdout).toMatch(/Africa \(M49 002\)\s+75 %\s+50 %/)
    const again = await conveneJson(ws, ["results", "simulate", "--seed", "4", ...sites])
    expect(again.code).toBe(0)
    expect(again.json).toMatchObject({ simulated: true, sites: 0, skipped: 3 })
    const status = await conveneJson(ws, ["results", "status", "--by", "site"])
    const simulated = status.json.sites.filter((s: { simulated: boolean }) => s.simulated)
    expect(simulated.map((s: { site_id: string }) => s.site_id).sort()).toEqual(["eg-cairo", "gb-london", "sn-dakar"])
    expect(simulated.every((s: { status: string }) => s.status === "submitted")).toBe(true)
  }, 120_000)

  it("exports the results as the import layouts, which import back; writes the XLSForm", async () => {
    const out = join(ws, "exported")
    const csv = await conveneJson(ws, ["results", "export", "--format", "csv", "--out", out])
    expect(csv.code, csv.stderr).toBe(0)
    expect(csv.json.files.map((f: string) => f.slice(out.length + 1))).toEqual(["tallies.csv", "ballots.csv", "recommendations.csv"])
    expect((await readFile(join(out, "tallies.csv"), "utf8")).split("\n")[0]).toBe("site,table,present,question,option,count")
    for (const f of csv.json.files) {
      const r = await convene(ws, ["results", "import", f, "--by", "tester"])
      expect(r.code, r.stderr).toBe(0)
    }
    const again = await conveneJson(ws, ["results", "export", "--format", "csv", "--out", join(ws, "again")])
    for (const name of ["tallies.csv", "ballots.csv", "recommendations.csv"]) expect(await readFile(join(ws, "again", name), "utf8")).toBe(await readFile(join(out, name), "utf8"))
    expect(again.json.csv.sites).toBe(3)
    expect(again.json).toMatchObject({ formats: ["csv"], csv: { dir: join(ws, "again"), rows: { tallies: expect.any(Number) } } })

    const form = await convene(ws, ["results", "export", "--format", "xlsform", "--site", "sn-dakar"])
    expect(form.code, form.stderr).toBe(0)
    expect(existsSync(join(ws, "out", "results", "results-form.xlsx"))).toBe(true)
    expect(form.stdout).toContain("--format kobo")
  }, 120_000)

  it("imports a KoboToolbox export of the form, leaving out submissions not approved, and names a bad cell", async () => {
    const header = ["start", "site", "record", "table", "present", "access-right__yes", "access-right__no", "access-right__undecided", "recommendations__text_1", "recommendations__votes_1", "ballot", "data-protections", "platform-responsibility", "governance-rank__rank_1", "governance-rank__rank_2", "_uuid", "_validation_status"]
    const rows = [
      ["x", "sn-dakar", "table", "1", "8", "5", "2", "1", "Teach it in schools", "12", "", "", "", "", "", "u1", ""],
      ["x", "sn-dakar", "ballot", "", "", "", "", "", "", "", "", "consent deletion", "7", "citizens", "companies", "u2", ""],
      ["x", "sn-dakar", "ballot", "", "", "", "", "", "", "", "", "consent", "3", "", "", "u3", "Not approved"]
    ]
    const file = join(ws, "kobo.csv")
    await writeFile(file, [header, ...rows].map((r) => r.map((c) => `"${c}"`).join(";")).join("\n") + "\n")
    const r = await conveneJson(ws, ["results", "import", file, "--format", "kobo"])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json).toMatchObject({ parts: ["tallies", "recommendations", "ballots"], rows: 2, unapproved: 1, sites: ["sn-dakar"] })
    const out = join(ws, "dakar")
    await conveneJson(ws, ["results", "export", "--format", "csv", "--site", "sn-dakar", "--out", out])
    expect(await readFile(join(out, "ballots.csv"), "utf8")).toBe("site,ballot,question,value\nsn-dakar,u2,data-protections,consent deletion\nsn-dakar,u2,platform-responsibility,7\nsn-dakar,u2,governance-rank,citizens companies\n")

    await writeFile(file, "site;record;table;present;access-right__yes\nsn-dakar;table;1;3;4\n")
    const bad = await convene(ws, ["results", "import", file, "--format", "kobo"])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("kobo.csv:2:5")
    expect(bad.stderr).toContain("4 votes but only 3 people present")
  }, 120_000)
})

afterAll(dropTestStores)
