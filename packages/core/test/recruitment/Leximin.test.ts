// The fair draw on small pools, checked against what can be computed independently: a closed
// form, and the maximin optimum of an LP over every feasible panel found by enumeration.
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { describe, expect, it } from "vitest"
import { checkPanel, type SelectionProblem } from "../../src/domain/Quotas.js"
import { highs, legacyProbabilities, samplePanel, seededRandom, select, selectionDistribution } from "../../src/recruitment/index.js"

const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect)
const failure = async <A, E>(effect: Effect.Effect<A, E>): Promise<E> => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  const e = exit.cause.reasons.find((r) => r._tag === "Fail")
  if (e === undefined || e._tag !== "Fail") throw new Error(`expected a failure, got ${String(exit.cause)}`)
  return e.error
}

const subsets = <T>(items: ReadonlyArray<T>, k: number): Array<Array<T>> =>
  k === 0 ? [[]] : items.length < k ? [] : [...subsets(items.slice(1), k - 1).map((s) => [items[0]!, ...s]), ...subsets(items.slice(1), k)]

/** A small pool with two features, values drawn with a seed, and quotas around proportional shares. */
const smallProblem = (seed: string, n: number, size: number): SelectionProblem => {
  const random = seededRandom(seed)
  const features = [
    { name: "gender", values: ["man", "woman"] },
    { name: "age", values: ["18-34", "35-59", "60+"] }
  ]
  const candidates = Array.from({ length: n }, (_, i) => ({
    id: `c${String(i).padStart(2, "0")}`,
    features: { gender: random() < 0.3 ? "woman" : "man", age: ((u) => (u < 0.5 ? "18-34" : u < 0.8 ? "35-59" : "60+"))(random()) }
  }))
  // a balanced panel (half women, though the pool has fewer) and every age present: binding quotas
  const half = Math.ceil(size / 2)
  const quotas = [
    { feature: "gender", value: "woman", min: half, max: half },
    { feature: "gender", value: "man", min: size - half, max: size - half },
    ...["18-34", "35-59", "60+"].map((value) => ({ feature: "age", value, min: 1, max: half }))
  ]
  return { candidates, features, quotas, size }
}

/** Every panel meeting the quotas, by enumeration. */
const feasiblePanels = (problem: SelectionProblem): Array<Array<string>> =>
  subsets(problem.candidates.map((c) => c.id), problem.size).filter((panel) => checkPanel(problem, panel).length === 0)

/**
 * The maximin optimum written independently: one variable per enumerated panel, over people (not
 * profiles), maximize z with Σ_{P ∋ i} x_P ≥ z for everyone in some panel, Σ x_P = 1.
 */
const maximinByEnumeration = async (problem: SelectionProblem): Promise<number> => {
  const panels = feasiblePanels(problem)
  const people = [...new Set(panels.flat())].sort()
  const lines = [
    "Maximize",
    " obj: z",
    "Subject To",
    ` one: ${panels.map((_, k) => `x${k}`).join(" + ")} = 1`,
    ...people.map((id) => ` p_${id}: ${panels.flatMap((p, k) => (p.includes(id) ? [`x${k}`] : [])).join(" + ")} - z >= 0`),
    "End"
  ]
  const h = await highs()
  const solution = h.solve(lines.join("\n"), { output_flag: false })
  expect(solution.Status).toBe("Optimal")
  return solution.ObjectiveValue
}

/**
 * The leximin probabilities written independently, by the textbook method over every enumerated
 * panel and over people: maximize the smallest unfixed probability z*, then fix exactly those
 * people whose probability cannot exceed z* while everyone else keeps theirs (one LP each).
 * Returns every coverable person's probability, sorted.
 */
