/**
 * The workflow behind `convene survey simulate`: seeded, simulated answers for demos and
 * benchmarks, stored through the same paths real ones take (participants through the registry
 * import, responses through the surveys' one write path), so reports and exports treat them alike.
 */
import * as Effect from "effect/Effect"
import { join } from "node:path"
import { formatCsv } from "../domain/Csv.js"
import { InputError } from "../domain/Errors.js"
import { questionsFor, type WaveId } from "../domain/Instrument.js"
import { type Participant, participantsRegistry } from "../domain/Registry.js"
import {
  planSimulatedParticipants,
  type ResponseSource,
  type SimulatedEffect,
  simulatedEffects,
  simulatedIdPrefix,
  type SimulatedParticipant,
  simulator
} from "../domain/Simulation.js"
import { writeFileIn } from "../infra/Files.js"
import type { Workspace } from "../infra/Workspace.js"
import { importRegistryFile, listRegistry } from "../registries/index.js"
import { answeredIn, checkWave, loadParticipantsInstrument, type ResponseToStore, storeResponses } from "../surveys/index.js"

/** What `survey simulate` needs. */
export interface SimulateOptions {
  readonly seed: number
  /** Simulate this many participants: register the missing ones first, or take the first this many by id. */
  readonly participants?: number | undefined
  readonly instrument?: string | undefined
  /** Default: every wave of convene.yaml the instrument asks something in. */
  readonly waves?: ReadonlyArray<string> | undefined
  /**
   * The share (0 to 1) of the simulated participants this run registers that form a control
   * group (role control): they answer the same waves with no effect built in, so the report's
   * difference-in-differences can be checked against the built-in effects.
   */
  readonly controlShare?: number | undefined
  readonly onProgress?: ((done: number, total: number, step: "registering" | "answering") => void) | undefined
  /**
   * Work out the run without doing it: simulated participants are planned but not registered
   * (no CSV is written), and the answers of registered participants go through the write path
   * in a transaction that is rolled back. Nothing is stored; the counts are those a real run
   * would store. The result has `dryRun: true`.
   */
  readonly dryRun?: boolean | undefined
}

/** Responses stored for one wave, by source. */
export interface SimulatedWaveCounts {
  readonly web: number
  readonly paper: number
  readonly kobo: number
  readonly total: number
  /** Participants who had already answered the wave: left as they were. */
  readonly skippedExisting: number
}

/** The outcome of a simulation. */
export interface SimulationSummary {
  /** Always true: these answers are made up. */
  readonly simulated: true
  readonly instrument: string
  readonly seed: number
  readonly waves: ReadonlyArray<WaveId>
  /** Participants answers were simulated for. */
  readonly participants: number
  /** Simulated participants registered by this run (0 when there were enough). */
  readonly registered: number
  /** The CSV the new participants were imported from (a dry run: where it would be written). */
  readonly participantsFile?: string
  readonly responses: Readonly<Partial<Record<WaveId, SimulatedWaveCounts>>>
  /** Answers stored (questions answered, over every response). */
  readonly answers: number
  /** The pre→post effects built in, for checking a report against. */
  readonly effects: ReadonlyArray<SimulatedEffect>
  /** A dry run: `registered` and the counts say what would be stored; nothing was. */
  readonly dryRun?: true
}

/** Participants are simulated and stored in chunks of this many (one transaction per wave and source). */
const CHUNK = 10_000
const MAX_PARTICIPANTS = 1_000_000

/**
 * Simulates answers to an instrument for the registered participants — registering simulated
 * ones first when `participants` asks for more — and stores them as real answers are stored.
 * Deterministic: the same seed on the same registry stores the same answers; participants who
 * already answered a wave are skipped, so running it again adds nothing.
 *
 * @example
 * const summary = yield* simulateSurvey(ws, { seed: 1, participants: 5000 })
 * // { simulated: true, registered: 4760, responses: { pre: { web: 3010, paper: 850, kobo: 420, total: 4280, … }, … }, … }
 */
