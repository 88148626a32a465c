/**
 * The impact report's pure half: which questions are paired, how sites fall into groups, the
 * merging of per-site counts into groups, suppression of small groups, labels, and the report's
 * figures computed from the merged histograms (with domain/Stats.ts). No IO: the counts come in.
 */
import { type Codebook, featureOf, valueLabel } from "./Codebook.js"
import { scaleOf } from "./Answers.js"
import { InputError } from "./Errors.js"
import { type Instrument, labelIn, type Question, questionsFor, type WaveId } from "./Instrument.js"
import { m49Of } from "./Regions.js"
import type { Site } from "./Registry.js"
import type { SampleReport, WeightedReport } from "./Representativeness.js"
import { effectSizes, frequencyMeanMedian, mcnemar, pairedT, type SampleSummary, welchDifference, wilcoxonSignedRank } from "./Stats.js"

/** How groups are formed. */
export type ReportBy = "all" | "site" | "country" | "region" | "subregion" | "format" | `category:${string}`

/** The participant columns `--by category:<name>` accepts. */
export const REPORT_CATEGORIES = ["gender", "age_band", "education", "residence"] as const

/** The groupings besides `category:<name>`. */
export const REPORT_GROUPINGS = ["all", "site", "country", "region", "subregion", "format"] as const

/** The files `survey report --format` writes. */
export const REPORT_FORMATS = ["html", "csv", "json"] as const

/**
 * Reads a grouping as given on the command line (`--by`). A category is checked against
 * {@link REPORT_CATEGORIES} when the report runs, where the message can list them.
 *
 * @example
 * decodeReportBy("region") // "region"
 * decodeReportBy("planet") // InputError: --by: expected site, country, region, …
 */
export const decodeReportBy = (text: string): ReportBy | InputError =>
  (REPORT_GROUPINGS as ReadonlyArray<string>).includes(text) || text.startsWith("category:")
    ? (text as ReportBy)
    : new InputError({ summary: `--by: expected site, country, region, subregion, format or category:<name>, got "${text}".`, problems: [] })

/** Groups smaller than this are shown as suppressed, never as numbers. */
export const SUPPRESSION_THRESHOLD = 5

/** Counts of one value of one question in one wave. */
export interface ReportShare {
  readonly value: string
  readonly label: string
  readonly count: number
  readonly share: number
}

/** The paired comparison of one numeric or ordinal question (pre → post). */
export interface PairedResult {
  readonly n: number
  readonly meanPre: number
  readonly meanPost: number
  readonly meanChange: number
  readonly ci95: readonly [number, number] | null
  readonly t: number | null
  readonly df: number | null
  readonly pT: number | null
  readonly wilcoxon: { readonly v: number; readonly p: number | null; readonly method: string; readonly zeros: number }
  readonly dz: number | null
  readonly rankBiserial: number | null
  /** The standard deviation of the changes; null with one pair. */
  readonly sdChange: number | null
}

/** One question in one group. */
export interface QuestionResult {
  readonly id: string
  readonly type: Question["type"]
  readonly label: string
  readonly waves: Readonly<Record<string, { readonly n: number; readonly suppressed: boolean; readonly shares: ReadonlyArray<ReportShare>; readonly mean: number | null; readonly median: number | null }>>
  /** Pre → post, when both waves ask it. */
  readonly paired: PairedResult | { readonly suppressed: true } | { readonly unpaired: true } | null
  /** For single-choice and knowledge questions: post share minus pre share, per option, among people who answered both. */
  readonly shift: ReadonlyArray<{ readonly value: string; readonly label: string; readonly pre: number; readonly post: number; readonly change: number }> | null
  /**
   * Where the question is binary (two options, or a knowledge item correct / not): each paired
   * respondent's change coded −1, 0 or +1 (the first option, or the correct answer, lost or
   * gained), summarised: what the difference-in-differences compares. Null otherwise.
   */
  readonly binaryChange?: SampleSummary | null
  /** McNemar's test where the question is binary (two options, or knowledge correct / not). */
  readonly mcnemar: { readonly b: number; readonly c: number; readonly statistic: number | null; readonly p: number | null; readonly exactP: number | null; readonly method: string } | null
  /** Free-text answers with their counts (most frequent first), per wave; empty when suppressed. */
  readonly freeText: Readonly<Record<string, ReadonlyArray<{ readonly text: string; readonly count: number }>>> | null
}

/** One group of the report. */
export interface GroupResult {
  readonly key: string
  readonly label: string
  readonly suppressed: boolean
  /**
   * Per wave: participants registered, invited by e-mail, answered (web, paper or Kobo), and the
   * rate answered / registered; and how many answered both paired waves. A suppressed group shows
   * none of them: no waves, and `paired` null.
   */
  readonly response: {
    readonly waves: Readonly<Record<string, { readonly registered: number; readonly invited: number; readonly answered: number; readonly rate: number | null }>>
    readonly paired: number | null
  }
  readonly knowledge: (PairedResult & { readonly items: number }) | { readonly suppressed: true } | null
  readonly questions: ReadonlyArray<QuestionResult>
}

/** The whole report. */
export interface SurveyReport {
  readonly instrument: { readonly id: string; readonly version: number; readonly title: string }
  readonly dialogue: string
  readonly by: ReportBy
  readonly waves: ReadonlyArray<string>
  readonly pairedWaves: readonly [string, string] | null
  readonly includeMirror: boolean
  readonly suppressionThreshold: number
  readonly locale: string
  /** The direction of the report's language (rtl for Arabic): the HTML page's `dir`. */
  readonly dir?: "ltr" | "rtl"
  /**
   * A per-country report (`--split country`): the country's ISO code. Its groups are the
   * country's own group (first) and its sites, with the global report's suppression.
   */
  readonly country?: string
  /**
   * `main`: the panel sites (with the mirror dialogues when pooled); `mirror`: the mirror
   * dialogues; `control`: the control group (participants with role control), when there is one.
   */
  readonly pools: ReadonlyArray<{ readonly pool: ReportPool; readonly groups: ReadonlyArray<GroupResult> }>
  /**
   * The difference-in-differences of the paired waves, per group of the `main` pool that the
   * control group has too: null without a control group.
   */
  readonly did?: ReadonlyArray<GroupDiD> | null
  /** Every other declared wave pair (pre → followup, post → followup): its paired figures, per pool and group, and its difference-in-differences. */
  readonly otherPairs?: ReadonlyArray<WavePairReport>
  /** The representativeness section (census, panel, respondents per wave), when asked (`--census`, or always with a codebook). */
  readonly sample?: SampleReport
  /** The overall group's estimates post-stratified on one feature (`--weight census:<feature>`), beside the unweighted ones. */
  readonly weighted?: WeightedReport
  readonly methods: string
  /** Responses written by `survey simulate`: a report that holds any says so loudly. */
  readonly simulatedResponses: number
  readonly responses: number
}

/** The report's pools: the panel sites, the mirror dialogues apart, the control group. */
export type ReportPool = "main" | "mirror" | "control"

/** One question's (or the knowledge index's) difference-in-differences in one group. */
export interface DiffInDiff {
  /** The question id, or `knowledge_index`. */
  readonly question: string
  readonly label: string
  /** What is compared: the mean paired change (numeric, ordinal, the index) or the change in the binary share (−1/0/+1). */
  readonly measure: "mean_change" | "binary_change"
  readonly panel: { readonly n: number; readonly change: number }
  readonly control: { readonly n: number; readonly change: number }
  /** Panel change − control change, with Welch's standard error, df, p and 95% interval; null when either has no spread. */
  readonly did: number
  readonly welch: { readonly se: number; readonly df: number; readonly p: number; readonly ci95: readonly [number, number] } | null
}

/** One group's differences-in-differences; `suppressed` when the group (panel or control) is. */
export interface GroupDiD {
  readonly key: string
  readonly label: string
  readonly suppressed: boolean
  readonly questions: ReadonlyArray<DiffInDiff | { readonly question: string; readonly label: string; readonly suppressed: true }>
}

/** The paired figures of one more wave pair (e.g. pre → followup). */
export interface WavePairReport {
  readonly waves: readonly [string, string]
  readonly pools: ReadonlyArray<{ readonly pool: ReportPool; readonly groups: ReadonlyArray<PairGroup> }>
  readonly did: ReadonlyArray<GroupDiD> | null
}

