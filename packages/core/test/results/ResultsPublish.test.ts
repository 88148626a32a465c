// The embargo where results leave convene, and the results portal, on every test database: a
// dialogue whose sites span the date line (Apia meets first, Honolulu last); `results report`
// refused a second before the embargo ends and watermarked with --internal, then plain after;
// `results publish` refused before, then a site that browses offline (every link resolves),
// byte-identical when republished, with no contact data, codes or group under 5, each country
// in its languages, and a country released later held until its instant.
import * as Effect from "effect/Effect"
import { readdir, readFile } from "node:fs/promises"
import { dirname, join, posix } from "node:path"
import { beforeEach, describe, expect, it } from "vitest"
import type { InputError } from "../../src/domain/Errors.js"
import type { SiteResults } from "../../src/domain/Results.js"
import { withClockAsOf } from "../../src/infra/Clock.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { readBallots } from "../../src/results/Ballots.js"
import { resultsEmbargo } from "../../src/results/Embargo.js"
import { storeResults, validateResults } from "../../src/results/Results.js"
import { resultsPublish } from "../../src/results/ResultsPublish.js"
import { portalSuppression, suppressedCounts } from "../../src/results/ResultsPortal.js"
import { resultsReport } from "../../src/results/ResultsReport.js"
import { thCount, thWithoutScope } from "../support/html.js"
import { failWith, type OpenTestDatabase, runWith, testDatabases, truncateAll, useTestDatabase } from "../support/databases.js"
import { exampleDir, fellowsCsv, kitWorkspace } from "../support/kit-workspace.js"
import { registerWorkspace } from "../support/survey-workspace.js"

// Apia (UTC+13) and Honolulu (UTC−10) are on the same calendar day but 23 hours apart: the
// embargo ends two hours after Honolulu's day, long after Apia's
const sitesCsv = `id,name,city,country,timezone,locale,capacity,format,fellow_email,start_local
gb-london,London assembly,London,GB,Europe/London,en-GB,120,in-person,ada@example.org,
sn-dakar,Dakar assembly,Dakar,SN,Africa/Dakar,fr-SN,100,in-person,awa@example.org,10:00
sn-thies,Thiès assembly,Thiès,SN,Africa/Dakar,wo-SN,60,in-person,awa@example.org,10:00
eg-cairo,Cairo assembly,Cairo,EG,Africa/Cairo,ar-EG,90,hybrid,karim@example.org,
ws-apia,Apia assembly,Apia,WS,Pacific/Apia,en-WS,40,in-person,lagi@example.org,
us-honolulu,Honolulu assembly,Honolulu,US,Pacific/Honolulu,en-US,60,in-person,lagi@example.org,
in-delhi,Delhi mirror dialogue,New Delhi,IN,Asia/Kolkata,hi-IN,30,mirror,priya@example.org,
`

const genders = ["woman", "woman", "man", "man", "woman", "man", "non-binary"]
const participantsCsv = (): string => {
  const lines = ["id,site_id,code,locale,email,gender,age_band,education,residence"]
  for (const [k, site] of ["gb-london", "sn-dakar", "sn-thies", "eg-cairo", "ws-apia", "us-honolulu"].entries()) {
    for (let i = 0; i < 7; i++) lines.push(`p-${site}-${i},${site},CODE${"ABCDEF"[k]!.repeat(2)}${i}XQ,,${site}-${i}@secret.example,${genders[i]},${i < 5 ? "25-34" : "65+"},tertiary,urban`)
  }
  return `${lines.join("\n")}\n`
}

const tally = (site_id: string, yes: number, no: number): SiteResults => ({ site_id, tallies: [{ table: 1, present: yes + no, counts: { "access-right": { yes, no } } }], ballots: [], recommendations: [] })
const results: Array<SiteResults> = [
  { ...tally("gb-london", 6, 4), recommendations: [{ question: "recommendations", table: 1, number: 1, text: "Teach digital rights in every school", votes: 12 }] },
  tally("sn-dakar", 2, 6),
  tally("sn-thies", 5, 2),
  tally("eg-cairo", 9, 3),
  tally("ws-apia", 7, 1),
  // three voters: a group under five, never shown
  tally("us-honolulu", 2, 1),
  tally("in-delhi", 4, 4)
]

const walk = async (dir: string, base = dir): Promise<Array<string>> => {
  const out: Array<string> = []
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name)
    if (e.isDirectory()) out.push(...(await walk(path, base)))
    else out.push(posix.normalize(path.slice(base.length + 1).replaceAll("\\", "/")))
  }
  return out.sort()
}

