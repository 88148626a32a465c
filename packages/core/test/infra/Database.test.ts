// Two convene databases in one PostgreSQL, one schema each: migrating one must not be confused by
// the other's bookkeeping tables (Kysely looks in every schema unless told which).
import pg from "pg"
import { describe, expect, it } from "vitest"
import { migrateToLatest, migrationStatus, openDatabase } from "../../src/infra/Database.js"

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
