// The winter that Node 24's ICU (tz 2026c) gets wrong and IANA 2026f gets right: Havana stays on
// UTC-4 and Manitoba on UTC-5 through the winter of 2026–27. The plan's JSON, its calendars and
// the slot finder must all say so, with the same rules. The expected instants come from
// moment-timezone's own reading of the data, not from convene's.
import ICAL from "ical.js"
import moment from "moment-timezone"
import { describe, expect, it } from "vitest"
import type { AgendaBlock, DeliberationDay } from "../../src/domain/Dialogue.js"
import { planDay } from "../../src/domain/Schedule.js"
import { findSlots } from "../../src/domain/Slot.js"
import { newerTz } from "../../src/domain/ZoneRules.js"
import { intlZone, zoneRules } from "../../src/infra/TzData.js"
import { siteCalendar, vtimezone } from "../../src/schedule/Calendar.js"
import { scheduleJson } from "../../src/schedule/Schedules.js"

const rules = zoneRules()
const day = { date: "2027-02-07", start_local: "12:30", window: { start: "08:00", end: "21:00" } } as DeliberationDay
const agenda = [
  { id: "welcome", title: "Welcome", minutes: 30, kind: "plenary" },
  { id: "s1", title: "Session 1", minutes: 90, kind: "table-discussion" }
] as Array<AgendaBlock>
const zones = ["America/Havana", "America/Winnipeg", "Canada/Central", "America/Rainy_River"]
const expected = (zone: string, local: string): string => moment.tz(local, zone).toISOString().replace(".000Z", "Z")

describe("a winter day in Havana and Winnipeg (IANA 2026f)", () => {
  const plan = planDay({ rules, day, agenda, moments: [], sites: zones.map((z, i) => ({ id: `s${i}`, timezone: z })) })

  it("is planned with the rules' offsets, in the JSON export", () => {
    expect(newerTz(rules.version, "2026e")).toBe(true)
    const json = JSON.parse(scheduleJson(plan, rules)) as { tz: unknown; sites: Array<{ timezone: string; blocks: Array<{ start_local: string; start_utc: string; utc_offset: string }> }> }
    expect(json.tz).toEqual({ version: rules.version, source: rules.source })
    const havana = json.sites.find((s) => s.timezone === "America/Havana")!
    expect(havana.blocks[0]).toMatchObject({ start_local: "2027-02-07T12:30", start_utc: "2027-02-07T16:30:00Z", utc_offset: "-04:00" })
    for (const site of json.sites) {
      for (const b of site.blocks) expect(b.start_utc, `${site.timezone} ${b.start_local}`).toBe(expected(site.timezone, b.start_local))
    }
    expect(json.sites.filter((s) => s.timezone !== "America/Havana").every((s) => s.blocks[0]!.start_utc === "2027-02-07T17:30:00Z")).toBe(true)
  })

  it("is the same in each site's calendar, read back by ical.js with the calendar's own VTIMEZONE", () => {
    for (const site of plan.sites) {
      const ics = siteCalendar(plan, site, { dialogueId: "t", title: "T", rules })
      const component = new ICAL.Component(ICAL.parse(ics))
      const tz = component.getFirstSubcomponent("vtimezone")!
      ICAL.TimezoneService.register(new ICAL.Timezone(tz))
      const events = component.getAllSubcomponents("vevent").map((e) => new ICAL.Event(e))
      expect(events).toHaveLength(agenda.length)
      for (const [i, e] of events.entries()) {
        expect(ics).toContain(`DTSTART;TZID=${site.timezone}:`)
        expect(new Date(e.startDate.toUnixTime() * 1000).toISOString().replace(".000Z", "Z")).toBe(site.blocks[i]!.start_utc)
      }
    }
    // Havana's block: no fall-back in November 2026, one in November 2027 (2026f)
    const block = vtimezone(rules, "America/Havana", "2027-02-07")!
    expect(block).toContain("TZID:America/Havana")
    expect(block).not.toContain("DTSTART:20261101")
    expect(block).toMatch(/TZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nTZNAME:CST\r\nDTSTART:20271107T010000/)
  })

  it("is what the slot finder says", () => {
    const window = { start: "12:30", end: "13:30" }
    const [havana] = findSlots({ zones: ["America/Havana"], minutes: 60, window, date: "2027-02-07", rules, top: 1 })
    expect(havana!.start_utc).toBe("2027-02-07T16:30:00Z")
    expect(havana!.zones[0]).toMatchObject({ start_local: "2027-02-07T12:30", utc_offset: "-04:00", inside: true })
    // together, the three Manitoba names win at 17:30Z, which is 13:30 in Havana
    const [all] = findSlots({ zones, minutes: 60, window, date: "2027-02-07", rules, top: 1 })
    expect(all!.start_utc).toBe("2027-02-07T17:30:00Z")
    expect(all!.inside).toBe(3)
    expect(all!.zones[0]).toMatchObject({ zone: "America/Havana", start_local: "2027-02-07T13:30", utc_offset: "-04:00", inside: false })
    for (const z of all!.zones.slice(1)) expect(z, z.zone).toMatchObject({ start_local: "2027-02-07T12:30", utc_offset: "-05:00", inside: true })
  })

  it("is the time texts show (live view, results and survey forms), even where Node's ICU rules are older", () => {
    const at = Date.parse("2027-02-07T16:30:00Z")
    const zone = intlZone("America/Havana", at)
    expect(new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit" }).format(at)).toBe("12:30")
    // where ICU agrees with the rules, the zone's own name stays (and its abbreviations)
    expect(intlZone("Asia/Kolkata", at)).toBe("Asia/Kolkata")
    expect(intlZone("UTC", at)).toBe("UTC")
  })
})
