// Calendar apps update an imported event when its SEQUENCE rises: each export records every
// event's content hash, and raises the SEQUENCE of the events whose content changed. Read back
// with ical.js (Mozilla's parser, as in Thunderbird).
import ICAL from "ical.js"
import { join } from "node:path"
import { beforeEach, describe, expect, it } from "vitest"
import type { Dialogue } from "../../src/domain/Dialogue.js"
import { calendarOptionsFor } from "../../src/kits/KitCalendar.js"
import { importRegistryFile } from "../../src/registries/Registries.js"
import { globalCalendar, globalCalendarChunks, siteCalendar } from "../../src/schedule/Calendar.js"
import { PlanRepo } from "../../src/schedule/PlanRepo.js"
import { calendarRevisions, latestPlan, planSchedule, planSites } from "../../src/schedule/Schedules.js"
import { type OpenTestDatabase, runWith, testDatabases, useTestDatabase } from "../support/databases.js"
import { kitWorkspace } from "../support/kit-workspace.js"

interface ReadEvent {
  readonly start: string
  readonly end: string
  readonly sequence: number
  readonly summary: string
  readonly location: string | null
  readonly description: string
  readonly stamp: string
  readonly modified: string
}

const iso = (t: ICAL.Time): string => new Date(t.toUnixTime() * 1000).toISOString().replace(".000Z", "Z")

