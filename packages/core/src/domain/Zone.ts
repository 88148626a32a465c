/**
 * Wall-clock time in IANA zones, without IO: the UTC offset in force at an instant, and the
 * instant(s) of a local time — none in a DST gap, two in a DST overlap. Every function takes the
 * zone rules to use ({@link ZoneRules}: the newest IANA tz data convene found, loaded by
 * `zoneRules()` in infra), never Node's bundled ICU data, so that plans, calendars and slots
 * agree with each other and with the release recorded beside them.
 */
import type { TzInfo, ZoneRules, ZoneTable } from "./ZoneRules.js"

const MINUTE = 60_000
const DAY = 86_400_000

/** A zone the rules do not hold. */
export class UnknownZone extends Error {
  constructor(readonly zone: string, readonly tz: TzInfo) {
    super(`The time zone "${zone}" is not in tz ${tz.version} (${tz.source}).`)
  }
}

// the last period found per table: plans ask about the same few days over and over
const lastHit = new WeakMap<ZoneTable, number>()

const tableOf = (rules: ZoneRules, zone: string): ZoneTable => {
  const table = rules.zone(zone)
  if (table === undefined) throw new UnknownZone(zone, rules)
  return table
}

/** The index of the period in force at `utcMs`: the first whose until is after it. */
const periodAt = (table: ZoneTable, utcMs: number): number => {
  const { untils } = table
  const hint = lastHit.get(table)
  if (hint !== undefined && untils[hint]! > utcMs && (hint === 0 || untils[hint - 1]! <= utcMs)) return hint
  let lo = 0
  let hi = untils.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (untils[mid]! > utcMs) hi = mid
    else lo = mid + 1
  }
  lastHit.set(table, lo)
  return lo
}

/**
 * The UTC offset in force in `zone` at the instant `utcMs`, in minutes east of UTC, by the
 * given rules. Throws {@link UnknownZone} when the rules have no such zone.
 *
 * @example
 * offsetMinutes(rules, "Asia/Kathmandu", Date.parse("2027-05-15T00:00Z")) // 345
 */
export const offsetMinutes = (rules: ZoneRules, zone: string, utcMs: number): number => {
  const table = tableOf(rules, zone)
  return table.offsets[periodAt(table, utcMs)]!
}

