/**
 * Statistics for the evaluation surveys: descriptive measures, the paired tests of pre → post
 * change (Student's t, Wilcoxon signed-rank as R computes it, McNemar), effect sizes and answer
 * shares. Pure; the distributions come from jstat.
 *
 * Results are records meant for reports and `--json`: a value that is not defined for the data
 * (a t statistic with no spread, an effect size with no change) is `null`, never `NaN`.
 */
import jStat from "jstat"

const requireFinite = (values: ReadonlyArray<number>, fn: string): void => {
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new RangeError(`${fn}: values[${i}] is ${v}, expected a finite number`)
  })
}

const requireAtLeast = (values: ReadonlyArray<number>, min: number, fn: string): void => {
  requireFinite(values, fn)
  if (values.length < min) throw new RangeError(`${fn}: expected at least ${min} value${min === 1 ? "" : "s"}, got ${values.length}`)
}

// jstat's CDFs can land a rounding error outside [0, 1]; a p-value never does.
const probability = (p: number): number => Math.min(1, Math.max(0, p))

const sum = (values: ReadonlyArray<number>): number => values.reduce((s, v) => s + v, 0)

/**
 * The arithmetic mean.
 *
 * @throws RangeError when `values` is empty or holds a value that is not finite.
 * @example
 * mean([1, 2, 3, 4])  // 2.5
 */
export const mean = (values: ReadonlyArray<number>): number => {
  requireAtLeast(values, 1, "mean")
  return sum(values) / values.length
}

/**
 * The median: the middle value, or the mean of the two middle values.
 *
 * @throws RangeError when `values` is empty or holds a value that is not finite.
 * @example
 * median([5, 1, 3])     // 3
 * median([4, 1, 3, 2])  // 2.5
 */
export const median = (values: ReadonlyArray<number>): number => {
  requireAtLeast(values, 1, "median")
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * The {@link mean} and {@link median} of the values a frequency table counts (value, count),
 * without listing them: the report's distributions hold up to hundreds of thousands of answers
 * over a handful of values, so listing and sorting them cost more than the rest of its figures.
 * Rows with a count of 0 are ignored.
 *
 * @throws RangeError when nothing is counted, or a value is not finite, or a count is not a
 * whole number ≥ 0.
 * @example
 * frequencyMeanMedian([[1, 2], [4, 1], [3, 1]])  // { mean: 2.25, median: 2 } — as of [1, 1, 3, 4]
 */
export const frequencyMeanMedian = (table: ReadonlyArray<readonly [number, number]>): { readonly mean: number; readonly median: number } => {
  let n = 0
  let total = 0
  const rows: Array<readonly [number, number]> = []
  for (const [value, count] of table) {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`frequencyMeanMedian: the count of ${value} is ${count}, expected a whole number ≥ 0`)
    if (count === 0) continue
    if (!Number.isFinite(value)) throw new RangeError(`frequencyMeanMedian: a value is ${value}, expected a finite number`)
    n += count
    total += value * count
    rows.push([value, count])
  }
  if (n === 0) throw new RangeError("frequencyMeanMedian: expected at least 1 value, got 0")
  rows.sort((a, b) => a[0] - b[0])
  // the value at a 0-based position of the sorted list the table stands for
  const at = (position: number): number => {
    let seen = 0
    for (const [value, count] of rows) {
      seen += count
      if (position < seen) return value
    }
    return rows.at(-1)![0]
  }
  const mid = n >> 1
  return { mean: total / n, median: n % 2 === 1 ? at(mid) : (at(mid - 1) + at(mid)) / 2 }
}

/**
 * The sample variance (denominator n − 1), as R's `var`.
 *
 * @throws RangeError with fewer than two values or a value that is not finite.
 * @example
 * variance([2, 4, 4, 4, 5, 5, 7, 9])  // 4.571428… (32 / 7)
 */
export const variance = (values: ReadonlyArray<number>): number => {
  requireAtLeast(values, 2, "variance")
  const m = sum(values) / values.length
  return sum(values.map((v) => (v - m) ** 2)) / (values.length - 1)
}

/**
 * The sample standard deviation (square root of {@link variance}), as R's `sd`.
 *
 * @throws RangeError with fewer than two values or a value that is not finite.
 * @example
 * sd([2, 4, 4, 4, 5, 5, 7, 9])  // 2.138089…
 */
export const sd = (values: ReadonlyArray<number>): number => Math.sqrt(variance(values))

