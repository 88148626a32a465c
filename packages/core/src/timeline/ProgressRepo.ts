/** Milestone progress per site: recorded by `timeline done`, read by `timeline status`. */
import { type Kysely, sql, type Transaction } from "kysely"
import type { Progress } from "../domain/Timeline.js"
import type { Tables } from "../infra/Tables.js"

/** Records (or re-dates) a milestone at a site. */
export const recordProgress = async (
  db: Kysely<Tables> | Transaction<Tables>,
  entry: { readonly site_id: string; readonly milestone_id: string; readonly done_on: string; readonly note?: string | undefined }
): Promise<void> => {
  await db
    .insertInto("milestone_progress")
    .values({ site_id: entry.site_id, milestone_id: entry.milestone_id, done_on: entry.done_on, note: entry.note ?? null })
    .onConflict((oc) => oc.columns(["site_id", "milestone_id"]).doUpdateSet({ done_on: entry.done_on, note: entry.note ?? null }))
    .execute()
}

/** Forgets a milestone at a site; returns whether it had been recorded. */
export const clearProgress = async (db: Kysely<Tables> | Transaction<Tables>, siteId: string, milestoneId: string): Promise<boolean> => {
  const r = await db
    .deleteFrom("milestone_progress")
    .where("site_id", "=", siteId)
    .where("milestone_id", "=", milestoneId)
    .executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}

/** Every recorded milestone. */
export const allProgress = async (db: Kysely<Tables> | Transaction<Tables>): Promise<Array<Progress>> =>
  db
    .selectFrom("milestone_progress")
    .select(["site_id", "milestone_id", sql<string>`done_on::text`.as("done_on")])
    .orderBy("site_id")
    .orderBy("milestone_id")
    .execute()
