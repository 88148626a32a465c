// kit check: coverage per locale, missing, extra and mismatched keys, sites that fall back, and
// broken overrides named by file and line. The sites come from every test database.
import { join } from "node:path"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import type { InputError } from "../../src/domain/Errors.js"
import { checkKits } from "../../src/kits/KitCheck.js"
import { buildKits } from "../../src/kits/Kits.js"
import { importRegistryFile } from "../../src/registries/Registries.js"
import { planSchedule } from "../../src/schedule/Schedules.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { failWith, runWith, testDatabases, truncateAll } from "../support/databases.js"
import { kitWorkspace } from "../support/kit-workspace.js"

describe.each(testDatabases)("kit check on $name", (testDb) => {
  let shape: Awaited<ReturnType<typeof testDb.open>>
  beforeAll(async () => {
    shape = await testDb.open()
  })
  afterAll(async () => shape?.dispose())
  beforeEach(async () => truncateAll(shape))

  const setUp = async (files: Readonly<Record<string, string>> = {}): Promise<Workspace> => {
    const ws = await kitWorkspace(files)
    await runWith(shape, importRegistryFile("fellows", join(ws.dir, "fellows.csv")))
    await runWith(shape, importRegistryFile("sites", join(ws.dir, "sites.csv")))
    await runWith(shape, planSchedule(ws.dialogue))
    return ws
  }

  it("kit check: coverage per locale, missing, extra and mismatched keys, and sites that fall back", async () => {
    const ws = await setUp({
      "locales/de.yaml": 'kit:\n  title: "Dialog-Kit"\n  site_line: "{site}, {city}"\n  typo_key: "Tippfehler"\n'
    })
    const report = await runWith(shape, checkKits(ws))
    const de = report.coverage.find((c) => c.locale === "de")!
    expect(de.translated).toBe(2)
    expect(de.missing).toContain("guide.heading")
    expect(de.percent).toBeLessThan(5)
    expect(de.extra).toEqual([expect.objectContaining({ key: "kit.typo_key", line: 4 })])
    expect(de.mismatched).toEqual([expect.objectContaining({ key: "kit.site_line", line: 3 })])
    expect(de.mismatched[0]!.message).toContain("country")
    const fr = report.coverage.find((c) => c.locale === "fr")!
    expect(fr.missing).toEqual([])
    expect(fr.percent).toBe(100)
    expect(report.fallbacks).toContainEqual({ site: "sn-dakar", locale: "fr-SN", used: "fr", kind: "region" })
    expect(report.fallbacks).toContainEqual({ site: "ws-apia", locale: "sm-WS", used: "en", kind: "language" })
    expect(report.complete).toBe(false)
  })

  it("kit check names the file and line of a broken override and of an unknown partial", async () => {
    const ws = await setUp({
      "templates/kit/partials/content/background.hbs": "<section>\n{{#if topic}}\n<p>unclosed\n",
      "sites/sn-dakar/templates/kit/partials/content/local-context.hbs": "<section>\n{{> content/local-examples}}\n{{t \"booklet.no_such_key\"}}\n</section>\n",
      "sites/sn-dakar/locales/fr.yaml": "booklet:\n  local_context: \"Au {pays}\"\n"
    })
    const report = await runWith(shape, checkKits(ws))
    const lines = report.problems.map((p) => `${p.file?.split("/").slice(-3).join("/")}:${p.line}: ${p.message}`)
    expect(lines).toContainEqual(expect.stringMatching(/content\/background\.hbs:\d+: syntax error/))
    expect(lines).toContainEqual(expect.stringMatching(/content\/local-context\.hbs:2: unknown partial "content\/local-examples"/))
    expect(lines).toContainEqual(expect.stringMatching(/content\/local-context\.hbs:3: unknown message key "booklet\.no_such_key"/))
    expect(report.siteCatalogs).toEqual([
      expect.objectContaining({ site: "sn-dakar", mismatched: [expect.objectContaining({ key: "booklet.local_context", line: 2 })] })
    ])
    const error = await failWith(shape, buildKits(ws, { site: "gb-london" })) as InputError
    expect(error._tag).toBe("InputError")
    expect(error.message).toMatch(/background\.hbs:\d+/)
  })
})
