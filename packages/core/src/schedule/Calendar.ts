/**
 * Calendar files (RFC 5545) from a schedule plan, written with ical-generator: one per site with
 * its events in the site's own IANA zone and a matching VTIMEZONE, and one global file in UTC.
 * Output is deterministic: the same plan and the same zone rules give the same bytes. The
 * VTIMEZONE blocks are convene's own, written from the zone rules convene plans with (never from
 * a library's own copy of the tz data) and handed to ical-generator as its timezone generator,
 * so a calendar client computes the same instants as the plan.
 */
import { hash } from "node:crypto"
import ical, { foldLines, ICalCalendarMethod, type ICalCalendar, type ICalDayJsStub, type ICalEventData, ICalEventTransparency } from "ical-generator"
import type { PlannedBlock, PlannedMoment, SchedulePlan, SiteMoment, SitePlan } from "../domain/Schedule.js"
import { atOffset, formatOffset, resolveLocal, stableOffsetAround } from "../domain/Zone.js"
import type { ZoneRules } from "../domain/ZoneRules.js"
import { zoneRules } from "../infra/TzData.js"

/** `2027-05-15T09:30:00Z` -> `20270515T093000Z` */
const compactUtc = (iso: string): string => `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`
/** `2027-05-15T09:30` -> `20270515T093000` */
const compactLocal = (local: string): string => `${local.slice(0, 4)}${local.slice(5, 7)}${local.slice(8, 13)}${local.slice(14, 16)}00`

/** `+05:45` -> `+0545` (RFC 5545 UTC-OFFSET). */
const utcOffset = (minutes: number): string => formatOffset(minutes).replace(":", "")
/** Local wall time of an instant at an offset, as `YYYYMMDDTHHMMSS`. */
const wallAt = (utcMs: number, offset: number): string => {
  const l = atOffset(utcMs, offset)
  return compactLocal(`${l.date}T${l.time}`)
}

/**
 * The VTIMEZONE block for a zone from the given rules, with its TZID the name the site uses:
 * the offset in force from 1 January of the year before `day`'s, then every transition up to the
 * end of the year after it, each as its own observance (DTSTART, TZOFFSETFROM, TZOFFSETTO), with
 * no RRULE to extrapolate. Undefined when the rules do not hold the zone.
 *
 * @example
 * vtimezone(zoneRules(), "America/Havana", "2027-02-07") // "BEGIN:VTIMEZONE\r\nTZID:America/Havana\r\n..."
 */
export const vtimezone = (rules: ZoneRules, zone: string, day: string): string | undefined => {
  const year = Number(day.slice(0, 4))
  const key = `${rules.source}|${rules.version}|${zone}|${year}`
  if (vtimezones.has(key)) return vtimezones.get(key)
  const result = buildVtimezone(rules, zone, year)
  if (vtimezones.size > 10_000) vtimezones.clear()
  vtimezones.set(key, result)
  return result
}

const vtimezones = new Map<string, string | undefined>()

const buildVtimezone = (rules: ZoneRules, zone: string, year: number): string | undefined => {
  const table = rules.zone(zone)
  if (table === undefined) return undefined
  const from = Date.UTC(year - 1, 0, 1)
  const to = Date.UTC(year + 2, 0, 1)
  let i = 0
  while (table.untils[i]! <= from) i++
  const lines = ["BEGIN:VTIMEZONE", `TZID:${zone}`, `X-LIC-LOCATION:${zone}`]
  const observance = (dst: 0 | 1, start: string, offsetFrom: number, offsetTo: number, name: string) => {
    const kind = dst === 1 ? "DAYLIGHT" : "STANDARD"
    lines.push(`BEGIN:${kind}`, `TZOFFSETFROM:${utcOffset(offsetFrom)}`, `TZOFFSETTO:${utcOffset(offsetTo)}`)
    if (name !== "") lines.push(`TZNAME:${name}`)
    lines.push(`DTSTART:${start}`, `END:${kind}`)
  }
  // the period in force at the window's start
  observance(table.dst[i]!, wallAt(from, table.offsets[i]!), table.offsets[i]!, table.offsets[i]!, table.abbrs[i]!)
  for (; table.untils[i]! < to; i++) {
    const at = table.untils[i]!
    // DTSTART is the wall time the change happens at, read in the offset before it (RFC 5545 §3.6.5)
    observance(table.dst[i + 1]!, wallAt(at, table.offsets[i]!), table.offsets[i]!, table.offsets[i + 1]!, table.abbrs[i + 1]!)
  }
  lines.push("END:VTIMEZONE")
  return foldLines(lines.join("\r\n"))
}