describe.each(testDatabases)("the embargo and the results portal on $name", (testDb) => {
  const db = useTestDatabase(testDb)
  let shape: OpenTestDatabase
  let ws: Workspace
  let ends = 0
  const release = (extra = "") => `\nresults:\n  release:\n    after_last_site: 2h\n    licence: "CC BY 4.0"\n    press_contact: { name: "Press office", email: press@example.org }\n${extra}`
  const setUp = async (extra = "") => {
    const yaml = (await readFile(join(exampleDir, "convene.yaml"), "utf8")).replace(/\nresults:\n(  .*\n|    .*\n)*/, "\n")
    ws = await kitWorkspace({ "convene.yaml": yaml + release(extra), "sites.csv": sitesCsv, "fellows.csv": fellowsCsv, "participants.csv": participantsCsv(), "ballots/votes.yaml": await readFile(join(exampleDir, "ballots", "votes.yaml"), "utf8") })
    ws = { ...ws, text: yaml + release(extra), dialogue: (await import("../../src/domain/Dialogue.js")).decodeDialogueYaml(yaml + release(extra), "convene.yaml") }
    await registerWorkspace(shape, ws)
    await runWith(shape, Effect.gen(function*() {
      const { ballots } = yield* readBallots(ws.dir, ws.dialogue)
      return yield* storeResults(ballots, results, ["tallies", "ballots", "recommendations"], { actor: "staff:ana", action: "test", simulated: false })
    }))
    for (const r of results) await runWith(shape, validateResults({ site: r.site_id }, "staff:ana"))
    ends = Date.parse((await runWith(shape, resultsEmbargo(ws))).ends)
  }
  beforeEach(async () => {
    shape = db()
    await truncateAll(shape)
  })
  const at = <A, E, R>(ms: number, effect: Effect.Effect<A, E, R>) => withClockAsOf(new Date(ms), effect)

  it("holds the results until two hours after Honolulu's day, across the date line", async () => {
    await setUp()
    // Honolulu's day (09:00–17:00 local, UTC−10) ends at 03:00Z on the 16th; Apia's ended 23 hours earlier
    expect(new Date(ends).toISOString()).toBe("2027-05-16T05:00:00.000Z")
    const out = join(ws.dir, "out", "r")
    const refused = (await failWith(shape, at(ends - 1000, resultsReport(ws, { out, formats: ["html"] })))) as InputError
    expect(refused.message).toContain("under embargo until 2027-05-16T05:00:00Z")
    expect(refused.message).toContain("us-honolulu")
    expect(refused.message).toContain("--internal")
    expect(refused.message).toContain("--as-of 2027-05-16T05:00:00Z")
    // a day after Apia voted, it is still held
    expect(await failWith(shape, at(Date.parse("2027-05-16T04:00:00Z"), resultsReport(ws, { out })))).toBeDefined()

    const internal = await runWith(shape, at(ends - 1000, resultsReport(ws, { out, formats: ["html", "csv", "json"], internal: true })))
    const watermark = "EMBARGOED until 2027-05-16T05:00:00Z — internal, do not publish"
    expect(internal.report.embargoed?.watermark).toBe(watermark)
    for (const f of internal.files) expect(await readFile(f, "utf8")).toContain(watermark)
    const csv = await readFile(internal.files.find((f) => f.endsWith(".csv"))!, "utf8")
    expect(csv.split("\n")[0]).toBe(`# ${watermark}`)
    expect(JSON.parse(await readFile(internal.files.find((f) => f.endsWith(".json"))!, "utf8")).embargoed.watermark).toBe(watermark)

    const after = await runWith(shape, at(ends, resultsReport(ws, { out, formats: ["html", "csv", "json"] })))
    expect(after.report.embargoed).toBeNull()
    for (const f of after.files) expect(await readFile(f, "utf8")).not.toContain("EMBARGOED")

    const notYet = (await failWith(shape, at(ends - 1000, resultsPublish(ws, { out: join(ws.dir, "portal") })))) as InputError
    expect(notYet.message).toContain("results publish: the results are under embargo until 2027-05-16T05:00:00Z")
    expect(notYet.message).not.toContain("--internal,")
  })

  it("publishes a portal that browses offline, the same bytes twice, with nothing private in it", async () => {
    await setUp()
    const out = join(ws.dir, "portal")
    const published = await runWith(shape, at(ends, resultsPublish(ws, { out, replicates: 200 })))
    expect(published.sites).toBe(6)
    expect(published.mirror).toBe(1)
    const files = await walk(out)
    expect(files).toEqual([...published.manifest.files])
    expect(files).toEqual(expect.arrayContaining(["index.html", "methods.html", "data.html", "regions/002.html", "regions/009.html", "regions/019.html", "regions/150.html", "countries/SN.html", "countries/SN.wo-SN.html", "countries/EG.html", "countries/WS.html", "countries/US.html", "data/results.csv", "data/results.json", "data/figures.csv", "data/data-dictionary.md", "LICENSE.txt", "CITATION.txt"]))
    // the mirror dialogue's country has no page of its own
    expect(files).not.toContain("countries/IN.html")

    const contents = new Map<string, string>()
    for (const f of files) contents.set(f, await readFile(join(out, f), "utf8"))
    // every link resolves to a file of the portal, relative, without a server
    let links = 0
    let tableCells = 0
    for (const [f, html] of contents) {
      if (!f.endsWith(".html")) continue
      expect(html).not.toMatch(/(src|href)="\//)
      expect(html).not.toMatch(/<link |<script src/)
      expect(thWithoutScope(html), f).toEqual([])
      tableCells += thCount(html)
      for (const [, href] of html.matchAll(/href="([^"]+)"/g)) {
        if (href!.startsWith("mailto:")) continue
        expect(href, `${f} → ${href}`).not.toMatch(/^[a-z]+:/)
        expect(contents.has(posix.join(dirname(f), href!.split("#")[0]!)), `${f} → ${href}`).toBe(true)
        links++
      }
    }
    expect(links).toBeGreaterThan(50)
    expect(tableCells).toBeGreaterThan(0)
    // no contact data, no participant code, no group under five
    for (const [f, text] of contents) {
      expect(text, f).not.toContain("secret.example")
      expect(text, f).not.toMatch(/CODE[A-Z]{2}\dXQ/)
    }
    // one site's seven people: the one non-binary participant is neither counted nor named
    for (const f of ["countries/EG.html", "countries/GB.html"]) {
      expect(contents.get(f)).not.toContain("non-binary")
      expect(contents.get(f)).toContain(f.includes("EG") ? "أقل من 5 لكل منها" : "fewer than 5 each")
    }
    expect(contents.get("index.html")).toContain("<td>non-binary</td><td>6</td>")
    const honolulu = contents.get("data/results.csv")!.split("\n").filter((l) => l.startsWith("us-honolulu"))
    expect(honolulu).toEqual(["us-honolulu,Honolulu assembly,US,United States,019,in-person,false,access-right,,,,true"])
    expect(contents.get("countries/US.html")).toContain("fewer than 5 voters")
    expect(contents.get("countries/US.html")).not.toMatch(/66[.,]7/)
    // London's figures are there, as a chart and as numbers
    expect(contents.get("data/results.csv")).toContain("gb-london,London assembly,GB,United Kingdom,150,in-person,false,access-right,yes,6,10,false")
    expect(contents.get("data/figures.csv")!.split("\n")[0]).toBe("level,group,group_name,question,option,measure,value,low,high,voters,suppressed")
    expect(contents.get("data/figures.csv")).toMatch(/^country,GB,United Kingdom,access-right,yes,share,/m)
    expect(contents.get("data/recommendations.csv")!.split("\n")[0]).toBe("question,site,country,country_name,table,number,votes,text")
    expect(contents.get("countries/GB.html")).toContain("<svg")
    expect(contents.get("LICENSE.txt")).toContain("CC BY 4.0")
    expect(contents.get("index.html")).toContain("press@example.org")
    expect(contents.get("methods.html")).toContain("selected by each site")

    // each country in its languages: Senegal in French first, then Wolof (its catalog falls back)
    expect(contents.get("countries/SN.html")).toMatch(/<html lang="fr[^"]*" dir="ltr">/)
    expect(contents.get("countries/SN.html")).toContain("Sénégal")
    expect(contents.get("countries/SN.html")).toContain("L’accès à Internet doit-il être reconnu")
    expect(contents.get("countries/SN.html")).toContain(`href="SN.wo-SN.html"`)
    expect(contents.get("countries/EG.html")).toMatch(/<html lang="ar[^"]*" dir="rtl">/)
    expect(contents.get("countries/EG.html")).toContain("هل ينبغي الاعتراف")
    // the country against its region and the world
    expect(contents.get("countries/SN.html")).toContain("Afrique")
    expect(contents.get("countries/SN.html")).toContain("Monde")

    // republished, unchanged: the same bytes
    await runWith(shape, at(ends + 3_600_000, resultsPublish(ws, { out, replicates: 200 })))
    for (const f of await walk(out)) expect(await readFile(join(out, f), "utf8"), f).toBe(contents.get(f))
  })

  it("keeps a country released later out of the portal until its instant", async () => {
    await setUp("    countries: { SN: 2027-05-17T09:00Z }\n")
    const out = join(ws.dir, "portal")
    const first = await runWith(shape, at(ends, resultsPublish(ws, { out, replicates: 100 })))
    expect(first.manifest.held).toEqual({ SN: "2027-05-17T09:00:00Z" })
    expect(first.manifest.countries).not.toContain("SN")
    const sn = await readFile(join(out, "countries", "SN.html"), "utf8")
    expect(sn).toContain(`<time datetime="2027-05-17T09:00:00Z" data-local>`)
    expect(sn).toContain("UTC")
    expect(sn).not.toContain("<svg")
    const data = await readFile(join(out, "data", "results.csv"), "utf8")
    expect(data).not.toContain("sn-dakar")
    expect(await readFile(join(out, "data", "figures.csv"), "utf8")).not.toMatch(/^country,SN,/m)
    // after Senegal's instant, it is in
    const second = await runWith(shape, at(Date.parse("2027-05-17T09:00:00Z"), resultsPublish(ws, { out, replicates: 100 })))
    expect(second.manifest.countries).toContain("SN")
    expect(await readFile(join(out, "data", "results.csv"), "utf8")).toContain("sn-dakar")
    expect(await readFile(join(out, "countries", "SN.html"), "utf8")).toContain("<svg")
  })
})

