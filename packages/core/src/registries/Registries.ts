/**
 * The registry workflows behind `convene coalition|fellows|sites|participants …`: all-or-nothing
 * imports that report every bad row, exports that round-trip, and single-record edits that keep
 * the references between registries intact.
 */
import * as Effect from "effect/Effect"
import { randomBytes } from "node:crypto"
import { readFile } from "node:fs/promises"
import { checkFeatureValues, type Codebook, PARTICIPANT_FEATURE_COLUMNS } from "../domain/Codebook.js"
import { Conflict, InputError, NotFound, type Problem, type StoreError } from "../domain/Errors.js"
import {
  CODE_ALPHABET,
  type CsvEntity,
  decodeEntity,
  decodeRegistryCsv,
  decodeRegistryJson,
  encodeRegistryCsv,
  normaliseParticipantCode,
  type Participant,
  participantsRegistry,
  type Registry,
  registryFor,
  type RegistryEntities,
  type RegistryName
} from "../domain/Registry.js"
import { RegistryRepo } from "./RegistryRepo.js"

type AnyEntity = { readonly id: string }

/** The outcome of an import. */
export interface ImportSummary {
  readonly registry: RegistryName
  readonly file: string
  readonly rows: number
  readonly inserted: number
  readonly updated: number
  readonly unchanged: number
  /** Set by a dry run: the import ran in full, then was rolled back; nothing was written. */
  readonly dryRun?: true
  /** With a dry run: the ids of the file's first rows (at most 5). */
  readonly sample?: ReadonlyArray<string>
}


/** Imports of at least this many rows refresh the table's planner statistics. */
export const LARGE_IMPORT = 5000

/** A new pseudonymous participant code: 8 characters without look-alikes (40 bits). */
export const newParticipantCode = (): string => {
  const bytes = randomBytes(8)
  let code = ""
  for (const b of bytes) code += CODE_ALPHABET[b % CODE_ALPHABET.length]
  return code
}

const byLine = (a: Problem, b: Problem): number => (a.line ?? 0) - (b.line ?? 0)

/** A row to check against the store: a decoded entity, or the raw values of a row that did not decode. */
interface CheckedRow {
  readonly line: number
  readonly values: Readonly<Record<string, unknown>>
}

/**
 * Checks what only the database can tell: references to other registries and values that must
 * be unique across the registry. Rows that failed to decode are checked too, so that one pass
 * reports everything wrong with a file; a value that is already reported as malformed is skipped.
 */
const checkAgainstStore = (
  registry: Registry<AnyEntity>,
  rows: ReadonlyArray<CheckedRow>,
  file: string | undefined,
  already: ReadonlyArray<Problem> = []
): Effect.Effect<Array<Problem>, StoreError, RegistryRepo> =>
  Effect.gen(function*() {
    const repo = yield* RegistryRepo
    const problems: Array<Problem> = []
    const reported = new Set(already.map((p) => `${p.line}\u0000${p.field}`))
    const get = (row: CheckedRow, column: string): string | undefined => {
      const v = row.values[column]
      if (v === undefined || v === null || reported.has(`${row.line}\u0000${column}`)) return undefined
      // emails are stored lower-cased, participant codes normalised
      return column.endsWith("email") ? String(v).toLowerCase() : column === "code" ? normaliseParticipantCode(String(v)) : String(v)
    }
    for (const ref of registry.references) {
      const target = registryFor(ref.registry)
      const values = rows.map((r) => get(r, ref.column)).filter((v): v is string => v !== undefined)
      const found = yield* repo.existingValues(target, ref.target, values)
      for (const r of rows) {
        const v = get(r, ref.column)
        if (v !== undefined && !found.has(v)) {
          problems.push({
            file,
            line: file === undefined ? undefined : r.line,
            field: ref.column,
            message: `expected the ${ref.target} of a registered ${target.noun}, "${v}" is not in the ${ref.registry} registry (import ${ref.registry} first)`
          })
        }
      }
    }
    for (const { column } of registry.unique) {
      const values = rows.map((r) => get(r, column)).filter((v): v is string => v !== undefined)
      const holders = yield* repo.existingValues(registry, column, values)
      for (const r of rows) {
        const v = get(r, column)
        const holder = v === undefined ? undefined : holders.get(v)
        if (holder !== undefined && holder !== String(r.values["id"])) {
          problems.push({
            file,
            line: file === undefined ? undefined : r.line,
            field: column,
            message: `expected a unique value, "${v}" already belongs to ${registry.noun} ${holder}`
          })
        }
      }
    }
    return problems
  })

