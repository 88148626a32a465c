/**
 * The impact report behind `convene survey report`: loads the instrument, reads the counts per
 * site through {@link ReportRepo} (every answer read once, in pages, and tallied) and computes the report
 * with domain/Report.ts (merging into groups, suppression, statistics).
 */
import * as Effect from "effect/Effect"
import { InputError } from "../domain/Errors.js"
import type { WaveId } from "../domain/Instrument.js"
import {
  buildReport,
  categoryOf,
  countryReport,
  relabelReport,
  reportMethods,
  SUPPRESSION_THRESHOLD,
  designText,
  differenceInDifferences,
  type GroupDiD,
  type GroupResult,
  pairedQuestions,
  pairGroupOf,
  REPORT_CATEGORIES,
  type ReportBy,
  type SurveyReportWords,
  type ReportCounts,
  reportWaves,
  type SurveyReport,
  type WavePairReport,
  wavePairs
} from "../domain/Report.js"
import type { Workspace } from "../infra/Workspace.js"
import { type SurveyReportText, surveyReportText } from "./SurveyReportText.js"
import { listRegistry } from "../registries/index.js"
import { loadParticipantsInstrument } from "../surveys/index.js"
import { ReportRepo, type ReportRole } from "./ReportRepo.js"
import { type SampleReport, surveySample } from "./SampleReport.js"
import { type WeightedInput, type WeightedReport, weightedEstimates } from "../domain/Representativeness.js"
import { labelIn } from "../domain/Instrument.js"
import { toolkitLocaleOf } from "../domain/Toolkit.js"

export type { SurveyReport } from "../domain/Report.js"

/** What `survey report` needs. */
export interface ReportOptions {
  readonly by?: ReportBy | undefined
  readonly instrument?: string | undefined
  /** Pool mirror dialogues with the panel sites (they are reported apart otherwise). */
  readonly includeMirror?: boolean | undefined
  /** The locale of labels (default: the instrument's source locale). */
  readonly locale?: string | undefined
  /**
   * census.csv: adds the representativeness section (census against the panel and each wave's
   * respondents, per codebook feature). Without it the section still compares the respondents
   * with the registered panel, when the dialogue has a codebook.
   */
  readonly census?: string | undefined
  /**
   * Post-stratify the overall group's estimates on this participant feature (with `census`):
   * each respondent weighted by census share / respondents' share of their value, per wave.
   */
  readonly weight?: string | undefined
}

/**
 * Builds the report: response per wave, pre and post distributions, paired change with its
 * tests and effect sizes, shifts in shares with McNemar, the knowledge index — per group (site,
 * country, UN M49 region or subregion, format or a participant category), small groups
 * suppressed, mirror dialogues apart. Each read is a span (`ReportRepo.…`), and so is the
 * computing (`SurveyReport.statistics`).
 *
 * @example
 * const report = yield* surveyReport(ws, { by: "region" })
 * report.pools[0].groups[0].knowledge // { n: 812, meanPre: 0.48, meanPost: 0.63, meanChange: 0.15, ci95: [...], ... }
 */
export const surveyReport = Effect.fn("SurveyReport.build")(function*(ws: Workspace, options: ReportOptions = {}) {
  return yield* reportFrom(ws, options, yield* reportCounts(ws, options))
})