/**
 * Whether differences with this mean and standard deviation are constant for the t-test: no
 * spread at all, or a standard error below 10 machine epsilons of the mean, the rule with which
 * R's `t.test` stops ("data are essentially constant") so that rounding noise is not read as a
 * huge t.
 */
const essentiallyConstant = (m: number, s: number, n: number): boolean => s === 0 || s / Math.sqrt(n) < 10 * Number.EPSILON * Math.abs(m)

/** The paired t-test of {@link pairedT}. */
export interface PairedT {
  /** Number of differences (pairs). */
  readonly n: number
  readonly meanDiff: number
  /** Standard deviation of the differences; null with one pair. */
  readonly sdDiff: number | null
  /** meanDiff / (sdDiff / √n); null with one pair or constant differences. */
  readonly t: number | null
  /** n − 1; null with one pair. */
  readonly df: number | null
  /** Two-sided p-value; 1 when every difference is 0, null when t is. */
  readonly p: number | null
  /** 95% confidence interval of the mean difference; null when t is. */
  readonly ci95: readonly [number, number] | null
}

/**
 * Student's paired t-test on the differences (post − pre, or whichever order the caller chose),
 * two-sided, as R's `t.test(x, y, paired = TRUE)`.
 *
 * Where R stops or answers NaN this answers null: with one pair there is no spread (sdDiff, t,
 * df, p, ci95 are null); when every difference is 0 there is no change at all (t and ci95 null,
 * p = 1); when every difference is the same non-zero value the t-test has nothing to say (t, p
 * and ci95 null; {@link wilcoxonSignedRank} still answers).
 *
 * @throws RangeError when `diffs` is empty or holds a value that is not finite.
 * @example
 * // Student's sleep data, group 1 − group 2
 * pairedT([-1.2, -2.4, -1.3, -1.3, 0, -1, -1.8, -0.8, -4.6, -1.4])
 * // { n: 10, meanDiff: -1.58, sdDiff: 1.23, t: -4.0621, df: 9, p: 0.002833, ci95: [-2.4599, -0.7001] }
 */
export const pairedT = (diffs: ReadonlyArray<number>): PairedT => {
  requireAtLeast(diffs, 1, "pairedT")
  const n = diffs.length
  const meanDiff = mean(diffs)
  if (n < 2) return { n, meanDiff, sdDiff: null, t: null, df: null, p: null, ci95: null }
  const sdDiff = sd(diffs)
  const df = n - 1
  if (essentiallyConstant(meanDiff, sdDiff, n)) return { n, meanDiff, sdDiff, t: null, df, p: meanDiff === 0 ? 1 : null, ci95: null }
  const se = sdDiff / Math.sqrt(n)
  const t = meanDiff / se
  const p = probability(2 * jStat.studentt.cdf(-Math.abs(t), df))
  const half = jStat.studentt.inv(0.975, df) * se
  return { n, meanDiff, sdDiff, t, df, p, ci95: [meanDiff - half, meanDiff + half] }
}

/** A sample summarised: its size, mean and standard deviation. */
export interface SampleSummary {
  readonly n: number
  readonly mean: number
  readonly sd: number
}

/** Welch's comparison of two means: their difference with its standard error, degrees of freedom, t, p and 95% interval. */
export interface WelchDifference {
  /** mean(a) − mean(b). */
  readonly diff: number
  readonly se: number
  /** The Welch–Satterthwaite degrees of freedom. */
  readonly df: number
  readonly t: number
  /** Two-sided p-value. */
  readonly p: number
  readonly ci95: readonly [number, number]
}

/**
 * Welch's two-sample t on summaries (unequal variances), as R's `t.test(a, b)`: the difference
 * of means, its standard error √(s²a/na + s²b/nb), the Welch–Satterthwaite degrees of freedom and
 * the 95% interval from Student's t. Null when either sample has fewer than 2 values or both
 * have no spread. The difference-in-differences of the survey report is this test on the paired
 * changes of the panel (a) and of the control group (b).
 *
 * @example
 * // a = [1, 2, 3, 4, 5], b = [2, 2, 3, 3]: R's t.test(a, b) gives t = 0.4082, df = 5.4118, 95% CI [−1.6029, 2.1029]
 * welchDifference({ n: 5, mean: 3, sd: Math.sqrt(2.5) }, { n: 4, mean: 2.5, sd: Math.sqrt(1 / 3) })
 */