/** Gives every participant without a code its stored code, or a new one. */
const withParticipantCodes = (
  rows: ReadonlyArray<CsvEntity<Participant>>
): Effect.Effect<Array<CsvEntity<Participant>>, StoreError, RegistryRepo> =>
  Effect.gen(function*() {
    const missing = rows.filter((r) => r.entity.code === undefined).map((r) => r.entity.id)
    if (missing.length === 0) return [...rows]
    const stored = yield* RegistryRepo.use((repo) => repo.findByIds(participantsRegistry, missing))
    const codes = new Map<string, string>(stored.flatMap((p) => (p.code === undefined ? [] : [[p.id, p.code] as const])))
    const used = new Set<string>(rows.flatMap((r) => (r.entity.code === undefined ? [] : [r.entity.code])))
    return rows.map((r) => {
      if (r.entity.code !== undefined) return r
      let code = codes.get(r.entity.id)
      while (code === undefined || used.has(code)) code = newParticipantCode()
      used.add(code)
      return { line: r.line, entity: { ...r.entity, code: code as Participant["code"] } }
    })
  })

/**
 * Imports a CSV (or JSON) file into a registry, all or nothing: when any row is bad nothing
 * is written and the error lists every bad row as `FILE:LINE: field: expected …`. Rows are
 * upserted by id, so importing the same file again changes nothing.
 *
 * @example
 * const summary = yield* importRegistryFile("sites", "sites.csv")
 * // { registry: "sites", rows: 112, inserted: 112, updated: 0, unchanged: 0, ... }
 */
export const importRegistryFile = Effect.fn("Registries.importFile")(function*(
  name: RegistryName,
  path: string,
  options: {
    readonly displayName?: string
    readonly onProgress?: (done: number, total: number) => void
    readonly dryRun?: boolean
    /** The dialogue's codebook (`features:` in convene.yaml): participants' feature values must be among its values. */
    readonly codebook?: Codebook | undefined
  } = {}
) {
  const registry = registryFor(name)
  const file = options.displayName ?? path
  const text = yield* Effect.tryPromise({
    try: () => readFile(path, "utf8"),
    catch: (cause) =>
      new InputError({ summary: `Cannot read ${file}: ${(cause as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String(cause)}.`, problems: [] })
  })
  const decoded = /\.json$/i.test(path) ? decodeRegistryJson(registry, text, file) : decodeRegistryCsv(registry, text, file)
  const problems = [...decoded.problems]
  const checked: Array<CheckedRow> = [
    ...decoded.rows.map((r) => ({ line: r.line, values: r.entity as Record<string, unknown> })),
    ...decoded.rejected.map((r) => ({ line: r.line, values: r.input }))
  ]
  if (name === "participants") problems.push(...checkFeatureValues(options.codebook, checked, PARTICIPANT_FEATURE_COLUMNS, file, decoded.header))
  problems.push(...(yield* checkAgainstStore(registry, checked, file, decoded.problems)))
  if (problems.length > 0) {
    // a bad row counts once: by its line, or for a JSON item by its index ("[3]" of "[3].capacity")
    const lines = new Set(problems.map((p) => p.line ?? /^\[\d+\]/.exec(p.field ?? "")?.[0] ?? p.field))
    return yield* new InputError({
      summary: `${file}: ${lines.size} bad row${lines.size === 1 ? "" : "s"}; nothing was imported.`,
      problems: problems.sort(byLine)
    })
  }
  const rows =
    name === "participants"
      ? ((yield* withParticipantCodes(decoded.rows as ReadonlyArray<CsvEntity<Participant>>)) as ReadonlyArray<CsvEntity<AnyEntity>>)
      : decoded.rows
  const counts = yield* RegistryRepo.use((repo) =>
    repo.importAll(registry, rows.map((r) => r.entity), {
      // after a large import the planner's statistics are stale until autovacuum comes by:
      // refresh them, so that the next queries (reports) get good plans
      analyze: rows.length >= LARGE_IMPORT,
      onBatch: (done) => options.onProgress?.(done, rows.length),
      dryRun: options.dryRun === true
    })
  )
  if (options.dryRun === true) {
    const rehearsed: ImportSummary = { registry: name, file, rows: rows.length, ...counts, dryRun: true, sample: rows.slice(0, 5).map((r) => r.entity.id) }
    return rehearsed
  }
  const summary: ImportSummary = { registry: name, file, rows: rows.length, ...counts }
  return summary
})

/**
 * Every record of a registry, ordered by id; with `where`, only those whose columns equal the
 * given values (e.g. `{ country: "SN" }`). Fails with {@link InputError} on an unknown column.
 *
 * @example
 * const senegal = yield* listRegistry("sites", { country: "SN", format: "in-person" })
 */