// Sites share zones and agendas: the check is memoized per rules, bounded in size. A local time
// and UTC instant that the rules do not map onto each other (a plan made with older rules) are
// written in UTC: the instant stays the planned one.
const addDaysIso = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
const nextDays = new Map<string, string>()
const oneInstant = new Map<string, boolean>()
const stableZones = new Map<string, number | null>()
const namesOneInstant = (rules: ZoneRules, zone: string, local: string, utc: string, day: string): boolean => {
  // most zones have no transition from the day before to two days after the deliberation day
  // (every local time of a plan falls in there): then a local time names one instant, the one
  // at that offset
  const stableKey = `${rules.source}|${rules.version}|${zone}|${day}`
  let stable = stableZones.get(stableKey)
  if (stable === undefined) {
    stable = stableOffsetAround(rules, zone, day) ?? null
    if (stableZones.size > 100_000) stableZones.clear()
    stableZones.set(stableKey, stable)
  }
  let next = nextDays.get(day)
  if (next === undefined) nextDays.set(day, (next = addDaysIso(day, 1)))
  const date = local.slice(0, 10)
  if (stable !== null && date >= day && date <= next) return Date.parse(`${local}:00Z`) - stable * 60_000 === Date.parse(utc)
  const key = `${rules.source}|${rules.version}|${zone}|${local}|${utc}`
  let hit = oneInstant.get(key)
  if (hit === undefined) {
    const [date, time] = local.split("T") as [string, string]
    const r = resolveLocal(rules, zone, { date, time })
    hit = r._tag === "Exact" && r.utcMs === Date.parse(utc)
    if (oneInstant.size > 100_000) oneInstant.clear()
    oneInstant.set(key, hit)
  }
  return hit
}

/**
 * A wall time in the event's zone, as ical-generator takes it (its `ICalDayJsStub`): with the
 * event's `timezone` set, ical-generator writes `format("YYYYMMDD")T format("HHmmss")` after
 * `TZID=`, with no conversion of its own. The plan already holds each local time, computed
 * with convene's zone rules: passing it as is keeps the written wall time equal to the planned
 * one (a `Date` would be read in the process's zone, a `TZDate` with ICU's tz data), and skips
 * a zone conversion per date.
 */
class WallTime implements ICalDayJsStub {
  /** @param local `YYYY-MM-DDTHH:MM`, @param utcMs the instant it names */
  constructor(private readonly local: string, private readonly utcMs: number) {}
  format(format?: string): string {
    const l = this.local
    if (format === "YYYYMMDD") return `${l.slice(0, 4)}${l.slice(5, 7)}${l.slice(8, 10)}`
    if (format === "HHmmss") return `${l.slice(11, 13)}${l.slice(14, 16)}00`
    return l
  }
  isValid(): boolean {
    return true
  }
  toDate(): Date {
    return new Date(this.utcMs)
  }
  toJSON(): string {
    return new Date(this.utcMs).toISOString()
  }
}

/**
 * A UTC instant as ical-generator takes it: with no zone, it writes `utc().format(…)` and a
 * `Z`. Built from the plan's ISO strings without a `Date` round trip.
 */
