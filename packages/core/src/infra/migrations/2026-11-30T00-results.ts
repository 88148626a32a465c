// The citizens' results: per site a status (draft → submitted → validated), its table sheets
// and ballots, its counts per question (derived when written), the tables' recommendations, an
// append-only audit log, and each site's entry link (stored as the hash of its token, as survey
// invitations are).
// Landed: never edit; add a new migration instead.
import { type Kysely, sql } from "kysely"

export const up = async (db: Kysely<any>): Promise<void> => {
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
    .execute()
  // one row per table sheet: the people present and the votes per tally question and option
  // (TableTally.counts as JSON: question id -> option id -> votes)
  await db.schema
    .createTable("result_tables")
    .addColumn("site_id", "text", (c) => c.notNull().references("result_sites.site_id").onDelete("cascade"))
    .addColumn("table_no", "integer", (c) => c.notNull())
    .addColumn("present", "integer", (c) => c.notNull().check(sql`present >= 0`))
    .addColumn("counts", "jsonb", (c) => c.notNull())
    .addPrimaryKeyConstraint("result_tables_pk", ["site_id", "table_no"])
    .execute()
  // one row per ballot cast (a blank one too): question id -> option id | scale point | option ids
  await db.schema
    .createTable("result_ballots")
    .addColumn("site_id", "text", (c) => c.notNull().references("result_sites.site_id").onDelete("cascade"))
    .addColumn("ballot", "text", (c) => c.notNull())
    .addColumn("answers", "jsonb", (c) => c.notNull())
    .addPrimaryKeyConstraint("result_ballots_pk", ["site_id", "ballot"])
    .execute()
  // the site's counts per question (voters, votes per option, rank sums), derived from its
  // tables and ballots by the write path in the same transaction: the report reads one row per
  // site and question instead of every ballot
  await db.schema
    .createTable("result_totals")
    .addColumn("site_id", "text", (c) => c.notNull().references("result_sites.site_id").onDelete("cascade"))
    .addColumn("question", "text", (c) => c.notNull())
    .addColumn("voters", "integer", (c) => c.notNull())
    .addColumn("votes", "jsonb", (c) => c.notNull())
    .addColumn("rank_sums", "jsonb")
    .addPrimaryKeyConstraint("result_totals_pk", ["site_id", "question"])
    .execute()
  await db.schema
    .createTable("result_recommendations")
    .addColumn("site_id", "text", (c) => c.notNull().references("result_sites.site_id").onDelete("cascade"))
    .addColumn("question", "text", (c) => c.notNull())
    .addColumn("table_no", "integer", (c) => c.notNull())
    .addColumn("number", "integer", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("votes", "integer", (c) => c.notNull().check(sql`votes >= 0`))
    .addPrimaryKeyConstraint("result_recommendations_pk", ["site_id", "question", "table_no", "number"])
    .execute()
  // append-only: who changed what, when, with the results before and after (SiteResults JSON)
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
    .addColumn("before", "json")
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
  for (const table of ["result_keys", "result_links", "result_log", "result_recommendations", "result_totals", "result_ballots", "result_tables", "result_sites"]) {
    await db.schema.dropTable(table).execute()
  }
}
