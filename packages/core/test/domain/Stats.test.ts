import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { effectSizes, frequencyMeanMedian, mcnemar, mean, median, pairedT, sd, shares, SIGNED_RANK_EXACT_BELOW, variance, wilcoxonSignedRank } from "../../src/domain/Stats.js"

// Student (1908), "The probable error of a mean", Biometrika 6: extra hours of sleep with two
// soporifics in the same ten patients (R's `sleep` data set).
const sleepGroup1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
const sleepGroup2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
const sleepDiffs = sleepGroup1.map((x, i) => x - sleepGroup2[i]!) // group 1 − group 2, as R's formula interface

// Hollander & Wolfe (1973), Nonparametric Statistical Methods, p. 29: Hamilton depression scale
// factor of 9 patients at the first (x) and second (y) visit after a tranquilizer; the example
// of R's ?wilcox.test.
const hwX = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3]
const hwY = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
const hwDiffs = hwX.map((x, i) => x - hwY[i]!)

// Change on a 1–5 Likert item for 12 participants (post − pre), made up for the tie-corrected
// normal approximation: two zeros, a tie of seven |1|s and a tie of two |2|s.
const likertDiffs = [1, 1, 1, 2, 0, -1, 2, 1, 0, 3, 1, -1]

/** Whether every number in a result is finite (or null): no NaN, no Infinity. */
const finiteOrNull = (record: object): boolean =>
  Object.values(record).every((v) => v === null || typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v)) || (Array.isArray(v) && v.every(Number.isFinite)))

describe("descriptive statistics", () => {
  it("computes the mean, median, sample variance and sd", () => {
    // Wikipedia, "Standard deviation", first example: 2, 4, 4, 4, 5, 5, 7, 9 has mean 5 and
    // population sd 2; the sum of squares is 32, so the sample variance is 32 / 7.
    const xs = [2, 4, 4, 4, 5, 5, 7, 9]
    expect(mean(xs)).toBe(5)
    expect(median(xs)).toBe(4.5)
    expect(median([5, 1, 3])).toBe(3)
    expect(variance(xs)).toBeCloseTo(32 / 7, 12)
    expect(sd(xs)).toBeCloseTo(Math.sqrt(32 / 7), 12)
  })
  it("gives a frequency table's mean and median as those of the values it counts (property)", () => {
    // the report's figures come from counts (value → count), never from a list of every answer
    expect(frequencyMeanMedian([[9, 1], [4, 3], [2, 1], [5, 2], [7, 1], [3, 0]])).toEqual({ mean: 5, median: 4.5 })
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -24, max: 24 }), fc.integer({ min: 0, max: 30 })), { minLength: 1, maxLength: 12 }), (table) => {
        const values = table.flatMap(([v, n]) => Array.from({ length: n }, () => v))
        fc.pre(values.length > 0)
        const got = frequencyMeanMedian(table)
        expect(got.median).toBe(median(values))
        expect(got.mean).toBeCloseTo(mean(values), 10)
      })
    )
    expect(() => frequencyMeanMedian([[3, 0]])).toThrow(/expected at least 1 value, got 0/)
    expect(() => frequencyMeanMedian([[3, 1.5]])).toThrow(/count of 3 is 1.5/)
    expect(() => frequencyMeanMedian([[Number.NaN, 1]])).toThrow(/a value is NaN/)
  })
  it("refuses too few values and non-finite values, naming the index", () => {
    expect(() => mean([])).toThrow(/mean: expected at least 1 value, got 0/)
    expect(() => median([])).toThrow(RangeError)
    expect(() => variance([3])).toThrow(/variance: expected at least 2 values, got 1/)
    expect(() => sd([1, Number.NaN])).toThrow(/values\[1\] is NaN/)
    expect(() => pairedT([1, Infinity])).toThrow(/pairedT: values\[1\] is Infinity/)
  })
})

