/**
 * `convene results report`: reads the sites, their results status and the votes counted in SQL,
 * chooses the sites that count (validated, not mirror dialogues, unless asked), computes the
 * analysis (domain/ResultsAnalysis.ts) and writes it as HTML, CSV and JSON in the chosen locale.
 * Before the embargo ends it writes only for staff (`internal`), every page and file watermarked.
 */
import * as Effect from "effect/Effect"
import { join, resolve } from "node:path"
import { isCounted } from "../domain/Ballot.js"
import { sessionOf } from "../domain/NationalSession.js"
import { InputError } from "../domain/Errors.js"
import {
  type AnalysisSite,
  analyseResults,
  BOOTSTRAP_REPLICATES,
  DEFAULT_SEED,
  type VoteGroupResult,
  readGroupsCsv,
  type ResultsAnalysis,
  type ResultsBy,
  type ResultsFormat,
  type Weighting
} from "../domain/ResultsAnalysis.js"
import { displayPath, readText, writeFileIn } from "../infra/Files.js"
import type { Workspace } from "../infra/Workspace.js"
import { rendererFor } from "../kits/index.js"
import { listRegistry } from "../registries/index.js"
import { readBallots } from "./Ballots.js"
import { checkEmbargo, type Embargoed } from "./EmbargoGate.js"
import { ResultsRepo } from "./ResultsRepo.js"
import { counted as countedWords, plural } from "../domain/Plural.js"

/** What `results report` needs. */
export interface ResultsReportOptions {
  readonly by?: ResultsBy | undefined
  readonly weight?: Weighting | undefined
  readonly formats?: ReadonlyArray<ResultsFormat> | undefined
  /** Output folder (default: the workspace's `out/reports/`). */
  readonly out?: string | undefined
  /** The locale of the page and labels (default: the dialogue's source locale). */
  readonly locale?: string | undefined
  /** Pool the mirror dialogues with the other sites (they are reported apart otherwise). */
  readonly includeMirror?: boolean | undefined
  /** Count draft and submitted results too, not only validated ones. */
  readonly includeUnvalidated?: boolean | undefined
  readonly seed?: number | undefined
  readonly replicates?: number | undefined
  /**
   * Write before the embargo ends, for staff: every page and file carries the watermark
   * "EMBARGOED until … — internal, do not publish". Without it, a report before the embargo
   * ends is refused.
   */
  readonly internal?: boolean | undefined
}

/** Why sites were left out of the figures, with how many and which. */
export interface LeftOut {
  readonly reason: "draft" | "submitted" | "mirror" | "no_results" | "not_registered"
  readonly count: number
  readonly sites: ReadonlyArray<string>
}

/** The report: the analysis and what it was made from. */
export interface ResultsReport {
  readonly dialogue: { readonly id: string; readonly title: string }
  readonly locale: string
  readonly dir: "ltr" | "rtl"
  readonly counted: { readonly sites: number; readonly countries: number; readonly statuses: ReadonlyArray<string> }
  readonly leftOut: ReadonlyArray<LeftOut>
  /** Counted sites whose results were written by `convene results simulate`. */
  readonly simulatedSites: number
  readonly analysis: ResultsAnalysis
  /** The mirror dialogues on their own (when they are not pooled and some have results). */
  readonly mirror: VoteGroupResult | null
  /**
   * The national sessions' own questions (`sites/<id>/site.yaml`), each session on its own over
   * the counted sites that hold it: never mixed into the global figures or the groups.
   */
  readonly national: ReadonlyArray<NationalResult>

  /** The methods note, one paragraph each, in the report's locale. */
  readonly methods: ReadonlyArray<string>
  /** Written before the embargo ended (`internal`): until when, and the watermark every page and file carries; null after it. */
  readonly embargoed: Embargoed | null
}

/** One national session's results: where it was held, and its questions counted over its sites. */
export interface NationalResult {
  /** `site`: one site's session; `country`: every site of a country. */
  readonly scope: "site" | "country"
  /** The site id, or the country code. */
  readonly place: string
  /** The site whose site.yaml declares it. */
  readonly declared_by: string
  readonly result: VoteGroupResult
}

/** Translates the report's own texts (`results_report.*` in the catalogs), falling back to English. */
export type ReportText = (key: string, values?: Record<string, unknown>) => string

const listOf = (ids: ReadonlyArray<string>): string => (ids.length <= 5 ? ids.join(", ") : `${ids.slice(0, 5).join(", ")} and ${ids.length - 5} more`)