/** Formats an offset in minutes as `+05:45`, `-11:00`, `+00:00`. */
export const formatOffset = (minutes: number): string => {
  const sign = minutes < 0 ? "-" : "+"
  const abs = Math.abs(minutes)
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`
}

/** A local date and time: `date` is `YYYY-MM-DD`, `time` is `HH:MM`. */
export interface LocalDateTime {
  readonly date: string
  readonly time: string
}

const pad = (n: number): string => String(n).padStart(2, "0")

/** The local date and time of an instant in a zone, with the offset in force. */
export const toLocal = (rules: ZoneRules, zone: string, utcMs: number): LocalDateTime & { readonly offset: number } =>
  atOffset(utcMs, offsetMinutes(rules, zone, utcMs))

/** The local date and time of an instant at a known UTC offset (minutes east). */
export const atOffset = (utcMs: number, offset: number): LocalDateTime & { readonly offset: number } => {
  const key = utcMs * 4096 + offset // offsets are within ±1,440 minutes
  let hit = locals.get(key)
  if (hit === undefined) {
    hit = computeAtOffset(utcMs, offset)
    if (locals.size > 50_000) locals.clear()
    locals.set(key, hit)
  }
  return hit
}
const locals = new Map<number, LocalDateTime & { readonly offset: number }>()
const computeAtOffset = (utcMs: number, offset: number): LocalDateTime & { readonly offset: number } => {
  const wall = new Date(utcMs + offset * MINUTE)
  return {
    date: `${wall.getUTCFullYear()}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`,
    time: `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}`,
    offset
  }
}

/** How a local time maps to instants. */
export type LocalResolution =
  | { readonly _tag: "Exact"; readonly utcMs: number }
  /** The time does not exist (DST gap): `utcMs` is the time shifted forward by the gap. */
  | { readonly _tag: "Gap"; readonly utcMs: number; readonly shiftedTo: LocalDateTime; readonly gapMinutes: number }
  /** The time happens twice (DST overlap): `utcMs` is the earlier, `later` the other. */
  | { readonly _tag: "Overlap"; readonly utcMs: number; readonly later: number }

const wallMsOf = ({ date, time }: LocalDateTime): number => {
  const [y, mo, d] = date.split("-").map(Number) as [number, number, number]
  const [h, mi] = time.split(":").map(Number) as [number, number]
  const at = new Date(0)
  at.setUTCFullYear(y, mo - 1, d)
  at.setUTCHours(h, mi, 0, 0)
  return at.getTime()
}

/**
 * The instant of a local date and time in a zone. A time in a DST gap is shifted forward by
 * the gap (02:30 on a spring-forward night becomes 03:30); a time in a DST overlap takes the
 * earlier of its two instants. Both are reported, so callers can warn.
 *
 * @example
 * resolveLocal(rules, "Europe/Paris", { date: "2027-03-28", time: "02:30" })
 * // { _tag: "Gap", utcMs: Date.parse("2027-03-28T01:30Z"), shiftedTo: { date: "2027-03-28", time: "03:30" }, gapMinutes: 60 }
 */
export const resolveLocal = (rules: ZoneRules, zone: string, local: LocalDateTime): LocalResolution => {
  const wall = wallMsOf(local)
  // the offsets in force two days either side cover any transition near this wall time
  const before = offsetMinutes(rules, zone, wall - 2 * DAY)
  const after = offsetMinutes(rules, zone, wall + 2 * DAY)
  const candidates = [...new Set([before, offsetMinutes(rules, zone, wall), after])]
    .map((o) => wall - o * MINUTE)
    .filter((u) => offsetMinutes(rules, zone, u) * MINUTE === wall - u)
    .sort((a, b) => a - b)
  const [first, second] = candidates
  if (first !== undefined && second !== undefined && first !== second) return { _tag: "Overlap", utcMs: first, later: second }
  if (first !== undefined) return { _tag: "Exact", utcMs: first }
  // a gap: keep the offset in force before it, which lands after the gap
  const utcMs = wall - before * MINUTE
  const shifted = toLocal(rules, zone, utcMs)
  return { _tag: "Gap", utcMs, shiftedTo: { date: shifted.date, time: shifted.time }, gapMinutes: Math.round((wallMsOf(shifted) - wall) / MINUTE) }
}

/**
 * The UTC offset of `zone` when it stays the same from the day before `date` to two days after
 * (no transition can then touch that local date), else undefined. Lets callers do plain
 * arithmetic for the many zones without a transition near the day.
 */
export const stableOffsetAround = (rules: ZoneRules, zone: string, date: string): number | undefined => {
  const dayStart = Date.parse(`${date}T00:00:00Z`)
  const table = tableOf(rules, zone)
  // one period covers the whole stretch: no transition at all, not even one that keeps the offset
  const first = periodAt(table, dayStart - DAY)
  return first === periodAt(table, dayStart + 2 * DAY) ? table.offsets[first] : undefined
}

/** Minutes since local midnight of `HH:MM`. */
export const minutesOfDay = (time: string): number =>
  ((time.charCodeAt(0) - 48) * 10 + (time.charCodeAt(1) - 48)) * 60 + (time.charCodeAt(3) - 48) * 10 + (time.charCodeAt(4) - 48)

/** `YYYY-MM-DDTHH:MM`, the way plans write local times. */
export const formatLocal = (l: LocalDateTime): string => `${l.date}T${l.time}`

/** ISO 8601 UTC with minutes, e.g. `2027-05-15T08:00:00Z`. */
export const formatUtc = (utcMs: number): string => {
  // plans repeat the same instants across the sites of a zone: remember recent ones
  let hit = utcStrings.get(utcMs)
  if (hit === undefined) {
    hit = `${new Date(utcMs).toISOString().slice(0, 19)}Z`
    if (utcStrings.size > 50_000) utcStrings.clear()
    utcStrings.set(utcMs, hit)
  }
  return hit
}
const utcStrings = new Map<number, string>()
