// Two convene databases in one PostgreSQL, one schema each: migrating one must not be confused by
// the other's bookkeeping tables (Kysely looks in every schema unless told which).
import pg from "pg"
import { describe, expect, it } from "vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import { ConnectionError, InputError } from "../../src/domain/Errors.js"
import { Database, migrateToLatest, migrationStatus, openDatabase } from "../../src/infra/Database.js"

const url = process.env["DATABASE_URL"]

describe.skipIf(url === undefined || url === "")("PostgreSQL schemas (skipped without DATABASE_URL)", () => {
  it("migrates a schema while another schema holds convene's migration tables", async () => {
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    const a = `convene_schema_a_${process.pid}`
    const b = `convene_schema_b_${process.pid}`
    try {
      await admin.query(`create schema ${a}; create schema ${b}`)
      const inSchema = (schema: string) => {
        const u = new URL(url!)
        u.searchParams.set("options", `-c search_path=${schema}`)
        return u.toString()
      }
      const first = await openDatabase({ url: inSchema(a) })
      expect((await migrateToLatest(first.db)).length).toBeGreaterThan(3)
      await first.db.destroy()
      const second = await openDatabase({ url: inSchema(b) })
      expect(await migrateToLatest(second.db)).toEqual((await migrationStatus(second.db)).map((m) => m.name))
      expect((await migrationStatus(second.db)).every((m) => m.executed_at !== null)).toBe(true)
      await second.db.destroy()
      const { rows } = await admin.query(`select table_schema from information_schema.tables where table_name = 'kysely_migration' and table_schema in ($1, $2) order by 1`, [a, b])
      expect(rows.map((r: { table_schema: string }) => r.table_schema)).toEqual([a, b])
    } finally {
      await admin.query(`drop schema if exists ${a} cascade; drop schema if exists ${b} cascade`)
      await admin.end()
    }
  })
})

describe("connection errors", () => {
  it("says what was tried and how to fix it when nothing listens, never the password, with exit status 3", async () => {
    const error = await openDatabase({ url: "postgres://convene:s3cret-pw@127.0.0.1:1/assembly" }).then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionError)
    const e = error as ConnectionError
    expect(e.exitCode).toBe(3)
    expect(e.message).toContain("Cannot connect to PostgreSQL at 127.0.0.1:1/assembly as convene: nothing is listening there (connection refused).")
    expect(e.message).toContain("Is PostgreSQL running?")
    expect(e.message).toContain("unset DATABASE_URL")
    expect(JSON.stringify(e.toErrorJson())).not.toContain("s3cret-pw")
    expect(e.message).not.toContain("s3cret-pw")
  })

  it("refuses a URL that is not PostgreSQL's with DATABASE_URL named and exit status 2, before connecting", async () => {
    for (const [bad, shown] of [["mysql://root:pw@127.0.0.1:3306/x", "a mysql:// URL"], ["./data.db", "a value that is not a URL"]] as const) {
      const error = await openDatabase({ url: bad }).then(() => undefined, (e: unknown) => e)
      expect(error).toBeInstanceOf(InputError)
      expect((error as InputError).exitCode).toBe(2)
      expect((error as InputError).problems).toEqual([{ field: "DATABASE_URL", message: `expected a postgres:// or postgresql:// URL, got ${shown}` }])
      expect((error as InputError).message).not.toContain("pw@")
    }
  })

  it("passes both through the store's layer unwrapped, so that every command reports them alike", async () => {
    const exit = await Effect.runPromiseExit(Effect.provide(Effect.void, Database.layer({ url: "postgresql://127.0.0.1:1/x" })))
    expect(exit._tag === "Failure" ? Cause.squash(exit.cause) : undefined).toBeInstanceOf(ConnectionError)
  })

  it.skipIf(url === undefined || url === "")("names a database that does not exist on a reachable server (skipped without DATABASE_URL)", async () => {
    const u = new URL(url!)
    u.pathname = "/convene_no_such_database"
    const error = await openDatabase({ url: u.toString() }).then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionError)
    expect((error as ConnectionError).message).toContain(`${u.hostname}:${u.port || "5432"}/convene_no_such_database`)
    expect((error as ConnectionError).message).toContain("the database does not exist")
    expect((error as ConnectionError).message).toContain("createdb convene_no_such_database")
  })
})
