/**
 * The impact report behind `convene survey report`: response per wave, pre and post
 * distributions, paired change with its tests and effect sizes, shifts in shares with McNemar,
 * the knowledge index — per group (site, country, UN M49 region, format or a participant
 * category), small groups suppressed, mirror dialogues apart. The database does the heavy
 * counting (histograms per site); the statistics run on the merged histograms.
 */
import * as Effect from "effect/Effect"
import { sql } from "kysely"
import { query as runQuery } from "../infra/Database.js"
import { scaleOf } from "../domain/Answers.js"
import { InputError } from "../domain/Errors.js"
import { type Instrument, labelIn, type Question, questionsFor, type WaveId } from "../domain/Instrument.js"
import { m49Of } from "../domain/Regions.js"
import { effectSizes, mcnemar, mean, median, pairedT, wilcoxonSignedRank } from "../domain/Stats.js"
import { loadInstrument } from "../surveys/Surveys.js"
import type { Workspace } from "../infra/Workspace.js"

/** How groups are formed. */
export type ReportBy = "all" | "site" | "country" | "region" | "subregion" | "format" | `category:${string}`

/** The participant columns `--by category:<name>` accepts. */
export const REPORT_CATEGORIES = ["gender", "age_band", "education", "residence"] as const

/** Groups smaller than this are shown as suppressed, never as numbers. */
export const SUPPRESSION_THRESHOLD = 5

/** What `survey report` needs. */
export interface ReportOptions {
  readonly by?: ReportBy | undefined
  readonly instrument?: string | undefined
  /** Pool mirror dialogues with the randomly selected sites (they are reported apart otherwise). */
  readonly includeMirror?: boolean | undefined
  /** The locale of labels (default: the instrument's source locale). */
  readonly locale?: string | undefined
}

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
}

/** One question in one group. */
export interface QuestionResult {
  readonly id: string
  readonly type: Question["type"]
  readonly label: string
  readonly waves: Readonly<Record<string, { readonly n: number; readonly suppressed: boolean; readonly shares: ReadonlyArray<ReportShare>; readonly mean: number | null; readonly median: number | null }>>
  /** Pre → post, when both waves ask it. */
  readonly paired: PairedResult | { readonly suppressed: true; readonly n: number } | { readonly unpaired: true } | null
  /** For single-choice and knowledge questions: post share minus pre share, per option, among people who answered both. */
  readonly shift: ReadonlyArray<{ readonly value: string; readonly label: string; readonly pre: number; readonly post: number; readonly change: number }> | null
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
  /** Per wave: participants registered, invited by e-mail, answered (web, paper or Kobo), and the rate answered / registered; and how many answered both paired waves. */
  readonly response: {
    readonly waves: Readonly<Record<string, { readonly registered: number; readonly invited: number; readonly answered: number; readonly rate: number | null }>>
    readonly paired: number
  }
  readonly knowledge: (PairedResult & { readonly items: number }) | { readonly suppressed: true; readonly n: number } | null
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
  /** `main`: the randomly selected sites (with mirror ones when pooled); `mirror`: the mirror dialogues. */
  readonly pools: ReadonlyArray<{ readonly pool: "main" | "mirror"; readonly groups: ReadonlyArray<GroupResult> }>
  readonly methods: string
  /** Responses written by `survey simulate`: a report that holds any says so loudly. */
  readonly simulatedResponses: number
  readonly responses: number
}

// CONVENE_TIMING=1 prints how long each step of the report takes, on stderr
const timing = process.env["CONVENE_TIMING"] === "1"
const query: typeof runQuery = (operation, run) =>
  timing
    ? Effect.suspend(() => {
        const started = performance.now()
        return runQuery(operation, run).pipe(Effect.tap(() => Effect.sync(() => process.stderr.write(`  ${operation}: ${(performance.now() - started).toFixed(0)} ms\n`))))
      })
    : runQuery(operation, run)

