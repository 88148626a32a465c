/**
 * Kysely's `sql` tag, with Kysely itself loaded only when a database is opened. Kysely is about
 * 250 modules: importing it up front cost a third of the SDK's root import, for programs (kit
 * rendering, the domain functions, the help of a command) that never open a database. The
 * repositories and the infrastructure tag their statements with this {@link sql}; every way of
 * reaching a database ({@link openDatabase}, the repository layers, the migrations) calls
 * {@link loadKysely} first, so the tag is always ready when a statement is built.
 */
import type { Sql } from "kysely"

let kysely: typeof import("kysely") | undefined

/** Loads Kysely once; later calls return the loaded module. */
export const loadKysely = async (): Promise<typeof import("kysely")> => (kysely ??= await import("kysely"))

const loaded = (): Sql => {
  if (kysely === undefined) throw new Error("convene: a statement was built before the database was opened (Kysely is loaded by openDatabase and the store's layers)")
  return kysely.sql
}

/** Kysely's `sql` template tag (and its helpers: `sql.table`, `sql.join`, `sql.lit` …), once {@link loadKysely} has run. */
export const sql: Sql = new Proxy(function sql() {} as unknown as Sql, {
  apply: (_target, _this, args: Array<unknown>) => (loaded() as unknown as (...a: Array<unknown>) => unknown)(...args),
  get: (_target, property) => Reflect.get(loaded(), property)
})
