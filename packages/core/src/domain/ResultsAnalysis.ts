/**
 * The analysis of the citizens' votes behind `convene results report`: per question and group,
 * each option's count and share, scale means and medians, ranking mean ranks and Borda points,
 * 95% intervals from a cluster bootstrap over sites, and each group against the global figure.
 * Pure: the per-site totals come in (counted in SQL by the results repository), nothing is read.
 *
 * Every figure is a ratio of per-site sums — a share is votes over voters, a scale mean is the
 * sum of the points over the votes, a mean rank is the sum of the ranks over the ballots that
 * ranked the option — so one estimator serves them all, under each weighting:
 * - `ballots`: every voter counts the same, Σ numerator / Σ denominator over the sites;
 * - `sites`: every site counts the same, the mean of the sites' ratios;
 * - `countries`: every country counts the same, the mean of the countries' ratios, each
 *   country's ratio pooled over its sites (Σ numerator / Σ denominator).
 * A site whose denominator is 0 (nobody voted on the question there) has no ratio and is left
 * out of that figure.
 */
import { type Ballots, type CountedQuestion, isCounted, optionIds, type VoteQuestion, voteLabel } from "./Ballot.js"
import { parseCsv } from "./Csv.js"
import { INCOME_SOURCE, type IncomeGroup, incomeGroupOf } from "./data/income-groups.js"
import { InputError, type Problem } from "./Errors.js"
import { countryNamer, m49Of } from "./Regions.js"
import type { SiteQuestionTotals } from "./Results.js"
import { streamFor } from "./Simulation.js"
import { isCountryCode } from "./Values.js"

// ─── options ────────────────────────────────────────────────────────────────────────────────

/** How groups are formed besides `group:FILE`. */
export const RESULTS_GROUPINGS = ["none", "country", "region", "subregion", "format", "income"] as const

/** How sites are grouped: not at all, by country, UN M49 region or subregion, format, World Bank income group, or a CSV `country,group`. */
export type ResultsBy = (typeof RESULTS_GROUPINGS)[number] | `group:${string}`

/** How votes are weighted: every voter, every site or every country the same. */
export const RESULTS_WEIGHTINGS = ["ballots", "sites", "countries"] as const
export type Weighting = (typeof RESULTS_WEIGHTINGS)[number]

/** The files `results report --format` writes. */
export const RESULTS_FORMATS = ["html", "csv", "json"] as const
export type ResultsFormat = (typeof RESULTS_FORMATS)[number]

/** The bootstrap's replicates: enough for stable 2.5 % and 97.5 % percentiles (±0.5 points on a share). */
export const BOOTSTRAP_REPLICATES = 1000

/** The seed of the bootstrap when none is given: the same data give the same intervals. */
export const DEFAULT_SEED = 1

/** The level of every interval. */
export const CONFIDENCE = 0.95

/** Fewer sites than this in a group: no interval (one cluster has no variance between clusters). */
export const MIN_SITES_FOR_INTERVAL = 2

/**
 * Reads a grouping as given on the command line (`--by`).
 *
 * @example
 * decodeResultsBy("income") // "income"
 * decodeResultsBy("group:connectivity.csv") // "group:connectivity.csv"
 * decodeResultsBy("planet") // InputError: --by: expected none, country, region, …
 */
export const decodeResultsBy = (text: string): ResultsBy | InputError =>
  (RESULTS_GROUPINGS as ReadonlyArray<string>).includes(text) || (text.startsWith("group:") && text.length > "group:".length)
    ? (text as ResultsBy)
    : new InputError({ summary: `--by: expected none, country, region, subregion, format, income or group:FILE (a CSV with the columns country,group), got "${text}".`, problems: [] })

/**
 * Reads a grouping file, a CSV `country,group` (ISO 3166-1 alpha-2 codes, e.g. high- and
 * low-connectivity countries). Every bad line is a problem naming `FILE:LINE`.
 *
 * @example
 * readGroupsCsv("country,group\nSN,low\nGB,high\n", "connectivity.csv").groups.get("SN") // "low"
 */
