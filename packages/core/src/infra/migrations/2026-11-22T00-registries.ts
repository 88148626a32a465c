// Registries (coalition, fellows, sites, participants) and milestone progress.
// Landed: never edit; add a new migration instead.
import { type Kysely, sql } from "kysely"

export const up = async (db: Kysely<any>): Promise<void> => {
  await db.schema
    .createTable("coalition_partners")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("country", "text")
    .addColumn("website", "text")
    .addColumn("contact_email", "text")
    .execute()

  await db.schema
    .createTable("fellows")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("country", "text", (c) => c.notNull())
    .addColumn("languages", "text", (c) => c.notNull())
    .addColumn("organisation", "text")
    .execute()

  await db.schema
    .createTable("sites")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("city", "text", (c) => c.notNull())
    .addColumn("country", "text", (c) => c.notNull())
    .addColumn("timezone", "text", (c) => c.notNull())
    .addColumn("locale", "text", (c) => c.notNull())
    .addColumn("capacity", "integer", (c) => c.notNull().check(sql`capacity between 1 and 10000`))
    .addColumn("format", "text", (c) => c.notNull())
    .addColumn("fellow_email", "text", (c) =>
      c.notNull().references("fellows.email").onUpdate("cascade").onDelete("restrict")
    )
    .addColumn("start_local", "text")
    .execute()
  await db.schema.createIndex("sites_fellow_email_idx").on("sites").column("fellow_email").execute()
  await db.schema.createIndex("sites_country_idx").on("sites").column("country").execute()

  await db.schema
    .createTable("participants")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("site_id", "text", (c) => c.notNull().references("sites.id").onUpdate("cascade").onDelete("restrict"))
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("locale", "text")
    .addColumn("email", "text")
    .addColumn("gender", "text")
    .addColumn("age_band", "text")
    .addColumn("education", "text")
    .addColumn("residence", "text")
    .execute()
  await db.schema.createIndex("participants_site_id_idx").on("participants").column("site_id").execute()

  await db.schema
    .createTable("milestone_progress")
    .addColumn("site_id", "text", (c) => c.notNull().references("sites.id").onUpdate("cascade").onDelete("cascade"))
    .addColumn("milestone_id", "text", (c) => c.notNull())
    .addColumn("done_on", "date", (c) => c.notNull())
    .addColumn("note", "text")
    .addColumn("recorded_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("milestone_progress_pk", ["site_id", "milestone_id"])
    .execute()
}

export const down = async (db: Kysely<any>): Promise<void> => {
  for (const table of ["milestone_progress", "participants", "sites", "fellows", "coalition_partners"]) {
    await db.schema.dropTable(table).execute()
  }
}
