/**
 * Fair selection probabilities: the leximin distribution over the panels that meet the quotas
 * (Flanigan, Gölz, Gupta, Hennig & Procaccia, "Fair algorithms for selecting citizens'
 * assemblies", Nature 596, 2021), and the maximin one it refines. The leximin is computed first
 * over the quota polytope, then realised by panels (see `leximin`). Column generation over panels:
 * the master problems are LPs, the pricing problem (the panel maximizing a weighted count) is a
 * MILP, all solved by HiGHS. The structure and tolerances follow the authors' reference code
 * (find_distribution_leximin); the variables are profiles rather than people (see Profiles.ts).
 */
import type { Basis, Highs } from "highs"
import type { ProfiledProblem } from "./Profiles.js"
import { PanelSearch, QUIET, roundRelaxed } from "./Solver.js"

/** A column-generation gap below this ends a stage, as in the reference code. */
const EPS = 0.0005
/** How much every fixed probability is lowered when floating point makes the fixed ones unreachable. */
const RELAX = 0.0001
/**
 * Each round also prices at points between the dual solution and a running average of the earlier
 * ones (`center`, which keeps SMOOTH of itself each round): `MIXES` are the center's shares in those
 * points. Measured on 500 candidates × 6 features, the first two stages: 605 rounds with the dual
 * solution alone, 140 with these four points.
 */
const SMOOTH = 0.9
const MIXES = [0.25, 0.5, 0.75, 1]
/** The decomposition prices panels worth more than the master's panels by at least this. */
const PRICING_GAP = 1e-9
/**
 * The relaxation's leximin is accepted when panels reach every profile's probability within this:
 * the reference code's own column-generation gap (EPS), so no less exact than its leximin;
 * otherwise the stages below run.
 */
const ACCEPT = EPS

/** One panel of a distribution, as how many people it takes from each profile. */
export interface PanelShape {
  readonly probability: number
  /** `counts[t]` people from `profiles[t]`. */
  readonly counts: ReadonlyArray<number>
}

/** What the computation took: panels found, MILPs and LPs (masters and pricing relaxations) solved, leximin stages. */
export interface DistributionStats {
  readonly panels: number
  readonly milps: number
  readonly lps: number
  readonly stages: number
}

/**
 * A probability distribution over panels that meet the quotas, and each profile's selection
 * probability under it (every member of a profile has that probability).
 */
export interface Distribution {
  readonly method: "leximin" | "maximin"
  readonly problem: ProfiledProblem
  readonly panels: ReadonlyArray<PanelShape>
  /** `profileProbabilities[t]`: the chance that a given member of `profiles[t]` is selected. */
  readonly profileProbabilities: ReadonlyArray<number>
  readonly stats: DistributionStats
}

interface Options {
  /** Multiplicative-weights rounds that seed the column generation with diverse panels (default: min(3·profiles, 10)). */
  readonly seedRounds?: number | undefined
  /** Other improving panels added with each one the pricing finds, when it finds them cheaply (default 0). */
  readonly alternatives?: number | undefined
}

const keyOf = (counts: ReadonlyArray<number>): string => counts.join(",")

/** Every panel found so far, deduplicated, and the MILP that finds more. */
class PanelPool {
  readonly panels: Array<ReadonlyArray<number>> = []
  private readonly keys = new Set<string>()
  constructor(readonly search: PanelSearch) {}
  add(counts: ReadonlyArray<number>): boolean {
    const k = keyOf(counts)
    if (this.keys.has(k)) return false
    this.keys.add(k)
    this.panels.push(counts)
    return true
  }
}

/**
 * Starts from panels that cover every profile that any panel can include: a round of
 * multiplicative weights (as the reference code does, fewer rounds), then panels that take in the
 * profiles not yet covered. Returns which profiles no panel can include (their probability is 0).
 */
