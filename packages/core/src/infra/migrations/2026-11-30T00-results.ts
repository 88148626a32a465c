// The citizens' results: per site a status (draft → submitted → validated), the tables' tallies
// and people present, individual ballots (one row per chosen option, so that counting is a
// GROUP BY), the tables' recommendations, an append-only audit log, and each site's entry link
// (stored as the hash of its token, as survey invitations are).
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
  await db.schema
    .createTable("result_tables")
    .addColumn("site_id", "text", (c) => c.notNull().references("result_sites.site_id").onDelete("cascade"))
    .addColumn("table_no", "integer", (c) => c.notNull())
    .addColumn("present", "integer", (c) => c.notNull().check(sql`present >= 0`))
    .addPrimaryKeyConstraint("result_tables_pk", ["site_id", "table_no"])
    .execute()
  await db.schema
    .createTable("result_tallies")
    .addColumn("site_id", "text", (c) => c.notNull())
    .addColumn("table_no", "integer", (c) => c.notNull())
    .addColumn("question", "text", (c) => c.notNull())
    .addColumn("option", "text", (c) => c.notNull())
    .addColumn("count", "integer", (c) => c.notNull().check(sql`count >= 0`))
    .addPrimaryKeyConstraint("result_tallies_pk", ["site_id", "table_no", "question", "option"])
    .addForeignKeyConstraint("result_tallies_table_fk", ["site_id", "table_no"], "result_tables", ["site_id", "table_no"], (c) => c.onDelete("cascade"))
    .execute()
  // one row per option chosen on a ballot: a single choice or a scale point (as text) has one,
  // a multiple choice one per option, a ranking one per option ranked with its rank (1 = first)
  await db.schema
    .createTable("result_ballot_choices")
    .addColumn("site_id", "text", (c) => c.notNull().references("result_sites.site_id").onDelete("cascade"))
    .addColumn("ballot", "text", (c) => c.notNull())
    .addColumn("question", "text", (c) => c.notNull())
    .addColumn("option", "text", (c) => c.notNull())
    .addColumn("rank", "integer")
    .addPrimaryKeyConstraint("result_ballot_choices_pk", ["site_id", "ballot", "question", "option"])
    .execute()
  // the ballots of a site, answered or blank, so that a blank ballot still counts as cast
  await db.schema
    .createTable("result_ballots")
    .addColumn("site_id", "text", (c) => c.notNull().references("result_sites.site_id").onDelete("cascade"))
    .addColumn("ballot", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("result_ballots_pk", ["site_id", "ballot"])
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
    .addColumn("before", "jsonb")
    .addColumn("after", "jsonb")
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
  for (const table of ["result_keys", "result_links", "result_log", "result_recommendations", "result_ballots", "result_ballot_choices", "result_tallies", "result_tables", "result_sites"]) {
    await db.schema.dropTable(table).execute()
  }
}