type Hist = Map<string, number>
const add = (h: Hist, k: string, n: number): void => {
  h.set(k, (h.get(k) ?? 0) + n)
}

interface SiteInfo {
  readonly id: string
  readonly name: string
  readonly country: string
  readonly format: string
}

/** The key and label of a site's (or a participant's) group. */
const groupOf = (by: ReportBy, site: SiteInfo, category: string | null, countryName: (c: string) => string): { key: string; label: string } => {
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

const num = (v: unknown): number => (typeof v === "number" ? v : Number(v))

/** Expands a histogram of numbers (value → count) into an array. */
const expand = (h: Hist): Array<number> => {
  const out: Array<number> = []
  for (const [v, n] of h) for (let i = 0; i < n; i++) out.push(Number(v))
  return out
}

const pairedOf = (diffs: Hist, sums: { pre: number; post: number }): PairedResult => {
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
    rankBiserial: e.rankBiserial
  }
}

const METHODS = (threshold: number, mirror: boolean) =>
  [
    "Paired comparisons use the participants who answered the question in both waves (pre and post), matched by their pseudonymous code.",
    "For numeric and ordinal questions (Likert scales coded 1 to 5 or 1 to 7, 0–10 scales, numbers): the mean paired change (post − pre) with a 95% confidence interval from Student's t distribution; the paired t-test; the Wilcoxon signed-rank test (zero differences dropped; exact p-value when fewer than 50 non-zero differences and no ties, otherwise the normal approximation with the tie-corrected variance and a continuity correction, as R's wilcox.test); Cohen's d_z (mean change / standard deviation of the changes) and the matched-pairs rank-biserial correlation (Kerby, 2014).",
    "For single-choice and knowledge questions: the shares of each option before and after among paired respondents, and McNemar's test where the question is binary (two options; knowledge items as correct / not correct), with continuity correction (and the exact binomial p-value for small discordant counts).",
    "The knowledge index is each participant's share of knowledge items answered correctly among those answered; it is compared pre against post, paired.",
    `Privacy: a group with fewer than ${threshold} respondents in a wave is shown as suppressed, never as numbers, and its free-text answers are not shown; paired results need ${threshold} pairs.`,
    mirror ? "Mirror dialogues are pooled with the randomly selected sites (--include-mirror)." : "Mirror dialogues (sites whose format is mirror) are reported apart and never pooled with the randomly selected sites.",
    "Regions and sub-regions follow the UN geoscheme (M49). p-values are not adjusted for multiple comparisons."
  ].join("\n\n")

/**
 * Builds the report.
 *
 * @example
 * const report = yield* surveyReport(ws, { by: "region" })
 * report.pools[0].groups[0].knowledge // { n: 812, meanPre: 0.48, meanPost: 0.63, meanChange: 0.15, ci95: [...], ... }
 */