/** The report from counts already read. */
const reportFrom = Effect.fn("SurveyReport.assemble")(function*(ws: Workspace, options: ReportOptions, c: ReportCountsRead) {
  const { instrument, by, locale, waves, multiple, siteById, repo } = c
  const text = yield* surveyReportText(ws, locale)
  const main = yield* Effect.sync(() => c.assemble(by, locale, text)).pipe(Effect.withSpan("SurveyReport.statistics"))

  // post-stratified estimates of the overall group on one feature, from the same counts split by its values
  const weightedOn = (feature: string, sample: SampleReport) =>
    Effect.gen(function*() {
      const inPool = (siteId: string) => {
        const s = siteById.get(siteId)
        return s !== undefined && (s.format !== "mirror" || options.includeMirror === true)
      }
      const weights: Record<string, Record<string, number>> = {}
      for (const r of sample.groups.find((g) => g.key === "all")?.rows.filter((x) => x.feature === feature) ?? []) {
        for (const w of sample.waves) if (r.weight[w] !== null && r.weight[w] !== undefined) (weights[w] ??= {})[r.value] = r.weight[w]!
      }
      const kinds: Array<WeightedInput["questions"][number]> = instrument.questions.flatMap((q): Array<WeightedInput["questions"][number]> =>
        ["likert5", "likert7", "scale", "number"].includes(q.type) ? [{ id: q.id, label: labelIn(q.label, locale, instrument), kind: "numeric" }]
        : (q.type === "single" || q.type === "knowledge") ? [{ id: q.id, label: labelIn(q.label, locale, instrument), kind: "choice", options: q.options.map((o) => o.id) }]
        : [])
      const pairsOfWaves = wavePairs(waves)
      const tallied = (yield* repo.tally(instrument.id, feature, {
        questions: instrument.questions.map((q) => q.id),
        multiple,
        pairs: pairsOfWaves.map((pair) => ({ waves: pair, questions: pairedQuestions(instrument, pair).numeric, knowledge: [] }))
      })).panel
      const values = new Map<string, Map<string, Map<string, Map<string, number>>>>()
      for (const r of tallied.values) {
        if (!inPool(r.site_id) || typeof r.value !== "string") continue
        const byQ = values.get(r.wave) ?? new Map()
        values.set(r.wave, byQ)
        const byCat = byQ.get(r.question) ?? new Map()
        byQ.set(r.question, byCat)
        const answers = byCat.get(r.cat ?? "") ?? new Map()
        byCat.set(r.cat ?? "", answers)
        answers.set(r.value, (answers.get(r.value) ?? 0) + r.n)
      }
      const pairs = []
      for (const [i, pair] of pairsOfWaves.entries()) {
        const changes = new Map<string, Map<string, Map<number, number>>>()
        for (const r of tallied.pairs[i]!.pairedValues) {
          if (!inPool(r.site_id)) continue
          const d = Number(r.post) - Number(r.pre)
          if (!Number.isFinite(d)) continue
          const byCat = changes.get(r.question) ?? new Map()
          changes.set(r.question, byCat)
          const hist = byCat.get(r.cat ?? "") ?? new Map()
          byCat.set(r.cat ?? "", hist)
          hist.set(d, (hist.get(d) ?? 0) + r.n)
        }
        pairs.push({ waves: pair, changes })
      }
      return weightedEstimates({ feature, weights, questions: kinds, values, pairs })
    })

  // representativeness: with a census, or with a codebook (then against the registered panel)
  const sample = options.census !== undefined || ws.dialogue.features !== undefined
    ? yield* surveySample(ws, { instrument: instrument.id, by: by.startsWith("category:") ? "all" : by, census: options.census, includeMirror: options.includeMirror, locale })
    : undefined

  let weighted: WeightedReport | undefined
  if (options.weight !== undefined) {
    const feature = options.weight
    if (sample === undefined || sample.census === null) return yield* new InputError({ summary: "--weight census needs the census: add --census census.csv.", problems: [] })
    if (!sample.features.includes(feature)) return yield* new InputError({ summary: `--weight census:${feature}: expected a participant feature of the report (${sample.features.join(", ")}).`, problems: [] })
    weighted = yield* weightedOn(feature, sample)
  }

  return {
    ...main,
    ...(sample === undefined ? {} : { sample }),
    ...(weighted === undefined ? {} : { weighted })
  } satisfies SurveyReport as SurveyReport
})