const leximinByEnumeration = async (problem: SelectionProblem): Promise<Array<number>> => {
  const h = await highs()
  const panels = feasiblePanels(problem)
  const people = [...new Set(panels.flat())].sort()
  const fixed = new Map<string, number>()
  const share = (id: string) => panels.flatMap((p, k) => (p.includes(id) ? [`x${k}`] : [])).join(" + ")
  const lp = (objective: string, floor: number) => {
    const lines = [
      "Maximize",
      ` obj: ${objective}`,
      "Subject To",
      ` one: ${panels.map((_, k) => `x${k}`).join(" + ")} = 1`,
      ...people.map((id, i) => (fixed.has(id) ? ` p${i}: ${share(id)} >= ${fixed.get(id)! - 1e-9}` : objective === "z" ? ` p${i}: ${share(id)} - z >= 0` : ` p${i}: ${share(id)} >= ${floor - 1e-9}`)),
      "End"
    ]
    const solution = h.solve(lines.join("\n"), { output_flag: false })
    expect(solution.Status).toBe("Optimal")
    return solution.ObjectiveValue
  }
  while (fixed.size < people.length) {
    const z = lp("z", 0)
    const open = people.filter((id) => !fixed.has(id))
    const stuck = open.filter((id) => lp(share(id), z) <= z + 1e-7)
    expect(stuck.length).toBeGreaterThan(0)
    for (const id of stuck) fixed.set(id, z)
  }
  return [...fixed.values()].sort((a, b) => a - b)
}

const probabilityOf = (probabilities: ReadonlyArray<{ id: string; probability: number }>): Map<string, number> => new Map(probabilities.map((p) => [p.id, p.probability]))