export const welchDifference = (a: SampleSummary, b: SampleSummary): WelchDifference | null => {
  if (a.n < 2 || b.n < 2) return null
  const va = (a.sd * a.sd) / a.n
  const vb = (b.sd * b.sd) / b.n
  const se = Math.sqrt(va + vb)
  if (!(se > 0) || !Number.isFinite(se)) return null
  const df = (va + vb) ** 2 / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1))
  const diff = a.mean - b.mean
  const t = diff / se
  const half = jStat.studentt.inv(0.975, df) * se
  return { diff, se, df, t, p: probability(2 * jStat.studentt.cdf(-Math.abs(t), df)), ci95: [diff - half, diff + half] }
}

/** The Wilcoxon signed-rank test of {@link wilcoxonSignedRank}. */
export interface SignedRank {
  /** All pairs, zero differences included. */
  readonly n: number
  /** Pairs with a non-zero difference: the ones ranked. */
  readonly nNonZero: number
  /** Pairs with a zero difference, dropped before ranking. */
  readonly zeros: number
  /** Whether two non-zero differences have the same absolute value (they share a mid-rank). */
  readonly ties: boolean
  /** Sum of the ranks of the positive differences: R's V. */
  readonly vPlus: number
  /** Sum of the ranks of the negative differences. */
  readonly vMinus: number
  /** The standardized statistic of the normal approximation (continuity-corrected); null when exact. */
  readonly z: number | null
  /** Two-sided p-value; 1 when there is no non-zero difference. */
  readonly p: number
  readonly method: "exact" | "normal"
}

/** Below this many non-zero differences, with no ties and no zeros, the p-value is exact (R's default). */
export const SIGNED_RANK_EXACT_BELOW = 50

/** Mid-ranks of values (1 = smallest; equal values share the mean of their ranks) and the sizes of the groups of equal values. */
const midRanks = (values: ReadonlyArray<number>): { readonly ranks: Array<number>; readonly tieSizes: Array<number> } => {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!)
  const ranks = new Array<number>(values.length)
  const tieSizes: Array<number> = []
  for (let start = 0; start < order.length; ) {
    let end = start + 1
    while (end < order.length && values[order[end]!] === values[order[start]!]) end++
    // positions start+1 … end share their mean rank
    const rank = (start + 1 + end) / 2
    for (let k = start; k < end; k++) ranks[order[k]!] = rank
    tieSizes.push(end - start)
    start = end
  }
  return { ranks, tieSizes }
}

/**
 * The null distribution of V for n untied ranks, as counts: `counts[s]` is the number of subsets
 * of {1, …, n} whose sum is s (of 2^n equally likely sign patterns), built one rank at a time as
 * R's psignrank does. Exact in doubles for n < 50 (every count is below 2^49).
 */
const signedRankCounts = (n: number): Array<number> => {
  const max = (n * (n + 1)) / 2
  const counts = new Array<number>(max + 1).fill(0)
  counts[0] = 1
  for (let k = 1; k <= n; k++) {
    for (let s = (k * (k + 1)) / 2; s >= k; s--) counts[s]! += counts[s - k]!
  }
  return counts
}

/**
 * The Wilcoxon signed-rank test of the differences, two-sided, as R's
 * `wilcox.test(x, y, paired = TRUE)` with its defaults (`exact = NULL`, `correct = TRUE`):
 *
 * - zero differences are dropped before ranking (Wilcoxon's reduced sample);
 * - the absolute values of the rest get mid-ranks; V (`vPlus`) sums the ranks of the positive ones;
 * - with fewer than {@link SIGNED_RANK_EXACT_BELOW} non-zero differences, no ties and no zeros,
 *   p comes from the exact null distribution of V: 2 × the smaller tail, at most 1;
 * - otherwise from the normal approximation: mean n(n+1)/4, variance
 *   n(n+1)(2n+1)/24 − Σ(t³ − t)/48 over groups of t tied ranks, and a continuity correction of
 *   0.5 toward the mean; p = 2 × Φ(−|z|).
 *
 * Ties are equal absolute differences compared exactly (R's default `digits.rank = Inf`): answers
 * on a scale give whole-number differences; differences of decimals inherit floating-point noise
 * in R and here alike. With no non-zero difference (where R answers NaN) p is 1, by the normal
 * method. R's development sources (2025) compute exact p-values with ties too; this follows the
 * long-standing rule above.
 *
 * @throws RangeError when `diffs` is empty or holds a value that is not finite.
 * @example
 * // Hollander & Wolfe (1973), p. 29: x − y of R's ?wilcox.test example
 * wilcoxonSignedRank([0.952, -0.147, 1.022, 0.43, 0.62, 0.59, 0.49, -0.08, 0.01])
 * // { n: 9, nNonZero: 9, zeros: 0, ties: false, vPlus: 40, vMinus: 5, z: null, p: 0.03906, method: "exact" }
 */