const reportCounts = Effect.fn("SurveyReport.counts")(function*(ws: Workspace, options: ReportOptions) {
  const { instrument } = yield* loadParticipantsInstrument(ws, options.instrument, "its answers are reported with `convene survey report --instrument <id>`, which gives the organisers' report (organisersReport in the SDK).")
  const by: ReportBy = options.by ?? "all"
  const category = categoryOf(by)
  if (category !== null && !(REPORT_CATEGORIES as ReadonlyArray<string>).includes(category)) {
    return yield* new InputError({ summary: `--by category:${category}: expected one of ${REPORT_CATEGORIES.map((c) => `category:${c}`).join(", ")}.`, problems: [] })
  }
  const locale = options.locale ?? instrument.locales[0]!
  const { waves, pairedWaves } = reportWaves(instrument, ws.dialogue.evaluation.waves.map((w) => w.id))
  const repo = yield* ReportRepo

  const sites = yield* listRegistry("sites")
  const siteById = new Map<string, (typeof sites)[number]>(sites.map((s) => [s.id, s]))
  const responses = yield* repo.responses(instrument.id)
  if (responses.total === 0) {
    return yield* new InputError({
      summary: `There are no answers to the instrument ${instrument.id} yet: nothing to report. Collect some (\`convene survey serve\`, \`convene survey import\`), or simulate them for a trial run (\`convene survey simulate\`).`,
      problems: []
    })
  }
  const multiple = new Set(instrument.questions.filter((q) => q.type === "multiple").map((q) => q.id))

  // every answer read once: each value, and every wave pair's paired counts, for the panel and the control group
  const pairsOfWaves = wavePairs(waves)
  const tallied = yield* repo.tally(instrument.id, category, {
    questions: instrument.questions.map((q) => q.id),
    multiple,
    pairs: pairsOfWaves.map((pair) => {
      const questions = pairedQuestions(instrument, pair)
      return { waves: pair, questions: [...questions.numeric, ...questions.choice], knowledge: questions.knowledge.map((q) => ({ id: q.id, correct: q.correct })) }
    })
  })
  // the counts of one role that do not depend on a wave pair: registered, invited, answered, every value
  const baseCounts = (role: ReportRole) =>
    Effect.all({
      registered: repo.registered(category, role),
      absent: repo.absent(category, role),
      invited: repo.invited(instrument.id, category, role),
      answered: repo.answered(instrument.id, category, role),
      values: Effect.succeed(tallied[role].values)
    }, { concurrency: "unbounded" })
  // the paired counts of one role and one wave pair
  const pairCounts = (role: ReportRole, pair: readonly [WaveId, WaveId]): Pick<ReportCounts, "paired" | "pairedValues" | "knowledge"> =>
    tallied[role].pairs[pairsOfWaves.findIndex((p) => p[0] === pair[0] && p[1] === pair[1])]!
  const noPairs = { paired: [], pairedValues: [], knowledge: [] }
  const afterDay = ws.dialogue.evaluation.waves.filter((w) => w.opens >= ws.dialogue.deliberation_day.date).map((w) => w.id)
  const build = (by: ReportBy, locale: string, t: SurveyReportWords, counts: ReportCounts, pair: readonly [WaveId, WaveId] | null, includeMirror: boolean) =>
    buildReport({ instrument, dialogue: ws.dialogue.title, by, includeMirror, locale, waves, pairedWaves: pair, sites, counts, afterDay, responses, codebook: ws.dialogue.features, text: t })

  // the panel: every participant but the control group; the control group (role control), when there is one
  const panel = yield* baseCounts("panel")
  const panelPairs = pairedWaves === null ? noPairs : pairCounts("panel", pairedWaves)
  const controls = yield* repo.controls()
  const control = controls === 0 ? undefined : yield* baseCounts("control")
  const controlPairs = control === undefined || pairedWaves === null ? noPairs : pairCounts("control", pairedWaves)
  // every other declared pair: pre → followup, post → followup
  const others: Array<{ pair: readonly [WaveId, WaveId]; panel: Pick<ReportCounts, "paired" | "pairedValues" | "knowledge">; control: Pick<ReportCounts, "paired" | "pairedValues" | "knowledge"> | undefined }> = []
  for (const pair of pairsOfWaves.filter((p) => pairedWaves === null || p[0] !== pairedWaves[0] || p[1] !== pairedWaves[1])) {
    others.push({ pair, panel: pairCounts("panel", pair), control: control === undefined ? undefined : pairCounts("control", pair) })
  }
  const includeMirror = options.includeMirror === true

  /**
   * The report from the counts, grouped by `by` with its labels and words in `locale`: pure,
   * so that one reading of the database serves several groupings and languages (--split country).
   */
  const assemble = (by: ReportBy, locale: string, text: SurveyReportText): SurveyReport => {
    const main = build(by, locale, text.t, { ...panel, ...panelPairs }, pairedWaves, includeMirror)
    // the control group: a pool apart, suppressed on its own (no published figure adds it to the panel), and the panel's change minus its own
    const controlOf = (counts: ReportCounts, pair: readonly [WaveId, WaveId] | null) => build(by, locale, text.t, counts, pair, true).pools.find((p) => p.pool === "main")?.groups ?? []
    const mainGroups = (r: SurveyReport) => r.pools.find((p) => p.pool === "main")?.groups ?? []
    const controlGroups: ReadonlyArray<GroupResult> = control === undefined ? [] : controlOf({ ...control, ...controlPairs }, pairedWaves)
    const otherPairs: Array<WavePairReport> = others.map(({ pair, panel: counts, control: controlCounts }) => {
      const report = build(by, locale, text.t, { ...panel, ...counts }, pair, includeMirror)
      const pools = report.pools.map((p) => ({ pool: p.pool, groups: p.groups.map(pairGroupOf) }))
      let did: ReadonlyArray<GroupDiD> | null = null
      if (control !== undefined && controlCounts !== undefined) {
        const groups = controlOf({ ...control, ...controlCounts }, pair).map(pairGroupOf)
        pools.push({ pool: "control", groups })
        did = differenceInDifferences(mainGroups(report).map(pairGroupOf), groups)
      }
      return { waves: pair, pools, did }
    })
    return {
      ...main,
      dir: text.dir,
      pools: control === undefined ? main.pools : [...main.pools, { pool: "control" as const, groups: controlGroups }],
      did: control === undefined ? null : differenceInDifferences(mainGroups(main), controlGroups),
      otherPairs,
      methods: `${main.methods}\n\n${designText(text.t, control !== undefined, otherPairs.map((p) => p.waves))}`
    } satisfies SurveyReport as SurveyReport
  }
  // the methods note in other words (the report's figures do not depend on them)
  const attendance = (panel.absent ?? []).some((r) => r.n > 0)
  const methodsFor = (text: SurveyReportText) =>
    `${reportMethods(text.t, SUPPRESSION_THRESHOLD, includeMirror, false, attendance)}\n\n${designText(text.t, control !== undefined, others.map((o) => o.pair))}`
  return { instrument, by, locale, waves, multiple, sites, siteById, repo, assemble, methodsFor }
})

