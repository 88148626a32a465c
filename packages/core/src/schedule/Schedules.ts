/**
 * The scheduling workflows behind `convene schedule …`: plan the deliberation day for every
 * registered site, store the plan, read it back, and export it.
 */
import * as Effect from "effect/Effect"
import { createHash } from "node:crypto"
import { closeSync, ftruncateSync } from "node:fs"
import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { calendarEventHashes, type CalendarOptions, type CalendarSite, globalCalendarChunks, siteCalendar } from "./Calendar.js"
import { PlanRepo } from "./PlanRepo.js"
import { scheduleHtml } from "./ScheduleChart.js"
import { formatCsv } from "../domain/Csv.js"
import type { Dialogue } from "../domain/Dialogue.js"
import { agendaWith, type NationalSessions, sessionOf } from "../domain/NationalSession.js"
import { InputError, NotFound } from "../domain/Errors.js"
import type { Site } from "../domain/Registry.js"
import { planDay, type SchedulePlan, type ScheduleWarning, type SitePlan } from "../domain/Schedule.js"
import { newerTz, type TzInfo, type ZoneRules } from "../domain/ZoneRules.js"
import { openForRewrite, rewriteFileSync, writeAt } from "../infra/Files.js"
import { tzInUse, zoneRules } from "../infra/TzData.js"
import { listRegistry } from "../registries/index.js"

/** What planning reads of a site. */
type SiteToPlan = Pick<Site, "id" | "timezone" | "start_local"> & Partial<Pick<Site, "date" | "date_reason" | "country">>

/**
 * Plans the dialogue's day for some sites: the one planning function, used by `schedule plan`
 * and by the kits (for sites the stored plan does not hold). `moments` default to the
 * dialogue's; the kits pass them fixed at the stored plan's instants. The zone rules are the
 * newest tz data available ({@link zoneRules}), unless given.
 *
 * @example
 * const plan = planSites(ws.dialogue, sites)
 * plan.sites[0].blocks[0].start_utc // "2027-05-14T19:00:00Z"
 */
export const planSites = (
  dialogue: Dialogue,
  sites: ReadonlyArray<SiteToPlan>,
  moments: Dialogue["sync_moments"] = dialogue.sync_moments,
  rules: ZoneRules = zoneRules(),
  sessions?: NationalSessions
): SchedulePlan => {
  const day = dialogue.deliberation_day
  // a site holding a national session plans its own agenda: the shared blocks and the session's
  const toPlan = (s: SiteToPlan) => ({ id: s.id, timezone: s.timezone, start_local: s.start_local, agenda: siteAgenda(dialogue, sessions, s) })
  const onGlobalDay = sites.filter((s) => s.date === undefined || s.date === day.date)
  const global = planDay({ day, agenda: dialogue.agenda, moments, sites: onGlobalDay.map(toPlan), rules })
  const others = sites.filter((s) => s.date !== undefined && s.date !== day.date)
  if (others.length === 0) return global
  // each other date planned on its own: the same agenda and window, no synchronized moment
  const byDate = new Map<Dialogue["deliberation_day"]["date"], Array<SiteToPlan>>()
  for (const s of others) byDate.set(s.date!, [...(byDate.get(s.date!) ?? []), s])
  const phases = dialogue.timeline.phases
  const first = phases.reduce<string | undefined>((m, p) => (m === undefined || p.start < m ? p.start : m), undefined)
  const last = phases.reduce<string | undefined>((m, p) => (m === undefined || p.end > m ? p.end : m), undefined)
  const extraSites: Array<SitePlan> = []
  const warnings: Array<ScheduleWarning> = [...global.warnings]
  for (const date of [...byDate.keys()].sort()) {
    const group = byDate.get(date)!
    const plan = planDay({ day: { ...day, date }, agenda: dialogue.agenda, moments: [], sites: group.map(toPlan), rules })
    const reasons = new Map<string, SiteToPlan["date_reason"]>(group.map((s) => [s.id, s.date_reason]))
    for (const site of plan.sites) {
      const own: Array<ScheduleWarning> = [...site.warnings]
      if (first !== undefined && last !== undefined && (date < first || date > last)) {
        own.push({ code: "date-outside-phases", site: site.id, message: `the site's own date ${date} is outside the dialogue's phases (${first} to ${last})` })
      }
      const reason = reasons.get(site.id)
      extraSites.push({ id: site.id, timezone: site.timezone, date, ...(reason === undefined ? {} : { date_reason: reason }), blocks: site.blocks, moments: [], warnings: own })
      warnings.push(...own)
    }
  }
  return { ...global, sites: [...global.sites, ...extraSites], warnings }
}

