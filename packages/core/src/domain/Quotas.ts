/**
 * A selection problem for a sortition draw: the candidates of a pool, the features they are
 * described by, the quotas per feature value and the panel size; the checks that say what is
 * wrong with one, and the search for a small set of quotas that conflict. Pure: the feasibility
 * oracle of `conflictingBounds` is passed in (recruitment/ backs it with a MILP).
 */
import * as Data from "effect/Data"
import * as Schema from "effect/Schema"
import type { ErrorJson, Problem } from "./Errors.js"

const Name = Schema.String.check(Schema.isNonEmpty({ message: "expected a name" }))
const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0, { message: "expected a whole number ≥ 0" }))

/** A feature the candidates are described by (gender, age band …) and its allowed values. */
export const Feature = Schema.Struct({ name: Name, values: Schema.Array(Name) })
export type Feature = typeof Feature.Type

/** The bounds on how many panel members have one value of one feature: `min ≤ count ≤ max`. */
export const Quota = Schema.Struct({ feature: Name, value: Name, min: Count, max: Count })
export type Quota = typeof Quota.Type

/** One person of the pool: an id and a value for every feature. */
export const Candidate = Schema.Struct({ id: Name, features: Schema.Record(Schema.String, Schema.String) })
export type Candidate = typeof Candidate.Type

/**
 * A selection problem: draw `size` candidates such that every quota holds. A feature value with
 * no quota is unconstrained (min 0, max the panel size).
 */
export const SelectionProblem = Schema.Struct({
  candidates: Schema.Array(Candidate),
  features: Schema.Array(Feature),
  quotas: Schema.Array(Quota),
  size: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1, { message: "expected a panel of at least 1" }))
})
export type SelectionProblem = typeof SelectionProblem.Type

/** One side of one quota: "at least `limit` of feature=value" or "at most `limit`". */
export interface Bound {
  readonly feature: string
  readonly value: string
  readonly side: "min" | "max"
  readonly limit: number
}

/**
 * Says a bound in words, as a person relaxing it would read it.
 *
 * @example
 * describeBound({ feature: "gender", value: "woman", side: "min", limit: 5 }) // "at least 5 with gender=woman"
 */
export const describeBound = (b: Bound): string => `${b.side === "min" ? "at least" : "at most"} ${b.limit} with ${b.feature}=${b.value}`

/**
 * One thing wrong with a selection problem. `kind` is "invalid" when the problem is malformed
 * (an unknown feature or value, min above max, a duplicate), "infeasible" when it is well formed
 * but no panel can meet it (a pool smaller than the panel, mins summing beyond the panel …).
 * `quota` (an index into `quotas`) and `candidate` (an id) let a caller point at a file's line.
 */
export interface QuotaIssue extends Problem {
  readonly kind: "invalid" | "infeasible"
  readonly quota?: number | undefined
  readonly candidate?: string | undefined
}

const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** The quota of every feature value (a default 0..size where none is given), features and values sorted. */
export interface QuotaTable {
  readonly features: ReadonlyArray<{ readonly name: string; readonly values: ReadonlyArray<{ readonly value: string; readonly min: number; readonly max: number; readonly count: number }> }>
}

/**
 * The quota of every feature value with how many candidates have it, features and values in code
 * order (so that everything built on it is deterministic). Assumes a problem without "invalid" issues.
 */
export const quotaTable = (problem: SelectionProblem): QuotaTable => {
  const quotaOf = new Map(problem.quotas.map((q) => [`${q.feature}\u0000${q.value}`, q]))
  const features = [...problem.features].sort((a, b) => byCode(a.name, b.name)).map((f) => ({
    name: f.name,
    values: [...f.values].sort(byCode).map((value) => {
      const q = quotaOf.get(`${f.name}\u0000${value}`)
      const count = problem.candidates.reduce((n, c) => n + (c.features[f.name] === value ? 1 : 0), 0)
      return { value, min: q?.min ?? 0, max: q?.max ?? problem.size, count }
    })
  }))
  return { features }
}

/**
 * Checks a selection problem: unknown features and values, duplicates, min above max, candidates
 * without a value for a feature; then the simple reasons why no panel exists (a pool smaller than
 * the panel, a value with fewer candidates than its min, the mins of a feature summing beyond the
 * panel or its maxes below it). An empty list does not prove a panel exists: the features
 * interact, which only a solver decides (see `conflictingBounds`).
 *
 * @example
 * checkProblem({ candidates: [], features: [{ name: "gender", values: ["man", "woman"] }],
 *   quotas: [{ feature: "gender", value: "other", min: 1, max: 2 }], size: 2 })
 * // [{ kind: "invalid", quota: 0, field: "quota gender=other", message: 'unknown value "other" of gender; expected one of: man, woman' }, …]
 */