describe("pairedT", () => {
  it("reproduces R's t.test(extra ~ group, data = sleep, paired = TRUE)", () => {
    // R output, printed in Meys & de Vries, "R For Dummies" (Wiley), "How to compare paired data
    // with R": t = -4.0621, df = 9, p-value = 0.002833, 95 percent confidence interval
    // -2.4598858 -0.7001142, mean of the differences -1.58.
    const r = pairedT(sleepDiffs)
    expect(r.n).toBe(10)
    expect(r.meanDiff).toBeCloseTo(-1.58, 12)
    expect(r.t).toBeCloseTo(-4.0621, 4)
    expect(r.df).toBe(9)
    expect(r.p).toBeCloseTo(0.002833, 6)
    expect(r.ci95![0]).toBeCloseTo(-2.4598858, 6)
    expect(r.ci95![1]).toBeCloseTo(-0.7001142, 6)
  })
  it("matches the closed form of one degree of freedom (n = 2)", () => {
    // By hand: differences 1 and 3 have mean 2, sd √2, standard error 1, so t = 2 with 1 df.
    // Student's t with 1 df is the Cauchy distribution: P(|T| > 2) = 1 − (2/π)·atan(2) and the
    // 97.5% quantile is tan(0.475π) = 12.7062.
    const r = pairedT([1, 3])
    expect(r.t).toBeCloseTo(2, 12)
    expect(r.df).toBe(1)
    expect(r.p).toBeCloseTo(1 - (2 / Math.PI) * Math.atan(2), 10)
    const q = Math.tan(0.475 * Math.PI)
    expect(r.ci95![0]).toBeCloseTo(2 - q, 8)
    expect(r.ci95![1]).toBeCloseTo(2 + q, 8)
  })
  it("answers null, not NaN, where the test is undefined", () => {
    // one pair: no spread
    expect(pairedT([2])).toEqual({ n: 1, meanDiff: 2, sdDiff: null, t: null, df: null, p: null, ci95: null })
    // no one changed: no evidence of change
    expect(pairedT([0, 0, 0, 0])).toEqual({ n: 4, meanDiff: 0, sdDiff: 0, t: null, df: 3, p: 1, ci95: null })
    // everyone moved by the same amount: R stops ("data are essentially constant")
    expect(pairedT([1, 1, 1])).toMatchObject({ meanDiff: 1, t: null, p: null, ci95: null })
    // the same, up to floating-point noise (0.1 + 0.2 is 0.30000000000000004)
    expect(pairedT([0.3, 0.1 + 0.2, 0.3])).toMatchObject({ t: null, p: null, ci95: null })
    expect(() => pairedT([])).toThrow(/pairedT: expected at least 1 value, got 0/)
  })
  it("flips t and the interval, and keeps p, when the differences change sign", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -6, max: 6 }), { minLength: 1, maxLength: 40 }), (ds) => {
        const a = pairedT(ds)
        const b = pairedT(ds.map((d) => -d))
        expect(finiteOrNull(a)).toBe(true)
        expect(b.p).toBe(a.p)
        if (a.t === null) expect(b.t).toBeNull()
        else expect(b.t).toBeCloseTo(-a.t, 12)
        if (a.p !== null) expect(a.p >= 0 && a.p <= 1).toBe(true)
        if (a.ci95 !== null) expect(b.ci95![0]).toBeCloseTo(-a.ci95[1], 10)
      })
    )
  })
})