export const readGroupsCsv = (text: string, file: string): { readonly groups: Map<string, string>; readonly problems: Array<Problem> } => {
  const parsed = parseCsv(text)
  const problems: Array<Problem> = parsed.problems.map((p) => ({ file, line: p.line, column: p.column, message: p.message }))
  const groups = new Map<string, string>()
  const [header, ...rows] = parsed.records
  if (header === undefined) return { groups, problems: [...problems, { file, line: 1, message: "expected a header country,group, the file is empty" }] }
  const names = header.fields.map((f) => f.trim().toLowerCase())
  const ci = names.indexOf("country")
  const gi = names.indexOf("group")
  if (ci < 0 || gi < 0) return { groups, problems: [...problems, { file, line: header.line, message: `expected the columns country,group, got ${header.fields.join(",")}` }] }
  const lines = new Map<string, number>()
  for (const r of rows) {
    const country = (r.fields[ci] ?? "").trim().toUpperCase()
    const group = (r.fields[gi] ?? "").trim()
    if (!isCountryCode(country)) problems.push({ file, line: r.line, column: ci + 1, field: "country", message: `expected an ISO 3166-1 alpha-2 country code such as SN, got ${JSON.stringify(r.fields[ci] ?? "")}` })
    else if (group === "") problems.push({ file, line: r.line, column: gi + 1, field: "group", message: `expected the group of ${country}` })
    else if (groups.has(country) && groups.get(country) !== group) problems.push({ file, line: r.line, column: gi + 1, field: "group", message: `${country} is already in the group "${groups.get(country)}" (line ${lines.get(country)})` })
    else {
      groups.set(country, group)
      lines.set(country, r.line)
    }
  }
  if (rows.length === 0 && problems.length === 0) problems.push({ file, line: header.line, message: "expected at least one country after the header" })
  return { groups, problems }
}

// ─── what comes in, what goes out ───────────────────────────────────────────────────────────

/** What the analysis needs to know of a site. */
export interface AnalysisSite {
  readonly id: string
  readonly name: string
  readonly country: string
  readonly format: string
}

/** A stored recommendation with its site (what the repository returns). */
export interface SiteRecommendation {
  readonly site_id: string
  readonly question: string
  readonly table: number
  readonly number: number
  readonly text: string
  readonly votes: number
}

/** What {@link analyseResults} computes from. */
export interface AnalysisInput {
  /** The dialogue's vote questions, in order (recommendations questions name the recommendations' sections). */
  readonly questions: ReadonlyArray<VoteQuestion>
  /** The counted sites (validated, not mirror unless asked). */
  readonly sites: ReadonlyArray<AnalysisSite>
  /** Per counted site and question, the votes (counted in SQL). Totals of other sites are ignored. */
  readonly totals: ReadonlyArray<SiteQuestionTotals>
  readonly recommendations: ReadonlyArray<SiteRecommendation>
  readonly by: ResultsBy
  readonly weight: Weighting
  /** For `group:FILE`: country → group. */
  readonly userGroups?: ReadonlyMap<string, string> | undefined
  readonly seed: number
  /** Bootstrap replicates (default {@link BOOTSTRAP_REPLICATES}). */
  readonly replicates?: number | undefined
  /** The locale of question, option and country labels, and the dialogue's source locale to fall back on. */
  readonly locale: string
  readonly sourceLocale: string
}

/** A figure with its 95% interval (null when it cannot be computed). */
export interface Estimate {
  readonly value: number | null
  readonly low: number | null
  readonly high: number | null
}

/** A group's figure minus the global one, with the interval of the difference. */
export interface Comparison {
  readonly diff: number | null
  readonly low: number | null
  readonly high: number | null
}

/** A figure of a group: its estimate, and (for a group, not the global figure) the comparison with the global one. */
export interface Figure extends Estimate {
  readonly vs_global?: Comparison | undefined
}

/** One option (or scale point) of a question in one group. */
export interface OptionResult {
  readonly id: string
  readonly label: string
  /** Votes for it, summed over the group's sites. */
  readonly count: number
  /** The share of voters choosing it (ranking: ranking it at all), weighted. */
  readonly share: Figure
  /** Rankings: the mean rank among the ballots that ranked it (1 = first), weighted. */
  readonly mean_rank?: Figure | undefined
  /**
   * Rankings: Borda points — with n options, rank r gives n − r points, unranked 0 — summed
   * over the group's ballots, and per voter (weighted).
   */
  readonly borda?: { readonly points: number; readonly per_voter: Figure } | undefined
}

/** One question in one group. */
export interface VoteQuestionResult {
  readonly id: string
  readonly type: CountedQuestion["type"]
  readonly collect: CountedQuestion["collect"]
  readonly block: string
  readonly label: string
  /** Sites and countries that counted voters on it, and the voters. */
  readonly n: { readonly sites: number; readonly countries: number; readonly voters: number }
  readonly options: ReadonlyArray<OptionResult>
  /** Scales: the mean point, weighted. */
  readonly mean?: Figure | undefined
  /** Scales: the median point of the weighted distribution (no interval). */
  readonly median?: number | null | undefined
}

/** One group (or the global figure). */
export interface VoteGroupResult {
  readonly key: string
  readonly label: string
  readonly sites: number
  readonly countries: number
  readonly questions: ReadonlyArray<VoteQuestionResult>
}

