/**
 * The scheduling workflows behind `convene schedule …`: plan the deliberation day for every
 * registered site, store the plan, read it back, and export it.
 */
import * as Effect from "effect/Effect"
import { query } from "./Database.js"
import { formatCsv } from "./domain/Csv.js"
import type { Dialogue } from "./domain/Dialogue.js"
import { InputError, NotFound } from "./domain/Errors.js"
import { planDay, type SchedulePlan, type SitePlan } from "./domain/Schedule.js"

/**
 * Plans the day for every site in the registry and stores the plan.
 *
 * @example
 * const plan = yield* planSchedule(workspace.dialogue)
 * plan.span // { start_utc: "2027-05-14T19:00:00Z", end_utc: "2027-05-16T04:00:00Z", hours: 33 }
 */
export const planSchedule = Effect.fn("Schedules.plan")(function*(dialogue: Dialogue) {
  const sites = yield* query("reading sites", (db) => db.selectFrom("sites").select(["id", "timezone", "start_local"]).orderBy("id").execute())
  if (sites.length === 0) {
    return yield* new InputError({ summary: "There are no sites to plan: import them first (`convene sites import sites.csv`).", problems: [] })
  }
  const plan = planDay({
    day: dialogue.deliberation_day,
    agenda: dialogue.agenda,
    moments: dialogue.sync_moments,
    sites: sites.map((s) => ({ id: s.id, timezone: s.timezone, start_local: s.start_local ?? undefined }))
  })
  yield* query("storing the plan", (db) =>
    db.insertInto("schedule_plans").values({ day: plan.day, sites: plan.sites.length, plan: JSON.stringify(plan) }).execute()
  )
  return plan
})

/** The latest stored plan. Fails with {@link NotFound} when none was made. */
export const latestPlan = Effect.fn("Schedules.latest")(function*() {
  const row = yield* query("reading the plan", (db) =>
    db.selectFrom("schedule_plans").select(["plan", "computed_at"]).orderBy("id", "desc").limit(1).executeTakeFirst()
  )
  if (row === undefined) return yield* new NotFound({ what: "schedule plan", id: "latest", hint: "Run `convene schedule plan` first." })
  const plan = (typeof row.plan === "string" ? JSON.parse(row.plan) : row.plan) as SchedulePlan
  return plan
})

/** Keeps only one site of a plan (its moments and warnings too). */
export const planForSite = (plan: SchedulePlan, siteId: string): SchedulePlan => {
  const site = plan.sites.find((s) => s.id === siteId)
  if (site === undefined) throw new NotFound({ what: "site in the plan", id: siteId, hint: "Run `convene schedule plan` again after adding sites." })
  return { ...plan, sites: [site], warnings: site.warnings }
}

/** The plan as JSON: day, sites (blocks, moments, warnings), moments, span, hourly load. */
export const scheduleJson = (plan: SchedulePlan): string => JSON.stringify(plan, null, 2) + "\n"

/** The plan as CSV: one row per site and block. */
export const scheduleCsv = (plan: SchedulePlan): string =>
  formatCsv(
    ["site", "timezone", "block", "kind", "start_local", "end_local", "start_utc", "end_utc", "utc_offset"],
    plan.sites.flatMap((s: SitePlan) => s.blocks.map((b) => [s.id, s.timezone, b.id, b.kind, b.start_local, b.end_local, b.start_utc, b.end_utc, b.utc_offset]))
  )
