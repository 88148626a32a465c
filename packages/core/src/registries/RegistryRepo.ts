/**
 * The registries' repository: every SQL statement on coalition_partners, fellows, sites and
 * participants, driven by the registries' column descriptions. Batched upserts that leave
 * identical rows untouched, lookups, listing and removal; rows come back decoded as entities.
 */
import * as Context from "effect/Context"
import type { Kysely, Transaction } from "kysely"
import { decodeEntity, recordFromCells, type Registry } from "../domain/Registry.js"
import { repositoryLayer, type Run } from "../infra/Database.js"
import { sql } from "../infra/Sql.js"
import type { Tables } from "../infra/Tables.js"

type Db = Kysely<Tables> | Transaction<Tables>
type AnyEntity = { readonly id: string }
/** The registries' tables, which the column descriptions name at run time. */
type RegistryTable = "coalition_partners" | "fellows" | "sites" | "participants"
/** A registry's table seen through its column descriptions: the names are checked by the registry, the values by decoding. */
type Loose = Kysely<Record<RegistryTable, Record<string, unknown>>>
const loose = (db: Db): Loose => db as unknown as Loose

/** Rows per INSERT: far below PostgreSQL's 65,535 parameters, large enough to be fast. */
export const BATCH_SIZE = 1000

/** What an upsert did. */
export interface UpsertCounts {
  readonly inserted: number
  readonly updated: number
  readonly unchanged: number
}

const toRow = <A extends AnyEntity>(registry: Registry<A>, entity: A): Record<string, unknown> => {
  const row: Record<string, unknown> = {}
  for (const c of registry.columns) {
    const v = (entity as Record<string, unknown>)[c.name]
    row[c.name] = v === undefined ? null : v
  }
  return row
}

/** Decodes a database row into an entity; a row that no longer decodes is a defect, not user input. */
const fromRow = <A extends AnyEntity>(registry: Registry<A>, row: Record<string, unknown>): A => {
  const decoded = decodeEntity(registry, recordFromCells(registry.columns, (c) => row[c.name] as string | number | null))
  if ("problems" in decoded) {
    throw new Error(`Stored ${registry.noun} ${String(row["id"])} does not decode: ${decoded.problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`)
  }
  return decoded.entity
}

const tableOf = (registry: Registry<AnyEntity>): RegistryTable => registry.table as RegistryTable

/**
 * Upserts entities of a registry inside `db` (a transaction, usually): the one write path of a
 * registry row. Exported for workflows whose other writes must share the transaction.
 *
 * SQL: `insert into sites (...) values (...), ... on conflict (id) do update set ... = excluded....
 * where (sites.*) is distinct from (excluded.*) returning (xmax = 0) as inserted`
 */
export const upsertIn = async <A extends AnyEntity>(db: Db, registry: Registry<A>, entities: ReadonlyArray<A>, onBatch?: (done: number) => void): Promise<UpsertCounts> => {
  let inserted = 0
  let updated = 0
  const columns = registry.columns.map((c) => c.name)
  const table = tableOf(registry)
  for (let start = 0; start < entities.length; start += BATCH_SIZE) {
    const batch = entities.slice(start, start + BATCH_SIZE).map((e) => toRow(registry, e))
    const rows = await loose(db)
      .insertInto(table)
      .values(batch)
      .onConflict((oc) =>
        oc
          .column("id")
          .doUpdateSet(Object.fromEntries(columns.filter((c) => c !== "id").map((c) => [c, sql.ref(`excluded.${c}`)])))
          .where(sql<boolean>`(${sql.table(table)}.*) is distinct from (excluded.*)`)
      )
      .returning(sql<boolean>`(xmax = 0)`.as("inserted"))
      .execute()
    const fresh = rows.filter((r) => r.inserted === true).length
    inserted += fresh
    updated += rows.length - fresh
    onBatch?.(Math.min(start + BATCH_SIZE, entities.length))
  }
  return { inserted, updated, unchanged: entities.length - inserted - updated }
}

/** Thrown inside a dry run's transaction to roll it back. */
const rollback = Symbol("dry run")