/** A recommendation with the priority votes its site gave it. */
export interface RankedRecommendation extends SiteRecommendation {
  readonly site_name: string
  readonly country: string
  /** Its votes over all the priority votes of its site on that question. */
  readonly site_share: number | null
}

/** The recommendations of one question: every one, the most voted first, and by country and site. */
export interface RecommendationsResult {
  readonly question: string
  readonly label: string
  readonly items: ReadonlyArray<RankedRecommendation>
  readonly countries: ReadonlyArray<{
    readonly country: string
    readonly label: string
    readonly votes: number
    readonly sites: ReadonlyArray<{ readonly site_id: string; readonly name: string; readonly votes: number; readonly items: ReadonlyArray<RankedRecommendation> }>
  }>
}

/** The whole analysis. */
export interface ResultsAnalysis {
  readonly by: ResultsBy
  readonly weight: Weighting
  readonly seed: number
  readonly replicates: number
  readonly confidence: number
  readonly minSitesForInterval: number
  readonly global: VoteGroupResult
  readonly groups: ReadonlyArray<VoteGroupResult>
  readonly recommendations: ReadonlyArray<RecommendationsResult>
  /** With `--by income`: where the income groups come from. */
  readonly income?: typeof INCOME_SOURCE | undefined
}

// ─── groups ─────────────────────────────────────────────────────────────────────────────────

const INCOME_ORDER: ReadonlyArray<IncomeGroup | "unclassified"> = ["low", "lower-middle", "upper-middle", "high", "unclassified"]
const INCOME_LABELS: Readonly<Record<IncomeGroup | "unclassified", string>> = {
  low: "Low income",
  "lower-middle": "Lower-middle income",
  "upper-middle": "Upper-middle income",
  high: "High income",
  unclassified: "(not classified)"
}

/**
 * The key and label of a site's group under a grouping.
 *
 * @example
 * resultsGroupOf("income", { id: "sn-dakar", name: "Dakar", country: "SN", format: "in-person" }, new Map(), (c) => c)
 * // { key: "lower-middle", label: "Lower-middle income" }
 */
export const resultsGroupOf = (by: ResultsBy, site: AnalysisSite, userGroups: ReadonlyMap<string, string>, countryName: (c: string) => string): { key: string; label: string } => {
  switch (by) {
    case "none":
      return { key: "all", label: "All counted sites" }
    case "country":
      return { key: site.country, label: countryName(site.country) }
    case "region":
    case "subregion": {
      const place = m49Of(site.country)
      if (place === undefined) return { key: "m49:none", label: `(not placed by UN M49)` }
      const r = by === "region" ? place.region : place.subregion
      return { key: `m49:${r.code}`, label: r.name }
    }
    case "format":
      return { key: site.format, label: site.format }
    case "income": {
      const g = incomeGroupOf(site.country) ?? "unclassified"
      return { key: g, label: INCOME_LABELS[g] }
    }
    default: {
      const g = userGroups.get(site.country)
      return g === undefined ? { key: "(no group)", label: "(no group)" } : { key: g, label: g }
    }
  }
}

// ─── the estimator ──────────────────────────────────────────────────────────────────────────

/**
 * The per-site numerators and denominators of one question's figures, figure-major
 * (`num[j * sites + s]` is figure j's numerator at site s), so that a cell's sum in a bootstrap
 * replicate is a dot product over a contiguous run of sites. Figures share denominators (every
 * share's is the voters), so these are kept once: figure j's denominator is row `denOf[j]` of
 * `den` (`dw` rows).
 */
interface QuestionSeries {
  readonly width: number
  readonly num: Float64Array
  readonly dw: number
  readonly den: Float64Array
  readonly denOf: Int32Array
}

/** A question's per-site counts and the columns of its figures. */
interface QuestionData {
  readonly question: CountedQuestion
  readonly options: ReadonlyArray<string>
  /** Where each kind of figure starts among the columns (−1 when the question has none). */
  readonly at: { readonly share: number; readonly mean: number; readonly meanRank: number; readonly borda: number }
  readonly series: QuestionSeries
  /** Per site: voters; per site and option (`s * k + j`): votes and (rankings) Borda points. */
  readonly voters: Float64Array
  readonly votes: Float64Array
  readonly bordaPoints: Float64Array
}