/** A site's agenda when a national session changes it (`sites/<id>/site.yaml`), else undefined: the shared one. */
export const siteAgenda = (dialogue: Dialogue, sessions: NationalSessions | undefined, site: { readonly id: string; readonly country?: string | undefined }) => {
  const session = sessionOf(sessions, { id: site.id, country: site.country ?? "" })
  return session === undefined ? undefined : agendaWith(dialogue.agenda, session.session)
}

/** What a plan is computed from: the dialogue's day, agenda and moments, the sites, and their national sessions. */
const planInputs = Effect.fn("Schedules.inputs")(function*(dialogue: Dialogue, includeMirror: boolean, registered?: ReadonlyArray<Site>, sessions?: NationalSessions) {
  const all = registered ?? (yield* listRegistry("sites"))
  // a mirror site meets later: planned when it has its own date, or with includeMirror (on the global day)
  const sites = all.filter((s) => includeMirror || s.format !== "mirror" || s.date !== undefined)
  // a site without its own start time hashes as null, as it always has: stored plans stay current
  const hash = createHash("sha256")
    .update(JSON.stringify([dialogue.deliberation_day, dialogue.agenda, dialogue.sync_moments, sites.map((s) => {
      const own = siteAgenda(dialogue, sessions, s)
      const row = s.date === undefined ? [s.id, s.timezone, s.start_local ?? null] : [s.id, s.timezone, s.start_local ?? null, s.date, s.date_reason ?? null]
      return own === undefined ? row : [...row, own]
    })]))
    .digest("hex")
  return { sites, mirror: all.length - sites.length, hash }
})

/**
 * Plans the day for every site in the registry and stores the plan. Mirror sites (format
 * `mirror`) hold their dialogue later, in the mirror phase: they are left out unless
 * `includeMirror`.
 *
 * @example
 * const { plan } = yield* planSchedule(workspace.dialogue)
 * plan.span // { start_utc: "2027-05-14T19:00:00Z", end_utc: "2027-05-16T04:00:00Z", hours: 33 }
 */
export const planSchedule = Effect.fn("Schedules.plan")(function*(dialogue: Dialogue, options: { readonly includeMirror?: boolean; readonly sessions?: NationalSessions | undefined } = {}) {
  const includeMirror = options.includeMirror === true
  const inputs = yield* planInputs(dialogue, includeMirror, undefined, options.sessions)
  if (inputs.sites.length === 0) {
    return yield* new InputError({
      summary: inputs.mirror > 0
        ? `There are no sites to plan: all ${inputs.mirror} are mirror sites (pass --include-mirror to plan them).`
        : "There are no sites to plan: import them first (`convene sites import sites.csv`).",
      problems: []
    })
  }
  const rules = zoneRules()
  const plan = planSites(dialogue, inputs.sites, dialogue.sync_moments, rules, options.sessions)
  const tz: TzInfo = { version: rules.version, source: rules.source }
  yield* PlanRepo.use((repo) => repo.store({ plan, inputsHash: inputs.hash, includeMirror, tz }))
  return { plan, mirrorLeftOut: includeMirror ? 0 : inputs.mirror, tz }
})

/**
 * The latest stored plan, and whether it is stale: the sites, the day, the agenda or the
 * moments changed since it was made. Fails with {@link NotFound} when none was made. A caller
 * that has just read every registered site passes them as `sites`, so they are not read again.
 * `tz` is the tz release the plan was made with (undefined for plans made before convene
 * recorded it); `newerTz` the release now in use when it is newer than that, so callers can warn.
 */
