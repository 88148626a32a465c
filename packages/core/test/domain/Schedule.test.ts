import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { AgendaBlock, DeliberationDay, SyncMoment } from "../../src/domain/Dialogue.js"
import { planDay } from "../../src/domain/Schedule.js"
import { zoneRules } from "../../src/infra/TzData.js"

const rules = zoneRules()

const zones = [...Intl.supportedValuesOf("timeZone"), "Asia/Kolkata", "Europe/Kyiv", "UTC"]
const day = (date: string, start = "09:00", window = { start: "08:00", end: "21:00" }) => ({ date, start_local: start, window }) as DeliberationDay
const agenda = [
  { id: "welcome", title: "Welcome", minutes: 30, kind: "plenary" },
  { id: "s1", title: "Session 1", minutes: 90, kind: "table-discussion" },
  { id: "lunch", title: "Lunch", minutes: 60, kind: "break" },
  { id: "s2", title: "Session 2", minutes: 90, kind: "table-discussion" },
  { id: "vote", title: "Vote", minutes: 30, kind: "vote" }
] as Array<AgendaBlock>

describe("planDay", () => {
  it("plans each site in its own zone, with UTC instants and offsets, in follow-the-sun order", () => {
    const plan = planDay({
      rules,
      day: day("2027-05-15"),
      agenda,
      moments: [],
      sites: [
        { id: "us-honolulu", timezone: "Pacific/Honolulu" },
        { id: "np-ktm", timezone: "Asia/Kathmandu", start_local: "10:00" },
        { id: "ki-kiritimati", timezone: "Pacific/Kiritimati" }
      ]
    })
    expect(plan.sites.map((s) => s.id)).toEqual(["ki-kiritimati", "np-ktm", "us-honolulu"])
    const ktm = plan.sites[1]!
    expect(ktm.blocks[0]).toMatchObject({ start_local: "2027-05-15T10:00", start_utc: "2027-05-15T04:15:00Z", utc_offset: "+05:45" })
    expect(ktm.blocks.at(-1)).toMatchObject({ end_local: "2027-05-15T15:00", end_utc: "2027-05-15T09:15:00Z" })
    expect(plan.sites[0]!.blocks[0]).toMatchObject({ start_utc: "2027-05-14T19:00:00Z", utc_offset: "+14:00" })
    expect(plan.span).toEqual({ start_utc: "2027-05-14T19:00:00Z", end_utc: "2027-05-16T00:00:00Z", hours: 29 })
    expect(plan.hourly[0]).toEqual({ hour_utc: "2027-05-14T19:00:00Z", sites: 1 })
    expect(plan.warnings).toEqual([])
  })

  it("warns when the start falls in a DST gap on the day itself, and shifts it forward", () => {
    const plan = planDay({ rules, day: day("2027-03-28", "02:30", { start: "00:00", end: "23:59" }), agenda, moments: [], sites: [{ id: "fr", timezone: "Europe/Paris" }] })
    const site = plan.sites[0]!
    expect(site.blocks[0]).toMatchObject({ start_local: "2027-03-28T03:30", start_utc: "2027-03-28T01:30:00Z", utc_offset: "+02:00" })
    expect(site.warnings.map((w) => w.code)).toEqual(["dst-gap"])
  })

  it("warns of an ambiguous start and of a DST switch during the day, keeping durations", () => {
    // clocks go back from 03:00 CEST to 02:00 CET: 02:30 happens twice
    const plan = planDay({ rules, day: day("2027-10-31", "02:30", { start: "00:00", end: "23:59" }), agenda, moments: [], sites: [{ id: "fr", timezone: "Europe/Paris" }] })
    const site = plan.sites[0]!
    expect(site.warnings.map((w) => w.code)).toEqual(["dst-overlap", "dst-transition"])
    expect(site.blocks[0]).toMatchObject({ start_local: "2027-10-31T02:30", end_local: "2027-10-31T02:00", start_utc: "2027-10-31T00:30:00Z", utc_offset: "+02:00" })
    // 30 minutes later in absolute time it is 02:00 again, now CET; 90 minutes on, 03:30
    expect(site.blocks[1]).toMatchObject({ start_local: "2027-10-31T02:00", end_local: "2027-10-31T03:30", start_utc: "2027-10-31T01:00:00Z", utc_offset: "+01:00" })
  })

  it("warns of blocks outside the window and past midnight", () => {
    const plan = planDay({ rules, day: day("2027-05-15", "20:00"), agenda, moments: [], sites: [{ id: "x", timezone: "Asia/Tokyo" }] })
    const codes = plan.sites[0]!.warnings.map((w) => `${w.code}:${w.block}`)
    expect(codes).toContain("outside-window:s1")
    expect(codes).toContain("past-midnight:s2")
  })

  it("places an auto moment where most sites can join, and says who cannot", () => {
    const sites = [
      { id: "paris", timezone: "Europe/Paris" },
      { id: "dakar", timezone: "Africa/Dakar" },
      { id: "nairobi", timezone: "Africa/Nairobi" },
      { id: "honolulu", timezone: "Pacific/Honolulu" }
    ]
    const moments = [{ id: "greet", title: "Greeting", minutes: 15, at: "auto" }] as Array<SyncMoment>
    const plan = planDay({ rules, day: day("2027-05-15"), agenda, moments, sites })
    const m = plan.moments[0]!
    expect(m.joining).toBe(3)
    expect(m.not_joining).toEqual(["honolulu"])
    // the sessions (09:00 local, five hours, inside the 08:00-21:00 window) are 07-12Z (Paris),
    // 09-14Z (Dakar), 06-11Z (Nairobi), 19-00Z (Honolulu): at most three share a slot
    // (09:00-11:00Z), and the ties go to the median of their middles
    expect(m.start_utc).toBe("2027-05-15T09:15:00Z")
    expect(Number(m.start_utc.slice(14, 16)) % 15).toBe(0)
    const dakar = plan.sites.find((s) => s.id === "dakar")!
    expect(dakar.moments[0]).toMatchObject({ id: "greet", start_local: "2027-05-15T09:15", joins: true })
  })

  it("judges joining against the site's own session, not only the window, and says so", () => {
    // 12:00Z is 17:30 in Kolkata: inside the 08:00-21:00 window, but its session ended at 14:00
    const moments = [{ id: "greet", title: "Greeting", minutes: 15, at: "2027-05-15T12:00Z" }] as Array<SyncMoment>
    const plan = planDay({ rules, day: day("2027-05-15"), agenda, moments, sites: [{ id: "in", timezone: "Asia/Kolkata" }, { id: "ng", timezone: "Africa/Lagos" }] })
    expect(plan.moments[0]).toMatchObject({ joining: 1, not_joining: ["in"] })
    const kolkata = plan.sites.find((s) => s.id === "in")!
    expect(kolkata.moments[0]).toMatchObject({ start_local: "2027-05-15T17:30", joins: false })
    expect(kolkata.warnings).toEqual([{ code: "moment-outside-session", site: "in", message: "greet at 17:30 local falls after the site's session (09:00–14:00): the site does not join it" }])
    // Lagos (13:00 local) is in session
    expect(plan.sites.find((s) => s.id === "ng")!.moments[0]).toMatchObject({ joins: true })
    expect(plan.sites.find((s) => s.id === "ng")!.warnings).toEqual([])
  })

  it("reports a fixed moment's local time at each site", () => {
    const moments = [{ id: "live", title: "Live", minutes: 20, at: "2027-05-15T16:00Z" }] as Array<SyncMoment>
    const plan = planDay({ rules, day: day("2027-05-15"), agenda, moments, sites: [{ id: "in", timezone: "Asia/Kolkata" }, { id: "br", timezone: "America/Sao_Paulo" }] })
    expect(plan.moments[0]).toMatchObject({ mode: "fixed", joining: 1, not_joining: ["in"] })
    expect(plan.sites.find((s) => s.id === "in")!.moments[0]).toMatchObject({ start_local: "2027-05-15T21:30", joins: false })
    expect(plan.sites.find((s) => s.id === "br")!.moments[0]).toMatchObject({ start_local: "2027-05-15T13:00", joins: true })
  })
})

