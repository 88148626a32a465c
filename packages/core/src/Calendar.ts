/**
 * Calendar files (RFC 5545) from a schedule plan: one per site with its events in the site's
 * own IANA zone and a matching VTIMEZONE, and one global file in UTC. Output is deterministic:
 * the same plan gives the same bytes.
 */
import { tzlib_get_ical_block } from "timezones-ical-library"
import type { SchedulePlan, SitePlan } from "./domain/Schedule.js"
import { resolveLocal, stableOffsetAround } from "./domain/Zone.js"

const escapeText = (s: string): string => s.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n")

/** The UTF-8 length of one code point. */
const octets = (cp: number): number => (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4)

/** Folds a content line at 75 octets, never inside a UTF-8 character (RFC 5545 §3.1). */
const fold = (line: string): string => {
  // at most 3 octets per UTF-16 unit: short lines need no count
  if (line.length <= 25) return line
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

const compactUtc = (iso: string): string => iso.replace(/[-:]/g, "").replace(/\.\d+/, "")
const compactLocal = (local: string): string => `${local.replace(/-/g, "").replace(":", "")}00`

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
    .map((l) => (l.startsWith("TZID:") ? `TZID:${zone}` : l.startsWith("X-LIC-LOCATION:") ? `X-LIC-LOCATION:${zone}` : l))
    .join("\r\n")
}

/**
 * DTSTART/DTEND for an instant: local time with TZID when that local time names exactly this
 * one instant; UTC otherwise. A local time inside a DST overlap happens twice, and clients do
 * not agree which one it means (RFC 5545 says the first, ical.js reads the second), so such an
 * instant is written in UTC, which every client reads the same way.
 */
const dateTime = (name: "DTSTART" | "DTEND", zone: string | undefined, local: string, utc: string): string => {
  if (zone !== undefined && namesOneInstant(zone, local, utc)) return `${name};TZID=${zone}:${compactLocal(local)}`
  return `${name}:${compactUtc(utc)}`
}

// Sites share zones and agendas: the (Intl-backed) check is memoized, bounded in size.
const oneInstant = new Map<string, boolean>()
const stableZones = new Map<string, boolean>()
const namesOneInstant = (zone: string, local: string, utc: string): boolean => {
  const key = `${zone}|${local}|${utc}`
  let hit = oneInstant.get(key)
  if (hit === undefined) {
    const [date, time] = local.split("T") as [string, string]
    const stableKey = `${zone}|${date}`
    if (!stableZones.has(stableKey)) stableZones.set(stableKey, stableOffsetAround(zone, date) !== undefined)
    if (stableZones.get(stableKey) === true) hit = true
    else {
      const r = resolveLocal(zone, { date, time })
      hit = r._tag === "Exact" && r.utcMs === Date.parse(utc)
    }
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

const siteEvents = (plan: SchedulePlan, site: SitePlan, options: CalendarOptions, zone: string | undefined, withMoments = true): Array<string> => {
  const stamp = `${plan.day.replace(/-/g, "")}T000000Z`
  const lines: Array<string> = []
  for (const b of site.blocks) {
    lines.push(
      "BEGIN:VEVENT",
      `UID:${options.dialogueId}-${plan.day}-${site.id}-${b.id}@convene`,
      `DTSTAMP:${stamp}`,
      dateTime("DTSTART", zone, b.start_local, b.start_utc),
      dateTime("DTEND", zone, b.end_local, b.end_utc),
      `SUMMARY:${escapeText(b.title)}`,
      `DESCRIPTION:${escapeText(`Site: ${site.id} (${site.timezone})\nBlock: ${b.id} (${b.kind})\nLocal: ${b.start_local.slice(11)}–${b.end_local.slice(11)} (UTC${b.utc_offset})\nUTC: ${b.start_utc} – ${b.end_utc}`)}`,
      `CATEGORIES:${b.kind.toUpperCase()}`,
      "END:VEVENT"
    )
  }
  for (const m of withMoments ? site.moments : []) {
    const moment = plan.moments.find((x) => x.id === m.id)
    if (moment === undefined) continue
    lines.push(
      "BEGIN:VEVENT",
      `UID:${options.dialogueId}-${plan.day}-${site.id}-moment-${m.id}@convene`,
      `DTSTAMP:${stamp}`,
      dateTime("DTSTART", zone, m.start_local, moment.start_utc),
      dateTime("DTEND", zone, m.end_local, moment.end_utc),
      `SUMMARY:${escapeText(`${moment.title} (synchronized)`)}`,
      `DESCRIPTION:${escapeText(`Site: ${site.id} (${site.timezone})\nSynchronized moment: ${m.id}, shared by ${moment.joining} sites\nUTC: ${moment.start_utc} – ${moment.end_utc}${m.joins ? "" : "\nOutside this site's window: optional"}`)}`,
      "CATEGORIES:SYNCHRONIZED",
      `TRANSP:${m.joins ? "OPAQUE" : "TRANSPARENT"}`,
      "END:VEVENT"
    )
  }
  return lines
}

const finish = (lines: ReadonlyArray<string>): string => [...lines, "END:VCALENDAR"].map(fold).join("\r\n") + "\r\n"

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
  return finish([
    ...header(`${options.title} — ${site.id}`, zone === undefined ? [] : [`X-WR-TIMEZONE:${zone}`]),
    ...(tz === undefined ? [] : tz.split("\r\n")),
    ...siteEvents(plan, site, options, zone)
  ])
}

/** Every site's blocks and the moments in one calendar, all times in UTC. */
export const globalCalendar = (plan: SchedulePlan, options: CalendarOptions): string => {
  const stamp = `${plan.day.replace(/-/g, "")}T000000Z`
  const moments = plan.moments.flatMap((m) => [
    "BEGIN:VEVENT",
    `UID:${options.dialogueId}-${plan.day}-moment-${m.id}@convene`,
    `DTSTAMP:${stamp}`,
    `DTSTART:${compactUtc(m.start_utc)}`,
    `DTEND:${compactUtc(m.end_utc)}`,
    `SUMMARY:${escapeText(`${m.title} (synchronized, ${m.joining} of ${plan.sites.length} sites)`)}`,
    `DESCRIPTION:${escapeText(`Synchronized moment ${m.id} (${m.mode})\nUTC: ${m.start_utc} – ${m.end_utc}\nSites that cannot join inside their window: ${m.not_joining.length === 0 ? "none" : m.not_joining.join(", ")}`)}`,
    "CATEGORIES:SYNCHRONIZED",
    "END:VEVENT"
  ])
  return finish([
    ...header(`${options.title} — all sites (UTC)`, ["X-WR-TIMEZONE:UTC"]),
    ...moments,
    ...plan.sites.flatMap((s) => siteEvents(plan, s, options, undefined, false).map((l) => (l.startsWith("SUMMARY:") ? `SUMMARY:${escapeText(s.id)}: ${l.slice(8)}` : l)))
  ])
}
