import { chromium } from "playwright-core"
import { describe, expect, it } from "vitest"
import type { AgendaBlock, DeliberationDay, SyncMoment } from "../../src/domain/Dialogue.js"
import { planDay, type SchedulePlan } from "../../src/domain/Schedule.js"
import { CHROMIUM_ARGS } from "../../src/kits/KitPdf.js"
import { scheduleHtml } from "../../src/schedule/ScheduleChart.js"
import { zoneRules } from "../../src/infra/TzData.js"
import { chromiumPath } from "../support/chromium.js"

const rules = zoneRules()

const zones = Intl.supportedValuesOf("timeZone")

// 320 sites in every time zone, three blocks each (a 7-hour day: the plan spans some 31 hours,
// wider than a 1,000 px window at 28 px an hour), two synchronized moments at the same instant
const bigPlan = (): SchedulePlan => {
  const agenda = [
    { id: "a", title: "Opening <plenary> & welcome", minutes: 60, kind: "plenary" },
    { id: "b", title: "Tables", minutes: 300, kind: "table-discussion" },
    { id: "c", title: "Vote", minutes: 60, kind: "vote" }
  ] as Array<AgendaBlock>
  const moments = [
    { id: "m", title: "Greeting", minutes: 15, at: "auto" },
    { id: "n", title: "Global <toast> & farewell", minutes: 15, at: "auto" }
  ] as Array<SyncMoment>
  const sites = zones.slice(0, 320).map((z, i) => ({ id: `site-${i}`, timezone: z }))
  return planDay({ rules, day: { date: "2027-05-15", start_local: "09:00", window: { start: "08:00", end: "21:00" } } as DeliberationDay, agenda, moments, sites })
}

describe("scheduleHtml", () => {
  it("is one self-contained page with a row per site, bars per block, moment bands and the hourly histogram, for 300+ sites", () => {
    const plan = bigPlan()
    const html = scheduleHtml(plan, "Test & dialogue")
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//)
    expect(html).not.toContain("<script")
    expect(html).toContain("Test &amp; dialogue")
    expect(html).toContain("Opening &lt;plenary&gt; &amp; welcome")
    expect(html.match(/class="site"/g)).toHaveLength(320)
    expect(html.match(/<rect[^>]+fill="#/g)).toHaveLength(320 * 3)
    expect(html.match(/class="moment"/g)).toHaveLength(plan.moments.length)
    // each band is labelled with its title and UTC start, escaped
    expect(plan.moments).toHaveLength(2)
    for (const m of plan.moments) expect(html).toContain(`class="moment-label">${m.title.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")} · ${m.start_utc.slice(11, 16)} UTC</text>`)
    // it scales to the window: a viewBox, a width of 100%, no fixed height
    expect(html).toMatch(/<svg [^>]*width="100%" viewBox="0 0 \d+(\.\d+)? \d+(\.\d+)?"/)
    expect(html).not.toMatch(/<svg [^>]*height="/)
    expect(html.match(/class="hist"/g)).toHaveLength(plan.hourly.length)
    // rows in follow-the-sun order
    const order = [...html.matchAll(/class="site">([^ <]+)/g)].map((m) => m[1])
    expect(order).toEqual(plan.sites.map((s) => s.id))
  })
})

describe.skipIf(chromiumPath === undefined)("the schedule chart in Chromium", () => {
  it("fits a 1,000 px window: every row's blocks and every moment's label within the chart, none on top of another", async () => {
    const plan = bigPlan()
    const browser = await chromium.launch({ executablePath: chromiumPath!, args: CHROMIUM_ARGS })
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 800 } })
      await page.setContent(scheduleHtml(plan, "Test & dialogue"))
      // a string, as the other browser tests do: the test project has no DOM types
      const seen = (await page.evaluate(`(() => {
        const chart = document.querySelector(".chart").getBoundingClientRect()
        const box = (e) => e.getBoundingClientRect()
        const rows = [...document.querySelectorAll("svg rect[fill]")].map(box)
        const labels = [...document.querySelectorAll(".moment-label")].map(box)
        return {
          scrollWidth: document.documentElement.scrollWidth,
          chart: { left: chart.left, right: chart.right },
          svgWidth: box(document.querySelector("svg")).width,
          rows: { count: rows.length, left: Math.min(...rows.map((r) => r.left)), right: Math.max(...rows.map((r) => r.right)) },
          labels: labels.map((l) => ({ left: l.left, right: l.right, top: l.top, bottom: l.bottom }))
        }
      })()`)) as {
        scrollWidth: number
        chart: { left: number; right: number }
        svgWidth: number
        rows: { count: number; left: number; right: number }
        labels: Array<{ left: number; right: number; top: number; bottom: number }>
      }
      // no sideways scrolling: the whole UTC span shows, up to the last (westernmost) site
      expect(seen.scrollWidth).toBeLessThanOrEqual(1000)
      expect(seen.svgWidth).toBeLessThanOrEqual(seen.chart.right - seen.chart.left)
      expect(seen.rows.count).toBe(320 * 3)
      expect(seen.rows.left).toBeGreaterThanOrEqual(seen.chart.left)
      expect(seen.rows.right).toBeLessThanOrEqual(seen.chart.right)
      // labels inside the chart and apart from each other
      expect(seen.labels).toHaveLength(2)
      for (const l of seen.labels) {
        expect(l.left).toBeGreaterThanOrEqual(seen.chart.left)
        expect(l.right).toBeLessThanOrEqual(seen.chart.right)
      }
      const [a, b] = seen.labels
      const overlap = a!.left < b!.right && b!.left < a!.right && a!.top < b!.bottom && b!.top < a!.bottom
      expect(overlap).toBe(false)
    } finally {
      await browser.close()
    }
  }, 60_000)
})
