/**
 * HiGHS (the `highs` package, compiled to WebAssembly) loaded once, and the panel search built on
 * it: the MILP "a panel of the right size meeting the quotas that maximizes a weighted count of
 * each profile", kept in memory and re-solved with new weights as the column generation asks.
 */
import highsModule, { type Highs, type Model } from "highs"
import type { Bound } from "../domain/Quotas.js"
import type { ProfiledProblem } from "./Profiles.js"

let loading: Promise<Highs> | undefined

// highs is a CommonJS package whose ESM build exports the loader as default; TypeScript (nodenext)
// types that default as the CommonJS module, so take the function from wherever it is
type Loader = () => Promise<Highs>
const loadHighs: Loader = typeof highsModule === "function" ? (highsModule as unknown as Loader) : (highsModule as unknown as { default: Loader }).default

/** The HiGHS runtime, loaded on first use (about half a second) and shared afterwards. */
export const highs = (): Promise<Highs> => (loading ??= loadHighs())

/** Options every model here is solved with: quiet, single-threaded and without a time limit, so deterministic. */
export const QUIET = { output_flag: false } as const

const boundKey = (feature: string, value: string, side: "min" | "max"): string => `${feature}\u0000${value}\u0000${side}`

/**
 * The pricing MILP over profiles: integer counts `c[t] ∈ [0, |t|]`, `Σ c = size`, each quota row
 * `min ≤ Σ_{t has value} c[t] ≤ max`. `best(w)` returns the counts maximizing `Σ w[t]·c[t]`.
 */
export class PanelSearch {
  /** How many MILPs this search has solved. */
  solves = 0
  /** How many LP relaxations it has solved (the cheap pricing tried before the MILP). */
  relaxations = 0
  private readonly model: Model
  /** The same model without integrality, built on the first `search` with a target. */
  private relaxed: Model | undefined

  constructor(private readonly h: Highs, private readonly problem: ProfiledProblem) {
    this.model = this.build(true)
    // the pricing decides when column generation stops, so it is solved to (near) optimality
    // presolve and symmetry detection cost more than they save on these small, re-solved models
    // (measured: 41 ms instead of 115–290 ms per solve on a 54-profile pool, on a busy machine)
    this.model.options.set({ ...QUIET, mip_rel_gap: 1e-7, mip_abs_gap: 1e-9, presolve: "off", mip_detect_symmetry: false })
  }

  private build(integer: boolean): Model {
    const h = this.h
    const problem = this.problem
    const T = problem.profiles.length
    const rowsOf: Array<Array<number>> = problem.profiles.map(() => [0])
    problem.rows.forEach((r, i) => r.members.forEach((t) => rowsOf[t]!.push(i + 1)))
    const starts = [0]
    const indices: Array<number> = []
    for (const rs of rowsOf) {
      indices.push(...rs)
      starts.push(indices.length)
    }
    const numRows = problem.rows.length + 1
    return h.createModel({
      numCols: T,
      numRows,
      sense: h.constants.objectiveSense.maximize,
      colCost: new Float64Array(T),
      colLower: new Float64Array(T),
      colUpper: problem.profiles.map((p) => p.ids.length),
      rowLower: [problem.size, ...problem.rows.map((r) => (r.min > 0 ? r.min : -h.infinity))],
      rowUpper: [problem.size, ...problem.rows.map((r) => r.max)],
      matrix: { format: "csc", numRows, numCols: T, starts, indices, values: indices.map(() => 1) },
      ...(integer ? { integrality: problem.profiles.map(() => h.constants.variableType.integer) } : {})
    })
  }

  /**
   * The counts per profile of a panel maximizing `Σ weights[t]·c[t]`, or undefined when no panel
   * meets the quotas. With `target`, the search stops as soon as it has a panel worth more than
   * `target` (column generation needs any improving panel, not the best) or has proved that none
   * is worth more: then `improving` says which, and the counts are the best found so far.
   *
   * With a target, the LP relaxation comes first (a few milliseconds, warm-started): when its
   * optimum is at most `target`, no panel is worth more; otherwise its solution, rounded
   * (`roundRelaxed`), is usually a panel worth more. Only when neither settles it does the MILP run.
   */
  best(weights: ArrayLike<number>, target?: number): Array<number> | undefined {
    return this.search(weights, target)?.counts
  }

