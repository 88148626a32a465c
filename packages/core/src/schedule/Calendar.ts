/**
 * Calendar files (RFC 5545) from a schedule plan: one per site with its events in the site's
 * own IANA zone and a matching VTIMEZONE, and one global file in UTC. Output is deterministic:
 * the same plan gives the same bytes.
 */
import { tzlib_get_ical_block } from "timezones-ical-library"
import type { SchedulePlan, SitePlan } from "../domain/Schedule.js"
import { resolveLocal, stableOffsetAround } from "../domain/Zone.js"

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

/**
 * The VTIMEZONE block for a zone, with its TZID set to the name the site uses (the library
 * canonicalizes aliases such as Asia/Calcutta; events and block must agree, or clients read the
 * times as floating). Undefined when the library does not know the zone.
 */
export const vtimezone = (zone: string): string | undefined => {
  if (vtimezones.has(zone)) return vtimezones.get(zone)
  const result = buildVtimezone(zone)
  vtimezones.set(zone, result)
  return result
}

const vtimezones = new Map<string, string | undefined>()

const buildVtimezone = (zone: string): string | undefined => {
  const block = tzlib_get_ical_block(zone)
  if (!Array.isArray(block) || typeof block[0] !== "string" || !block[0].startsWith("BEGIN:VTIMEZONE")) return undefined
  return block[0]
    .split(/\r?\n/)
    .filter((l) => !l.startsWith("LAST-MODIFIED:"))
    .map((l) => fold(l.startsWith("TZID:") ? `TZID:${zone}` : l.startsWith("X-LIC-LOCATION:") ? `X-LIC-LOCATION:${zone}` : l))
    .join("\r\n")
}

/**
 * DTSTART/DTEND for an instant: local time with TZID when that local time names exactly this
 * one instant; UTC otherwise. A local time inside a DST overlap happens twice, and clients do
 * not agree which one it means (RFC 5545 says the first, ical.js reads the second), so such an
 * instant is written in UTC, which every client reads the same way.
 */
const dateTime = (name: "DTSTART" | "DTEND", zone: string | undefined, local: string, utc: string, day: string): string => {
  // (IANA names are at most ~30 characters: these lines never need folding)
  if (zone !== undefined && namesOneInstant(zone, local, utc, day)) return `${name};TZID=${zone}:${compactLocal(local)}\r\n`
  return `${name}:${compactUtc(utc)}\r\n`
}

// Sites share zones and agendas: the (Intl-backed) check is memoized, bounded in size.
const addDaysIso = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
const nextDays = new Map<string, string>()
const oneInstant = new Map<string, boolean>()
const stableZones = new Map<string, boolean>()
const namesOneInstant = (zone: string, local: string, utc: string, day: string): boolean => {
  // most zones have no transition from the day before to two days after the deliberation day
  // (every local time of a plan falls in there): then every local time names one instant
  const stableKey = `${zone}|${day}`
  let stable = stableZones.get(stableKey)
  if (stable === undefined) stableZones.set(stableKey, (stable = stableOffsetAround(zone, day) !== undefined))
  let next = nextDays.get(day)
  if (next === undefined) nextDays.set(day, (next = addDaysIso(day, 1)))
  const date = local.slice(0, 10)
  if (stable && date >= day && date <= next) return true
  const key = `${zone}|${local}|${utc}`
  let hit = oneInstant.get(key)
  if (hit === undefined) {
    const [date, time] = local.split("T") as [string, string]
    const r = resolveLocal(zone, { date, time })
    hit = r._tag === "Exact" && r.utcMs === Date.parse(utc)
    if (oneInstant.size > 100_000) oneInstant.clear()
    oneInstant.set(key, hit)
  }
  return hit
}

