// The selection problem's checks, the panel check, and the deletion filter for conflicting quotas,
// the latter against a feasibility oracle that enumerates every panel of a small pool.
import { describe, expect, it } from "vitest"
import {
  activeBounds,
  type Bound,
  checkPanel,
  checkProblem,
  conflictingBounds,
  describeBound,
  InfeasibleQuotas,
  type Quota,
  type SelectionProblem
} from "../../src/domain/Quotas.js"

const features = [
  { name: "gender", values: ["man", "woman"] },
  { name: "age", values: ["young", "old"] }
]
// four women, all young; four men, two young and two old
const candidates = [
  ...["w1", "w2", "w3", "w4"].map((id) => ({ id, features: { gender: "woman", age: "young" } })),
  { id: "m1", features: { gender: "man", age: "young" } },
  { id: "m2", features: { gender: "man", age: "young" } },
  { id: "m3", features: { gender: "man", age: "old" } },
  { id: "m4", features: { gender: "man", age: "old" } }
]
const problemWith = (quotas: ReadonlyArray<Quota>, size = 4): SelectionProblem => ({ candidates, features, quotas, size })

const subsets = <T>(items: ReadonlyArray<T>, k: number): Array<Array<T>> =>
  k === 0 ? [[]] : items.length < k ? [] : [...subsets(items.slice(1), k - 1).map((s) => [items[0]!, ...s]), ...subsets(items.slice(1), k)]

/** Whether some panel of the problem's size meets exactly `bounds`, by trying every panel. */
const bruteFeasible = (problem: SelectionProblem) => (bounds: ReadonlyArray<Bound>): boolean =>
  subsets(problem.candidates, problem.size).some((panel) =>
    bounds.every((b) => {
      const n = panel.filter((c) => c.features[b.feature] === b.value).length
      return b.side === "min" ? n >= b.limit : n <= b.limit
    })
  )

describe("checkProblem", () => {
  it("accepts a well-formed, plausible problem", () => {
    expect(checkProblem(problemWith([{ feature: "gender", value: "woman", min: 2, max: 2 }]))).toEqual([])
  })

  it("names unknown features and values, duplicates, min above max, and candidates with a missing or unknown value", () => {
    const issues = checkProblem({
      candidates: [...candidates, { id: "m4", features: { gender: "man", age: "old" } }, { id: "x1", features: { gender: "other" } }],
      features,
      quotas: [
        { feature: "region", value: "north", min: 1, max: 2 },
        { feature: "gender", value: "nonbinary", min: 0, max: 1 },
        { feature: "age", value: "old", min: 3, max: 2 },
        { feature: "age", value: "old", min: 0, max: 2 }
      ],
      size: 4
    })
    expect(issues.every((i) => i.kind === "invalid")).toBe(true)
    expect(issues.map((i) => `${i.field}: ${i.message}`)).toEqual([
      'quota region=north: unknown feature "region"; expected one of: age, gender',
      'quota gender=nonbinary: unknown value "nonbinary" of gender; expected one of: man, woman',
      "quota age=old: min 3 is above max 2",
      "quota age=old: a second quota for age=old",
      'candidate m4: the id "m4" appears twice in the pool',
      "candidate x1: no value for age",
      'candidate x1: unknown value "other" of gender; expected one of: man, woman'
    ])
    expect(issues.map((i) => i.quota ?? i.candidate)).toEqual([0, 1, 2, 3, "m4", "x1", "x1"])
  })

  it("finds the simple reasons no panel exists: a small pool, too few candidates for a min, mins above or maxes below the panel", () => {
    expect(checkProblem(problemWith([], 9)).map((i) => i.message)).toEqual(["the pool has 8 candidates, fewer than the panel of 9"])
    const issues = checkProblem(problemWith([
      { feature: "age", value: "old", min: 3, max: 4 },
      { feature: "gender", value: "woman", min: 3, max: 4 },
      { feature: "gender", value: "man", min: 2, max: 4 }
    ]))
    expect(issues.every((i) => i.kind === "infeasible")).toBe(true)
    expect(issues.map((i) => `${i.field}: ${i.message}`)).toEqual([
      "quota age=old: only 2 candidates have age=old, fewer than its min 3",
      "feature gender: the mins of gender sum to 5, more than the panel size 4"
    ])
    const low = checkProblem(problemWith([
      { feature: "gender", value: "woman", min: 0, max: 1 },
      { feature: "gender", value: "man", min: 0, max: 2 }
    ]))
    expect(low.map((i) => i.message)).toEqual(["the maxes of gender (each capped by its number of candidates) sum to 3, fewer than the panel size 4"])
  })
})