const seedPanels = (pool: PanelPool, problem: ProfiledProblem, rounds: number): Array<boolean> => {
  const T = problem.profiles.length
  const covered = new Array<boolean>(T).fill(false)
  const weights = new Float64Array(T).fill(1)
  for (let r = 0; r < rounds; r++) {
    // the relaxation rounded is a good enough panel here; the MILP only when rounding fails
    const w = weights.map((w, t) => w / problem.profiles[t]!.ids.length)
    const counts = pool.search.round(w)[0] ?? pool.search.best(w)
    if (counts === undefined) break
    counts.forEach((c, t) => {
      if (c > 0) weights[t]! *= 0.8 ** c
    })
    const total = weights.reduce((s, w) => s + w, 0)
    for (let t = 0; t < T; t++) weights[t]! *= T / total
    if (pool.add(counts)) counts.forEach((c, t) => (covered[t] ||= c > 0))
    else for (let t = 0; t < T; t++) weights[t] = 0.9 * weights[t]! + 0.1
  }
  // then take in the uncovered profiles, many per panel; those still out cannot be in any panel
  for (;;) {
    // any panel that takes in one more profile will do (a full solve of this MILP is slow)
    const counts = pool.search.best(covered.map((c) => (c ? 0 : 1)), 0.5)
    if (counts === undefined || counts.length === 0) break
    const fresh = counts.some((c, t) => c > 0 && !covered[t])
    if (!fresh) break
    pool.add(counts)
    counts.forEach((c, t) => (covered[t] ||= c > 0))
  }
  return covered
}

/**
 * The dual of the stage LP over the panels found so far (the reference code's `_dual_leximin_stage`):
 *   minimize ŷ − Σ_{t fixed} p_t·y_t  s.t.  Σ_t (c_t(P)/|t|)·y_t ≤ ŷ for every panel P,  Σ_{t unfixed} y_t = 1,  y, ŷ ≥ 0.
 * Its optimum is the largest smallest probability of the unfixed profiles; a positive y_t marks a
 * profile that is at that smallest probability in every optimal distribution.
 */
class StageDual {
  private readonly model
  /** Which profiles the LP has as fixed (out of Σ y = 1, their probability in the objective). */
  private readonly fixedHere: Array<boolean>
  /** The basis of the last vertex before an interior solve. */
  private vertex: Basis | undefined
  constructor(private readonly h: Highs, private readonly problem: ProfiledProblem, panels: ReadonlyArray<ReadonlyArray<number>>, fixed: ReadonlyArray<number | undefined>) {
    const T = problem.profiles.length
    this.fixedHere = fixed.map((p) => p !== undefined)
    const indices: Array<number> = []
    for (let t = 0; t < T; t++) if (fixed[t] === undefined) indices.push(t)
    this.model = h.createModel({
      numCols: T + 1,
      numRows: 1,
      colCost: [...fixed.map((p) => (p === undefined ? 0 : -p)), 1],
      colLower: new Float64Array(T + 1),
      colUpper: new Array<number>(T + 1).fill(h.infinity),
      rowLower: [1],
      rowUpper: [1],
      matrix: { format: "csr", numRows: 1, numCols: T + 1, starts: [0, indices.length], indices, values: indices.map(() => 1) }
    })
    // simplex while panels are added (each solve starts from the last basis)
    // (presolve off: each re-solve starts from the last basis, and presolve measured slower here)
    this.model.options.set({ ...QUIET, solver: "simplex", presolve: "off" })
    for (const p of panels) this.addPanel(p)
  }
  addPanel(counts: ReadonlyArray<number>): void {
    const indices: Array<number> = []
    const values: Array<number> = []
    counts.forEach((c, t) => {
      if (c > 0) {
        indices.push(t)
        values.push(c / this.problem.profiles[t]!.ids.length)
      }
    })
    indices.push(this.problem.profiles.length)
    values.push(-1)
    this.model.addRow(-this.h.infinity, 0, { indices, values })
  }
  /**
   * The next stage's LP from this one: the profiles fixed since move out of Σ y = 1 and into the
   * objective, and the next solve starts from this stage's basis rather than from scratch.
   */
  fix(fixed: ReadonlyArray<number | undefined>): void {
    if (this.vertex !== undefined) this.model.setBasis(this.vertex)
    fixed.forEach((p, t) => {
      if (p === undefined || this.fixedHere[t]) return
      this.model.changeCoefficient(0, t, 0)
      this.model.changeColCost(t, -p)
      this.fixedHere[t] = true
    })
  }
  /**
   * y, ŷ and the objective, or undefined when the LP has no optimum (the fixed probabilities are
   * out of reach). `interior` asks for an interior solution (barrier without crossover), as the
   * reference code asks of Gurobi: every y_t that can be positive is, so the stage fixes as many
   * profiles as it can. Otherwise a simplex vertex, fast to update as panels are added.
   */
  solve(interior = false): { y: Float64Array; cap: number; objective: number } | undefined {
    // the interior solve leaves no basis: keep the vertex's, for the next stage's first solve
    if (interior) {
      this.vertex = this.model.getBasis()
      this.model.options.set({ solver: "ipm", run_crossover: "off" })
    }
    try {
      this.model.run()
    } catch (e) {
      // HiGHS reports a numerical failure as an error status; the vertex below is still right
      if (!interior) throw e
    } finally {
      if (interior) this.model.options.set({ solver: "simplex" })
    }
    if (interior && this.model.getModelStatus() !== this.h.constants.modelStatus.optimal) return this.solve(false)
    if (this.model.getModelStatus() !== this.h.constants.modelStatus.optimal) return undefined
    const x = this.model.getSolution().colValue
    const T = this.problem.profiles.length
    return { y: x.subarray(0, T), cap: x[T]!, objective: this.model.getObjectiveValue() }
  }
  dispose(): void {
    this.model.dispose()
  }
}

