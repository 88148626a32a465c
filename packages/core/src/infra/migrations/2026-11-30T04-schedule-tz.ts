// The tz release each stored plan was made with (e.g. `2026f`) and where the rules came from
// (e.g. `moment-timezone 0.6.6`, `system /usr/share/zoneinfo`): null for plans made before.
// Landed: never edit; add a new migration instead.
import type { Kysely } from "kysely"

export const up = async (db: Kysely<any>): Promise<void> => {
  await db.schema.alterTable("schedule_plans").addColumn("tz_version", "text").execute()
  await db.schema.alterTable("schedule_plans").addColumn("tz_source", "text").execute()
}

export const down = async (db: Kysely<any>): Promise<void> => {
  await db.schema.alterTable("schedule_plans").dropColumn("tz_source").execute()
  await db.schema.alterTable("schedule_plans").dropColumn("tz_version").execute()
}
