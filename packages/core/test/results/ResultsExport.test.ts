// Export and the tablets' way in, on every test database: the stored results exported as the
// three CSV layouts import back as they were; a KoboToolbox export of the results form imports
// through importResults; the XLSForm is written as a workbook KoboToolbox takes.
import ExcelJS from "exceljs"
import { writeFile } from "node:fs/promises"
import { join } from "node:path"
import { beforeEach, describe, expect, it } from "vitest"
import type { InputError } from "../../src/domain/Errors.js"
import { emptyResults, type SiteResults } from "../../src/domain/Results.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { importRegistryFile } from "../../src/registries/Registries.js"
import { readBallots } from "../../src/results/Ballots.js"
import { importResults, storeResults } from "../../src/results/Results.js"
import { exportResults } from "../../src/results/ResultsExport.js"
import { ResultsRepo } from "../../src/results/ResultsRepo.js"
import { simulateResults } from "../../src/results/ResultsSimulate.js"
import { failWith, type OpenTestDatabase, runWith, testDatabases, truncateAll, useTestDatabase } from "../support/databases.js"
import { exampleBallots, exampleBallotsText } from "../support/example-ballots.js"
import { kitWorkspace } from "../support/kit-workspace.js"
import { koboCsvOf } from "../support/kobo-results.js"
import * as Effect from "effect/Effect"

const SITES = ["eg-cairo", "gb-london", "in-delhi", "sn-dakar"]

describe.each(testDatabases)("results export and Kobo import on $name", (testDb) => {
  const db = useTestDatabase(testDb)
  let shape: OpenTestDatabase
  let ws: Workspace
  beforeEach(async () => {
    shape = db()
    await truncateAll(shape)
    ws = await kitWorkspace({ "ballots/votes.yaml": exampleBallotsText })
    for (const r of ["fellows", "sites"] as const) await runWith(shape, importRegistryFile(r, join(ws.dir, `${r}.csv`)))
  })
  const read = (): Promise<Array<SiteResults>> =>
    runWith(shape, Effect.gen(function*() {
      const { ballots } = yield* readBallots(ws.dir, ws.dialogue)
      const m = yield* ResultsRepo.use((repo) => repo.readSites(SITES))
      return SITES.map((id) => m.get(id)!)
    }))
  const wipe = () => runWith(shape, storeResults(exampleBallots, SITES.map(emptyResults), ["tallies", "ballots", "recommendations"], { actor: "staff:test", action: "wipe" }))

  it("exports the stored results as the import layouts, and they import back as they were", async () => {
    await runWith(shape, simulateResults({ workspace: ws, seed: 5 }))
    const stored = await read()
    const out = join(ws.dir, "exported")
    const summary = await runWith(shape, exportResults({ workspace: ws, format: "csv", out }))
    expect(summary.files.map((f) => f.slice(out.length + 1))).toEqual(["tallies.csv", "ballots.csv", "recommendations.csv"])
    expect(summary.sites).toBe(4)
    expect(summary.rows.ballots).toBe(stored.reduce((a, r) => a + r.ballots.length, 0) * 3)
    await wipe()
    expect((await read()).every((r) => r.tallies.length === 0 && r.ballots.length === 0)).toBe(true)
    for (const f of summary.files) await runWith(shape, importResults({ workspace: ws, file: f, actor: "staff:test" }))
    expect(await read()).toEqual(stored)
    // one site only
    const one = await runWith(shape, exportResults({ workspace: ws, format: "csv", out: join(ws.dir, "one"), sites: ["sn-dakar"] }))
    expect(one.sites).toBe(1)
  })

  it("imports a KoboToolbox export of the results form (--format kobo): table sheets and ballots, every part", async () => {
    await runWith(shape, simulateResults({ workspace: ws, seed: 9 }))
    const stored = await read()
    const file = join(ws.dir, "kobo.csv")
    await writeFile(file, koboCsvOf(exampleBallots, stored))
    await wipe()
    const summary = await runWith(shape, importResults({ workspace: ws, file, actor: "staff:test", format: "kobo" }))
    expect(summary).toMatchObject({ parts: ["tallies", "recommendations", "ballots"], sites: SITES, unapproved: 0 })
    expect(await read()).toEqual(stored)
    const log = await runWith(shape, ResultsRepo.use((repo) => repo.log("sn-dakar")))
    expect(log.at(-1)).toMatchObject({ actor: "staff:test", action: "import kobo" })
    // a bad cell: nothing is written, the place is named
    const bad = koboCsvOf(exampleBallots, [{ ...stored[3]!, tallies: [{ table: 1, present: 2, counts: { "access-right": { yes: 3 } } }], ballots: [], recommendations: [] }])
    await writeFile(file, bad)
    const e = (await failWith(shape, importResults({ workspace: ws, file, actor: "staff:test", format: "kobo" }))) as InputError
    expect(e.problems.map((p) => `${p.line}:${p.column} ${p.message}`)).toEqual(['2:7 table 1, "access-right": 3 votes but only 2 people present at the table'])
    expect(await read()).toEqual(stored)
  })

  it("writes the XLSForm as a workbook with survey, choices and settings sheets", async () => {
    const file = join(ws.dir, "form.xlsx")
    const summary = await runWith(shape, exportResults({ workspace: ws, format: "xlsform", out: file, sites: ["sn-dakar"] }))
    expect(summary).toMatchObject({ format: "xlsform", files: [file], questions: 5 })
    const book = new ExcelJS.Workbook()
    await book.xlsx.readFile(file)
    expect(book.worksheets.map((w) => w.name)).toEqual(["survey", "choices", "settings"])
    const survey = book.getWorksheet("survey")!
    const headers = (survey.getRow(1).values as Array<string>).slice(1)
    expect(headers.slice(0, 3)).toEqual(["type", "name", "label::English (en)"])
    const nameCol = headers.indexOf("name") + 1
    const defaultCol = headers.indexOf("default") + 1
    expect(survey.getRow(2).getCell(nameCol).value).toBe("site")
    expect(survey.getRow(2).getCell(defaultCol).value).toBe("sn-dakar")
    expect(survey.getRow(3).getCell(nameCol).value).toBe("record")
    const settings = book.getWorksheet("settings")!
    expect(settings.getRow(2).getCell(2).value).toBe("we_the_internet_results")
    const e = (await failWith(shape, exportResults({ workspace: ws, format: "xlsform", sites: ["sn-dakar", "gb-london"] }))) as InputError
    expect(e.summary).toMatch(/at most one --site/)
  })
})