describe("wilcoxonSignedRank", () => {
  it("reproduces the exact test of Hollander & Wolfe's example", () => {
    // R's ?wilcox.test: wilcox.test(x, y, paired = TRUE, alternative = "greater") gives V = 40,
    // p-value = 0.01953. By hand: the differences x − y (0.952, -0.147, 1.022, 0.43, 0.62, 0.59,
    // 0.49, -0.08, 0.01) have no ties and no zeros; the two negative ones hold ranks 2 (0.08) and
    // 3 (0.147), so V+ = 45 − 5 = 40. Of the 2^9 = 512 sign patterns, 10 give V ≥ 40 (the subsets of 1…9
    // summing to ≤ 5: {}, {1}, {2}, {3}, {4}, {5}, {1,2}, {1,3}, {1,4}, {2,3}), so the one-sided
    // p is 10/512 = 0.01953 and the two-sided 20/512 = 0.0390625 (R: 0.03906).
    const r = wilcoxonSignedRank(hwDiffs)
    expect(r).toMatchObject({ n: 9, nNonZero: 9, zeros: 0, ties: false, vPlus: 40, vMinus: 5, z: null, method: "exact" })
    expect(r.p).toBe(20 / 512)
  })
  it("drops zeros and corrects for ties in the normal approximation: Student's sleep data", () => {
    // Computed by hand from R's algorithm (src/library/stats/R/wilcox.test.R: zeros dropped,
    // mid-ranks, SIGMA = sqrt(n(n+1)(2n+1)/24 − Σ(t³−t)/48), CORRECTION = sign(z)·0.5,
    // p = 2·min(Φ(z), 1 − Φ(z))). Differences group 1 − group 2: -1.2, -2.4, -1.3, -1.3, 0,
    // -1.0, -1.8, -0.8, -4.6, -1.4. Patient 5's 0 is dropped: n = 9. |d| ranks: 0.8→1, 1.0→2,
    // 1.2→3, 1.3 and 1.3→4.5 (one tie of 2), 1.4→6, 1.8→7, 2.4→8, 4.6→9. All negative: V = 0.
    // Mean 9·10/4 = 22.5; variance 9·10·19/24 − (2³−2)/48 = 71.25 − 0.125 = 71.125, σ = 8.433564;
    // z = (0 − 22.5 + 0.5)/8.433564 = −2.608624; p = 2·Φ(−2.608624) = 0.0090907.
    // (A zero makes R use the normal approximation whatever n is.)
    const r = wilcoxonSignedRank(sleepDiffs)
    expect(r).toMatchObject({ n: 10, nNonZero: 9, zeros: 1, ties: true, vPlus: 0, vMinus: 45, method: "normal" })
    expect(r.z).toBeCloseTo(-2.608624, 5)
    expect(r.p).toBeCloseTo(0.0090907, 6)
  })
  it("drops zeros and corrects for ties in the normal approximation: Likert changes", () => {
    // By hand, same formulas: the two zeros are dropped (n = 10); |1| ×7 share ranks 1–7 → 4,
    // |2| ×2 share ranks 8–9 → 8.5, |3| → 10. Positive: five 1s, both 2s, the 3:
    // V = 5·4 + 2·8.5 + 10 = 47 (V− = 2·4 = 8). Mean 10·11/4 = 27.5; variance
    // 10·11·21/24 − ((7³−7) + (2³−2))/48 = 96.25 − 7.125 = 89.125, σ = 9.440604;
    // z = (47 − 27.5 − 0.5)/9.440604 = 2.012583; p = 2·(1 − Φ(2.012583)) = 0.0441585.
    // Without the tie correction it would be z = 19/√96.25 = 1.936659, p = 0.0528: the test
    // can tell the formulas apart.
    const r = wilcoxonSignedRank(likertDiffs)
    expect(r).toMatchObject({ n: 12, nNonZero: 10, zeros: 2, ties: true, vPlus: 47, vMinus: 8, method: "normal" })
    expect(r.z).toBeCloseTo(2.012583, 5)
    expect(r.p).toBeCloseTo(0.0441585, 6)
  })
  it("uses the normal approximation for zeros without ties and ties without zeros", () => {
    // zeros, no ties: 1, 2, 3 after dropping the 0 → V = 6, mean 3, variance 3·4·7/24 = 3.5,
    // z = (6 − 3 − 0.5)/√3.5 = 1.336306, p = 2·(1 − Φ(1.336306)) = 0.181449
    const zeros = wilcoxonSignedRank([0, 1, 2, 3])
    expect(zeros).toMatchObject({ nNonZero: 3, zeros: 1, ties: false, vPlus: 6, method: "normal" })
    expect(zeros.p).toBeCloseTo(0.181449, 6)
    // ties, no zeros: 1, -1, 2 have ranks 1.5, 1.5, 3 → V = 4.5; mean 3; variance
    // 3.5 − (2³−2)/48 = 3.375; z = (1.5 − 0.5)/√3.375 = 0.544331, p = 2·(1 − Φ(0.544331)) = 0.586214
    const ties = wilcoxonSignedRank([1, -1, 2])
    expect(ties).toMatchObject({ nNonZero: 3, zeros: 0, ties: true, vPlus: 4.5, vMinus: 1.5, method: "normal" })
    expect(ties.p).toBeCloseTo(0.586214, 6)
  })
  it("is exact below 50 non-zero differences and normal from 50", () => {
    const distinct = (n: number) => Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -(i + 1) : i + 1))
    expect(SIGNED_RANK_EXACT_BELOW).toBe(50)
    expect(wilcoxonSignedRank(distinct(49)).method).toBe("exact")
    expect(wilcoxonSignedRank(distinct(50)).method).toBe("normal")
    // V = 0 with 10 distinct differences: only the all-negative pattern of 2^10, p = 2/1024
    expect(wilcoxonSignedRank(Array.from({ length: 10 }, (_, i) => -(i + 1))).p).toBe(2 / 1024)
  })
  it("agrees with a brute-force enumeration of sign patterns when exact", () => {
    // Independent of the dynamic programme: enumerate all 2^n sign patterns of ranks 1…n.
    const bruteP = (n: number, v: number): number => {
      let lower = 0
      let upper = 0
      for (let mask = 0; mask < 2 ** n; mask++) {
        let s = 0
        for (let r = 1; r <= n; r++) if (mask & (1 << (r - 1))) s += r
        if (s <= v) lower++
        if (s >= v) upper++
      }
      return Math.min(1, (2 * Math.min(lower, upper)) / 2 ** n)
    }
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 12 }), fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), (magnitudes, signs) => {
        const ds = magnitudes.map((m, i) => (signs[i] ? m : -m))
        const r = wilcoxonSignedRank(ds)
        expect(r.method).toBe("exact")
        expect(r.p).toBeCloseTo(bruteP(ds.length, r.vPlus), 12)
      })
    )
  })
  it("handles all-zero differences, n = 1 and n = 2 without NaN", () => {
    // R answers NaN when every difference is 0; no one changed, so p = 1
    expect(wilcoxonSignedRank([0, 0, 0])).toEqual({ n: 3, nNonZero: 0, zeros: 3, ties: false, vPlus: 0, vMinus: 0, z: null, p: 1, method: "normal" })
    // n = 1: V = 1 of {0, 1}, each with probability ½ → p = min(1, 2·½) = 1
    expect(wilcoxonSignedRank([3])).toMatchObject({ nNonZero: 1, vPlus: 1, p: 1, method: "exact" })
    // n = 2: V = 3 of {0, 1, 2, 3}, P(V ≥ 3) = ¼ → p = ½; V = 2 → P(V ≥ 2) = ½ → p = 1
    expect(wilcoxonSignedRank([1, 2])).toMatchObject({ vPlus: 3, vMinus: 0, p: 0.5 })
    expect(wilcoxonSignedRank([-1, 2])).toMatchObject({ vPlus: 2, vMinus: 1, p: 1 })
    expect(() => wilcoxonSignedRank([])).toThrow(RangeError)
  })
  it("swaps V+ and V− and keeps p when the differences change sign; ranks add up", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -4, max: 4 }), { minLength: 1, maxLength: 80 }), (ds) => {
        const a = wilcoxonSignedRank(ds)
        const b = wilcoxonSignedRank(ds.map((d) => -d))
        expect(finiteOrNull(a)).toBe(true)
        expect(a.vPlus + a.vMinus).toBe((a.nNonZero * (a.nNonZero + 1)) / 2)
        expect([b.vPlus, b.vMinus]).toEqual([a.vMinus, a.vPlus])
        expect(b.p).toBeCloseTo(a.p, 14)
        expect(a.p).toBeGreaterThanOrEqual(0)
        expect(a.p).toBeLessThanOrEqual(1)
      })
    )
  })
})