/**
 * The distribution over `panels` that comes closest to giving each profile `target[t]`
 * (minimizing the largest shortfall), as the reference code's final primal LP; or, with
 * `target` undefined, the one maximizing the smallest probability of the `covered` profiles.
 */
const mixPanels = (h: Highs, problem: ProfiledProblem, panels: ReadonlyArray<ReadonlyArray<number>>, covered: ReadonlyArray<boolean>, target?: ReadonlyArray<number>): Array<number> => {
  const T = problem.profiles.length
  const K = panels.length
  // rows: 0 = Σ x = 1; 1 + t = profile t's probability (+ ε ≥ target, or − z ≥ 0)
  const rowOf = new Array<number>(T).fill(-1)
  let numRows = 1
  for (let t = 0; t < T; t++) if (covered[t] && (target === undefined || target[t]! > 0)) rowOf[t] = numRows++
  const starts = [0]
  const indices: Array<number> = []
  const values: Array<number> = []
  for (const counts of panels) {
    indices.push(0)
    values.push(1)
    counts.forEach((c, t) => {
      if (c > 0 && rowOf[t]! >= 0) {
        indices.push(rowOf[t]!)
        values.push(c / problem.profiles[t]!.ids.length)
      }
    })
    starts.push(indices.length)
  }
  for (let r = 1; r < numRows; r++) {
    indices.push(r)
    values.push(target === undefined ? -1 : 1)
  }
  starts.push(indices.length)
  const rowLower = new Array<number>(numRows).fill(0)
  rowLower[0] = 1
  if (target !== undefined) for (let t = 0; t < T; t++) if (rowOf[t]! >= 0) rowLower[rowOf[t]!] = target[t]!
  const rowUpper = new Array<number>(numRows).fill(h.infinity)
  rowUpper[0] = 1
  const model = h.createModel({
    numCols: K + 1,
    numRows,
    sense: target === undefined ? h.constants.objectiveSense.maximize : h.constants.objectiveSense.minimize,
    colCost: [...new Array<number>(K).fill(0), 1],
    colLower: new Float64Array(K + 1),
    colUpper: new Array<number>(K + 1).fill(h.infinity),
    rowLower,
    rowUpper,
    matrix: { format: "csc", numRows, numCols: K + 1, starts, indices, values }
  })
  try {
    // simplex: a vertex, so few panels carry the probability
    model.options.set({ ...QUIET, solver: "simplex" })
    model.run()
    if (model.getModelStatus() !== h.constants.modelStatus.optimal) throw new Error(`HiGHS could not mix the panels (model status ${model.getModelStatus()})`)
    const x = Array.from(model.getSolution().colValue.subarray(0, K), (v) => Math.min(1, Math.max(0, v)))
    const total = x.reduce((s, v) => s + v, 0)
    return x.map((v) => v / total)
  } finally {
    model.dispose()
  }
}

/**
 * The leximin over the quota polytope: expected counts `e[t] ∈ [0, |t|]` with `Σ e = size` and
 * every quota row, no integrality. Every distribution over panels has its expected counts in this
 * polytope, so its leximin is at least as good as any distribution's (an upper bound, in leximin
 * order). It is a sequence of small LPs (one column per profile, no panels): maximize the smallest
 * unfixed probability z, then fix every profile whose row has a positive dual (it is at z in every
 * optimum), and again. Returns each profile's probability, or undefined when HiGHS fails.
 */
