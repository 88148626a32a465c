/**
 * The workflow behind `convene results simulate`: seeded, simulated results for every site that
 * has none yet, stored through the results' one write path ({@link storeResults}) and marked
 * simulated, so the status, the log and the report show them for what they are.
 */
import * as Effect from "effect/Effect"
import { InputError, NotFound } from "../domain/Errors.js"
import type { Site } from "../domain/Registry.js"
import type { ResultPart, SiteResults } from "../domain/Results.js"
import { type SimulatedResultEffect, simulatedResultEffects, simulateSiteResults } from "../domain/ResultsSimulation.js"
import type { Workspace } from "../infra/Workspace.js"
import { listRegistry } from "../registries/index.js"
import { ballotsForSite } from "../domain/Ballot.js"
import { ballotsWithSessions, readBallots } from "./Ballots.js"
import { storeResults } from "./Results.js"
import { ResultsRepo } from "./ResultsRepo.js"

/** What `results simulate` needs. */
export interface SimulateResultsOptions {
  readonly workspace: Workspace
  readonly seed: number
  /** Only these sites (mirror sites too, when named); default every site of the registry but mirror dialogues. */
  readonly sites?: ReadonlyArray<string> | undefined
  /** Simulate mirror dialogues too (they are reported apart). */
  readonly includeMirror?: boolean | undefined
  readonly onProgress?: ((done: number, total: number) => void) | undefined
  /** Simulate and write every batch through the write path (every check runs), then roll it back: store nothing. */
  readonly dryRun?: boolean | undefined
}

/** What a simulation stored. */
export interface ResultsSimulationSummary {
  /** Always true: these results are made up. */
  readonly simulated: true
  readonly seed: number
  /** Sites whose results were simulated and stored (as submitted). */
  readonly sites: number
  /** Sites left as they were because they already had results (entered or simulated). */
  readonly skipped: number
  readonly tables: number
  readonly present: number
  readonly ballots: number
  readonly recommendations: number
  /** The regional differences built in, for checking a report against. */
  readonly effects: ReadonlyArray<SimulatedResultEffect>
  /** Set by a dry run: nothing was stored. */
  readonly dryRun?: true
  /** With a dry run: the first sites that would be simulated (at most 5). */
  readonly sample?: ReadonlyArray<string>
}

/** Sites per write: one transaction each, and a progress step. */
export const SIMULATE_BATCH = 200

const PARTS: ReadonlyArray<ResultPart> = ["tallies", "ballots", "recommendations"]

/**
 * Simulates the results of every site that has none yet (every site but mirror dialogues,
 * unless `includeMirror`; or the `sites` named) and stores them, submitted, as the actor
 * `simulation`, marked simulated, {@link SIMULATE_BATCH} sites per transaction. Deterministic:
 * the same seed and registry store the same results; a site that already has results, from
 * any way in, is skipped, so running it again adds nothing.
 *
 * @example
 * const summary = yield* simulateResults({ workspace, seed: 1 })
 * // { simulated: true, seed: 1, sites: 1999, skipped: 1, present: 165402, ballots: 165402, … }
 */
export const simulateResults = Effect.fn("Results.simulate")(function*(options: SimulateResultsOptions) {
  const loaded = yield* readBallots(options.workspace.dir, options.workspace.dialogue)
  const ballots = loaded.ballots
  if (ballots.questions.length === 0) return yield* new InputError({ summary: "The workspace has no vote questions: add them in ballots/*.yaml (docs/results.md).", problems: [] })
  const registry = yield* listRegistry("sites")
  let sites = registry.filter((s) => options.includeMirror === true || s.format !== "mirror")
  if (options.sites !== undefined && options.sites.length > 0) {
    const byId = new Map<string, Site>(registry.map((s) => [s.id, s]))
    const unknown = options.sites.find((id) => !byId.has(id))
    if (unknown !== undefined) return yield* new NotFound({ what: "site", id: unknown })
    sites = [...new Set(options.sites)].map((id) => byId.get(id)!)
  }
  const entered = new Set<string>((yield* ResultsRepo.use((repo) => repo.statuses())).map((s) => s.site_id))
  const todo = sites.filter((s) => !entered.has(s.id))
  // a site holding a national session votes on its questions too
  const all = yield* ballotsWithSessions(options.workspace, ballots, registry)
  const totals = { tables: 0, present: 0, ballots: 0, recommendations: 0 }
  options.onProgress?.(0, todo.length)
  for (let i = 0; i < todo.length; i += SIMULATE_BATCH) {
    const batch = todo.slice(i, i + SIMULATE_BATCH)
    const entries: Array<SiteResults> = batch.map((s) => simulateSiteResults(ballotsForSite(all, s.id), s, options.seed))
    yield* storeResults(all, entries, PARTS, { actor: "simulation", action: "simulate", simulated: true, submit: true, dryRun: options.dryRun })
    for (const e of entries) {
      totals.tables += e.tallies.length
      totals.present += e.tallies.reduce((a, t) => a + t.present, 0)
      totals.ballots += e.ballots.length
      totals.recommendations += e.recommendations.length
    }
    options.onProgress?.(i + batch.length, todo.length)
  }
  const summary: ResultsSimulationSummary = {
    simulated: true,
    seed: options.seed,
    sites: todo.length,
    skipped: sites.length - todo.length,
    ...totals,
    effects: simulatedResultEffects(ballots)
  }
  return options.dryRun === true ? { ...summary, dryRun: true as const, sample: todo.slice(0, 5).map((s) => s.id) } : summary
})
