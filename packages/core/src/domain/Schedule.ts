/**
 * Planning the synchronized deliberation day, without IO: every site's blocks in its own local
 * time and in UTC, the synchronized moments each site can join, the follow-the-sun order, the
 * day's span and how many sites are in session each UTC hour, and warnings for DST gaps and
 * overlaps, blocks outside the window, past midnight, or on another local date.
 */
import type { AgendaBlock, DeliberationDay, SyncMoment } from "./Dialogue.js"
import { atOffset, formatLocal, formatOffset, formatUtc, type LocalDateTime, minutesOfDay, resolveLocal as resolveLocalUncached, stableOffsetAround, toLocal as toLocalUncached } from "./Zone.js"
import type { ZoneRules } from "./ZoneRules.js"

const MINUTE = 60_000
const HOUR = 3_600_000

/** What the planner needs of a site. */
export interface SiteToPlan {
  readonly id: string
  readonly timezone: string
  readonly start_local?: string | undefined
  /** The site's own agenda when it differs from the shared one (a national session adds blocks). */
  readonly agenda?: ReadonlyArray<AgendaBlock> | undefined
}

// The plan's shapes (schemas and types) live in SchedulePlan.ts, which the stored plan's
// repository reads without loading the planner.
export { PlannedBlock, PlannedMoment, SchedulePlan, ScheduleWarning, SiteMoment, SitePlan } from "./SchedulePlan.js"
import type { PlannedBlock, PlannedMoment, SchedulePlan, ScheduleWarning, SiteMoment, SitePlan } from "./SchedulePlan.js"

// Sites share zones (10,000 sites live in a few hundred zones), and most zones have no DST
// transition near the day: their local times are plain arithmetic on a known offset. Only the
// others go through the zone tables, memoized per plan.
let rules: ZoneRules
let stableCache = new Map<string, number | undefined>()
let toLocalCache = new Map<string, ReturnType<typeof toLocalUncached>>()
let resolveCache = new Map<string, ReturnType<typeof resolveLocalUncached>>()
let planDate = ""
let planNoon = 0
const stableOffset = (zone: string): number | undefined => {
  if (!stableCache.has(zone)) stableCache.set(zone, stableOffsetAround(rules, zone, planDate))
  return stableCache.get(zone)
}
const toLocal = (zone: string, utcMs: number) => {
  const stable = stableOffset(zone)
  if (stable !== undefined && Math.abs(utcMs - planNoon) < 36 * HOUR) return atOffset(utcMs, stable)
  const key = `${zone}|${utcMs}`
  let hit = toLocalCache.get(key)
  if (hit === undefined) toLocalCache.set(key, (hit = toLocalUncached(rules, zone, utcMs)))
  return hit
}
const resolveLocal = (zone: string, local: LocalDateTime) => {
  const key = `${zone}|${local.date}|${local.time}`
  let hit = resolveCache.get(key)
  if (hit === undefined) resolveCache.set(key, (hit = resolveLocalUncached(rules, zone, local)))
  return hit
}

/** The grid `auto` moments are placed on, in minutes. */
export const MOMENT_GRID_MINUTES = 15

interface SiteWindow {
  readonly id: string
  readonly timezone: string
  readonly startMs: number
  readonly endMs: number
}

/** The site's acceptable window on the day, as UTC instants (DST-correct: both ends resolved). */
const windowOf = (site: SiteToPlan, day: DeliberationDay): SiteWindow => {
  const start = resolveLocal(site.timezone, { date: day.date, time: day.window.start }).utcMs
  const endLocal = day.window.end === "00:00" || minutesOfDay(day.window.end) <= minutesOfDay(day.window.start)
    ? { date: addDay(day.date), time: day.window.end }
    : { date: day.date, time: day.window.end }
  const end = resolveLocal(site.timezone, endLocal).utcMs
  return { id: site.id, timezone: site.timezone, startMs: start, endMs: end }
}

const addDay = (date: string): string => {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10)
}

const sitesMoment = (zone: string, startMs: number, minutes: number, window: SiteWindow): SiteMoment => {
  const start = toLocal(zone, startMs)
  const end = toLocal(zone, startMs + minutes * MINUTE)
  return {
    id: "",
    start_local: formatLocal(start),
    end_local: formatLocal(end),
    utc_offset: formatOffset(start.offset),
    joins: startMs >= window.startMs && startMs + minutes * MINUTE <= window.endMs
  }
}

/**
 * Picks the UTC instant, on a 15-minute grid, that the most sites can join inside their
 * window; ties go to the instant closest to the middle of the joining sites' windows.
 */
