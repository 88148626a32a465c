/**
 * Calendar files (RFC 5545) from a schedule plan: one per site with its events in the site's
 * own IANA zone and a matching VTIMEZONE, and one global file in UTC. Output is deterministic:
 * the same plan and the same zone rules give the same bytes. The VTIMEZONE blocks are written
 * from the zone rules convene plans with (never from a library's own copy of the tz data), so
 * a calendar client computes the same instants as the plan.
 */
import { hash } from "node:crypto"
import type { SchedulePlan, SitePlan } from "../domain/Schedule.js"
import { atOffset, formatOffset, resolveLocal, stableOffsetAround } from "../domain/Zone.js"
import type { ZoneRules } from "../domain/ZoneRules.js"
import { zoneRules } from "../infra/TzData.js"

// TEXT values (RFC 5545 §3.3.11) may hold no control character but HTAB: line breaks are
// written as \n, and a bare CR (which some parsers take for a line end, letting a title inject
// properties) or any other control character is dropped
const special = /[\\;,\u0000-\u0008\u000A-\u001F\u007F]/
const escaped = new Map<string, string>()
const escapeText = (s: string): string => {
  if (!special.test(s)) return s
  let hit = escaped.get(s)
  if (hit === undefined) {
    hit = s
      .replace(/\\/g, "\\\\")
      .replace(/;/g, "\\;")
      .replace(/,/g, "\\,")
      .replace(/\r\n|\r|\n/g, "\\n")
      .replace(/[\u0000-\u0008\u000A-\u001F\u007F]/g, "")
    if (escaped.size > 10_000) escaped.clear()
    escaped.set(s, hit)
  }
  return hit
}

/** The UTF-8 length of one code point. */
const octets = (cp: number): number => (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4)

/** Folds a content line at 75 octets, never inside a UTF-8 character (RFC 5545 §3.1). */
const nonAscii = /[^\x00-\x7f]/
const fold = (line: string): string => {
  // at most 3 octets per UTF-16 unit: short lines need no count
  if (line.length <= 25) return line
  if (!nonAscii.test(line)) {
    // ASCII: one octet per character
    if (line.length <= 75) return line
    let out = line.slice(0, 75)
    for (let i = 75; i < line.length; i += 74) out += "\r\n " + line.slice(i, i + 74)
    return out
  }
  const parts: Array<string> = []
  let start = 0
  let size = 0
  let limit = 75
  for (let i = 0; i < line.length; ) {
    const cp = line.codePointAt(i)!
    const n = octets(cp)
    const units = cp > 0xffff ? 2 : 1
    if (size + n > limit) {
      parts.push(line.slice(start, i))
      start = i
      size = 0
      limit = 74 // continuation lines start with a space
    }
    size += n
    i += units
  }
  if (parts.length === 0) return line
  parts.push(line.slice(start))
  return parts.join("\r\n ")
}

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
  return lines.map(fold).join("\r\n")
}

/**
 * DTSTART/DTEND for an instant: local time with TZID when that local time names exactly this
 * one instant; UTC otherwise. A local time inside a DST overlap happens twice, and clients do
 * not agree which one it means (RFC 5545 says the first, ical.js reads the second), so such an
 * instant is written in UTC, which every client reads the same way.
 */