class UtcTime implements ICalDayJsStub {
  private readonly compact: string
  constructor(iso: string) {
    // `2027-05-15T09:30:00Z`, `2027-05-15T09:30:00.000Z` or `2027-05-15T09:30Z`
    this.compact = compactUtc(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(iso) ? iso : new Date(iso).toISOString().slice(0, 19) + "Z")
  }
  utc(): this {
    return this
  }
  format(format?: string): string {
    if (format === "YYYYMMDD") return this.compact.slice(0, 8)
    if (format === "HHmmss") return this.compact.slice(9, 15)
    return this.compact
  }
  isValid(): boolean {
    return true
  }
  toDate(): Date {
    return new Date(`${this.compact.slice(0, 4)}-${this.compact.slice(4, 6)}-${this.compact.slice(6, 11)}:${this.compact.slice(11, 13)}:${this.compact.slice(13, 15)}Z`)
  }
  toJSON(): string {
    return this.toDate().toISOString()
  }
}

// plans repeat a few hundred distinct instants over thousands of sites: one object each
const utcTimes = new Map<string, UtcTime>()
const utcTime = (iso: string): UtcTime => {
  let hit = utcTimes.get(iso)
  if (hit === undefined) {
    hit = new UtcTime(iso)
    if (utcTimes.size > 100_000) utcTimes.clear()
    utcTimes.set(iso, hit)
  }
  return hit
}

// TEXT values (RFC 5545 §3.3.11) may hold no control character but HTAB. ical-generator escapes
// `\ ; ,` and writes line breaks (CRLF, LF and a bare CR, which some parsers take for a line
// end, letting a title inject properties) as `\n`; any other control character is dropped here
const controlChar = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/
const controlChars = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g
const text = (s: string): string => (controlChar.test(s) ? s.replace(controlChars, "") : s)

/** What a site's events say beyond the plan: where, and in the site's language. */
export interface CalendarSite {
  /** LOCATION: the site's name, city and country. */
  readonly location?: string | undefined
  /** A block's SUMMARY in the site's language (default: the agenda's title). */
  readonly blockTitle?: ((blockId: string, title: string) => string) | undefined
  /** A synchronized moment's SUMMARY in the site's language (default: `<title> (synchronized)`). */
  readonly momentTitle?: ((momentId: string, title: string) => string) | undefined
  /** A block's DESCRIPTION in the site's language (default: its site, kind, local and UTC times, in English). */
  readonly blockDescription?: ((block: PlannedBlock, site: SitePlan) => string) | undefined
  /** A synchronized moment's DESCRIPTION in the site's language (default: the sites sharing it and its UTC time, in English). */
  readonly momentDescription?: ((moment: PlannedMoment, local: SiteMoment, site: SitePlan) => string) | undefined
}

/** An event's revision: SEQUENCE and LAST-MODIFIED (RFC 5545 §3.8.7.4, §3.8.7.3). */
export interface CalendarRevision {
  readonly sequence: number
  /** ISO UTC. */
  readonly modified: string
}

/** How calendars are written: the dialogue, the zone rules, and what events say beyond the plan. */
export interface CalendarOptions {
  readonly dialogueId: string
  readonly title: string
  /** The zone rules the VTIMEZONE blocks are written from (default: `zoneRules()`, the newest available). */
  readonly rules?: ZoneRules | undefined
  /** DTSTAMP, ISO UTC: when the plan was made (default: the deliberation day at 00:00 UTC). Never the clock: output stays reproducible. */
  readonly stamp?: string | undefined
  /** Per site id: LOCATION, and the titles and descriptions in the site's language. */
  readonly sites?: ReadonlyMap<string, CalendarSite> | undefined
  /** Per UID: SEQUENCE and LAST-MODIFIED (see {@link calendarEventHashes}); absent: 0 and `stamp`. */
  readonly revisions?: ReadonlyMap<string, CalendarRevision> | undefined
}

const PRODID = "//convene//schedule//EN"