  /**
   * `best` with the outcome: whether the panel returned is worth more than `target`. With
   * `alternatives`, up to that many other panels worth more than `target`, when the relaxation
   * offers them cheaply (other roundings), in `others`.
   */
  search(weights: ArrayLike<number>, target?: number, alternatives = 0): { counts: Array<number>; improving: boolean; others?: Array<Array<number>> } | undefined {
    const T = this.problem.profiles.length
    if (T === 0) return undefined
    if (target !== undefined) {
      const quick = this.relax(weights, target, 1 + alternatives)
      if (quick !== undefined) return quick
    }
    this.model.changeColsCost({ kind: "range", from: 0, to: T - 1 }, Float64Array.from(weights))
    let provedNone = false
    if (target === undefined) this.model.run()
    else {
      this.model.run({
        [this.h.constants.callbackType.mipInterrupt]: (event) => {
          const { mip_primal_bound: primal, mip_dual_bound: dual } = event.data
          if (primal !== undefined && primal > target) event.interrupt()
          else if (dual !== undefined && dual <= target) {
            provedNone = true
            event.interrupt()
          }
        }
      })
    }
    this.solves++
    const status = this.model.getModelStatus()
    const { modelStatus } = this.h.constants
    if (status === modelStatus.infeasible) return undefined
    if (status === modelStatus.interrupted && provedNone) return { counts: [], improving: false }
    if (status !== modelStatus.optimal && status !== modelStatus.interrupted) throw new Error(`HiGHS stopped the panel search with model status ${status}`)
    const counts = Array.from(this.model.getSolution().colValue, (v) => Math.round(v))
    const value = counts.reduce((s, c, t) => s + c * weights[t]!, 0)
    return { counts, improving: target !== undefined && value > target }
  }

  /**
   * Panels near the best for `weights`, cheaply: the LP relaxation's solution rounded (up to
   * `limit` roundings), no MILP; empty when no rounding keeps the quotas.
   */
  round(weights: ArrayLike<number>, limit = 1): Array<Array<number>> {
    const model = this.relaxedModel()
    const T = this.problem.profiles.length
    model.changeColsCost({ kind: "range", from: 0, to: T - 1 }, Float64Array.from(weights))
    try {
      model.run()
    } catch {
      return []
    }
    this.relaxations++
    if (model.getModelStatus() !== this.h.constants.modelStatus.optimal) return []
    return roundRelaxed(this.problem, model.getSolution().colValue, weights, -Infinity, limit)
  }

  private relaxedModel(): Model {
    if (this.relaxed === undefined) {
      this.relaxed = this.build(false)
      this.relaxed.options.set({ ...QUIET, solver: "simplex" })
    }
    return this.relaxed
  }

  /** The LP relaxation's verdict on `search`, or undefined when it settles nothing. */
  private relax(weights: ArrayLike<number>, target: number, limit: number): { counts: Array<number>; improving: boolean; others?: Array<Array<number>> } | undefined {
    const T = this.problem.profiles.length
    const model = this.relaxedModel()
    model.changeColsCost({ kind: "range", from: 0, to: T - 1 }, Float64Array.from(weights))
    try {
      model.run()
    } catch {
      return undefined
    }
    this.relaxations++
    if (model.getModelStatus() !== this.h.constants.modelStatus.optimal) return undefined
    // the relaxation bounds every panel's value
    if (model.getObjectiveValue() <= target) return { counts: [], improving: false }
    const [counts, ...others] = roundRelaxed(this.problem, model.getSolution().colValue, weights, target, limit)
    return counts === undefined ? undefined : { counts, improving: true, others }
  }