describe("activeBounds", () => {
  it("keeps the bounds that can bind, in code order", () => {
    const bounds = activeBounds(problemWith([
      { feature: "gender", value: "woman", min: 0, max: 4 }, // never binds
      { feature: "gender", value: "man", min: 1, max: 3 },
      { feature: "age", value: "old", min: 0, max: 1 }
    ]))
    expect(bounds.map(describeBound)).toEqual(["at most 1 with age=old", "at least 1 with gender=man", "at most 3 with gender=man"])
  })
})

describe("conflictingBounds", () => {
  it("finds the irreducible conflict among bounds that do not all matter", () => {
    // every woman is young: 3 women and at most 2 young people cannot both hold
    const problem = problemWith([
      { feature: "gender", value: "woman", min: 3, max: 4 },
      { feature: "gender", value: "man", min: 0, max: 3 },
      { feature: "age", value: "young", min: 1, max: 2 },
      { feature: "age", value: "old", min: 1, max: 2 }
    ])
    expect(checkProblem(problem)).toEqual([])
    const bounds = activeBounds(problem)
    const conflict = conflictingBounds(bounds, bruteFeasible(problem))
    expect(conflict.map(describeBound)).toEqual(["at most 2 with age=young", "at least 3 with gender=woman"])
    // irreducible: relaxing any one of them leaves a feasible problem
    for (const b of conflict) expect(bruteFeasible(problem)(conflict.filter((c) => c !== b))).toBe(true)
  })

  it("returns nothing when the bounds are feasible, and calls the oracle once per bound otherwise", () => {
    const problem = problemWith([{ feature: "gender", value: "woman", min: 2, max: 2 }])
    expect(conflictingBounds(activeBounds(problem), bruteFeasible(problem))).toEqual([])
    let calls = 0
    const conflict = conflictingBounds([1, 2, 3, 4, 5], (s) => (calls++, !(s.includes(2) && s.includes(4))))
    expect(conflict).toEqual([2, 4])
    expect(calls).toBe(6)
  })
})

describe("checkPanel", () => {
  it("accepts a panel that meets every quota and names each quota another one misses", () => {
    const problem = problemWith([{ feature: "gender", value: "woman", min: 2, max: 2 }, { feature: "age", value: "old", min: 1, max: 2 }])
    expect(checkPanel(problem, ["m3", "m1", "w1", "w2"])).toEqual([])
    expect(checkPanel(problem, ["w1", "w2", "w3", "zz"]).map((i) => `${i.field}: ${i.message}`)).toEqual([
      'panel: "zz" is not in the pool',
      "quota age=old: 0 selected, expected 1..2",
      "quota gender=woman: 3 selected, expected 2..2"
    ])
  })
})

describe("InfeasibleQuotas", () => {
  it("says which bounds to relax, in its message and its JSON", () => {
    const e = new InfeasibleQuotas({ size: 4, conflicts: [{ feature: "gender", value: "woman", side: "min", limit: 3 }], issues: [] })
    expect(e.message).toBe("No panel of 4 meets every quota. Relax at least one of these bounds:\n  quota gender=woman: at least 3 with gender=woman")
    expect(e.exitCode).toBe(2)
    expect(e.toErrorJson()).toEqual({ code: "InfeasibleQuotas", message: e.message, problems: [{ field: "quota gender=woman", message: "conflicts: at least 3 with gender=woman" }] })
  })
})