const dataOf = (q: CountedQuestion, siteIndex: ReadonlyMap<string, number>, nSites: number, totals: ReadonlyArray<SiteQuestionTotals>): QuestionData => {
  const options = optionIds(q)
  const k = options.length
  const ranking = q.type === "ranking"
  const scale = q.type === "scale"
  // figures: k shares; a scale's mean; a ranking's k mean ranks and k Borda points per voter
  const at = { share: 0, mean: scale ? k : -1, meanRank: ranking ? k : -1, borda: ranking ? 2 * k : -1 }
  const width = k + (scale ? 1 : 0) + (ranking ? 2 * k : 0)
  // denominators: the voters (column 0); for a ranking also each option's ballots that ranked it (1 + j)
  const dw = ranking ? 1 + k : 1
  const denOf = new Int32Array(width)
  if (ranking) for (let j = 0; j < k; j++) denOf[at.meanRank + j] = 1 + j
  const num = new Float64Array(nSites * width)
  const den = new Float64Array(nSites * dw)
  const voters = new Float64Array(nSites)
  const votes = new Float64Array(nSites * k)
  const bordaPoints = new Float64Array(nSites * k)
  for (const t of totals) {
    const s = siteIndex.get(t.site_id)
    if (s === undefined || t.question !== q.id) continue
    voters[s] = t.voters
    den[s] = t.voters
    let pointSum = 0
    options.forEach((o, j) => {
      const c = t.votes[o] ?? 0
      votes[s * k + j] = c
      num[(at.share + j) * nSites + s] = c
      if (scale) pointSum += Number(o) * c
      if (ranking) {
        const rankSum = t.rank_sums?.[o] ?? 0
        // mean rank: Σ ranks / ballots that ranked it
        num[(at.meanRank + j) * nSites + s] = rankSum
        den[(1 + j) * nSites + s] = c
        // Borda: rank r gives k − r points, so an option's points are k·(ballots that ranked it) − Σ ranks
        const points = k * c - rankSum
        bordaPoints[s * k + j] = points
        num[(at.borda + j) * nSites + s] = points
      }
    })
    // a scale's mean: Σ points / votes (each voter gives one point, so the votes are the voters)
    if (scale) num[at.mean * nSites + s] = pointSum
  }
  return { question: q, options, at, series: { width, num, dw, den, denOf }, voters, votes, bordaPoints }
}

/**
 * Under `sites`, every site counts the same: its own ratio (numerator / denominator) becomes its
 * numerator, and 1 its denominator (0 where it has no denominator), so that the ratio of sums
 * of the new series is the mean of the sites' ratios — and a site the bootstrap draws twice
 * counts twice.
 */
const siteRatios = (s: QuestionSeries, nSites: number): QuestionSeries => {
  const num = new Float64Array(s.num.length)
  const den = new Float64Array(s.den.length)
  for (let site = 0; site < nSites; site++) {
    for (let d = 0; d < s.dw; d++) den[d * nSites + site] = s.den[d * nSites + site]! > 0 ? 1 : 0
    for (let j = 0; j < s.width; j++) {
      const d = s.den[s.denOf[j]! * nSites + site]!
      num[j * nSites + site] = d > 0 ? s.num[j * nSites + site]! / d : 0
    }
  }
  return { ...s, num, den }
}

/**
 * A partition of sites into cells, and of cells into groups. A figure is the mean, over a
 * group's cells with a denominator, of each cell's ratio Σ numerator / Σ denominator: a cell is
 * the whole group under `ballots` and `sites` (after {@link siteRatios}), one country of the
 * group under `countries`. The sites are sorted so that each cell is a contiguous run of sites,
 * `start[c]` to `start[c + 1]`.
 */
interface Cells {
  readonly start: Int32Array
  readonly count: number
  readonly cellsOfGroup: ReadonlyArray<Int32Array>
}

/** Sums per cell of m·numerator and m·denominator, cell-major (`num[c * width + j]`). */
interface CellSums {
  readonly num: Float64Array
  readonly den: Float64Array
}

const emptySums = (cells: number, s: QuestionSeries): CellSums => ({ num: new Float64Array(cells * s.width), den: new Float64Array(cells * s.dw) })

/** The cell sums for a multiplicity per site (row `offset` of `mult`): per cell and figure, a dot product over the cell's sites. */
const accumulate = (s: QuestionSeries, mult: Uint16Array, offset: number, cells: Cells, into: CellSums): CellSums => {
  const { width, dw, num, den } = s
  const n = mult.length === 0 ? 0 : cells.start[cells.count]!
  for (let c = 0; c < cells.count; c++) {
    const from = cells.start[c]!
    const to = cells.start[c + 1]!
    for (let j = 0; j < width; j++) {
      const row = j * n
      let acc = 0
      for (let site = from; site < to; site++) acc += mult[offset + site]! * num[row + site]!
      into.num[c * width + j] = acc
    }
    for (let d = 0; d < dw; d++) {
      const row = d * n
      let acc = 0
      for (let site = from; site < to; site++) acc += mult[offset + site]! * den[row + site]!
      into.den[c * dw + d] = acc
    }
  }
  return into
}