/** A group's paired figures for one wave pair: how many answered both, the knowledge index, each paired question. */
export interface PairGroup {
  readonly key: string
  readonly label: string
  readonly suppressed: boolean
  readonly paired: number | null
  readonly knowledge: GroupResult["knowledge"]
  readonly questions: ReadonlyArray<Pick<QuestionResult, "id" | "type" | "label" | "paired" | "shift" | "mcnemar" | "binaryChange">>
}

/** A group's paired figures only (for the wave pairs after the first). */
export const pairGroupOf = (g: GroupResult): PairGroup => ({
  key: g.key,
  label: g.label,
  suppressed: g.suppressed,
  paired: g.response.paired,
  knowledge: g.knowledge,
  questions: g.questions
    // the questions paired in this pair: asked in both of its waves (suppressed ones included)
    .filter((q) => (q.paired !== null && !("unpaired" in q.paired)) || q.shift !== null)
    .map((q) => ({ id: q.id, type: q.type, label: q.label, paired: q.paired, shift: q.shift, mcnemar: q.mcnemar, ...(q.binaryChange === undefined ? {} : { binaryChange: q.binaryChange }) }))
})

/**
 * The difference-in-differences of every group the panel and the control group share (by key):
 * for each numeric or ordinal question, the knowledge index and each binary question (a knowledge
 * item: correct or not) with paired figures in both, the panel's mean paired change minus the
 * control group's, with Welch's 95% interval (unequal variances, the Welch–Satterthwaite df).
 * A figure suppressed on either side is suppressed here.
 *
 * @example
 * const did = differenceInDifferences(panelGroups, controlGroups)
 * did[0].questions[0] // { question: "trust-parliament", panel: { n: 812, change: 0.41 }, control: { n: 240, change: 0.05 }, did: 0.36, welch: { ci95: [0.18, 0.54], … } }
 */
export const differenceInDifferences = (panel: ReadonlyArray<PairGroup | GroupResult>, control: ReadonlyArray<PairGroup | GroupResult>): Array<GroupDiD> => {
  const controls = new Map(control.map((g) => [g.key, g]))
  const out: Array<GroupDiD> = []
  for (const p of panel) {
    const c = controls.get(p.key)
    if (c === undefined) continue
    const suppressed = p.suppressed || c.suppressed
    const questions: Array<GroupDiD["questions"][number]> = []
    const compare = (question: string, label: string, a: unknown, b: unknown): void => {
      const sa = summaryOf(a)
      const sb = summaryOf(b)
      if (sa === "none" || sb === "none") return
      if (suppressed || sa === "suppressed" || sb === "suppressed") {
        questions.push({ question, label, suppressed: true })
        return
      }
      const w = welchDifference(sa.summary, sb.summary)
      questions.push({
        question,
        label,
        measure: sa.measure,
        panel: { n: sa.summary.n, change: sa.summary.mean },
        control: { n: sb.summary.n, change: sb.summary.mean },
        did: sa.summary.mean - sb.summary.mean,
        welch: w === null ? null : { se: w.se, df: w.df, p: w.p, ci95: w.ci95 }
      })
    }
    compare("knowledge_index", "Knowledge index", p.knowledge, c.knowledge)
    const cq = new Map(c.questions.map((q) => [q.id, q]))
    for (const q of p.questions) {
      const other = cq.get(q.id)
      if (other === undefined) continue
      // a binary question compares its −1/0/+1 changes; a suppressed one says so in `paired`
      const side = (r: PairGroup["questions"][number]): unknown => (r.binaryChange !== undefined && r.binaryChange !== null ? { binary: r.binaryChange } : r.paired)
      compare(q.id, q.label, side(q), side(other))
    }
    out.push({ key: p.key, label: p.label, suppressed, questions })
  }
  return out
}

/** A paired figure as a sample of changes, or why not. */
const summaryOf = (x: unknown): "none" | "suppressed" | { readonly measure: DiffInDiff["measure"]; readonly summary: SampleSummary } => {
  if (x === null || x === undefined || typeof x !== "object") return "none"
  if ("suppressed" in x) return "suppressed"
  if ("unpaired" in x) return "none"
  if ("binary" in x) return { measure: "binary_change", summary: (x as { binary: SampleSummary }).binary }
  const p = x as PairedResult
  return p.sdChange === null ? "none" : { measure: "mean_change", summary: { n: p.n, mean: p.meanChange, sd: p.sdChange } }
}

/** What the report needs to know of a site. */
export type ReportSite = Pick<Site, "id" | "name" | "country" | "format">

/** A count of one site (and, with `--by category:<name>`, one participant category). */
export interface SiteCount {
  readonly site_id: string
  readonly cat: string | null
  readonly n: number
}

/**
 * The database's counts the report is computed from, per site and category. The database does
 * the heavy counting; these are histograms, never one row per participant.
 */
export interface ReportCounts {
  /** Participants registered. */
  readonly registered: ReadonlyArray<SiteCount>
  /** Participants recorded absent on the day (attendance); none where no attendance is recorded. */
  readonly absent?: ReadonlyArray<SiteCount> | undefined
  /** E-mail invitations, per wave. */
  readonly invited: ReadonlyArray<SiteCount & { readonly wave: string }>
  /** Responses, per wave. */
  readonly answered: ReadonlyArray<SiteCount & { readonly wave: string }>
  /** Participants who answered both paired waves. */
  readonly paired: ReadonlyArray<SiteCount>
  /** Every answer's value, per wave and question; a multiple choice is the list of options chosen. */
  readonly values: ReadonlyArray<SiteCount & { readonly wave: string; readonly question: string; readonly value: string | ReadonlyArray<string> }>
  /** Each paired answer's (pre, post) values, per question. */
  readonly pairedValues: ReadonlyArray<SiteCount & { readonly question: string; readonly pre: string; readonly post: string }>
  /** Changes of the knowledge index (post − pre), with the sums of the pre and post indexes. */
  readonly knowledge: ReadonlyArray<SiteCount & { readonly diff: number; readonly preSum: number; readonly postSum: number }>
}

/** The category column of `--by category:<name>`, or null. */
export const categoryOf = (by: ReportBy): string | null => (by.startsWith("category:") ? by.slice("category:".length) : null)

/** The waves the instrument asks something in (in the dialogue's order), and the paired pre → post, when both are there. */
export const reportWaves = (instrument: Instrument, dialogueWaves: ReadonlyArray<WaveId>): { readonly waves: Array<WaveId>; readonly pairedWaves: readonly [WaveId, WaveId] | null } => {
  const waves = dialogueWaves.filter((w) => questionsFor(instrument, w).length > 0)
  return { waves, pairedWaves: waves.includes("pre") && waves.includes("post") ? ["pre", "post"] : null }
}

/**
 * Every pair of the waves an instrument asks something in, in the dialogue's order: pre → post,
 * pre → followup, post → followup (with three waves).
 *
 * @example
 * wavePairs(["pre", "post", "followup"]) // [["pre", "post"], ["pre", "followup"], ["post", "followup"]]
 */
export const wavePairs = (waves: ReadonlyArray<WaveId>): Array<readonly [WaveId, WaveId]> =>
  waves.flatMap((a, i) => waves.slice(i + 1).map((b) => [a, b] as const))

/** The methods note's paragraphs on the evaluation design: the control group and the wave pairs. */
export const designText = (t: SurveyReportWords, control: boolean, otherPairs: ReadonlyArray<readonly [string, string]>): string =>
  [
    control ? t("design_control") : t("design_no_control"),
    otherPairs.length === 0 ? "" : t("design_pairs", { pairs: otherPairs.map((p) => `${t("wave", { wave: p[0] })} → ${t("wave", { wave: p[1] })}`).join(", ") })
  ].filter((p) => p !== "").join("\n\n")

const NUMERIC_TYPES: ReadonlyArray<Question["type"]> = ["likert5", "likert7", "scale", "number"]
/** Whether a question is asked in both waves of a pair (pre and post by default). */
const askedBoth = (q: Question, pair: readonly [string, string] | null = ["pre", "post"]): boolean => pair !== null && q.waves.includes(pair[0] as WaveId) && q.waves.includes(pair[1] as WaveId)

/**
 * The questions compared pre against post: numeric and ordinal ones (changes), single-choice
 * and knowledge ones (transitions), and the knowledge items of the index. None without paired waves.
 */
