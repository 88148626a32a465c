// Migrations on open: the embedded database migrates itself; a shared PostgreSQL only when asked
// (`convene db migrate`, or `migrate: true` in the SDK), and a store opened on a PostgreSQL with
// pending migrations refuses with MigrationsPending (exit 3), creating nothing.
import { mkdtemp } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import pg from "pg"
import { describe, expect, it } from "vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import { createConvene } from "../../src/Convene.js"
import { MigrationsPending } from "../../src/domain/Errors.js"
import { migrationStatus, openDatabase, pendingMigrations } from "../../src/infra/Database.js"
import { ConveneStore } from "../../src/Store.js"
import { listRegistry } from "../../src/registries/index.js"

const url = process.env["DATABASE_URL"]
const dialogue = join(import.meta.dirname, "..", "..", "..", "..", "examples", "we-the-internet", "convene.yaml")

/** Opens the store (default: migrate the embedded database only) and lists the sites. */
const sitesOn = (options: Parameters<typeof ConveneStore.layer>[0], config: Parameters<typeof ConveneStore.layer>[1] = {}) =>
  Effect.runPromiseExit(listRegistry("sites").pipe(Effect.provide(ConveneStore.layer(options, config))))

describe("migrations on open", () => {
  it("the embedded database migrates itself, and pendingMigrations is then empty", async () => {
    const pgliteDir = join(await mkdtemp(join(tmpdir(), "convene-migrate-")), "db")
    expect((await sitesOn({ pgliteDir }))._tag).toBe("Success")
    const opened = await openDatabase({ pgliteDir })
    try {
      expect(await pendingMigrations(opened.db)).toEqual([])
      expect((await migrationStatus(opened.db)).length).toBeGreaterThan(5)
    } finally {
      await opened.db.destroy()
    }
  })

  describe.skipIf(url === undefined || url === "")("on PostgreSQL (skipped without DATABASE_URL)", () => {
    const withSchema = async <A>(run: (schemaUrl: string, admin: pg.Client, schema: string) => Promise<A>): Promise<A> => {
      const admin = new pg.Client({ connectionString: url })
      await admin.connect()
      const schema = `convene_migrate_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
      await admin.query(`create schema ${schema}`)
      try {
        const u = new URL(url!)
        u.searchParams.set("options", `-c search_path=${schema}`)
        return await run(u.toString(), admin, schema)
      } finally {
        await admin.query(`drop schema ${schema} cascade`)
        await admin.end()
      }
    }
    const tablesIn = async (admin: pg.Client, schema: string) =>
      (await admin.query(`select count(*)::int as n from information_schema.tables where table_schema = $1`, [schema])).rows[0].n as number

    it("refuses a schema with pending migrations, naming them and `convene db migrate`, and creates nothing", async () => {
      await withSchema(async (schemaUrl, admin, schema) => {
        const exit = await sitesOn({ url: schemaUrl })
        const error = exit._tag === "Failure" ? Cause.squash(exit.cause) : undefined
        expect(error).toBeInstanceOf(MigrationsPending)
        const pending = error as MigrationsPending
        expect(pending.exitCode).toBe(3)
        expect(pending.pending[0]).toBe("2026-11-22T00-registries")
        expect(pending.message).toMatch(/^The database at postgres(ql)?:\/\/.* needs \d+ migrations \(2026-11-22T00-registries, .*\): run `convene db migrate` first/)
        expect(await tablesIn(admin, schema)).toBe(0)
        // createConvene too, unless told to migrate
        await expect(createConvene({ dialogue, databaseUrl: schemaUrl })).rejects.toMatchObject({ _tag: "MigrationsPending", exitCode: 3 })
        expect(await tablesIn(admin, schema)).toBe(0)
      })
    })

    it("migrates with migrate: true, after which the default open works", async () => {
      await withSchema(async (schemaUrl) => {
        await using convene = await createConvene({ dialogue, databaseUrl: schemaUrl, migrate: true })
        expect(await convene.sites.list()).toEqual([])
        const exit = await sitesOn({ url: schemaUrl })
        expect(exit._tag).toBe("Success")
        const opened = await openDatabase({ url: schemaUrl })
        try {
          expect(await pendingMigrations(opened.db)).toEqual([])
        } finally {
          await opened.db.destroy()
        }
      })
    })

    it("names only the migrations still pending after an upgrade", async () => {
      await withSchema(async (schemaUrl, admin, schema) => {
        expect((await sitesOn({ url: schemaUrl }, { migrate: true }))._tag).toBe("Success")
        const last = (await admin.query(`select name from ${schema}.kysely_migration order by name desc limit 1`)).rows[0].name as string
        await admin.query(`delete from ${schema}.kysely_migration where name = $1`, [last])
        const exit = await sitesOn({ url: schemaUrl })
        const error = exit._tag === "Failure" ? Cause.squash(exit.cause) : undefined
        expect((error as MigrationsPending).pending).toEqual([last])
        expect((error as MigrationsPending).message).toContain(`needs 1 migration (${last})`)
        // migrate: false neither migrates nor checks
        expect((await sitesOn({ url: schemaUrl }, { migrate: false }))._tag).toBe("Success")
      })
    })
  })
})