/** Adds cell sums into coarser cells (`map[cell]`): the groups' cells into the global ones. */
const coarsen = (sums: CellSums, s: QuestionSeries, map: Int32Array, into: CellSums): CellSums => {
  into.num.fill(0)
  into.den.fill(0)
  for (let c = 0; c < map.length; c++) {
    const to = map[c]!
    for (let j = 0; j < s.width; j++) into.num[to * s.width + j]! += sums.num[c * s.width + j]!
    for (let d = 0; d < s.dw; d++) into.den[to * s.dw + d]! += sums.den[c * s.dw + d]!
  }
  return into
}

/** Per group and figure, the mean of its cells' ratios over the cells with a denominator; NaN where none has one. */
const finish = (sums: CellSums, s: QuestionSeries, cells: Cells, out: Float64Array): Float64Array => {
  const { width, dw, denOf } = s
  cells.cellsOfGroup.forEach((members, g) => {
    for (let j = 0; j < width; j++) {
      let acc = 0
      let w = 0
      for (const c of members) {
        const d = sums.den[c * dw + denOf[j]!]!
        if (d > 0) {
          acc += sums.num[c * width + j]! / d
          w++
        }
      }
      out[g * width + j] = w > 0 ? acc / w : Number.NaN
    }
  })
  return out
}

/**
 * The cells of a weighting for sites sorted by group and country (`groupOf[site]`,
 * `countryOf[site]`): the whole group, or each (group, country) under `countries`; and the map
 * from them to the global cells (the whole, or each country).
 */
const cellsFor = (weight: Weighting, groupOf: Int32Array, nGroups: number, countryOf: Int32Array, nCountries: number): { readonly cells: Cells; readonly global: Cells; readonly toGlobal: Int32Array } => {
  const n = groupOf.length
  const starts: Array<number> = []
  const toGlobal: Array<number> = []
  const members: Array<Array<number>> = Array.from({ length: nGroups }, () => [])
  for (let s = 0; s < n; s++) {
    const fresh = s === 0 || groupOf[s] !== groupOf[s - 1] || (weight === "countries" && countryOf[s] !== countryOf[s - 1])
    if (!fresh) continue
    members[groupOf[s]!]!.push(starts.length)
    toGlobal.push(weight === "countries" ? countryOf[s]! : 0)
    starts.push(s)
  }
  starts.push(n)
  const nGlobal = weight === "countries" ? nCountries : 1
  return {
    cells: { start: Int32Array.from(starts), count: starts.length - 1, cellsOfGroup: members.map((m) => Int32Array.from(m)) },
    // the global cells are only reached by coarsening: their runs are not used
    global: { start: new Int32Array(nGlobal + 1), count: nGlobal, cellsOfGroup: [Int32Array.from({ length: nGlobal }, (_, i) => i)] },
    toGlobal: Int32Array.from(toGlobal)
  }
}

/**
 * The bootstrap's draws: per replicate, how many times each site is drawn (a multiset of site
 * indices). With `strata`, each stratum is resampled within itself (as many sites as it has).
 */
const drawReplicates = (nSites: number, replicates: number, next: () => number, strata: ReadonlyArray<Int32Array>): Uint16Array => {
  const mult = new Uint16Array(nSites * replicates)
  for (let r = 0; r < replicates; r++) {
    const row = r * nSites
    for (const members of strata) {
      const size = members.length
      for (let i = 0; i < size; i++) mult[row + members[Math.floor(next() * size)]!]!++
    }
  }
  return mult
}

/**
 * The percentile interval of replicate values (NaN left out), at `level`: the (1 − level)/2
 * and (1 + level)/2 quantiles, interpolated linearly between order statistics (R's type 7).
 */
export const percentileInterval = (values: Float64Array | ReadonlyArray<number>, level = CONFIDENCE): readonly [number, number] | null => {
  const finite = Float64Array.from(values).filter((v) => Number.isFinite(v)).sort()
  if (finite.length === 0) return null
  const q = (p: number): number => {
    const h = (finite.length - 1) * p
    const lo = Math.floor(h)
    const hi = Math.min(lo + 1, finite.length - 1)
    return finite[lo]! + (h - lo) * (finite[hi]! - finite[lo]!)
  }
  return [q((1 - level) / 2), q((1 + level) / 2)]
}

/**
 * The median of a distribution over ordered points (shares summing to 1): the first point at
 * which the cumulative share reaches one half; exactly one half there, the midpoint between it
 * and the next point with a share (as the median of an even number of values).
 *
 * @example
 * medianOfShares([0, 1, 2], [0.5, 0, 0.5]) // 1
 * medianOfShares([0, 1, 2], [0.2, 0.5, 0.3]) // 1
 */