export const pairedQuestions = (instrument: Instrument, pairedWaves: readonly [WaveId, WaveId] | null): {
  readonly numeric: ReadonlyArray<string>
  readonly choice: ReadonlyArray<string>
  readonly knowledge: ReadonlyArray<Extract<Question, { type: "knowledge" }>>
} => ({
  numeric: pairedWaves === null ? [] : instrument.questions.filter((q) => NUMERIC_TYPES.includes(q.type) && askedBoth(q, pairedWaves)).map((q) => q.id),
  choice: pairedWaves === null ? [] : instrument.questions.filter((q) => (q.type === "single" || q.type === "knowledge") && askedBoth(q, pairedWaves)).map((q) => q.id),
  knowledge: instrument.questions.filter((q): q is Extract<Question, { type: "knowledge" }> => q.type === "knowledge" && askedBoth(q, pairedWaves ?? ["pre", "post"]))
})

/**
 * The key and label of a site's (or a participant's) group.
 *
 * @example
 * groupOf("region", { id: "sn-dakar", name: "Dakar", country: "SN", format: "in-person" }, null, (c) => c) // { key: "m49:002", label: "Africa" }
 * groupOf("category:gender", site, "woman", (c) => c) // { key: "woman", label: "woman" }
 */
export const groupOf = (by: ReportBy, site: ReportSite, category: string | null, countryName: (c: string) => string): { key: string; label: string } => {
  switch (by) {
    case "all":
      return { key: "all", label: "All participants" }
    case "site":
      return { key: site.id, label: site.name }
    case "country":
      return { key: site.country, label: countryName(site.country) }
    case "region":
    case "subregion": {
      const place = m49Of(site.country)
      if (place === undefined) return { key: "m49:none", label: `Not placed by UN M49 (${site.country})` }
      const r = by === "region" ? place.region : place.subregion
      return { key: `m49:${r.code}`, label: r.name }
    }
    case "format":
      return { key: site.format, label: site.format }
    default:
      return { key: category ?? "(none)", label: category ?? "(not recorded)" }
  }
}

/** A histogram: value → count. */
export type Histogram = Map<string, number>
const add = (h: Histogram, k: string, n: number): void => {
  h.set(k, (h.get(k) ?? 0) + n)
}

/** One group's counts, merged from its sites' (and categories') rows. */
export interface GroupCounts {
  readonly key: string
  readonly label: string
  registered: number
  /** recorded absent on the day */
  absent: number
  /** wave → invitations */
  readonly invited: Histogram
  /** wave → responses */
  readonly answered: Histogram
  paired: number
  /** wave → question → value → count */
  readonly dist: Map<string, Map<string, Histogram>>
  /** numeric question → histogram of changes, with the sums of the pre and post values */
  readonly diffs: Map<string, { readonly hist: Histogram; pre: number; post: number }>
  /** choice question → histogram of "pre\u0000post" transitions */
  readonly trans: Map<string, Histogram>
  /** the knowledge index: histogram of changes, with the sums of the pre and post indexes */
  readonly know: { readonly hist: Histogram; pre: number; post: number }
}

/** The groups of each pool, by key; `all` is each pool's overall group. */
export type MergedGroups = Map<"main" | "mirror", Map<string, GroupCounts>>

/**
 * Merges the per-site counts into the report's groups, per pool: every row counts in its pool's
 * overall group and, with `by` other than `all`, in its own group too. Mirror sites form a pool
 * apart unless `includeMirror`. Rows of unknown sites are left out.
 *
 * @example
 * const pools = mergeIntoGroups(counts, sites, { by: "country", includeMirror: false, numericIds: ["trust"], countryName: (c) => c })
 * pools.get("main")!.get("country:SN")!.answered.get("pre") // the Senegalese sites' pre responses, summed
 */
export const mergeIntoGroups = (
  counts: ReportCounts,
  sites: ReadonlyArray<ReportSite>,
  options: { readonly by: ReportBy; readonly includeMirror: boolean; readonly numericIds: ReadonlyArray<string>; readonly countryName: (c: string) => string }
): MergedGroups => {
  const { by, countryName } = options
  const siteById = new Map<string, ReportSite>(sites.map((s) => [s.id, s]))
  const pools: MergedGroups = new Map()
  const accsFor = (siteId: string, cat: string | null): Array<GroupCounts> => {
    const site = siteById.get(siteId)
    if (site === undefined) return []
    const pool = site.format === "mirror" && !options.includeMirror ? "mirror" : "main"
    let groups = pools.get(pool)
    if (groups === undefined) {
      groups = new Map()
      pools.set(pool, groups)
    }
    const keys = by === "all" ? [groupOf("all", site, cat, countryName)] : [groupOf("all", site, cat, countryName), groupOf(by, site, cat, countryName)]
    return keys.map((g) => {
      const key = g.key === "all" ? "all" : `${by}:${g.key}`
      let acc = groups.get(key)
      if (acc === undefined) {
        acc = { key, label: g.label, registered: 0, absent: 0, invited: new Map(), answered: new Map(), paired: 0, dist: new Map(), diffs: new Map(), trans: new Map(), know: { hist: new Map(), pre: 0, post: 0 } }
        groups.set(key, acc)
      }
      return acc
    })
  }
  for (const r of counts.registered) {
    for (const a of accsFor(r.site_id, r.cat)) a.registered += r.n
  }
  for (const r of counts.absent ?? []) {
    for (const a of accsFor(r.site_id, r.cat)) a.absent += r.n
  }
  for (const r of counts.invited) {
    for (const a of accsFor(r.site_id, r.cat)) add(a.invited, r.wave, r.n)
  }
  for (const r of counts.answered) {
    for (const a of accsFor(r.site_id, r.cat)) add(a.answered, r.wave, r.n)
  }
  for (const r of counts.paired) {
    for (const a of accsFor(r.site_id, r.cat)) a.paired += r.n
  }
  for (const r of counts.values) {
    for (const a of accsFor(r.site_id, r.cat)) {
      let byQuestion = a.dist.get(r.wave)
      if (byQuestion === undefined) {
        byQuestion = new Map()
        a.dist.set(r.wave, byQuestion)
      }
      let h = byQuestion.get(r.question)
      if (h === undefined) {
        h = new Map()
        byQuestion.set(r.question, h)
      }
      // multiple choice: one count per option chosen (shares are of respondents)
      if (typeof r.value === "string") add(h, r.value, r.n)
      else for (const v of r.value) add(h, v, r.n)
    }
  }
  for (const r of counts.pairedValues) {
    const numeric = options.numericIds.includes(r.question)
    for (const a of accsFor(r.site_id, r.cat)) {
      if (numeric) {
        let d = a.diffs.get(r.question)
        if (d === undefined) {
          d = { hist: new Map(), pre: 0, post: 0 }
          a.diffs.set(r.question, d)
        }
        add(d.hist, String(Number(r.post) - Number(r.pre)), r.n)
        d.pre += Number(r.pre) * r.n
        d.post += Number(r.post) * r.n
      } else {
        let h = a.trans.get(r.question)
        if (h === undefined) {
          h = new Map()
          a.trans.set(r.question, h)
        }
        add(h, `${r.pre}\u0000${r.post}`, r.n)
      }
    }
  }
  for (const r of counts.knowledge) {
    for (const a of accsFor(r.site_id, r.cat)) {
      add(a.know.hist, String(r.diff), r.n)
      a.know.pre += r.preSum
      a.know.post += r.postSum
    }
  }
  return pools
}

/** Expands a histogram of numbers (value → count) into an array. */
const expand = (h: Histogram): Array<number> => {
  const out: Array<number> = []
  for (const [v, n] of h) for (let i = 0; i < n; i++) out.push(Number(v))
  return out
}

const total = (h: Histogram): number => [...h.values()].reduce((s, n) => s + n, 0)

const pairedOf = (diffs: Histogram, sums: { readonly pre: number; readonly post: number }): PairedResult => {
  const values = expand(diffs)
  const t = pairedT(values)
  const w = wilcoxonSignedRank(values)
  const e = effectSizes(values)
  const n = values.length
  return {
    n,
    meanPre: sums.pre / n,
    meanPost: sums.post / n,
    meanChange: t.meanDiff,
    ci95: t.ci95 === null ? null : [t.ci95[0], t.ci95[1]],
    t: t.t,
    df: t.df,
    pT: t.p,
    wilcoxon: { v: w.vPlus, p: w.p, method: w.method, zeros: w.zeros },
    dz: e.dz,
    rankBiserial: e.rankBiserial,
    sdChange: t.sdDiff
  }
}

/** What {@link groupResult} computes a group's figures against. */
export interface GroupContext {
  readonly instrument: Instrument
  readonly locale: string
  readonly waves: ReadonlyArray<WaveId>
  readonly pairedWaves: readonly [WaveId, WaveId] | null
  /** The waves that open on or after the deliberation day: their response rates leave out those recorded absent. */
  readonly afterDay?: ReadonlyArray<WaveId> | undefined
}