  /**
   * Whether some panel of the right size meets `bounds` (and no other quota): the feasibility
   * oracle of the deletion filter. The model's own bounds are restored afterwards.
   */
  feasibleWith(bounds: ReadonlyArray<Bound>): boolean {
    const h = this.h
    const keep = new Set(bounds.map((b) => boundKey(b.feature, b.value, b.side)))
    const rows = this.problem.rows
    if (rows.length === 0) return this.best(new Float64Array(this.problem.profiles.length)) !== undefined
    const lower = rows.map((r) => (r.min > 0 && keep.has(boundKey(r.feature, r.value, "min")) ? r.min : -h.infinity))
    const upper = rows.map((r) => (keep.has(boundKey(r.feature, r.value, "max")) ? r.max : h.infinity))
    const range = { kind: "range", from: 1, to: rows.length } as const
    this.model.changeRowsBounds(range, lower, upper)
    try {
      return this.best(new Float64Array(this.problem.profiles.length)) !== undefined
    } finally {
      this.model.changeRowsBounds(range, rows.map((r) => (r.min > 0 ? r.min : -h.infinity)), rows.map((r) => r.max))
    }
  }

  /**
   * A panel maximizing `Σ weights[t]·c[t]` with `lower[t] ≤ c[t] ≤ upper[t]` and the quota rows
   * narrowed to `[rowMin[i], rowMax[i]]` (a face of the quota polytope), or undefined when none
   * exists. The model's own bounds are restored afterwards. Without `exact`, only the relaxation's
   * vertex rounded is tried (no MILP): undefined may then also mean that the rounding found none.
   */
  within(weights: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>, rowMin: ReadonlyArray<number>, rowMax: ReadonlyArray<number>, exact = true): Array<number> | undefined {
    const h = this.h
    const T = this.problem.profiles.length
    const rows = this.problem.rows
    const cols = { kind: "range", from: 0, to: T - 1 } as const
    const range = { kind: "range", from: 1, to: rows.length } as const
    // first the relaxation's vertex, rounded: it has few fractional counts, so the rounding is quick
    const relaxed = this.relaxedModel()
    relaxed.changeColsBounds(cols, Float64Array.from(lower), Float64Array.from(upper))
    if (rows.length > 0) relaxed.changeRowsBounds(range, rowMin.map((m) => (m > 0 ? m : -h.infinity)), rowMax)
    try {
      relaxed.changeColsCost(cols, Float64Array.from(weights))
      relaxed.run()
      this.relaxations++
      if (relaxed.getModelStatus() !== this.h.constants.modelStatus.optimal) return undefined
      const face = { ...this.problem, rows: rows.map((r, i) => ({ ...r, min: rowMin[i]!, max: rowMax[i]! })) }
      const rounded = roundRelaxed(face, relaxed.getSolution().colValue, weights, -Infinity, 1)[0]
      if (rounded !== undefined) return rounded
    } catch {
      // numerical trouble in the relaxation: the MILP below decides
    } finally {
      relaxed.changeColsBounds(cols, new Float64Array(T), this.problem.profiles.map((p) => p.ids.length))
      if (rows.length > 0) relaxed.changeRowsBounds(range, rows.map((r) => (r.min > 0 ? r.min : -h.infinity)), rows.map((r) => r.max))
    }
    if (!exact) return undefined
    this.model.changeColsBounds(cols, Float64Array.from(lower), Float64Array.from(upper))
    if (rows.length > 0) this.model.changeRowsBounds(range, rowMin.map((m) => (m > 0 ? m : -h.infinity)), rowMax)
    try {
      this.model.changeColsCost(cols, Float64Array.from(weights))
      // presolve here (off for the pricing): most counts are fixed by their bounds, and presolve
      // takes them out before the search (measured 41 ms a solve instead of 109 ms, peeling
      // 2,000 candidates × 6 features)
      this.model.options.set({ presolve: "on" })
      // any panel in the face will do: stop at the first one found
      this.model.run({
        [this.h.constants.callbackType.mipInterrupt]: (event) => {
          const primal = event.data.mip_primal_bound
          if (primal !== undefined && Number.isFinite(primal)) event.interrupt()
        }
      })
      this.solves++
      const status = this.model.getModelStatus()
      const { modelStatus } = this.h.constants
      if (status !== modelStatus.optimal && status !== modelStatus.interrupted) return undefined
      return Array.from(this.model.getSolution().colValue, (v) => Math.round(v))
    } finally {
      this.model.options.set({ presolve: "off" })
      this.model.changeColsBounds(cols, new Float64Array(T), this.problem.profiles.map((p) => p.ids.length))
      if (rows.length > 0) this.model.changeRowsBounds(range, rows.map((r) => (r.min > 0 ? r.min : -h.infinity)), rows.map((r) => r.max))
    }
  }