export const checkProblem = (problem: SelectionProblem): Array<QuotaIssue> => {
  const issues: Array<QuotaIssue> = []
  const values = new Map<string, Set<string>>()
  for (const f of problem.features) {
    if (values.has(f.name)) issues.push({ kind: "invalid", field: `feature ${f.name}`, message: `feature "${f.name}" is declared twice` })
    const set = new Set<string>()
    for (const v of f.values) {
      if (set.has(v)) issues.push({ kind: "invalid", field: `feature ${f.name}`, message: `value "${v}" is listed twice` })
      set.add(v)
    }
    values.set(f.name, set)
  }
  const featureNames = [...values.keys()].sort(byCode)
  const seenQuota = new Set<string>()
  problem.quotas.forEach((q, i) => {
    const field = `quota ${q.feature}=${q.value}`
    const allowed = values.get(q.feature)
    if (allowed === undefined) {
      issues.push({ kind: "invalid", quota: i, field, message: `unknown feature "${q.feature}"; expected one of: ${featureNames.join(", ")}` })
      return
    }
    if (!allowed.has(q.value)) {
      issues.push({ kind: "invalid", quota: i, field, message: `unknown value "${q.value}" of ${q.feature}; expected one of: ${[...allowed].sort(byCode).join(", ")}` })
      return
    }
    const key = `${q.feature}\u0000${q.value}`
    if (seenQuota.has(key)) issues.push({ kind: "invalid", quota: i, field, message: `a second quota for ${q.feature}=${q.value}` })
    seenQuota.add(key)
    if (q.min > q.max) issues.push({ kind: "invalid", quota: i, field, message: `min ${q.min} is above max ${q.max}` })
  })
  const ids = new Set<string>()
  for (const c of problem.candidates) {
    if (ids.has(c.id)) issues.push({ kind: "invalid", candidate: c.id, field: `candidate ${c.id}`, message: `the id "${c.id}" appears twice in the pool` })
    ids.add(c.id)
    for (const name of featureNames) {
      const v = c.features[name]
      if (v === undefined || v === "") {
        issues.push({ kind: "invalid", candidate: c.id, field: `candidate ${c.id}`, message: `no value for ${name}` })
      } else if (!values.get(name)!.has(v)) {
        issues.push({ kind: "invalid", candidate: c.id, field: `candidate ${c.id}`, message: `unknown value "${v}" of ${name}; expected one of: ${[...values.get(name)!].sort(byCode).join(", ")}` })
      }
    }
  }
  if (issues.length > 0) return issues

  if (problem.candidates.length < problem.size) {
    issues.push({ kind: "infeasible", field: "pool", message: `the pool has ${problem.candidates.length} candidate${problem.candidates.length === 1 ? "" : "s"}, fewer than the panel of ${problem.size}` })
  }
  const table = quotaTable(problem)
  problem.quotas.forEach((q, i) => {
    const count = problem.candidates.reduce((n, c) => n + (c.features[q.feature] === q.value ? 1 : 0), 0)
    if (count < q.min) issues.push({ kind: "infeasible", quota: i, field: `quota ${q.feature}=${q.value}`, message: `only ${count} candidate${count === 1 ? " has" : "s have"} ${q.feature}=${q.value}, fewer than its min ${q.min}` })
    if (q.min > problem.size) issues.push({ kind: "infeasible", quota: i, field: `quota ${q.feature}=${q.value}`, message: `min ${q.min} is above the panel size ${problem.size}` })
  })
  for (const f of table.features) {
    const mins = f.values.reduce((s, v) => s + v.min, 0)
    // a value can give no more members than it has candidates
    const maxes = f.values.reduce((s, v) => s + Math.min(v.max, v.count), 0)
    if (mins > problem.size) issues.push({ kind: "infeasible", field: `feature ${f.name}`, message: `the mins of ${f.name} sum to ${mins}, more than the panel size ${problem.size}` })
    if (maxes < problem.size && problem.candidates.length >= problem.size) issues.push({ kind: "infeasible", field: `feature ${f.name}`, message: `the maxes of ${f.name} (each capped by its number of candidates) sum to ${maxes}, fewer than the panel size ${problem.size}` })
  }
  return issues
}