const relaxedLeximin = (h: Highs, problem: ProfiledProblem): { probabilities: Array<number>; stages: number } | undefined => {
  const T = problem.profiles.length
  const R = problem.rows.length
  const size = (t: number): number => problem.profiles[t]!.ids.length
  // rows: 0 = Σ e = size; 1 + i = quota i; 1 + R + t = e_t − |t|·z ≥ 0 while t is unfixed
  const rowsOf: Array<Array<number>> = problem.profiles.map((_, t) => [0])
  problem.rows.forEach((r, i) => r.members.forEach((t) => rowsOf[t]!.push(1 + i)))
  const starts = [0]
  const indices: Array<number> = []
  const values: Array<number> = []
  for (let t = 0; t < T; t++) {
    for (const r of rowsOf[t]!) {
      indices.push(r)
      values.push(1)
    }
    indices.push(1 + R + t)
    values.push(1)
    starts.push(indices.length)
  }
  for (let t = 0; t < T; t++) {
    indices.push(1 + R + t)
    values.push(-size(t))
  }
  starts.push(indices.length)
  const numRows = 1 + R + T
  const model = h.createModel({
    numCols: T + 1,
    numRows,
    sense: h.constants.objectiveSense.maximize,
    colCost: [...new Array<number>(T).fill(0), 1],
    colLower: new Float64Array(T + 1),
    colUpper: [...problem.profiles.map((p) => p.ids.length), 1],
    rowLower: [problem.size, ...problem.rows.map((r) => (r.min > 0 ? r.min : -h.infinity)), ...new Array<number>(T).fill(0)],
    rowUpper: [problem.size, ...problem.rows.map((r) => r.max), ...new Array<number>(T).fill(h.infinity)],
    matrix: { format: "csc", numRows, numCols: T + 1, starts, indices, values }
  })
  try {
    model.options.set({ ...QUIET, solver: "simplex" })
    const fixed: Array<number | undefined> = new Array(T).fill(undefined)
    let unfixed = T
    let stages = 0
    // a fixed profile keeps p_t ≥ z less this share of it: HiGHS meets bounds within its feasibility
    // tolerance (1e-7), so solutions sit that far below the earlier stages' bounds, and after a dozen
    // stages the LP can be declared infeasible (seen on a pool of 1,938 × 6 features at 1e-9); each
    // time that happens the slack grows tenfold, up to 1e-4, far inside ACCEPT
    let slack = 1e-7
    const lowerOf = (t: number): number => Math.max(0, size(t) * fixed[t]! * (1 - slack) - slack)
    while (unfixed > 0) {
      let solved = false
      try {
        model.run()
        solved = model.getModelStatus() === h.constants.modelStatus.optimal
      } catch {
        // a numerical failure: as infeasible, below
      }
      if (!solved) {
        if (slack >= 1e-4) return undefined
        slack *= 10
        for (let t = 0; t < T; t++) if (fixed[t] !== undefined) model.changeColBounds(t, lowerOf(t), size(t))
        continue
      }
      stages++
      const { colValue, rowDual } = model.getSolution()
      const z = Math.max(0, Math.min(1, colValue[T]!))
      const fix = (t: number): void => {
        fixed[t] = z
        unfixed--
        // keep p_t ≥ z (a hair below, so that floating point keeps the next LP feasible), out of z's rows
        model.changeColBounds(t, lowerOf(t), size(t))
        model.changeRowBounds(1 + R + t, -h.infinity, h.infinity)
      }
      let best = -1
      const before = unfixed
      for (let t = 0; t < T; t++) {
        if (fixed[t] !== undefined) continue
        const d = Math.abs(rowDual[1 + R + t]!)
        if (best < 0 || d > Math.abs(rowDual[1 + R + best]!)) best = t
        if (d > 1e-9) fix(t)
      }
      // a positive dual always exists at an optimum below 1 (or z = 1 and every profile is at 1)
      if (unfixed === before) {
        if (z >= 1 - 1e-9) for (let t = 0; t < T; t++) if (fixed[t] === undefined) fix(t)
        else fix(best)
      }
    }
    return { probabilities: fixed.map((p) => p ?? 0), stages }
  } finally {
    model.dispose()
  }
}

/**
 * A distribution over panels that gives every profile `target[t]`, by column generation: the
 * master LP `minimize ε: Σ_k x_k = 1, Σ_k x_k·c_k(t)/|t| + ε ≥ target[t]` over the panels found,
 * the pricing `PanelSearch.search` with the master's duals. Returns the weights of `pool.panels`
 * and the shortfall ε; ε stays above 0 when the target lies outside what panels can reach.
 */
