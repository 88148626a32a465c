// Stored schedule plans: `convene schedule plan` writes one, `schedule show` reads the latest.
// Landed: never edit; add a new migration instead.
import { type Kysely, sql } from "kysely"

export const up = async (db: Kysely<any>): Promise<void> => {
  await db.schema
    .createTable("schedule_plans")
    .addColumn("id", "serial", (c) => c.primaryKey())
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("computed_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("sites", "integer", (c) => c.notNull())
    .addColumn("inputs_hash", "text", (c) => c.notNull())
    .addColumn("include_mirror", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("plan", "jsonb", (c) => c.notNull())
    .execute()
}

export const down = async (db: Kysely<any>): Promise<void> => {
  await db.schema.dropTable("schedule_plans").execute()
}
