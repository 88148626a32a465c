/**
 * How representative the evaluation's respondents are (issue 18, section 3): per participant
 * feature (the codebook's, among the registry's gender, age band, education and residence), the
 * census share, the share among the registered participants (the panel) and among the
 * respondents of each wave; groups the respondents under-represent flagged; and the
 * post-stratification weights (census share / respondents' share) that make each wave's
 * respondents match the census on that feature. Pure: the counts come from the report's
 * repository, the census from census.csv (`domain/Targets.ts`).
 */
import { type Codebook, featureLabel, featureOf, PARTICIPANT_FEATURE_COLUMNS, valueLabel } from "./Codebook.js"
import type { CensusShare } from "./Targets.js"

/** Under this ratio of a value's share among respondents to its census share, the value is flagged as under-represented. */
export const UNDER_REPRESENTED_RATIO = 0.8
/** Post-stratification weights are capped at this (and floored at its inverse), so that a handful of respondents never speaks for a whole group. */
export const WEIGHT_CAP = 5

/** A count that may be suppressed (fewer than the threshold, or hiding one that is). */
export type Cell = { readonly n: number; readonly share: number } | { readonly suppressed: true }

/** One value of one feature in one group. */
export interface SampleRow {
  readonly feature: string
  readonly value: string
  readonly label: string
  /** The population share in the group's census scope, or null without one. */
  readonly census: number | null
  readonly registered: Cell
  /** Per wave: the respondents with this value. */
  readonly waves: Readonly<Record<string, Cell>>
  /** Per wave: respondents' share / census share (null without a census or when suppressed). */
  readonly ratio: Readonly<Record<string, number | null>>
  /** Per wave: the post-stratification weight census share / respondents' share, capped; null where it cannot be computed. */
  readonly weight: Readonly<Record<string, number | null>>
  /** The waves whose respondents under-represent the value (ratio below {@link UNDER_REPRESENTED_RATIO}). */
  readonly under: ReadonlyArray<string>
}

/** One group's rows, feature by feature. */
export interface SampleGroup {
  readonly key: string
  readonly label: string
  /** The census scope used: a site id, a country code, `all`, or null without a census. */
  readonly scope: string | null
  readonly totals: { readonly registered: number; readonly waves: Readonly<Record<string, number>> }
  readonly rows: ReadonlyArray<SampleRow>
}

/** The representativeness section. */
export interface SampleReport {
  readonly census: string | null
  readonly features: ReadonlyArray<string>
  readonly waves: ReadonlyArray<string>
  readonly threshold: number
  readonly groups: ReadonlyArray<SampleGroup>
}

/** Counts of one group: per feature, per value, registered and per wave answered. */
export interface SampleCounts {
  readonly key: string
  readonly label: string
  /** Census scopes to try, most specific first (e.g. site id, country, `all`). */
  readonly scopes: ReadonlyArray<string>
  /** feature → value → registered participants */
  readonly registered: ReadonlyMap<string, ReadonlyMap<string, number>>
  /** feature → wave → value → respondents */
  readonly answered: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, number>>>
}

/** The participant features the section covers: the codebook's among the registry's four columns, else the four. */
export const sampleFeatures = (codebook: Codebook | undefined): Array<string> => {
  const declared = PARTICIPANT_FEATURE_COLUMNS.filter((c) => featureOf(codebook, c) !== undefined)
  return declared.length > 0 ? declared : [...PARTICIPANT_FEATURE_COLUMNS]
}

/**
 * Suppresses a feature's counts that are small: every count from 1 to `threshold − 1`, and when
 * that leaves exactly one suppressed value, the next smallest too (else the total minus the
 * others would give it away). Returns the values to hide.
 */
export const hiddenValues = (counts: ReadonlyMap<string, number>, threshold: number): Set<string> => {
  const hidden = new Set([...counts].filter(([, n]) => n > 0 && n < threshold).map(([v]) => v))
  if (hidden.size === 1) {
    const next = [...counts].filter(([v, n]) => !hidden.has(v) && n > 0).sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))[0]
    if (next !== undefined) hidden.add(next[0])
  }
  return hidden
}

/**
 * The representativeness of each group: per feature and value, the census share (from the
 * group's most specific census scope), the registered participants' share and each wave's
 * respondents' share, their ratio to the census, the post-stratification weight, and the waves
 * that under-represent the value. Values come in the codebook's order (then any other met).
 *
 * @example
 * const sample = sampleReport({ groups, census, features: ["gender"], waves: ["pre", "post"], codebook, locale: "en", threshold: 5, censusFile: "census.csv" })
 * sample.groups[0].rows[0] // { feature: "gender", value: "woman", census: 0.495, registered: { n: 120, share: 0.5 }, waves: { pre: { n: 98, share: 0.52 } }, … }
 */