export const medianOfShares = (points: ReadonlyArray<number>, shares: ReadonlyArray<number>): number | null => {
  const total = shares.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0)
  if (!(total > 0)) return null
  let cum = 0
  for (let i = 0; i < points.length; i++) {
    cum += (Number.isFinite(shares[i]!) ? shares[i]! : 0) / total
    if (Math.abs(cum - 0.5) < 1e-12) {
      const next = points.findIndex((_, j) => j > i && (shares[j] ?? 0) > 0)
      return next < 0 ? points[i]! : (points[i]! + points[next]!) / 2
    }
    if (cum > 0.5) return points[i]!
  }
  return points.at(-1)!
}

const orNull = (x: number): number | null => (Number.isFinite(x) ? x : null)

// ─── the analysis ───────────────────────────────────────────────────────────────────────────

/**
 * The report's figures: per counted question, globally and per group, each option's count and
 * weighted share (for a multiple choice, the share of voters choosing it), the mean and median
 * of a scale, the mean rank and Borda points of a ranking option, each with a 95% percentile
 * interval from a cluster bootstrap over sites (seeded: the same input gives the same
 * intervals); each group against the global figure, the difference with its interval; and the
 * recommendations, the most voted first.
 *
 * The global interval resamples all counted sites with replacement. A group's interval and its
 * difference with the global figure come from a bootstrap stratified by group: each replicate
 * resamples every group's sites within the group, and the global figure of the replicate is
 * computed from all the resampled groups together, so the difference accounts for the group
 * being part of the global figure.
 *
 * @example
 * const a = analyseResults({ questions, sites, totals, recommendations: [], by: "region", weight: "sites", seed: 1, locale: "en", sourceLocale: "en" })
 * a.global.questions[0].options[0].share // { value: 0.62, low: 0.55, high: 0.68 }
 */