/**
 * One group's figures from its merged counts, with what the report's suppression pattern hides
 * (see {@link suppressionPattern}): a suppressed group shows no counts and no figures; a
 * suppressed wave shows no shares, means or free text; a suppressed paired question or knowledge
 * index shows no paired figures. A wave, question or index under {@link SUPPRESSION_THRESHOLD}
 * is always suppressed, whatever the pattern says.
 */
export const groupResult = (acc: GroupCounts, context: GroupContext, hide: GroupSuppression): GroupResult => {
  const { instrument, locale, waves, pairedWaves } = context
  const { numeric: numericIds, choice: choiceIds, knowledge: knowledgeItems } = pairedQuestions(instrument, pairedWaves)
  const label = (labels: Record<string, string>) => labelIn(labels, locale, instrument)
  const optionLabel = (q: Question, value: string): string => ("options" in q ? label(q.options.find((o) => o.id === value)?.label ?? { [locale]: value }) : value)
  const answeredMax = Math.max(0, ...acc.answered.values())
  const suppressed = hide.group || answeredMax < SUPPRESSION_THRESHOLD
  const response: Record<string, { registered: number; invited: number; answered: number; rate: number | null }> = {}
  for (const w of suppressed ? [] : waves) {
    const n = acc.answered.get(w) ?? 0
    // after the day, those recorded absent are not expected to answer
    const expected = context.afterDay?.includes(w) === true ? acc.registered - acc.absent : acc.registered
    response[w] = { registered: expected, invited: acc.invited.get(w) ?? 0, answered: n, rate: expected <= 0 ? null : n / expected }
  }
  const questions: Array<QuestionResult> = instrument.questions.map((q) => {
    const perWave: Record<string, QuestionResult["waves"][string]> = {}
    const freeText: Record<string, Array<{ text: string; count: number }>> = {}
    for (const w of waves) {
      if (!q.waves.includes(w)) continue
      const h = acc.dist.get(w)?.get(q.id) ?? new Map<string, number>()
      const respondents = acc.answered.get(w) ?? 0
      const answers = q.type === "multiple" ? respondents : total(h)
      const waveSuppressed = suppressed || hide.waves[w] !== false || respondents < SUPPRESSION_THRESHOLD
      if (q.type === "text") {
        freeText[w] = waveSuppressed ? [] : [...h].map(([text, count]) => ({ text, count })).sort((x, y) => y.count - x.count || (x.text < y.text ? -1 : 1))
        perWave[w] = { n: waveSuppressed ? 0 : total(h), suppressed: waveSuppressed, shares: [], mean: null, median: null }
        continue
      }
      const numeric = NUMERIC_TYPES.includes(q.type)
      const scale = scaleOf(q)
      const order = "options" in q
        ? q.options.map((o) => o.id)
        : scale !== undefined
        ? Array.from({ length: scale.max - scale.min + 1 }, (_, i) => String(scale.min + i))
        : [...h.keys()].sort((x, y) => Number(x) - Number(y))
      // the mean and median from the counts themselves: no list of every answer to sort
      const figures = numeric && !waveSuppressed && total(h) > 0 ? frequencyMeanMedian([...h].map(([v, n]) => [Number(v), n] as const)) : null
      perWave[w] = waveSuppressed
        ? { n: 0, suppressed: true, shares: [], mean: null, median: null }
        : {
            n: answers,
            suppressed: false,
            shares: order.map((v) => ({ value: v, label: optionLabel(q, v), count: h.get(v) ?? 0, share: answers === 0 ? 0 : (h.get(v) ?? 0) / answers })),
            mean: figures?.mean ?? null,
            median: figures?.median ?? null
          }
    }
    let paired: QuestionResult["paired"] = null
    let shift: QuestionResult["shift"] = null
    let test: QuestionResult["mcnemar"] = null
    let binary: SampleSummary | null = null
    const asked = pairedWaves !== null && askedBoth(q, pairedWaves)
    if (pairedWaves !== null && !asked && q.type !== "text" && q.waves.length > 0 && (q.waves.includes(pairedWaves[0]) || q.waves.includes(pairedWaves[1]))) paired = { unpaired: true }
    if (asked && numericIds.includes(q.id)) {
      const d = acc.diffs.get(q.id)
      const n = d === undefined ? 0 : total(d.hist)
      paired = suppressed || hide.paired[q.id] !== false || n < SUPPRESSION_THRESHOLD ? { suppressed: true } : pairedOf(d!.hist, d!)
    }
    if (asked && choiceIds.includes(q.id) && "options" in q) {
      const h = acc.trans.get(q.id) ?? new Map<string, number>()
      const n = total(h)
      if (suppressed || hide.paired[q.id] !== false || n < SUPPRESSION_THRESHOLD) paired = { suppressed: true }
      else {
        const pre = new Map<string, number>()
        const post = new Map<string, number>()
        for (const [k, c] of h) {
          const [a, b] = k.split("\u0000") as [string, string]
          add(pre, a, c)
          add(post, b, c)
        }
        shift = q.options.map((o) => ({ value: o.id, label: label(o.label), pre: (pre.get(o.id) ?? 0) / n, post: (post.get(o.id) ?? 0) / n, change: ((post.get(o.id) ?? 0) - (pre.get(o.id) ?? 0)) / n }))
        // binary: two options, or a knowledge item as correct / not correct
        const isYes = q.type === "knowledge" ? (v: string) => v === q.correct : q.options.length === 2 ? (v: string) => v === q.options[0]!.id : undefined
        if (isYes !== undefined) {
          let b = 0
          let c = 0
          for (const [k, count] of h) {
            const [a, bb] = k.split("\u0000") as [string, string]
            if (isYes(a) && !isYes(bb)) b += count
            if (!isYes(a) && isYes(bb)) c += count
          }
          const m = mcnemar(b, c)
          test = { b, c, statistic: m.statistic, p: m.p, exactP: m.exactP, method: m.method }
          // changes of −1 (b), +1 (c) and 0 (the others): their mean is (c − b) / n
          const changeMean = (c - b) / n
          binary = { n, mean: changeMean, sd: n < 2 ? 0 : Math.sqrt(Math.max(0, ((b + c) - n * changeMean * changeMean) / (n - 1))) }
        }
        paired = null
      }
    }
    return { id: q.id, type: q.type, label: label(q.label), waves: perWave, paired, shift, ...(binary === null ? {} : { binaryChange: binary }), mcnemar: test, freeText: q.type === "text" ? freeText : null }
  })
  const knowN = total(acc.know.hist)
  const knowledgeResult = knowledgeItems.length === 0 || pairedWaves === null
    ? null
    : suppressed || hide.knowledge || knowN < SUPPRESSION_THRESHOLD ? { suppressed: true as const } : { ...pairedOf(acc.know.hist, acc.know), items: knowledgeItems.length }
  return { key: acc.key, label: acc.label, suppressed, response: { waves: response, paired: suppressed ? null : acc.paired }, knowledge: knowledgeResult, questions }
}

// ---------------------------------------------------------------------------------------------
// Complementary suppression
// ---------------------------------------------------------------------------------------------

/**
 * One set the report can publish: the leaves (sites, or participant categories of a pool) it
 * sums. Two groups over the same leaves (a country alone in its sub-region, a pool's overall
 * group and its only format) are one set: they are shown or suppressed together.
 */
export interface SuppressionSet {
  readonly key: string
  readonly leaves: ReadonlyArray<string>
}

/** What {@link complementarySuppression} works on: one table's sizes (e.g. the respondents of one wave). */
export interface SuppressionProblem {
  /** Every set any report can publish. */
  readonly sets: ReadonlyArray<SuppressionSet>
  /** Each leaf's size: the people the table counts there. Missing leaves count 0. */
  readonly sizes: ReadonlyMap<string, number>
  readonly threshold: number
  /** Sets suppressed whatever their size (e.g. a group suppressed as a whole in another table). */
  readonly initial?: ReadonlySet<string> | undefined
  /** Sets whose status is given and never changed (shown when false, suppressed when true). */
  readonly locked?: ReadonlyMap<string, boolean> | undefined
}

