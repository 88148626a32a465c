// Self-service mirror dialogues: one row per registration from the public form (its organiser's
// contact kept here, apart from the registries), and sites without a fellow (an approved mirror).
// Landed: never edit; add a new migration instead.
import { type Kysely, sql } from "kysely"

export const up = async (db: Kysely<any>): Promise<void> => {
  await db.schema
    .createTable("mirrors")
    .addColumn("id", "serial", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    // lower-cased: registrations are deduplicated by it
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("place", "text", (c) => c.notNull())
    .addColumn("country", "text", (c) => c.notNull())
    .addColumn("timezone", "text", (c) => c.notNull())
    .addColumn("locale", "text", (c) => c.notNull())
    .addColumn("date", "text", (c) => c.notNull())
    .addColumn("participants", "integer", (c) => c.notNull().check(sql`participants between 1 and 10000`))
    .addColumn("consented_at", "timestamptz", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().defaultTo("unconfirmed").check(sql`status in ('unconfirmed', 'pending', 'approved', 'rejected')`))
    // the SHA-256 of the confirmation link's token; null once followed
    .addColumn("token_hash", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("confirmed_at", "timestamptz")
    .addColumn("decided_at", "timestamptz")
    .addColumn("note", "text")
    .addColumn("site_id", "text", (c) => c.references("sites.id").onUpdate("cascade").onDelete("set null"))
    .execute()
  await db.schema.createIndex("mirrors_token_hash_idx").on("mirrors").column("token_hash").unique().execute()
  // at most one open registration per address: a second one re-sends the link instead
  await sql`create unique index mirrors_open_email_idx on mirrors (email) where status in ('unconfirmed', 'pending')`.execute(db)
  await db.schema.createIndex("mirrors_status_idx").on("mirrors").column("status").execute()
  // an approved mirror is a site without a fellow
  await sql`alter table sites alter column fellow_email drop not null`.execute(db)
}

export const down = async (db: Kysely<any>): Promise<void> => {
  await db.schema.dropTable("mirrors").execute()
  await sql`alter table sites alter column fellow_email set not null`.execute(db)
}
