/**
 * The database service: Kysely over the embedded PGlite (the default, kept in the workspace's
 * `.convene/` folder, migrated on open) or PostgreSQL (`DATABASE_URL`, migrated only when asked).
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { Kysely } from "kysely"
import type { Migrator } from "kysely/migration"
import { readdir, stat } from "node:fs/promises"
import { join } from "node:path"
import { ConnectionError, InputError, MigrationsPending, StoreError } from "../domain/Errors.js"
import type { LockWait } from "./dialect/lock.js"
import { loadKysely, sql } from "./Sql.js"
import type { Tables } from "./Tables.js"

/**
 * Where the data lives: a PostgreSQL URL, or a PGlite folder (`memory://` for a throwaway one).
 * A PGlite folder is used by one process at a time: `onLockWait` hears, about once a second,
 * who holds it while this one waits (up to `lockTimeoutMs`, 30 s by default).
 */
export type DatabaseOptions =
  | { readonly url: string }
  | {
      readonly pgliteDir: string
      readonly lockTimeoutMs?: number | undefined
      readonly onLockWait?: ((wait: LockWait) => void) | undefined
    }

/** The open database. */
export interface DatabaseShape {
  readonly db: Kysely<Tables>
  readonly dialect: "pglite" | "postgres"
  /** The folder or the URL (password removed), for messages. */
  readonly location: string
}

/** The PGlite folder of a workspace. */
export const pgliteDirOf = (workspaceDir: string): string => join(workspaceDir, ".convene", "db")

/**
 * Chooses the database the way every command does: an explicit URL, else `DATABASE_URL`,
 * else the workspace's embedded PGlite.
 */
export const resolveDatabaseOptions = (
  workspaceDir: string,
  url: string | undefined,
  embedded: { readonly onLockWait?: ((wait: LockWait) => void) | undefined } = {}
): DatabaseOptions =>
  url !== undefined && url !== "" ? { url } : { pgliteDir: pgliteDirOf(workspaceDir), onLockWait: embedded.onLockWait }

const redact = (url: string): string => {
  try {
    const u = new URL(url)
    if (u.password !== "") u.password = "***"
    return u.toString()
  } catch {
    return "(unparseable URL)"
  }
}

/**
 * Opens a database without migrating it. The caller destroys it. A URL that is not PostgreSQL's
 * is refused with an `InputError` naming DATABASE_URL; a server that cannot be reached, with a
 * `ConnectionError` saying what was tried (never the password) and how to fix it.
 */
export const openDatabase = async (options: DatabaseOptions): Promise<DatabaseShape> => {
  await loadKysely()
  if ("url" in options) {
    const { openPostgres } = await import("./dialect/postgres.js")
    return { db: await openPostgres(options.url), dialect: "postgres", location: redact(options.url) }
  }
  const { openPGlite } = await import("./dialect/pglite.js")
  return { db: await openPGlite(options.pgliteDir, { lockTimeoutMs: options.lockTimeoutMs, onLockWait: options.onLockWait }), dialect: "pglite", location: options.pgliteDir }
}

/**
 * A migrator whose bookkeeping tables live in the connection's own schema. Kysely looks for its
 * lock table in every schema unless told which: with two convene databases in one PostgreSQL
 * (two schemas, `?options=-c search_path=…`), it would find the other's table and fail.
 */
const migratorFor = async (db: Kysely<Tables>): Promise<Migrator> => {
  const [, { Migrator }, { migrationProvider }] = await Promise.all([loadKysely(), import("kysely/migration"), import("./migrations/index.js")])
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db)
  const schema = rows[0]?.schema
  return new Migrator({ db, provider: migrationProvider, ...(schema === undefined || schema === null ? {} : { migrationTableSchema: schema }) })
}

/** One migration and whether it has run. */
export interface MigrationStatus {
  readonly name: string
  readonly executed_at: string | null
}

/**
 * Runs every pending migration. Returns the names it ran.
 *
 * @example
 * await migrateToLatest(db) // ["2026-11-22T00-registries"] on a new database, [] afterwards
 */
export const migrateToLatest = async (db: Kysely<Tables>): Promise<Array<string>> => {
  const migrator = await migratorFor(db)
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest()
    // Kysely's migrator first lists the tables of every schema it may use; a schema another
    // client drops meanwhile fails that listing (invalid_schema_name, 3F000) before anything
    // ran, so it is tried again (seen on a PostgreSQL shared by parallel test files)
    if (error !== undefined && attempt < 3 && (error as { code?: unknown }).code === "3F000") continue
    if (error !== undefined) throw error
    return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName)
  }
}