/**
 * The suppression pattern of one table: the sets that are suppressed.
 *
 * Primary suppression: every set with fewer than `threshold` people (empty ones included, which
 * have nothing to show). Complementary suppression then makes sure nothing smaller than the
 * threshold can be computed from what is shown, by subtracting shown sets from one another
 * along any grouping, or by any other linear combination of them:
 *
 * - the leaves no shown singleton reveals fall into classes, the leaves contained in exactly the
 *   same shown sets; everything the shown sets reveal about them is a sum of whole classes (the
 *   shown sets' sums are sums of classes and of shown leaves), never less;
 * - so every class must hold no one or at least `threshold` people. A class that does not is
 *   merged with another one (or with a shown leaf) by suppressing the sets that tell them apart,
 *   choosing the cheapest (fewest people hidden, then the set keys' order, so the pattern is
 *   deterministic); repeated until every class holds.
 *
 * Locked sets never change; a class that only locked sets could split is left (their figures are
 * the responsibility of the pattern that locked them).
 *
 * @example
 * complementarySuppression({ sets: [{ key: "IN", leaves: ["del", "kol", "mum"] }, { key: "del", leaves: ["del"] }, { key: "kol", leaves: ["kol"] }, { key: "mum", leaves: ["mum"] }], sizes: new Map([["del", 9], ["kol", 2], ["mum", 20]]), threshold: 5 })
 * // Set { "kol", "del" }: Kolkata (2) is small, and Delhi (the smallest other site) hides it from India − Mumbai
 */
export const complementarySuppression = (problem: SuppressionProblem): Set<string> => {
  // the sets' keys can be long (a set of a thousand sites): worked on under short ones, in the same order
  const order = [...problem.sets].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  const short = new Map(order.map((s, i) => [s.key, i.toString(36).padStart(6, "0")]))
  const long = new Map(order.map((s) => [short.get(s.key)!, s.key]))
  const rename = <V>(m: ReadonlyMap<string, V> | undefined) => (m === undefined ? undefined : new Map([...m].flatMap(([k, v]) => (short.has(k) ? [[short.get(k)!, v] as const] : []))))
  const hidden = suppressShort({
    sets: order.map((s) => ({ key: short.get(s.key)!, leaves: s.leaves })),
    sizes: problem.sizes,
    threshold: problem.threshold,
    initial: problem.initial === undefined ? undefined : new Set([...problem.initial].flatMap((k) => (short.has(k) ? [short.get(k)!] : []))),
    locked: rename(problem.locked)
  })
  return new Set([...hidden].map((k) => long.get(k)!))
}

const suppressShort = (problem: SuppressionProblem): Set<string> => {
  const { sets, threshold } = problem
  const sizeOf = (leaf: string) => problem.sizes.get(leaf) ?? 0
  const setSize = new Map(sets.map((s) => [s.key, s.leaves.reduce((t, l) => t + sizeOf(l), 0)]))
  const locked = problem.locked ?? new Map<string, boolean>()
  const suppressed = new Set<string>()
  for (const s of sets) {
    const lock = locked.get(s.key)
    if (lock === true || (lock === undefined && (setSize.get(s.key)! < threshold || problem.initial?.has(s.key) === true))) suppressed.add(s.key)
  }
  // the sets each leaf is in
  const setsOf = new Map<string, Array<string>>()
  const singleton = new Map<string, string>()
  for (const s of sets) {
    for (const l of s.leaves) {
      const list = setsOf.get(l)
      if (list === undefined) setsOf.set(l, [s.key])
      else list.push(s.key)
    }
    if (s.leaves.length === 1) singleton.set(s.leaves[0]!, s.key)
  }
  const leaves = [...setsOf.keys()].sort()
  const leavesOf = new Map(sets.map((s) => [s.key, s.leaves]))
  const cost = (keys: Iterable<string>) => {
    let c = 0
    for (const k of keys) c += setSize.get(k)!
    return c
  }
  for (const list of setsOf.values()) list.sort()
  const given = new Set<string>()
  for (;;) {
    // classes of the leaves no shown singleton reveals, by the shown sets they are in; of the
    // shown leaves, the smallest per list of shown sets (the others would only cost more)
    type Group = { readonly id: string; readonly shown: Array<string>; size: number; readonly cost: number; readonly locks: number }
    const classes = new Map<string, Group>()
    const known = new Map<string, Group & { leaf: string }>()
    const groupOfLeaf = new Map<string, Group>()
    const groupOfSets = (id: string, shown: Array<string>, size: number) => ({ id, shown, size, cost: cost(shown), locks: shown.filter((k) => locked.has(k)).length })
    for (const l of leaves) {
      const shown = setsOf.get(l)!.filter((k) => !suppressed.has(k))
      const id = shown.join("\u0000")
      const one = singleton.get(l)
      if (one !== undefined && !suppressed.has(one)) {
        const k = known.get(id)
        if (k === undefined || sizeOf(l) < k.size) known.set(id, { ...groupOfSets(id, shown, sizeOf(l)), leaf: l })
        continue
      }
      if (shown.length === 0) continue
      const c = classes.get(id)
      if (c === undefined) classes.set(id, groupOfSets(id, shown, sizeOf(l)))
      else c.size += sizeOf(l)
    }
    for (const l of leaves) {
      const shown = setsOf.get(l)!.filter((k) => !suppressed.has(k)).join("\u0000")
      const g = classes.get(shown) ?? known.get(shown)
      if (g !== undefined) groupOfLeaf.set(l, g)
    }
    const bad = [...classes.values()]
      .filter((c) => c.size > 0 && c.size < threshold && !given.has(c.id))
      .sort((x, y) => x.size - y.size || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
    if (bad.length === 0) return suppressed
    // one sweep fixes every bad class, smallest first, that no earlier fix of the sweep changed
    const touched = new Set<string>()
    for (const cls of bad) {
      if (cls.shown.some((k) => touched.has(k))) continue
      const mine = new Set(cls.shown)
      // candidates: suppress the sets that tell this class apart from another class or a shown
      // leaf (merging them: the sets in one list and not in the other), or one set of this
      // class's (merging it with whatever lies above); enough people first, then the fewest
      // people hidden, then the sets' keys
      let best: { other: Group | null; single: string | null; ok: boolean; cost: number; id: string | null } | null = null
      const better = (ok: boolean, c: number) => best === null || (ok && !best.ok) || (ok === best.ok && c <= best.cost)
      const idOf = (other: Group | null, single: string | null): string => {
        if (single !== null) return single
        const theirs = new Set(other!.shown)
        return [...other!.shown.filter((k) => !mine.has(k)), ...cls.shown.filter((k) => !theirs.has(k))].sort().join("\u0000")
      }
      const offer = (other: Group | null, single: string | null, ok: boolean, c: number) => {
        if (!better(ok, c)) return
        if (best !== null && ok === best.ok && c === best.cost) {
          // a tie: the sets' keys decide
          const id = idOf(other, single)
          best.id ??= idOf(best.other, best.single)
          if (id >= best.id) return
          best = { other, single, ok, cost: c, id }
          return
        }
        best = { other, single, ok, cost: c, id: null }
      }
      // first the classes and shown leaves in this class's smallest shown set: any other has that
      // set among those to suppress, so it costs more than the best of these when that is cheaper
      const smallest = cls.shown.reduce((a, b) => (setSize.get(b)! < setSize.get(a)! ? b : a))
      const near = new Set<Group>()
      for (const l of leavesOf.get(smallest)!) {
        const g = groupOfLeaf.get(l)
        if (g !== undefined) near.add(g)
      }
      const evaluate = (other: Group) => {
        if (other.id === cls.id) return
        let interCost = 0
        let interLocks = 0
        for (const k of other.shown) {
          if (!mine.has(k)) continue
          interCost += setSize.get(k)!
          if (locked.has(k)) interLocks++
        }
        if (other.locks > interLocks || cls.locks > interLocks) return
        offer(other, null, cls.size + other.size >= threshold, cls.cost + other.cost - 2 * interCost)
      }
      for (const other of near) evaluate(other)
      const settled = best as { ok: boolean; cost: number } | null
      if (settled === null || !settled.ok || settled.cost >= setSize.get(smallest)!) {
        for (const other of classes.values()) if (!near.has(other)) evaluate(other)
        for (const other of known.values()) if (!near.has(other)) evaluate(other)
      }
      for (const k of cls.shown) if (!locked.has(k)) offer(null, k, false, setSize.get(k)!)
      if (best === null) {
        given.add(cls.id)
        continue
      }
      const chosen: { other: Group | null; single: string | null } = best
      const hide = chosen.single !== null ? [chosen.single] : idOf(chosen.other, null).split("\u0000")
      for (const k of hide) {
        suppressed.add(k)
        touched.add(k)
      }
    }
  }
}

/** What one group shows, by the report's suppression pattern (true: suppressed). */
export interface GroupSuppression {
  /** The group as a whole: its response counts and everything else. */
  readonly group: boolean
  /** Per wave: its distributions, means and free text. */
  readonly waves: Readonly<Record<string, boolean>>
  /** Per paired question: its paired change, shifts and McNemar. */
  readonly paired: Readonly<Record<string, boolean>>
  /** The knowledge index. */
  readonly knowledge: boolean
}

/** The suppression of every group of every report over the same counts: `of(includeMirror, pool, groupKey)`. */
export interface SuppressionPattern {
  readonly of: (includeMirror: boolean, pool: "main" | "mirror", groupKey: string) => GroupSuppression
}

const GEO_GROUPINGS = ["all", "site", "country", "region", "subregion", "format"] as const
const scopeKey = (includeMirror: boolean, pool: "main" | "mirror", groupKey: string): string => `${includeMirror ? "pooled" : "apart"}/${pool}|${groupKey}`
const poolOfSite = (site: ReportSite, includeMirror: boolean): "main" | "mirror" => (site.format === "mirror" && !includeMirror ? "mirror" : "main")

/** The groups (by scope key) as sets of leaves, one set per distinct leaf set. */
const setsFrom = (members: Map<string, Set<string>>): { readonly sets: Array<SuppressionSet>; readonly setOf: Map<string, string> } => {
  // a set is named after the first of its groups
  const byLeaves = new Map<string, { key: string; leaves: Array<string>; groups: Array<string> }>()
  for (const [group, leaves] of members) {
    const sorted = [...leaves].sort()
    const id = sorted.join("\u0001")
    const s = byLeaves.get(id)
    if (s === undefined) byLeaves.set(id, { key: group, leaves: sorted, groups: [group] })
    else {
      s.groups.push(group)
      if (group < s.key) s.key = group
    }
  }
  const setOf = new Map<string, string>()
  for (const s of byLeaves.values()) for (const g of s.groups) setOf.set(g, s.key)
  return { sets: [...byLeaves.values()].map((s) => ({ key: s.key, leaves: s.leaves })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)), setOf }
}

