/**
 * What every fuzz test checks of an importer, input by input:
 *
 * - no crash: the importer returns, or fails with one of convene's typed errors (InputError,
 *   Conflict, NotFound: exit 2); anything else thrown (a TypeError, a RangeError, a stack
 *   overflow, a defect in an Effect) or a StoreError (exit 3: the database refused what the
 *   checks let through) is a crash;
 * - every problem located: it names the file and a line (FILE:LINE);
 * - no hang: each input is timed; inputs slower than {@link SLOW_MS} are counted and reported,
 *   and only one slower than {@link HANG_MS} (a gross hang) fails the test, so that a loaded CI
 *   machine cannot make it flaky;
 * - no partial write (the database importers): the tables are the same after a failed import
 *   as before it.
 *
 * The number of inputs and the seed come from FUZZ_RUNS (1,000 by default) and FUZZ_SEED; FUZZ_ONLY=N
 * runs input N alone (what a failure names), and FUZZ_SAVE=DIR writes each failing input there.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { performance } from "node:perf_hooks"
import * as Effect from "effect/Effect"
import { formatProblem, isConveneError, type Problem } from "../../src/domain/Errors.js"
import type { DatabaseShape } from "../../src/infra/Database.js"
import { ConveneStore, type Store } from "../../src/Store.js"
import { type Mutant, mutate } from "./mutator.js"

const env = (name: string): string | undefined => {
  const v = process.env[name]
  return v === undefined || v === "" ? undefined : v
}

/** Inputs per importer: 1,000 in the test suite (CI), 20,000 under `pnpm fuzz` (FUZZ_RUNS). */
export const FUZZ_RUNS = Number(env("FUZZ_RUNS") ?? 1_000)
/** The run's seed: fixed, so that CI runs the same inputs every time. */
export const FUZZ_SEED = Number(env("FUZZ_SEED") ?? 20_261_130)
/** Input numbers to run alone (FUZZ_ONLY=17,230), to reproduce a failure. */
const ONLY = env("FUZZ_ONLY")?.split(",").map(Number)
/** An input slower than this is reported, not failed. */
export const SLOW_MS = 2_000
/** An input slower than this fails the test: a gross hang, not a slow machine. */
export const HANG_MS = Number(env("FUZZ_HANG_MS") ?? 20_000)
/** A test's own timeout: room for its inputs on a slow machine. */
export const fuzzTimeout = (perInputMs: number): number => Math.max(120_000, FUZZ_RUNS * perInputMs * 10)

/** The input numbers a run goes through. */
export const inputNumbers = (): ReadonlyArray<number> => ONLY ?? Array.from({ length: FUZZ_RUNS }, (_, n) => n)

/** What a run found. */
export interface Finding {
  readonly n: number
  readonly kind: "crash" | "unlocated" | "hang" | "partial-write" | "store-error"
  readonly detail: string
  readonly mutations: ReadonlyArray<string>
}

/** The tally of one importer's run, printed at its end. */
export class FuzzReport {
  inputs = 0
  accepted = 0
  refused = 0
  imports = 0
  stored = 0
  slow: Array<{ n: number; ms: number }> = []
  findings: Array<Finding> = []
  private readonly started = performance.now()
  /** `file`: the name every problem must carry (the SDK's imports show paths as `displayPath` does). */
  constructor(readonly name: string, public file: string) {}

  find(n: number, mutant: Mutant, kind: Finding["kind"], detail: string, text = mutant.text): void {
    this.findings.push({ n, kind, detail: detail.slice(0, 400), mutations: mutant.mutations })
    const dir = env("FUZZ_SAVE")
    if (dir !== undefined) {
      mkdirSync(dir, { recursive: true })
      writeFileSync(join(dir, `${this.name.replace(/\W+/g, "_")}-${n}.input`), text)
    }
  }

  timed(n: number, ms: number, mutant: Mutant): void {
    if (ms > SLOW_MS) this.slow.push({ n, ms: Math.round(ms) })
    if (ms > HANG_MS) this.find(n, mutant, "hang", `took ${Math.round(ms)} ms`)
  }

  /** One line for the test's output: inputs, time, findings. */
  summary(): string {
    const ms = Math.round(performance.now() - this.started)
    const slow = this.slow.length === 0 ? "" : `, ${this.slow.length} slower than ${SLOW_MS} ms (${this.slow.slice(0, 5).map((s) => `#${s.n} ${s.ms} ms`).join(", ")})`
    const imports = this.imports === 0 ? "" : `, ${this.imports} through the database of which ${this.stored} stored`
    return `fuzz ${this.name}: ${this.inputs} inputs (seed ${FUZZ_SEED}; ${this.accepted} accepted, ${this.refused} refused${imports}) in ${ms} ms, ${this.findings.length} findings${slow}`
  }