describe("effectSizes", () => {
  it("computes Cohen's d_z of the sleep data", () => {
    // By hand: the differences sum to −15.8 (mean −1.58); squared deviations sum to 13.616, so
    // sd = √(13.616/9) = 1.229995 and d_z = −1.58/1.229995 = −1.284558. Check against the
    // published t: d_z = t/√n = −4.0621/√10 = −1.28455.
    expect(effectSizes(sleepDiffs).dz).toBeCloseTo(-1.284558, 5)
    expect(effectSizes(sleepDiffs).dz).toBeCloseTo(-4.0621 / Math.sqrt(10), 4)
  })
  it("computes the matched-pairs rank-biserial correlation (Kerby 2014, r = f − u)", () => {
    // Hollander & Wolfe: V+ = 40, V− = 5 of 45 → r = 40/45 − 5/45 = 35/45 = 0.7778.
    expect(effectSizes(hwDiffs).rankBiserial).toBeCloseTo(35 / 45, 12)
    // Likert changes: zeros dropped, V+ = 47, V− = 8 of 55 → r = 39/55 = 0.709091.
    expect(effectSizes(likertDiffs).rankBiserial).toBeCloseTo(39 / 55, 12)
    // Sleep data: every non-zero difference is negative → r = −1.
    expect(effectSizes(sleepDiffs).rankBiserial).toBe(-1)
  })
  it("answers null where an effect size is undefined", () => {
    expect(effectSizes([0, 0, 0])).toEqual({ dz: null, rankBiserial: null })
    expect(effectSizes([2])).toEqual({ dz: null, rankBiserial: 1 })
    expect(effectSizes([1, 1, 1])).toEqual({ dz: null, rankBiserial: 1 })
    expect(effectSizes([1, 3]).dz).toBeCloseTo(2 / Math.SQRT2, 12)
  })
})