const make = (db: Kysely<Tables>, run: Run) => ({
  /**
   * Inserts or updates entities by id, in batches, in one transaction: all or nothing. A row
   * equal to the stored one is not written at all, so re-importing a file changes nothing.
   * With `analyze`, the table's planner statistics are refreshed in the same transaction.
   */
  importAll: <A extends AnyEntity>(
    registry: Registry<A>,
    entities: ReadonlyArray<A>,
    options: { readonly analyze?: boolean; readonly onBatch?: (done: number) => void; readonly dryRun?: boolean } = {}
  ) =>
    run(`importing ${registry.name}`, async () => {
      let counts: UpsertCounts | undefined
      try {
        return await db.transaction().execute(async (trx) => {
          counts = await upsertIn(trx, registry, entities, options.onBatch)
          // a dry run writes every row (so every constraint is checked), counts, then rolls back
          if (options.dryRun === true) throw rollback
          if (options.analyze === true) await sql`analyze ${sql.table(registry.table)}`.execute(trx)
          return counts
        })
      } catch (e) {
        if (e === rollback && counts !== undefined) return counts
        throw e
      }
    }),

  /**
   * The rows that removing one record would delete with it (foreign keys `on delete cascade`,
   * read from the catalog so that no table is missed), per table; with the number of distinct
   * waves for tables that have a `wave` column. Tables with no such row are left out.
   */
  cascadeOf: (registry: Registry<AnyEntity>, id: string) =>
    run(`counting what depends on ${registry.noun} ${id}`, async () => {
      const refs = await sql<{ table: string; column: string; has_wave: boolean }>`
        select c.conrelid::regclass::text as "table", a.attname as "column",
          exists (select 1 from pg_attribute w where w.attrelid = c.conrelid and w.attname = 'wave' and not w.attisdropped) as has_wave
        from pg_constraint c
        join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
        where c.contype = 'f' and c.confdeltype = 'c' and c.confrelid = ${registry.table}::regclass
          and array_length(c.conkey, 1) = 1
        order by 1`.execute(db)
      const out: Array<{ readonly table: string; readonly rows: number; readonly waves?: number }> = []
      for (const r of refs.rows) {
        const row = (
          await sql<{ n: string; waves: string | null }>`select count(*) as n, ${r.has_wave ? sql`count(distinct wave)` : sql`null`} as waves
            from ${sql.table(r.table)} where ${sql.ref(r.column)} = ${id}`.execute(db)
        ).rows[0]!
        const rows = Number(row.n)
        if (rows > 0) out.push(row.waves === null ? { table: r.table, rows } : { table: r.table, rows, waves: Number(row.waves) })
      }
      return out
    }),

  /**
   * Every entity of a registry, ordered by id; with `where`, only those whose columns equal the
   * given values (the column names must be the registry's: the caller checks them).
   */
  listAll: <A extends AnyEntity>(registry: Registry<A>, where: Readonly<Record<string, string>> = {}) =>
    run(`listing ${registry.name}`, async () => {
      let query = loose(db).selectFrom(tableOf(registry)).selectAll()
      for (const [column, value] of Object.entries(where)) query = query.where(column, "=", value)
      const rows = await query.orderBy("id").execute()
      return rows.map((r) => fromRow(registry, r))
    }),

  /** Some entities by id (in batches), in id order; unknown ids are left out. */
  findByIds: <A extends AnyEntity>(registry: Registry<A>, ids: ReadonlyArray<string>) =>
    run(`reading ${registry.name}`, async () => {
      const out: Array<A> = []
      const unique = [...new Set(ids)]
      for (let start = 0; start < unique.length; start += BATCH_SIZE) {
        const rows = await loose(db).selectFrom(tableOf(registry)).selectAll().where("id", "in", unique.slice(start, start + BATCH_SIZE)).execute()
        for (const r of rows) out.push(fromRow(registry, r))
      }
      return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    }),

  /** One entity by id, or undefined. */
  findById: <A extends AnyEntity>(registry: Registry<A>, id: string) =>
    run(`reading ${registry.noun} ${id}`, async () => {
      const row = await loose(db).selectFrom(tableOf(registry)).selectAll().where("id", "=", id).executeTakeFirst()
      return row === undefined ? undefined : fromRow(registry, row)
    }),

  /** The values of `column` already stored for the given values, with the id holding each. */
  existingValues: (registry: Registry<AnyEntity>, column: string, values: ReadonlyArray<string>) =>
    run(`checking ${registry.name}.${column}`, async () => {
      const out = new Map<string, string>()
      const unique = [...new Set(values)]
      for (let start = 0; start < unique.length; start += BATCH_SIZE) {
        const rows = await loose(db)
          .selectFrom(tableOf(registry))
          .select([sql.ref(column).as("value"), sql.ref("id").as("id")])
          .where(column, "in", unique.slice(start, start + BATCH_SIZE))
          .execute()
        for (const r of rows) out.set(String(r.value), String(r.id))
      }
      return out
    }),

  /** How many records of a registry have `column` equal to `value`. */
  countWhere: (registry: Registry<AnyEntity>, column: string, value: string) =>
    run(`counting ${registry.name}`, async () => {
      const row = await loose(db).selectFrom(tableOf(registry)).select(sql<string>`count(*)`.as("n")).where(column, "=", value).executeTakeFirstOrThrow()
      return Number(row.n)
    }),

  /** Counts a registry's records and the distinct values of one column (e.g. sites and countries). */
  countDistinct: (registry: Registry<AnyEntity>, column: string) =>
    run(`counting ${registry.name}`, async () => {
      const row = await loose(db)
        .selectFrom(tableOf(registry))
        .select([sql<string>`count(*)`.as("n"), sql<string>`count(distinct ${sql.ref(column)})`.as("distinct")])
        .executeTakeFirstOrThrow()
      return { records: Number(row.n), distinct: Number(row.distinct) }
    }),

  /** Deletes one entity by id; returns whether it existed. */
  removeById: (registry: Registry<AnyEntity>, id: string) =>
    run(`removing ${registry.noun} ${id}`, async () => {
      const result = await loose(db).deleteFrom(tableOf(registry)).where("id", "=", id).executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    })
})

/**
 * The registries' repository as a service.
 *
 * @example
 * const sites = yield* RegistryRepo.use((repo) => repo.listAll(sitesRegistry, { country: "SN" }))
 */
export class RegistryRepo extends Context.Service<RegistryRepo, ReturnType<typeof make>>()("convene/RegistryRepo") {
  static readonly layer = repositoryLayer(RegistryRepo, make)
}