const decompose = (h: Highs, problem: ProfiledProblem, pool: PanelPool, target: ReadonlyArray<number>): { weights: Array<number>; shortfall: number; lps: number } => {
  const T = problem.profiles.length
  const size = (t: number): number => problem.profiles[t]!.ids.length
  const rowOf = new Array<number>(T).fill(-1)
  const rowTargets: Array<number> = [1]
  for (let t = 0; t < T; t++) {
    if (target[t]! > 0) {
      rowOf[t] = rowTargets.length
      rowTargets.push(target[t]!)
    }
  }
  const numRows = rowTargets.length
  const model = h.createModel({
    numCols: 1,
    numRows,
    sense: h.constants.objectiveSense.minimize,
    colCost: [1],
    colLower: [-h.infinity],
    colUpper: [h.infinity],
    rowLower: rowTargets,
    rowUpper: [1, ...new Array<number>(numRows - 1).fill(h.infinity)],
    matrix: { format: "csc", numRows, numCols: 1, starts: [0, numRows - 1], indices: rowTargets.slice(1).map((_, i) => i + 1), values: new Array<number>(numRows - 1).fill(1) }
  })
  const addColumn = (counts: ReadonlyArray<number>): void => {
    const indices = [0]
    const values = [1]
    counts.forEach((c, t) => {
      if (c > 0 && rowOf[t]! >= 0) {
        indices.push(rowOf[t]!)
        values.push(c / size(t))
      }
    })
    model.addCol(0, 0, h.infinity, { indices, values })
  }
  try {
    // primal simplex: a new panel is a new column, and the last basis stays primal feasible, so each
    // re-solve starts where the last one ended (HiGHS's default, the dual simplex, restarted from a
    // dual-infeasible basis each time: measured 2.8× slower on 2,000 candidates × 6 features)
    model.options.set({ ...QUIET, solver: "simplex", presolve: "off", simplex_strategy: 4 })
    let added = 0
    const sync = (): void => {
      for (; added < pool.panels.length; added++) addColumn(pool.panels[added]!)
    }
    sync()
    let lps = 0
    let center: Float64Array | undefined
    for (;;) {
      model.run()
      lps++
      if (model.getModelStatus() !== h.constants.modelStatus.optimal) throw new Error(`HiGHS could not mix the panels (model status ${model.getModelStatus()})`)
      const { colValue, rowDual } = model.getSolution()
      const shortfall = colValue[0]!
      const x = Array.from(colValue.subarray(1), (v) => Math.max(0, v))
      if (shortfall <= ACCEPT) return { weights: x, shortfall, lps }
      // the duals of the target rows sum to 1 (ε's column); their sign follows HiGHS's convention
      const y = new Float64Array(T)
      let sum = 0
      for (let t = 0; t < T; t++) if (rowOf[t]! >= 0) sum += y[t] = rowDual[rowOf[t]!]!
      const sign = sum < 0 ? -1 : 1
      const weights = Array.from(y, (v, t) => Math.max(0, sign * v) / size(t))
      // every panel the master uses is worth the same under these weights: the value to beat
      let reference = -Infinity
      x.forEach((v, k) => {
        if (v > 1e-9) reference = Math.max(reference, pool.panels[k]!.reduce((s, c, t) => s + c * weights[t]!, 0))
      })
      const { counts, improving } = pool.search.search(weights, reference + PRICING_GAP)!
      if (!improving || !pool.add(counts)) return { weights: x, shortfall, lps }
      // more panels priced at points between these duals and a running average of the earlier ones
      const yy = Float64Array.from(y, (v) => Math.max(0, sign * v))
      if (center === undefined) center = yy
      else for (let t = 0; t < T; t++) center[t] = SMOOTH * center[t]! + (1 - SMOOTH) * yy[t]!
      for (const alpha of MIXES) {
        const mixed = Array.from(center, (c, t) => (alpha * c + (1 - alpha) * yy[t]!) / size(t))
        for (const extra of pool.search.round(mixed)) {
          const value = extra.reduce((s, c, t) => s + c * weights[t]!, 0)
          if (value > reference + PRICING_GAP) pool.add(extra)
        }
      }
      sync()
    }
  } finally {
    model.dispose()
  }
}

/**
 * The peel stops when the weight not yet given to panels is below this: the panels found then
 * reach every probability within it (each profile's shortfall is at most the rest), half of
 * ACCEPT, and `decompose` settles the weights in one LP instead of peeling a long tail of panels
 * each worth less (measured on 2,000 candidates × 6 features before the margins below: 322 steps
 * instead of about 560; with the margins the peel ends after about 60 steps anyway).
 */
const PEEL_REST = ACCEPT / 2

/** The margins the peel's roundings try, widest first (see `peel`). */
const ROUNDING_MARGINS = [0.25, 0.15, 0.1, 0.05, 0.02, 0]