export const sampleReport = (input: {
  readonly groups: ReadonlyArray<SampleCounts>
  readonly census: ReadonlyArray<CensusShare>
  readonly censusFile: string | null
  readonly features: ReadonlyArray<string>
  readonly waves: ReadonlyArray<string>
  readonly codebook: Codebook | undefined
  readonly locale: string
  readonly threshold: number
}): SampleReport => {
  const groups = input.groups.map((g): SampleGroup => {
    const scope = input.census.length === 0 ? null : g.scopes.find((s) => input.census.some((c) => c.scope === s)) ?? null
    const rows: Array<SampleRow> = []
    const totals = { registered: 0, waves: {} as Record<string, number> }
    for (const f of input.features) {
      const feature = featureOf(input.codebook, f)
      const registered = g.registered.get(f) ?? new Map<string, number>()
      const answered = g.answered.get(f) ?? new Map<string, Map<string, number>>()
      const censusOf = (v: string): number | null => {
        if (scope === null) return null
        const inScope = input.census.filter((c) => c.scope === scope && c.feature === f)
        return inScope.length === 0 ? null : inScope.find((c) => c.value === v)?.share ?? 0
      }
      // the values: the codebook's, in its order, then any other met (an unrecorded one as "")
      const met = new Set<string>([...registered.keys(), ...[...answered.values()].flatMap((m) => [...m.keys()])])
      const values = [...(feature?.values.map((v) => v.id) ?? []), ...[...met].filter((v) => feature?.values.every((x) => x.id !== v) ?? true).sort()]
      const sum = (m: ReadonlyMap<string, number>) => [...m.values()].reduce((a, b) => a + b, 0)
      const regTotal = sum(registered)
      if (f === input.features[0]) totals.registered = regTotal
      const hideReg = hiddenValues(registered, input.threshold)
      const hideWave = new Map(input.waves.map((w) => [w, hiddenValues(answered.get(w) ?? new Map(), input.threshold)]))
      for (const w of input.waves) if (f === input.features[0]) totals.waves[w] = sum(answered.get(w) ?? new Map())
      for (const v of values) {
        const census = censusOf(v)
        const cell = (n: number, total: number, hidden: boolean): Cell => (hidden ? { suppressed: true } : { n, share: total === 0 ? 0 : n / total })
        const waves: Record<string, Cell> = {}
        const ratio: Record<string, number | null> = {}
        const weight: Record<string, number | null> = {}
        const under: Array<string> = []
        for (const w of input.waves) {
          const counts = answered.get(w) ?? new Map<string, number>()
          const total = sum(counts)
          const c = cell(counts.get(v) ?? 0, total, hideWave.get(w)!.has(v))
          waves[w] = c
          const share = "suppressed" in c || total === 0 ? null : c.share
          ratio[w] = census === null || census === 0 || share === null ? null : share / census
          weight[w] = census === null || share === null || share === 0 ? null : Math.min(WEIGHT_CAP, Math.max(1 / WEIGHT_CAP, census / share))
          if (ratio[w] !== null && ratio[w]! < UNDER_REPRESENTED_RATIO) under.push(w)
          // a value the census counts and nobody answered is the most under-represented of all
          if (share === 0 && census !== null && census > 0 && total > 0 && !("suppressed" in c)) {
            if (!under.includes(w)) under.push(w)
          }
        }
        rows.push({
          feature: f,
          value: v,
          label: feature === undefined ? (v === "" ? "(not recorded)" : v) : `${featureLabel(feature, input.locale)}: ${v === "" ? "(not recorded)" : valueLabel(feature, v, input.locale)}`,
          census,
          registered: cell(registered.get(v) ?? 0, regTotal, hideReg.has(v)),
          waves,
          ratio,
          weight,
          under
        })
      }
    }
    return { key: g.key, label: g.label, scope, totals, rows }
  })
  return { census: input.censusFile, features: input.features, waves: input.waves, threshold: input.threshold, groups }
}

// ─── Post-stratified estimates ──────────────────────────────────────────────────────────────

/** One question's estimate in one wave: as answered, and post-stratified on the feature. */
export interface WeightedEstimate {
  readonly question: string
  readonly label: string
  /** Respondents counted unweighted, and those weighted (a value the census lacks, or unrecorded, cannot be). */
  readonly n: number
  readonly weightedN: number
  /** Numeric and ordinal questions: the mean, unweighted and weighted. */
  readonly mean?: { readonly unweighted: number; readonly weighted: number | null }
  /** Single-choice and knowledge questions: each option's share, unweighted and weighted. */
  readonly shares?: ReadonlyArray<{ readonly value: string; readonly unweighted: number; readonly weighted: number | null }>
}