const addMember = (members: Map<string, Set<string>>, group: string, leaf: string): void => {
  const s = members.get(group)
  if (s === undefined) members.set(group, new Set([leaf]))
  else s.add(leaf)
}

/** The tables suppressed on their own: the group as a whole, each wave, each paired question, the knowledge index. */
interface TableSizes {
  /** wave → leaf → respondents */
  readonly waves: Map<string, Map<string, number>>
  /** paired question → leaf → pairs */
  readonly paired: Map<string, Map<string, number>>
  /** leaf → knowledge-index pairs */
  readonly knowledge: Map<string, number>
}

const sizesOf = (counts: ReportCounts, leafOf: (r: SiteCount) => string | undefined, waves: ReadonlyArray<string>, pairedIds: ReadonlyArray<string>): TableSizes => {
  const bump = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n)
  const sizes: TableSizes = { waves: new Map(waves.map((w) => [w, new Map()])), paired: new Map(pairedIds.map((q) => [q, new Map()])), knowledge: new Map() }
  for (const r of counts.answered) {
    const leaf = leafOf(r)
    const m = sizes.waves.get(r.wave)
    if (leaf !== undefined && m !== undefined) bump(m, leaf, r.n)
  }
  for (const r of counts.pairedValues) {
    const leaf = leafOf(r)
    const m = sizes.paired.get(r.question)
    if (leaf !== undefined && m !== undefined) bump(m, leaf, r.n)
  }
  for (const r of counts.knowledge) {
    const leaf = leafOf(r)
    if (leaf !== undefined) bump(sizes.knowledge, leaf, r.n)
  }
  return sizes
}

/** Every table's pattern over one universe of sets; `locked(table)` gives the sets fixed beforehand. */
type Solver = (table: string, problem: SuppressionProblem) => Set<string>

const largestOf = (sizes: TableSizes): Map<string, number> => {
  const largest = new Map<string, number>()
  for (const m of sizes.waves.values()) for (const [leaf, n] of m) largest.set(leaf, Math.max(largest.get(leaf) ?? 0, n))
  return largest
}

const tableOf = (sizes: TableSizes, table: string): Map<string, number> =>
  table === "group" ? largestOf(sizes)
  : table === "knowledge" ? sizes.knowledge
  : (table.startsWith("wave:") ? sizes.waves.get(table.slice(5)) : sizes.paired.get(table.slice(7))) ?? new Map()

const patternsOf = (
  sets: ReadonlyArray<SuppressionSet>,
  sizes: TableSizes,
  threshold: number,
  locked: (table: string) => ReadonlyMap<string, boolean> | undefined,
  solve: Solver = (_, problem) => complementarySuppression(problem),
  /** What else a table's pattern depends on (for the memo). */
  alsoOn: (table: string) => string = () => ""
): Map<string, Set<string>> => {
  const out = new Map<string, Set<string>>()
  // tables with the same sizes (questions everyone answered) have the same pattern: computed once
  const memo = new Map<string, Set<string>>()
  const once = (table: string, sizes: Map<string, number>, initial: ReadonlySet<string>): Set<string> => {
    const lock = locked(table)
    const id = `${[...sizes].filter(([, n]) => n > 0).sort(([a], [b]) => (a < b ? -1 : 1)).join(";")}|${lock === undefined ? "" : [...lock].sort().join(";")}|${alsoOn(table)}`
    const known = memo.get(id)
    if (known !== undefined) return known
    const pattern = solve(table, { sets, sizes, threshold, initial, locked: lock })
    memo.set(id, pattern)
    return pattern
  }
  // the group as a whole: suppressed when every wave has fewer than the threshold (its size
  // is its largest wave, per leaf, so a class is never smaller than a group that shows)
  const small = new Set(sets.filter((s) => [...sizes.waves.values()].every((m) => s.leaves.reduce((t, l) => t + (m.get(l) ?? 0), 0) < threshold)).map((s) => s.key))
  const group = solve("group", { sets, sizes: largestOf(sizes), threshold, initial: small, locked: locked("group") })
  out.set("group", group)
  for (const [w, m] of sizes.waves) out.set(`wave:${w}`, once(`wave:${w}`, m, group))
  for (const [q, m] of sizes.paired) out.set(`paired:${q}`, once(`paired:${q}`, m, group))
  out.set("knowledge", once("knowledge", sizes.knowledge, group))
  return out
}

/**
 * The report's suppression pattern, computed once over every grouping any report over these
 * counts can show — site, country, sub-region, region, format and the overall group, each with
 * the mirror dialogues apart and pooled — whatever `by` the report asks for, so that two
 * reports (`--by site` and `--by country`, with and without `--include-mirror`) suppress the
 * same groups and reveal nothing together that each hides. See {@link complementarySuppression}.
 *
 * With `--by category:<name>` the categories cut across sites: they form a pattern of their own
 * (each category per pool, apart and pooled) whose overall groups keep the geographic pattern's
 * status, so a category report never reveals what a geographic one hides.
 */