export const bestMomentInstant = (windows: ReadonlyArray<SiteWindow>, minutes: number, day: string): number => {
  const dayStart = Date.parse(`${day}T00:00:00Z`)
  // every local day "day" lies between UTC-12 and UTC+14
  const from = dayStart - 14 * HOUR
  const to = dayStart + 36 * HOUR
  const length = minutes * MINUTE
  let best = from
  let bestCount = -1
  let bestDistance = Infinity
  for (let c = from; c + length <= to; c += MOMENT_GRID_MINUTES * MINUTE) {
    let count = 0
    let distance = 0
    const mid = c + length / 2
    for (const w of windows) {
      if (c >= w.startMs && c + length <= w.endMs) {
        count++
        distance += Math.abs(mid - (w.startMs + w.endMs) / 2)
      }
    }
    if (count > bestCount || (count === bestCount && distance < bestDistance)) {
      best = c
      bestCount = count
      bestDistance = distance
    }
  }
  return best
}

/**
 * Plans the deliberation day for every site.
 *
 * @example
 * const plan = planDay({ day: dialogue.deliberation_day, agenda: dialogue.agenda, moments: dialogue.sync_moments, sites, rules: zoneRules() })
 * plan.sites[0].blocks[0] // { id: "welcome", start_local: "2027-05-15T09:00", start_utc: "2027-05-14T19:00:00Z", utc_offset: "+14:00", ... }
 */
