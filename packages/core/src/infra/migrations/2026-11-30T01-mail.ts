// The send log after issue 13: a message in doubt after a crash becomes 'uncertain' (never sent
// again on its own), every taker holds a lease (its run's id and an expiry), and the bodies of
// messages that went out (or failed for good) are no longer kept: they held invitation links.
// Landed: never edit; add a new migration instead.
import { type Kysely, sql } from "kysely"

export const up = async (db: Kysely<any>): Promise<void> => {
  await sql`alter table send_log drop constraint if exists send_log_status_check`.execute(db)
  await sql`alter table send_log add constraint send_log_status_check check (status in ('queued', 'sending', 'uncertain', 'sent', 'failed'))`.execute(db)
  // the run that holds the message (queued and being written to the outbox, or 'sending' over
  // SMTP), and until when: a lease whose run is gone, or that has expired, is free again
  await db.schema.alterTable("send_log").addColumn("lease_owner", "text").execute()
  await db.schema.alterTable("send_log").addColumn("lease_until", "timestamptz").execute()
  await db.schema
    .createIndex("send_log_open_idx")
    .on("send_log")
    .column("idempotency_key")
    .where(sql<boolean>`status in ('queued', 'sending', 'uncertain')`)
    .execute()
  await db.schema.dropIndex("send_log_pending_idx").execute()
  // a message left 'sending' by an earlier version was in doubt: from now on it is 'uncertain'
  await sql`update send_log set status = 'uncertain' where status = 'sending'`.execute(db)
  // what went out (or failed for good) keeps its envelope but not its text, HTML or attachments
  await sql`update send_log
    set message = jsonb_build_object('text', '', 'html', '', 'attachments', '[]'::jsonb, 'purged', true)
      || case when message ? 'to_name' then jsonb_build_object('to_name', message -> 'to_name') else '{}'::jsonb end
    where status in ('sent', 'failed')`.execute(db)
}

export const down = async (db: Kysely<any>): Promise<void> => {
  await sql`update send_log set status = 'sending' where status = 'uncertain'`.execute(db)
  await sql`alter table send_log drop constraint if exists send_log_status_check`.execute(db)
  await sql`alter table send_log add constraint send_log_status_check check (status in ('queued', 'sending', 'sent', 'failed'))`.execute(db)
  await db.schema
    .createIndex("send_log_pending_idx")
    .on("send_log")
    .column("idempotency_key")
    .where(sql<boolean>`status in ('queued', 'sending')`)
    .execute()
  await db.schema.dropIndex("send_log_open_idx").execute()
  await db.schema.alterTable("send_log").dropColumn("lease_until").execute()
  await db.schema.alterTable("send_log").dropColumn("lease_owner").execute()
}
