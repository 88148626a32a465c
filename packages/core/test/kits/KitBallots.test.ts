// The vote sheets of a kit, from the example's ballots: participant ballots in the site's
// language (fr, and ar right to left), tally sheets that carry the codes data entry reads,
// recommendations sheets, a blank tally sheet for a vote without a question, byte-identical
// rebuilds, and a changed ballot that rebuilds every kit. Sites come from every test database.
import Handlebars from "handlebars"
import { readdir, readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { decodeBallotYaml } from "../../src/domain/Ballot.js"
import { buildKits, type KitManifest } from "../../src/kits/Kits.js"
import { importRegistryFile } from "../../src/registries/Registries.js"
import { planSchedule } from "../../src/schedule/Schedules.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { runWith, testDatabases, truncateAll } from "../support/databases.js"
import { exampleDir, kitWorkspace } from "../support/kit-workspace.js"

const snapshots = join(import.meta.dirname, "__snapshots__", "kit")
const escape = (s: string): string => Handlebars.escapeExpression(s)

describe.each(testDatabases)("kit vote sheets on $name", (testDb) => {
  let shape: Awaited<ReturnType<typeof testDb.open>>
  let votes: string
  beforeAll(async () => {
    shape = await testDb.open()
    votes = await readFile(join(exampleDir, "ballots", "votes.yaml"), "utf8")
  })
  afterAll(async () => shape?.dispose())
  beforeEach(async () => truncateAll(shape))

  const setUp = async (files: Readonly<Record<string, string>>): Promise<Workspace> => {
    const ws = await kitWorkspace(files)
    await runWith(shape, importRegistryFile("fellows", join(ws.dir, "fellows.csv")))
    await runWith(shape, importRegistryFile("sites", join(ws.dir, "sites.csv")))
    await runWith(shape, planSchedule(ws.dialogue))
    return ws
  }
  const html = async (ws: Workspace, site: string, doc: string): Promise<string> => readFile(join(ws.dir, "out", "kits", site, `${doc}.html`), "utf8")

  it("prints a ballot per vote with ballot questions, a tally sheet per vote with tally questions, and a recommendations sheet, in each site's language", async () => {
    const ws = await setUp({ "ballots/votes.yaml": votes })
    const result = await runWith(shape, buildKits(ws))
    expect(result.warnings.join("\n")).not.toContain("no question")
    const files = (await readdir(join(ws.dir, "out", "kits", "sn-dakar"))).filter((f) => f.endsWith(".html")).sort()
    // vote-1 is counted by the tables; vote-2 to vote-4 are on ballots; vote-4 also has the recommendations
    expect(files.filter((f) => /^(ballot|tally-sheet|recommendations)-/.test(f))).toEqual([
      "ballot-vote-2.html",
      "ballot-vote-3.html",
      "ballot-vote-4.html",
      "recommendations-vote-4.html",
      "tally-sheet-vote-1.html"
    ])
    expect(files).not.toContain("results-sheet.html")
    const ballots = decodeBallotYaml(votes, "votes.yaml", ws.dialogue)
    const q = (id: string) => ballots.questions.find((x) => x.id === id)!

    const fr = await html(ws, "sn-dakar", "ballot-vote-2")
    expect(fr).toContain('<html lang="fr-SN" dir="ltr">')
    expect(fr).toContain(escape(q("data-protections").label["fr"]!))
    const protections = q("data-protections")
    if (protections.type !== "multiple") throw new Error("data-protections is a multiple choice")
    for (const o of protections.options) expect(fr).toContain(escape(o.label["fr"]!))
    expect(fr).toContain("Cochez au plus 2 cases.")
    expect(fr).toContain('<bdi class="code">sn-dakar</bdi>')
    expect(fr).toContain("Bulletin n°")
    expect(fr).not.toContain("⟦")

    const ar = await html(ws, "eg-cairo", "ballot-vote-3")
    expect(ar).toContain('<html lang="ar-EG" dir="rtl">')
    expect(ar).toContain(escape(q("platform-responsibility").label["ar"]!))
    expect(ar).toContain("غير مسؤولة إطلاقًا")
    // the scale's points in Arabic-Indic digits, 0 to 10
    expect(ar).toContain('<span class="point">٠</span>')
    expect(ar).toContain('<span class="point">١٠</span>')
    expect(ar).not.toContain("⟦")
    const rank = await html(ws, "eg-cairo", "ballot-vote-4")
    expect(rank.split('class="rank-box"').length - 1).toBe(5)
    expect(rank).toContain("المجتمع التقني")

    // the tally sheet carries the codes data entry reads: site, vote, question, options
    const tally = await html(ws, "gb-london", "tally-sheet-vote-1")
    for (const code of ["gb-london", "vote-1", "access-right", "yes", "no", "undecided"]) expect(tally).toContain(`<bdi class="code">${code}</bdi>`)
    expect(tally).toContain("People present at the table")
    expect(tally).toContain("site,table,present,question,option,count")
    expect(tally.split('class="count-cell"').length - 1).toBe(3 + 1)
    const arTally = await html(ws, "eg-cairo", "tally-sheet-vote-1")
    expect(arTally).toContain('dir="rtl"')
    expect(arTally).toContain("لم أحسم رأيي")

    const recommendations = await html(ws, "sn-dakar", "recommendations-vote-4")
    expect(recommendations).toContain(escape(q("recommendations").label["fr"]!))
    expect(recommendations.split('class="text-cell"').length - 1).toBe(2)
    expect(recommendations).toContain("3 votes de priorité")
    expect(recommendations).toContain("site,table,recommendation,text,votes")

    // the index and the facilitator guide link every sheet
    const index = await html(ws, "sn-dakar", "index")
    for (const f of ["ballot-vote-2.html", "tally-sheet-vote-1.html", "recommendations-vote-4.html"]) expect(index).toContain(`href="${f}"`)
    expect(await html(ws, "sn-dakar", "facilitator-guide")).toContain("à main levée, compté à chaque table")
    await expect(fr).toMatchFileSnapshot(join(snapshots, "ballot-vote-2.fr-SN.html"))
    await expect(ar).toMatchFileSnapshot(join(snapshots, "ballot-vote-3.ar-EG.html"))
    await expect(tally).toMatchFileSnapshot(join(snapshots, "tally-sheet-vote-1.en-GB.html"))
    await expect(recommendations).toMatchFileSnapshot(join(snapshots, "recommendations-vote-4.fr-SN.html"))
  })

  it("gives a vote without any question a blank tally sheet, and warns", async () => {
    const ws = await setUp({ "ballots/votes.yaml": votes.replace(/\n {2}- id: platform-responsibility[\s\S]*?(?=\n {2}- id: governance-rank)/, "\n") })
    const result = await runWith(shape, buildKits(ws, { site: "gb-london" }))
    expect(result.warnings).toContainEqual(expect.stringContaining("The vote block vote-3 has no question in ballots/*.yaml: its tally sheet is blank"))
    const blank = await html(ws, "gb-london", "tally-sheet-vote-3")
    expect(blank).toContain("No question is set for this vote yet")
    expect(blank).toContain('<bdi class="code">vote-3</bdi>')
    expect((await readdir(join(ws.dir, "out", "kits", "gb-london"))).some((f) => f === "ballot-vote-3.html")).toBe(false)
  })

  it("builds byte-identical sheets from the same ballots, and rebuilds every kit when a ballot changes", async () => {
    const ws = await setUp({ "ballots/votes.yaml": votes })
    await runWith(shape, buildKits(ws, { outDir: join(ws.dir, "a") }))
    await runWith(shape, buildKits(ws, { outDir: join(ws.dir, "b") }))
    for (const site of ["sn-dakar", "eg-cairo"]) {
      for (const doc of ["ballot-vote-2.html", "ballot-vote-3.html", "tally-sheet-vote-1.html", "recommendations-vote-4.html", "manifest.json"]) {
        const a = await readFile(join(ws.dir, "a", site, doc))
        expect(a.equals(await readFile(join(ws.dir, "b", site, doc))), `${site}/${doc}`).toBe(true)
      }
      expect((await readFile(join(ws.dir, "a", `${site}.zip`))).equals(await readFile(join(ws.dir, "b", `${site}.zip`)))).toBe(true)
    }
    const manifest = JSON.parse(await readFile(join(ws.dir, "a", "sn-dakar", "manifest.json"), "utf8")) as KitManifest
    expect(manifest.inputs["ballots"]).toMatch(/^[0-9a-f]{64}$/)
    const again = await runWith(shape, buildKits(ws, { outDir: join(ws.dir, "a") }))
    expect(again.skipped).toBe(5)
    await writeFile(join(ws.dir, "ballots", "votes.yaml"), votes.replace('fr: "Oui"', 'fr: "Oui, tout à fait"'))
    const changed = await runWith(shape, buildKits(ws, { outDir: join(ws.dir, "a") }))
    expect(changed.built).toBe(5)
    expect(await readFile(join(ws.dir, "a", "sn-dakar", "tally-sheet-vote-1.html"), "utf8")).toContain("Oui, tout à fait")
  })
})
