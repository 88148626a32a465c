/** What calendars say of each site beyond the plan, from the kit's catalogs: where, and in the site's language. */
import * as Effect from "effect/Effect"
import type { Site } from "../domain/Registry.js"
import type { Workspace } from "../infra/Workspace.js"
import { listRegistry } from "../registries/index.js"
import type { SchedulePlan } from "../domain/Schedule.js"
import { calendarRevisions, type CalendarSite } from "../schedule/index.js"
import { calendarSiteOf } from "./CalendarText.js"
import { rendererFor } from "./Renderer.js"

/**
 * Per site id: LOCATION (the site's name, city and country, the country named in the site's
 * language), and the SUMMARY and DESCRIPTION of its blocks and moments from the same catalogs
 * as its kit, in the site's locale, falling back as the kit does (see {@link calendarSiteOf}).
 * A caller that has just read every registered site passes them as `registered`, so they are not
 * read again (10,000 sites: about half a second on the embedded database).
 *
 * @example
 * const sites = yield* calendarSites(ws)
 * sites.get("fr-lyon")?.location // "Maison de quartier, Lyon, France"
 */
export const calendarSites = Effect.fn("Kits.calendarSites")(function*(ws: Workspace, registered?: ReadonlyArray<Site>) {
  const renderer = yield* rendererFor(ws)
  const sites = registered ?? (yield* listRegistry("sites"))
  const out = new Map<string, CalendarSite>()
  for (const site of sites) out.set(site.id, calendarSiteOf(site, renderer.messagesFor(site.id, site.locale).messages))
  return out
})

/**
 * What `schedule export --format ics` writes calendars with: DTSTAMP the plan's stored time,
 * LOCATION and localized titles and descriptions from {@link calendarSites}, and each event's SEQUENCE and
 * LAST-MODIFIED, raised and recorded for the events whose content changed since the last export.
 * `registered`: every registered site, when the caller has just read them (see {@link calendarSites}).
 *
 * @example
 * const { plan, computedAt } = yield* latestPlan(ws.dialogue)
 * const calendar = yield* calendarOptionsFor(ws, plan, computedAt)
 * yield* Effect.promise(() => writeSchedule({ plan, format: "ics", dir, dialogue: ws.dialogue, calendar }))
 */
export const calendarOptionsFor = Effect.fn("Kits.calendarOptionsFor")(function*(ws: Workspace, plan: SchedulePlan, stamp: string | undefined, registered?: ReadonlyArray<Site>) {
  const sites = yield* calendarSites(ws, registered)
  return yield* calendarRevisions(plan, { dialogueId: ws.dialogue.id, title: ws.dialogue.title, stamp, sites })
})
