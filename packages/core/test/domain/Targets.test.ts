import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { Codebook } from "../../src/domain/Codebook.js"
import { formatProblem } from "../../src/domain/Errors.js"
import { parseCensus, targetsForSite, targetsFromCensus } from "../../src/domain/Targets.js"

const codebook: Codebook = [
  { id: "gender", values: [{ id: "woman" }, { id: "man" }, { id: "non-binary" }] },
  { id: "residence", values: [{ id: "urban" }, { id: "rural" }] }
]

describe("census shares to targets", () => {
  it("brackets share × N with the two integers around it, per scope and feature", () => {
    const census = "scope,feature,value,share\nSN,gender,woman,0.505\nSN,gender,man,0.49\nSN,gender,non-binary,0.005\nSN,residence,urban,49%\nSN,residence,rural,51%\n"
    const { shares, problems } = parseCensus(census, "census.csv", codebook)
    expect(problems).toEqual([])
    const targets = targetsFromCensus(shares, 40)
    expect(targets.map((t) => [t.value, t.ideal, t.min, t.max])).toEqual([["woman", 20.2, 20, 21], ["man", 19.6, 19, 20], ["non-binary", 0.2, 0, 1], ["urban", 19.6, 19, 20], ["rural", 20.4, 20, 21]])
    // a whole number is exact; a tolerance of 5 points widens both sides
    expect(targetsFromCensus([{ line: 2, scope: "all", feature: "residence", value: "urban", share: 0.3 }, { line: 3, scope: "all", feature: "residence", value: "rural", share: 0.7 }], 40).map((t) => [t.min, t.max])).toEqual([[12, 12], [28, 28]])
    expect(targetsFromCensus(shares, 40, 0.05).slice(0, 1).map((t) => [t.min, t.max])).toEqual([[18, 23]])
  })

  it("reports bad rows at FILE:LINE:COLUMN, values outside the codebook, repeats, and shares that do not add up to 1", () => {
    const census = "scope,feature,value,share\nSN,gender,woman,0.5\nSN,gender,F,0.5\nSN,gender,woman,0.5\nGH,residence,urban,0.9\nSN,residence,rural,1.5\nSN,age,16-24,0.2\n"
    const { problems } = parseCensus(census, "census.csv", codebook)
    expect(problems.map(formatProblem)).toEqual([
      'census.csv:3:3: gender: expected one of woman, man, non-binary (the codebook in convene.yaml), got "F"',
      "census.csv:4: expected each scope, feature and value once; SN gender=woman is already on line 2",
      "census.csv:5: residence: expected the shares of residence in GH to add up to 1, they add up to 0.9 (lines 5)",
      'census.csv:6:4: share: expected a share from 0 to 1 (such as 0.27) or a percentage (27%), got "1.5"',
      'census.csv:7:2: feature: expected a feature of the codebook in convene.yaml (gender, residence), got "age"'
    ])
  })

  it("for any shares and panel size: min ≤ ideal ≤ max, and within a feature Σmin ≤ N ≤ Σmax", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 8 }).filter((w) => w.some((x) => x > 0)), fc.integer({ min: 1, max: 500 }), fc.constantFrom(0, 0.02, 0.1), (weights, size, tolerance) => {
        const total = weights.reduce((a, b) => a + b, 0)
        const shares = weights.map((w, i) => ({ line: i + 2, scope: "all", feature: "f", value: `v${i}`, share: w / total }))
        const targets = targetsFromCensus(shares, size, tolerance)
        for (const t of targets) expect(t.min <= t.ideal + 1e-9 && t.ideal <= t.max + 1e-9 && t.min >= 0 && t.max <= size).toBe(true)
        expect(targets.reduce((n, t) => n + t.min, 0)).toBeLessThanOrEqual(size)
        expect(targets.reduce((n, t) => n + t.max, 0)).toBeGreaterThanOrEqual(size)
      })
    )
  })
})

describe("the targets of one site", () => {
  const rows = [
    { line: 2, scope: "all", feature: "gender", value: "woman", min: 10, max: 11 },
    { line: 3, scope: "all", feature: "residence", value: "urban", min: 12, max: 13 },
    { line: 4, scope: "SN", feature: "residence", value: "urban", min: 9, max: 10 },
    { line: 5, scope: "sn-dakar", feature: "gender", value: "woman", min: 8, max: 9 }
  ]
  const dakar = { id: "sn-dakar", country: "SN", capacity: 60 }
  const thies = { id: "sn-thies", country: "SN", capacity: 40 }

  it("takes each feature from the most specific scope that bounds it", () => {
    const t = targetsForSite(rows, dakar)!
    expect(t).toMatchObject({ scope: "sn-dakar, SN", from: "site", share: 1 })
    expect(t.bounds.map((b) => `${b.scope} ${b.feature} ${b.min}-${b.max}`)).toEqual(["sn-dakar gender 8-9", "SN residence 9-10"])
    const thiesTargets = targetsForSite(rows, thies)!
    expect(thiesTargets).toMatchObject({ scope: "SN, all", from: "country" })
    expect(thiesTargets.bounds.map((b) => `${b.scope} ${b.feature} ${b.min}-${b.max}`)).toEqual(["SN residence 9-10", "all gender 10-11"])
    expect(targetsForSite(rows.filter((r) => r.scope !== "all"), { id: "gh-accra", country: "GH", capacity: 50 })).toBeUndefined()
  })

  it("splits a country's rows over its sites by capacity when asked, leaving the other scopes whole", () => {
    const t = targetsForSite(rows, thies, [dakar, thies])!
    // Thiès takes 40 of 100 seats: 9·0.4 = 3.6 → 3, 10·0.4 = 4
    expect(t.share).toBe(0.4)
    expect(t.bounds.map((b) => `${b.scope} ${b.feature} ${b.min}-${b.max}`)).toEqual(["SN residence 3-4", "all gender 10-11"])
  })
})
