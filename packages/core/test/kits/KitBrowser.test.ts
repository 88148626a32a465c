// The Arabic facilitator guide in a real Chromium: laid out right to left, with the bundled
// Arabic font, nothing fetched from the network; and a PDF printed from it. Screenshots land
// in out/test-screenshots/ at the repository's root.
import { mkdir, readFile } from "node:fs/promises"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { chromium, type Browser } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { CHROMIUM_ARGS } from "../../src/kits/KitPdf.js"
import { buildKits } from "../../src/kits/Kits.js"
import { importRegistryFile } from "../../src/registries/Registries.js"
import { planSchedule } from "../../src/schedule/Schedules.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { chromiumPath } from "../support/chromium.js"
import { runWith, testDatabases } from "../support/databases.js"
import { exampleDir, kitWorkspace } from "../support/kit-workspace.js"

const screenshots = join(import.meta.dirname, "..", "..", "..", "..", "out", "test-screenshots")

describe.skipIf(chromiumPath === undefined)("kits in Chromium", () => {
  let browser: Browser
  let ws: Workspace
  let shape: Awaited<ReturnType<(typeof testDatabases)[0]["open"]>>
  beforeAll(async () => {
    shape = await testDatabases[0]!.open()
    ws = await kitWorkspace({ "ballots/votes.yaml": await readFile(join(exampleDir, "ballots", "votes.yaml"), "utf8") })
    await runWith(shape, importRegistryFile("fellows", join(ws.dir, "fellows.csv")))
    await runWith(shape, importRegistryFile("sites", join(ws.dir, "sites.csv")))
    await runWith(shape, planSchedule(ws.dialogue))
    browser = await chromium.launch({ executablePath: chromiumPath!, args: CHROMIUM_ARGS })
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await shape?.dispose()
  })

  it("lays the Arabic facilitator guide out right to left, with the bundled font and no network", async () => {
    await runWith(shape, buildKits(ws, { site: "eg-cairo" }))
    const page = await browser.newPage({ viewport: { width: 900, height: 1200 } })
    const external: Array<string> = []
    page.on("request", (r) => {
      if (!r.url().startsWith("file://")) external.push(r.url())
    })
    await page.goto(pathToFileURL(join(ws.dir, "out", "kits", "eg-cairo", "facilitator-guide.html")).href)
    await page.evaluate("document.fonts.ready")
    const layout = await page.evaluate(`(() => {
      const main = document.querySelector("main").getBoundingClientRect()
      const h1 = document.querySelector("h1")
      const range = document.createRange()
      range.selectNodeContents(h1)
      const text = range.getBoundingClientRect()
      const heads = [...document.querySelectorAll("table.agenda thead th")].map((th) => th.getBoundingClientRect().left)
      return {
        dir: document.documentElement.dir,
        direction: getComputedStyle(document.body).direction,
        mainLeft: main.left, mainRight: main.right, textLeft: text.left, textRight: text.right,
        heads,
        arabicFont: document.fonts.check('16px "Noto Sans Arabic"', "مرحبا"),
        loaded: [...document.fonts].filter((f) => f.status === "loaded").map((f) => f.family)
      }
    })()`) as { dir: string; direction: string; mainLeft: number; mainRight: number; textLeft: number; textRight: number; heads: Array<number>; arabicFont: boolean; loaded: Array<string> }
    await mkdir(screenshots, { recursive: true })
    await page.screenshot({ path: join(screenshots, "facilitator-guide.ar-EG.png"), fullPage: false })
    expect(layout.dir).toBe("rtl")
    expect(layout.direction).toBe("rtl")
    // the heading hugs the right edge of the page, not the left
    expect(Math.abs(layout.mainRight - layout.textRight)).toBeLessThan(2)
    expect(layout.textLeft - layout.mainLeft).toBeGreaterThan(50)
    // the agenda's first column (start time) is the rightmost one
    expect(layout.heads.length).toBeGreaterThanOrEqual(4)
    for (let i = 1; i < layout.heads.length; i++) expect(layout.heads[i]!).toBeLessThan(layout.heads[i - 1]!)
    expect(layout.loaded).toContain("Noto Sans Arabic")
    expect(external).toEqual([])
    await page.close()
  })

  it("prints the kit to PDF, byte-identical from one run to the next", async () => {
    const a = await runWith(shape, buildKits(ws, { site: "in-delhi", pdf: true, outDir: join(ws.dir, "pdf-a") }))
    const b = await runWith(shape, buildKits(ws, { site: "in-delhi", pdf: true, outDir: join(ws.dir, "pdf-b") }))
    expect(a.built + b.built).toBe(2)
    const first = await readFile(join(ws.dir, "pdf-a", "in-delhi", "pdf", "facilitator-guide.pdf"))
    const second = await readFile(join(ws.dir, "pdf-b", "in-delhi", "pdf", "facilitator-guide.pdf"))
    expect(first.subarray(0, 5).toString()).toBe("%PDF-")
    expect(first.length).toBeGreaterThan(10_000)
    expect(first.equals(second)).toBe(true)
  }, 60_000)

  it("lays the Arabic ballots and sheets out right to left, each on A4 pages, and prints them byte-identical", async () => {
    await runWith(shape, buildKits(ws, { site: "eg-cairo" }))
    const page = await browser.newPage({ viewport: { width: 900, height: 1200 } })
    await mkdir(screenshots, { recursive: true })
    for (const doc of ["ballot-vote-2", "ballot-vote-3", "ballot-vote-4", "tally-sheet-vote-1", "recommendations-vote-4"]) {
      await page.goto(pathToFileURL(join(ws.dir, "out", "kits", "eg-cairo", `${doc}.html`)).href)
      await page.evaluate("document.fonts.ready")
      const layout = await page.evaluate(`(() => {
        const main = document.querySelector("main").getBoundingClientRect()
        const h1 = document.querySelector("h1")
        const range = document.createRange()
        range.selectNodeContents(h1)
        const text = range.getBoundingClientRect()
        const first = document.querySelector(".sheet-ids div").getBoundingClientRect()
        return { direction: getComputedStyle(document.body).direction, mainRight: main.right, textRight: text.right, firstRight: first.right, mainLeft: main.left }
      })()`) as { direction: string; mainRight: number; textRight: number; firstRight: number; mainLeft: number }
      await page.screenshot({ path: join(screenshots, `${doc}.ar-EG.png`), fullPage: true })
      expect(layout.direction, doc).toBe("rtl")
      // the heading and the first code box (the site) start at the right edge
      expect(Math.abs(layout.mainRight - layout.textRight), doc).toBeLessThan(2)
      expect(layout.mainRight - layout.firstRight, doc).toBeLessThan(12)
      // printed on A4: a ballot fits on one page
      const pdf = await page.pdf({ format: "A4", printBackground: true, preferCSSPageSize: true })
      const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length
      if (doc.startsWith("ballot-")) expect(pages, doc).toBe(1)
      else expect(pages, doc).toBeGreaterThanOrEqual(1)
    }
    await page.close()
    const a = await runWith(shape, buildKits(ws, { site: "eg-cairo", pdf: true, outDir: join(ws.dir, "pdf-c") }))
    const b = await runWith(shape, buildKits(ws, { site: "eg-cairo", pdf: true, outDir: join(ws.dir, "pdf-d") }))
    expect(a.built + b.built).toBe(2)
    for (const doc of ["ballot-vote-3", "tally-sheet-vote-1", "recommendations-vote-4", "facilitator-guide"]) {
      const first = await readFile(join(ws.dir, "pdf-c", "eg-cairo", "pdf", `${doc}.pdf`))
      expect(first.equals(await readFile(join(ws.dir, "pdf-d", "eg-cairo", "pdf", `${doc}.pdf`))), doc).toBe(true)
    }
  }, 120_000)
})
