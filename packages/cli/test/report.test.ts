// `convene survey simulate` and `convene survey report` on the bundled example, through the
// built binary: a clear error with no answers, then the report in three formats.
import { existsSync } from "node:fs"
import { mkdtemp, readFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { convene, conveneJson, dropTestStores, useTestStore } from "./run.js"

let ws: string
beforeAll(async () => {
  const tmp = await mkdtemp(join(tmpdir(), "convene-report-cli-"))
  ws = join(tmp, "dialogue")
  expect((await convene(tmp, ["init", ws, "--example", "we-the-internet"])).code).toBe(0)
  await useTestStore(ws)
  for (const r of ["fellows", "sites", "participants"]) expect((await convene(ws, [r, "import", `${r}.csv`])).code).toBe(0)
}, 120_000)

describe("convene survey report", () => {
  it("says clearly that there is nothing to report yet, and refuses a bad --by", async () => {
    const r = await convene(ws, ["survey", "report"])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("no answers to the instrument evaluation yet")
    const bad = await convene(ws, ["survey", "report", "--by", "planet"])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("--by: expected site, country, region")
  })

  it("simulates answers, then writes the report as HTML, CSV and JSON", async () => {
    const sim = await convene(ws, ["survey", "simulate", "--seed", "3", "--participants", "600"])
    expect(sim.code, sim.stderr).toBe(0)
    expect(`${sim.stdout}${sim.stderr}`.toLowerCase()).toContain("simulated")
    const r = await conveneJson(ws, ["survey", "report", "--by", "region", "--format", "html,csv,json"])
    expect(r.code, r.stderr).toBe(0)
    // the example has a codebook: the representativeness section's CSV comes with the report's
    expect(r.json.files).toHaveLength(4)
    expect(r.json.files[2]).toMatch(/-sample\.csv$/)
    expect(r.json.formats).toEqual(["html", "csv", "json"])
    for (const f of r.json.files) expect(existsSync(f)).toBe(true)
    const html = await readFile(r.json.files.find((f: string) => f.endsWith(".html")), "utf8")
    expect(html).toContain("<svg")
    expect(html).not.toMatch(/(src|href)="https?:/)
    for (const region of ["Africa", "Americas", "Asia", "Europe", "Oceania"]) expect(html).toContain(region)
    // simulated answers are never mistaken for real ones
    expect(html).toContain('class="simulated"')
    expect(r.json.report.simulated_responses).toBe(r.json.report.responses)
    const main = r.json.report.pools.find((p: { pool: string }) => p.pool === "main")
    const all = main.groups.find((g: { key: string }) => g.key === "all")
    expect(all.response.paired).toBeGreaterThan(100)
    // the simulation makes people learn: the knowledge index goes up
    expect(all.knowledge.mean_post).toBeGreaterThan(all.knowledge.mean_pre)
    expect(r.json.report.pools.map((p: { pool: string }) => p.pool)).toContain("mirror")
    const csv = await readFile(r.json.files.find((f: string) => f.endsWith(".csv")), "utf8")
    expect(csv.split("\n")[0]).toBe("pool,by,group,group_label,question,question_type,wave,measure,option,value,n")
  }, 120_000)
})

afterAll(dropTestStores)