/** What {@link reclaimSpace} did: the embedded database folder's size before and after, in bytes, and the tables it rewrote. */
export interface ReclaimedSpace {
  readonly before: number
  readonly after: number
  readonly rewritten: ReadonlyArray<string>
}

const folderBytes = async (dir: string): Promise<number> => {
  let total = 0
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name)).catch(() => ({ size: 0 }))).size
  }
  return total
}

/**
 * Gives the space of deleted and rolled-back rows back to the disk, on the embedded database.
 * An import killed half-way leaves its rows behind as dead space: a dozen kills grew a 39 MB
 * folder past 200 MB. A plain `VACUUM` makes that space free for reuse and cuts empty pages off
 * the end of each table; a table whose indexes are still mostly empty pages then (an index
 * keeps its pages) is rewritten with `VACUUM FULL`, which shrinks its files. Tables without
 * dead space are not rewritten, since a rewrite costs write-ahead log. Returns the folder's size
 * before and after, and the tables rewritten; undefined on PostgreSQL, whose autovacuum does
 * this on a server shared with others.
 *
 * @example
 * const opened = await openDatabase({ pgliteDir: ".convene/db" })
 * await reclaimSpace(opened) // { before: 103809024, after: 89653248, rewritten: ["participants"] }
 */
export const reclaimSpace = async (opened: DatabaseShape): Promise<ReclaimedSpace | undefined> => {
  if (opened.dialect !== "pglite" || opened.location.startsWith("memory://")) return undefined
  await loadKysely()
  const before = await folderBytes(opened.location)
  await sql`vacuum`.execute(opened.db)
  // an index with four times the pages its entries need (about 48 bytes each, 8 kB pages) is
  // mostly dead pages
  const bloated = await sql<{ table: string }>`
    select distinct t.relname as table
    from pg_index x
    join pg_class i on i.oid = x.indexrelid
    join pg_class t on t.oid = x.indrelid
    join pg_namespace n on n.oid = t.relnamespace
    where n.nspname = current_schema() and i.relpages > 16 and i.relpages > 4 * ceil(greatest(i.reltuples, 0) * 48 / 8192)
    order by 1`.execute(opened.db)
  const rewritten = bloated.rows.map((r) => r.table)
  for (const table of rewritten) await sql`vacuum full ${sql.table(table)}`.execute(opened.db)
  await sql`checkpoint`.execute(opened.db)
  return { before, after: await folderBytes(opened.location), rewritten }
}

/**
 * The migrations that have not run, oldest first. Reads only: on a database convene never
 * migrated, every migration is pending and nothing is created.
 *
 * @example
 * await pendingMigrations(opened.db) // [] on a database `convene db migrate` brought up to date
 */
export const pendingMigrations = async (db: Kysely<Tables>): Promise<Array<string>> =>
  (await (await migratorFor(db)).getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name)

/**
 * Whether every known migration has run, in one cheap look at the migration table (two short
 * queries), so that opening an up-to-date database does not pay for Kysely's migrator (which
 * creates its tables when missing, introspects the catalog and takes its lock row: eight
 * statements). False whenever in doubt (no table, a migration missing, one unknown to this
 * version): the caller then asks the migrator, which decides and reports as before.
 */
const migrationsUpToDate = async (db: Kysely<Tables>): Promise<boolean> => {
  const [, { migrations }] = await Promise.all([loadKysely(), import("./migrations/index.js")])
  const { rows } = await sql<{ schema: string | null; present: boolean }>`
    select current_schema() as schema, to_regclass(quote_ident(current_schema()) || '.kysely_migration') is not null as present`.execute(db)
  const found = rows[0]
  if (found === undefined || found.schema === null || !found.present) return false
  const ran = await sql<{ name: string }>`select name from ${sql.table(`${found.schema}.kysely_migration`)}`.execute(db)
  const known = Object.keys(migrations)
  const names = new Set(ran.rows.map((r) => r.name))
  return names.size === known.length && known.every((name) => names.has(name))
}

