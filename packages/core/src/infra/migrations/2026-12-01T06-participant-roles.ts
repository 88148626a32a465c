// A participant's role in the evaluation: `panel` (they deliberate; empty means panel),
// `control` (they answer the same waves but do not deliberate) or `mirror` (a mirror dialogue).
// Landed: never edit; add a new migration instead.
import { type Kysely, sql } from "kysely"

export const up = async (db: Kysely<any>): Promise<void> => {
  await db.schema.alterTable("participants").addColumn("role", "text", (c) => c.check(sql`role in ('panel', 'control', 'mirror')`)).execute()
}

export const down = async (db: Kysely<any>): Promise<void> => {
  await db.schema.alterTable("participants").dropColumn("role").execute()
}