/**
 * The bounds that can bind: a min above 0, or a max below both the panel size and the number of
 * candidates with the value. The others hold for every panel of the right size, so they never
 * take part in a conflict. Sorted by feature, value, side.
 */
export const activeBounds = (problem: SelectionProblem): Array<Bound> => {
  const out: Array<Bound> = []
  for (const f of quotaTable(problem).features) {
    for (const v of f.values) {
      if (v.min > 0) out.push({ feature: f.name, value: v.value, side: "min", limit: v.min })
      if (v.max < Math.min(problem.size, v.count)) out.push({ feature: f.name, value: v.value, side: "max", limit: v.max })
    }
  }
  return out
}

/**
 * A minimal set of conflicting bounds, by deletion filtering: starting from bounds that together
 * admit no panel, drop each bound in turn and keep it out when the rest still admit none. The
 * result is irreducible: relaxing any one of its bounds removes this conflict (though another
 * conflict may remain). `feasible(subset)` says whether a panel meets the given bounds (and the
 * panel size); it is called once per bound. Returns `[]` when `feasible(bounds)` holds.
 *
 * @example
 * const conflict = conflictingBounds(activeBounds(problem), (subset) => solverSaysFeasible(problem, subset))
 * conflict.map(describeBound) // ["at least 6 with gender=woman", "at least 5 with age=18-29"]
 */
export const conflictingBounds = <B>(bounds: ReadonlyArray<B>, feasible: (subset: ReadonlyArray<B>) => boolean): Array<B> => {
  if (feasible(bounds)) return []
  let kept = [...bounds]
  for (let i = 0; i < kept.length;) {
    const without = [...kept.slice(0, i), ...kept.slice(i + 1)]
    if (feasible(without)) i++
    else kept = without
  }
  return kept
}

/**
 * The quotas a panel misses, as issues (empty when the panel is valid): the wrong size, an id not
 * in the pool or twice, a value below its min or above its max.
 */
export const checkPanel = (problem: SelectionProblem, panel: ReadonlyArray<string>): Array<QuotaIssue> => {
  const issues: Array<QuotaIssue> = []
  const byId = new Map(problem.candidates.map((c) => [c.id, c]))
  if (panel.length !== problem.size) issues.push({ kind: "infeasible", field: "panel", message: `${panel.length} members, expected ${problem.size}` })
  if (new Set(panel).size !== panel.length) issues.push({ kind: "infeasible", field: "panel", message: "a candidate is selected twice" })
  for (const id of panel) if (!byId.has(id)) issues.push({ kind: "infeasible", field: "panel", candidate: id, message: `"${id}" is not in the pool` })
  for (const f of quotaTable(problem).features) {
    for (const v of f.values) {
      const n = panel.reduce((s, id) => s + (byId.get(id)?.features[f.name] === v.value ? 1 : 0), 0)
      if (n < v.min || n > v.max) issues.push({ kind: "infeasible", field: `quota ${f.name}=${v.value}`, message: `${n} selected, expected ${v.min}..${v.max}` })
    }
  }
  return issues
}

/**
 * No panel meets the quotas. `conflicts` is a minimal set of bounds to relax (relaxing any one of
 * them removes this conflict); `issues` are the simple reasons `checkProblem` found, if any.
 */
export class InfeasibleQuotas extends Data.TaggedError("InfeasibleQuotas")<{
  readonly size: number
  readonly conflicts: ReadonlyArray<Bound>
  readonly issues: ReadonlyArray<QuotaIssue>
}> {
  override get message(): string {
    const head = `No panel of ${this.size} meets every quota. Relax at least one of these bounds:`
    return [head, ...this.conflicts.map((b) => `  quota ${b.feature}=${b.value}: ${describeBound(b)}`), ...this.issues.map((i) => `  ${i.field}: ${i.message}`)].join("\n")
  }
  /** The exit status a command ends with: 2, bad input. */
  get exitCode(): number {
    return 2
  }
  /** The error as `--json` prints it: the conflicting bounds as problems, one per bound. */
  toErrorJson(): ErrorJson {
    return {
      code: this._tag,
      message: this.message,
      problems: [
        ...this.conflicts.map((b) => ({ field: `quota ${b.feature}=${b.value}`, message: `conflicts: ${describeBound(b)}` })),
        ...this.issues.map(({ field, message }) => ({ field, message }))
      ]
    }
  }
}
