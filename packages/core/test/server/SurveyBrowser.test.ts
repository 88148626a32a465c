// The survey form end to end in a real Chromium: an invitation caught by a test SMTP server,
// its link opened with JavaScript off, answered and submitted, the thank-you page, a second
// submission refused; the Arabic form right to left; and no axe-core WCAG 2.1 AA violation on
// the form, its error state and the thank-you page. Screenshots in out/test-screenshots/.
import * as Effect from "effect/Effect"
import { simpleParser } from "mailparser"
import { createRequire } from "node:module"
import { mkdir } from "node:fs/promises"
import { join } from "node:path"
import { type Browser, chromium, type Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Instrument } from "../../src/domain/Instrument.js"
import { CHROMIUM_ARGS } from "../../src/kits/KitPdf.js"
import { importRegistryFile } from "../../src/registries/Registries.js"
import { serveSurveys } from "../../src/server/SurveyServe.js"
import { ConveneStore } from "../../src/Store.js"
import { inviteToSurvey } from "../../src/surveys/Surveys.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { chromiumPath } from "../support/chromium.js"
import { runWith, testDatabases } from "../support/databases.js"
import { startSmtp, type TestSmtp } from "../support/smtp.js"
import { surveyWorkspace } from "../support/survey-workspace.js"

const screenshots = join(import.meta.dirname, "..", "..", "..", "..", "out", "test-screenshots")
const axeSource = createRequire(import.meta.url).resolve("axe-core/axe.min.js")