/** A calendar with convene's header; `zones` gives each event zone's VTIMEZONE. */
const calendar = (name: string, zones: ((zone: string) => string | null) | undefined): ICalCalendar =>
  ical({
    prodId: PRODID,
    scale: "GREGORIAN",
    method: ICalCalendarMethod.PUBLISH,
    // ical-generator writes NAME and X-WR-CALNAME unescaped
    name: text(name).replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, "\\n"),
    // no calendar-wide zone: DTSTAMP and LAST-MODIFIED stay in UTC (RFC 5545 §3.8.7.2), and each
    // event names its own zone; the generator writes the VTIMEZONE of every zone events use
    ...(zones === undefined ? {} : { timezone: { name: null, generator: zones } })
  })

/** The whole calendar as text, every line ending with CRLF (ical-generator leaves the last one bare). */
const finish = (cal: ICalCalendar): string => `${cal.toString()}\r\n`

/** `2027-05-15T09:30:00.000Z` or `2027-05-15T09:30:00Z`, DTSTAMP's or LAST-MODIFIED's instant. */
const stampOf = (plan: SchedulePlan, options: CalendarOptions): string => options.stamp ?? `${plan.day}T00:00:00Z`

/** A block's UID: the dialogue, site and block ids (not the day: moving the day updates the event). */
const blockUid = (dialogueId: string, siteId: string, blockId: string): string => `${dialogueId}-${siteId}-${blockId}@convene`
const siteMomentUid = (dialogueId: string, siteId: string, momentId: string): string => `${dialogueId}-${siteId}-moment-${momentId}@convene`
const momentUid = (dialogueId: string, momentId: string): string => `${dialogueId}-moment-${momentId}@convene`

/** The default (English) descriptions, when a site has none in its language. */
const defaultBlockDescription = (b: PlannedBlock, site: SitePlan): string =>
  `Site: ${site.id} (${site.timezone})\nBlock: ${b.id} (${b.kind})\nLocal: ${b.start_local.slice(11)}-${b.end_local.slice(11)} (UTC${b.utc_offset})\nUTC: ${b.start_utc} to ${b.end_utc}`
const defaultMomentDescription = (moment: PlannedMoment, m: SiteMoment, site: SitePlan): string =>
  `Site: ${site.id} (${site.timezone})\nSynchronized moment: ${m.id}, shared by ${moment.joining} sites\nUTC: ${moment.start_utc} to ${moment.end_utc}${m.joins ? "" : "\nOutside this site's window: optional"}`

/** What every event of one export shares: DTSTAMP, and the revision an unrevised event has. */
interface Stamps {
  readonly stamp: UtcTime
  readonly revision: (uid: string) => { readonly sequence: number; readonly lastModified: UtcTime }
}

const stampsOf = (plan: SchedulePlan, options: CalendarOptions): Stamps => {
  const stamp = utcTime(stampOf(plan, options))
  const unrevised = { sequence: 0, lastModified: stamp }
  const revisions = options.revisions
  // revisions share few distinct values: their stamps are made once
  const made = new Map<CalendarRevision, { sequence: number; lastModified: UtcTime }>()
  return {
    stamp,
    revision: (uid) => {
      const r = revisions?.get(uid)
      if (r === undefined) return unrevised
      let hit = made.get(r)
      if (hit === undefined) made.set(r, (hit = { sequence: r.sequence, lastModified: utcTime(r.modified) }))
      return hit
    }
  }
}

/**
 * When an event starts and ends: in the site's zone when both local times name exactly their
 * one instant; in UTC otherwise (and in the zone "UTC", which ical-generator writes as UTC).
 */
const when = (zone: { readonly name: string; readonly rules: ZoneRules } | undefined, day: string, startLocal: string, endLocal: string, startUtc: string, endUtc: string): Pick<ICalEventData, "start" | "end" | "timezone"> =>
  zone !== undefined && zone.name !== "UTC" && namesOneInstant(zone.rules, zone.name, startLocal, startUtc, day) && namesOneInstant(zone.rules, zone.name, endLocal, endUtc, day)
    ? { start: new WallTime(startLocal, Date.parse(startUtc)), end: new WallTime(endLocal, Date.parse(endUtc)), timezone: zone.name }
    : { start: utcTime(startUtc), end: utcTime(endUtc), timezone: null }

