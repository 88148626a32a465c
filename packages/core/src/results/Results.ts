/**
 * The workflows of the citizens' results: storing a site's results from any way in (CSV, Kobo,
 * the web form, the simulation — all through {@link storeResults}), moving them from draft to
 * submitted to validated and back, the audit log, and the progress of entry across sites.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { Ballots } from "../domain/Ballot.js"
import { Conflict, InputError, NotFound, type Problem } from "../domain/Errors.js"
import type { Site } from "../domain/Registry.js"
import { m49Of } from "../domain/Regions.js"
import { checkSiteResults, siteTotalsOf, type ResultPart, type ResultStatus, readResultsCsv, type SiteResults } from "../domain/Results.js"
import { readResultsKobo } from "../domain/ResultsKobo.js"
import { displayPath, readText } from "../infra/Files.js"
import type { Workspace } from "../infra/Workspace.js"
import { listRegistry } from "../registries/index.js"
import { planSites } from "../schedule/index.js"
import { type ResultLogEntry, ResultsRepo, type StatusChange } from "./ResultsRepo.js"
import { ballotsWithSessions, readBallots } from "./Ballots.js"

/** Who makes a change: a staff member (`staff:NAME`), a site's link (`link:SITE`), the simulation. */
export type Actor = string

/** What the one write path needs besides the results. */
export interface StoreOptions {
  readonly actor: Actor
  /** What the log calls the change: `import`, `web-draft`, `web-submit`, `simulate`, … */
  readonly action: string
  readonly simulated?: boolean | undefined
  /** Mark the sites submitted (the web form's Submit, the simulation). */
  readonly submit?: boolean | undefined
  /** Write everything in the transaction (every check runs), then roll it back. */
  readonly dryRun?: boolean | undefined
}

/**
 * The one write path of a site's results. Checks every site's results with the checks the CSV
 * uses (a problem names the site and the field), refuses validated sites, then replaces the
 * `parts` of each site's results in one transaction and logs the change.
 */
export const storeResults = Effect.fn("Results.store")(function*(ballots: Ballots, entries: ReadonlyArray<SiteResults>, parts: ReadonlyArray<ResultPart>, options: StoreOptions) {
  const problems = entries.flatMap((e) => checkSiteResults(ballots, e).map((p) => ({ ...p, field: `${e.site_id}.${p.field ?? ""}` })))
  if (problems.length > 0) return yield* new InputError({ summary: `The results are not valid (${problems.length} ${problems.length === 1 ? "problem" : "problems"}).`, problems })
  const outcome = yield* ResultsRepo.use((repo) => repo.replaceParts(entries, parts, { actor: options.actor, action: options.action, simulated: options.simulated === true, totalsOf: (r) => siteTotalsOf(ballots, r), submit: options.submit, dryRun: options.dryRun }))
  if ("validated" in outcome) return yield* new Conflict({ reason: `The results of ${listOf(outcome.validated)} are validated: reopen them first (convene results reopen --site ID --reason TEXT).` })
  return outcome.written
})

const listOf = (ids: ReadonlyArray<string>): string => (ids.length <= 5 ? ids.join(", ") : `${ids.slice(0, 5).join(", ")} and ${ids.length - 5} more`)

/** What `results import` needs. */
export interface ImportResultsOptions {
  readonly workspace: Workspace
  readonly file: string
  /** Only this site: the file may leave out the `site` column. */
  readonly site?: string | undefined
  readonly actor: Actor
  /** `csv` (default): one of the three CSV layouts; `kobo`: a KoboToolbox/ODK CSV export of the results form (domain/ResultsKobo.ts). */
  readonly format?: "csv" | "kobo" | undefined
  /** kobo: keep the submissions a reviewer marked "Not approved". */
  readonly includeUnapproved?: boolean | undefined
  /** Run the whole import, every check included, then roll it back: store nothing. */
  readonly dryRun?: boolean | undefined
}

/** What an import did. */
export interface ResultsImportSummary {
  readonly file: string
  readonly part: ResultPart
  /** Every part replaced: the one part of a CSV; a Kobo export's table sheets and ballots. */
  readonly parts: ReadonlyArray<ResultPart>
  readonly rows: number
  readonly sites: ReadonlyArray<string>
  /** kobo: submissions marked "Not approved" in KoboToolbox, left out. */
  readonly unapproved: number
  /** Set by a dry run: the import ran in full, then was rolled back; nothing was stored. */
  readonly dryRun?: true
}