export const simulateSurvey = Effect.fn("Simulate.survey")(function*(ws: Workspace, options: SimulateOptions) {
  if (!Number.isSafeInteger(options.seed) || options.seed < 0) {
    return yield* new InputError({ summary: `--seed: expected a whole number of 0 or more, got ${options.seed}.`, problems: [] })
  }
  if (options.controlShare !== undefined && !(options.controlShare >= 0 && options.controlShare < 1)) {
    return yield* new InputError({ summary: `--control: expected a share from 0 to below 1 (e.g. 0.3), got ${options.controlShare}.`, problems: [] })
  }
  if (options.participants !== undefined && (!Number.isInteger(options.participants) || options.participants < 1 || options.participants > MAX_PARTICIPANTS)) {
    return yield* new InputError({ summary: `--participants: expected a whole number from 1 to ${MAX_PARTICIPANTS.toLocaleString("en")}, got ${options.participants}.`, problems: [] })
  }
  const loaded = yield* loadParticipantsInstrument(ws, options.instrument, "organisers answer through their form, on paper or in Kobo (`convene survey import`); nothing simulates them.")
  const instrument = loaded.instrument
  const requested = options.waves ?? ws.dialogue.evaluation.waves.map((w) => w.id).filter((w) => questionsFor(instrument, w).length > 0)
  if (requested.length === 0) return yield* new InputError({ summary: `No evaluation wave of convene.yaml asks a question of ${instrument.id}.`, problems: [] })
  const waves: Array<WaveId> = []
  for (const w of requested) waves.push(yield* checkWave(ws.dialogue, instrument, w))

  // the registry, by id: counted, and read again once simulated participants are registered
  let registry = yield* listRegistry("participants")
  let registered = 0
  let participantsFile: string | undefined
  const dryRun = options.dryRun === true
  // a dry run's planned participants: not registered, so their answers are counted, not stored
  const planned = new Set<string>()
  if (options.participants !== undefined && options.participants > registry.length) {
    participantsFile = join(ws.dir, "out", "simulate", "participants.csv")
    if (dryRun) {
      const plan = yield* planRegistrations(options.seed, options.participants - registry.length, registry, options.controlShare)
      for (const p of plan) planned.add(p.id)
      registered = plan.length
      registry = [...registry, ...plan.map((p): Participant => ({ id: p.id, site_id: p.site_id, code: p.code, education: p.education, ...(p.role === undefined ? {} : { role: p.role }) } as Participant))]
    } else {
      registered = yield* registerSimulated(options.seed, options.participants - registry.length, registry, participantsFile, options.onProgress, options.controlShare)
      registry = yield* listRegistry("participants")
    }
  } else if (registry.length === 0) {
    return yield* new InputError({ summary: "There are no participants: pass --participants N to register simulated ones.", problems: [] })
  }

  const sites = new Map((yield* listRegistry("sites")).map((s) => [s.id, s]))
  const participants: Array<SimulatedParticipant> = []
  for (const p of registry) {
    if (options.participants !== undefined && participants.length >= options.participants) break
    const site = sites.get(p.site_id)
    if (site === undefined) continue
    participants.push({ id: p.id, site_id: p.site_id, country: site.country, format: site.format, locale: p.locale ?? site.locale, education: p.education ?? null, role: p.role ?? null })
  }
  const answered = yield* answeredIn(instrument.id, waves)

  const counts = new Map<WaveId, { web: number; paper: number; kobo: number; total: number; skippedExisting: number }>(
    waves.map((w) => [w, { web: 0, paper: 0, kobo: 0, total: 0, skippedExisting: 0 }])
  )
  let answers = 0
  const simulate = simulator(instrument, { seed: options.seed, waves })
  options.onProgress?.(0, participants.length, "answering")
  for (let start = 0; start < participants.length; start += CHUNK) {
    const chunk = participants.slice(start, start + CHUNK)
    const groups = new Map<string, { wave: WaveId; source: ResponseSource; responses: Array<ResponseToStore> }>()
    for (const r of simulate(chunk)) {
      const c = counts.get(r.wave)!
      if (answered.get(r.wave)?.has(r.participant_id) === true) {
        c.skippedExisting++
        continue
      }
      const key = `${r.wave}\u0000${r.source}`
      let group = groups.get(key)
      if (group === undefined) groups.set(key, (group = { wave: r.wave, source: r.source, responses: [] }))
      group.responses.push({ participant_id: r.participant_id, answers: r.answers })
    }
    for (const group of groups.values()) {
      const toStore = dryRun ? group.responses.filter((r) => !planned.has(r.participant_id)) : group.responses
      const stored = new Set(yield* storeResponses(instrument, group.wave, group.source, toStore, { simulated: true, dryRun }))
      if (dryRun) for (const r of group.responses) if (planned.has(r.participant_id)) stored.add(r.participant_id)
      const c = counts.get(group.wave)!
      c[group.source] += stored.size
      c.total += stored.size
      // answered meanwhile (a web form, an import): skipped by the store, reported here
      c.skippedExisting += group.responses.length - stored.size
      for (const r of group.responses) if (stored.has(r.participant_id)) answers += Object.keys(r.answers).length
    }
    options.onProgress?.(Math.min(start + CHUNK, participants.length), participants.length, "answering")
  }
  return {
    simulated: true,
    instrument: instrument.id,
    seed: options.seed,
    waves,
    participants: participants.length,
    registered,
    ...(participantsFile === undefined ? {} : { participantsFile }),
    responses: Object.fromEntries(counts),
    answers,
    effects: simulatedEffects(instrument, options.seed),
    ...(dryRun ? { dryRun: true as const } : {})
  } satisfies SimulationSummary as SimulationSummary
})

