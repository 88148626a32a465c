// Fuzzing the survey answer importers — paper CSV and KoboToolbox exports — from valid files for
// the example instrument: the decoders see 2,000 hostile inputs each, and those they accept go on
// through the SDK's import (importSurveyAnswers) into a database (PGlite) with the survey fixture's
// participants, which must refuse them with a located error and unchanged answers, or import them.
import { writeFile } from "node:fs/promises"
import { join } from "node:path"
import { sql } from "kysely"
import { describe, expect, it } from "vitest"
import { koboRows, paperRows } from "../../src/domain/PaperAnswers.js"
import { questionsFor } from "../../src/domain/Instrument.js"
import type { DatabaseShape } from "../../src/infra/Database.js"
import { displayPath } from "../../src/infra/Files.js"
import { importSurveyAnswers } from "../../src/surveys/Surveys.js"
import { testDatabases, useTestDatabase } from "../support/databases.js"
import { registerWorkspace, surveyWorkspace } from "../support/survey-workspace.js"
import { FuzzReport, fuzzDecoder, fuzzImport, fuzzTimeout } from "./harness.js"
import { instrument, koboAnswersSeeds, paperSeeds } from "./seeds.js"

/** Inputs per importer that go through the database (the accepted ones, up to this). */
const MAX_IMPORTS = Number(process.env["FUZZ_IMPORTS"] ?? 100)

const preIds = new Set(questionsFor(instrument, "pre").map((q) => q.id))
const postOnly = questionsFor(instrument, "post").map((q) => q.id).filter((id) => !preIds.has(id))

const snapshotOf = (shape: DatabaseShape) => async (): Promise<string> =>
  (await sql<{ r: string }>`select to_jsonb(x)::text as r from survey_responses x order by 1`.execute(shape.db)).rows.map((r) => r.r).join("\n")

// PGlite only: see registries.fuzz.test.ts
describe.each(testDatabases.filter((d) => d.name === "pglite"))("fuzz: answer imports on $name", (testDb) => {
  const db = useTestDatabase(testDb)

  it.each([
    { format: "paper" as const, file: "paper-pre.csv", seeds: paperSeeds },
    { format: "kobo" as const, file: "kobo-export.csv", seeds: koboAnswersSeeds }
  ])("$format: hostile variants give located errors and write nothing, never a crash", async ({ format, file, seeds }) => {
    const report = new FuzzReport(`answers ${format}`, file)
    // a seed of the post wave is decoded as such: the wave is part of what the header is checked against
    const waveOf = (text: string) => (postOnly.some((id) => (text.split("\n")[0] ?? "").includes(id)) ? "post" : "pre")
    const accepted = fuzzDecoder(report, seeds, (text) =>
      (format === "paper" ? paperRows(text, file, instrument, waveOf(text)) : koboRows(text, file, instrument, waveOf(text))).problems
    )
    const shape = db()
    const { ws } = await surveyWorkspace()
    await registerWorkspace(shape, ws)
    const path = join(ws.dir, file)
    report.file = displayPath(path)
    for (const { n, mutant } of accepted.slice(0, MAX_IMPORTS)) {
      await writeFile(path, mutant.text)
      // an import that succeeds is undone every other time: the next input meets either no answers
      // or answers already given, which it must refuse whole (or, with skipExisting, skip)
      const stored = await fuzzImport(report, n, mutant, shape, importSurveyAnswers(ws, path, { wave: waveOf(mutant.text), format, skipExisting: n % 5 === 0 }), snapshotOf(shape))
      if (stored && n % 2 === 0) await sql`truncate survey_responses`.execute(shape.db)
    }
    console.info(report.summary())
    expect(report.failures()).toEqual([])
    expect(report.refused).toBeGreaterThan(report.inputs / 3)
    // some accepted inputs must get through and some be refused, or the database stage checks little
    expect(report.stored).toBeGreaterThan(0)
    expect(report.stored).toBeLessThan(report.imports)
  }, fuzzTimeout(10))
})
