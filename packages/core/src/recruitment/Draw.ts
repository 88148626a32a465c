/**
 * The draw: check the problem, compute the distribution (leximin by default), sample one panel
 * from it with a seed, and report every candidate's selection probability. When no panel meets
 * the quotas, a minimal set of conflicting bounds instead, and nobody is selected.
 */
import * as Effect from "effect/Effect"
import { InputError } from "../domain/Errors.js"
import { activeBounds, type Bound, checkPanel, checkProblem, conflictingBounds, InfeasibleQuotas, type SelectionProblem } from "../domain/Quotas.js"
import { type Distribution, leximin, maximin } from "./Leximin.js"
import { legacyPanel } from "./Legacy.js"
import { type ProfiledProblem, profile } from "./Profiles.js"
import { highs, PanelSearch } from "./Solver.js"

/** How the panel is drawn: the fair `leximin` (default), `maximin`, or the old greedy `legacy`. */
export type SelectionMethod = "leximin" | "maximin" | "legacy"

/**
 * A generator of numbers in [0, 1) from a seed (sfc32 seeded by the cyrb128 hash of the seed's
 * text): the same seed gives the same sequence on every machine.
 *
 * @example
 * const random = seededRandom("2026-assembly")
 * random() // 0.83…, the same every time
 */
export const seededRandom = (seed: string | number): (() => number) => {
  const text = String(seed)
  let h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  let a = (h1 ^ h2 ^ h3 ^ h4) >>> 0, b = (h2 ^ h1) >>> 0, c = (h3 ^ h1) >>> 0, d = (h4 ^ h1) >>> 0
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0
    d = (d + 1) >>> 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) >>> 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) >>> 0
    return t / 4294967296
  }
}

/**
 * One panel drawn from a distribution: a panel shape by its probability, then its count of
 * people from each profile, uniformly. Returns the ids in code order.
 */
export const samplePanel = (distribution: Distribution, random: () => number): Array<string> => {
  const u = random()
  let acc = 0
  let shape = distribution.panels[distribution.panels.length - 1]!
  for (const p of distribution.panels) {
    acc += p.probability
    if (u < acc) {
      shape = p
      break
    }
  }
  const out: Array<string> = []
  shape.counts.forEach((count, t) => {
    const ids = [...distribution.problem.profiles[t]!.ids]
    // partial Fisher–Yates: the first `count` places are a uniform sample
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(random() * (ids.length - i))
      ;[ids[i], ids[j]] = [ids[j]!, ids[i]!]
    }
    out.push(...ids.slice(0, count))
  })
  return out.sort()
}

/** Every candidate's selection probability under a distribution, by id in code order. */
export const marginals = (distribution: Distribution): Array<{ readonly id: string; readonly probability: number }> =>
  distribution.problem.profiles
    .flatMap((p, t) => p.ids.map((id) => ({ id, probability: distribution.profileProbabilities[t]! })))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))

/** A draw: the panel, how it was drawn, and every candidate's chance of being selected. */
export interface Selection {
  readonly method: SelectionMethod
  readonly seed: string
  /** The selected ids, in code order; meets every quota. */
  readonly panel: ReadonlyArray<string>
  /**
   * Each candidate's selection probability, by id. Exact for leximin and maximin; for legacy, an
   * estimate from `legacyRuns` draws with the same seed (the greedy draw has no closed form).
   */
  readonly probabilities: ReadonlyArray<{ readonly id: string; readonly probability: number }>
  /** The distribution the panel was sampled from (leximin and maximin only). */
  readonly distribution?: Distribution | undefined
}

const invalid = (problem: SelectionProblem): InputError | undefined => {
  const issues = checkProblem(problem)
  const bad = issues.filter((i) => i.kind === "invalid" || i.field === "pool")
  if (bad.length === 0) return undefined
  return new InputError({ summary: "The selection problem cannot be used:", problems: bad.map(({ field, message }) => ({ field, message })) })
}

/**
 * A minimal set of conflicting bounds when no panel meets the quotas, by deletion filtering with
 * the panel MILP as the oracle; `[]` when some panel does. The problem must pass `checkProblem`'s
 * "invalid" checks.
 *
 * @example
 * const conflicts = yield* findConflicts(problem) // [{ feature: "gender", value: "woman", side: "min", limit: 6 }, …]
 */
export const findConflicts = Effect.fn("Recruitment.findConflicts")(function*(problem: SelectionProblem) {
  const h = yield* Effect.promise(() => highs())
  const search = new PanelSearch(h, profile(problem))
  try {
    return conflictingBounds<Bound>(activeBounds(problem), (subset) => search.feasibleWith(subset))
  } finally {
    search.dispose()
  }
})