const categories = new Map<string, ReadonlyArray<{ name: string }>>()
const category = (name: string): Array<{ name: string }> => {
  let hit = categories.get(name)
  if (hit === undefined) categories.set(name, (hit = [{ name }]))
  return [...hit]
}

/**
 * Adds a site's events to `cal`: its blocks, and, in its own calendar, the synchronized
 * moments in its zone. In the global calendar (`global`), in UTC, each SUMMARY is prefixed
 * with the site's id.
 */
const addSiteEvents = (
  cal: ICalCalendar,
  plan: SchedulePlan,
  site: SitePlan,
  options: CalendarOptions,
  stamps: Stamps,
  zone: { readonly name: string; readonly rules: ZoneRules } | undefined,
  global: boolean
): void => {
  const prefix = global ? `${site.id}: ` : ""
  const info = options.sites?.get(site.id)
  const location = info?.location === undefined || info.location === "" ? null : text(info.location)
  for (const b of site.blocks) {
    const uid = blockUid(options.dialogueId, site.id, b.id)
    const title = info?.blockTitle === undefined ? b.title : info.blockTitle(b.id, b.title)
    cal.createEvent({
      id: uid,
      ...stamps.revision(uid),
      stamp: stamps.stamp,
      ...when(zone, plan.day, b.start_local, b.end_local, b.start_utc, b.end_utc),
      summary: text(prefix + title),
      location,
      description: text((info?.blockDescription ?? defaultBlockDescription)(b, site)),
      categories: category(b.kind.toUpperCase())
    })
  }
  if (global) return
  for (const m of site.moments) {
    const moment = plan.moments.find((x) => x.id === m.id)
    if (moment === undefined) continue
    const uid = siteMomentUid(options.dialogueId, site.id, m.id)
    cal.createEvent({
      id: uid,
      ...stamps.revision(uid),
      stamp: stamps.stamp,
      ...when(zone, plan.day, m.start_local, m.end_local, moment.start_utc, moment.end_utc),
      summary: text(info?.momentTitle === undefined ? `${moment.title} (synchronized)` : info.momentTitle(m.id, moment.title)),
      location,
      description: text((info?.momentDescription ?? defaultMomentDescription)(moment, m, site)),
      categories: category("SYNCHRONIZED"),
      transparency: m.joins ? ICalEventTransparency.OPAQUE : ICalEventTransparency.TRANSPARENT
    })
  }
}

/** Adds each synchronized moment once, in UTC, to the global calendar. */
const addGlobalMoments = (cal: ICalCalendar, plan: SchedulePlan, options: CalendarOptions, stamps: Stamps): void => {
  for (const m of plan.moments) {
    const uid = momentUid(options.dialogueId, m.id)
    cal.createEvent({
      id: uid,
      ...stamps.revision(uid),
      stamp: stamps.stamp,
      start: utcTime(m.start_utc),
      end: utcTime(m.end_utc),
      summary: text(`${m.title} (synchronized, ${m.joining} of ${plan.sites.length} sites)`),
      description: text(`Synchronized moment ${m.id} (${m.mode})\nUTC: ${m.start_utc} to ${m.end_utc}\nSites that cannot join inside their window: ${m.not_joining.length === 0 ? "none" : m.not_joining.join(", ")}`),
      categories: category("SYNCHRONIZED")
    })
  }
}

/**
 * Each event of a plan's calendars, once, with a hash of what it says: its times (local, UTC,
 * offset), zone, SUMMARY, LOCATION, kind, and its DESCRIPTION (the facts it holds, or the
 * text in the site's language). A caller that
 * stores the hashes per UID knows which events changed since the last export, and raises their
 * SEQUENCE. The hash is of these values, not of the written text, so it costs a fraction of a
 * render and a change in how convene writes calendars does not count as a change of the
 * events. A block's event in the global calendar shares the UID of the one in its site's
 * calendar, and its revision.
 *
 * @example
 * const hashes = calendarEventHashes(plan, { dialogueId: "we-the-internet", title: "We, the Internet" })
 */