describe("mcnemar", () => {
  it("reproduces R's mcnemar.test on Agresti's presidential approval ratings", () => {
    // Agresti (1990), Categorical Data Analysis, p. 350 (R's ?mcnemar.test example): 1600
    // voters, approve/disapprove in two surveys a month apart, [[794, 150], [86, 570]]; the
    // discordant pairs are b = 150 and c = 86. R prints "McNemar's chi-squared = 16.818, df = 1,
    // p-value = 4.115e-05" (shown for a table with the same off-diagonal counts in "McNemar's
    // Test in R", selva86.github.io). By hand: (|150 − 86| − 1)²/236 = 63²/236 = 16.81780;
    // p = P(χ²₁ > 16.8178) = 2·(1 − Φ(√16.8178 = 4.100951)) = 4.1146e-05.
    // Exact: 2·P(X ≤ 86), X ~ Bin(236, ½) = 3.715936e-05 (summed in exact rational arithmetic).
    const r = mcnemar(150, 86)
    expect(r.statistic).toBeCloseTo(3969 / 236, 12)
    expect(r.statistic).toBeCloseTo(16.818, 3)
    expect(r.p / 4.115e-5).toBeCloseTo(1, 3)
    expect(r.exactP / 3.715936e-5).toBeCloseTo(1, 5)
    expect(r.method).toBe("chi-square")
  })
  it("gives the exact binomial p-value for few discordant pairs", () => {
    // Minitab 18 Help, "Why should I use McNemar's test?": 12 participants, 1 correct before
    // and incorrect after, 8 incorrect before and correct after; "a p-value of 0.039".
    // By hand: 2·P(X ≤ 1), X ~ Bin(9, ½) = 2·(1 + 9)/512 = 0.0390625. The corrected chi-square
    // is (7 − 1)²/9 = 4, p = 2·(1 − Φ(2)) = 0.0455003.
    const minitab = mcnemar(1, 8)
    expect(minitab.exactP).toBeCloseTo(0.0390625, 12)
    expect(minitab.statistic).toBe(4)
    expect(minitab.p).toBeCloseTo(0.0455003, 7)
    expect(minitab.method).toBe("exact")
    // Calcugator's chi2_mcnemar tutorial: 20 teenagers, 11 changed from in favour to against, 3
    // the other way; "Two-tails probability: 0.05737304687500008". By hand:
    // 2·(C(14,0) + C(14,1) + C(14,2) + C(14,3))/2^14 = 2·(1 + 14 + 91 + 364)/16384 = 940/16384.
    expect(mcnemar(11, 3).exactP).toBeCloseTo(940 / 16384, 12)
  })
  it("handles no change and equal discordant counts as R does, without NaN", () => {
    // R drops the continuity correction when b = c: statistic 0, p 1
    expect(mcnemar(5, 5)).toEqual({ b: 5, c: 5, statistic: 0, p: 1, exactP: 1, method: "exact" })
    // no discordant pair: R answers NaN; no one changed
    expect(mcnemar(0, 0)).toEqual({ b: 0, c: 0, statistic: null, p: 1, exactP: 1, method: "exact" })
    // one discordant pair: (1 − 1)²/1 = 0, exact 2·½ = 1
    expect(mcnemar(0, 1)).toMatchObject({ statistic: 0, p: 1, exactP: 1 })
    // all one way, 30 pairs: exact 2/2^30
    expect(mcnemar(0, 30).exactP / (2 / 2 ** 30)).toBeCloseTo(1, 8)
  })
  it("recommends the exact p-value below 25 discordant pairs", () => {
    expect(mcnemar(12, 12).method).toBe("exact")
    expect(mcnemar(12, 13).method).toBe("chi-square")
  })
  it("refuses counts that are not whole numbers ≥ 0", () => {
    expect(() => mcnemar(-1, 3)).toThrow(/mcnemar: b is -1, expected a whole number/)
    expect(() => mcnemar(2, 1.5)).toThrow(/mcnemar: c is 1.5/)
  })
})