export const wilcoxonSignedRank = (diffs: ReadonlyArray<number>): SignedRank => {
  requireAtLeast(diffs, 1, "wilcoxonSignedRank")
  const n = diffs.length
  const nonZero = diffs.filter((d) => d !== 0)
  const m = nonZero.length
  const zeros = n - m
  const { ranks, tieSizes } = midRanks(nonZero.map(Math.abs))
  const ties = tieSizes.some((t) => t > 1)
  const vPlus = sum(ranks.filter((_, i) => nonZero[i]! > 0))
  const vMinus = (m * (m + 1)) / 2 - vPlus
  if (m === 0) return { n, nNonZero: 0, zeros, ties, vPlus: 0, vMinus: 0, z: null, p: 1, method: "normal" }
  if (m < SIGNED_RANK_EXACT_BELOW && !ties && zeros === 0) {
    const counts = signedRankCounts(m)
    // P(V ≥ vPlus) above the centre, P(V ≤ vPlus) otherwise
    const tail = vPlus > (m * (m + 1)) / 4 ? sum(counts.slice(vPlus)) : sum(counts.slice(0, vPlus + 1))
    return { n, nNonZero: m, zeros, ties, vPlus, vMinus, z: null, p: Math.min(1, (2 * tail) / 2 ** m), method: "exact" }
  }
  const centred = vPlus - (m * (m + 1)) / 4
  const sigma = Math.sqrt((m * (m + 1) * (2 * m + 1)) / 24 - sum(tieSizes.map((t) => t ** 3 - t)) / 48)
  const z = (centred - Math.sign(centred) * 0.5) / sigma
  return { n, nNonZero: m, zeros, ties, vPlus, vMinus, z, p: probability(2 * jStat.normal.cdf(-Math.abs(z), 0, 1)), method: "normal" }
}

/** Effect sizes of paired change, from {@link effectSizes}. */
export interface EffectSizes {
  /** Cohen's d_z: mean difference / standard deviation of the differences; null with one pair or constant differences. */
  readonly dz: number | null
  /** Matched-pairs rank-biserial correlation (V+ − V−) / (V+ + V−), from −1 to 1; null when no difference is non-zero. */
  readonly rankBiserial: number | null
}

/**
 * Effect sizes of the differences: Cohen's d_z (Cohen 1988; equal to t / √n) and the
 * matched-pairs rank-biserial correlation, the share of the rank sum that favours an increase
 * minus the share that favours a decrease, over the non-zero differences (Kerby 2014, "The simple
 * difference formula", r = f − u).
 *
 * @throws RangeError when `diffs` is empty or holds a value that is not finite.
 * @example
 * effectSizes([0.952, -0.147, 1.022, 0.43, 0.62, 0.59, 0.49, -0.08, 0.01])
 * // { dz: 1.0118, rankBiserial: 0.7778 }   ((40 − 5) / 45)
 */
export const effectSizes = (diffs: ReadonlyArray<number>): EffectSizes => {
  const t = pairedT(diffs)
  const w = wilcoxonSignedRank(diffs)
  const dz = t.sdDiff === null || essentiallyConstant(t.meanDiff, t.sdDiff, t.n) ? null : t.meanDiff / t.sdDiff
  const rankBiserial = w.nNonZero === 0 ? null : (w.vPlus - w.vMinus) / (w.vPlus + w.vMinus)
  return { dz, rankBiserial }
}

/** McNemar's test of {@link mcnemar}. */
export interface McNemar {
  /** Pairs that were "yes" before and "no" after. */
  readonly b: number
  /** Pairs that were "no" before and "yes" after. */
  readonly c: number
  /** Chi-square with continuity correction, (|b − c| − 1)² / (b + c); 0 when b = c; null when b = c = 0. */
  readonly statistic: number | null
  /** p-value of the statistic (chi-square, 1 df); 1 when b = c. */
  readonly p: number
  /** Two-sided exact binomial p-value: min(1, 2·P(X ≤ min(b, c))), X ~ Bin(b + c, ½). */
  readonly exactP: number
  /** The p-value a report should show: "exact" when b + c < {@link MCNEMAR_EXACT_BELOW}, else "chi-square". */
  readonly method: "exact" | "chi-square"
}