/**
 * `convene results import FILE`: reads a tallies, ballots or recommendations CSV, checks every
 * cell (FILE:LINE:COLUMN), refuses the whole file when a site in it is validated, and replaces
 * that part of each site's draft in one transaction. With `format: "kobo"`, reads a KoboToolbox
 * export of the results form instead (`readResultsKobo`): its table sheets replace the tallies
 * and recommendations, its ballots the ballots, of each site in it.
 */
export const importResults = Effect.fn("Results.import")(function*(options: ImportResultsOptions) {
  const loaded = yield* readBallots(options.workspace.dir, options.workspace.dialogue)
  if (loaded.ballots.questions.length === 0) return yield* new InputError({ summary: "The workspace has no vote questions: add them in ballots/*.yaml (docs/results.md).", problems: [] })
  const text = yield* readText(options.file)
  const file = displayPath(options.file)
  const sites = yield* listRegistry("sites")
  // each site's rows may answer the global questions and its national session's
  const ballots = yield* ballotsWithSessions(options.workspace, loaded.ballots, sites)
  if (options.site !== undefined && !sites.some((s) => s.id === options.site)) return yield* new NotFound({ what: "site", id: options.site })
  const known = new Set<string>(sites.map((s) => s.id))
  const read = options.format === "kobo"
    ? readResultsKobo(text, file, ballots, known, { site: options.site, includeUnapproved: options.includeUnapproved })
    : ((csv) => ({ ...csv, parts: [csv.part], unapproved: 0 }))(readResultsCsv(text, file, ballots, known, { site: options.site }))
  const problems: Array<Problem> = [...read.problems]
  if (problems.length === 0 && read.sites.length === 0) {
    problems.push({ file, line: 1, message: read.unapproved > 0 ? `every submission (${read.unapproved}) is marked "Not approved" in KoboToolbox (--include-unapproved keeps them)` : "the file has a header but no rows" })
  }
  // a validated site cannot change: named at its first row, checked again in the write's transaction
  const statuses = new Map((yield* ResultsRepo.use((repo) => repo.statuses())).map((s) => [s.site_id, s.status]))
  for (const s of read.sites) {
    if (statuses.get(s.site_id) === "validated") problems.push({ file, line: s.line, column: s.column, field: "site", message: `the results of ${s.site_id} are validated: reopen them first (convene results reopen --site ${s.site_id} --reason TEXT)` })
  }
  if (problems.length > 0) {
    return yield* new InputError({ summary: `${file} was not imported: ${problems.length} ${problems.length === 1 ? "problem" : "problems"}, nothing was written.`, problems })
  }
  yield* storeResults(ballots, read.sites.map((s) => s.results), read.parts, { actor: options.actor, action: options.format === "kobo" ? "import kobo" : `import ${read.parts[0]}`, dryRun: options.dryRun })
  const summary: ResultsImportSummary = { file, part: read.parts[0]!, parts: read.parts, rows: read.rows, sites: read.sites.map((s) => s.site_id), unapproved: read.unapproved }
  return options.dryRun === true ? { ...summary, dryRun: true as const } : summary
})

/** Which sites a status change applies to. */
export type SiteSelection = { readonly site: string } | { readonly allSubmitted: true }

/**
 * `convene results validate`: moves a site's results (draft or submitted), or every submitted
 * site's, to validated. A validated site cannot change until it is reopened.
 */
export const validateResults = Effect.fn("Results.validate")(function*(selection: SiteSelection, actor: Actor) {
  const statuses = yield* ResultsRepo.use((repo) => repo.statuses())
  if ("site" in selection) {
    const s = statuses.find((x) => x.site_id === selection.site)
    if (s === undefined) return yield* new NotFound({ what: "results of site", id: selection.site, hint: "Nothing was entered for it: import or simulate its results first." })
    if (s.status === "validated") return [] as Array<StatusChange>
    return yield* ResultsRepo.use((repo) => repo.changeStatus([selection.site], ["draft", "submitted"], "validated", { actor, action: "validate" }))
  }
  const submitted = statuses.filter((s) => s.status === "submitted").map((s) => s.site_id)
  return yield* ResultsRepo.use((repo) => repo.changeStatus(submitted, ["submitted"], "validated", { actor, action: "validate" }))
})

/** `convene results reopen`: moves a submitted or validated site back to draft, with a reason kept in the log. */
export const reopenResults = Effect.fn("Results.reopen")(function*(site: string, reason: string, actor: Actor) {
  if (reason.trim() === "") return yield* new InputError({ summary: "A reopening needs a reason.", problems: [{ field: "--reason", message: "expected why the results are reopened (it is kept in the log)" }] })
  const statuses = yield* ResultsRepo.use((repo) => repo.statuses())
  const s = statuses.find((x) => x.site_id === site)
  if (s === undefined) return yield* new NotFound({ what: "results of site", id: site, hint: "Nothing was entered for it." })
  return yield* ResultsRepo.use((repo) => repo.changeStatus([site], ["submitted", "validated"], "draft", { actor, action: "reopen", reason: reason.trim() }))
})

