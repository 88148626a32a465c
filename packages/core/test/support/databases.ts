/**
 * The databases every storage test runs on: the embedded PGlite always, and PostgreSQL when
 * DATABASE_URL is set (each test file in a schema of its own, dropped afterwards). On CI a
 * missing DATABASE_URL is an error, not a silent skip.
 */
import * as Effect from "effect/Effect"
import { afterAll, beforeAll } from "vitest"
import pg from "pg"
import { type DatabaseShape, migrateToLatest, openDatabase } from "../../src/infra/Database.js"
import { ConveneStore, type Store } from "../../src/Store.js"

export interface TestDatabase {
  readonly name: "pglite" | "postgres"
  readonly open: () => Promise<DatabaseShape & { readonly url?: string; readonly dispose: () => Promise<void> }>
}

const url = process.env["DATABASE_URL"]

if ((url === undefined || url === "") && process.env["CI"] !== undefined && process.env["CI"] !== "") {
  throw new Error("CI is set but DATABASE_URL is not: the storage tests must also run on PostgreSQL in CI.")
}
if (url === undefined || url === "") {
  console.warn("\n⚠ DATABASE_URL is not set: storage tests run on PGlite only; PostgreSQL is SKIPPED.\n")
}

const withSearchPath = (base: string, schema: string): string => {
  const u = new URL(base)
  u.searchParams.set("options", `-c search_path=${schema}`)
  return u.toString()
}

export const testDatabases: ReadonlyArray<TestDatabase> = [
  {
    name: "pglite",
    open: async () => {
      const opened = await openDatabase({ pgliteDir: "memory://" })
      await migrateToLatest(opened.db)
      return { ...opened, dispose: () => opened.db.destroy() }
    }
  },
  ...(url === undefined || url === ""
    ? []
    : [
        {
          name: "postgres" as const,
          open: async () => {
            const schema = `convene_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`
            const admin = new pg.Client({ connectionString: url })
            await admin.connect()
            await admin.query(`create schema ${schema}`)
            const schemaUrl = withSearchPath(url, schema)
            const opened = await openDatabase({ url: schemaUrl })
            await migrateToLatest(opened.db)
            return {
              ...opened,
              url: schemaUrl,
              dispose: async () => {
                await opened.db.destroy()
                await admin.query(`drop schema ${schema} cascade`)
                await admin.end()
              }
            }
          }
        }
      ])
]

/** Runs an Effect against an open test database. */
export const runWith = <A, E>(shape: DatabaseShape, program: Effect.Effect<A, E, Store>): Promise<A> =>
  Effect.runPromise(program.pipe(Effect.provide(ConveneStore.layerFrom(shape))))

/** Runs an Effect expected to fail and returns its error. */
export const failWith = async <A, E>(shape: DatabaseShape, program: Effect.Effect<A, E, Store>): Promise<E> => {
  const result = await Effect.runPromise(Effect.flip(program).pipe(Effect.provide(ConveneStore.layerFrom(shape))))
  return result
}

/** Empties every table between tests. */
export const truncateAll = async (shape: DatabaseShape): Promise<void> => {
  const { sql } = await import("kysely")
  await sql`truncate organiser_responses, organiser_invitations, mirrors, kit_approvals, attendance, draw_candidates, draws, candidate_contacts, candidates, survey_responses, survey_invitations, schedule_plans, calendar_events, milestone_progress, participants, sites, fellows, coalition_partners, result_log, result_keys cascade`.execute(shape.db)
}

/** An open test database, as `TestDatabase.open` gives it. */
export type OpenTestDatabase = Awaited<ReturnType<TestDatabase["open"]>>

/**
 * Opens a test database before the suite's tests and disposes of it after them; call the
 * returned function inside a test (or a hook) to get it.
 */
export const useTestDatabase = (testDb: TestDatabase): (() => OpenTestDatabase) => {
  let shape: OpenTestDatabase | undefined
  beforeAll(async () => {
    shape = await testDb.open()
  })
  afterAll(async () => shape?.dispose())
  return () => {
    if (shape === undefined) throw new Error(`the ${testDb.name} test database is not open yet`)
    return shape
  }
}
