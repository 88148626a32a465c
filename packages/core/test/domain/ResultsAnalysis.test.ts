// The results analysis against figures computed by hand: shares under each weighting, scale
// means and medians, ranking mean ranks and Borda points, the comparison of a group with the
// global figure, and the cluster bootstrap's interval against the exact bootstrap distribution
// (every one of the n^n equally likely resamples enumerated, without the code under test).
import { describe, expect, it } from "vitest"
import type { VoteQuestion } from "../../src/domain/Ballot.js"
import { incomeGroupOf, INCOME_GROUPS } from "../../src/domain/data/income-groups.js"
import { InputError } from "../../src/domain/Errors.js"
import type { SiteQuestionTotals } from "../../src/domain/Results.js"
import { type AnalysisInput, type AnalysisSite, analyseResults, decodeResultsBy, medianOfShares, percentileInterval, readGroupsCsv, type Weighting } from "../../src/domain/ResultsAnalysis.js"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { exampleDir } from "../support/kit-workspace.js"

const yesNo: VoteQuestion = { id: "q", block: "vote-1", type: "single", collect: "tally", label: { en: "Q?", fr: "Q ?" }, options: [{ id: "yes", label: { en: "Yes", fr: "Oui" } }, { id: "no", label: { en: "No", fr: "Non" } }] }
const scale: VoteQuestion = { id: "s", block: "vote-2", type: "scale", scale: "1-5", collect: "ballot", label: { en: "Scale" } }
const ranking: VoteQuestion = { id: "r", block: "vote-3", type: "ranking", collect: "ballot", label: { en: "Rank" }, options: ["a", "b", "c"].map((id) => ({ id, label: { en: id.toUpperCase() } })) }
const multiple: VoteQuestion = { id: "m", block: "vote-3", type: "multiple", max_choices: 2, collect: "tally", label: { en: "Pick two" }, options: ["x", "y", "z"].map((id) => ({ id, label: { en: id } })) }

// Four sites: two in Senegal, one in Britain, one in France.
const sites: Array<AnalysisSite> = [
  { id: "a", name: "A", country: "SN", format: "in-person" },
  { id: "b", name: "B", country: "SN", format: "online" },
  { id: "c", name: "C", country: "GB", format: "in-person" },
  { id: "d", name: "D", country: "FR", format: "in-person" }
]

const totals: Array<SiteQuestionTotals> = [
  // yes/no: A 6 of 10 (0.6), B 1 of 2 (0.5), C 3 of 12 (0.25), D 8 of 8 (1)
  { site_id: "a", question: "q", voters: 10, votes: { yes: 6, no: 4 } },
  { site_id: "b", question: "q", voters: 2, votes: { yes: 1, no: 1 } },
  { site_id: "c", question: "q", voters: 12, votes: { yes: 3, no: 9 } },
  { site_id: "d", question: "q", voters: 8, votes: { yes: 8 } },
  // scale 1–5: A 1, 3, 3, 5 (mean 3); B 4, 4 (mean 4); C 2, 5 (mean 3.5); D nobody
  { site_id: "a", question: "s", voters: 4, votes: { "1": 1, "3": 2, "5": 1 } },
  { site_id: "b", question: "s", voters: 2, votes: { "4": 2 } },
  { site_id: "c", question: "s", voters: 2, votes: { "2": 1, "5": 1 } },
  // ranking of a, b, c: at A the ballots [a, b, c] and [b, a]; at C the ballot [c, a, b]
  { site_id: "a", question: "r", voters: 2, votes: { a: 2, b: 2, c: 1 }, rank_sums: { a: 3, b: 3, c: 3 } },
  { site_id: "c", question: "r", voters: 1, votes: { a: 1, b: 1, c: 1 }, rank_sums: { a: 2, b: 3, c: 1 } },
  // multiple choice counted at the tables: 10 people present at A, 7 chose x, 5 y
  { site_id: "a", question: "m", voters: 10, votes: { x: 7, y: 5 } }
]

const input = (over: Partial<AnalysisInput> = {}): AnalysisInput => ({
  questions: [yesNo, scale, ranking, multiple],
  sites,
  totals,
  recommendations: [],
  by: "none",
  weight: "ballots",
  seed: 1,
  replicates: 200,
  locale: "en",
  sourceLocale: "en",
  ...over
})

const question = (a: ReturnType<typeof analyseResults>, id: string, group?: string) => (group === undefined ? a.global : a.groups.find((g) => g.key === group)!).questions.find((q) => q.id === id)!