/**
 * Below this many discordant pairs a report should show McNemar's exact p-value: the chi-square
 * approximation is poor for small b + c (the usual rule of thumb, e.g. Agresti 2002, §10.1).
 */
export const MCNEMAR_EXACT_BELOW = 25

/**
 * McNemar's test for a change in a yes/no answer between two waves, from the discordant pairs.
 * Reports both p-values: `p` from the continuity-corrected chi-square, as R's `mcnemar.test`
 * (which, like this, drops the correction when b = c), and `exactP` from the binomial
 * distribution; `method` names the one to show. With no discordant pair (where R answers NaN) no
 * one changed: statistic null, both p-values 1.
 *
 * The binomial tail is jstat's beta CDF through P(X ≤ k) = I_½(n − k, k + 1): jstat's own
 * binomial CDF rounds to 1e-10, which would erase the small p-values of large samples.
 *
 * @throws RangeError when b or c is not a whole number ≥ 0.
 * @example
 * // Agresti (1990), p. 350: presidential approval in two surveys
 * mcnemar(150, 86)  // { b: 150, c: 86, statistic: 16.818, p: 4.115e-5, exactP: 3.716e-5, method: "chi-square" }
 * mcnemar(1, 8)     // { ..., statistic: 4, p: 0.0455, exactP: 0.0390625, method: "exact" }
 */
export const mcnemar = (b: number, c: number): McNemar => {
  for (const [name, v] of [["b", b], ["c", c]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`mcnemar: ${name} is ${v}, expected a whole number of pairs ≥ 0`)
  }
  const n = b + c
  const method = n < MCNEMAR_EXACT_BELOW ? "exact" : "chi-square"
  if (n === 0) return { b, c, statistic: null, p: 1, exactP: 1, method }
  const statistic = b === c ? 0 : (Math.abs(b - c) - 1) ** 2 / n
  const p = probability(1 - jStat.chisquare.cdf(statistic, 1))
  const k = Math.min(b, c)
  const exactP = Math.min(1, 2 * probability(jStat.beta.cdf(0.5, n - k, k + 1)))
  return { b, c, statistic, p, exactP, method }
}

/** One category's part of the answers, from {@link shares}. */
export interface Share<C> {
  readonly category: C
  /** Answers that are, or (multiple choice) include, the category. */
  readonly count: number
  /** count / n; 0 when n is 0. */
  readonly share: number
}

/** How answers distribute over categories, from {@link shares}. */
export interface Shares<C> {
  /** Answers counted: the values that are not undefined. */
  readonly n: number
  /** One entry per category, in the order given. */
  readonly categories: ReadonlyArray<Share<C>>
}

/**
 * The share of answers in each category, in the categories' order. An answer is a category (single
 * choice, a point on a scale) or a list of them (multiple choice: each respondent counts once per
 * category chosen, so shares are of respondents and may sum past 1); `undefined` is no answer
 * and is not counted.
 *
 * @throws RangeError naming the first answer that is not one of the categories.
 * @example
 * shares([1, 2, 2, undefined, 5], [1, 2, 3, 4, 5])
 * // { n: 4, categories: [{ category: 1, count: 1, share: 0.25 }, { category: 2, count: 2, share: 0.5 }, { category: 3, count: 0, share: 0 }, …] }
 * shares([["bus", "bike"], ["bus"]], ["bus", "bike", "car"]).categories.map((s) => s.share)  // [1, 0.5, 0]
 */
export const shares = <C extends string | number>(values: ReadonlyArray<C | ReadonlyArray<C> | undefined>, categories: ReadonlyArray<C>): Shares<C> => {
  const counts = new Map<C, number>(categories.map((c) => [c, 0]))
  let n = 0
  values.forEach((value, i) => {
    if (value === undefined) return
    n++
    for (const category of new Set<C>(Array.isArray(value) ? value : [value as C])) {
      const count = counts.get(category)
      if (count === undefined) throw new RangeError(`shares: values[${i}] has ${JSON.stringify(category)}, expected one of ${categories.map((c) => JSON.stringify(c)).join(", ")}`)
      counts.set(category, count + 1)
    }
  })
  return { n, categories: categories.map((category) => ({ category, count: counts.get(category)!, share: n === 0 ? 0 : counts.get(category)! / n })) }
}