export const surveyReport = Effect.fn("SurveyReport.build")(function*(ws: Workspace, options: ReportOptions = {}) {
  const { instrument } = yield* loadInstrument(ws, options.instrument)
  const by: ReportBy = options.by ?? "all"
  const category = by.startsWith("category:") ? by.slice("category:".length) : null
  if (category !== null && !(REPORT_CATEGORIES as ReadonlyArray<string>).includes(category)) {
    return yield* new InputError({ summary: `--by category:${category}: expected one of ${REPORT_CATEGORIES.map((c) => `category:${c}`).join(", ")}.`, problems: [] })
  }
  const locale = options.locale ?? instrument.locales[0]!
  const waves = ws.dialogue.evaluation.waves.map((w) => w.id).filter((w) => questionsFor(instrument, w).length > 0)
  const pairedWaves: readonly [WaveId, WaveId] | null = waves.includes("pre") && waves.includes("post") ? ["pre", "post"] : null
  const catColumn = category === null ? sql<string | null>`null` : sql<string | null>`p.${sql.ref(category)}`

  const sites = yield* query("reading sites", (db) => db.selectFrom("sites").select(["id", "name", "country", "format"]).execute())
  const siteById = new Map<string, SiteInfo>(sites.map((s) => [s.id, s]))
  const total = yield* query("counting responses", (db) =>
    db.selectFrom("survey_responses")
      .select((eb) => [eb.fn.countAll<string>().as("n"), eb.fn.count<string>("participant_id").filterWhere("simulated", "=", true).as("simulated")])
      .where("instrument", "=", instrument.id)
      .executeTakeFirstOrThrow()
  )
  if (Number(total.n) === 0) {
    return yield* new InputError({
      summary: `There are no answers to the instrument ${instrument.id} yet: nothing to report. Collect some (\`convene survey serve\`, \`convene survey import\`), or simulate them for a trial run (\`convene survey simulate\`).`,
      problems: []
    })
  }

  // registered participants, e-mail invitations and answers, per site and category
  const registered = yield* query("counting participants", (db) =>
    sql<{ site_id: string; cat: string | null; n: string }>`select p.site_id, ${catColumn} as cat, count(*) as n from participants p group by 1, 2`.execute(db)
  )
  const invited = yield* query("counting invitations", (db) =>
    sql<{ site_id: string; cat: string | null; wave: string; n: string }>`select p.site_id, ${catColumn} as cat, i.wave, count(*) as n from survey_invitations i join participants p on p.id = i.participant_id where i.instrument = ${instrument.id} group by 1, 2, 3`.execute(db)
  )
  const answered = yield* query("counting answers", (db) =>
    sql<{ site_id: string; cat: string | null; wave: string; n: string }>`select p.site_id, ${catColumn} as cat, r.wave, count(*) as n from survey_responses r join participants p on p.id = r.participant_id where r.instrument = ${instrument.id} group by 1, 2, 3`.execute(db)
  )
  const pairedCounts = pairedWaves === null ? { rows: [] } : yield* query("counting pairs", (db) =>
    sql<{ site_id: string; cat: string | null; n: string }>`select p.site_id, ${catColumn} as cat, count(*) as n from survey_responses a join survey_responses b on b.participant_id = a.participant_id and b.instrument = a.instrument and b.wave = ${pairedWaves[1]} join participants p on p.id = a.participant_id where a.instrument = ${instrument.id} and a.wave = ${pairedWaves[0]} group by 1, 2`.execute(db)
  )
  // the heavy counting, run at once (PostgreSQL works on them in parallel; PGlite takes them in turn)
  const numericIds = pairedWaves === null ? [] : instrument.questions.filter((q) => ["likert5", "likert7", "scale", "number"].includes(q.type) && q.waves.includes("pre") && q.waves.includes("post")).map((q) => q.id)
  const choiceIds = pairedWaves === null ? [] : instrument.questions.filter((q) => (q.type === "single" || q.type === "knowledge") && q.waves.includes("pre") && q.waves.includes("post")).map((q) => q.id)
  const pairedIds = [...numericIds, ...choiceIds]
  const knowledgeItems = instrument.questions.filter((q): q is Extract<Question, { type: "knowledge" }> => q.type === "knowledge" && q.waves.includes("pre") && q.waves.includes("post"))
  const [distributions, pairs, knowledge] = yield* Effect.all([
    // every answer's value, counted per site, category, wave and question (free text included)
    query("counting answers per value", (db) =>
      sql<{ site_id: string; cat: string | null; wave: string; question: string; value: string; n: string }>`select p.site_id, ${catColumn} as cat, r.wave, e.key as question, e.value as value, count(*) as n from survey_responses r join participants p on p.id = r.participant_id cross join lateral jsonb_each_text(r.answers) e where r.instrument = ${instrument.id} group by 1, 2, 3, 4, 5`.execute(db)
    ),
    // each paired answer's (pre, post) values, counted: changes and transitions come from it
    pairedIds.length === 0 ? Effect.succeed({ rows: [] as Array<{ site_id: string; cat: string | null; question: string; pre: string; post: string; n: string }> }) : query("counting paired answers", (db) =>
      // the pairs are joined once (materialized), then each paired question read from both
      sql<{ site_id: string; cat: string | null; question: string; pre: string; post: string; n: string }>`
        with pairs as materialized (
          select p.site_id, ${catColumn} as cat, a.answers as pa, b.answers as pb
          from survey_responses a
          join survey_responses b on b.participant_id = a.participant_id and b.instrument = a.instrument and b.wave = ${pairedWaves![1]}
          join participants p on p.id = a.participant_id
          where a.instrument = ${instrument.id} and a.wave = ${pairedWaves![0]}
        )
        select site_id, cat, k.key as question, pa ->> k.key as pre, pb ->> k.key as post, count(*) as n
        from pairs cross join unnest(array[${sql.join(pairedIds)}]::text[]) as k(key)
        where pa ? k.key and pb ? k.key
        group by 1, 2, 3, 4, 5`.execute(db)
    ),
    pairedWaves === null || knowledgeItems.length === 0 ? Effect.succeed({ rows: [] as Array<{ site_id: string; cat: string | null; diff: string; pre_sum: string; post_sum: string; n: string }> }) : query("scoring knowledge", (db) =>
      sql<{ site_id: string; cat: string | null; diff: string; pre_sum: string; post_sum: string; n: string }>`
        with k(key, correct) as (values ${sql.join(knowledgeItems.map((q) => sql`(${q.id}, ${q.correct})`))}),
        scores as (
          select a.participant_id,
            (count(*) filter (where a.answers ->> k.key = k.correct))::numeric / nullif(count(a.answers -> k.key), 0) as pre,
            (count(*) filter (where b.answers ->> k.key = k.correct))::numeric / nullif(count(b.answers -> k.key), 0) as post
          from survey_responses a
          join survey_responses b on b.participant_id = a.participant_id and b.instrument = a.instrument and b.wave = ${pairedWaves![1]}
          cross join k
          where a.instrument = ${instrument.id} and a.wave = ${pairedWaves![0]}
          group by a.participant_id
        )
        select p.site_id, ${catColumn} as cat, round(s.post - s.pre, 9) as diff, sum(s.pre) as pre_sum, sum(s.post) as post_sum, count(*) as n
        from scores s join participants p on p.id = s.participant_id
        where s.pre is not null and s.post is not null
        group by 1, 2, 3`.execute(db)
    )
  ], { concurrency: "unbounded" })
  const typeOf = new Map(instrument.questions.map((q) => [q.id, q.type]))

  // merge the per-site rows into the report's groups, per pool
  const countryNames = new Intl.DisplayNames([locale], { type: "region", fallback: "code" })
  const countryName = (c: string) => countryNames.of(c) ?? c
  interface Acc {
    key: string
    label: string
    registered: number
    invited: Map<string, number>
    answered: Map<string, number>
    paired: number
    dist: Map<string, Map<string, Hist>> // wave -> question -> value
    diffs: Map<string, { hist: Hist; pre: number; post: number }>
    trans: Map<string, Hist>
    know: { hist: Hist; pre: number; post: number }
  }
  const pools = new Map<"main" | "mirror", Map<string, Acc>>()
  // every row counts in its pool's overall group and, with --by, in its own group too
  const accsFor = (siteId: string, cat: string | null): Array<Acc> => {
    const site = siteById.get(siteId)
    if (site === undefined) return []
    const pool = site.format === "mirror" && options.includeMirror !== true ? "mirror" : "main"
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
        acc = { key, label: g.label, registered: 0, invited: new Map(), answered: new Map(), paired: 0, dist: new Map(), diffs: new Map(), trans: new Map(), know: { hist: new Map(), pre: 0, post: 0 } }
        groups.set(key, acc)
      }
      return acc
    })
  }
  for (const r of registered.rows) {
    for (const a of accsFor(r.site_id, r.cat)) a.registered += Number(r.n)
  }
  for (const r of invited.rows) {
    for (const a of accsFor(r.site_id, r.cat)) add(a.invited, r.wave, Number(r.n))
  }
  for (const r of answered.rows) {
    for (const a of accsFor(r.site_id, r.cat)) add(a.answered, r.wave, Number(r.n))
  }
  for (const r of pairedCounts.rows) {
    for (const a of accsFor(r.site_id, r.cat)) a.paired += Number(r.n)
  }
  for (const r of distributions.rows) {
    // values come as text: a multiple choice is its JSON array of option ids
    const value: unknown = typeOf.get(r.question) === "multiple" && r.value.startsWith("[") ? JSON.parse(r.value) : r.value
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
      if (Array.isArray(value)) for (const v of value) add(h, String(v), Number(r.n))
      else add(h, String(value), Number(r.n))
    }
  }
  for (const r of pairs.rows) {
    const numeric = numericIds.includes(r.question)
    for (const a of accsFor(r.site_id, r.cat)) {
      if (numeric) {
        let d = a.diffs.get(r.question)
        if (d === undefined) {
          d = { hist: new Map(), pre: 0, post: 0 }
          a.diffs.set(r.question, d)
        }
        const n = Number(r.n)
        add(d.hist, String(Number(r.post) - Number(r.pre)), n)
        d.pre += Number(r.pre) * n
        d.post += Number(r.post) * n
      } else {
        let h = a.trans.get(r.question)
        if (h === undefined) {
          h = new Map()
          a.trans.set(r.question, h)
        }
        add(h, `${r.pre}\u0000${r.post}`, Number(r.n))
      }
    }
  }
  for (const r of knowledge.rows) {
    for (const a of accsFor(r.site_id, r.cat)) {
      add(a.know.hist, String(num(r.diff)), Number(r.n))
      a.know.pre += num(r.pre_sum)
      a.know.post += num(r.post_sum)
    }
  }

  const label = (labels: Record<string, string>) => labelIn(labels, locale, instrument)
  const optionLabel = (q: Question, value: string): string => ("options" in q ? label(q.options.find((o) => o.id === value)?.label ?? { [locale]: value }) : value)
  const groupResult = (acc: Acc): GroupResult => {
    const answeredMax = Math.max(0, ...acc.answered.values())
    const suppressed = answeredMax < SUPPRESSION_THRESHOLD
    const response: Record<string, { registered: number; invited: number; answered: number; rate: number | null }> = {}
    for (const w of waves) {
      const n = acc.answered.get(w) ?? 0
      response[w] = { registered: acc.registered, invited: acc.invited.get(w) ?? 0, answered: n, rate: acc.registered === 0 ? null : n / acc.registered }
    }
    const questions: Array<QuestionResult> = instrument.questions.map((q) => {
      const perWave: Record<string, QuestionResult["waves"][string]> = {}
      const freeText: Record<string, Array<{ text: string; count: number }>> = {}
      for (const w of waves) {
        if (!q.waves.includes(w)) continue
        const h = acc.dist.get(w)?.get(q.id) ?? new Map<string, number>()
        const respondents = acc.answered.get(w) ?? 0
        const answers = q.type === "multiple" ? respondents : [...h.values()].reduce((s, n) => s + n, 0)
        const waveSuppressed = respondents < SUPPRESSION_THRESHOLD
        if (q.type === "text") {
          freeText[w] = waveSuppressed ? [] : [...h].map(([text, count]) => ({ text, count })).sort((x, y) => y.count - x.count || (x.text < y.text ? -1 : 1))
          perWave[w] = { n: waveSuppressed ? 0 : [...h.values()].reduce((s, n) => s + n, 0), suppressed: waveSuppressed, shares: [], mean: null, median: null }
          continue
        }
        const numeric = ["likert5", "likert7", "scale", "number"].includes(q.type)
        const scale = scaleOf(q)
        const order = "options" in q
          ? q.options.map((o) => o.id)
          : scale !== undefined
          ? Array.from({ length: scale.max - scale.min + 1 }, (_, i) => String(scale.min + i))
          : [...h.keys()].sort((x, y) => Number(x) - Number(y))
        const values = numeric && !waveSuppressed ? expand(h) : []
        perWave[w] = waveSuppressed
          ? { n: 0, suppressed: true, shares: [], mean: null, median: null }
          : {
              n: answers,
              suppressed: false,
              shares: order.map((v) => ({ value: v, label: optionLabel(q, v), count: h.get(v) ?? 0, share: answers === 0 ? 0 : (h.get(v) ?? 0) / answers })),
              mean: values.length > 0 ? mean(values) : null,
              median: values.length > 0 ? median(values) : null
            }
      }
      let paired: QuestionResult["paired"] = null
      let shift: QuestionResult["shift"] = null
      let test: QuestionResult["mcnemar"] = null
      const asked = pairedWaves !== null && q.waves.includes("pre") && q.waves.includes("post")
      if (pairedWaves !== null && !asked && q.type !== "text" && q.waves.length > 0 && (q.waves.includes("pre") || q.waves.includes("post"))) paired = { unpaired: true }
      if (asked && numericIds.includes(q.id)) {
        const d = acc.diffs.get(q.id)
        const n = d === undefined ? 0 : [...d.hist.values()].reduce((s, x) => s + x, 0)
        paired = n < SUPPRESSION_THRESHOLD ? { suppressed: true, n } : pairedOf(d!.hist, d!)
      }
      if (asked && choiceIds.includes(q.id) && "options" in q) {
        const h = acc.trans.get(q.id) ?? new Map<string, number>()
        const n = [...h.values()].reduce((s, x) => s + x, 0)
        if (n < SUPPRESSION_THRESHOLD) paired = { suppressed: true, n }
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
          }
          paired = null
        }
      }
      return { id: q.id, type: q.type, label: label(q.label), waves: perWave, paired, shift, mcnemar: test, freeText: q.type === "text" ? freeText : null }
    })
    const knowN = [...acc.know.hist.values()].reduce((s, x) => s + x, 0)
    const knowledgeResult = knowledgeItems.length === 0 || pairedWaves === null
      ? null
      : knowN < SUPPRESSION_THRESHOLD ? { suppressed: true as const, n: knowN } : { ...pairedOf(acc.know.hist, acc.know), items: knowledgeItems.length }
    return { key: acc.key, label: acc.label, suppressed, response: { waves: response, paired: acc.paired }, knowledge: knowledgeResult, questions }
  }

  // the overall group first, then the others by name
  const statsStarted = performance.now()
  const order = (groups: Map<string, Acc>) =>
    [...groups.values()].sort((a, b) => (a.key === "all" ? -1 : b.key === "all" ? 1 : a.label.localeCompare(b.label, locale)))
  const builtPools = (["main", "mirror"] as const).filter((p) => pools.has(p)).map((pool) => ({ pool, groups: order(pools.get(pool)!).map(groupResult) }))
  if (timing) process.stderr.write(`  statistics: ${(performance.now() - statsStarted).toFixed(0)} ms\n`)
  const result: SurveyReport = {
    instrument: { id: instrument.id, version: instrument.version, title: label(instrument.title) },
    dialogue: ws.dialogue.title,
    by,
    waves,
    pairedWaves,
    includeMirror: options.includeMirror === true,
    suppressionThreshold: SUPPRESSION_THRESHOLD,
    locale,
    pools: builtPools,
    methods: METHODS(SUPPRESSION_THRESHOLD, options.includeMirror === true),
    simulatedResponses: Number(total.simulated),
    responses: Number(total.n)
  }
  return result
})

/** The instrument's questions, for renderers. */
export type { Instrument }