/** log(f / (1 − f)) of a fraction f (0 for a whole count, which its bounds fix anyway). */
const logOdds = (f: number): number => {
  if (f === 0) return 0
  const g = Math.min(Math.max(f, 1e-6), 1 - 1e-6)
  return Math.log(g / (1 - g))
}

/**
 * Panels mixing to `expected` (a point of the quota polytope), peeled off one at a time: take a
 * panel `q` that rounds the current point within its cell and face (every count at ⌊e_t⌋ or
 * ⌈e_t⌉, every quota at its bound kept there), then move the point away from `q` until a count
 * becomes whole or a quota reaches a bound, so that `q` and the new point mix to the old one, and
 * again. Each step makes at least one more count whole or one more quota tight, and both stay so:
 * at most one step per profile and quota. Stops when the point is a panel itself, when the rest is
 * below PEEL_REST, or when no rounding fits (the point is then outside what panels can reach):
 * `rest` is the weight not yet given to panels.
 */
const peel = (problem: ProfiledProblem, search: PanelSearch, expected: ReadonlyArray<number>): { panels: Array<Array<number>>; weights: Array<number>; rest: number } => {
  const T = problem.profiles.length
  const rows = problem.rows
  const size = (t: number): number => problem.profiles[t]!.ids.length
  const e = Float64Array.from(expected)
  const panels: Array<Array<number>> = []
  const weights: Array<number> = []
  let rest = 1
  const snap = (v: number): number => {
    const r = Math.round(v)
    return Math.abs(v - r) < 1e-7 ? r : v
  }
  for (let t = 0; t < T; t++) e[t] = Math.max(0, Math.min(size(t), snap(e[t]!)))
  // the index in ROUNDING_MARGINS of the last margin that admitted a panel
  let margin = 0
  for (let step = 0; step <= T + rows.length + 1 && rest > PEEL_REST; step++) {
    // the quotas the point is at (or past, by floating-point dust) stay there: the panel meets them exactly
    const sums = rows.map((r) => r.members.reduce((s, t) => s + e[t]!, 0))
    const face = rows.map((r, i) => {
      const s = sums[i]!
      if (r.min > 0 && s - r.min < 1e-6) return { ...r, max: r.min }
      if (r.max - s < 1e-6) return { ...r, min: r.max }
      return r
    })
    const floor = Array.from(e, Math.floor)
    const ceil = Array.from(e, Math.ceil)
    // round the large fractions up and the small ones down, weighted by their log-odds, and at first
    // force it: every fraction below the margin τ rounded down and every one above 1 − τ up. How far
    // the point can move away from q is set by the count rounded against its fraction the most
    // (by f/(1 − f) at most, rounding f up), so the margin keeps each step at least τ/(1 − τ) long
    // (but for the quotas) and the panels few; the margin narrows, down to none, until a panel fits,
    // and the next step starts one margin wider than the last that did. Measured on 2,000
    // candidates × 6 features: 89 steps and 5.3 s with a margin of 0.1 throughout, 314 steps and
    // 20.4 s without one (with the fractions themselves as weights rather than their log-odds: 410)
    const weights = Array.from(e, (v, t) => logOdds(v - floor[t]!))
    const fits = (q: ReadonlyArray<number> | undefined): q is ReadonlyArray<number> =>
      q !== undefined &&
      q.every((v, t) => v >= floor[t]! && v <= ceil[t]!) &&
      face.every((r) => {
        const s = r.members.reduce((s, t) => s + q[t]!, 0)
        return s >= r.min && s <= r.max
      })
    let q: Array<number> | undefined
    for (margin = Math.max(0, margin - 1); margin < ROUNDING_MARGINS.length; margin++) {
      const tau = ROUNDING_MARGINS[margin]!
      const lower = tau === 0 ? floor : Array.from(e, (v, t) => (v - floor[t]! > 1 - tau ? ceil[t]! : floor[t]!))
      const upper = tau === 0 ? ceil : Array.from(e, (v, t) => (v - floor[t]! < tau ? floor[t]! : ceil[t]!))
      // (a panel from an interrupted MILP is checked like any other)
      q = search.within(weights, lower, upper, face.map((r) => r.min), face.map((r) => r.max))
      if (fits(q)) break
      q = undefined
    }
    if (q === undefined) break
    const d = Array.from(e, (v, t) => v - q[t]!)
    // how far the point can move away from q: the ratio test against its cell and the quotas
    let mu = Infinity
    for (let t = 0; t < T; t++) {
      if (d[t]! < -1e-12) mu = Math.min(mu, (e[t]! - floor[t]!) / -d[t]!)
      else if (d[t]! > 1e-12) mu = Math.min(mu, (ceil[t]! - e[t]!) / d[t]!)
    }
    rows.forEach((r, i) => {
      // a quota the point is at moves by floating-point dust only (q meets it exactly)
      if (face[i]!.min === face[i]!.max) return
      const dr = r.members.reduce((s, t) => s + d[t]!, 0)
      if (dr < -1e-9 && r.min > 0) mu = Math.min(mu, Math.max(0, sums[i]! - r.min) / -dr)
      else if (dr > 1e-9) mu = Math.min(mu, Math.max(0, r.max - sums[i]!) / dr)
    })
    if (mu === Infinity) {
      // the point is the panel
      panels.push(q)
      weights.push(rest)
      rest = 0
      break
    }
    const lambda = mu / (1 + mu)
    panels.push(q)
    weights.push(rest * lambda)
    rest *= 1 - lambda
    for (let t = 0; t < T; t++) e[t] = Math.max(0, Math.min(size(t), snap(e[t]! + mu * d[t]!)))
  }
  return { panels, weights, rest }
}