export const analyseResults = (input: AnalysisInput): ResultsAnalysis => {
  const replicates = input.replicates ?? BOOTSTRAP_REPLICATES
  const countryName = countryNamer(input.locale)
  const userGroups = input.userGroups ?? new Map<string, string>()
  const n = input.sites.length

  // groups and countries as indices; the sites sorted by group, then country, so that every
  // cell of the estimator is a contiguous run of sites
  const groupKeys: Array<{ key: string; label: string }> = []
  const groupIndex = new Map<string, number>()
  const countryIndex = new Map<string, number>()
  const placed = input.sites.map((site, i) => {
    const g = input.by === "none" ? { key: "all", label: "All counted sites" } : resultsGroupOf(input.by, site, userGroups, countryName)
    let gi = groupIndex.get(g.key)
    if (gi === undefined) {
      gi = groupKeys.length
      groupIndex.set(g.key, gi)
      groupKeys.push(g)
    }
    let ci = countryIndex.get(site.country)
    if (ci === undefined) countryIndex.set(site.country, (ci = countryIndex.size))
    return { site, i, gi, ci }
  }).sort((a, b) => a.gi - b.gi || a.ci - b.ci || a.i - b.i)
  const sites = placed.map((p) => p.site)
  const groupOf = Int32Array.from(placed.map((p) => p.gi))
  const countryOf = Int32Array.from(placed.map((p) => p.ci))
  const siteIndex = new Map(sites.map((s, i) => [s.id, i]))
  const nGroups = groupKeys.length
  const nCountries = countryIndex.size
  const membersOf: Array<Array<number>> = Array.from({ length: nGroups }, () => [])
  for (let s = 0; s < n; s++) membersOf[groupOf[s]!]!.push(s)
  const strata = membersOf.map((m) => Int32Array.from(m))

  const { cells, global: globalCells, toGlobal } = cellsFor(input.weight, groupOf, nGroups, countryOf, nCountries)
  const once = new Uint16Array(n).fill(1)
  const grouped = input.by !== "none"
  // the draws, made once and shared by every question: the same replicate resamples the same sites
  const globalDraws = n === 0 ? new Uint16Array(0) : drawReplicates(n, replicates, streamFor(input.seed, "results-bootstrap", "global"), [Int32Array.from({ length: n }, (_, i) => i)])
  const groupDraws = !grouped || n === 0 ? null : drawReplicates(n, replicates, streamFor(input.seed, "results-bootstrap", "by-group"), strata)

  const counted = input.questions.filter(isCounted)
  const label = (labels: Record<string, string>) => voteLabel(labels, input.locale, input.sourceLocale)
  const globalQuestions: Array<VoteQuestionResult> = []
  const groupQuestions: Array<Array<VoteQuestionResult>> = Array.from({ length: nGroups }, () => [])

  for (const q of counted) {
    const data = dataOf(q, siteIndex, n, input.totals)
    const s = input.weight === "sites" ? siteRatios(data.series, n) : data.series
    const { width } = s
    const k = data.options.length

    // point estimates: every site once; the global figure from the groups' cells
    const cellSums = emptySums(cells.count, s)
    const globalSums = emptySums(globalCells.count, s)
    const groupPoint = finish(accumulate(s, once, 0, cells, cellSums), s, cells, new Float64Array(nGroups * width))
    const globalPoint = finish(coarsen(cellSums, s, toGlobal, globalSums), s, globalCells, new Float64Array(width))

    // the global bootstrap: all sites resampled together
    const globalReps = new Float64Array(width * replicates)
    const one = new Float64Array(width)
    for (let r = 0; r < replicates && n > 0; r++) {
      accumulate(s, globalDraws, r * n, cells, cellSums)
      finish(coarsen(cellSums, s, toGlobal, globalSums), s, globalCells, one)
      for (let j = 0; j < width; j++) globalReps[j * replicates + r] = one[j]!
    }
    // the stratified bootstrap: each group resampled within itself, the global figure from them all
    const groupReps = groupDraws === null ? null : new Float64Array(nGroups * width * replicates)
    const stratGlobalReps = groupDraws === null ? null : new Float64Array(width * replicates)
    if (groupDraws !== null && groupReps !== null && stratGlobalReps !== null) {
      const perGroup = new Float64Array(nGroups * width)
      for (let r = 0; r < replicates; r++) {
        accumulate(s, groupDraws, r * n, cells, cellSums)
        finish(cellSums, s, cells, perGroup)
        finish(coarsen(cellSums, s, toGlobal, globalSums), s, globalCells, one)
        for (let g = 0; g < nGroups; g++) for (let j = 0; j < width; j++) groupReps[(g * width + j) * replicates + r] = perGroup[g * width + j]!
        for (let j = 0; j < width; j++) stratGlobalReps[j * replicates + r] = one[j]!
      }
    }

    const sitesWithVoters = (members: ReadonlyArray<number>) => members.filter((m) => data.voters[m]! > 0)
    const nOf = (members: ReadonlyArray<number>) => {
      const voted = sitesWithVoters(members)
      return { sites: voted.length, countries: new Set(voted.map((m) => countryOf[m])).size, voters: voted.reduce((a, m) => a + data.voters[m]!, 0) }
    }
    const sumOf = (arr: Float64Array, members: ReadonlyArray<number>, j: number) => members.reduce((a, m) => a + arr[m * k + j]!, 0)

    /** One question's result in a group (g ≥ 0) or globally (g = −1). */
    const resultFor = (g: number, members: ReadonlyArray<number>): VoteQuestionResult => {
      const counts = nOf(members)
      const withInterval = counts.sites >= MIN_SITES_FOR_INTERVAL
      const figure = (j: number): Figure => {
        const value = g < 0 ? globalPoint[j]! : groupPoint[g * width + j]!
        const reps = g < 0 ? globalReps.subarray(j * replicates, (j + 1) * replicates) : groupReps!.subarray((g * width + j) * replicates, (g * width + j + 1) * replicates)
        const ci = withInterval && Number.isFinite(value) ? percentileInterval(reps) : null
        const estimate: Figure = { value: orNull(value), low: ci?.[0] ?? null, high: ci?.[1] ?? null }
        if (g < 0) return estimate
        // the difference with the global figure, replicate by replicate
        const global = globalPoint[j]!
        const diffs = new Float64Array(replicates)
        for (let r = 0; r < replicates; r++) diffs[r] = reps[r]! - stratGlobalReps![j * replicates + r]!
        const dci = withInterval && Number.isFinite(value) && Number.isFinite(global) ? percentileInterval(diffs) : null
        return { ...estimate, vs_global: { diff: orNull(value - global), low: dci?.[0] ?? null, high: dci?.[1] ?? null } }
      }
      const labels = q.type === "scale" ? new Map<string, string>() : new Map(q.options.map((o) => [o.id, label(o.label)]))
      const options: Array<OptionResult> = data.options.map((o, j) => ({
        id: o,
        label: labels.get(o) ?? o,
        count: sumOf(data.votes, members, j),
        share: figure(data.at.share + j),
        ...(q.type === "ranking" ? { mean_rank: figure(data.at.meanRank + j), borda: { points: sumOf(data.bordaPoints, members, j), per_voter: figure(data.at.borda + j) } } : {})
      }))
      const scaleFigures = q.type === "scale"
        ? { mean: figure(data.at.mean), median: medianOfShares(data.options.map(Number), options.map((o) => o.share.value ?? 0)) }
        : {}
      return { id: q.id, type: q.type, collect: q.collect, block: q.block, label: label(q.label), n: counts, options, ...scaleFigures }
    }

    globalQuestions.push(resultFor(-1, Array.from({ length: n }, (_, i) => i)))
    if (grouped) for (let g = 0; g < nGroups; g++) groupQuestions[g]!.push(resultFor(g, membersOf[g]!))
  }

  const groupOrder = (a: { key: string; label: string }, b: { key: string; label: string }): number =>
    input.by === "income" ? INCOME_ORDER.indexOf(a.key as IncomeGroup) - INCOME_ORDER.indexOf(b.key as IncomeGroup) : a.label.localeCompare(b.label, input.locale)
  const groups: Array<VoteGroupResult> = grouped
    ? groupKeys.map((g, gi) => ({ ...g, sites: membersOf[gi]!.length, countries: new Set(membersOf[gi]!.map((m) => countryOf[m])).size, questions: groupQuestions[gi]! })).sort(groupOrder)
    : []

  return {
    by: input.by,
    weight: input.weight,
    seed: input.seed,
    replicates,
    confidence: CONFIDENCE,
    minSitesForInterval: MIN_SITES_FOR_INTERVAL,
    global: { key: "all", label: "All counted sites", sites: n, countries: nCountries, questions: globalQuestions },
    groups,
    recommendations: rankRecommendations(input, countryName),
    ...(input.by === "income" ? { income: INCOME_SOURCE } : {})
  }
}