export const suppressionPattern = (
  counts: ReportCounts,
  sites: ReadonlyArray<ReportSite>,
  options: { readonly by: ReportBy; readonly waves: ReadonlyArray<string>; readonly pairedIds: ReadonlyArray<string>; readonly threshold: number }
): SuppressionPattern => {
  const { threshold } = options
  const siteById = new Map<string, ReportSite>(sites.map((s) => [s.id, s]))
  const members = new Map<string, Set<string>>()
  for (const site of sites) {
    for (const includeMirror of [false, true]) {
      const pool = poolOfSite(site, includeMirror)
      for (const by of GEO_GROUPINGS) addMember(members, scopeKey(includeMirror, pool, by === "all" ? "all" : `${by}:${groupOf(by, site, null, (c) => c).key}`), site.id)
    }
  }
  const geo = setsFrom(members)
  const geoSizes = sizesOf(counts, (r) => (siteById.has(r.site_id) ? r.site_id : undefined), options.waves, options.pairedIds)
  const geoPatterns = patternsOf(geo.sets, geoSizes, threshold, () => undefined)
  let universe = { setOf: geo.setOf, patterns: geoPatterns }

  if (categoryOf(options.by) !== null) {
    // leaves: (the pool a site is in when mirror dialogues are apart, category)
    const cellOf = (r: SiteCount): string | undefined => {
      const site = siteById.get(r.site_id)
      return site === undefined ? undefined : `${poolOfSite(site, false)}\u0002${r.cat ?? "(none)"}`
    }
    const catMembers = new Map<string, Set<string>>()
    for (const rows of [counts.registered, counts.invited, counts.answered, counts.paired, counts.values, counts.pairedValues, counts.knowledge] as ReadonlyArray<ReadonlyArray<SiteCount>>) {
      for (const r of rows) {
        const cell = cellOf(r)
        if (cell === undefined) continue
        const part = cell.startsWith("mirror\u0002") ? "mirror" : "main"
        for (const includeMirror of [false, true]) {
          const pool = includeMirror ? "main" : part
          addMember(catMembers, scopeKey(includeMirror, pool, "all"), cell)
          addMember(catMembers, scopeKey(includeMirror, pool, `${options.by}:${r.cat ?? "(none)"}`), cell)
        }
      }
    }
    const cat = setsFrom(catMembers)
    // the overall groups keep their geographic status (shown if any report shows the same people)
    const lockedFor = (table: string): Map<string, boolean> => {
      const locks = new Map<string, boolean>()
      for (const [group, key] of cat.setOf) {
        if (!group.endsWith("|all")) continue
        const geoKey = geo.setOf.get(group)
        const hidden = geoKey === undefined || geoPatterns.get(table)!.has(geoKey)
        locks.set(key, (locks.get(key) ?? true) && hidden)
      }
      return locks
    }
    // a part's category and the same category pooled: the pooled one is suppressed whenever a
    // part's is (pooled − the other part would give it), so a suppressed part's category lies in
    // no shown category set at all
    const pooledOf = new Map<string, string>()
    const categories = new Map<string, string>() // leaf (part, category) → its own set (apart)
    for (const [group, key] of cat.setOf) {
      const [scope, groupKey] = group.split("|") as [string, string]
      if (groupKey === "all") continue
      const value = groupKey.slice(options.by.length + 1)
      if (scope === "pooled/main") pooledOf.set(value, key)
      else categories.set(`${scope.slice("apart/".length)}\u0002${value}`, key)
    }
    // which categories meet at a site, per table; sites the geographic pattern cannot tell apart
    // (suppressed, in the same shown groups) count as one place
    const siteCells = sizesOf(counts, (r) => (siteById.has(r.site_id) ? `${r.site_id}\u0002${r.cat ?? "(none)"}` : undefined), options.waves, options.pairedIds)
    const geoSetsOf = new Map<string, Array<SuppressionSet>>()
    for (const s of geo.sets) for (const l of s.leaves) geoSetsOf.set(l, [...(geoSetsOf.get(l) ?? []), s])
    const placesOf = (table: string): Map<string, Map<string, number>> => {
      const hidden = geoPatterns.get(table)!
      const placeOf = (siteId: string): string => {
        const mine = geoSetsOf.get(siteId) ?? []
        if (mine.some((s) => s.leaves.length === 1 && !hidden.has(s.key))) return `site\u0003${siteId}`
        const shown = mine.filter((s) => !hidden.has(s.key)).map((s) => s.key)
        return shown.length === 0 ? `alone\u0003${siteId}` : shown.sort().join("\u0003")
      }
      const places = new Map<string, Map<string, number>>()
      for (const [cell, n] of tableOf(siteCells, table)) {
        if (n <= 0) continue
        const [siteId, value] = cell.split("\u0002") as [string, string]
        const leaf = `${poolOfSite(siteById.get(siteId)!, false)}\u0002${value}`
        const place = placeOf(siteId)
        const at = places.get(place) ?? new Map<string, number>()
        at.set(leaf, (at.get(leaf) ?? 0) + n)
        places.set(place, at)
      }
      return places
    }
    const solveCategories: Solver = (table, problem) => {
      const places = placesOf(table)
      const unlocked = [...categories.values(), ...pooledOf.values()].filter((k) => problem.locked?.has(k) !== true)
      let initial = new Set(problem.initial ?? [])
      for (;;) {
        const pattern = complementarySuppression({ ...problem, initial })
        const more = new Set<string>()
        for (const [leaf, key] of categories) if (pattern.has(key)) more.add(pooledOf.get(leaf.split("\u0002")[1]!) ?? key)
        // the suppressed categories that meet at a place are joined; a group of them smaller than
        // the threshold could be told apart from the others with the places' figures: the
        // smallest shown category met at one of its places joins it (or, if none, no category shows)
        const parent = new Map<string, string>()
        const root = (x: string): string => {
          let r = x
          while (parent.get(r) !== r) r = parent.get(r)!
          return r
        }
        const hiddenLeaf = (leaf: string) => pattern.has(categories.get(leaf) ?? "")
        for (const at of places.values()) {
          const here = [...at.keys()].filter(hiddenLeaf).sort()
          for (const l of here) if (!parent.has(l)) parent.set(l, l)
          for (const l of here.slice(1)) parent.set(root(l), root(here[0]!))
        }
        const sizeOfGroup = new Map<string, number>()
        for (const l of parent.keys()) sizeOfGroup.set(root(l), (sizeOfGroup.get(root(l)) ?? 0) + (problem.sizes.get(l) ?? 0))
        for (const [r, n] of [...sizeOfGroup].sort(([a], [b]) => (a < b ? -1 : 1))) {
          if (n === 0 || n >= problem.threshold || sizeOfGroup.size === 1) continue
          let best: { leaf: string; n: number } | undefined
          for (const at of places.values()) {
            if (![...at.keys()].some((l) => parent.has(l) && root(l) === r)) continue
            for (const l of at.keys()) {
              const key = categories.get(l)
              if (key === undefined || pattern.has(key) || problem.locked?.has(key) === true) continue
              const size = problem.sizes.get(l) ?? 0
              if (best === undefined || size < best.n || (size === best.n && l < best.leaf)) best = { leaf: l, n: size }
            }
          }
          if (best !== undefined) more.add(categories.get(best.leaf)!)
          else for (const k of unlocked) more.add(k)
        }
        const fresh = [...more].filter((k) => !pattern.has(k) && problem.locked?.has(k) !== true)
        if (fresh.length === 0) return pattern
        initial = new Set([...pattern, ...fresh])
      }
    }
    universe = {
      setOf: cat.setOf,
      patterns: patternsOf(cat.sets, sizesOf(counts, cellOf, options.waves, options.pairedIds), threshold, lockedFor, solveCategories, (table) => [...placesOf(table)].map(([p, at]) => `${p}:${[...at.keys()].join(",")}`).join(";"))
    }
  }

  return {
    of: (includeMirror, pool, groupKey) => {
      const key = universe.setOf.get(scopeKey(includeMirror, pool, groupKey))
      const hidden = (table: string) => key === undefined || universe.patterns.get(table)?.has(key) !== false
      return {
        group: hidden("group"),
        waves: Object.fromEntries(options.waves.map((w) => [w, hidden(`wave:${w}`)])),
        paired: Object.fromEntries(options.pairedIds.map((q) => [q, hidden(`paired:${q}`)])),
        knowledge: hidden("knowledge")
      }
    }
  }
}

/**
 * The report's own words: a catalog key under `survey_report.` and its ICU values, formatted in
 * the report's locale (the workflow reads them from the catalogs; the domain stays without IO).
 */
export type SurveyReportWords = (key: string, values?: Record<string, unknown>) => string

/** The methods note on the statistics and the suppression, in the words of `t`. */
export const reportMethods = (t: SurveyReportWords, threshold: number, mirror: boolean, category: boolean, attendance = false): string =>
  [
    attendance ? t("methods_attendance") : "",
    t("methods_paired"),
    t("methods_numeric"),
    t("methods_choice"),
    t("methods_knowledge"),
    t("methods_privacy", { threshold }),
    t("methods_complementary", { threshold }),
    category ? t("methods_category", { threshold }) : "",
    mirror ? t("methods_mirror_pooled") : t("methods_mirror_apart"),
    t("methods_regions")
  ].filter((p) => p !== "").join("\n\n")

/** Everything the report is computed from. */
export interface ReportInput extends GroupContext {
  /** The dialogue's title. */
  readonly dialogue: string
  readonly by: ReportBy
  readonly includeMirror: boolean
  readonly sites: ReadonlyArray<ReportSite>
  readonly counts: ReportCounts
  /** All responses to the instrument, and those written by `survey simulate`. */
  readonly responses: { readonly total: number; readonly simulated: number }
  /** The dialogue's codebook: with `--by category:<feature>`, its values' labels and order. */
  readonly codebook?: Codebook | undefined
  /** The report's own words in its locale (`survey_report.*`); without it, the methods note holds the catalog keys. */
  readonly text?: SurveyReportWords | undefined
}

