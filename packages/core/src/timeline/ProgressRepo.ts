/** The timeline's repository: milestone progress per site, recorded by `timeline done`, read by `timeline status`. */
import * as Context from "effect/Context"
import type { Kysely } from "kysely"
import type { Progress } from "../domain/Timeline.js"
import { repositoryLayer, type Run } from "../infra/Database.js"
import { sql } from "../infra/Sql.js"
import type { Tables } from "../infra/Tables.js"

const make = (db: Kysely<Tables>, run: Run) => ({
  /** Records (or re-dates) a milestone at some sites, or with `undo` forgets it there; one transaction. */
  record: (entry: { readonly milestone_id: string; readonly sites: ReadonlyArray<string>; readonly done_on: string; readonly note?: string | undefined; readonly undo?: boolean | undefined }) =>
    run(`recording ${entry.milestone_id}`, () =>
      db.transaction().execute(async (trx) => {
        if (entry.sites.length === 0) return
        if (entry.undo === true) {
          await trx.deleteFrom("milestone_progress").where("site_id", "in", [...entry.sites]).where("milestone_id", "=", entry.milestone_id).execute()
          return
        }
        const note = entry.note ?? null
        await trx
          .insertInto("milestone_progress")
          .values(entry.sites.map((site_id) => ({ site_id, milestone_id: entry.milestone_id, done_on: entry.done_on, note })))
          .onConflict((oc) => oc.columns(["site_id", "milestone_id"]).doUpdateSet({ done_on: entry.done_on, note }))
          .execute()
      })
    ),

  /** Every recorded milestone, by site then milestone. */
  all: () =>
    run("reading milestone progress", (): Promise<Array<Progress>> =>
      db
        .selectFrom("milestone_progress")
        // a calendar date as text, so that no driver turns it into a Date
        .select(["site_id", "milestone_id", sql<string>`done_on::text`.as("done_on")])
        .orderBy("site_id")
        .orderBy("milestone_id")
        .execute()
    )
})

/** The timeline's repository as a service. */
export class ProgressRepo extends Context.Service<ProgressRepo, ReturnType<typeof make>>()("convene/ProgressRepo") {
  static readonly layer = repositoryLayer(ProgressRepo, make)
}
