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
  private readonly model: Model

  constructor(private readonly h: Highs, private readonly problem: ProfiledProblem) {
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
    this.model = h.createModel({
      numCols: T,
      numRows,
      sense: h.constants.objectiveSense.maximize,
      colCost: new Float64Array(T),
      colLower: new Float64Array(T),
      colUpper: problem.profiles.map((p) => p.ids.length),
      rowLower: [problem.size, ...problem.rows.map((r) => (r.min > 0 ? r.min : -h.infinity))],
      rowUpper: [problem.size, ...problem.rows.map((r) => r.max)],
      matrix: { format: "csc", numRows, numCols: T, starts, indices, values: indices.map(() => 1) },
      integrality: problem.profiles.map(() => h.constants.variableType.integer)
    })
    // the pricing decides when column generation stops, so it is solved to (near) optimality
    // presolve and symmetry detection cost more than they save on these small, re-solved models
    // (measured: 41 ms instead of 115–290 ms per solve on a 54-profile pool, on a busy machine)
    this.model.options.set({ ...QUIET, mip_rel_gap: 1e-7, mip_abs_gap: 1e-9, presolve: "off", mip_detect_symmetry: false })
  }

  /**
   * The counts per profile of a panel maximizing `Σ weights[t]·c[t]`, or undefined when no panel
   * meets the quotas. With `target`, the search stops as soon as it has a panel worth more than
   * `target` (column generation needs any improving panel, not the best) or has proved that none
   * is worth more: then `improving` says which, and the counts are the best found so far.
   */
  best(weights: ArrayLike<number>, target?: number): Array<number> | undefined {
    return this.search(weights, target)?.counts
  }

  /** `best` with the outcome: whether the panel returned is worth more than `target`. */
  search(weights: ArrayLike<number>, target?: number): { counts: Array<number>; improving: boolean } | undefined {
    const T = this.problem.profiles.length
    if (T === 0) return undefined
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

  /** Frees the model's WebAssembly memory. */
  dispose(): void {
    this.model.dispose()
  }
}
