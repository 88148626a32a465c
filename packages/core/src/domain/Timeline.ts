/**
 * The timeline of a dialogue, computed without IO: which phase is current on a date, and how
 * ready each site and country is against the milestones that apply to every site.
 */
import type { Milestone, Phase } from "./Dialogue.js"

/** Where a date falls among the phases. */
export type PhasePosition =
  | { readonly _tag: "Before"; readonly next: Phase }
  | { readonly _tag: "In"; readonly phase: Phase }
  | { readonly _tag: "Between"; readonly previous: Phase; readonly next: Phase }
  | { readonly _tag: "After"; readonly previous: Phase }
  | { readonly _tag: "NoPhases" }

/**
 * The phase in force on `asOf` (a `YYYY-MM-DD` date; phase dates are inclusive). When phases
 * overlap, the one that started last wins: it is the newest work.
 *
 * @example
 * phaseOn(dialogue.timeline.phases, "2026-11-22") // { _tag: "In", phase: { id: "debate-design", ... } }
 */
export const phaseOn = (phases: ReadonlyArray<Phase>, asOf: string): PhasePosition => {
  if (phases.length === 0) return { _tag: "NoPhases" }
  const sorted = [...phases].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
  const current = sorted.filter((p) => p.start <= asOf && asOf <= p.end).at(-1)
  if (current !== undefined) return { _tag: "In", phase: current }
  const next = sorted.find((p) => p.start > asOf)
  const previous = [...sorted].reverse().find((p) => p.end < asOf)
  if (next !== undefined && previous !== undefined) return { _tag: "Between", previous, next }
  if (next !== undefined) return { _tag: "Before", next }
  return { _tag: "After", previous: previous ?? sorted.at(-1)! }
}

/** A milestone's state at one site: reached, still ahead, or late. */
export type MilestoneState = "done" | "due" | "overdue"

/** `date` moved by `days` calendar days. */
const addDays = (date: string, days: number): string => {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10)
}

/**
 * When a milestone is due at a site whose deliberation is on `day`: its fixed date, or the day
 * moved by its offset. Undefined for a relative milestone at a site without a date (a mirror
 * that has not set one yet): not due yet.
 *
 * @example
 * dueOn({ id: "kit-built", title: "Kit built", due_relative: "-10d" }, "2027-05-22") // "2027-05-12"
 */
export const dueOn = (milestone: Milestone, day: string | undefined): string | undefined =>
  milestone.due !== undefined ? milestone.due : day === undefined || milestone.due_relative === undefined ? undefined : addDays(day, Number(milestone.due_relative.slice(0, -1)))

/** The state of a milestone at a site on `asOf`, given the date it was done (if it was) and the site's deliberation day. */
export const milestoneState = (milestone: Milestone, doneOn: string | undefined, asOf: string, day?: string): MilestoneState => {
  if (doneOn !== undefined) return "done"
  const due = dueOn(milestone, day)
  return due !== undefined && due < asOf ? "overdue" : "due"
}

/** Counts of milestone states. */
export interface StateCounts {
  readonly done: number
  readonly due: number
  readonly overdue: number
}

/** One site's readiness: each milestone's state and the counts. */
export interface SiteReadiness extends StateCounts {
  readonly site: string
  readonly country: string
  readonly milestones: Readonly<Record<string, MilestoneState>>
}

/** One country's readiness, summed over its sites. */
export interface CountryReadiness extends StateCounts {
  readonly country: string
  readonly sites: number
  /** Sites with every milestone due so far done. */
  readonly on_track: number
}

/** Readiness of the whole dialogue. */
export interface Readiness {
  readonly as_of: string
  readonly milestones: ReadonlyArray<Milestone & { readonly done: number; readonly due_count: number; readonly overdue: number }>
  readonly sites: ReadonlyArray<SiteReadiness>
  readonly countries: ReadonlyArray<CountryReadiness>
  readonly totals: StateCounts & { readonly sites: number; readonly on_track: number }
}

/** A recorded milestone at a site. */
export interface Progress {
  readonly site_id: string
  readonly milestone_id: string
  readonly done_on: string
}

/**
 * Readiness of every site and country against the milestones on `asOf`. A site is on track
 * when none of its milestones is overdue. Relative milestones are due from each site's own
 * deliberation day: its `date`, else `globalDay`.
 *
 * @example
 * readiness(sites, dialogue.timeline.milestones, progress, "2027-04-01").totals // { done: 120, due: 800, overdue: 45, ... }
 */
export const readiness = (
  sites: ReadonlyArray<{ readonly id: string; readonly country: string; readonly date?: string | undefined; readonly format?: string | undefined }>,
  milestones: ReadonlyArray<Milestone>,
  progress: ReadonlyArray<Progress>,
  asOf: string,
  globalDay?: string
): Readiness => {
  const doneAt = new Map<string, string>()
  for (const p of progress) doneAt.set(`${p.site_id}\u0000${p.milestone_id}`, p.done_on)
  const perMilestone = new Map(milestones.map((m) => [m.id, { done: 0, due: 0, overdue: 0 }]))
  const siteRows: Array<SiteReadiness> = []
  for (const site of sites) {
    const states: Record<string, MilestoneState> = {}
    const counts = { done: 0, due: 0, overdue: 0 }
    for (const m of milestones) {
      // a mirror without a date of its own has no deliberation day yet
      const day = site.date ?? (site.format === "mirror" ? undefined : globalDay)
      const state = milestoneState(m, doneAt.get(`${site.id}\u0000${m.id}`), asOf, day)
      states[m.id] = state
      counts[state]++
      perMilestone.get(m.id)![state]++
    }
    siteRows.push({ site: site.id, country: site.country, milestones: states, ...counts })
  }
  const byCountry = new Map<string, { done: number; due: number; overdue: number; sites: number; on_track: number }>()
  for (const s of siteRows) {
    const c = byCountry.get(s.country) ?? { done: 0, due: 0, overdue: 0, sites: 0, on_track: 0 }
    c.done += s.done
    c.due += s.due
    c.overdue += s.overdue
    c.sites++
    if (s.overdue === 0) c.on_track++
    byCountry.set(s.country, c)
  }
  const countries = [...byCountry.entries()]
    .map(([country, c]) => ({ country, ...c }))
    .sort((a, b) => a.country.localeCompare(b.country))
  const totals = siteRows.reduce(
    (t, s) => ({
      done: t.done + s.done,
      due: t.due + s.due,
      overdue: t.overdue + s.overdue,
      sites: t.sites + 1,
      on_track: t.on_track + (s.overdue === 0 ? 1 : 0)
    }),
    { done: 0, due: 0, overdue: 0, sites: 0, on_track: 0 }
  )
  return {
    as_of: asOf,
    milestones: milestones.map((m) => {
      const c = perMilestone.get(m.id)!
      return { ...m, done: c.done, due_count: c.due, overdue: c.overdue }
    }),
    sites: siteRows,
    countries,
    totals
  }
}
