/**
 * One repository for the four registries, driven by their column descriptions: batched
 * upserts that leave identical rows untouched, lookups, listing and removal.
 */
import { type Kysely, sql, type Transaction } from "kysely"
import { decodeEntity, recordFromCells, type Registry } from "../domain/Registry.js"
import type { Tables } from "../infra/Tables.js"

type Db = Kysely<Tables> | Transaction<Tables>

/** Rows per INSERT: far below PostgreSQL's 65,535 parameters, large enough to be fast. */
export const BATCH_SIZE = 1000

/** What an upsert did. */
export interface UpsertCounts {
  readonly inserted: number
  readonly updated: number
  readonly unchanged: number
}

const toRow = <A extends { readonly id: string }>(registry: Registry<A>, entity: A): Record<string, unknown> => {
  const row: Record<string, unknown> = {}
  for (const c of registry.columns) {
    const v = (entity as Record<string, unknown>)[c.name]
    row[c.name] = v === undefined ? null : v
  }
  return row
}

/** Decodes a database row into an entity; a row that no longer decodes is a defect, not user input. */
export const fromRow = <A extends { readonly id: string }>(registry: Registry<A>, row: Record<string, unknown>): A => {
  const decoded = decodeEntity(registry, recordFromCells(registry.columns, (c) => row[c.name] as string | number | null))
  if ("problems" in decoded) {
    throw new Error(`Stored ${registry.noun} ${String(row["id"])} does not decode: ${decoded.problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`)
  }
  return decoded.entity
}

/**
 * Inserts or updates entities by id, in batches. A row equal to the stored one is not
 * written at all, so re-importing a file changes nothing.
 *
 * SQL: `insert into sites (...) values (...), ... on conflict (id) do update set ... = excluded....
 * where (sites.*) is distinct from (excluded.*) returning (xmax = 0) as inserted`
 */
export const upsert = async <A extends { readonly id: string }>(
  db: Db,
  registry: Registry<A>,
  entities: ReadonlyArray<A>,
  onBatch?: (done: number) => void
): Promise<UpsertCounts> => {
  let inserted = 0
  let updated = 0
  const columns = registry.columns.map((c) => c.name)
  const table = registry.table
  for (let start = 0; start < entities.length; start += BATCH_SIZE) {
    const batch = entities.slice(start, start + BATCH_SIZE).map((e) => toRow(registry, e))
    const rows = await (db as Kysely<any>)
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
    for (const r of rows) if (r.inserted === true) inserted++
    updated += rows.length - rows.filter((r) => r.inserted === true).length
    onBatch?.(Math.min(start + BATCH_SIZE, entities.length))
  }
  return { inserted, updated, unchanged: entities.length - inserted - updated }
}

/**
 * Every entity of a registry, ordered by id; with `where`, only those whose columns equal the
 * given values (the column names must be the registry's: the caller checks them).
 */
export const listAll = async <A extends { readonly id: string }>(
  db: Db,
  registry: Registry<A>,
  where: Readonly<Record<string, string>> = {}
): Promise<Array<A>> => {
  let query = (db as Kysely<any>).selectFrom(registry.table).selectAll()
  for (const [column, value] of Object.entries(where)) query = query.where(column, "=", value)
  const rows = await query.orderBy("id").execute()
  return rows.map((r) => fromRow(registry, r))
}

/** One entity by id, or undefined. */
export const findById = async <A extends { readonly id: string }>(db: Db, registry: Registry<A>, id: string): Promise<A | undefined> => {
  const row = await (db as Kysely<any>).selectFrom(registry.table).selectAll().where("id", "=", id).executeTakeFirst()
  return row === undefined ? undefined : fromRow(registry, row)
}

/** The values of `column` already stored for the given values, with the id holding each. */
export const existingValues = async (
  db: Db,
  table: string,
  column: string,
  values: ReadonlyArray<string>
): Promise<Map<string, string>> => {
  const out = new Map<string, string>()
  const unique = [...new Set(values)]
  for (let start = 0; start < unique.length; start += BATCH_SIZE) {
    const batch = unique.slice(start, start + BATCH_SIZE)
    const rows = await (db as Kysely<any>)
      .selectFrom(table)
      .select([sql.ref(column).as("value"), sql.ref("id").as("id")])
      .where(column, "in", batch)
      .execute()
    for (const r of rows) out.set(String(r.value), String(r.id))
  }
  return out
}

/** Counts the rows of `table` whose `column` equals `value`. */
export const countWhere = async (db: Db, table: string, column: string, value: string): Promise<number> => {
  const row = await (db as Kysely<any>)
    .selectFrom(table)
    .select(sql<string>`count(*)`.as("n"))
    .where(column, "=", value)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Deletes one entity by id; returns whether it existed. */
export const removeById = async (db: Db, registry: Registry<{ readonly id: string }>, id: string): Promise<boolean> => {
  const result = await (db as Kysely<any>).deleteFrom(registry.table).where("id", "=", id).executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}