/** The `count` simulated participants to register, planned (nothing written). */
const planRegistrations = (seed: number, count: number, existing: ReadonlyArray<Participant>, controlShare?: number) =>
  Effect.gen(function*() {
    const sites = yield* listRegistry("sites")
    if (sites.length === 0) return yield* new InputError({ summary: "There are no sites to register simulated participants at: import sites first (`convene sites import sites.csv`).", problems: [] })
    const nextNumber = new Map<string, number>(sites.map((s) => [simulatedIdPrefix(s.id), 0]))
    for (const p of existing) {
      const m = /^(sim-.*-)(\d{5,})$/.exec(p.id)
      if (m === null || !nextNumber.has(m[1]!)) continue
      nextNumber.set(m[1]!, Math.max(nextNumber.get(m[1]!)!, Number(m[2])))
    }
    return planSimulatedParticipants({
      seed,
      count,
      sites: sites.map((s) => ({ id: s.id, capacity: Number(s.capacity) })),
      nextNumber,
      taken: new Set(existing.flatMap((p): Array<string> => (p.code === undefined ? [] : [p.code]))),
      controlShare
    })
  })

/** Registers `count` simulated participants through the registry import, as a CSV written to `file`. */
const registerSimulated = (seed: number, count: number, existing: ReadonlyArray<Participant>, file: string, onProgress: SimulateOptions["onProgress"], controlShare?: number) =>
  Effect.gen(function*() {
    const planned = yield* planRegistrations(seed, count, existing, controlShare)
    const columns = participantsRegistry.columns.map((c) => c.name)
    const text = formatCsv(columns, planned.map((p) => columns.map((c) => (p as unknown as Record<string, string | undefined>)[c] ?? "")))
    yield* writeFileIn(file, text)
    const summary = yield* importRegistryFile("participants", file, { onProgress: (done, total) => onProgress?.(done, total, "registering") })
    return summary.inserted
  })