export const latestPlan = Effect.fn("Schedules.latest")(function*(dialogue?: Dialogue, sites?: ReadonlyArray<Site>, sessions?: NationalSessions) {
  const stored = yield* PlanRepo.use((repo) => repo.latest())
  if (stored === undefined) return yield* new NotFound({ what: "schedule plan", id: "latest", hint: "Run `convene schedule plan` first." })
  const stale = dialogue === undefined ? false : (yield* planInputs(dialogue, stored.includeMirror, sites, sessions)).hash !== stored.inputsHash
  const now = tzInUse()
  const newer = stored.tz === undefined || newerTz(now.version, stored.tz.version) ? now : undefined
  return { plan: stored.plan, stale, tz: stored.tz, newerTz: newer, computedAt: stored.computedAt }
})

/**
 * The options a plan's calendars are written with: DTSTAMP the plan's stored time, each
 * event's SEQUENCE and LAST-MODIFIED from the recorded revisions (raised, and recorded, for
 * the events whose content changed since the last export), and what `sites` says of each site
 * (LOCATION, titles in its language). Exporting the same plan again gives the same bytes.
 *
 * @example
 * const { plan, computedAt } = yield* latestPlan(dialogue)
 * const calendar = yield* calendarRevisions(plan, { dialogueId: dialogue.id, title: dialogue.title, stamp: computedAt })
 */
export const calendarRevisions = Effect.fn("Schedules.calendarRevisions")(function*(plan: SchedulePlan, options: CalendarOptions & { readonly sites?: ReadonlyMap<string, CalendarSite> | undefined }) {
  const stamp = options.stamp ?? `${plan.day}T00:00:00Z`
  const revisions = yield* PlanRepo.use((repo) => repo.reviseEvents(calendarEventHashes(plan, options), stamp))
  return { ...options, stamp, revisions } satisfies CalendarOptions
})

/**
 * The warning `schedule show` and `export` print when newer tz data is available than the
 * plan was made with, or undefined.
 */
export const tzWarning = (tz: TzInfo | undefined, newer: TzInfo | undefined): string | undefined =>
  newer === undefined
    ? undefined
    : `The plan was made with ${tz === undefined ? "tz data of an unrecorded release" : `tz ${tz.version} (${tz.source})`}; tz ${newer.version} (${newer.source}) is available now and may move some sites' times. Run \`convene schedule plan\` again.`

/** Keeps only one site of a plan (its moments and warnings too). */
export const planForSite = (plan: SchedulePlan, siteId: string): SchedulePlan => {
  const site = plan.sites.find((s) => s.id === siteId)
  if (site === undefined) throw new NotFound({ what: "site in the plan", id: siteId, hint: "Run `convene schedule plan` again after adding sites." })
  return { ...plan, sites: [site], warnings: site.warnings }
}

/**
 * The plan as JSON: day, window, the tz release it was made with (`tz`, when known), sites
 * (blocks, moments, warnings), moments, span, hourly load. Each
 * site sits on one line: a plan of 10,000 sites stays a few tens of MB, and still diffs and
 * greps by site.
 */
export const scheduleJson = (plan: SchedulePlan, tz?: TzInfo): string => {
  const { sites, ...rest } = plan
  const head = JSON.stringify({ day: rest.day, window: rest.window, ...(tz === undefined ? {} : { tz: { version: tz.version, source: tz.source } }) })
  const tail = JSON.stringify({ moments: rest.moments, span: rest.span, hourly: rest.hourly, warnings: rest.warnings })
  return `${head.slice(0, -1)},\n"sites": [\n${sites.map((s) => JSON.stringify(s)).join(",\n")}\n],\n${tail.slice(1)}\n`
}

/** The plan as CSV: one row per site and block. */
export const scheduleCsv = (plan: SchedulePlan): string =>
  formatCsv(
    ["site", "timezone", "block", "kind", "start_local", "end_local", "start_utc", "end_utc", "utc_offset"],
    plan.sites.flatMap((s: SitePlan) => s.blocks.map((b) => [s.id, s.timezone, b.id, b.kind, b.start_local, b.end_local, b.start_utc, b.end_utc, b.utc_offset]))
  )

