/**
 * The slot finder for online sessions across time zones (stakeholder dialogues): which UTC
 * start times put the most zones inside their acceptable local window, on a given date.
 */
import { formatLocal, formatOffset, formatUtc, minutesOfDay, toLocal } from "./Zone.js"
import type { ZoneRules } from "./ZoneRules.js"

const MINUTE = 60_000

/** One zone's view of a slot. */
export interface SlotZone {
  readonly zone: string
  readonly start_local: string
  readonly end_local: string
  readonly utc_offset: string
  readonly inside: boolean
}

/** A candidate slot, with every zone's local time. */
export interface Slot {
  readonly start_utc: string
  readonly end_utc: string
  readonly inside: number
  readonly zones: ReadonlyArray<SlotZone>
}

const insideWindow = (startTime: string, startDate: string, endTime: string, endDate: string, window: { start: string; end: string }): boolean => {
  const ws = minutesOfDay(window.start)
  const we = minutesOfDay(window.end) <= ws ? minutesOfDay(window.end) + 1440 : minutesOfDay(window.end)
  const s = minutesOfDay(startTime)
  const e = minutesOfDay(endTime) + (endDate > startDate ? 1440 : 0)
  return s >= ws && e <= we
}

/**
 * Ranks UTC start times on a 15-minute grid over one day: by how many zones have the whole
 * session inside their local window, then by closeness to the middle of those windows. Slots
 * that overlap a better one are left out, so each listed slot is a real alternative.
 *
 * @example
 * findSlots({ zones: ["Europe/Paris", "Asia/Tokyo", "America/Bogota"], minutes: 120, window: { start: "08:00", end: "21:00" }, date: "2027-03-10", rules: zoneRules() })[0]
 * // { start_utc: "2027-03-10T12:00:00Z", inside: 2, zones: [...] }
 */
export const findSlots = (options: {
  readonly zones: ReadonlyArray<string>
  readonly minutes: number
  readonly window: { readonly start: string; readonly end: string }
  readonly date: string
  readonly top?: number
  /** The zone rules to use (`zoneRules()` in infra gives the newest available). */
  readonly rules: ZoneRules
}): Array<Slot> => {
  const dayStart = Date.parse(`${options.date}T00:00:00Z`)
  const length = options.minutes * MINUTE
  const windowMid = (minutesOfDay(options.window.start) + (minutesOfDay(options.window.end) <= minutesOfDay(options.window.start) ? minutesOfDay(options.window.end) + 1440 : minutesOfDay(options.window.end))) / 2
  const scored: Array<{ startMs: number; inside: number; distance: number; zones: Array<SlotZone> }> = []
  for (let c = dayStart; c < dayStart + 24 * 60 * MINUTE; c += 15 * MINUTE) {
    let inside = 0
    let distance = 0
    const zones = options.zones.map((zone) => {
      const s = toLocal(options.rules, zone, c)
      const e = toLocal(options.rules, zone, c + length)
      const ok = insideWindow(s.time, s.date, e.time, e.date, options.window)
      if (ok) {
        inside++
        distance += Math.abs(minutesOfDay(s.time) + options.minutes / 2 - windowMid)
      }
      return { zone, start_local: formatLocal(s), end_local: formatLocal(e), utc_offset: formatOffset(s.offset), inside: ok }
    })
    scored.push({ startMs: c, inside, distance, zones })
  }
  scored.sort((a, b) => b.inside - a.inside || a.distance - b.distance || a.startMs - b.startMs)
  const chosen: typeof scored = []
  for (const s of scored) {
    if (chosen.length >= (options.top ?? 5)) break
    if (chosen.some((c) => Math.abs(c.startMs - s.startMs) < length)) continue
    chosen.push(s)
  }
  return chosen.map((s) => ({ start_utc: formatUtc(s.startMs), end_utc: formatUtc(s.startMs + length), inside: s.inside, zones: s.zones }))
}