const finish = (method: Distribution["method"], problem: ProfiledProblem, pool: PanelPool, weights: Array<number>, stats: Omit<DistributionStats, "panels" | "milps">): Distribution => {
  const T = problem.profiles.length
  const panels: Array<PanelShape> = []
  const probability = new Array<number>(T).fill(0)
  pool.panels.forEach((counts, k) => {
    const w = weights[k]!
    if (w <= 1e-9) return
    panels.push({ probability: w, counts })
    counts.forEach((c, t) => (probability[t]! += (w * c) / problem.profiles[t]!.ids.length))
  })
  // drop the dust and renormalize, so that sampling sees probabilities that sum to 1
  const total = panels.reduce((s, p) => s + p.probability, 0)
  const normalized = panels.map((p) => ({ probability: p.probability / total, counts: p.counts }))
  return { method, problem, panels: normalized, profileProbabilities: probability.map((p) => p / total), stats: { panels: pool.panels.length, milps: pool.search.solves, ...stats, lps: stats.lps + pool.search.relaxations } }
}

/**
 * The leximin distribution: maximize the smallest selection probability, then the second
 * smallest, and so on.
 *
 * First over the quota polytope (`relaxedLeximin`: small LPs over profiles, no panels), which
 * bounds what any distribution over panels can give; then panels that mix to those probabilities
 * (`peel` for a head start, `decompose` by column generation). When they reach every probability
 * within ACCEPT, no distribution can do better: that is the leximin. Otherwise (the quotas'
 * integrality keeps panels from the relaxation's optimum) the reference code's stages run, from the
 * panels found: each stage is a column generation on the dual of "maximize the smallest unfixed
 * probability, keeping the fixed ones": solve the dual LP over the known panels, ask the MILP for
 * the panel that most violates it, add it, until none does (within EPS); the profiles with a
 * positive dual weight are then fixed at the stage's optimum. A last LP mixes the panels found to
 * give every profile its fixed probability.
 *
 * `problem` must admit a panel (see `PanelSearch.best`). Deterministic: the same problem gives the
 * same distribution.
 */
export const leximin = (h: Highs, problem: ProfiledProblem, options: Options = {}): Distribution => {
  const search = new PanelSearch(h, problem)
  try {
    const pool = new PanelPool(search)
    const relaxed = relaxedLeximin(h, problem)
    if (relaxed !== undefined) {
      // the first panels: roundings of the relaxation's expected counts, else the nearest panel
      const sizes = problem.profiles.map((p) => p.ids.length)
      const expected = relaxed.probabilities.map((p, t) => p * sizes[t]!)
      const w = relaxed.probabilities.map((p, t) => p / sizes[t]!)
      for (const counts of roundRelaxed(problem, expected, w, -Infinity, 10)) pool.add(counts)
      if (pool.panels.length === 0) for (const counts of search.round(w)) pool.add(counts)
      if (pool.panels.length === 0) {
        const counts = search.best(w)
        if (counts === undefined) throw new Error("no panel meets the quotas: check feasibility first")
        pool.add(counts)
      }
      const peeled = peel(problem, search, expected)
      for (const counts of peeled.panels) pool.add(counts)
      const mix = decompose(h, problem, pool, relaxed.probabilities)
      // panels reach the relaxation's leximin, which no distribution can beat: it is the leximin
      if (mix.shortfall <= ACCEPT) return finish("leximin", problem, pool, mix.weights, { lps: relaxed.stages + mix.lps, stages: relaxed.stages })
    }
    return stages(h, problem, "leximin", options, pool)
  } finally {
    search.dispose()
  }
}