export const listRegistry = Effect.fn("Registries.list")(function*<N extends RegistryName>(name: N, where: Readonly<Record<string, string>> = {}) {
  const registry = registryFor(name)
  const unknown = Object.keys(where).filter((k) => !registry.columns.some((c) => c.name === k))
  if (unknown.length > 0) {
    return yield* new InputError({
      summary: `Cannot filter ${name}.`,
      problems: unknown.map((k) => ({ field: "--where", message: `expected one of the columns ${registry.columns.map((c) => c.name).join(", ")}, got "${k}"` }))
    })
  }
  const normalized = Object.fromEntries(Object.entries(where).map(([k, v]) => [k, k.endsWith("email") ? v.toLowerCase() : k === "code" ? normaliseParticipantCode(v) : v]))
  return (yield* RegistryRepo.use((repo) => repo.listAll(registry, normalized))) as Array<RegistryEntities[N]>
})

/**
 * How many records a registry holds, and how many distinct values one of its columns takes.
 *
 * @example
 * const { records: sites, distinct: countries } = yield* countDistinct("sites", "country")
 */
export const countDistinct = Effect.fn("Registries.countDistinct")(function*<N extends RegistryName>(name: N, column: keyof RegistryEntities[N] & string) {
  return yield* RegistryRepo.use((repo) => repo.countDistinct(registryFor(name), column))
})

/**
 * A registry as CSV or JSON text, in column order; importing it again changes nothing.
 *
 * @example
 * const csv = yield* exportRegistry("sites", "csv")
 */
export const exportRegistry = Effect.fn("Registries.export")(function*(name: RegistryName, format: "csv" | "json") {
  const registry = registryFor(name)
  const all = yield* RegistryRepo.use((repo) => repo.listAll(registry))
  if (format === "csv") return encodeRegistryCsv(registry, all)
  const ordered = all.map((e) => Object.fromEntries(registry.columns.flatMap((c) => {
    const v = (e as Record<string, unknown>)[c.name]
    return v === undefined ? [] : [[c.name, v]]
  })))
  return JSON.stringify(ordered, null, 2) + "\n"
})

/** One record by id. Fails with {@link NotFound}. */
export const showRecord = Effect.fn("Registries.show")(function*<N extends RegistryName>(name: N, id: string) {
  const registry = registryFor(name)
  const found = yield* RegistryRepo.use((repo) => repo.findById(registry, id))
  if (found === undefined) return yield* new NotFound({ what: registry.noun, id, hint: `\`convene ${name} list\` shows them all.` })
  return found as RegistryEntities[N]
})

/**
 * Adds one record from named values (e.g. command-line flags). Fails with {@link InputError}
 * naming each bad field, or {@link Conflict} when the id is taken.
 */
export const addRecord = Effect.fn("Registries.add")(function*<N extends RegistryName>(
  name: N,
  input: Record<string, unknown>,
  options: {
    /** The dialogue's codebook (`features:` in convene.yaml): a participant's feature values must be among its values. */
    readonly codebook?: Codebook | undefined
  } = {}
) {
  const registry = registryFor(name)
  const decoded = decodeEntity(registry, input)
  if ("problems" in decoded) {
    return yield* new InputError({ summary: `Cannot add this ${registry.noun}.`, problems: decoded.problems })
  }
  const outside = name === "participants" ? checkFeatureValues(options.codebook, [{ line: 0, values: decoded.entity as Record<string, unknown> }], PARTICIPANT_FEATURE_COLUMNS) : []
  if (outside.length > 0) {
    return yield* new InputError({ summary: `Cannot add this ${registry.noun}.`, problems: outside.map(({ line: _line, ...p }) => p) })
  }
  const existing = yield* RegistryRepo.use((repo) => repo.findById(registry, decoded.entity.id))
  if (existing !== undefined) {
    return yield* new Conflict({ reason: `A ${registry.noun} with id "${decoded.entity.id}" already exists; remove it first, or change it with import.` })
  }
  const rows: ReadonlyArray<CsvEntity<AnyEntity>> =
    name === "participants"
      ? yield* withParticipantCodes([{ line: 0, entity: decoded.entity as Participant }])
      : [{ line: 0, entity: decoded.entity }]
  const problems = yield* checkAgainstStore(registry, rows.map((r) => ({ line: r.line, values: r.entity as Record<string, unknown> })), undefined)
  if (problems.length > 0) return yield* new InputError({ summary: `Cannot add this ${registry.noun}.`, problems })
  yield* RegistryRepo.use((repo) => repo.importAll(registry, rows.map((r) => r.entity)))
  return rows[0]!.entity as RegistryEntities[N]
})

