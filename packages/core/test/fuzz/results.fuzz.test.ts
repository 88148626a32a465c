// Fuzzing the results importers — the three results CSVs (tallies, ballots, recommendations) and
// KoboToolbox exports of the results form — from simulated results of two sites: the decoders see
// 2,000 hostile inputs each, and those they accept go on through the SDK's import (importResults)
// into a database (PGlite), which must refuse them with a located error and unchanged tables, or
// import them.
import { readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { sql } from "kysely"
import { describe, expect, it } from "vitest"
import { readResultsCsv } from "../../src/domain/Results.js"
import { readResultsKobo } from "../../src/domain/ResultsKobo.js"
import type { DatabaseShape } from "../../src/infra/Database.js"
import { displayPath } from "../../src/infra/Files.js"
import { importResults, validateResults } from "../../src/results/Results.js"
import { runWith, testDatabases, useTestDatabase } from "../support/databases.js"
import { exampleDir, kitWorkspace } from "../support/kit-workspace.js"
import { registerWorkspace } from "../support/survey-workspace.js"
import { FuzzReport, fuzzDecoder, fuzzImport, fuzzTimeout } from "./harness.js"
import { ballots, resultsCsvSeeds, resultsKoboSeeds } from "./seeds.js"

/** Inputs per importer that go through the database (the accepted ones, up to this). */
const MAX_IMPORTS = Number(process.env["FUZZ_IMPORTS"] ?? 100)
const knownSites = new Set(["gb-london", "sn-dakar", "eg-cairo", "in-delhi", "ws-apia"])

const snapshotOf = (shape: DatabaseShape) => async (): Promise<string> => {
  const parts: Array<string> = []
  for (const t of ["result_sites", "result_log"]) {
    parts.push((await sql<{ r: string }>`select to_jsonb(x)::text as r from ${sql.table(t)} x order by 1`.execute(shape.db)).rows.map((r) => r.r).join("\n"))
  }
  return parts.join("\n")
}

// PGlite only: see registries.fuzz.test.ts
describe.each(testDatabases.filter((d) => d.name === "pglite"))("fuzz: results imports on $name", (testDb) => {
  const db = useTestDatabase(testDb)

  it.each([
    { format: "csv" as const, file: "results.csv", seeds: resultsCsvSeeds },
    { format: "kobo" as const, file: "results-kobo.csv", seeds: resultsKoboSeeds }
  ])("$format: hostile variants give located errors and write nothing, never a crash", async ({ format, file, seeds }) => {
    const report = new FuzzReport(`results ${format}`, file)
    const accepted = fuzzDecoder(report, seeds, (text) =>
      (format === "csv" ? readResultsCsv(text, file, ballots, knownSites) : readResultsKobo(text, file, ballots, knownSites)).problems
    )
    const shape = db()
    const ws = await kitWorkspace({ "ballots/votes.yaml": await readFile(join(exampleDir, "ballots", "votes.yaml"), "utf8"), "participants.csv": "id,site_id,code,locale,email,gender,age_band,education,residence\n" })
    await registerWorkspace(shape, ws)
    const path = join(ws.dir, file)
    report.file = displayPath(path)
    // the London results are imported and validated first: an input with London rows must then be
    // refused whole, Dakar's rows in it included (the all-or-nothing this test checks)
    await sql`truncate result_sites, result_log`.execute(shape.db)
    const london = resultsCsvSeeds.slice(0, 3).map((t) => t.split("\n").filter((l, i) => i === 0 || l.startsWith("gb-london,")).join("\n"))
    for (const [k, text] of london.entries()) {
      await writeFile(path, text)
      await runWith(shape, importResults({ workspace: ws, file: path, actor: "staff:fuzz" })).catch((e) => {
        throw new Error(`the London seed ${k} did not import: ${String(e)}`)
      })
    }
    await runWith(shape, validateResults({ site: "gb-london" }, "staff:fuzz"))
    for (const { n, mutant } of accepted.slice(0, MAX_IMPORTS)) {
      await writeFile(path, mutant.text)
      await fuzzImport(report, n, mutant, shape, importResults({ workspace: ws, file: path, actor: "staff:fuzz", format }), snapshotOf(shape))
    }
    console.info(report.summary())
    expect(report.failures()).toEqual([])
    expect(report.refused).toBeGreaterThan(report.inputs / 3)
    // some accepted inputs must get through and some be refused, or the database stage checks little
    expect(report.stored).toBeGreaterThan(0)
    expect(report.stored).toBeLessThan(report.imports)
  }, fuzzTimeout(10))
})