/** `convene results log`: the audit log, oldest first. */
export const resultsLog = Effect.fn("Results.log")(function*(site: string | undefined) {
  const entries: Array<ResultLogEntry> = yield* ResultsRepo.use((repo) => repo.log(site))
  return entries
})

/** Where one site's results stand. */
export interface SiteProgress {
  readonly site_id: string
  readonly name: string
  readonly country: string
  readonly region: string
  readonly format: string
  readonly status: ResultStatus | "missing"
  /** When its day ends (the end of its last agenda block), as an ISO instant. */
  readonly day_ends: string
  /** Missing, and its day has ended in its own zone. */
  readonly overdue: boolean
  readonly simulated: boolean
  readonly present: number
  readonly ballots: number
}

/** The counts of one group of sites. */
export interface ProgressGroup {
  readonly group: string
  readonly expected: number
  readonly draft: number
  readonly submitted: number
  readonly validated: number
  readonly missing: number
  readonly overdue: number
  readonly present: number
  readonly ballots: number
}

/** The whole progress report. */
export interface ResultsProgress {
  readonly as_of: string
  readonly by: "site" | "country" | "region"
  readonly total: ProgressGroup
  readonly groups: ReadonlyArray<ProgressGroup>
  readonly sites: ReadonlyArray<SiteProgress>
}

/**
 * `convene results status`: the sites expected (every site but mirror dialogues, unless
 * `includeMirror`), and which have a draft, submitted or validated results, or none; which
 * missing sites are overdue (their day has ended in their own zone, by the clock — `--as-of`
 * in rehearsals); the people present and the ballots cast.
 */
export const resultsStatus = Effect.fn("Results.status")(function*(workspace: Workspace, options: { readonly by: "site" | "country" | "region"; readonly includeMirror?: boolean | undefined }) {
  const now = yield* Clock.currentTimeMillis
  const sites = (yield* listRegistry("sites")).filter((s: Site) => options.includeMirror === true || s.format !== "mirror")
  const plan = planSites(workspace.dialogue, sites, undefined, undefined, workspace.sessions)
  const ends = new Map(plan.sites.map((p) => [p.id, p.blocks.at(-1)?.end_utc ?? ""]))
  const statuses = new Map((yield* ResultsRepo.use((repo) => repo.statuses())).map((s) => [s.site_id, s]))
  const counts = new Map((yield* ResultsRepo.use((repo) => repo.entryCounts())).map((c) => [c.site_id, c]))
  const rows: Array<SiteProgress> = sites.map((s) => {
    const st = statuses.get(s.id)
    const c = counts.get(s.id)
    const dayEnds = ends.get(s.id) ?? ""
    return {
      site_id: s.id,
      name: s.name,
      country: s.country,
      region: m49Of(s.country)?.region.name ?? "(no region)",
      format: s.format,
      status: st?.status ?? "missing",
      day_ends: dayEnds,
      overdue: st === undefined && dayEnds !== "" && Date.parse(dayEnds) <= now,
      simulated: st?.simulated ?? false,
      present: c?.present ?? 0,
      ballots: c?.ballots ?? 0
    }
  })
  const groupOf = (r: SiteProgress): string => (options.by === "country" ? r.country : options.by === "region" ? r.region : r.site_id)
  const tally = (group: string, members: ReadonlyArray<SiteProgress>): ProgressGroup => ({
    group,
    expected: members.length,
    draft: members.filter((r) => r.status === "draft").length,
    submitted: members.filter((r) => r.status === "submitted").length,
    validated: members.filter((r) => r.status === "validated").length,
    missing: members.filter((r) => r.status === "missing").length,
    overdue: members.filter((r) => r.overdue).length,
    present: members.reduce((a, r) => a + r.present, 0),
    ballots: members.reduce((a, r) => a + r.ballots, 0)
  })
  const groups = new Map<string, Array<SiteProgress>>()
  for (const r of rows) groups.set(groupOf(r), [...(groups.get(groupOf(r)) ?? []), r])
  return {
    as_of: new Date(now).toISOString(),
    by: options.by,
    total: tally("all", rows),
    groups: [...groups].sort((a, b) => a[0].localeCompare(b[0])).map(([g, members]) => tally(g, members)),
    sites: rows
  } satisfies ResultsProgress
})
