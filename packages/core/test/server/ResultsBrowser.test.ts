// The results form in a real Chromium with JavaScript off, on a phone's viewport: a fellow's
// link from `results invite`, a draft saved, more ballot cards added, a bad count shown next to
// its field, then submitted; the Arabic page right to left; no axe-core WCAG 2.1 AA violation.
// Screenshots in out/test-screenshots/.
import * as Effect from "effect/Effect"
import { createRequire } from "node:module"
import { mkdir, readFile } from "node:fs/promises"
import { join } from "node:path"
import { type Browser, chromium, type Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Workspace } from "../../src/infra/Workspace.js"
import { CHROMIUM_ARGS } from "../../src/kits/KitPdf.js"
import { importRegistryFile } from "../../src/registries/Registries.js"
import { inviteToResults } from "../../src/results/ResultsInvite.js"
import { resultsLinkKey, resultsToken } from "../../src/results/ResultsLinks.js"
import { ResultsRepo } from "../../src/results/ResultsRepo.js"
import { serveSurveys } from "../../src/server/SurveyServe.js"
import { ConveneStore } from "../../src/Store.js"
import { chromiumPath } from "../support/chromium.js"
import { runWith, testDatabases } from "../support/databases.js"
import { exampleDir, kitWorkspace } from "../support/kit-workspace.js"

const screenshots = join(import.meta.dirname, "..", "..", "..", "..", "out", "test-screenshots")
const axeSource = createRequire(import.meta.url).resolve("axe-core/axe.min.js")

describe.skipIf(chromiumPath === undefined)("the results form in Chromium", () => {
  let browser: Browser
  let ws: Workspace
  let shape: Awaited<ReturnType<(typeof testDatabases)[0]["open"]>>
  let stop: () => void
  let served: Promise<void>
  let origin = ""
  // a site's stored parts, as the results repository reads them
  const storedParts = async (site: string) => (await runWith(shape, ResultsRepo.use((repo) => repo.readSites([site])))).get(site)!
  const link = async (site: string) => `${origin}/results/${resultsToken(await runWith(shape, resultsLinkKey()), site)}`

  beforeAll(async () => {
    shape = await testDatabases[0]!.open()
    ws = await kitWorkspace({ "ballots/votes.yaml": await readFile(join(exampleDir, "ballots", "votes.yaml"), "utf8") })
    for (const r of ["fellows", "sites"] as const) await runWith(shape, importRegistryFile(r, join(ws.dir, `${r}.csv`)))
    const until = new Promise<void>((resolve) => (stop = resolve))
    const port = await new Promise<number>((resolve) => {
      served = Effect.runPromise(serveSurveys(ws, { port: 0, until, onListening: (a) => resolve(a.port) }).pipe(Effect.provide(ConveneStore.layerFrom(shape))))
    })
    origin = `http://127.0.0.1:${port}`
    await runWith(shape, inviteToResults(ws, { baseUrl: origin, allowLocalhost: true, transport: { outboxDir: join(ws.dir, "out", "outbox") } }))
    browser = await chromium.launch({ executablePath: chromiumPath!, args: CHROMIUM_ARGS })
    await mkdir(screenshots, { recursive: true })
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    stop?.()
    await served
    await shape?.dispose()
  })

  const axe = async (url: string) => {
    // axe runs as a script: a separate context with JavaScript and without the page's CSP
    const context = await browser.newContext({ bypassCSP: true })
    const page = await context.newPage()
    await page.goto(url)
    await page.addScriptTag({ path: axeSource })
    const result = (await page.evaluate(`axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })`)) as { violations: Array<{ id: string; help: string; nodes: Array<{ target: Array<string> }> }> }
    await context.close()
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join("; ")})`)
  }

  const click = async (page: Page, name: string) => Promise.all([page.waitForLoadState("load"), page.getByRole("button", { name, exact: true }).click()])

  it("saves a draft, adds ballot cards, shows a bad count next to its field, and submits, with JavaScript off on a phone", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    await page.goto(await link("gb-london"))
    expect(await page.locator("h1").textContent()).toBe("Results of London assembly")
    await page.locator('[name="t0.present"]').fill("8")
    await page.locator('[name="t0.access-right.yes"]').fill("5")
    await page.locator('[name="t0.access-right.no"]').fill("2")
    await page.locator('[name="b0.platform-responsibility"]').selectOption("7")
    await page.locator('[name="b0.data-protections"][value="consent"]').check()
    await page.locator('[name="b0.governance-rank.1"]').selectOption("citizens")
    await page.screenshot({ path: join(screenshots, "results-form.en-GB.mobile.png") })
    await click(page, "Save draft")
    await page.locator(".notice", { hasText: "Your draft is saved." }).waitFor()
    expect(await page.locator('[name="t0.present"]').inputValue()).toBe("8")
    expect(await shape.db.selectFrom("result_sites").select(["status", "updated_by"]).where("site_id", "=", "gb-london").executeTakeFirst()).toEqual({ status: "draft", updated_by: "link:gb-london" })
    // more ballot cards, what was typed kept
    await page.locator('[name="b1.platform-responsibility"]').selectOption("3")
    await click(page, "Add more ballots")
    expect(await page.locator("fieldset.ballot").count()).toBeGreaterThan(10)
    expect(await page.locator('[name="b1.platform-responsibility"]').inputValue()).toBe("3")
    // a bad count: the message next to the field, nothing stored
    await page.locator('[name="t0.present"]').fill("eight")
    await click(page, "Submit the results")
    await page.locator("#f-t0\\.present-e", { hasText: "Please write a whole number" }).waitFor()
    expect(await page.locator('[name="t0.present"]').getAttribute("aria-invalid")).toBe("true")
    await page.screenshot({ path: join(screenshots, "results-form.errors.en-GB.mobile.png") })
    expect((await storedParts("gb-london")).tallies[0]?.present).toBe(8)
    await page.locator('[name="t0.present"]').fill("9")
    await click(page, "Submit the results")
    await page.locator(".notice", { hasText: "your results are submitted" }).waitFor()
    expect((await shape.db.selectFrom("result_sites").select("status").where("site_id", "=", "gb-london").executeTakeFirstOrThrow()).status).toBe("submitted")
    expect((await storedParts("gb-london")).ballots.map((b) => b.ballot)).toEqual(["1", "2"])
    await context.close()
  }, 60_000)

  it("lays the Arabic page out right to left, and has no axe-core WCAG 2.1 AA violations (en, ar)", async () => {
    const page = await browser.newPage({ viewport: { width: 800, height: 1000 } })
    await page.goto(await link("eg-cairo"))
    expect(await page.evaluate(`getComputedStyle(document.body).direction`)).toBe("rtl")
    await page.screenshot({ path: join(screenshots, "results-form.ar-EG.png") })
    await page.close()
    expect(await axe(await link("sn-dakar"))).toEqual([])
    expect(await axe(await link("eg-cairo"))).toEqual([])
  }, 60_000)
})
