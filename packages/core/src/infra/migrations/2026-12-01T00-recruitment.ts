// Recruitment: the candidate pool (features and consent; contact data in a table of its own),
// each site's draw (method, seed, the inputs' hashes, the record to publish), every candidate's
// selection probability and part in it (panel, reserve, pool) with their answer, and the
// attendance of participants on the day.
// Landed: never edit; add a new migration instead.
import { type Kysely, sql } from "kysely"

export const up = async (db: Kysely<any>): Promise<void> => {
  await db.schema
    .createTable("candidates")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("site_id", "text", (c) => c.notNull().references("sites.id").onUpdate("cascade").onDelete("restrict"))
    .addColumn("consent", "boolean", (c) => c.notNull())
    .addColumn("locale", "text")
    // the feature values as a JSON object, e.g. {"gender":"woman","age_band":"25-34"}
    .addColumn("features", "text", (c) => c.notNull())
    .execute()
  await db.schema.createIndex("candidates_site_id_idx").on("candidates").column("site_id").execute()

  // contact data apart, so that nothing that reads the pool for a draw or a report touches it
  await db.schema
    .createTable("candidate_contacts")
    .addColumn("candidate_id", "text", (c) => c.primaryKey().references("candidates.id").onUpdate("cascade").onDelete("cascade"))
    .addColumn("name", "text")
    .addColumn("email", "text")
    .addColumn("phone", "text")
    .execute()

  await db.schema
    .createTable("draws")
    .addColumn("site_id", "text", (c) => c.primaryKey().references("sites.id").onUpdate("cascade").onDelete("cascade"))
    .addColumn("method", "text", (c) => c.notNull())
    .addColumn("seed", "text", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("reserves", "integer", (c) => c.notNull())
    .addColumn("pool_sha256", "text", (c) => c.notNull())
    .addColumn("targets_sha256", "text", (c) => c.notNull())
    .addColumn("drawn_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    // the DrawRecord as JSON (targets used, quotas, features, stats)
    .addColumn("record", "text", (c) => c.notNull())
    .execute()

  await db.schema
    .createTable("draw_candidates")
    .addColumn("site_id", "text", (c) => c.notNull().references("draws.site_id").onUpdate("cascade").onDelete("cascade"))
    .addColumn("candidate_id", "text", (c) => c.notNull().references("candidates.id").onUpdate("cascade").onDelete("cascade"))
    .addColumn("probability", "double precision", (c) => c.notNull())
    // panel, reserve or pool (eligible, not drawn)
    .addColumn("role", "text", (c) => c.notNull())
    // the reserves' order of call, from 1
    .addColumn("reserve_rank", "integer")
    // pending, confirmed or declined (panel and reserves); null for the pool
    .addColumn("status", "text")
    // a reserve called in: the panel member they replace
    .addColumn("replaces", "text")
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("draw_candidates_pk", ["site_id", "candidate_id"])
    .execute()

  await db.schema
    .createTable("attendance")
    .addColumn("participant_id", "text", (c) => c.primaryKey().references("participants.id").onUpdate("cascade").onDelete("cascade"))
    .addColumn("present", "boolean", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("recorded_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
}

export const down = async (db: Kysely<any>): Promise<void> => {
  for (const table of ["attendance", "draw_candidates", "draws", "candidate_contacts", "candidates"]) {
    await db.schema.dropTable(table).execute()
  }
}