describe("the results analysis, by hand", () => {
  it("weights a share by ballots, by sites and by countries", () => {
    // ballots: (6 + 1 + 3 + 8) / (10 + 2 + 12 + 8) = 18 / 32 = 0.5625
    // sites: (0.6 + 0.5 + 0.25 + 1) / 4 = 0.5875
    // countries: Senegal pooled 7 / 12, Britain 0.25, France 1 → (7/12 + 0.25 + 1) / 3 = 11/18
    const expected: Record<Weighting, number> = { ballots: 18 / 32, sites: 0.5875, countries: 11 / 18 }
    for (const weight of ["ballots", "sites", "countries"] as const) {
      const q = question(analyseResults(input({ weight })), "q")
      expect(q.options[0]!.share.value).toBeCloseTo(expected[weight], 12)
      expect(q.options[1]!.share.value).toBeCloseTo(1 - expected[weight], 12)
      expect(q.options[0]!.count).toBe(18)
      expect(q.n).toEqual({ sites: 4, countries: 3, voters: 32 })
    }
  })

  it("computes a scale's mean and median under each weighting", () => {
    // ballots: the points 1, 2, 3, 3, 4, 4, 5, 5 → mean 27 / 8, median (3 + 4) / 2
    let q = question(analyseResults(input()), "s")
    expect(q.mean!.value).toBeCloseTo(27 / 8, 12)
    expect(q.median).toBe(3.5)
    expect(q.n).toEqual({ sites: 3, countries: 2, voters: 8 })
    // sites (D has no voter): mean (3 + 4 + 3.5) / 3 = 3.5; the mean of the sites' distributions
    // is 1: 1/12, 2: 1/6, 3: 1/6, 4: 1/3, 5: 1/4, cumulative 0.08, 0.25, 0.42, 0.75 → median 4
    q = question(analyseResults(input({ weight: "sites" })), "s")
    expect(q.mean!.value).toBeCloseTo(3.5, 12)
    expect(q.median).toBe(4)
    expect(q.options.find((o) => o.id === "4")!.share.value).toBeCloseTo(1 / 3, 12)
    // countries: Senegal pooled (12 + 8) / 6, Britain 3.5 → (10/3 + 3.5) / 2
    q = question(analyseResults(input({ weight: "countries" })), "s")
    expect(q.mean!.value).toBeCloseTo((10 / 3 + 3.5) / 2, 12)
  })

  it("computes a ranking's mean rank and Borda points", () => {
    // mean rank: a (1 + 2 + 2) / 3, b (2 + 1 + 3) / 3, c (3 + 1) / 2
    // Borda with 3 options (rank r gives 3 − r): a 2 + 1 + 1 = 4, b 1 + 2 + 0 = 3, c 0 + 2 = 2, over 3 voters
    const q = question(analyseResults(input()), "r")
    const [a, b, c] = q.options
    expect(a!.mean_rank!.value).toBeCloseTo(5 / 3, 12)
    expect(b!.mean_rank!.value).toBeCloseTo(2, 12)
    expect(c!.mean_rank!.value).toBeCloseTo(2, 12)
    expect([a!.borda!.points, b!.borda!.points, c!.borda!.points]).toEqual([4, 3, 2])
    expect(a!.borda!.per_voter.value).toBeCloseTo(4 / 3, 12)
    expect(c!.borda!.per_voter.value).toBeCloseTo(2 / 3, 12)
    // shares: the voters who ranked it at all: a 3 of 3, c 2 of 3
    expect(c!.share.value).toBeCloseTo(2 / 3, 12)
    // by sites: A's mean rank of a is 3/2, C's is 2 → 1.75
    expect(question(analyseResults(input({ weight: "sites" })), "r").options[0]!.mean_rank!.value).toBeCloseTo(1.75, 12)
  })

  it("gives a multiple choice the share of voters choosing each option", () => {
    const q = question(analyseResults(input()), "m")
    expect(q.options.map((o) => o.share.value)).toEqual([0.7, 0.5, 0])
    expect(q.n).toEqual({ sites: 1, countries: 1, voters: 10 })
    // one site: no interval
    expect(q.options[0]!.share.low).toBeNull()
  })

  it("compares each group with the global figure", () => {
    const a = analyseResults(input({ by: "country" }))
    expect(a.groups.map((g) => g.key).sort()).toEqual(["FR", "GB", "SN"])
    const sn = question(a, "q", "SN").options[0]!.share
    // Senegal 7/12 against 18/32: a difference of 1/48
    expect(sn.value).toBeCloseTo(7 / 12, 12)
    expect(sn.vs_global!.diff).toBeCloseTo(1 / 48, 12)
    expect(sn.low).not.toBeNull()
    expect(sn.low!).toBeLessThanOrEqual(sn.value!)
    expect(sn.high!).toBeGreaterThanOrEqual(sn.value!)
    expect(sn.vs_global!.low!).toBeLessThanOrEqual(sn.vs_global!.diff!)
    // a group of one site has no interval, neither of its figure nor of its difference
    const gb = question(a, "q", "GB").options[0]!.share
    expect(gb.value).toBe(0.25)
    expect([gb.low, gb.high, gb.vs_global!.low, gb.vs_global!.high]).toEqual([null, null, null, null])
    expect(gb.vs_global!.diff).toBeCloseTo(0.25 - 18 / 32, 12)
    // the global figure does not depend on the grouping
    expect(question(a, "q").options[0]!.share).toEqual(question(analyseResults(input()), "q").options[0]!.share)
  })

  it("a group that is every site differs from the global figure by exactly 0 in every replicate", () => {
    const all = sites.map((s) => ({ ...s, format: "hybrid" }))
    const g = question(analyseResults(input({ by: "format", sites: all })), "q", "hybrid").options[0]!.share
    expect(g.vs_global).toEqual({ diff: 0, low: 0, high: 0 })
  })

  it("groups by UN M49 region, by World Bank income group, and by a file of the user's", () => {
    expect(analyseResults(input({ by: "region" })).groups.map((g) => g.label)).toEqual(["Africa", "Europe"])
    const income = analyseResults(input({ by: "income" }))
    expect(income.groups.map((g) => g.key)).toEqual(["lower-middle", "high"])
    expect(income.income?.fiscalYear).toBe("FY2026")
    const own = analyseResults(input({ by: "group:c.csv", userGroups: new Map([["SN", "low connectivity"]]) }))
    expect(own.groups.map((g) => [g.key, g.sites])).toEqual([["(no group)", 2], ["low connectivity", 2]])
  })

  it("is the same for the same seed, and labels in the locale asked", () => {
    const one = analyseResults(input({ locale: "fr" }))
    expect(analyseResults(input({ locale: "fr" }))).toEqual(one)
    expect(question(one, "q").label).toBe("Q ?")
    expect(question(one, "q").options[0]!.label).toBe("Oui")
    const other = analyseResults(input({ seed: 2 }))
    expect(question(other, "q").options[0]!.share.low).not.toBe(question(one, "q").options[0]!.share.low)
  })

  it("ranks the recommendations, the most voted first, per country and site", () => {
    const recs = [
      { site_id: "a", question: "recs", table: 1, number: 1, text: "Free public Wi-Fi", votes: 3 },
      { site_id: "a", question: "recs", table: 2, number: 1, text: "Digital literacy in schools", votes: 9 },
      { site_id: "c", question: "recs", table: 1, number: 1, text: "Data trusts", votes: 5 },
      { site_id: "gone", question: "recs", table: 1, number: 1, text: "not counted", votes: 99 }
    ]
    const a = analyseResults(input({ recommendations: recs }))
    const r = a.recommendations[0]!
    expect(r.items.map((i) => [i.text, i.votes, i.site_share])).toEqual([["Digital literacy in schools", 9, 0.75], ["Data trusts", 5, 1], ["Free public Wi-Fi", 3, 0.25]])
    expect(r.countries.map((c) => [c.country, c.votes, c.sites.map((s) => s.site_id)])).toEqual([["SN", 12, ["a"]], ["GB", 5, ["c"]]])
  })
})

