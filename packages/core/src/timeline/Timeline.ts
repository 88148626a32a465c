/**
 * The timeline workflows behind `convene timeline …`: recording milestones reached at sites
 * and computing every site's and country's readiness from the database.
 */
import * as Effect from "effect/Effect"
import type { Dialogue } from "../domain/Dialogue.js"
import { InputError, NotFound } from "../domain/Errors.js"
import { readiness } from "../domain/Timeline.js"
import { isLocalDate } from "../domain/Values.js"
import { listRegistry } from "../registries/index.js"
import { ProgressRepo } from "./ProgressRepo.js"

const checkMilestone = (dialogue: Dialogue, milestoneId: string) => {
  const milestone = dialogue.timeline.milestones.find((m) => m.id === milestoneId)
  if (milestone !== undefined) return Effect.succeed(milestone)
  return Effect.fail(
    new InputError({
      summary: `Unknown milestone "${milestoneId}".`,
      problems: [{ file: "convene.yaml", field: "timeline.milestones", message: `expected one of ${dialogue.timeline.milestones.map((m) => m.id).join(", ")}` }]
    })
  )
}

/**
 * Records that a milestone was reached at some sites on a date (default: today). All sites
 * must exist, or nothing is recorded. With `undo`, forgets it instead.
 *
 * @example
 * yield* recordMilestone(dialogue, { milestone: "venue-booked", sites: ["sn-dakar"], on: "2027-03-01" })
 */
export const recordMilestone = Effect.fn("Timeline.recordMilestone")(function*(
  dialogue: Dialogue,
  entry: { readonly milestone: string; readonly sites: ReadonlyArray<string>; readonly on: string; readonly note?: string | undefined; readonly undo?: boolean }
) {
  const milestone = yield* checkMilestone(dialogue, entry.milestone)
  if (!isLocalDate(entry.on)) {
    return yield* new InputError({ summary: "Bad date.", problems: [{ field: "--on", message: `expected a calendar date YYYY-MM-DD, got "${entry.on}"` }] })
  }
  const known = new Set<string>((yield* listRegistry("sites")).map((s) => s.id))
  const missing = entry.sites.filter((s) => !known.has(s))
  if (missing.length > 0) {
    return yield* new NotFound({ what: "site", id: missing.join(", "), hint: "`convene sites list` shows them all." })
  }
  yield* ProgressRepo.use((repo) => repo.record({ milestone_id: milestone.id, sites: [...new Set(entry.sites)], done_on: entry.on, note: entry.note, undo: entry.undo }))
  return { milestone: milestone.id, sites: entry.sites, done_on: entry.undo === true ? null : entry.on }
})

/**
 * The readiness of every site and country against the dialogue's milestones on `asOf`.
 *
 * @example
 * const status = yield* timelineStatus(dialogue, "2027-04-01")
 * status.totals.overdue
 */
export const timelineStatus = Effect.fn("Timeline.status")(function*(dialogue: Dialogue, asOf: string) {
  const sites = yield* listRegistry("sites")
  const recorded = yield* ProgressRepo.use((repo) => repo.all())
  const milestoneIds = new Set(dialogue.timeline.milestones.map((m) => m.id))
  return readiness(sites, dialogue.timeline.milestones, recorded.filter((p) => milestoneIds.has(p.milestone_id)), asOf, dialogue.deliberation_day.date)
})
