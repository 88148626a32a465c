// A site's own date (a national dialogue on another day, or a mirror dialogue) and its reason.
// Landed: never edit; add a new migration instead.
import type { Kysely } from "kysely"

export const up = async (db: Kysely<any>): Promise<void> => {
  await db.schema.alterTable("sites").addColumn("date", "text").execute()
  await db.schema.alterTable("sites").addColumn("date_reason", "text").execute()
}

export const down = async (db: Kysely<any>): Promise<void> => {
  await db.schema.alterTable("sites").dropColumn("date_reason").execute()
  await db.schema.alterTable("sites").dropColumn("date").execute()
}
