import { describe, expect, it } from "vitest"
import type { AgendaBlock, DeliberationDay, SyncMoment } from "../../src/domain/Dialogue.js"
import { planDay } from "../../src/domain/Schedule.js"
import { scheduleHtml } from "../../src/schedule/ScheduleChart.js"
import { zoneRules } from "../../src/infra/TzData.js"

const rules = zoneRules()

const zones = Intl.supportedValuesOf("timeZone")

describe("scheduleHtml", () => {
  it("is one self-contained page with a row per site, bars per block, moment bands and the hourly histogram, for 300+ sites", () => {
    const agenda = [
      { id: "a", title: "Opening <plenary> & welcome", minutes: 60, kind: "plenary" },
      { id: "b", title: "Tables", minutes: 120, kind: "table-discussion" },
      { id: "c", title: "Vote", minutes: 30, kind: "vote" }
    ] as Array<AgendaBlock>
    const moments = [{ id: "m", title: "Greeting", minutes: 15, at: "auto" }] as Array<SyncMoment>
    const sites = zones.slice(0, 320).map((z, i) => ({ id: `site-${i}`, timezone: z }))
    const plan = planDay({ rules, day: { date: "2027-05-15", start_local: "09:00", window: { start: "08:00", end: "21:00" } } as DeliberationDay, agenda, moments, sites })
    const html = scheduleHtml(plan, "Test & dialogue")
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//)
    expect(html).not.toContain("<script")
    expect(html).toContain("Test &amp; dialogue")
    expect(html).toContain("Opening &lt;plenary&gt; &amp; welcome")
    expect(html.match(/class="site"/g)).toHaveLength(320)
    expect(html.match(/<rect[^>]+fill="#/g)).toHaveLength(320 * 3)
    expect(html.match(/class="moment"/g)).toHaveLength(1)
    expect(html.match(/class="hist"/g)).toHaveLength(plan.hourly.length)
    // rows in follow-the-sun order
    const order = [...html.matchAll(/class="site">([^ <]+)/g)].map((m) => m[1])
    expect(order).toEqual(plan.sites.map((s) => s.id))
  })
})
