// Kits: rendering in en, fr and ar, locale fallback, overrides, byte-identical and incremental
// builds. The builds read their sites from every test database.
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import type { InputError } from "../../src/domain/Errors.js"
import { buildKits, type KitManifest } from "../../src/kits/Kits.js"
import { importRegistryFile } from "../../src/registries/Registries.js"
import { latestPlan, planSchedule } from "../../src/schedule/Schedules.js"
import { PlanRepo } from "../../src/schedule/PlanRepo.js"
import { tzInUse } from "../../src/infra/TzData.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { failWith, runWith, testDatabases, truncateAll } from "../support/databases.js"
import { kitWorkspace, writeTree } from "../support/kit-workspace.js"
import { thCount, thWithoutScope } from "../support/html.js"

const snapshots = join(import.meta.dirname, "__snapshots__", "kit")

const filesOf = async (dir: string, base = dir): Promise<Map<string, Buffer>> => {
  const out = new Map<string, Buffer>()
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) for (const [k, v] of await filesOf(path, base)) out.set(k, v)
    else out.set(path.slice(base.length + 1), await readFile(path))
  }
  return out
}

describe.each(testDatabases)("kits on $name", (testDb) => {
  let shape: Awaited<ReturnType<typeof testDb.open>>
  beforeAll(async () => {
    shape = await testDb.open()
  })
  afterAll(async () => shape?.dispose())
  beforeEach(async () => truncateAll(shape))

  const setUp = async (files: Readonly<Record<string, string>> = {}, plan = true): Promise<Workspace> => {
    const ws = await kitWorkspace(files)
    await runWith(shape, importRegistryFile("fellows", join(ws.dir, "fellows.csv")))
    await runWith(shape, importRegistryFile("sites", join(ws.dir, "sites.csv")))
    if (plan) await runWith(shape, planSchedule(ws.dialogue))
    return ws
  }
  const html = async (ws: Workspace, site: string, doc: string): Promise<string> => readFile(join(ws.dir, "out", "kits", site, `${doc}.html`), "utf8")

  it("renders the facilitator guide in en, fr and ar, in each site's locale and zone", async () => {
    const ws = await setUp()
    const result = await runWith(shape, buildKits(ws))
    expect(result.built).toBe(5)
    const en = await html(ws, "gb-london", "facilitator-guide")
    const fr = await html(ws, "sn-dakar", "facilitator-guide")
    const ar = await html(ws, "eg-cairo", "facilitator-guide")
    expect(en).toContain('<html lang="en-GB" dir="ltr">')
    expect(fr).toContain('<html lang="fr-SN" dir="ltr">')
    expect(ar).toContain('<html lang="ar-EG" dir="rtl">')
    // local times through Intl: London is on BST (UTC+1) in May, Dakar starts at 10:00, Cairo on EEST
    expect(en).toContain(">9:00<")
    expect(fr).toContain(">10:00<")
    expect(en).toContain("Europe/London (UTC+01:00)")
    expect(ar).toMatch(/[\u0660-\u0669]/) // ar-EG writes Arabic-Indic digits
    for (const page of [en, fr, ar]) expect(page).not.toContain("⟦")
    // every header cell of every document of a kit says what it heads
    const documents = (await readdir(join(ws.dir, "out", "kits", "eg-cairo"))).filter((f) => f.endsWith(".html"))
    let headers = 0
    for (const f of documents) {
      const page = await readFile(join(ws.dir, "out", "kits", "eg-cairo", f), "utf8")
      expect(thWithoutScope(page), f).toEqual([])
      headers += thCount(page)
    }
    expect(headers).toBeGreaterThan(0)
    await expect(en).toMatchFileSnapshot(join(snapshots, "facilitator-guide.en-GB.html"))
    await expect(fr).toMatchFileSnapshot(join(snapshots, "facilitator-guide.fr-SN.html"))
    await expect(ar).toMatchFileSnapshot(join(snapshots, "facilitator-guide.ar-EG.html"))
    await expect(await html(ws, "eg-cairo", "consent-form")).toMatchFileSnapshot(join(snapshots, "consent-form.ar-EG.html"))
  })

  it("falls back from fr-SN to fr and from sm-WS to the source locale, and says so in the manifest", async () => {
    const ws = await setUp()
    await runWith(shape, buildKits(ws))
    const dakar = JSON.parse(await readFile(join(ws.dir, "out", "kits", "sn-dakar", "manifest.json"), "utf8")) as KitManifest
    expect(dakar.locale).toMatchObject({ requested: "fr-SN", used: "fr", intl: "fr-SN", dir: "ltr" })
    expect(dakar.locale.fallbacks.map((f) => f.locale)).toEqual(["fr"])
    expect(dakar.inputs).toHaveProperty("templates")
    expect(Object.keys(dakar.inputs.catalogs as object).some((f) => f.endsWith("fr.yaml"))).toBe(true)
    const apia = JSON.parse(await readFile(join(ws.dir, "out", "kits", "ws-apia", "manifest.json"), "utf8")) as KitManifest
    expect(apia.locale).toMatchObject({ requested: "sm-WS", used: "en" })
    const page = await html(ws, "ws-apia", "index")
    expect(page).toContain("fallback-note")
    // a mirror site is not in the stored plan, but still gets its local agenda and a calendar
    expect(page).toContain('href="calendar.ics"')
    // the kit's calendar says what the kit says: LOCATION, titles and descriptions in the kit's language
    const ics = await readFile(join(ws.dir, "out", "kits", "sn-dakar", "calendar.ics"), "utf8")
    expect(ics).toContain("SUMMARY:Accueil\\, consentement et introduction\r\n")
    expect(ics).toContain("LOCATION:Dakar assembly\\, Dakar\\, Sénégal\r\n")
    expect(ics.replace(/\r\n /g, "")).toContain("DESCRIPTION:Tout le monde ensemble.")
  })

  it("writes no calendar when no schedule is planned, and says why", async () => {
    const ws = await setUp({}, false)
    const result = await runWith(shape, buildKits(ws, { site: "gb-london" }))
    expect(result.schedule).toBe("computed")
    expect(result.warnings[0]).toContain("convene schedule plan")
    const files = await filesOf(join(ws.dir, "out", "kits", "gb-london"))
    expect(files.has("calendar.ics")).toBe(false)
    expect(await html(ws, "gb-london", "index")).toContain("No calendar yet")
  })

  it("overrides: a site's folder beats the workspace, which beats the built-ins", async () => {
    const ws = await setUp({
      "templates/kit/partials/content/local-context.hbs": "<section id=\"local-context\"><p>WORKSPACE CONTEXT for {{site.city}}</p></section>\n",
      "sites/sn-dakar/templates/kit/partials/content/local-context.hbs": "<section id=\"local-context\"><p>DAKAR EXAMPLES: {{t \"booklet.local_context\" country=site.country_name}}</p></section>\n",
      "sites/sn-dakar/locales/fr.yaml": "booklet:\n  local_context: \"Chez nous, au {country}\"\n"
    })
    await runWith(shape, buildKits(ws))
    const dakar = await html(ws, "sn-dakar", "participant-booklet")
    const london = await html(ws, "gb-london", "participant-booklet")
    const builtIn = await kitWorkspace()
    expect(dakar).toContain("DAKAR EXAMPLES: Chez nous, au Sénégal")
    expect(dakar).not.toContain("WORKSPACE CONTEXT")
    expect(london).toContain("WORKSPACE CONTEXT for London")
    // the site's catalog changes only that site: Cairo keeps the built-in Arabic message
    expect(await html(ws, "eg-cairo", "participant-booklet")).not.toContain("Chez nous")
    await rm(builtIn.dir, { recursive: true })
  })

  it("builds byte-identical kits from the same inputs, zips included", async () => {
    const ws = await setUp()
    await runWith(shape, buildKits(ws, { outDir: join(ws.dir, "a") }))
    await runWith(shape, buildKits(ws, { outDir: join(ws.dir, "b") }))
    const a = await filesOf(join(ws.dir, "a"))
    const b = await filesOf(join(ws.dir, "b"))
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort())
    expect(a.size).toBeGreaterThan(5 * 15)
    for (const [path, bytes] of a) expect(bytes.equals(b.get(path)!), path).toBe(true)
    expect(a.has("eg-cairo.zip")).toBe(true)
  })

  it("rebuilds only the sites whose inputs changed", async () => {
    const ws = await setUp()
    const first = await runWith(shape, buildKits(ws))
    expect([first.built, first.skipped]).toEqual([5, 0])
    const again = await runWith(shape, buildKits(ws))
    expect([again.built, again.skipped]).toEqual([0, 5])
    // the manifest names the tz release the times were planned with; a plan made again with
    // another release that moves no time rebuilds (and so re-mails) nothing
    const manifest = JSON.parse(await readFile(join(ws.dir, "out", "kits", "gb-london", "manifest.json"), "utf8")) as KitManifest
    expect(manifest.tz).toEqual(tzInUse())
    const { plan } = await runWith(shape, latestPlan(ws.dialogue))
    await runWith(shape, PlanRepo.use((repo) => repo.store({ plan, inputsHash: "same-times", includeMirror: false, tz: { version: "2099a", source: "test" } })))
    const upgraded = await runWith(shape, buildKits(ws))
    expect([upgraded.built, upgraded.skipped]).toEqual([0, 5])
    // a plan older than the tz data in use is built from as it is, with a warning
    await runWith(shape, PlanRepo.use((repo) => repo.store({ plan, inputsHash: "same-times", includeMirror: false, tz: { version: "2020a", source: "test" } })))
    const older = await runWith(shape, buildKits(ws))
    expect([older.built, older.skipped]).toEqual([0, 5])
    expect(older.warnings).toContainEqual(expect.stringContaining("The plan was made with tz 2020a (test)"))
    await writeTree(ws.dir, { "sites/in-delhi/locales/hi.yaml": 'booklet:\n  welcome: "स्वागत है!"\n' })
    const third = await runWith(shape, buildKits(ws))
    expect(third.kits.filter((k) => !k.skipped).map((k) => k.site)).toEqual(["in-delhi"])
    expect(await html(ws, "in-delhi", "participant-booklet")).toContain("स्वागत है!")
    // a shared catalog changes every kit that reads it
    const en = join(ws.dir, "locales", "en.yaml")
    await writeFile(en, (await readFile(en, "utf8")).replace("the future of the Internet", "the future of the Web"))
    const fourth = await runWith(shape, buildKits(ws))
    expect(fourth.built).toBeGreaterThanOrEqual(2)
    expect(fourth.kits.find((k) => k.site === "gb-london")!.skipped).toBe(false)
    // a deleted file is noticed
    await rm(join(ws.dir, "out", "kits", "gb-london", "agenda.html"))
    const fifth = await runWith(shape, buildKits(ws))
    expect(fifth.kits.filter((k) => !k.skipped).map((k) => k.site)).toEqual(["gb-london"])
  })

  it("rebuilds a kit whose build was interrupted, even after its inputs were reverted (issue 13)", async () => {
    const ws = await setUp()
    await runWith(shape, buildKits(ws, { site: "in-delhi" }))
    const kit = join(ws.dir, "out", "kits", "in-delhi")
    const before = await html(ws, "in-delhi", "participant-booklet")
    // a change, then a build that fails after writing the documents: its zip cannot be written
    await writeTree(ws.dir, { "sites/in-delhi/locales/hi.yaml": 'booklet:\n  welcome: "स्वागत है!"\n' })
    await mkdir(`${kit}.zip.tmp`)
    expect((await failWith(shape, buildKits(ws, { site: "in-delhi" })))._tag).toBe("FileError")
    expect(await html(ws, "in-delhi", "participant-booklet")).toContain("स्वागत है!")
    // the change is reverted and the obstacle removed: every file is there, yet the kit is built
    // again rather than taken as unchanged, since its files are the interrupted build's
    await rm(join(ws.dir, "sites", "in-delhi"), { recursive: true })
    await rm(`${kit}.zip.tmp`, { recursive: true })
    const again = await runWith(shape, buildKits(ws, { site: "in-delhi" }))
    expect(again.built).toBe(1)
    expect(await html(ws, "in-delhi", "participant-booklet")).toBe(before)
  })

  it("prints the questionnaires from the survey instrument, per wave and in the site's language; a note without one", async () => {
    const { exampleDir } = await import("../support/kit-workspace.js")
    const instrument = await readFile(join(exampleDir, "surveys", "evaluation.yaml"), "utf8")
    const bare = await setUp()
    await runWith(shape, buildKits(bare, { site: "sn-dakar" }))
    expect(await html(bare, "sn-dakar", "questionnaire-pre")).toContain('class="placeholder"')
    const ws = await setUp({ "surveys/evaluation.yaml": instrument })
    await runWith(shape, buildKits(ws))
    const pre = await html(ws, "sn-dakar", "questionnaire-pre")
    const post = await html(ws, "sn-dakar", "questionnaire-post")
    const { decodeInstrumentYaml, questionsFor } = await import("../../src/domain/Instrument.js")
    const decoded = decodeInstrumentYaml(instrument, "evaluation.yaml")
    const count = (page: string): number => page.split("<fieldset").length - 1
    expect(count(pre)).toBe(questionsFor(decoded, "pre").length)
    expect(count(post)).toBe(questionsFor(decoded, "post").length)
    const { default: Handlebars } = await import("handlebars")
    expect(pre).toContain(Handlebars.escapeExpression(decoded.questions[0]!.label["fr"]!))
    expect(await html(ws, "eg-cairo", "questionnaire-post")).toContain(Handlebars.escapeExpression(decoded.questions.find((q) => q.waves.includes("post"))!.label["ar"]!))
    // an edited instrument rebuilds every kit
    await writeFile(join(ws.dir, "surveys", "evaluation.yaml"), instrument.replace("version: 1", "version: 2"))
    expect((await runWith(shape, buildKits(ws))).built).toBe(5)
    // a broken one is named with its line
    await writeFile(join(ws.dir, "surveys", "evaluation.yaml"), instrument.replace("version: 1", "version: zero"))
    const error = await failWith(shape, buildKits(ws)) as InputError
    expect(error.message).toMatch(/evaluation\.yaml:\d+: version: expected/)
  })

  it("prints the organisers' questionnaire apart, with the site's organisers and their codes, never in the participants' (issue 18)", async () => {
    const { exampleDir } = await import("../support/kit-workspace.js")
    const evaluation = await readFile(join(exampleDir, "surveys", "evaluation.yaml"), "utf8")
    const organisers = await readFile(join(exampleDir, "surveys", "organisers.yaml"), "utf8")
    const ws = await setUp({
      "surveys/evaluation.yaml": evaluation,
      "surveys/organisers.yaml": organisers,
      "sites/sn-dakar/site.yaml": "facilitators:\n  - { id: sn-dakar-faye, name: \"Ibrahima Faye\" }\n"
    })
    await runWith(shape, buildKits(ws, { site: "sn-dakar" }))
    const { decodeInstrumentYaml, questionsFor } = await import("../../src/domain/Instrument.js")
    const count = (page: string): number => page.split("<fieldset").length - 1
    const post = await html(ws, "sn-dakar", "questionnaire-post")
    expect(count(post)).toBe(questionsFor(decodeInstrumentYaml(evaluation, "evaluation.yaml"), "post").length)
    const theirs = await html(ws, "sn-dakar", "organiser-questionnaire-post")
    expect(count(theirs)).toBe(questionsFor(decodeInstrumentYaml(organisers, "organisers.yaml"), "post").length)
    // the fellow (f-sn) and the facilitator, each with the code they write on the form
    expect(theirs).toContain("<code>F-SN</code>")
    expect(theirs).toContain("Ibrahima Faye</td><td><code>SN-DAKAR-FAYE</code>")
    expect(theirs).toContain("Questionnaire des organisateurs après le dialogue")
    // the organisers' instrument asks nothing before the day: no such page for the pre wave
    await expect(html(ws, "sn-dakar", "organiser-questionnaire-pre")).rejects.toThrow(/ENOENT/)
  })

  it("--pdf fails with a clear message when Chromium is not installed", async () => {
    const ws = await setUp()
    const error = await failWith(shape, buildKits(ws, { site: "gb-london", pdf: true, chromium: "/nonexistent/chromium" })) as InputError
    expect(error.message).toContain("--pdf needs Chromium")
    expect(error.message).toContain("apt-get install chromium")
  })
})
