// Calendars are read back with ical.js (Mozilla's parser, as in Thunderbird): every event must
// start and end at the planned UTC instant, in every zone.
import ICAL from "ical.js"
import { describe, expect, it } from "vitest"
import { globalCalendar, siteCalendar } from "../../src/schedule/Calendar.js"
import type { AgendaBlock, DeliberationDay, SyncMoment } from "../../src/domain/Dialogue.js"
import { planDay, type SchedulePlan } from "../../src/domain/Schedule.js"
import { zoneRules } from "../../src/infra/TzData.js"

const rules = zoneRules()

const agenda = [
  { id: "welcome", title: "Welcome, consent; introduction", minutes: 30, kind: "plenary" },
  { id: "s1", title: "Session 1: the Internet and me", minutes: 90, kind: "table-discussion" },
  { id: "lunch", title: "Lunch", minutes: 60, kind: "break" },
  { id: "s2", title: "Session 2 — données et identité numérique, العربية", minutes: 90, kind: "table-discussion" },
  { id: "vote", title: "Vote", minutes: 30, kind: "vote" }
] as Array<AgendaBlock>
const moments = [
  { id: "greet", title: "Global greeting", minutes: 15, at: "auto" },
  { id: "live", title: "Live results", minutes: 20, at: "2027-05-15T16:00Z" }
] as Array<SyncMoment>
const options = { dialogueId: "test", title: "Test dialogue" }