/**
 * The recommendations of the counted sites, per question: every one with its priority votes and
 * its share of its site's votes, the most voted first; and by country and site, the countries
 * and sites with the most votes first.
 */
const rankRecommendations = (input: AnalysisInput, countryName: (c: string) => string): Array<RecommendationsResult> => {
  const sites = new Map(input.sites.map((s) => [s.id, s]))
  const questionLabels = new Map(input.questions.map((q) => [q.id, voteLabel(q.label, input.locale, input.sourceLocale)]))
  const order = [...input.questions.filter((q) => q.type === "recommendations").map((q) => q.id)]
  for (const r of input.recommendations) if (!order.includes(r.question)) order.push(r.question)
  const siteVotes = new Map<string, number>()
  for (const r of input.recommendations) if (sites.has(r.site_id)) siteVotes.set(`${r.site_id}\u0000${r.question}`, (siteVotes.get(`${r.site_id}\u0000${r.question}`) ?? 0) + r.votes)
  const byVotes = (a: RankedRecommendation, b: RankedRecommendation): number =>
    b.votes - a.votes || (b.site_share ?? 0) - (a.site_share ?? 0) || a.site_id.localeCompare(b.site_id) || a.table - b.table || a.number - b.number
  const out: Array<RecommendationsResult> = []
  for (const question of order) {
    const items: Array<RankedRecommendation> = []
    for (const r of input.recommendations) {
      const site = sites.get(r.site_id)
      if (site === undefined || r.question !== question) continue
      const total = siteVotes.get(`${r.site_id}\u0000${question}`) ?? 0
      items.push({ ...r, site_name: site.name, country: site.country, site_share: total > 0 ? r.votes / total : null })
    }
    if (items.length === 0) continue
    items.sort(byVotes)
    const countries = new Map<string, Map<string, Array<RankedRecommendation>>>()
    for (const item of items) {
      const bySite = countries.get(item.country) ?? new Map<string, Array<RankedRecommendation>>()
      countries.set(item.country, bySite)
      bySite.set(item.site_id, [...(bySite.get(item.site_id) ?? []), item])
    }
    const sum = (xs: ReadonlyArray<RankedRecommendation>) => xs.reduce((a, x) => a + x.votes, 0)
    out.push({
      question,
      label: questionLabels.get(question) ?? question,
      items,
      countries: [...countries]
        .map(([country, bySite]) => ({
          country,
          label: countryName(country),
          votes: [...bySite.values()].reduce((a, xs) => a + sum(xs), 0),
          sites: [...bySite].map(([site_id, xs]) => ({ site_id, name: sites.get(site_id)!.name, votes: sum(xs), items: xs })).sort((a, b) => b.votes - a.votes || a.site_id.localeCompare(b.site_id))
        }))
        .sort((a, b) => b.votes - a.votes || a.country.localeCompare(b.country))
    })
  }
  return out
}

/** The counted questions of some ballots (every type but recommendations). */
export const countedQuestions = (ballots: Ballots): Array<CountedQuestion> => ballots.questions.filter(isCounted)