describe("leximin", () => {
  it("gives candidates with the same features the same probability, on a pool where most profiles are alone", async () => {
    // three yes/no features: seven single-person profiles and one profile of five people
    const random = seededRandom("profiles")
    const features = ["a", "b", "c"].map((name) => ({ name, values: ["yes", "no"] }))
    const lonely = Array.from({ length: 7 }, (_, i) => ({ id: `s${i}`, features: { a: i & 1 ? "yes" : "no", b: i & 2 ? "yes" : "no", c: i & 4 ? "yes" : "no" } }))
    const crowd = Array.from({ length: 5 }, (_, i) => ({ id: `t${i}`, features: { a: "yes", b: "yes", c: "yes" } }))
    const problem: SelectionProblem = {
      candidates: [...lonely, ...crowd].sort(() => random() - 0.5),
      features,
      quotas: features.flatMap((f) => [{ feature: f.name, value: "yes", min: 2, max: 3 }, { feature: f.name, value: "no", min: 1, max: 2 }]),
      size: 4
    }
    const draw = await run(select(problem, { seed: 3 }))
    const crowdProbabilities = draw.probabilities.filter((p) => p.id.startsWith("t")).map((p) => p.probability)
    for (const p of crowdProbabilities) expect(p).toBeCloseTo(crowdProbabilities[0]!, 9)
    expect(draw.probabilities.reduce((s, p) => s + p.probability, 0)).toBeCloseTo(4, 6)
    // within the reference code's tolerance of the maximin optimum of every enumerated panel
    const smallest = Math.min(...draw.probabilities.map((p) => p.probability))
    expect(smallest).toBeGreaterThan((await maximinByEnumeration(problem)) - 0.0005 - 1e-9)
  })

  it("gives the closed-form probabilities when the quotas force them: 2 of 3 women, 2 of 6 men", async () => {
    const problem: SelectionProblem = {
      candidates: [...["w1", "w2", "w3"].map((id) => ({ id, features: { gender: "woman" } })), ...["m1", "m2", "m3", "m4", "m5", "m6"].map((id) => ({ id, features: { gender: "man" } }))],
      features: [{ name: "gender", values: ["man", "woman"] }],
      quotas: [{ feature: "gender", value: "woman", min: 2, max: 2 }, { feature: "gender", value: "man", min: 2, max: 2 }],
      size: 4
    }
    const draw = await run(select(problem, { seed: 1 }))
    for (const { id, probability } of draw.probabilities) expect(probability).toBeCloseTo(id.startsWith("w") ? 2 / 3 : 1 / 3, 6)
  })

  it.each([["pool-a", 9, 4], ["pool-b", 10, 5], ["pool-d", 11, 6], ["pool-e", 12, 6]] as const)(
    "on %s (%i candidates, panel of %i) reaches the maximin optimum of every enumerated panel, and its probabilities sum to the panel size",
    async (seed, n, size) => {
      const problem = smallProblem(seed, n, size)
      const optimum = await maximinByEnumeration(problem)
      const distribution = await run(selectionDistribution(problem))
      const draw = await run(select(problem, { seed }))
      const probabilities = draw.probabilities.map((p) => p.probability)
      const coverable = new Set(feasiblePanels(problem).flat())
      const smallest = Math.min(...draw.probabilities.filter((p) => coverable.has(p.id)).map((p) => p.probability))
      expect(smallest).toBeGreaterThan(optimum - 1e-3)
      expect(smallest).toBeLessThan(optimum + 1e-6)
      expect(probabilities.reduce((s, p) => s + p, 0)).toBeCloseTo(size, 6)
      // every panel of the distribution meets the quotas, and the probabilities of panels sum to 1
      expect(distribution.panels.reduce((s, p) => s + p.probability, 0)).toBeCloseTo(1, 9)
      for (const shape of distribution.panels) expect(shape.counts.reduce((s, c) => s + c, 0)).toBe(size)
    }
  )

  it.each([["pool-a", 9, 4], ["pool-b", 10, 5], ["pool-d", 11, 6], ["pool-e", 12, 6]] as const)(
    "on %s (%i candidates, panel of %i) gives every coverable person the leximin probability of every enumerated panel",
    async (seed, n, size) => {
      const problem = smallProblem(seed, n, size)
      const exact = await leximinByEnumeration(problem)
      const coverable = new Set(feasiblePanels(problem).flat())
      const draw = await run(select(problem, { seed }))
      const computed = draw.probabilities.filter((p) => coverable.has(p.id)).map((p) => p.probability).sort((a, b) => a - b)
      expect(computed.length).toBe(exact.length)
      computed.forEach((p, i) => expect(Math.abs(p - exact[i]!)).toBeLessThan(2e-3))
    }
  )

  it("samples panels that meet every quota, the same panel for the same seed, and with the computed frequencies", async () => {
    const problem = smallProblem("pool-d", 11, 6)
    const distribution = await run(selectionDistribution(problem))
    const random = seededRandom("frequencies")
    const counts = new Map<string, number>()
    const runs = 4000
    for (let r = 0; r < runs; r++) {
      const panel = samplePanel(distribution, random)
      expect(checkPanel(problem, panel)).toEqual([])
      for (const id of panel) counts.set(id, (counts.get(id) ?? 0) + 1)
    }
    const draw = await run(select(problem, { seed: "x" }))
    for (const { id, probability } of draw.probabilities) expect(Math.abs((counts.get(id) ?? 0) / runs - probability)).toBeLessThan(0.035)
    expect((await run(select(problem, { seed: "x" }))).panel).toEqual(draw.panel)
    const others = await Promise.all(["y", "z", "w"].map((seed) => run(select(problem, { seed }))))
    expect(others.some((o) => o.panel.join() !== draw.panel.join())).toBe(true)
    // same input, same distribution, to the last bit
    expect(await run(selectionDistribution(problem))).toEqual(distribution)
  })

  it("is at least as fair as maximin (and fairer beyond the minimum) and lexicographically fairer than the legacy greedy draw", async () => {
    const sorted = (ps: ReadonlyArray<{ probability: number }>) => ps.map((p) => p.probability).sort((a, b) => a - b)
    /** The first place where two sorted probability vectors differ by more than `noise`, or -1. */
    const firstDifference = (a: ReadonlyArray<number>, b: ReadonlyArray<number>, noise: number) => a.findIndex((p, i) => Math.abs(p - b[i]!) > noise)
    // pool-d: both reach 0.4 for five people; maximin leaves three at 0.47 where leximin lifts them to 0.6
    const problem = smallProblem("pool-d", 11, 6)
    const lex = sorted((await run(select(problem, { seed: 7 }))).probabilities)
    const max = sorted((await run(select(problem, { seed: 7, method: "maximin" }))).probabilities)
    expect(lex[0]!).toBeCloseTo(max[0]!, 3)
    const atMax = firstDifference(lex, max, 1e-3)
    expect(atMax).toBeGreaterThan(0)
    expect(lex[atMax]!).toBeGreaterThan(max[atMax]!)
    // pool-a: the greedy draw leaves some people near 0.25 where leximin guarantees 1/3
    const small = smallProblem("pool-a", 9, 4)
    const lexSmall = sorted((await run(select(small, { seed: 7 }))).probabilities)
    const legacy = sorted(legacyProbabilities(small, 7, 3000))
    const at = firstDifference(lexSmall, legacy, 0.03)
    expect(at).toBeGreaterThanOrEqual(0)
    expect(lexSmall[at]!).toBeGreaterThan(legacy[at]!)
  })

  it("reaches the maximin of the quota polytope on a pool of 1,000 with 6 features, an upper bound computed independently over people", async () => {
    // a census-like pool, skewed, with quotas of ±1 around proportional shares (scripts/bench-recruit.mjs's case)
    const random = seededRandom("six-features")
    // per feature and value: [share in the census, share in the pool of volunteers]
    const features: Record<string, Record<string, readonly [number, number]>> = {
      gender: { woman: [0.5, 0.55], man: [0.48, 0.43], "non-binary": [0.02, 0.02] },
      age: { "16-24": [0.14, 0.08], "25-34": [0.17, 0.14], "35-44": [0.17, 0.17], "45-59": [0.25, 0.3], "60-74": [0.19, 0.23], "75+": [0.08, 0.08] },
      education: { primary: [0.2, 0.1], secondary: [0.4, 0.36], tertiary: [0.3, 0.4], postgraduate: [0.1, 0.14] },
      residence: { "city-centre": [0.3, 0.36], suburb: [0.35, 0.34], town: [0.2, 0.18], rural: [0.15, 0.12] },
      region: { north: [0.25, 0.25], south: [0.3, 0.27], east: [0.2, 0.22], west: [0.15, 0.15], islands: [0.1, 0.11] },
      connectivity: { home: [0.7, 0.8], mobile: [0.2, 0.17], none: [0.1, 0.03] }
    }
    const column = (k: 0 | 1) => Object.fromEntries(Object.entries(features).map(([f, values]) => [f, Object.fromEntries(Object.entries(values).map(([v, s]) => [v, s[k]]))]))
    const census = column(0)
    const shares = column(1)
    const pick = (weights: Record<string, number>): string => {
      let u = random()
      for (const [value, w] of Object.entries(weights)) if ((u -= w) < 0) return value
      return Object.keys(weights).at(-1)!
    }
    const size = 100
    const problem: SelectionProblem = {
      candidates: Array.from({ length: 1000 }, (_, i) => ({ id: `c${String(i).padStart(4, "0")}`, features: Object.fromEntries(Object.entries(shares).map(([f, w]) => [f, pick(w)])) })),
      features: Object.entries(census).map(([name, values]) => ({ name, values: Object.keys(values) })),
      quotas: Object.entries(census).flatMap(([feature, values]) => Object.entries(values).map(([value, share]) => ({ feature, value, min: Math.max(0, Math.floor(share * size) - 1), max: Math.ceil(share * size) + 1 }))),
      size
    }
    const draw = await run(select(problem, { seed: 3 }))
    expect(checkPanel(problem, draw.panel)).toEqual([])
    const distribution = draw.distribution
    if (distribution === undefined) throw new Error("the leximin draw has a distribution")
    for (const panel of distribution.panels) {
      expect(panel.counts.reduce((s, c) => s + c, 0)).toBe(size)
      for (const row of distribution.problem.rows) {
        const n = row.members.reduce((s, t) => s + panel.counts[t]!, 0)
        expect(n).toBeGreaterThanOrEqual(row.min)
        expect(n).toBeLessThanOrEqual(row.max)
      }
    }
    expect(distribution.panels.reduce((s, p) => s + p.probability, 0)).toBeCloseTo(1, 9)
    expect(draw.probabilities.reduce((s, p) => s + p.probability, 0)).toBeCloseTo(size, 6)
    // max z over people: 0 ≤ p_i ≤ 1, Σ p = size, every quota, p_i ≥ z — no distribution over
    // panels can give everyone more, and the leximin must come within its tolerance (0.0005)
    const ids = problem.candidates.map((c) => c.id)
    const lines = [
      "Maximize",
      " obj: z",
      "Subject To",
      ` size: ${ids.map((id) => `p_${id}`).join(" + ")} = ${size}`,
      ...problem.quotas.flatMap((q, i) => {
        const members = problem.candidates.filter((c) => c.features[q.feature] === q.value).map((c) => `p_${c.id}`)
        return members.length === 0 ? [] : [` lo${i}: ${members.join(" + ")} >= ${q.min}`, ` hi${i}: ${members.join(" + ")} <= ${q.max}`]
      }),
      ...ids.map((id) => ` z_${id}: p_${id} - z >= 0`),
      "Bounds",
      ...ids.map((id) => ` 0 <= p_${id} <= 1`),
      "End"
    ]
    const h = await highs()
    const bound = h.solve(lines.join("\n"), { output_flag: false })
    expect(bound.Status).toBe("Optimal")
    const smallest = Math.min(...draw.probabilities.map((p) => p.probability))
    expect(smallest).toBeLessThanOrEqual(bound.ObjectiveValue + 1e-7)
    expect(smallest).toBeGreaterThanOrEqual(bound.ObjectiveValue - 0.0005)
  })

  it("draws legacy panels that meet every quota, reproducibly", async () => {
    const problem = smallProblem("pool-d", 11, 6)
    const a = await run(select(problem, { seed: "s", method: "legacy", legacyRuns: 50 }))
    expect(checkPanel(problem, a.panel)).toEqual([])
    expect((await run(select(problem, { seed: "s", method: "legacy", legacyRuns: 50 }))).panel).toEqual(a.panel)
  })

  it("refuses infeasible quotas with a minimal set of conflicting bounds, and selects nobody", async () => {
    // every woman is young: 3 women and at most 2 young people cannot both hold
    const problem: SelectionProblem = {
      candidates: [
        ...["w1", "w2", "w3", "w4"].map((id) => ({ id, features: { gender: "woman", age: "young" } })),
        ...["m1", "m2"].map((id) => ({ id, features: { gender: "man", age: "young" } })),
        ...["m3", "m4", "m5"].map((id) => ({ id, features: { gender: "man", age: "old" } }))
      ],
      features: [{ name: "gender", values: ["man", "woman"] }, { name: "age", values: ["old", "young"] }],
      quotas: [
        { feature: "gender", value: "woman", min: 3, max: 4 },
        { feature: "gender", value: "man", min: 1, max: 3 },
        { feature: "age", value: "young", min: 1, max: 2 },
        { feature: "age", value: "old", min: 1, max: 3 }
      ],
      size: 5
    }
    for (const method of ["leximin", "maximin", "legacy"] as const) {
      const e = await failure(select(problem, { seed: 1, method }))
      expect(e._tag).toBe("InfeasibleQuotas")
      if (e._tag !== "InfeasibleQuotas") continue
      expect(e.conflicts.map((b) => `${b.feature}=${b.value} ${b.side} ${b.limit}`)).toEqual(["age=young max 2", "gender=woman min 3"])
      expect(e.message).toContain("at least 3 with gender=woman")
    }
    const mins = await failure(select({ ...problem, quotas: [{ feature: "age", value: "old", min: 4, max: 5 }] }, { seed: 1 }))
    expect(mins._tag).toBe("InfeasibleQuotas")
    if (mins._tag === "InfeasibleQuotas") {
      expect(mins.conflicts.map((b) => `${b.feature}=${b.value} ${b.side} ${b.limit}`)).toEqual(["age=old min 4"])
      expect(mins.issues.map((i) => i.message)).toEqual(["only 3 candidates have age=old, fewer than its min 4"])
    }
  })

  it("refuses a malformed problem and a pool smaller than the panel with InputError", async () => {
    const problem = smallProblem("pool-a", 9, 4)
    expect((await failure(select({ ...problem, size: 10 }, { seed: 1 })))._tag).toBe("InputError")
    const e = await failure(select({ ...problem, quotas: [{ feature: "region", value: "x", min: 0, max: 1 }] }, { seed: 1 }))
    expect(e._tag).toBe("InputError")
    expect(e.message).toContain('unknown feature "region"')
  })
})
