/**
 * `convene results export`: the vote questions as an XLSForm for KoboToolbox and ODK (tablets
 * and offline entry, read back by `results import --format kobo`), or the stored results as the
 * three CSV layouts `results import` reads, so that an export imports again as it was.
 */
import * as Effect from "effect/Effect"
import { dirname, join } from "node:path"
import { InputError, NotFound } from "../domain/Errors.js"
import type { ResultPart } from "../domain/Results.js"
import { resultsCsvRows, resultsCsvText } from "../domain/ResultsCsv.js"
import { resultsXlsFormSheets } from "../domain/ResultsKobo.js"
import { fileOp, makeDir, writeFileIn } from "../infra/Files.js"
import type { Workspace } from "../infra/Workspace.js"
import { listRegistry } from "../registries/index.js"
import { writeXlsFormFile } from "../surveys/index.js"
import { ballotsForSite } from "../domain/Ballot.js"
import { ballotsWithSessions, readBallots } from "./Ballots.js"
import { ResultsRepo } from "./ResultsRepo.js"

/** What `results export` needs. */
export interface ExportResultsOptions {
  readonly workspace: Workspace
  readonly format: "xlsform" | "csv"
  /** xlsform: the .xlsx file (default `out/results/results-form.xlsx`); csv: the folder (default `out/results/`). */
  readonly out?: string | undefined
  /** xlsform: fill this site in by default; csv: only the results of these sites. */
  readonly sites?: ReadonlyArray<string> | undefined
}

/** What an export wrote. */
export interface ResultsExportSummary {
  readonly format: "xlsform" | "csv"
  /** The files written. */
  readonly files: ReadonlyArray<string>
  /** xlsform: the questions in the form; csv: the sites exported. */
  readonly questions: number
  readonly sites: number
  /** csv: the rows of each file written. */
  readonly rows: Readonly<Partial<Record<ResultPart, number>>>
}

/** Sites read from the database per step of a CSV export. */
const EXPORT_BATCH = 500

/**
 * Writes the XLSForm of the vote questions (labels in every locale of the dialogue, version
 * from the ballots' hash), or the stored results of every site that has any (or of `sites`) as
 * `tallies.csv`, `ballots.csv` and `recommendations.csv` (a file only when it has rows).
 *
 * @example
 * const { files } = yield* exportResults({ workspace, format: "csv" })
 * // ["…/out/results/tallies.csv", "…/out/results/ballots.csv", "…/out/results/recommendations.csv"]
 */
export const exportResults = Effect.fn("Results.export")(function*(options: ExportResultsOptions) {
  const ws = options.workspace
  const loaded = yield* readBallots(ws.dir, ws.dialogue)
  const sha256 = loaded.sha256
  if (loaded.ballots.questions.length === 0) return yield* new InputError({ summary: "The workspace has no vote questions: add them in ballots/*.yaml (docs/results.md).", problems: [] })
  const registered = yield* listRegistry("sites")
  const known = new Set<string>(registered.map((s) => s.id))
  // the export holds every question a site voted on, national sessions' included (so it imports
  // again as it was); the XLSForm of one site asks its national questions too
  const all = yield* ballotsWithSessions(ws, loaded.ballots, registered)
  const ballots = options.sites?.length === 1 ? ballotsForSite(all, options.sites[0]!) : options.format === "xlsform" ? loaded.ballots : all
  const unknown = options.sites?.find((id) => !known.has(id))
  if (unknown !== undefined) return yield* new NotFound({ what: "site", id: unknown })

  if (options.format === "xlsform") {
    if ((options.sites?.length ?? 0) > 1) return yield* new InputError({ summary: "An XLSForm fills in one site by default: give at most one --site.", problems: [] })
    const sheets = yield* Effect.try({
      try: () => resultsXlsFormSheets(ballots, ws.dialogue, { site: options.sites?.[0], version: sha256.slice(0, 12) }),
      catch: (e) => (e instanceof InputError ? e : new InputError({ summary: "The vote questions cannot be written as an XLSForm.", problems: [{ message: String(e) }] }))
    })
    const file = options.out ?? join(ws.dir, "out", "results", "results-form.xlsx")
    yield* makeDir(dirname(file))
    yield* fileOp("write", file, () => writeXlsFormFile(file, sheets))
    return { format: "xlsform", files: [file], questions: ballots.questions.length, sites: options.sites?.length ?? 0, rows: {} as ResultsExportSummary["rows"] } satisfies ResultsExportSummary
  }

  const wanted = options.sites === undefined || options.sites.length === 0 ? undefined : new Set(options.sites)
  const ids = (yield* ResultsRepo.use((repo) => repo.statuses())).map((s) => s.site_id).filter((id) => wanted === undefined || wanted.has(id))
  const rows: Record<ResultPart, Array<Array<string>>> = { tallies: [], ballots: [], recommendations: [] }
  for (let i = 0; i < ids.length; i += EXPORT_BATCH) {
    const batch = ids.slice(i, i + EXPORT_BATCH)
    const read = yield* ResultsRepo.use((repo) => repo.readSites(batch))
    const part = resultsCsvRows(ballots, batch.map((id) => read.get(id)!))
    for (const p of ["tallies", "ballots", "recommendations"] as const) for (const r of part[p]) rows[p].push(r)
  }
  const dir = options.out ?? join(ws.dir, "out", "results")
  yield* makeDir(dir)
  const files: Array<string> = []
  const counts: Partial<Record<ResultPart, number>> = {}
  for (const p of ["tallies", "ballots", "recommendations"] as const) {
    if (rows[p].length === 0) continue
    const file = join(dir, `${p}.csv`)
    yield* writeFileIn(file, resultsCsvText(p, rows[p]))
    files.push(file)
    counts[p] = rows[p].length
  }
  return { format: "csv", files, questions: ballots.questions.length, sites: ids.length, rows: counts } satisfies ResultsExportSummary
})