/** A paired question's mean change, unweighted and post-stratified (each pair weighted by the first wave's weight of its value). */
export interface WeightedChange {
  readonly question: string
  readonly label: string
  readonly n: number
  readonly unweighted: number
  readonly weighted: number | null
}

/** The post-stratified estimates of the overall group (`survey report --weight census:<feature>`). */
export interface WeightedReport {
  readonly feature: string
  /** Per wave: value → weight (census share / respondents' share, capped). */
  readonly weights: Readonly<Record<string, Readonly<Record<string, number>>>>
  readonly waves: Readonly<Record<string, ReadonlyArray<WeightedEstimate>>>
  readonly pairs: ReadonlyArray<{ readonly waves: readonly [string, string]; readonly questions: ReadonlyArray<WeightedChange> }>
}

/** What a weighted estimate is computed from: per wave, question, category value and answer, the respondents. */
export interface WeightedInput {
  readonly feature: string
  readonly weights: Readonly<Record<string, Readonly<Record<string, number>>>>
  readonly questions: ReadonlyArray<{ readonly id: string; readonly label: string; readonly kind: "numeric" | "choice"; readonly options?: ReadonlyArray<string> }>
  /** wave → question → category value → answer → count */
  readonly values: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, number>>>>
  /** Per wave pair: question → category value → change → count */
  readonly pairs: ReadonlyArray<{ readonly waves: readonly [string, string]; readonly changes: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<number, number>>> }>
}

/**
 * Post-stratified estimates on one feature: each respondent weighted by their value's weight in
 * the wave (census share / respondents' share), so that the respondents match the census on that
 * feature. Point estimates only: a weighted estimate's interval needs the design effect of the
 * weights, which convene does not compute (the unweighted intervals are the report's).
 *
 * @example
 * const w = weightedEstimates({ feature: "gender", weights: { pre: { woman: 1.25, man: 0.83 } }, questions, values, pairs })
 * w.waves.pre[0].mean // { unweighted: 5.2, weighted: 5.4 }
 */
export const weightedEstimates = (input: WeightedInput): WeightedReport => {
  const waves: Record<string, Array<WeightedEstimate>> = {}
  for (const [wave, byQuestion] of input.values) {
    const w = input.weights[wave] ?? {}
    const out: Array<WeightedEstimate> = []
    for (const q of input.questions) {
      const byCat = byQuestion.get(q.id)
      if (byCat === undefined) continue
      let n = 0
      let wn = 0
      let sum = 0
      let wsum = 0
      const counts = new Map<string, { n: number; w: number }>()
      for (const [cat, answers] of byCat) {
        const weight = w[cat]
        for (const [answer, count] of answers) {
          n += count
          if (weight !== undefined) wn += weight * count
          if (q.kind === "numeric") {
            const x = Number(answer)
            if (!Number.isFinite(x)) continue
            sum += x * count
            if (weight !== undefined) wsum += weight * x * count
          } else {
            const c = counts.get(answer) ?? { n: 0, w: 0 }
            c.n += count
            if (weight !== undefined) c.w += weight * count
            counts.set(answer, c)
          }
        }
      }
      if (n === 0) continue
      const base = { question: q.id, label: q.label, n, weightedN: Math.round(wn * 1000) / 1000 }
      out.push(q.kind === "numeric"
        ? { ...base, mean: { unweighted: sum / n, weighted: wn > 0 ? wsum / wn : null } }
        : { ...base, shares: (q.options ?? [...counts.keys()]).map((v) => ({ value: v, unweighted: (counts.get(v)?.n ?? 0) / n, weighted: wn > 0 ? (counts.get(v)?.w ?? 0) / wn : null })) })
    }
    waves[wave] = out
  }
  const pairs = input.pairs.map((p) => {
    const w = input.weights[p.waves[0]] ?? {}
    const questions: Array<WeightedChange> = []
    for (const q of input.questions) {
      const byCat = p.changes.get(q.id)
      if (byCat === undefined || q.kind !== "numeric") continue
      let n = 0
      let sum = 0
      let wn = 0
      let wsum = 0
      for (const [cat, changes] of byCat) {
        const weight = w[cat]
        for (const [d, count] of changes) {
          n += count
          sum += d * count
          if (weight !== undefined) {
            wn += weight * count
            wsum += weight * d * count
          }
        }
      }
      if (n > 0) questions.push({ question: q.id, label: q.label, n, unweighted: sum / n, weighted: wn > 0 ? wsum / wn : null })
    }
    return { waves: p.waves, questions }
  })
  return { feature: input.feature, weights: input.weights, waves, pairs }
}