/** Who depends on a record, so that removing it would break a reference. */
const dependents: Partial<Record<RegistryName, { readonly registry: RegistryName; readonly column: string; readonly key: string; readonly one: string; readonly other: string }>> = {
  fellows: { registry: "sites", column: "fellow_email", key: "email", one: "site", other: "sites" },
  sites: { registry: "participants", column: "site_id", key: "id", one: "participant", other: "participants" }
}

/** Rows that go with a removed record (a foreign key `on delete cascade`): how many, in which table. */
export interface CascadeCount {
  readonly table: string
  readonly rows: number
  /** For tables with waves (survey answers, invitations): in how many distinct waves. */
  readonly waves?: number
}

/** What removing one record does: the record, and what would be deleted with it. */
export interface RemovalPlan<E = { readonly id: string }> {
  readonly registry: RegistryName
  readonly record: E
  readonly cascade: ReadonlyArray<CascadeCount>
  /** One sentence for people, e.g. "participant p-1 has 53 survey answers in 2 waves, which would be deleted too." */
  readonly consequence: string
  /** The cascade in words, e.g. "53 survey answers in 2 waves" ("" when nothing goes with it). */
  readonly alsoDeletes: string
}

/** What a table's rows are called when they go with a removed record. */
const cascadeWords: Record<string, readonly [string, string]> = {
  survey_responses: ["survey answer", "survey answers"],
  survey_invitations: ["survey invitation", "survey invitations"],
  milestone_progress: ["milestone date", "milestone dates"],
  result_sites: ["results record", "results records"],
  result_links: ["results link", "results links"],
  result_log: ["results log entry", "results log entries"]
}

/**
 * Says in one sentence what removing a record would delete with it.
 *
 * @example
 * describeCascade("participant", "p-1", [{ table: "survey_responses", rows: 53, waves: 2 }])
 * // "participant p-1 has 53 survey answers in 2 waves, which would be deleted too."
 */
export const describeCascade = (noun: string, id: string, cascade: ReadonlyArray<CascadeCount>): string =>
  cascade.length === 0 ? `${noun} ${id} has nothing that would be deleted with it.` : `${noun} ${id} has ${cascadeList(cascade)}, which would be deleted too.`

/** The rows of a cascade in words: "53 survey answers in 2 waves and 2 survey invitations" ("" for none). */
const cascadeList = (cascade: ReadonlyArray<CascadeCount>): string => {
  const parts = cascade.map((c) => {
    const [one, other] = cascadeWords[c.table] ?? [`${c.table} row`, `${c.table} rows`]
    const waves = c.waves === undefined ? "" : ` in ${c.waves} ${c.waves === 1 ? "wave" : "waves"}`
    return `${c.rows} ${c.rows === 1 ? one : other}${waves}`
  })
  return parts.length <= 1 ? (parts[0] ?? "") : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)!}`
}

/**
 * What removing one record would do, without removing it: the record and every row that would
 * be deleted with it. Refuses ({@link Conflict}) when other records still point at it (a
 * fellow who runs sites, a site with participants), as {@link removeRecord} does.
 *
 * @example
 * const plan = yield* removalPlan("participants", "p-sn-dakar-001")
 * plan.consequence // "participant p-sn-dakar-001 has 53 survey answers in 2 waves, which would be deleted too."
 */
export const removalPlan = Effect.fn("Registries.removalPlan")(function*<N extends RegistryName>(name: N, id: string) {
  const registry = registryFor(name)
  const found = yield* showRecord(name, id)
  const dep = dependents[name]
  if (dep !== undefined) {
    const key = String((found as Record<string, unknown>)[dep.key])
    const dependent = registryFor(dep.registry)
    const n = yield* RegistryRepo.use((repo) => repo.countWhere(dependent, dep.column, key))
    if (n > 0) {
      return yield* new Conflict({
        reason: `${registry.noun[0]!.toUpperCase()}${registry.noun.slice(1)} "${id}" still has ${n} ${n === 1 ? dep.one : dep.other} (${dependent.table}.${dep.column} = ${key}); reassign or remove them first.`
      })
    }
  }
  const cascade = yield* RegistryRepo.use((repo) => repo.cascadeOf(registry, id))
  return { registry: name, record: found, cascade, consequence: describeCascade(registry.noun, id, cascade), alsoDeletes: cascadeList(cascade) } satisfies RemovalPlan<RegistryEntities[N]>
})

/**
 * Removes one record, and with it the rows that depend on it (see {@link removalPlan}, which
 * says what they are first). Refuses ({@link Conflict}) when other records still point at it:
 * a fellow who runs sites, a site with participants.
 */
export const removeRecord = Effect.fn("Registries.remove")(function*<N extends RegistryName>(name: N, id: string) {
  const plan = yield* removalPlan(name, id)
  yield* RegistryRepo.use((repo) => repo.removeById(registryFor(name), id))
  return plan.record
})