  /** The findings, short enough for an assertion message. */
  failures(): Array<string> {
    return this.findings.slice(0, 20).map((f) => `#${f.n} ${f.kind} [${f.mutations.join(" ")}]: ${f.detail}`)
  }
}

/** Problems that do not name the file and a line. */
const unlocated = (file: string, problems: ReadonlyArray<Problem>): Array<Problem> =>
  problems.filter((p) => p.file !== file || p.line === undefined || !Number.isInteger(p.line) || p.line < 1)

const describe = (e: unknown): string =>
  e instanceof Error ? `${e.constructor.name}: ${e.message.split("\n")[0]}${e.stack === undefined ? "" : ` @ ${e.stack.split("\n").slice(1, 3).map((l) => l.trim()).join(" ")}`}` : String(e)

/**
 * Classifies what an importer did with one input: returned problems, or threw. Records
 * crashes and unlocated problems; returns whether the input was accepted (no problem).
 */
export const judge = (report: FuzzReport, n: number, mutant: Mutant, outcome: { readonly problems: ReadonlyArray<Problem> } | { readonly thrown: unknown }, count = true): boolean => {
  let problems: ReadonlyArray<Problem>
  if ("thrown" in outcome) {
    const e = outcome.thrown
    if (!isConveneError(e) || e._tag === "StoreError") {
      if (!isConveneError(e)) report.find(n, mutant, "crash", describe(e))
      else report.find(n, mutant, "store-error", e.message)
      if (count) report.refused++
      return false
    }
    problems = (e as { problems?: ReadonlyArray<Problem> }).problems ?? []
    if (e._tag === "InputError" && problems.length === 0) report.find(n, mutant, "unlocated", `no problem listed: ${e.message}`)
  } else problems = outcome.problems
  const bad = unlocated(report.file, problems)
  if (bad.length > 0) report.find(n, mutant, "unlocated", bad.slice(0, 3).map(formatProblem).join(" | "))
  const refused = "thrown" in outcome || problems.length > 0
  if (count && refused) report.refused++
  else if (count) report.accepted++
  return !refused
}

/**
 * Runs a pure decoder on every input: `decode` returns the problems it found, or throws.
 * Returns the inputs it accepted (for the database stage).
 */
export const fuzzDecoder = (report: FuzzReport, seeds: ReadonlyArray<string>, decode: (text: string) => ReadonlyArray<Problem>): Array<{ n: number; mutant: Mutant }> => {
  const accepted: Array<{ n: number; mutant: Mutant }> = []
  for (const n of inputNumbers()) {
    const mutant = mutate(seeds, FUZZ_SEED, n)
    report.inputs++
    const t0 = performance.now()
    let outcome: { problems: ReadonlyArray<Problem> } | { thrown: unknown }
    try {
      outcome = { problems: decode(mutant.text) }
    } catch (e) {
      outcome = { thrown: e }
    }
    report.timed(n, performance.now() - t0, mutant)
    if (judge(report, n, mutant, outcome)) accepted.push({ n, mutant })
  }
  return accepted
}

/** Runs an Effect on a database: its success, or its typed failure; a defect rejects. */
export const attempt = <A, E>(shape: DatabaseShape, program: Effect.Effect<A, E, Store>): Promise<{ ok: true; value: A } | { ok: false; error: E }> =>
  Effect.runPromise(
    Effect.result(program).pipe(
      Effect.map((r) => (r._tag === "Success" ? { ok: true as const, value: r.success } : { ok: false as const, error: r.failure })),
      Effect.provide(ConveneStore.layerFrom(shape))
    )
  )

/**
 * Imports one input through the SDK on a database and checks it: a failure must be a located
 * convene error and leave `snapshot()` unchanged. Returns whether the import succeeded.
 */
export const fuzzImport = async <A, E>(
  report: FuzzReport,
  n: number,
  mutant: Mutant,
  shape: DatabaseShape,
  program: Effect.Effect<A, E, Store>,
  snapshot: () => Promise<string>
): Promise<boolean> => {
  report.imports++
  const before = await snapshot()
  const t0 = performance.now()
  let outcome: { ok: true; value: A } | { ok: false; error: E } | { thrown: unknown }
  try {
    outcome = await attempt(shape, program)
  } catch (e) {
    outcome = { thrown: e }
  }
  report.timed(n, performance.now() - t0, mutant)
  if ("ok" in outcome && outcome.ok) {
    report.stored++
    return true
  }
  const thrown = "thrown" in outcome ? outcome.thrown : outcome.error
  // the decoder accepted this input: a refusal now is the database's checks (references, unique values)
  report.refused++
  report.accepted--
  judge(report, n, mutant, { thrown }, false)
  const after = await snapshot()
  if (after !== before) report.find(n, mutant, "partial-write", `the tables changed although the import failed (${describe(thrown)})`)
  return false
}