/**
 * The maximin distribution: maximize the smallest selection probability among the people that
 * some panel can include, and nothing more (the first stage of the leximin). Other probabilities
 * are whatever the LP's vertex gives, so it is less fair than the leximin above the minimum.
 */
export const maximin = (h: Highs, problem: ProfiledProblem, options: Options = {}): Distribution => {
  const search = new PanelSearch(h, problem)
  try {
    return stages(h, problem, "maximin", options, new PanelPool(search))
  } finally {
    search.dispose()
  }
}

const stages = (h: Highs, problem: ProfiledProblem, method: Distribution["method"], options: Options, pool: PanelPool): Distribution => {
  const T = problem.profiles.length
  const search = pool.search
  const covered = seedPanels(pool, problem, options.seedRounds ?? Math.min(3 * T, 10))
  if (pool.panels.length === 0) throw new Error("no panel meets the quotas: check feasibility first")
  // profiles no panel can include are fixed at 0 from the start
  const fixed: Array<number | undefined> = covered.map((c) => (c ? undefined : 0))
  let lps = 0
  let stageCount = 0
  let dual = new StageDual(h, problem, pool.panels, fixed)
  try {
    while (fixed.some((p) => p === undefined)) {
      stageCount++
      let center: Float64Array | undefined
      for (;;) {
        const solution = dual.solve()
        lps++
        if (solution === undefined) {
          // floating point made the fixed probabilities slightly out of reach: lower them a little
          for (let t = 0; t < T; t++) if (fixed[t] !== undefined) fixed[t] = Math.max(0, fixed[t]! - RELAX)
          dual.dispose()
          dual = new StageDual(h, problem, pool.panels, fixed)
          continue
        }
        const { cap, objective } = solution
        const weights = Array.from(solution.y, (v, t) => v / problem.profiles[t]!.ids.length)
        // any panel worth more than ŷ + EPS under the dual weights improves the LP
        const { counts, improving, others = [] } = search.search(weights, cap + EPS, options.alternatives ?? 0)!
        if (!improving || !pool.add(counts)) {
          if (method === "maximin") {
            return finish(method, problem, pool, mixPanels(h, problem, pool.panels, covered), { lps: lps + 1, stages: 1 })
          }
          // the dual weights of an interior solution of the same LP mark every profile to fix
          const interior = dual.solve(true)
          lps++
          const { y } = interior ?? solution
          const unfixed = fixed.filter((p) => p === undefined).length
          // the reference fixes y_t > EPS; with hundreds of profiles sharing Σ y = 1 that can miss
          // some, so the threshold scales down with their number
          const threshold = Math.min(EPS, 0.01 / unfixed)
          let progressed = false
          for (let t = 0; t < T; t++) {
            if (fixed[t] === undefined && y[t]! > threshold) {
              fixed[t] = Math.max(0, objective)
              progressed = true
            }
          }
          if (!progressed) {
            // numerically flat: fix the profile with the largest weight, which must be binding
            let best = -1
            for (let t = 0; t < T; t++) if (fixed[t] === undefined && (best < 0 || y[t]! > y[best]!)) best = t
            fixed[best] = Math.max(0, objective)
          }
          break
        }
        dual.addPanel(counts)
        for (const other of others) if (pool.add(other)) dual.addPanel(other)
        // more panels that cut off this dual solution, priced at points between it and the
        // earlier ones (smoothed duals), which tend to be the panels of the final distribution
        if (center === undefined) center = Float64Array.from(solution.y)
        else for (let t = 0; t < T; t++) center[t] = SMOOTH * center[t]! + (1 - SMOOTH) * solution.y[t]!
        for (const alpha of MIXES) {
          const mixed = Array.from(center, (c, t) => (alpha * c + (1 - alpha) * solution.y[t]!) / problem.profiles[t]!.ids.length)
          for (const extra of search.round(mixed)) {
            const value = extra.reduce((s, c, t) => s + c * weights[t]!, 0)
            if (value > cap + EPS && pool.add(extra)) dual.addPanel(extra)
          }
        }
      }
      if (fixed.some((p) => p === undefined)) dual.fix(fixed)
    }
  } finally {
    dual.dispose()
  }
  const target = fixed.map((p) => p ?? 0)
  return finish(method, problem, pool, mixPanels(h, problem, pool.panels, covered, target), { lps: lps + 1, stages: stageCount })
}