export const planDay = (input: {
  readonly day: DeliberationDay
  readonly agenda: ReadonlyArray<AgendaBlock>
  readonly moments: ReadonlyArray<SyncMoment>
  readonly sites: ReadonlyArray<SiteToPlan>
  /** The zone rules to plan with (`zoneRules()` in infra gives the newest available). */
  readonly rules: ZoneRules
}): SchedulePlan => {
  const { day, agenda } = input
  rules = input.rules
  toLocalCache = new Map()
  resolveCache = new Map()
  stableCache = new Map()
  planDate = day.date
  planNoon = Date.parse(`${day.date}T12:00:00Z`)
  const windowStart = minutesOfDay(day.window.start)
  const windowEnd = minutesOfDay(day.window.end) <= windowStart ? 24 * 60 + minutesOfDay(day.window.end) : minutesOfDay(day.window.end)
  const windows = new Map(input.sites.map((s) => [s.id, windowOf(s, day)]))
  const shared = new Set(agenda.map((b) => b.id))
  const agendaOf = (s: SiteToPlan): ReadonlyArray<AgendaBlock> => s.agenda ?? agenda
  const agendaMs = (s: SiteToPlan): number => agendaOf(s).reduce((sum, b) => sum + b.minutes, 0) * MINUTE
  // a site joins a moment only while it is in session — from its first block's start to its last
  // block's end — and inside the day's window: the part of the window its own agenda covers
  const sessions = new Map(input.sites.map((s) => {
    const w = windows.get(s.id)!
    const start = resolveLocal(s.timezone, { date: day.date, time: s.start_local ?? day.start_local }).utcMs
    const length = agendaMs(s)
    return [s.id, { ...w, startMs: Math.max(w.startMs, start), endMs: Math.min(w.endMs, start + length), sessionStartMs: start, sessionEndMs: start + length }]
  }))
  const joinsAt = (w: SiteWindow, startMs: number, minutes: number) => startMs >= w.startMs && startMs + minutes * MINUTE <= w.endMs

  // place the moments first: each site then says which it joins
  const placed = input.moments.map((m) => {
    const startMs = m.at === "auto" ? bestMomentInstant([...sessions.values()], m.minutes, day.date) : Date.parse(m.at)
    const notJoining = [...sessions.values()].filter((w) => !joinsAt(w, startMs, m.minutes)).map((w) => w.id).sort()
    return { moment: m, startMs, notJoining }
  })

  const sites: Array<SitePlan & { readonly startMs: number; readonly endMs: number }> = []
  const allWarnings: Array<ScheduleWarning> = []
  for (const site of input.sites) {
    const warnings: Array<ScheduleWarning> = []
    const zone = site.timezone
    const siteAgenda = agendaOf(site)
    const startTime = site.start_local ?? day.start_local
    const resolved = resolveLocal(zone, { date: day.date, time: startTime })
    if (resolved._tag === "Gap") {
      warnings.push({
        code: "dst-gap",
        site: site.id,
        block: siteAgenda[0]!.id,
        message: `${day.date} ${startTime} does not exist in ${zone} (clocks go forward): the day starts at ${resolved.shiftedTo.date} ${resolved.shiftedTo.time} instead`
      })
    } else if (resolved._tag === "Overlap") {
      const first = toLocal(zone, resolved.utcMs)
      const second = toLocal(zone, resolved.later)
      warnings.push({
        code: "dst-overlap",
        site: site.id,
        block: siteAgenda[0]!.id,
        message: `${day.date} ${startTime} happens twice in ${zone} (clocks go back): the first one (UTC${formatOffset(first.offset)}) was taken, not the second (UTC${formatOffset(second.offset)})`
      })
    }
    let cursor = resolved.utcMs
    const blocks: Array<PlannedBlock> = []
    for (const block of siteAgenda) {
      const startMs = cursor
      const endMs = cursor + block.minutes * MINUTE
      cursor = endMs
      const start = toLocal(zone, startMs)
      const end = toLocal(zone, endMs)
      blocks.push({
        id: block.id,
        title: block.title,
        kind: block.kind,
        start_local: formatLocal(start),
        end_local: formatLocal(end),
        start_utc: formatUtc(startMs),
        end_utc: formatUtc(endMs),
        utc_offset: formatOffset(start.offset),
        ...(shared.has(block.id) ? {} : { national: true as const })
      })
      // minutes since local midnight of the day (a later date counts past 24:00)
      const dayOffset = (d: string) => (d === day.date ? 0 : d > day.date ? 24 * 60 : -24 * 60)
      const startMin = dayOffset(start.date) + minutesOfDay(start.time)
      const endMin = dayOffset(end.date) + minutesOfDay(end.time)
      if (startMin < windowStart || endMin > windowEnd) {
        warnings.push({
          code: "outside-window",
          site: site.id,
          block: block.id,
          message: `${block.id} runs ${start.time}–${end.time} local, outside the window ${day.window.start}–${day.window.end}`
        })
      }
      if (end.date > day.date && !(end.date === addDay(day.date) && end.time === "00:00")) {
        warnings.push({ code: "past-midnight", site: site.id, block: block.id, message: `${block.id} ends after local midnight (${end.date} ${end.time})` })
      }
    }
    const first = toLocal(zone, resolved.utcMs)
    if (first.date !== day.date) {
      warnings.push({ code: "other-date", site: site.id, message: `the day starts on ${first.date} local time in ${zone}, not ${day.date}` })
    }
    const endOffset = toLocal(zone, cursor).offset
    if (endOffset !== first.offset) {
      warnings.push({
        code: "dst-transition",
        site: site.id,
        message: `the UTC offset changes during the day in ${zone}, from ${formatOffset(first.offset)} to ${formatOffset(endOffset)}: local times after the switch move by ${Math.abs(endOffset - first.offset)} minutes, durations do not`
      })
    }
    const session = sessions.get(site.id)!
    const moments = placed.map(({ moment, startMs }) => ({ ...sitesMoment(zone, startMs, moment.minutes, session), id: moment.id }))
    for (const { moment, startMs } of placed) {
      // inside the window but outside the site's own session: the site has closed (or not opened)
      if (joinsAt(windows.get(site.id)!, startMs, moment.minutes) && !joinsAt(session, startMs, moment.minutes)) {
        const at = toLocal(zone, startMs)
        const from = toLocal(zone, session.sessionStartMs)
        const to = toLocal(zone, session.sessionEndMs)
        warnings.push({
          code: "moment-outside-session",
          site: site.id,
          message: `${moment.id} at ${at.time} local falls ${startMs < session.sessionStartMs ? "before" : "after"} the site's session (${from.time}–${to.time}): the site does not join it`
        })
      }
    }
    sites.push({ id: site.id, timezone: zone, blocks, moments, warnings, startMs: resolved.utcMs, endMs: cursor })
    allWarnings.push(...warnings)
  }

  sites.sort((a, b) => a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const spanStart = sites.length === 0 ? 0 : Math.min(...sites.map((s) => s.startMs))
  const spanEnd = sites.length === 0 ? 0 : Math.max(...sites.map((s) => s.endMs))
  const hourly: Array<{ hour_utc: string; sites: number }> = []
  if (sites.length > 0) {
    for (let h = Math.floor(spanStart / HOUR) * HOUR; h < spanEnd; h += HOUR) {
      hourly.push({ hour_utc: formatUtc(h), sites: sites.filter((s) => s.startMs < h + HOUR && s.endMs > h).length })
    }
  }
  const plan: SchedulePlan = {
    day: day.date,
    window: day.window,
    sites: sites.map(({ startMs: _s, endMs: _e, ...rest }) => rest),
    moments: placed.map(({ moment, startMs, notJoining }) => ({
      id: moment.id,
      title: moment.title,
      minutes: moment.minutes,
      mode: moment.at === "auto" ? "auto" : "fixed",
      start_utc: formatUtc(startMs),
      end_utc: formatUtc(startMs + moment.minutes * MINUTE),
      joining: input.sites.length - notJoining.length,
      not_joining: notJoining
    })),
    span: { start_utc: formatUtc(spanStart), end_utc: formatUtc(spanEnd), hours: Math.round(((spanEnd - spanStart) / HOUR) * 100) / 100 },
    hourly,
    warnings: allWarnings
  }
  toLocalCache = new Map()
  resolveCache = new Map()
  return plan
}

/** The formats a stored plan is written in (`convene schedule export --format`): calendars, tables, a chart. */
export const SCHEDULE_FORMATS = ["ics", "csv", "json", "html"] as const