/**
 * Builds the results report and writes it (`formats`, default HTML) into `out`: the counted
 * sites' votes (validated, mirror dialogues apart, unless asked), per question and group with
 * cluster-bootstrap intervals, each group against the global figure, the recommendations, and a
 * methods note. Fails with an {@link InputError} when no site counts, and before the embargo
 * ends unless `internal` (then every page and file is watermarked).
 *
 * @example
 * const { files, report } = yield* resultsReport(ws, { by: "region", weight: "countries", formats: ["html", "csv"] })
 * report.analysis.global.questions[0].options[0].share // { value: 0.71, low: 0.66, high: 0.75 }
 */
export const resultsReport = Effect.fn("Results.report")(function*(ws: Workspace, options: ResultsReportOptions = {}) {
  const by: ResultsBy = options.by ?? "none"
  const weight: Weighting = options.weight ?? "ballots"
  const seed = options.seed ?? DEFAULT_SEED
  const locale = options.locale ?? ws.dialogue.source_locale
  const { ballots } = yield* readBallots(ws.dir, ws.dialogue)
  if (ballots.questions.length === 0) return yield* new InputError({ summary: "The workspace has no vote questions: add them in ballots/*.yaml (docs/results.md).", problems: [] })

  // a grouping file is read first: a bad one fails before any counting
  let userGroups: Map<string, string> | undefined
  if (by.startsWith("group:")) {
    const path = resolve(by.slice("group:".length))
    const read = readGroupsCsv(yield* readText(path), displayPath(path))
    if (read.problems.length > 0) return yield* new InputError({ summary: `--by ${by}: the grouping file is not valid.`, problems: read.problems })
    userGroups = read.groups
  }

  const sites = yield* listRegistry("sites")
  const { embargoed } = yield* checkEmbargo(ws, sites, { output: "report", internal: options.internal })
  const known = new Map<string, AnalysisSite>(sites.map((s) => [s.id, s]))
  const statuses = yield* ResultsRepo.use((repo) => repo.statuses())
  const counts = new Set(options.includeUnvalidated === true ? ["draft", "submitted", "validated"] : ["validated"])
  const counted: Array<AnalysisSite> = []
  const mirror: Array<AnalysisSite> = []
  const left = { draft: [] as Array<string>, submitted: [] as Array<string>, mirror: [] as Array<string>, "not_registered": [] as Array<string> }
  let simulatedSites = 0
  for (const st of statuses) {
    const site = known.get(st.site_id)
    if (site === undefined) left["not_registered"].push(st.site_id)
    else if (!counts.has(st.status)) left[st.status as "draft" | "submitted"].push(st.site_id)
    else if (site.format === "mirror" && options.includeMirror !== true) {
      left.mirror.push(st.site_id)
      mirror.push(site)
    } else {
      counted.push(site)
      if (st.simulated) simulatedSites++
    }
  }
  const entered = new Set(statuses.map((s) => s.site_id))
  const missing = sites.filter((s) => !entered.has(s.id) && (s.format !== "mirror" || options.includeMirror === true)).map((s) => s.id)
  const leftOut: Array<LeftOut> = [
    ...(["draft", "submitted", "mirror", "not_registered"] as const).map((reason) => ({ reason, count: left[reason].length, sites: left[reason] })),
    { reason: "no_results" as const, count: missing.length, sites: missing }
  ].filter((l) => l.count > 0)

  if (counted.length === 0) {
    const waiting = left.draft.length + left.submitted.length
    return yield* new InputError({
      summary: statuses.length === 0
        ? "No site has results yet: nothing to report. Enter them (convene results import, the web form), or simulate them for a trial run (convene results simulate)."
        : options.includeUnvalidated === true
        ? `No site's results can be counted: ${countedWords(left.mirror.length, "mirror dialogue")} (--include-mirror pools them), ${countedWords(left["not_registered"].length, "site")} not in the registry.`
        : `No site has validated results: nothing to report. ${countedWords(waiting, "site")} ${plural(waiting, "has", "have")} results waiting (${left.draft.length} draft, ${left.submitted.length} submitted: ${listOf([...left.submitted, ...left.draft])}). Validate them (convene results validate --site ID | --all-submitted), or count them anyway with --include-unvalidated.`,
      problems: []
    })
  }

  const ids = [...counted, ...mirror].map((s) => s.id)
  const totals = yield* ResultsRepo.use((repo) => repo.siteTotals(ids))
  const recommendations = yield* ResultsRepo.use((repo) => repo.recommendations(counted.map((s) => s.id)))

  const base = { questions: ballots.questions, totals, weight, seed, replicates: options.replicates ?? BOOTSTRAP_REPLICATES, locale, sourceLocale: ws.dialogue.source_locale }
  const analysis = yield* Effect.sync(() => analyseResults({ ...base, sites: counted, recommendations, by, userGroups })).pipe(Effect.withSpan("Results.report.analysis"))
  const mirrorResult = mirror.length === 0 ? null : (yield* Effect.sync(() => analyseResults({ ...base, sites: mirror, recommendations: [], by: "none" })).pipe(Effect.withSpan("Results.report.mirror"))).global
  // each national session apart, over the counted sites that hold it
  const national: Array<NationalResult> = []
  for (const d of [...(ws.sessions?.bySite.values() ?? []), ...(ws.sessions?.byCountry.values() ?? [])]) {
    const questions = d.session.questions ?? []
    const holders = counted.filter((s) => sessionOf(ws.sessions, s) === d)
    if (questions.length === 0 || holders.length === 0) continue
    const result = analyseResults({ ...base, questions, sites: holders, recommendations: [], by: "none" }).global
    national.push({ scope: d.session.scope ?? "site", place: d.session.scope === "country" ? d.session.country! : d.site, declared_by: d.site, result })
  }

  // the report's own texts, in the locale (English where a catalog lacks a key)
  const renderer = yield* rendererFor(ws)
  const local = renderer.messagesFor("", locale)
  const english = renderer.messagesFor("", "en")
  const t: ReportText = (key, values = {}) => (local.messages.has(`results_report.${key}`) ? local.messages : english.messages).format(`results_report.${key}`, values)

  const report: ResultsReport = {
    dialogue: { id: ws.dialogue.id, title: ws.dialogue.title },
    locale,
    dir: local.dir,
    counted: { sites: counted.length, countries: new Set(counted.map((s) => s.country)).size, statuses: [...counts] },
    leftOut,
    simulatedSites,
    analysis,
    mirror: mirrorResult,
    national,
    methods: methodsNote(analysis, { leftOut, simulatedSites, counted: counted.length, includeUnvalidated: options.includeUnvalidated === true, includeMirror: options.includeMirror === true, hasCounted: ballots.questions.some(isCounted), national: national.length }, t),
    embargoed
  }

  const formats = options.formats ?? ["html"]
  const outDir = resolve(options.out ?? join(ws.dir, "out", "reports"))
  const output = yield* Effect.tryPromise({ try: () => import("./ResultsReportOutput.js"), catch: (cause) => new InputError({ summary: `The report writer could not be loaded: ${String(cause)}`, problems: [] }) })
  const name = `results-report${by === "none" ? "" : `-by-${by.replace(/^group:/, "group-").replace(/[^a-z0-9_-]+/gi, "-")}`}`
  const files: Array<string> = []
  for (const format of formats) {
    const file = join(outDir, `${name}.${format}`)
    const content = format === "json"
      ? output.resultsJson(report)
      : format === "csv"
      ? output.watermarkedCsv(report, output.resultsCsv(report))
      : yield* Effect.tryPromise({ try: () => output.resultsHtml(report, t), catch: (cause) => new InputError({ summary: `The HTML report could not be drawn: ${String(cause)}`, problems: [] }) })
    yield* writeFileIn(file, content)
    files.push(file)
    if (format === "csv" && analysis.recommendations.length > 0) {
      const recs = join(outDir, `${name}-recommendations.csv`)
      yield* writeFileIn(recs, output.watermarkedCsv(report, output.recommendationsCsv(report)))
      files.push(recs)
    }
  }
  return { files, report }
})