/** Parses an ICS text and returns each event's UID with its start and end as UTC milliseconds. */
const readBack = (ics: string): Map<string, { start: number; end: number; description: string }> => {
  const component = new ICAL.Component(ICAL.parse(ics))
  for (const tz of component.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(new ICAL.Timezone(tz))
  const out = new Map<string, { start: number; end: number; description: string }>()
  for (const ve of component.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(ve)
    expect(event.startDate.isDate).toBe(false)
    // a floating time (no zone) would be read in the process's zone: refuse it
    expect(event.startDate.zone === ICAL.Timezone.localTimezone && !String(ve.getFirstProperty("dtstart")!.toICALString()).endsWith("Z")).toBe(false)
    out.set(event.uid, { start: event.startDate.toUnixTime() * 1000, end: event.endDate.toUnixTime() * 1000, description: event.description })
  }
  return out
}

describe("text in calendars (issue 13)", () => {
  it("writes a line break in a title as \\n and drops a bare CR, so no property can be injected", () => {
    const hostile = [{ id: "s1", title: "Session 1\rURL:http://evil.example\r\nLOCATION:nowhere\u0007", minutes: 60, kind: "plenary" }] as Array<AgendaBlock>
    const plan = planDay({ rules, day: { date: "2027-05-15", start_local: "09:00", window: { start: "08:00", end: "21:00" } } as DeliberationDay, agenda: hostile, moments: [], sites: [{ id: "sn", timezone: "Africa/Dakar" }] })
    const ics = siteCalendar(plan, plan.sites[0]!, options)
    expect(ics.replace(/\r\n/g, "")).not.toMatch(/[\r\n\u0000-\u0008\u000B-\u001F\u007F]/)
    const lines = ics.split("\r\n")
    expect(lines.some((l) => l.startsWith("URL:") || l.startsWith("LOCATION:nowhere"))).toBe(false)
    const summary = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent("vevent")!.getFirstPropertyValue("summary")
    expect(summary).toBe("Session 1\nURL:http://evil.example\nLOCATION:nowhere")
  })
})

const expectMatchesPlan = (plan: SchedulePlan, ics: string, siteId: string) => {
  const site = plan.sites.find((s) => s.id === siteId)!
  const events = readBack(ics)
  for (const b of site.blocks) {
    const e = events.get(`test-${site.id}-${b.id}@convene`)
    expect(e, `${site.id}/${b.id}`).toBeDefined()
    expect(new Date(e!.start).toISOString(), `${site.timezone} ${b.id} start`).toBe(new Date(b.start_utc).toISOString())
    expect(new Date(e!.end).toISOString(), `${site.timezone} ${b.id} end`).toBe(new Date(b.end_utc).toISOString())
    expect(e!.description).toContain(`UTC: ${b.start_utc}`)
  }
}

const allZones = [...Intl.supportedValuesOf("timeZone"), "Asia/Kolkata", "Europe/Kyiv", "UTC"]

describe("siteCalendar", () => {
  it("writes each site's events in its own zone with a matching VTIMEZONE", () => {
    const plan = planDay({ rules, day: { date: "2027-05-15", start_local: "09:00", window: { start: "08:00", end: "21:00" } } as DeliberationDay, agenda, moments, sites: [{ id: "in", timezone: "Asia/Kolkata" }] })
    const ics = siteCalendar(plan, plan.sites[0]!, options)
    expect(ics).toContain("TZID:Asia/Kolkata\r\n")
    expect(ics).toContain("DTSTART;TZID=Asia/Kolkata:20270515T090000")
    expect(ics.split("\r\n").every((l) => new TextEncoder().encode(l).length <= 75)).toBe(true)
    expectMatchesPlan(plan, ics, "in")
    expect(siteCalendar(plan, plan.sites[0]!, options)).toBe(ics)
  })

  it("is right in every zone of Node's ICU data", () => {
    const plan = planDay({
      rules,
      day: { date: "2027-05-15", start_local: "09:00", window: { start: "08:00", end: "21:00" } } as DeliberationDay,
      agenda,
      moments,
      sites: allZones.map((z, i) => ({ id: `s${i}`, timezone: z }))
    })
    for (const site of plan.sites) expectMatchesPlan(plan, siteCalendar(plan, site, options), site.id)
  })

  it("is right on DST switch days, including the later half of an overlap", () => {
    const cases: Array<[string, string, string]> = [
      ["Europe/Paris", "2027-03-28", "01:30"],
      ["Europe/Paris", "2027-10-31", "02:30"],
      ["America/New_York", "2027-11-07", "00:30"],
      ["America/Santiago", "2027-04-04", "23:00"],
      ["Australia/Lord_Howe", "2027-04-04", "01:00"],
      ["Australia/Lord_Howe", "2027-10-03", "01:30"],
      ["America/Havana", "2027-03-14", "00:00"],
      ["America/Havana", "2027-11-07", "00:30"],
      ["Australia/Adelaide", "2027-10-03", "01:30"],
      ["Pacific/Chatham", "2027-09-26", "02:00"]
    ]
    for (const [zone, date, start] of cases) {
      const plan = planDay({ rules, day: { date, start_local: start, window: { start: "00:00", end: "23:59" } } as DeliberationDay, agenda, moments: [], sites: [{ id: "x", timezone: zone }] })
      expectMatchesPlan(plan, siteCalendar(plan, plan.sites[0]!, options), "x")
    }
  })
})

describe("globalCalendar", () => {
  it("holds every site's blocks and each moment once, in UTC", () => {
    const plan = planDay({
      rules,
      day: { date: "2027-05-15", start_local: "09:00", window: { start: "08:00", end: "21:00" } } as DeliberationDay,
      agenda,
      moments,
      sites: [{ id: "ws", timezone: "Pacific/Apia" }, { id: "np", timezone: "Asia/Kathmandu" }, { id: "as", timezone: "Pacific/Pago_Pago" }]
    })
    const ics = globalCalendar(plan, options)
    expect(ics).not.toContain("TZID=")
    const events = readBack(ics)
    expect(events.size).toBe(3 * agenda.length + moments.length)
    for (const site of plan.sites) expectMatchesPlan(plan, ics, site.id)
    expect(new Date(events.get("test-moment-live@convene")!.start).toISOString()).toBe("2027-05-15T16:00:00.000Z")
  })
})
