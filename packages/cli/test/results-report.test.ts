// `convene results report` through the built binary on the bundled example: refused while no
// site is validated, then simulated and validated results reported in three formats, marked
// as simulated, grouped by income, in French; a bad --by and a bad grouping file refused; the
// embargo: the report refused before it ends and watermarked with --internal, `results publish`
// refused, then the portal written after it.
import { existsSync } from "node:fs"
import { mkdtemp, readFile, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { convene, conveneJson, dropTestStores, useTestStore } from "./run.js"

let ws: string
beforeAll(async () => {
  const tmp = await mkdtemp(join(tmpdir(), "convene-results-report-"))
  ws = join(tmp, "dialogue")
  expect((await convene(tmp, ["init", ws, "--example", "we-the-internet"])).code).toBe(0)
  await useTestStore(ws)
  for (const r of ["fellows", "sites"]) expect((await convene(ws, [r, "import", `${r}.csv`])).code).toBe(0)
}, 120_000)

describe("convene results report", () => {
  it("refuses a bad --by, and a report with no validated site, saying why", async () => {
    const bad = await convene(ws, ["results", "report", "--by", "planet"])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("--by: expected none, country, region")
    const none = await convene(ws, ["results", "report", "--as-of", "2027-06-01T00:00:00Z"])
    expect(none.code).toBe(2)
    expect(none.stderr).toContain("No site has results yet")
    expect((await convene(ws, ["results", "simulate", "--seed", "2"])).code).toBe(0)
    const waiting = await convene(ws, ["results", "report", "--as-of", "2027-06-01T00:00:00Z"])
    expect(waiting.code).toBe(2)
    expect(waiting.stderr).toContain("No site has validated results")
  }, 120_000)

  it("reports the validated sites in HTML, CSV and JSON, simulated results marked", async () => {
    expect((await convene(ws, ["results", "validate", "--all-submitted", "--by", "ana"])).code).toBe(0)
    const r = await conveneJson(ws, ["results", "report", "--by", "income", "--weight", "countries", "--locale", "fr", "--format", "html,csv,json", "--seed", "3", "--as-of", "2027-06-01T00:00:00Z"])
    expect(r.code, r.stderr).toBe(0)
    for (const f of r.json.files) expect(existsSync(f)).toBe(true)
    expect(r.json.files.map((f: string) => f.split("/").at(-1))).toEqual(["results-report-by-income.html", "results-report-by-income.csv", "results-report-by-income-recommendations.csv", "results-report-by-income.json"])
    expect(r.json.report.counted.sites).toBeGreaterThan(100)
    expect(r.json.formats).toEqual(["html", "csv", "json"])
    expect(r.json.report.simulated_sites).toBe(r.json.report.counted.sites)
    // the simulation fills every site but the mirror dialogues, which have no results: nothing is left out
    expect(r.json.report.left_out).toEqual([])
    expect(r.json.report.analysis.groups.map((g: { key: string }) => g.key)).toEqual(["low", "lower-middle", "upper-middle", "high", "unclassified"])
    const html = await readFile(r.json.files[0], "utf8")
    expect(html).toContain('<html lang="fr" dir="ltr">')
    expect(html).toContain('class="simulated"')
    expect(html).toContain("<svg")
    expect(html).not.toMatch(/(src|href)="https?:/)
    const csv = await readFile(r.json.files[1], "utf8")
    expect(csv.split("\n")[0]).toBe("group_by,group,question,option,measure,value,n")
    expect(csv).toContain("income,low,access-right,yes,share_diff_low,")
  }, 120_000)

  it("groups by a file of the user's, and names the line of a bad one", async () => {
    await writeFile(join(ws, "connectivity.csv"), "country,group\nSN,low\nGB,high\n")
    const r = await convene(ws, ["results", "report", "--by", "group:connectivity.csv", "--format", "csv", "--as-of", "2027-06-01T00:00:00Z"])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain("results-report-by-group-connectivity-csv.csv")
    await writeFile(join(ws, "bad.csv"), "country,group\nSN,low\nNOPE,high\n")
    const bad = await convene(ws, ["results", "report", "--by", "group:bad.csv", "--as-of", "2027-06-01T00:00:00Z"])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("bad.csv:3")
  }, 120_000)

  it("holds the results until the embargo ends: refused, or watermarked for staff with --internal", async () => {
    const before = ["--as-of", "2027-05-16T00:00:00Z"]
    const refused = await convene(ws, ["results", "report", ...before])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/under embargo until 2027-05-1\dT[\d:]+Z/)
    expect(refused.stderr).toContain("--internal")
    const internal = await conveneJson(ws, ["results", "report", "--internal", "--format", "html,csv,json", "--out", "internal", ...before])
    expect(internal.code, internal.stderr).toBe(0)
    for (const f of internal.json.files) expect(await readFile(f, "utf8")).toMatch(/EMBARGOED until 2027-05-1\dT[\d:]+Z — internal, do not publish/)
    expect((await readFile(internal.json.files[1], "utf8")).startsWith("# EMBARGOED until")).toBe(true)
    const publish = await convene(ws, ["results", "publish", ...before])
    expect(publish.code).toBe(2)
    expect(publish.stderr).toContain("results publish: the results are under embargo until")
  }, 120_000)

  it("publishes the portal after the embargo, the same bytes twice", async () => {
    const r = await conveneJson(ws, ["results", "publish", "--out", "portal", "--as-of", "2027-06-01T00:00:00Z"])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.countries.length).toBeGreaterThan(50)
    // --json: absolute paths of every file written, snake_case keys
    expect(r.json.files).toContain(join(ws, "portal", "index.html"))
    expect(r.json.simulated_sites).toBe(r.json.sites)
    const index = await readFile(join(ws, "portal", "index.html"), "utf8")
    expect(index).toContain('href="countries/SN.html"')
    const sn = await readFile(join(ws, "portal", "countries", "SN.html"), "utf8")
    expect(sn).toMatch(/<html lang="fr/)
    expect(await readFile(join(ws, "portal", "LICENSE.txt"), "utf8")).toContain("CC BY 4.0")
    const again = await conveneJson(ws, ["results", "publish", "--out", "portal", "--as-of", "2027-06-02T00:00:00Z"])
    expect(again.code, again.stderr).toBe(0)
    expect(await readFile(join(ws, "portal", "countries", "SN.html"), "utf8")).toBe(sn)
  }, 180_000)
})

afterAll(dropTestStores)