/** The methods note: what was counted, how it was weighted, how the intervals were made. */
const methodsNote = (
  a: ResultsAnalysis,
  c: { readonly leftOut: ReadonlyArray<LeftOut>; readonly simulatedSites: number; readonly counted: number; readonly includeUnvalidated: boolean; readonly includeMirror: boolean; readonly hasCounted: boolean; readonly national: number },
  t: ReportText
): Array<string> => {
  const out: Array<string> = []
  out.push(t(c.includeUnvalidated ? "methods.counted_unvalidated" : "methods.counted", { sites: c.counted, mirror: c.includeMirror ? "pooled" : "apart" }))
  for (const l of c.leftOut) out.push(t("methods.left_out", { reason: l.reason, count: l.count }))
  if (c.national > 0) out.push(t("methods.national", { count: c.national }))
  out.push(t(`methods.weight_${a.weight}`))
  out.push(t("methods.interval", { replicates: a.replicates, seed: a.seed, min: a.minSitesForInterval }))
  if (a.by !== "none") out.push(t("methods.comparison"))
  out.push(t("methods.shares"))
  if (a.income !== undefined) out.push(t("methods.income", { title: a.income.title, date: a.income.date, url: a.income.url }))
  if (c.simulatedSites > 0) out.push(t("methods.simulated", { count: c.simulatedSites, total: c.counted }))
  return out
}
