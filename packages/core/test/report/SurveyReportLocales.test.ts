// The impact report in the reader's language: every `survey_report.*` key in the six catalogs,
// French and Arabic pages without English headings or labels (Arabic right to left), and
// --split country's files, one per country in its sites' language, with the global suppression.
import { existsSync } from "node:fs"
import { mkdtemp, readFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { IntlMessageFormat } from "intl-messageformat"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { parse } from "yaml"
import type { SurveyReport } from "../../src/domain/Report.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { importRegistryFile } from "../../src/registries/Registries.js"
import { surveyReport, surveyReportsByCountry } from "../../src/report/SurveyReport.js"
import { reportHtml, writeReport } from "../../src/report/SurveyReportOutput.js"
import { surveyReportText } from "../../src/report/SurveyReportText.js"
import { simulateSurvey } from "../../src/simulation/Simulate.js"
import { runWith, testDatabases, truncateAll } from "../support/databases.js"
import { exampleDir, kitWorkspace } from "../support/kit-workspace.js"

const LANGUAGES = ["en", "fr", "es", "ar", "hi", "bn"] as const
const catalogDir = join(import.meta.dirname, "..", "..", "..", "..", "templates", "locales")
// the message's arguments, from its parsed form (a select's branch text is not an argument)
type Element = { readonly type: number; readonly value?: unknown; readonly options?: Record<string, { readonly value: ReadonlyArray<Element> }> }
const argumentsOf = (elements: ReadonlyArray<Element>): Array<string> =>
  elements.flatMap((e) => [...(e.type === 0 || e.type === 7 ? [] : [String(e.value)]), ...Object.values(e.options ?? {}).flatMap((o) => argumentsOf(o.value))])
const placeholders = (text: string): string => [...new Set(argumentsOf(new IntlMessageFormat(text, "en").getAst() as ReadonlyArray<Element>))].sort().join(",")

describe("the survey_report catalog", () => {
  it("has every key in all six catalogs, each a valid ICU message with the English placeholders", async () => {
    const catalogs = Object.fromEntries(await Promise.all(LANGUAGES.map(async (l) => [l, (parse(await readFile(join(catalogDir, `${l}.yaml`), "utf8")) as { survey_report?: Record<string, string> }).survey_report ?? {}] as const)))
    const keys = Object.keys(catalogs["en"]!)
    expect(keys.length).toBeGreaterThan(80)
    for (const l of LANGUAGES) {
      const catalog = catalogs[l]!
      expect(keys.filter((k) => !(k in catalog)), `${l}: missing keys`).toEqual([])
      expect(Object.keys(catalog).filter((k) => !keys.includes(k)), `${l}: keys English lacks`).toEqual([])
      for (const k of keys) {
        expect(() => new IntlMessageFormat(catalog[k]!, l), `${l}: survey_report.${k}`).not.toThrow()
        expect(placeholders(catalog[k]!), `${l}: survey_report.${k}`).toBe(placeholders(catalogs["en"]![k]!))
      }
      // a translation, not a copy: the long paragraphs differ from the English
      if (l !== "en") for (const k of ["methods_numeric", "methods_complementary", "design_control", "suppressed", "all_participants"]) expect(catalog[k], `${l}: ${k}`).not.toBe(catalogs["en"]![k])
    }
  })
})

// words the English page writes, which a French or Arabic page must not
const ENGLISH = [
  "impact report", ">Response<", ">Group<", "All participants", "Knowledge index", ">Methods<", "Panel sites",
  "suppressed (fewer than", "answered / registered", "e-mail invitations", "mean change", "Paired comparisons use", "Complementary suppression",
  "% of registered participants who answered", "disagree ← → agree", "change in knowledge index", "Mirror dialogues", "not asked in both waves"
]

describe.each(testDatabases)("the survey report in other languages on $name", (testDb) => {
  let shape: Awaited<ReturnType<typeof testDb.open>>
  let ws: Workspace
  beforeAll(async () => {
    shape = await testDb.open()
    await truncateAll(shape)
    ws = await kitWorkspace({ "surveys/evaluation.yaml": await readFile(join(exampleDir, "surveys", "evaluation.yaml"), "utf8"), "participants.csv": "id,site_id,code,locale,email,gender,age_band,education,residence\n" })
    for (const r of ["fellows", "sites"] as const) await runWith(shape, importRegistryFile(r, join(ws.dir, `${r}.csv`)))
    await runWith(shape, simulateSurvey(ws, { seed: 7, participants: 600 }))
  }, 120_000)
  afterAll(async () => shape?.dispose())

  const page = async (locale: string, by: "all" | "country" = "country") => {
    const report = await runWith(shape, surveyReport(ws, { locale, by }))
    return { report, html: await reportHtml(report, await runWith(shape, surveyReportText(ws, locale))) }
  }

  it("writes the English page in English, so the words checked below are really there", async () => {
    const { html } = await page("en")
    for (const words of ENGLISH.filter((w) => w !== "Mirror dialogues" && w !== "not asked in both waves")) expect(html, words).toContain(words)
  }, 60_000)

  it("writes the French page without English headings or labels, its numbers the French way", async () => {
    const { report, html } = await page("fr")
    expect(html).toContain('<html lang="fr" dir="ltr">')
    for (const words of ENGLISH) expect(html, words).not.toContain(words)
    for (const words of ["Tous les participants", "Indice de connaissances", "Méthodes", "répondants / inscrits", "double différence", "test des rangs signés de Wilcoxon"]) expect(html, words).toContain(words)
    expect(report.methods).toContain("Masquage complémentaire")
    // a decimal comma and a narrow space before the percent sign
    expect(html).toMatch(/\d+,\d\s?%/)
  }, 60_000)

  it("writes the Arabic page right to left, without English headings or labels", async () => {
    const { report, html } = await page("ar")
    expect(html).toContain('<html lang="ar" dir="rtl">')
    expect(report.dir).toBe("rtl")
    for (const words of ENGLISH) expect(html, words).not.toContain(words)
    for (const words of ["جميع المشاركين", "مؤشر المعرفة", "المنهجية", "الحجب التكميلي"]) expect(html, words).toContain(words)
  }, 60_000)

  it("--split country: one report per country in its sites' language, Senegal in French and Egypt in Arabic, with the global suppression", async () => {
    const countries = await runWith(shape, surveyReportsByCountry(ws, {}))
    expect(countries.map((c) => c.country)).toEqual(["EG", "GB", "IN", "SN", "WS"])
    const languageOf = Object.fromEntries(countries.map((c) => [c.country, c.text.language]))
    // fr-SN → fr, ar-EG → ar, hi-IN → hi; Samoan has no catalog: the dialogue's source locale
    expect(languageOf).toEqual({ EG: "ar", GB: "en", IN: "hi", SN: "fr", WS: "en" })
    const dir = await mkdtemp(join(tmpdir(), "convene-split-"))
    const files: Array<string> = []
    for (const c of countries) files.push(...await writeReport(c.report, dir, ["html", "json"], c.text))
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(countries.flatMap((c) => [`report-evaluation-${c.country}.html`, `report-evaluation-${c.country}.json`]))
    const senegal = await readFile(join(dir, "report-evaluation-SN.html"), "utf8")
    expect(senegal).toMatch(/<html lang="fr(-SN)?" dir="ltr">/)
    expect(senegal).toContain("Sénégal")
    expect(senegal).toContain("Dakar assembly")
    expect(senegal).not.toContain("London assembly")
    for (const words of ENGLISH) expect(senegal, words).not.toContain(words)
    const egypt = await readFile(join(dir, "report-evaluation-EG.html"), "utf8")
    expect(egypt).toMatch(/<html lang="ar(-EG)?" dir="rtl">/)
    expect(egypt).toContain("مصر")
    for (const words of ENGLISH) expect(egypt, words).not.toContain(words)
    expect(existsSync(join(dir, "report-evaluation-FR.html"))).toBe(false)

    // each country's groups: the country first, then its own sites, each with the status the global reports give it
    const statuses = (r: SurveyReport) => new Map(r.pools.flatMap((p) => p.groups.map((g) => [`${p.pool}/${g.key}`, g.suppressed] as const)))
    const global = new Map([...statuses(await runWith(shape, surveyReport(ws, { by: "site" }))), ...statuses(await runWith(shape, surveyReport(ws, { by: "country" })))])
    const sn = countries.find((c) => c.country === "SN")!.report
    expect(sn.country).toBe("SN")
    expect(sn.pools[0]!.groups.map((g) => g.key)).toEqual(["country:SN", "site:sn-dakar"])
    // the figures are computed once and relabelled per language: Senegal's groups are those of the French reports by site and by country
    const frBySite = await runWith(shape, surveyReport(ws, { by: "site", locale: "fr" }))
    const frByCountry = await runWith(shape, surveyReport(ws, { by: "country", locale: "fr" }))
    expect(sn.pools[0]!.groups[1]).toEqual(frBySite.pools[0]!.groups.find((g) => g.key === "site:sn-dakar"))
    expect(sn.pools[0]!.groups[0]).toEqual(frByCountry.pools[0]!.groups.find((g) => g.key === "country:SN"))
    expect(sn.otherPairs![0]!.pools[0]!.groups).toEqual([frByCountry.otherPairs![0]!.pools[0]!.groups.find((g) => g.key === "country:SN"), frBySite.otherPairs![0]!.pools[0]!.groups.find((g) => g.key === "site:sn-dakar")])
    expect(sn.methods).toBe(frBySite.methods)
    for (const c of countries) {
      for (const [key, suppressed] of statuses(c.report)) {
        expect(global.has(key), key).toBe(true)
        expect(suppressed, key).toBe(global.get(key))
      }
    }
  }, 120_000)
})