/**
 * The report from the database's counts: merged into groups per pool (the overall group first,
 * then the others by name in the report's locale), small groups suppressed with the groups that
 * would let one subtract them (see {@link suppressionPattern}), labels in the locale.
 *
 * @example
 * const report = buildReport({ instrument, locale: "en", waves: ["pre", "post"], pairedWaves: ["pre", "post"], dialogue: "We, the Internet", by: "region", includeMirror: false, sites, counts, responses: { total: 1200, simulated: 0 } })
 * report.pools[0].groups[0].key // "all"
 */
export const buildReport = (input: ReportInput): SurveyReport => {
  const { instrument, locale, by } = input
  const countryNames = new Intl.DisplayNames([locale], { type: "region", fallback: "code" })
  const countryName = (c: string) => countryNames.of(c) ?? c
  const pools = mergeIntoGroups(input.counts, input.sites, { by, includeMirror: input.includeMirror, numericIds: pairedQuestions(instrument, input.pairedWaves).numeric, countryName })
  // a category the codebook declares: its values' labels in the locale, in the codebook's order
  const category = categoryOf(by)
  const feature = category === null ? undefined : featureOf(input.codebook, category)
  const rank = new Map(feature?.values.map((v, i) => [`${by}:${v.id}`, i]) ?? [])
  const labelled = (g: GroupCounts): GroupCounts =>
    feature === undefined || !rank.has(g.key) ? g : { ...g, label: valueLabel(feature, g.key.slice(by.length + 1), locale) }
  const order = (groups: Map<string, GroupCounts>) =>
    [...groups.values()].map(labelled).sort((a, b) =>
      a.key === "all" ? -1 : b.key === "all" ? 1 : (rank.get(a.key) ?? rank.size) - (rank.get(b.key) ?? rank.size) || a.label.localeCompare(b.label, locale)
    )
  const { numeric, choice } = pairedQuestions(instrument, input.pairedWaves)
  const pattern = suppressionPattern(input.counts, input.sites, { by, waves: input.waves, pairedIds: [...numeric, ...choice], threshold: SUPPRESSION_THRESHOLD })
  return {
    instrument: { id: instrument.id, version: instrument.version, title: labelIn(instrument.title, locale, instrument) },
    dialogue: input.dialogue,
    by,
    waves: input.waves,
    pairedWaves: input.pairedWaves,
    includeMirror: input.includeMirror,
    suppressionThreshold: SUPPRESSION_THRESHOLD,
    locale,
    pools: (["main", "mirror"] as const).filter((p) => pools.has(p)).map((pool) => ({ pool, groups: order(pools.get(pool)!).map((g) => groupResult(g, input, pattern.of(input.includeMirror, pool, g.key))) })),
    methods: reportMethods(input.text ?? ((key) => key), SUPPRESSION_THRESHOLD, input.includeMirror, categoryOf(by) !== null, (input.counts.absent ?? []).some((r) => r.n > 0)),
    simulatedResponses: input.responses.simulated,
    responses: input.responses.total
  }
}

/**
 * A country's report cut from the global reports by site and by country (same words, same
 * locale): the country's group first, then its sites, in every pool, pair and
 * difference-in-differences. Each group keeps the status the global reports give it, so nothing
 * they suppress is published. Null when the country has no group.
 *
 * @example
 * countryReport(bySite, byCountry, "SN", new Set(["sn-dakar", "sn-thies"]))?.pools[0].groups.map((g) => g.key) // ["country:SN", "site:sn-dakar", "site:sn-thies"]
 */
export const countryReport = (bySite: SurveyReport, byCountry: SurveyReport, country: string, siteIds: ReadonlySet<string>): SurveyReport | null => {
  const ours = (g: { readonly key: string }) => g.key.startsWith("site:") && siteIds.has(g.key.slice("site:".length))
  const keep = <G extends { readonly key: string }>(sites: ReadonlyArray<G>, countries: ReadonlyArray<G>): Array<G> =>
    sites.some(ours) ? [...countries.filter((g) => g.key === `country:${country}`), ...sites.filter(ours)] : []
  const poolsOf = <G extends { readonly key: string }>(sites: ReadonlyArray<{ readonly pool: ReportPool; readonly groups: ReadonlyArray<G> }>, countries: ReadonlyArray<{ readonly pool: ReportPool; readonly groups: ReadonlyArray<G> }>) =>
    sites.map((p) => ({ pool: p.pool, groups: keep(p.groups, countries.find((q) => q.pool === p.pool)?.groups ?? []) })).filter((p) => p.groups.length > 0)
  const pools = poolsOf(bySite.pools, byCountry.pools)
  if (pools.length === 0) return null
  const didOf = (sites: ReadonlyArray<GroupDiD> | null | undefined, countries: ReadonlyArray<GroupDiD> | null | undefined) => (sites === null || sites === undefined ? null : keep(sites, countries ?? []))
  const { sample: _sample, weighted: _weighted, ...rest } = bySite
  return {
    ...rest,
    by: "site",
    country,
    pools,
    did: didOf(bySite.did, byCountry.did),
    otherPairs: (bySite.otherPairs ?? []).map((p, i) => ({ waves: p.waves, pools: poolsOf(p.pools, byCountry.otherPairs?.[i]?.pools ?? []), did: didOf(p.did, byCountry.otherPairs?.[i]?.did) }))
  }
}

/**
 * The same report with its labels in another locale: the instrument's title, question and
 * option labels, country names, and the methods note given. The figures, groups and statuses
 * are the report's own (they do not depend on the language): --split country computes them once
 * and writes them in every country's language.
 *
 * @example
 * relabelReport(report, instrument, "fr", methods).pools[0].groups[0].label // "Sénégal" (was "Senegal")
 */
export const relabelReport = (report: SurveyReport, instrument: Instrument, locale: string, methods: string): SurveyReport => {
  const countryNames = new Intl.DisplayNames([locale], { type: "region", fallback: "code" })
  const byId = new Map<string, Question>(instrument.questions.map((q) => [q.id, q]))
  const label = (labels: Record<string, string>) => labelIn(labels, locale, instrument)
  const questionLabel = (id: string, old: string) => {
    const q = byId.get(id)
    return q === undefined ? old : label(q.label)
  }
  const optionLabel = (id: string, value: string, old: string) => {
    const q = byId.get(id)
    const o = q !== undefined && "options" in q ? q.options.find((x) => x.id === value) : undefined
    return o === undefined ? old : label(o.label)
  }
  const groupLabel = (key: string, old: string) => (key.startsWith("country:") ? countryNames.of(key.slice("country:".length)) ?? old : old)
  const shift = (id: string, s: QuestionResult["shift"]) => s === null ? null : s.map((x) => ({ ...x, label: optionLabel(id, x.value, x.label) }))
  const question = (q: QuestionResult): QuestionResult => ({
    ...q,
    label: questionLabel(q.id, q.label),
    waves: Object.fromEntries(Object.entries(q.waves).map(([w, x]) => [w, { ...x, shares: x.shares.map((y) => ({ ...y, label: optionLabel(q.id, y.value, y.label) })) }])),
    shift: shift(q.id, q.shift)
  })
  const did = (groups: ReadonlyArray<GroupDiD> | null | undefined) =>
    groups === null || groups === undefined ? groups : groups.map((g) => ({ ...g, label: groupLabel(g.key, g.label), questions: g.questions.map((q) => ({ ...q, label: questionLabel(q.question, q.label) })) }))
  return {
    ...report,
    locale,
    instrument: { ...report.instrument, title: label(instrument.title) },
    pools: report.pools.map((p) => ({ pool: p.pool, groups: p.groups.map((g) => ({ ...g, label: groupLabel(g.key, g.label), questions: g.questions.map(question) })) })),
    ...(report.did === undefined ? {} : { did: did(report.did) }),
    ...(report.otherPairs === undefined ? {} : {
      otherPairs: report.otherPairs.map((pair) => ({
        waves: pair.waves,
        pools: pair.pools.map((p) => ({ pool: p.pool, groups: p.groups.map((g) => ({ ...g, label: groupLabel(g.key, g.label), questions: g.questions.map((q) => ({ ...q, label: questionLabel(q.id, q.label), shift: shift(q.id, q.shift) })) })) })),
        did: did(pair.did) ?? null
      }))
    }),
    methods
  }
}
