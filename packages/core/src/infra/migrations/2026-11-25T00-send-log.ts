// The send log of the mail service: one row per message, keyed by its idempotency key.
// Landed: never edit; add a new migration instead.
import { type Kysely, sql } from "kysely"

export const up = async (db: Kysely<any>): Promise<void> => {
  await db.schema
    .createTable("send_log")
    .addColumn("idempotency_key", "text", (c) => c.primaryKey())
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("recipient", "text", (c) => c.notNull())
    .addColumn("locale", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    // text, html and attachments (by path where there is one, small inline content as base64)
    .addColumn("message", "jsonb", (c) => c.notNull())
    .addColumn("message_id", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().defaultTo("queued").check(sql`status in ('queued', 'sending', 'sent', 'failed')`))
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_error", "text")
    .addColumn("last_attempt_at", "timestamptz")
    .addColumn("queued_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("sent_at", "timestamptz")
    .execute()
  // what a delivery run scans: only the rows still to deliver
  await db.schema
    .createIndex("send_log_pending_idx")
    .on("send_log")
    .column("idempotency_key")
    .where(sql<boolean>`status in ('queued', 'sending')`)
    .execute()
  await db.schema.createIndex("send_log_purpose_status_idx").on("send_log").columns(["purpose", "status"]).execute()
}

export const down = async (db: Kysely<any>): Promise<void> => {
  await db.schema.dropTable("send_log").execute()
}