describe("shares", () => {
  it("gives each category's share of the answers, in the categories' order", () => {
    const r = shares([1, 2, 2, undefined, 5], [1, 2, 3, 4, 5])
    expect(r.n).toBe(4)
    expect(r.categories).toEqual([
      { category: 1, count: 1, share: 0.25 },
      { category: 2, count: 2, share: 0.5 },
      { category: 3, count: 0, share: 0 },
      { category: 4, count: 0, share: 0 },
      { category: 5, count: 1, share: 0.25 }
    ])
  })
  it("counts a multiple-choice respondent once per option", () => {
    const r = shares([["bus", "bike", "bus"], ["bus"], undefined], ["bus", "bike", "car"])
    expect(r.n).toBe(2)
    expect(r.categories.map((s) => [s.category, s.count, s.share])).toEqual([
      ["bus", 2, 1],
      ["bike", 1, 0.5],
      ["car", 0, 0]
    ])
  })
  it("answers zero shares, not NaN, for no answers, and names an unknown category", () => {
    expect(shares([undefined], ["yes", "no"]).categories.map((s) => s.share)).toEqual([0, 0])
    expect(() => shares(["yes", "maybe"], ["yes", "no"])).toThrow(/shares: values\[1\] has "maybe", expected one of "yes", "no"/)
  })
})
