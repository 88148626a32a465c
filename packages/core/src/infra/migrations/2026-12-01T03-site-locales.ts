// The other locales a site works in (space-separated BCP 47 tags): its kit is built in each.
// Landed: never edit; add a new migration instead.
import type { Kysely } from "kysely"

export const up = async (db: Kysely<any>): Promise<void> => {
  await db.schema.alterTable("sites").addColumn("other_locales", "text").execute()
}

export const down = async (db: Kysely<any>): Promise<void> => {
  await db.schema.alterTable("sites").dropColumn("other_locales").execute()
}