  /** Frees the models' WebAssembly memory. */
  dispose(): void {
    this.model.dispose()
    this.relaxed?.dispose()
  }
}

/**
 * Up to `limit` panels worth more than `target` among the roundings of the relaxed counts `x`:
 * every integral count kept, every fractional one rounded down or up (a vertex has at most one
 * fractional count per row of the model, so a few dozen at most), chosen by a depth-first search,
 * heaviest first, that keeps the size and every quota, within `nodeLimit` nodes. Empty when it
 * finds none (the MILP then decides).
 */
export const roundRelaxed = (problem: ProfiledProblem, x: ArrayLike<number>, weights: ArrayLike<number>, target: number, limit = 1, nodeLimit = 20000): Array<Array<number>> => {
  const T = problem.profiles.length
  const rows = problem.rows
  const R = rows.length
  const base = new Array<number>(T)
  const fractional: Array<number> = []
  let need = problem.size
  let value = 0
  for (let t = 0; t < T; t++) {
    const r = Math.round(x[t]!)
    if (Math.abs(x[t]! - r) < 1e-6) base[t] = Math.max(0, Math.min(problem.profiles[t]!.ids.length, r))
    else {
      base[t] = Math.floor(x[t]!)
      fractional.push(t)
    }
    need -= base[t]!
    value += base[t]! * weights[t]!
  }
  if (need < 0 || need > fractional.length) return []
  const isFractional = new Uint8Array(T)
  for (const t of fractional) isFractional[t] = 1
  // sum[i]: the row's count so far; open[i]: its fractional profiles not yet decided
  const sum = new Array<number>(R).fill(0)
  const open = new Array<number>(R).fill(0)
  const rowsOf: Array<Array<number>> = fractional.map(() => [])
  const slot = new Map(fractional.map((t, k) => [t, k]))
  rows.forEach((row, i) => {
    for (const t of row.members) {
      sum[i]! += base[t]!
      if (isFractional[t] === 1) {
        rowsOf[slot.get(t)!]!.push(i)
        open[i]!++
      }
    }
  })
  // heaviest first, so the first leaf found is a good one and the bound prunes early
  const order = fractional.map((_, k) => k).sort((a, b) => weights[fractional[b]!]! - weights[fractional[a]!]! || fractional[a]! - fractional[b]!)
  const F = order.length
  const up = new Uint8Array(F)
  const found: Array<Array<number>> = []
  let nodes = 0
  // true: stop the search (enough panels, or out of nodes)
  const dfs = (j: number, need: number, value: number): boolean => {
    if (++nodes > nodeLimit) return true
    for (let i = 0; i < R; i++) if (sum[i]! > rows[i]!.max || sum[i]! + open[i]! < rows[i]!.min) return false
    if (need === 0) {
      if (value <= target) return false
      for (let i = 0; i < R; i++) if (sum[i]! < rows[i]!.min) return false
      const counts = base.slice()
      fractional.forEach((t, k) => (counts[t]! += up[k]!))
      found.push(counts)
      return found.length >= limit
    }
    if (F - j < need) return false
    let bound = value
    for (let l = j; l < j + need; l++) bound += weights[fractional[order[l]!]!]!
    if (bound <= target) return false
    const k = order[j]!
    const rs = rowsOf[k]!
    for (const i of rs) open[i]!--
    let fits = true
    for (const i of rs) if (sum[i]! + 1 > rows[i]!.max) fits = false
    let stop = false
    if (fits) {
      for (const i of rs) sum[i]!++
      up[k] = 1
      stop = dfs(j + 1, need - 1, value + weights[fractional[k]!]!)
      up[k] = 0
      for (const i of rs) sum[i]!--
    }
    if (!stop) stop = dfs(j + 1, need, value)
    for (const i of rs) open[i]!++
    return stop
  }
  dfs(0, need, value)
  return found
}