const readBack = (ics: string): Map<string, ReadEvent> => {
  const component = new ICAL.Component(ICAL.parse(ics))
  for (const tz of component.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(new ICAL.Timezone(tz))
  const out = new Map<string, ReadEvent>()
  for (const ve of component.getAllSubcomponents("vevent")) {
    const e = new ICAL.Event(ve)
    out.set(e.uid, {
      start: iso(e.startDate),
      end: iso(e.endDate),
      sequence: e.sequence,
      summary: e.summary,
      location: e.location,
      description: e.description,
      stamp: iso(ve.getFirstPropertyValue("dtstamp") as ICAL.Time),
      modified: iso(ve.getFirstPropertyValue("last-modified") as ICAL.Time)
    })
  }
  return out
}

describe.each(testDatabases)("calendar revisions on $name", (testDb) => {
  const current = useTestDatabase(testDb)
  let shape: OpenTestDatabase
  beforeEach(() => void (shape = current()))

  it("keeps SEQUENCE on re-export, raises it when a block's time or title changes, in Havana and Winnipeg in winter", async () => {
    const ws = await kitWorkspace()
    const winter = { ...ws.dialogue, deliberation_day: { ...ws.dialogue.deliberation_day, date: "2027-01-16" } } as Dialogue
    const sites = [{ id: "cu-havana", timezone: "America/Havana" }, { id: "ca-winnipeg", timezone: "America/Winnipeg" }] as unknown as Parameters<typeof planSites>[1]
    const plan = planSites(winter, sites)
    expect(plan.day).toBe("2027-01-16")
    const base = { dialogueId: "wti", title: "We, the Internet" }
    const first = await runWith(shape, calendarRevisions(plan, { ...base, stamp: "2026-12-01T10:00:00Z" }))
    for (const site of plan.sites) {
      const events = readBack(siteCalendar(plan, site, first))
      expect(events.size).toBe(site.blocks.length + site.moments.length)
      for (const b of site.blocks) {
        const e = events.get(`wti-${site.id}-${b.id}@convene`)!
        expect([e.start, e.end], `${site.timezone} ${b.id}`).toEqual([b.start_utc, b.end_utc])
        expect([e.sequence, e.stamp, e.modified]).toEqual([0, "2026-12-01T10:00:00Z", "2026-12-01T10:00:00Z"])
      }
    }
    // the same plan exported again, later: the same bytes
    const again = await runWith(shape, calendarRevisions(plan, { ...base, stamp: "2026-12-01T10:00:00Z" }))
    expect(siteCalendar(plan, plan.sites[0]!, again)).toBe(siteCalendar(plan, plan.sites[0]!, first))
    expect(globalCalendar(plan, again)).toBe(globalCalendar(plan, first))

    // the last block longer (its end moves) and the first block renamed, in a plan stored later
    const agenda = winter.agenda.map((b, i) => (i === 0 ? { ...b, title: `${b.title} (renamed)` } : i === winter.agenda.length - 1 ? { ...b, minutes: b.minutes + 15 } : b))
    const changed = planSites({ ...winter, agenda }, sites)
    const next = await runWith(shape, calendarRevisions(changed, { ...base, stamp: "2026-12-02T08:00:00Z" }))
    const first0 = winter.agenda[0]!.id
    const last = winter.agenda.at(-1)!.id
    for (const site of changed.sites) {
      const events = readBack(siteCalendar(changed, site, next))
      for (const b of site.blocks) {
        const e = events.get(`wti-${site.id}-${b.id}@convene`)!
        expect([e.start, e.end]).toEqual([b.start_utc, b.end_utc])
        const moved = b.id === first0 || b.id === last
        expect([e.sequence, e.modified], `${site.id} ${b.id}`).toEqual(moved ? [1, "2026-12-02T08:00:00Z"] : [0, "2026-12-01T10:00:00Z"])
        expect(e.stamp).toBe("2026-12-02T08:00:00Z")
      }
    }
    // exported once more unchanged: the SEQUENCE stays
    const stays = await runWith(shape, calendarRevisions(changed, { ...base, stamp: "2026-12-02T08:00:00Z" }))
    expect(readBack(siteCalendar(changed, changed.sites[0]!, stays)).get(`wti-${changed.sites[0]!.id}-${last}@convene`)!.sequence).toBe(1)
  })

  it("keeps and raises SEQUENCE the same way on a large export (over 5,000 events: the stored revisions read in one scan)", async () => {
    const ws = await kitWorkspace()
    const zones = ["America/Havana", "Africa/Dakar", "Asia/Kolkata", "Australia/Lord_Howe"]
    const sites = Array.from({ length: 480 }, (_, i) => ({ id: `s-${i}`, timezone: zones[i % zones.length] })) as unknown as Parameters<typeof planSites>[1]
    const plan = planSites(ws.dialogue, sites)
    const base = { dialogueId: "big", title: "We, the Internet" }
    const first = await runWith(shape, calendarRevisions(plan, { ...base, stamp: "2026-12-01T10:00:00Z" }))
    expect(first.revisions.size).toBeGreaterThan(5000)
    expect([...first.revisions.values()].every((r) => r.sequence === 0)).toBe(true)
    const agenda = ws.dialogue.agenda.map((b, i) => (i === 0 ? { ...b, title: `${b.title} (renamed)` } : b))
    const changed = planSites({ ...ws.dialogue, agenda }, sites)
    const next = await runWith(shape, calendarRevisions(changed, { ...base, stamp: "2026-12-02T08:00:00Z" }))
    const first0 = ws.dialogue.agenda[0]!.id
    for (const site of changed.sites) {
      for (const b of site.blocks) {
        expect(next.revisions.get(`big-${site.id}-${b.id}@convene`), `${site.id} ${b.id}`).toEqual(
          b.id === first0 ? { sequence: 1, modified: "2026-12-02T08:00:00Z" } : { sequence: 0, modified: "2026-12-01T10:00:00Z" }
        )
      }
    }
  })

  it("reads the stored revisions of a large export right when a UID holds a tab or a line break (an SDK caller's own ids)", async () => {
    const uids = Array.from({ length: 5001 }, (_, i) => (i === 7 ? "odd\tuid@x" : i === 8 ? "odd\nuid@x" : i === 200 ? "a\tb\tc\td\ne-100@x" : `e-${i}@x`))
    const revise = (hashes: Map<string, string>, at: string) => runWith(shape, PlanRepo.use((repo) => repo.reviseEvents(hashes, at)))
    await revise(new Map(uids.map((u) => [u, "h0"])), "2026-12-01T10:00:00Z")
    const next = await revise(new Map(uids.map((u, i) => [u, i === 7 || i === 100 ? "h1" : i === 200 ? "h2" : "h0"])), "2026-12-02T08:00:00Z")
    expect(next.get("odd\tuid@x")).toEqual({ sequence: 1, modified: "2026-12-02T08:00:00Z" })
    expect(next.get("odd\nuid@x")).toEqual({ sequence: 0, modified: "2026-12-01T10:00:00Z" })
    expect(next.get("e-100@x")).toEqual({ sequence: 1, modified: "2026-12-02T08:00:00Z" })
    expect(next.get("e-101@x")).toEqual({ sequence: 0, modified: "2026-12-01T10:00:00Z" })
    // a UID made to look like a line of four fields and another event's line (written after it)
    expect(next.get("a\tb\tc\td\ne-100@x")).toEqual({ sequence: 1, modified: "2026-12-02T08:00:00Z" })
    // the same events with plain UIDs only: read back as one text value, the same revisions
    const plain = new Map(uids.filter((_, i) => i !== 7 && i !== 8 && i !== 200).map((u) => [u, u === "e-100@x" ? "h1" : "h0"]))
    const again = await revise(plain, "2026-12-03T08:00:00Z")
    expect(again.get("e-100@x")).toEqual({ sequence: 1, modified: "2026-12-02T08:00:00Z" })
    expect(again.get("e-5000@x")).toEqual({ sequence: 0, modified: "2026-12-01T10:00:00Z" })
  })

  it("writes LOCATION from the site and a French site's SUMMARY and DESCRIPTION in French, from the kit's catalogs, in all-sites.ics too", async () => {
    const ws = await kitWorkspace()
    await runWith(shape, importRegistryFile("fellows", join(ws.dir, "fellows.csv")))
    await runWith(shape, importRegistryFile("sites", join(ws.dir, "sites.csv")))
    await runWith(shape, planSchedule(ws.dialogue))
    const { plan, computedAt } = await runWith(shape, latestPlan(ws.dialogue))
    const options = await runWith(shape, calendarOptionsFor(ws, plan, computedAt))
    const dakar = readBack(siteCalendar(plan, plan.sites.find((s) => s.id === "sn-dakar")!, options))
    const welcome = dakar.get(`${ws.dialogue.id}-sn-dakar-welcome@convene`)!
    expect(welcome.summary).toBe("Accueil, consentement et introduction")
    expect(welcome.location).toBe("Dakar assembly, Dakar, Sénégal")
    expect(welcome.stamp).toBe(computedAt)
    expect([...dakar.values()].filter((e) => e.summary.endsWith("(Moment synchronisé)")).length).toBeGreaterThan(0)
    // DESCRIPTION in French too, from the kit's messages: the session's guidance, local and UTC times
    expect(welcome.description).toContain("Tout le monde ensemble.")
    expect(welcome.description).toContain("fuseau Africa/Dakar (UTC+00:00)")
    expect(welcome.description).toMatch(/\d\d:\d\d–\d\d:\d\d UTC$/)
    const moment = [...dakar.values()].find((e) => e.summary.endsWith("(Moment synchronisé)"))!
    expect(moment.description).toContain("tous les sites du monde font la même chose au même instant")
    const london = readBack(siteCalendar(plan, plan.sites.find((s) => s.id === "gb-london")!, options))
    const londonWelcome = london.get(`${ws.dialogue.id}-gb-london-welcome@convene`)!
    expect(londonWelcome.location).toBe("London assembly, London, United Kingdom")
    expect(londonWelcome.description).toContain("Europe/London (UTC+01:00)")
    // all-sites.ics: each site's events in its own language, prefixed with its id, the same
    // UID, SEQUENCE and LOCATION as in the site's own calendar; streamed, the same text
    const all = globalCalendar(plan, options)
    expect([...globalCalendarChunks(plan, options)].join("")).toBe(all)
    const global = readBack(all)
    const dakarInAll = global.get(`${ws.dialogue.id}-sn-dakar-welcome@convene`)!
    expect(dakarInAll.summary).toBe("sn-dakar: Accueil, consentement et introduction")
    expect([dakarInAll.start, dakarInAll.location, dakarInAll.sequence, dakarInAll.description]).toEqual([welcome.start, welcome.location, welcome.sequence, welcome.description])
    expect(all.endsWith("END:VEVENT\r\nEND:VCALENDAR\r\n")).toBe(true)
  })
})