/** Streams text chunks into a file, about 1 MB per write, so no whole large file sits in memory. */
const writeChunks = (file: string, chunks: Iterable<string>): string => {
  // over the last export's file, if any, then cut to length (see rewriteFileSync)
  const fd = openForRewrite(file)
  try {
    let buffer = ""
    let position = 0
    const flush = (): void => {
      const bytes = Buffer.from(buffer, "utf8")
      writeAt(fd, bytes, position)
      position += bytes.length
      buffer = ""
    }
    for (const chunk of chunks) {
      buffer += chunk
      if (buffer.length >= 1 << 20) flush()
    }
    flush()
    ftruncateSync(fd, position)
  } finally {
    closeSync(fd)
  }
  return file
}

/**
 * Writes the global calendar (every site's blocks and each moment, in UTC), streamed: a plan
 * of 10,000 sites makes a file of about 40 MB. Returns the file.
 */
export const writeGlobalCalendar = (plan: SchedulePlan, file: string, calendar: CalendarOptions): string =>
  writeChunks(file, globalCalendarChunks(plan, calendar))

/** The export formats of a plan. */
export type ScheduleFormat = "ics" | "csv" | "json" | "html"

/**
 * Writes a plan into `dir`: `schedule.json`, `schedule.csv`, `schedule.html`, or for ics one
 * `ics/<site>.ics` per site in its own zone plus `ics/all-sites.ics` in UTC. With `site`, only
 * that site. Returns the files written.
 *
 * @example
 * await writeSchedule({ plan, format: "ics", dir: "out/schedule", dialogue })
 */
export const writeSchedule = async (options: {
  readonly plan: SchedulePlan
  readonly format: ScheduleFormat
  readonly dir: string
  readonly dialogue: Pick<Dialogue, "id" | "title">
  readonly site?: string | undefined
  /** The tz release the plan was made with, written into the JSON. */
  readonly tz?: TzInfo | undefined
  /** The zone rules for the calendars' VTIMEZONE blocks (default: the newest available). */
  readonly rules?: ZoneRules
  /** DTSTAMP, LOCATION, localized titles, SEQUENCE and LAST-MODIFIED for the calendars (see {@link calendarRevisions}). */
  readonly calendar?: Pick<CalendarOptions, "stamp" | "sites" | "revisions"> | undefined
}): Promise<Array<string>> => {
  const plan = options.site === undefined ? options.plan : planForSite(options.plan, options.site)
  const suffix = options.site === undefined ? "" : `-${options.site}`
  await mkdir(options.dir, { recursive: true })
  const calendar: CalendarOptions = { ...options.calendar, dialogueId: options.dialogue.id, title: options.dialogue.title, rules: options.rules }
  const write = async (name: string, text: string) => {
    const file = join(options.dir, name)
    await writeFile(file, text)
    return file
  }
  switch (options.format) {
    case "json":
      return [await write(`schedule${suffix}.json`, scheduleJson(plan, options.tz))]
    case "csv":
      return [await write(`schedule${suffix}.csv`, scheduleCsv(plan))]
    case "html":
      return [await write(`schedule${suffix}.html`, scheduleHtml(plan, options.dialogue.title))]
    case "ics": {
      await mkdir(join(options.dir, "ics"), { recursive: true })
      // thousands of small files: synchronous writes are several times faster than promises
      // here (no thread-pool round trip per file), and nothing else waits on this process
      const files = plan.sites.map((site) => {
        const file = join(options.dir, "ics", `${site.id}.ics`)
        // over the last export's file, if any: its blocks are reused (see rewriteFileSync)
        return rewriteFileSync(file, siteCalendar(plan, site, calendar))
      })
      if (options.site === undefined) files.push(writeGlobalCalendar(plan, join(options.dir, "ics", "all-sites.ics"), calendar))
      return files
    }
  }
}
