// The citizens' results: per site a status (draft → submitted → validated), its table sheets,
// ballots and recommendations, its counts per question (derived when written), an append-only
// audit log, and each site's entry link (stored as the hash of its token, as survey invitations
// are).
// Landed: never edit; add a new migration instead.
import { type Kysely, sql } from "kysely"

export const up = async (db: Kysely<any>): Promise<void> => {
  // one row per site that entered results: its status and its results, a JSON document per part
  // (the site is the unit of entry, validation and audit: every write replaces parts of one
  // site's row, under that row's lock), and its counts per question derived from them by the
  // write path, so that the report reads one small document per site instead of every ballot
  await db.schema
    .createTable("result_sites")
    .addColumn("site_id", "text", (c) => c.primaryKey().references("sites.id").onDelete("cascade"))
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('draft', 'submitted', 'validated')`))
    // written by `convene results simulate`: never to be mistaken for real results
    .addColumn("simulated", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_by", "text", (c) => c.notNull())
    .addColumn("submitted_at", "timestamptz")
    .addColumn("validated_at", "timestamptz")
    .addColumn("validated_by", "text")
    // SiteResults' parts: TableTally[], BallotEntry[], Recommendation[] (json: stored as written,
    // several times cheaper to write than jsonb, and never queried inside)
    .addColumn("tallies", "json", (c) => c.notNull())
    .addColumn("ballots", "json", (c) => c.notNull())
    .addColumn("recommendations", "json", (c) => c.notNull())
    // SiteQuestionTotals[] without the site: voters, votes per option, rank sums
    .addColumn("totals", "json", (c) => c.notNull())
    .execute()
  // append-only: who changed what and when; a change of results keeps the site's results after it
  // (SiteResults JSON), so the site's previous entry holds them before it
  await db.schema
    .createTable("result_log")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("site_id", "text", (c) => c.notNull())
    .addColumn("at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("status_before", "text")
    .addColumn("status_after", "text")
    .addColumn("reason", "text")
    // json, not jsonb: kept as written, and cheaper to store in bulk
    .addColumn("after", "json")
    .execute()
  await db.schema.createIndex("result_log_site_idx").on("result_log").columns(["site_id", "id"]).execute()
  await db.schema
    .createTable("result_links")
    .addColumn("site_id", "text", (c) => c.primaryKey().references("sites.id").onDelete("cascade"))
    // sha256 of the token: the token itself is only in the fellow's mail
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createTable("result_keys")
    .addColumn("id", "integer", (c) => c.primaryKey().check(sql`id = 1`))
    // 256 random bits, base64url: a site's link token is an HMAC of it, so a re-run derives the same link
    .addColumn("token_key", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
}

export const down = async (db: Kysely<any>): Promise<void> => {
  for (const table of ["result_keys", "result_links", "result_log", "result_sites"]) {
    await db.schema.dropTable(table).execute()
  }
}