export const calendarEventHashes = (plan: SchedulePlan, options: CalendarOptions): Map<string, string> => {
  const hashes = new Map<string, string>()
  // one-shot SHA-1 (to tell contents apart, not for security): several times cheaper than createHash per event
  const put = (uid: string, ...facts: ReadonlyArray<string | number | boolean>) => hashes.set(uid, hash("sha1", facts.join("\u001f"), "base64url"))
  for (const site of plan.sites) {
    const info = options.sites?.get(site.id)
    const location = info?.location ?? ""
    for (const b of site.blocks) {
      const title = info?.blockTitle === undefined ? b.title : info.blockTitle(b.id, b.title)
      // a DESCRIPTION in the site's language is hashed as written (the default one says only facts hashed here)
      const description = info?.blockDescription === undefined ? "" : info.blockDescription(b, site)
      put(blockUid(options.dialogueId, site.id, b.id), site.timezone, b.start_local, b.end_local, b.start_utc, b.end_utc, b.utc_offset, title, b.title, location, b.kind, description)
    }
    for (const m of site.moments) {
      const moment = plan.moments.find((x) => x.id === m.id)
      if (moment === undefined) continue
      const title = info?.momentTitle === undefined ? moment.title : info.momentTitle(m.id, moment.title)
      const description = info?.momentDescription === undefined ? "" : info.momentDescription(moment, m, site)
      put(siteMomentUid(options.dialogueId, site.id, m.id), site.timezone, m.start_local, m.end_local, moment.start_utc, moment.end_utc, title, location, moment.joining, m.joins, description)
    }
  }
  for (const m of plan.moments) put(momentUid(options.dialogueId, m.id), m.start_utc, m.end_utc, m.title, m.mode, m.joining, plan.sites.length, m.not_joining.join(","))
  return hashes
}

/**
 * One site's calendar: its blocks and the synchronized moments in its own zone, with a
 * VTIMEZONE whose TZID is the site's zone.
 *
 * @example
 * const ics = siteCalendar(plan, plan.sites[0], { dialogueId: "we-the-internet", title: "We, the Internet" })
 */
export const siteCalendar = (plan: SchedulePlan, site: SitePlan, options: CalendarOptions): string => {
  const rules = options.rules ?? zoneRules()
  const zone = vtimezone(rules, site.timezone, plan.day) === undefined ? undefined : { name: site.timezone, rules }
  const cal = calendar(`${options.title} — ${site.id}`, zone === undefined ? undefined : (tz) => vtimezone(rules, tz, plan.day) ?? null)
  addSiteEvents(cal, plan, site, options, stampsOf(plan, options), zone, false)
  return finish(cal)
}

/**
 * Every site's blocks and each moment once, in one calendar with all times in UTC, as chunks
 * of text (the header with the moments, then one per site) so that a large calendar can be
 * streamed to disk: one ical-generator calendar, whose events are written and cleared site by
 * site.
 */
export function* globalCalendarChunks(plan: SchedulePlan, options: CalendarOptions): Generator<string> {
  const stamps = stampsOf(plan, options)
  const cal = calendar(`${options.title} — all sites (UTC)`, undefined)
  const empty = cal.toString()
  const end = "END:VCALENDAR"
  if (!empty.endsWith(end)) throw new Error("ical-generator wrote an unexpected calendar ending")
  const events = (): string => {
    const out = foldLines(cal.events().map((e) => e.toString()).join(""))
    cal.clear()
    return out
  }
  addGlobalMoments(cal, plan, options, stamps)
  yield empty.slice(0, -end.length) + events()
  for (const s of plan.sites) {
    addSiteEvents(cal, plan, s, options, stamps, undefined, true)
    yield events()
  }
  yield `${end}\r\n`
}

/** Every site's blocks and each moment once, in one calendar with all times in UTC. */
export const globalCalendar = (plan: SchedulePlan, options: CalendarOptions): string => [...globalCalendarChunks(plan, options)].join("")