describe("a profile's small groups", () => {
  it("hides every category under five, and the next smallest when only one would be hidden", () => {
    expect(suppressedCounts(["a", "a", "a", "a", "a", "b", "b", "b", "b", "b", "b", "c"])).toEqual([{ category: "b", count: 6 }, { category: "a", count: null }, { category: "c", count: null }])
    expect(suppressedCounts(["a", "a", "a", "a", "a", "b", "c"])).toEqual([{ category: "a", count: 5 }, { category: "b", count: null }, { category: "c", count: null }])
  })
})

describe("the portal's vote counts, protected against subtraction", () => {
  const question = { id: "q", type: "single", collect: "tally", label: { en: "Q" }, options: [{ id: "yes", label: { en: "Yes" } }, { id: "no", label: { en: "No" } }] } as never
  const site = (id: string, country: string, region: string | null) => ({ id, name: id, country, format: "in-person", locale: "en", region, simulated: false }) as never
  const totals = (voters: Record<string, number>) => Object.entries(voters).map(([site_id, v]) => ({ site_id, question: "q", voters: v, votes: {} })) as never

  it("hides a second site of the country when one is small, so that the country minus the shown sites reveals nothing", () => {
    const sites = [site("in-delhi", "IN", "142"), site("in-kolkata", "IN", "142"), site("in-mumbai", "IN", "142"), site("gb-london", "GB", "150")]
    const [hidden] = portalSuppression({ sites, totals: totals({ "in-delhi": 9, "in-kolkata": 2, "in-mumbai": 20, "gb-london": 30 }), mirror: null }, [question])
    expect(hidden!.has("site:in-kolkata")).toBe(true)
    // Delhi, the smallest other site of India, goes with it; India itself, Mumbai and London stay
    expect(hidden!.has("site:in-delhi")).toBe(true)
    expect([...hidden!].filter((k) => !k.startsWith("site:in-"))).toEqual([])
  })

  it("hides a second country when a small one is alone in its region, so that the world minus the shown groups reveals nothing", () => {
    const sites = [site("us-honolulu", "US", "019"), site("gb-london", "GB", "150"), site("ws-apia", "WS", "009"), site("eg-cairo", "EG", "002")]
    const voters: Record<string, number> = { "us-honolulu": 3, "gb-london": 10, "ws-apia": 8, "eg-cairo": 12 }
    const [hidden] = portalSuppression({ sites, totals: totals(voters), mirror: null }, [question])
    for (const k of ["site:us-honolulu", "country:US", "m49:019"]) expect(hidden!.has(k), k).toBe(true)
    // the world is shown; whatever else is shown, the world minus the shown countries holds 5 or more voters
    expect(hidden!.has("world")).toBe(false)
    const shownCountries = sites.filter((s: any) => !hidden!.has(`country:${s.country}`))
    const rest = Object.values(voters).reduce((a, b) => a + b, 0) - shownCountries.reduce((a, s: any) => a + voters[s.id]!, 0)
    expect(rest).toBeGreaterThanOrEqual(5)
  })
})