/**
 * When the store migrates the database it opens:
 * - `undefined` (the default): the embedded PGlite is migrated; a PostgreSQL with pending
 *   migrations is refused with {@link MigrationsPending}, since a shared server is migrated only
 *   on purpose (`convene db migrate`);
 * - `true`: migrated in every case (an integrator owning its PostgreSQL, a test's fresh schema);
 * - `false`: neither migrated nor checked.
 */
export interface MigrateConfig {
  readonly migrate?: boolean | undefined
}

/** Every known migration with the time it ran, or null when pending. */
export const migrationStatus = async (db: Kysely<Tables>): Promise<Array<MigrationStatus>> => {
  const migrator = await migratorFor(db)
  const infos = await migrator.getMigrations()
  return infos.map((m) => ({ name: m.name, executed_at: m.executedAt === undefined ? null : m.executedAt.toISOString() }))
}

/**
 * The database as an Effect service. Only repositories (through {@link repositoryLayer}) and the
 * infrastructure use it; workflows ask for repositories, and programs provide them all with
 * `ConveneStore.layer` (Store.ts), which opens this service underneath.
 *
 * @example
 * const program = Effect.gen(function*() {
 *   const { dialect, location } = yield* Database
 *   return `${dialect} at ${location}`
 * })
 * Effect.runPromise(program.pipe(Effect.provide(Database.layer({ pgliteDir: "memory://" }))))
 */
export class Database extends Context.Service<Database, DatabaseShape>()("convene/Database") {
  /**
   * Opens the database and closes it when the scope ends. The embedded database is migrated to
   * the latest schema; PostgreSQL only with `migrate: true`, and otherwise refused with
   * {@link MigrationsPending} while migrations are pending (see {@link MigrateConfig}).
   */
  static layer = (options: DatabaseOptions, config: MigrateConfig = {}): Layer.Layer<Database, StoreError | ConnectionError | InputError | MigrationsPending> =>
    Layer.effect(
      Database,
      Effect.acquireRelease(
        Effect.tryPromise({
          try: async () => {
            const opened = await openDatabase(options)
            try {
              if (config.migrate === false || (await migrationsUpToDate(opened.db))) {
                // nothing to run or to check
              } else if (config.migrate ?? opened.dialect === "pglite") await migrateToLatest(opened.db)
              else {
                const pending = await pendingMigrations(opened.db)
                if (pending.length > 0) throw new MigrationsPending({ location: opened.location, pending })
              }
            } catch (cause) {
              await opened.db.destroy()
              throw cause
            }
            return opened
          },
          // a URL that is not PostgreSQL's and an unreachable server say so themselves
          catch: (cause) =>
            cause instanceof InputError || cause instanceof ConnectionError || cause instanceof MigrationsPending
              ? cause
              : new StoreError({ operation: `opening the database at ${"url" in options ? redact(options.url) : options.pgliteDir}`, cause })
        }),
        // closing cannot undo the work done: a failure to close is logged, not raised
        (opened) => Effect.tryPromise(() => opened.db.destroy()).pipe(Effect.tapError((e) => Effect.logWarning(`closing the database: ${String(e)}`)), Effect.ignore)
      )
    )
}

/**
 * How a repository runs its statements: each one an Effect that fails with a {@link StoreError}
 * naming what it was doing ("reading sites"), never a rejected promise.
 */
export type Run = <A>(operation: string, run: (db: Kysely<Tables>) => Promise<A>) => Effect.Effect<A, StoreError>

/** The {@link Run} of an open database. Only repositories and the infrastructure use it. */
export const runnerOf = (db: Kysely<Tables>): Run => (operation, run) =>
  Effect.tryPromise({ try: () => run(db), catch: (cause) => new StoreError({ operation, cause }) })

/**
 * The layer of a repository: built by `make` from the open database.
 *
 * @example
 * export class PlanRepo extends Context.Service<PlanRepo, ReturnType<typeof make>>()("convene/PlanRepo") {
 *   static readonly layer = repositoryLayer(PlanRepo, make)
 * }
 */
export const repositoryLayer = <I, S>(tag: Context.Key<I, S>, make: (db: Kysely<Tables>, run: Run) => S): Layer.Layer<I, never, Database> =>
  Layer.effect(tag, Effect.flatMap(Database, ({ db }) => Effect.map(withKysely, () => make(db, runnerOf(db)))))

/** Loads Kysely before a repository is made (its statements use the `sql` tag of ./Sql.ts). */
export const withKysely: Effect.Effect<void> = Effect.promise(() => loadKysely())

