// The revision of each calendar event, per UID: the hash of its content when last exported,
// its SEQUENCE (raised each time the content changes) and LAST-MODIFIED (the stored time of
// the plan that changed it), so that calendar apps update the events they imported.
// Landed: never edit; add a new migration instead.
import type { Kysely } from "kysely"

export const up = async (db: Kysely<any>): Promise<void> => {
  await db.schema
    .createTable("calendar_events")
    .addColumn("uid", "text", (c) => c.primaryKey())
    .addColumn("content_hash", "text", (c) => c.notNull())
    .addColumn("sequence", "integer", (c) => c.notNull())
    .addColumn("modified_at", "text", (c) => c.notNull())
    .execute()
}

export const down = async (db: Kysely<any>): Promise<void> => {
  await db.schema.dropTable("calendar_events").execute()
}