interface CalendarOptions {
  readonly dialogueId: string
  readonly title: string
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

const siteEvents = (
  plan: SchedulePlan,
  site: SitePlan,
  options: CalendarOptions,
  zone: string | undefined,
  global: boolean
): string => {
  const stamp = `DTSTAMP:${plan.day.slice(0, 4)}${plan.day.slice(5, 7)}${plan.day.slice(8, 10)}T000000Z\r\n`
  const prefix = global ? `${escapeText(site.id)}: ` : ""
  let out = ""
  for (const b of site.blocks) {
    out +=
      "BEGIN:VEVENT\r\n" +
      line(`UID:${options.dialogueId}-${plan.day}-${site.id}-${b.id}@convene`) +
      stamp +
      dateTime("DTSTART", zone, b.start_local, b.start_utc, plan.day) +
      dateTime("DTEND", zone, b.end_local, b.end_utc, plan.day) +
      line(`SUMMARY:${prefix}${escapeText(b.title)}`) +
      // ids, zones, kinds and times hold nothing to escape: the line breaks are written escaped
      line(`DESCRIPTION:Site: ${site.id} (${site.timezone})\\nBlock: ${b.id} (${b.kind})\\nLocal: ${b.start_local.slice(11)}-${b.end_local.slice(11)} (UTC${b.utc_offset})\\nUTC: ${b.start_utc} to ${b.end_utc}`) +
      `CATEGORIES:${b.kind.toUpperCase()}\r\n` +
      "END:VEVENT\r\n"
  }
  if (global) return out
  for (const m of site.moments) {
    const moment = plan.moments.find((x) => x.id === m.id)
    if (moment === undefined) continue
    out +=
      "BEGIN:VEVENT\r\n" +
      line(`UID:${options.dialogueId}-${plan.day}-${site.id}-moment-${m.id}@convene`) +
      stamp +
      dateTime("DTSTART", zone, m.start_local, moment.start_utc, plan.day) +
      dateTime("DTEND", zone, m.end_local, moment.end_utc, plan.day) +
      line(`SUMMARY:${escapeText(`${moment.title} (synchronized)`)}`) +
      line(`DESCRIPTION:${escapeText(`Site: ${site.id} (${site.timezone})\nSynchronized moment: ${m.id}, shared by ${moment.joining} sites\nUTC: ${moment.start_utc} to ${moment.end_utc}${m.joins ? "" : "\nOutside this site's window: optional"}`)}`) +
      "CATEGORIES:SYNCHRONIZED\r\n" +
      `TRANSP:${m.joins ? "OPAQUE" : "TRANSPARENT"}\r\n` +
      "END:VEVENT\r\n"
  }
  return out
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
  const tz = vtimezone(site.timezone)
  const zone = tz === undefined ? undefined : site.timezone
  return (
    header(`${options.title} — ${site.id}`, zone === undefined ? [] : [`X-WR-TIMEZONE:${zone}`]).map(line).join("") +
    (tz === undefined ? "" : `${tz}\r\n`) +
    siteEvents(plan, site, options, zone, false) +
    END
  )
}

/**
 * Every site's blocks and each moment once, in one calendar with all times in UTC, as chunks
 * of text (one per site) so that a large calendar can be streamed to disk.
 */
export function* globalCalendarChunks(plan: SchedulePlan, options: CalendarOptions): Generator<string> {
  const stamp = `${plan.day.replace(/-/g, "")}T000000Z`
  const moments = plan.moments.flatMap((m) => [
    "BEGIN:VEVENT",
    `UID:${options.dialogueId}-${plan.day}-moment-${m.id}@convene`,
    `DTSTAMP:${stamp}`,
    `DTSTART:${compactUtc(m.start_utc)}`,
    `DTEND:${compactUtc(m.end_utc)}`,
    `SUMMARY:${escapeText(`${m.title} (synchronized, ${m.joining} of ${plan.sites.length} sites)`)}`,
    `DESCRIPTION:${escapeText(`Synchronized moment ${m.id} (${m.mode})\nUTC: ${m.start_utc} to ${m.end_utc}\nSites that cannot join inside their window: ${m.not_joining.length === 0 ? "none" : m.not_joining.join(", ")}`)}`,
    "CATEGORIES:SYNCHRONIZED",
    "END:VEVENT"
  ])
  yield [...header(`${options.title} — all sites (UTC)`, ["X-WR-TIMEZONE:UTC"]), ...moments].map(line).join("")
  for (const s of plan.sites) yield siteEvents(plan, s, options, undefined, true)
  yield END
}

/** Every site's blocks and each moment once, in one calendar with all times in UTC. */
export const globalCalendar = (plan: SchedulePlan, options: CalendarOptions): string => [...globalCalendarChunks(plan, options)].join("")
