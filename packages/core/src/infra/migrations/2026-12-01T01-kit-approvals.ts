// Staff approvals of sites' changes to locked kit content: one row per site, item (a template
// path or locale:key) and exact version (the SHA-256 of the site's content), so that a later
// edit needs a new approval.
// Landed: never edit; add a new migration instead.
import { type Kysely, sql } from "kysely"

export const up = async (db: Kysely<any>): Promise<void> => {
  await db.schema
    .createTable("kit_approvals")
    .addColumn("site_id", "text", (c) => c.notNull().references("sites.id").onUpdate("cascade").onDelete("cascade"))
    .addColumn("item", "text", (c) => c.notNull())
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("note", "text", (c) => c.notNull())
    .addColumn("approved_by", "text", (c) => c.notNull())
    .addColumn("approved_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("kit_approvals_pk", ["site_id", "item", "sha256"])
    .execute()
}

export const down = async (db: Kysely<any>): Promise<void> => {
  await db.schema.dropTable("kit_approvals").execute()
}