/** What {@link reportCounts} read: the counts, and the report they make in any grouping and language. */
type ReportCountsRead = Effect.Success<ReturnType<typeof reportCounts>>


/** One file of `survey report --split country`: a country's report, in its language. */
export interface CountrySurveyReport {
  readonly country: string
  /** The locale its sites speak (the most common; as for toolkits), before the catalogs' fallback. */
  readonly locale: string
  readonly report: SurveyReport
  readonly text: SurveyReportText
}

/**
 * One report per country, in the language of its sites (fr-SN → fr; a language without a
 * catalog → the dialogue's source locale): the country's own group and its sites' groups, cut
 * from the global reports by country and by site, so that every figure the global reports
 * suppress stays suppressed (the suppressed groups are chosen once over every grouping). The
 * database is read once; each language's reports are computed once.
 *
 * @example
 * const reports = yield* surveyReportsByCountry(ws, {})
 * reports.find((r) => r.country === "SN")?.text.language // "fr"
 */
export const surveyReportsByCountry = Effect.fn("SurveyReport.byCountry")(function*(ws: Workspace, options: Omit<ReportOptions, "by" | "census" | "weight"> = {}) {
  return yield* countriesFrom(ws, yield* reportCounts(ws, { ...options, by: "site" }))
})

/**
 * The report and, from the same reading of the database, one report per country
 * (`survey report --split country`). A report by participant category reads its own counts.
 *
 * @example
 * const { report, countries } = yield* surveyReportWithCountries(ws, { by: "region" })
 */
export const surveyReportWithCountries = Effect.fn("SurveyReport.withCountries")(function*(ws: Workspace, options: ReportOptions = {}) {
  const c = yield* reportCounts(ws, options)
  const report = yield* reportFrom(ws, options, c)
  const countries = yield* countriesFrom(ws, categoryOf(c.by) === null ? c : yield* reportCounts(ws, { ...options, by: "site" }))
  return { report, countries }
})

const countriesFrom = Effect.fn("SurveyReport.countries")(function*(ws: Workspace, c: ReportCountsRead) {
  // the figures once, by site and by country; then each country's cut in its language
  const source = yield* surveyReportText(ws, c.locale)
  const { bySite, byCountry } = yield* Effect.sync(() => ({ bySite: c.assemble("site", c.locale, source), byCountry: c.assemble("country", c.locale, source) })).pipe(Effect.withSpan("SurveyReport.bySiteAndCountry"))
  const countries = new Map<string, Array<(typeof c.sites)[number]>>()
  for (const s of c.sites) countries.set(s.country, [...(countries.get(s.country) ?? []), s])
  const methods = new Map<string, string>()
  const out: Array<CountrySurveyReport> = []
  for (const [country, sites] of [...countries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const locale = toolkitLocaleOf(sites, ws.dialogue.source_locale)
    const text = yield* surveyReportText(ws, locale)
    const cut = countryReport(bySite, byCountry, country, new Set(sites.map((s) => s.id)))
    if (cut === null) continue
    const note = methods.get(text.language) ?? c.methodsFor(text)
    methods.set(text.language, note)
    out.push({ country, locale, report: { ...relabelReport(cut, c.instrument, text.language, note), dir: text.dir }, text })
  }
  return out
})