/**
 * The exact bootstrap distribution of a statistic over n sites: each of the n^n ordered draws
 * with replacement is equally likely. Returns its quantile function (the smallest value whose
 * cumulative probability reaches p).
 */
const exactBootstrap = (n: number, statistic: (counts: ReadonlyArray<number>) => number): ((p: number) => number) => {
  const values: Array<number> = []
  const draw = (depth: number, counts: Array<number>): void => {
    if (depth === n) {
      const v = statistic(counts)
      if (Number.isFinite(v)) values.push(v)
      return
    }
    for (let s = 0; s < n; s++) {
      counts[s]!++
      draw(depth + 1, counts)
      counts[s]!--
    }
  }
  draw(0, Array.from({ length: n }, () => 0))
  values.sort((a, b) => a - b)
  return (p) => values[Math.max(0, Math.ceil(p * values.length) - 1)]!
}

describe("the cluster bootstrap interval against the exact bootstrap distribution", () => {
  // the yes/no question at the four sites: yes and voters per site
  const yes = [6, 1, 3, 8]
  const voters = [10, 2, 12, 8]
  const country = [0, 0, 1, 2]
  const statistics: Record<Weighting, (m: ReadonlyArray<number>) => number> = {
    ballots: (m) => m.reduce((a, k, s) => a + k * yes[s]!, 0) / m.reduce((a, k, s) => a + k * voters[s]!, 0),
    sites: (m) => m.reduce((a, k, s) => a + (k * yes[s]!) / voters[s]!, 0) / m.reduce((a, k) => a + k, 0),
    countries: (m) => {
      const ratios: Array<number> = []
      for (let c = 0; c < 3; c++) {
        let y = 0
        let v = 0
        m.forEach((k, s) => {
          if (country[s] === c) {
            y += k * yes[s]!
            v += k * voters[s]!
          }
        })
        if (v > 0) ratios.push(y / v)
      }
      return ratios.reduce((a, b) => a + b, 0) / ratios.length
    }
  }
  for (const weight of ["ballots", "sites", "countries"] as const) {
    it(`matches the exact 2.5 % and 97.5 % quantiles (${weight})`, () => {
      const exact = exactBootstrap(4, statistics[weight])
      const share = question(analyseResults(input({ weight, replicates: 20000, questions: [yesNo] })), "q").options[0]!.share
      // with 20,000 replicates the Monte Carlo quantile lies between the exact 2 % and 3 % quantiles
      expect(share.low!).toBeGreaterThanOrEqual(exact(0.02) - 1e-12)
      expect(share.low!).toBeLessThanOrEqual(exact(0.03) + 1e-12)
      expect(share.high!).toBeGreaterThanOrEqual(exact(0.97) - 1e-12)
      expect(share.high!).toBeLessThanOrEqual(exact(0.98) + 1e-12)
      expect(share.low!).toBeLessThan(share.high!)
    })
  }
})