describe.skipIf(chromiumPath === undefined)("the survey form in Chromium", () => {
  let browser: Browser
  let ws: Workspace
  let instrument: Instrument
  let smtp: TestSmtp
  let shape: Awaited<ReturnType<(typeof testDatabases)[0]["open"]>>
  let stop: () => void
  let served: Promise<void>
  const links = new Map<string, string>()

  beforeAll(async () => {
    shape = await testDatabases[0]!.open()
    ;({ ws, instrument } = await surveyWorkspace())
    for (const r of ["fellows", "sites", "participants"] as const) await runWith(shape, importRegistryFile(r, join(ws.dir, `${r}.csv`)))
    smtp = await startSmtp()
    const until = new Promise<void>((resolve) => (stop = resolve))
    const port = await new Promise<number>((resolve) => {
      served = Effect.runPromise(
        serveSurveys(ws, { port: 0, now: () => new Date("2027-05-01T10:00:00Z"), until, onListening: (a) => resolve(a.port) }).pipe(Effect.provide(ConveneStore.layerFrom(shape)))
      )
    })
    await runWith(shape, inviteToSurvey(ws, { wave: "pre", baseUrl: `http://127.0.0.1:${port}`, allowLocalhost: true, transport: { smtpUrl: smtp.url } }))
    for (const raw of smtp.received) {
      const mail = await simpleParser(raw)
      links.set((mail.to as { value: Array<{ address: string }> }).value[0]!.address, /http:\/\/127\.0\.0\.1:\d+\/s\/[A-Za-z0-9_-]+/.exec(mail.text ?? "")![0])
    }
    browser = await chromium.launch({ executablePath: chromiumPath!, args: CHROMIUM_ARGS })
    await mkdir(screenshots, { recursive: true })
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    stop?.()
    await served
    await smtp?.close()
    await shape?.dispose()
  })

  /** Answers every question the way a person would: the first option, the smallest number, a sentence. */
  const answerAll = async (page: Page) => {
    for (const fieldset of await page.locator("fieldset.question").all()) {
      const choice = fieldset.locator("input[type=radio], input[type=checkbox]").first()
      if ((await choice.count()) > 0) await choice.check()
      const number = fieldset.locator("input[type=number]")
      if ((await number.count()) > 0) await number.fill(String(await number.getAttribute("min")))
      const text = fieldset.locator("textarea")
      if ((await text.count()) > 0) await text.fill("Plus de temps pour débattre.")
    }
  }

  const axe = async (url: string, before?: (page: Page) => Promise<void>) => {
    // axe runs as a script: a separate context with JavaScript and without the page's CSP
    const context = await browser.newContext({ bypassCSP: true })
    const page = await context.newPage()
    await page.goto(url)
    if (before !== undefined) await before(page)
    await page.addScriptTag({ path: axeSource })
    const result = (await page.evaluate(`axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })`)) as { violations: Array<{ id: string; help: string; nodes: Array<{ target: Array<string> }> }> }
    await context.close()
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join("; ")})`)
  }

  it("opens the invitation's link with JavaScript off, submits, thanks, and refuses a second submission", async () => {
    const link = links.get("gb1@example.org")!
    expect(link).toBeDefined()
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    await page.goto(link)
    expect(await page.locator("h1").count()).toBe(1)
    expect(await page.locator(".wave").textContent()).toBe("Before the dialogue")
    await answerAll(page)
    // a second tab with the same form, opened before the first is sent: a double submission
    const second = await context.newPage()
    await second.goto(link)
    await page.bringToFront()
    await page.screenshot({ path: join(screenshots, "survey-form.en-GB.mobile.png"), fullPage: false })
    await Promise.all([page.waitForURL(/\/done$/), page.locator("button[type=submit]").click()])
    expect(await page.locator("h1").textContent()).toBe("Thank you!")
    await second.bringToFront()
    await answerAll(second)
    await Promise.all([second.waitForLoadState(), second.locator("button[type=submit]").click()])
    await second.locator("h1", { hasText: "Already answered" }).waitFor()
    // and the link itself now says so
    await page.goto(link)
    expect(await page.locator("h1").textContent()).toBe("Already answered")
    const stored = await shape.db.selectFrom("survey_responses").selectAll().where("participant_id", "=", "p-gb-1").execute()
    expect(stored).toHaveLength(1)
    expect(Object.keys(stored[0]!.answers as object).length).toBeGreaterThan(10)
    await context.close()
  }, 60_000)

  it("lays the Arabic form out right to left", async () => {
    const page = await browser.newPage({ viewport: { width: 800, height: 1000 } })
    await page.goto(links.get("eg1@example.org")!)
    const layout = (await page.evaluate(`(() => {
      const main = document.querySelector("main").getBoundingClientRect()
      const range = document.createRange()
      range.selectNodeContents(document.querySelector("h1"))
      const text = range.getBoundingClientRect()
      return { dir: document.documentElement.dir, lang: document.documentElement.lang, direction: getComputedStyle(document.body).direction, mainRight: main.right, textRight: text.right, textLeft: text.left, mainLeft: main.left }
    })()`)) as { dir: string; lang: string; direction: string; mainRight: number; textRight: number; textLeft: number; mainLeft: number }
    await page.screenshot({ path: join(screenshots, "survey-form.ar-EG.png") })
    expect(layout).toMatchObject({ dir: "rtl", lang: "ar-EG", direction: "rtl" })
    expect(layout.mainRight - layout.textRight).toBeLessThan(40)
    expect(layout.textLeft - layout.mainLeft).toBeGreaterThan(40)
    expect(await page.locator("button[type=submit]").textContent()).toMatch(/[\u0600-\u06FF]/)
    await page.close()
  })

  it("has no axe-core WCAG 2.1 AA violations: the form (en, ar), its errors, the thank-you page", async () => {
    expect(await axe(links.get("sn1@example.org")!)).toEqual([])
    expect(await axe(links.get("eg1@example.org")!)).toEqual([])
    // the error state: submit with nothing answered, browser validation off
    expect(await axe(links.get("in1@example.org")!, async (page) => {
      await page.locator("form").evaluate((f) => f.setAttribute("novalidate", ""))
      await Promise.all([page.waitForLoadState(), page.locator("button[type=submit]").click()])
      await page.locator(".errors").waitFor()
    })).toEqual([])
    expect(await axe(`${links.get("gb1@example.org")!}/done`)).toEqual([])
    void instrument
  }, 60_000)
})