const dateTime = (name: "DTSTART" | "DTEND", zone: { readonly name: string; readonly rules: ZoneRules } | undefined, local: string, utc: string, day: string): string => {
  // (IANA names are at most ~30 characters: these lines never need folding)
  if (zone !== undefined && namesOneInstant(zone.rules, zone.name, local, utc, day)) return `${name};TZID=${zone.name}:${compactLocal(local)}\r\n`
  return `${name}:${compactUtc(utc)}\r\n`
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

/** What a site's events say beyond the plan: where, and in the site's language. */
export interface CalendarSite {
  /** LOCATION: the site's name, city and country. */
  readonly location?: string | undefined
  /** A block's SUMMARY in the site's language (default: the agenda's title). */
  readonly blockTitle?: ((blockId: string, title: string) => string) | undefined
  /** A synchronized moment's SUMMARY in the site's language (default: `<title> (synchronized)`). */
  readonly momentTitle?: ((momentId: string, title: string) => string) | undefined
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
  /** Per site id: LOCATION and the titles in the site's language. */
  readonly sites?: ReadonlyMap<string, CalendarSite> | undefined
  /** Per UID: SEQUENCE and LAST-MODIFIED (see {@link calendarEventHashes}); absent: 0 and `stamp`. */
  readonly revisions?: ReadonlyMap<string, CalendarRevision> | undefined
}

const header = (name: string, extra: ReadonlyArray<string> = []): Array<string> => [
  "BEGIN:VCALENDAR",
  "VERSION:2.0",
  "PRODID:-//convene//schedule//EN",
  "CALSCALE:GREGORIAN",
  "METHOD:PUBLISH",
  `X-WR-CALNAME:${escapeText(name)}`,
  ...extra
]

/** One content line, folded, with its CRLF. */
const line = (text: string): string => `${fold(text)}\r\n`

/** `2027-05-15T09:30:00.000Z` or `2027-05-15T09:30:00Z` -> `20270515T093000Z` */
const stamps = new Map<string, string>()
const compactStamp = (iso: string): string => {
  let hit = stamps.get(iso)
  if (hit === undefined) {
    hit = compactUtc(new Date(iso).toISOString().slice(0, 19) + "Z")
    if (stamps.size > 10_000) stamps.clear()
    stamps.set(iso, hit)
  }
  return hit
}
const stampOf = (plan: SchedulePlan, options: CalendarOptions): string => options.stamp ?? `${plan.day}T00:00:00Z`

/** A block's UID: the dialogue, site and block ids (not the day: moving the day updates the event). */
const blockUid = (dialogueId: string, siteId: string, blockId: string): string => `${dialogueId}-${siteId}-${blockId}@convene`
const siteMomentUid = (dialogueId: string, siteId: string, momentId: string): string => `${dialogueId}-${siteId}-moment-${momentId}@convene`
const momentUid = (dialogueId: string, momentId: string): string => `${dialogueId}-moment-${momentId}@convene`

/**
 * Receives each event: its UID and its content (every line but UID, DTSTAMP, SEQUENCE and
 * LAST-MODIFIED, already folded), and returns the event's text.
 */
type Emit = (uid: string, content: string) => string

/** The lines that say when an event was revised, for an event with this UID. */
const revisionLines = (uid: string, options: CalendarOptions, unrevised: string): string => {
  const r = options.revisions?.get(uid)
  if (r === undefined) return unrevised
  // revisions share few distinct values: their lines are made once
  let hit = revisionText.get(r)
  if (hit === undefined) revisionText.set(r, (hit = `SEQUENCE:${r.sequence}\r\nLAST-MODIFIED:${compactStamp(r.modified)}\r\n`))
  return hit
}
const revisionText = new WeakMap<CalendarRevision, string>()

const emitter = (plan: SchedulePlan, options: CalendarOptions): Emit => {
  const stamp = stampOf(plan, options)
  const dtstamp = `DTSTAMP:${compactStamp(stamp)}\r\n`
  const unrevised = `SEQUENCE:0\r\nLAST-MODIFIED:${compactStamp(stamp)}\r\n`
  return (uid, content) => "BEGIN:VEVENT\r\n" + line(`UID:${uid}`) + dtstamp + revisionLines(uid, options, unrevised) + content + "END:VEVENT\r\n"
}

const siteEvents = (
  plan: SchedulePlan,
  site: SitePlan,
  options: CalendarOptions,
  zone: { readonly name: string; readonly rules: ZoneRules } | undefined,
  global: boolean,
  emit: Emit
): string => {
  const prefix = global ? `${escapeText(site.id)}: ` : ""
  const info = options.sites?.get(site.id)
  const location = info?.location === undefined || info.location === "" ? "" : line(`LOCATION:${escapeText(info.location)}`)
  let out = ""
  for (const b of site.blocks) {
    const title = global || info?.blockTitle === undefined ? b.title : info.blockTitle(b.id, b.title)
    out += emit(
      blockUid(options.dialogueId, site.id, b.id),
      dateTime("DTSTART", zone, b.start_local, b.start_utc, plan.day) +
        dateTime("DTEND", zone, b.end_local, b.end_utc, plan.day) +
        line(`SUMMARY:${prefix}${escapeText(title)}`) +
        location +
        // ids, zones, kinds and times hold nothing to escape: the line breaks are written escaped
        line(`DESCRIPTION:Site: ${site.id} (${site.timezone})\\nBlock: ${b.id} (${b.kind})\\nLocal: ${b.start_local.slice(11)}-${b.end_local.slice(11)} (UTC${b.utc_offset})\\nUTC: ${b.start_utc} to ${b.end_utc}`) +
        `CATEGORIES:${b.kind.toUpperCase()}\r\n`
    )
  }
  if (global) return out
  for (const m of site.moments) {
    const moment = plan.moments.find((x) => x.id === m.id)
    if (moment === undefined) continue
    const title = info?.momentTitle === undefined ? `${moment.title} (synchronized)` : info.momentTitle(m.id, moment.title)
    out += emit(
      siteMomentUid(options.dialogueId, site.id, m.id),
      dateTime("DTSTART", zone, m.start_local, moment.start_utc, plan.day) +
        dateTime("DTEND", zone, m.end_local, moment.end_utc, plan.day) +
        line(`SUMMARY:${escapeText(title)}`) +
        location +
        line(`DESCRIPTION:${escapeText(`Site: ${site.id} (${site.timezone})\nSynchronized moment: ${m.id}, shared by ${moment.joining} sites\nUTC: ${moment.start_utc} to ${moment.end_utc}${m.joins ? "" : "\nOutside this site's window: optional"}`)}`) +
        "CATEGORIES:SYNCHRONIZED\r\n" +
        `TRANSP:${m.joins ? "OPAQUE" : "TRANSPARENT"}\r\n`
    )
  }
  return out
}

const globalMoments = (plan: SchedulePlan, options: CalendarOptions, emit: Emit): string =>
  plan.moments
    .map((m) =>
      emit(
        momentUid(options.dialogueId, m.id),
        [
          `DTSTART:${compactUtc(m.start_utc)}`,
          `DTEND:${compactUtc(m.end_utc)}`,
          `SUMMARY:${escapeText(`${m.title} (synchronized, ${m.joining} of ${plan.sites.length} sites)`)}`,
          `DESCRIPTION:${escapeText(`Synchronized moment ${m.id} (${m.mode})\nUTC: ${m.start_utc} to ${m.end_utc}\nSites that cannot join inside their window: ${m.not_joining.length === 0 ? "none" : m.not_joining.join(", ")}`)}`,
          "CATEGORIES:SYNCHRONIZED"
        ].map(line).join("")
      )
    )
    .join("")

/**
 * Each event of a plan's calendars, once, with a hash of what it says: its times (local, UTC,
 * offset), zone, SUMMARY, LOCATION, kind and the facts its DESCRIPTION holds. A caller that
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
      put(blockUid(options.dialogueId, site.id, b.id), site.timezone, b.start_local, b.end_local, b.start_utc, b.end_utc, b.utc_offset, title, b.title, location, b.kind)
    }
    for (const m of site.moments) {
      const moment = plan.moments.find((x) => x.id === m.id)
      if (moment === undefined) continue
      const title = info?.momentTitle === undefined ? moment.title : info.momentTitle(m.id, moment.title)
      put(siteMomentUid(options.dialogueId, site.id, m.id), site.timezone, m.start_local, m.end_local, moment.start_utc, moment.end_utc, title, location, moment.joining, m.joins)
    }
  }
  for (const m of plan.moments) put(momentUid(options.dialogueId, m.id), m.start_utc, m.end_utc, m.title, m.mode, m.joining, plan.sites.length, m.not_joining.join(","))
  return hashes
}

const END = "END:VCALENDAR\r\n"

/**
 * One site's calendar: its blocks and the synchronized moments in its own zone, with a
 * VTIMEZONE whose TZID is the site's zone.
 *
 * @example
 * const ics = siteCalendar(plan, plan.sites[0], { dialogueId: "we-the-internet", title: "We, the Internet" })
 */
export const siteCalendar = (plan: SchedulePlan, site: SitePlan, options: CalendarOptions): string => {
  const rules = options.rules ?? zoneRules()
  const tz = vtimezone(rules, site.timezone, plan.day)
  const zone = tz === undefined ? undefined : site.timezone
  return (
    header(`${options.title} — ${site.id}`, zone === undefined ? [] : [`X-WR-TIMEZONE:${zone}`]).map(line).join("") +
    (tz === undefined ? "" : `${tz}\r\n`) +
    siteEvents(plan, site, options, zone === undefined ? undefined : { name: zone, rules }, false, emitter(plan, options)) +
    END
  )
}

/**
 * Every site's blocks and each moment once, in one calendar with all times in UTC, as chunks
 * of text (one per site) so that a large calendar can be streamed to disk.
 */
export function* globalCalendarChunks(plan: SchedulePlan, options: CalendarOptions): Generator<string> {
  const emit = emitter(plan, options)
  yield header(`${options.title} — all sites (UTC)`, ["X-WR-TIMEZONE:UTC"]).map(line).join("") + globalMoments(plan, options, emit)
  for (const s of plan.sites) yield siteEvents(plan, s, options, undefined, true, emit)
  yield END
}

/** Every site's blocks and each moment once, in one calendar with all times in UTC. */
export const globalCalendar = (plan: SchedulePlan, options: CalendarOptions): string => [...globalCalendarChunks(plan, options)].join("")