/**
 * The selection distribution of a problem by `method` ("leximin" or "maximin"). Fails with
 * `InputError` for a malformed problem or a pool smaller than the panel, and with
 * `InfeasibleQuotas` (a minimal set of bounds to relax) when no panel meets the quotas. With
 * `compute`, the distribution itself is computed there (a worker thread), the checks here.
 */
export const selectionDistribution = Effect.fn("Recruitment.selectionDistribution")(function*(problem: SelectionProblem, method: "leximin" | "maximin" = "leximin", compute?: DistributionCompute | undefined) {
  const bad = invalid(problem)
  if (bad !== undefined) return yield* Effect.fail(bad)
  const h = yield* Effect.promise(() => highs())
  const profiled = profile(problem)
  const search = new PanelSearch(h, profiled)
  let conflicts: Array<Bound> = []
  try {
    if (search.best(new Float64Array(profiled.profiles.length)) === undefined) {
      conflicts = conflictingBounds<Bound>(activeBounds(problem), (subset) => search.feasibleWith(subset))
    }
  } finally {
    search.dispose()
  }
  if (conflicts.length > 0 || profiled.profiles.length === 0) {
    return yield* Effect.fail(new InfeasibleQuotas({ size: problem.size, conflicts, issues: checkProblem(problem).filter((i) => i.kind === "infeasible") }))
  }
  if (compute !== undefined) return yield* Effect.promise(() => compute(profiled, method))
  return method === "leximin" ? leximin(h, profiled) : maximin(h, profiled)
})

/**
 * Where a distribution is computed, when not in this thread: for example a worker of
 * {@link distributionWorkers}. It must give what `leximin`/`maximin` give.
 */
export type DistributionCompute = (problem: ProfiledProblem, method: "leximin" | "maximin") => Promise<Distribution>

/**
 * Draws a panel: the distribution by `method`, then one panel sampled from it with `seed`. The
 * same problem and seed give the same panel; the panel meets every quota.
 *
 * @example
 * const draw = yield* select({ candidates, features, quotas, size: 150 }, { seed: "site-3/2026-05" })
 * draw.panel          // ["c0012", "c0031", …] 150 ids
 * draw.probabilities  // [{ id: "c0001", probability: 0.0741 }, …]
 */
export const select = Effect.fn("Recruitment.select")(function*(problem: SelectionProblem, options: { readonly seed: string | number; readonly method?: SelectionMethod | undefined; readonly legacyRuns?: number | undefined; readonly compute?: DistributionCompute | undefined }) {
  const method = options.method ?? "leximin"
  const seed = String(options.seed)
  const random = seededRandom(seed)
  let selection: Selection
  if (method === "legacy") {
    const bad = invalid(problem)
    if (bad !== undefined) return yield* Effect.fail(bad)
    const panel = legacyPanel(problem, random)
    if (panel === undefined) {
      // the greedy draw gave up; say why with the solver's conflicts (or a plain refusal)
      const conflicts = yield* findConflicts(problem)
      if (conflicts.length > 0) return yield* Effect.fail(new InfeasibleQuotas({ size: problem.size, conflicts, issues: checkProblem(problem).filter((i) => i.kind === "infeasible") }))
      return yield* Effect.fail(new InputError({ summary: "The legacy draw failed 100 times in a row although some panel meets the quotas; use the leximin method.", problems: [] }))
    }
    selection = { method, seed, panel, probabilities: legacyProbabilities(problem, seed, options.legacyRuns ?? 1000) }
  } else {
    const distribution = yield* selectionDistribution(problem, method, options.compute)
    selection = { method, seed, panel: samplePanel(distribution, random), probabilities: marginals(distribution), distribution }
  }
  const wrong = checkPanel(problem, selection.panel)
  if (wrong.length > 0) return yield* Effect.die(new Error(`the ${method} draw broke a quota: ${wrong.map((w) => `${w.field}: ${w.message}`).join("; ")}`))
  return selection
})

/**
 * Estimates the legacy draw's selection probabilities from `runs` draws (seeded from `seed`), by
 * id in code order. Failed draws are left out.
 */
export const legacyProbabilities = (problem: SelectionProblem, seed: string | number, runs: number): Array<{ readonly id: string; readonly probability: number }> => {
  const random = seededRandom(`${seed}/legacy-estimate`)
  const counts = new Map(problem.candidates.map((c) => [c.id, 0]))
  let done = 0
  for (let r = 0; r < runs; r++) {
    const panel = legacyPanel(problem, random, 1)
    if (panel === undefined) continue
    done++
    for (const id of panel) counts.set(id, counts.get(id)! + 1)
  }
  return [...counts].map(([id, n]) => ({ id, probability: done === 0 ? 0 : n / done })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}