describe("helpers", () => {
  it("reads --by", () => {
    expect(decodeResultsBy("subregion")).toBe("subregion")
    expect(decodeResultsBy("group:x.csv")).toBe("group:x.csv")
    expect(decodeResultsBy("planet")).toBeInstanceOf(InputError)
    expect(decodeResultsBy("group:")).toBeInstanceOf(InputError)
  })

  it("reads a grouping file and names every bad line", () => {
    const read = readGroupsCsv("country,group\nSN,low\ngb,high\nXX,high\nFR,\nSN,high\n", "g.csv")
    expect([...read.groups]).toEqual([["SN", "low"], ["GB", "high"]])
    expect(read.problems.map((p) => `${p.file}:${p.line}:${p.field}`)).toEqual(["g.csv:4:country", "g.csv:5:group", "g.csv:6:group"])
    expect(readGroupsCsv("land,group\nSN,low\n", "g.csv").problems[0]!.message).toContain("country,group")
  })

  it("takes a median of shares and a percentile interval", () => {
    expect(medianOfShares([0, 1, 2], [0.5, 0, 0.5])).toBe(1)
    expect(medianOfShares([0, 1, 2], [0.2, 0.5, 0.3])).toBe(1)
    expect(medianOfShares([1, 2], [0, 0])).toBeNull()
    // type 7 on 0..100: the 2.5 % and 97.5 % quantiles are 2.5 and 97.5
    const [low, high] = percentileInterval(Array.from({ length: 101 }, (_, i) => i))!
    expect(low).toBeCloseTo(2.5, 12)
    expect(high).toBeCloseTo(97.5, 12)
    expect(percentileInterval([Number.NaN])).toBeNull()
  })

  it("classifies every country of the example's sites by income, or says it is not classified", () => {
    const countries = new Set(readFileSync(join(exampleDir, "sites.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(",")[3]!))
    const unclassified = [...countries].filter((c) => incomeGroupOf(c) === undefined).sort()
    // Niue is not a World Bank economy; Venezuela has been unclassified since July 2021
    expect(unclassified).toEqual(["NU", "VE"])
    expect(INCOME_GROUPS.size).toBe(216)
    expect(incomeGroupOf("SN")).toBe("lower-middle")
  })
})