const minutesBetween = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 60_000

describe("planDay properties (random zones and dates)", () => {
  const agendaArb = fc.array(fc.integer({ min: 1, max: 180 }), { minLength: 1, maxLength: 12 }).map((ms) =>
    ms.map((minutes, i) => ({ id: `b${i}`, title: `Block ${i}`, minutes, kind: "plenary" }) as AgendaBlock)
  )
  const dateArb = fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2037-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))
  const timeArb = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`)

  it("blocks follow each other without overlap and keep their durations in absolute time", () => {
    fc.assert(
      fc.property(fc.constantFrom(...zones), dateArb, timeArb, agendaArb, (zone, date, start, blocks) => {
        const plan = planDay({ rules, day: day(date, start), agenda: blocks, moments: [], sites: [{ id: "s", timezone: zone }] })
        const planned = plan.sites[0]!.blocks
        planned.forEach((b, i) => {
          expect(minutesBetween(b.start_utc, b.end_utc)).toBe(blocks[i]!.minutes)
          if (i > 0) expect(b.start_utc).toBe(planned[i - 1]!.end_utc)
        })
        // the local start is the asked one unless it fell into a DST gap
        const gap = plan.sites[0]!.warnings.some((w) => w.code === "dst-gap")
        if (!gap) expect(planned[0]!.start_local).toBe(`${date}T${start}`)
      }),
      { numRuns: 1500 }
    )
  })
})

describe("planDay on a day a zone skipped", () => {
  it("warns that Samoa's 2011-12-30 does not exist and the day happens on the 31st", () => {
    const plan = planDay({ rules, day: day("2011-12-30"), agenda, moments: [], sites: [{ id: "ws", timezone: "Pacific/Apia" }] })
    const codes = plan.sites[0]!.warnings.map((w) => w.code)
    expect(codes).toContain("dst-gap")
    expect(codes).toContain("other-date")
    expect(plan.sites[0]!.blocks[0]!.start_local).toBe("2011-12-31T09:00")
  })
})
