// The results report on every test database: results stored through the one write path, only
// validated sites counted (mirror dialogues apart), what was left out and why, figures checked
// by hand, the three outputs in the chosen locale (RTL for Arabic), simulated results marked,
// and a report with nothing to count refused.
import { readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { beforeEach, describe, expect, it } from "vitest"
import * as Effect from "effect/Effect"
import type { InputError } from "../../src/domain/Errors.js"
import type { SiteResults } from "../../src/domain/Results.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { readBallots } from "../../src/results/Ballots.js"
import { storeResults, validateResults } from "../../src/results/Results.js"
import { withClockAsOf } from "../../src/infra/Clock.js"
import { resultsReport as reportAsOfNow, type ResultsReportOptions } from "../../src/results/ResultsReport.js"
import { failWith, type OpenTestDatabase, runWith, testDatabases, truncateAll, useTestDatabase } from "../support/databases.js"
import { exampleDir, kitWorkspace } from "../support/kit-workspace.js"
import { registerWorkspace } from "../support/survey-workspace.js"
import { thCount, thWithoutScope } from "../support/html.js"

const staff = "staff:ana"

// the example's embargo ends two hours after the last site's day (16 May 2027): these tests
// report after it (the embargo's own tests are in ResultsPublish.test.ts)
const resultsReport = (ws: Workspace, options?: ResultsReportOptions) => withClockAsOf(new Date("2027-06-01T00:00:00Z"), reportAsOfNow(ws, options))

// access-right (tally): London 6 yes of 10, Dakar 2 yes of 8, Cairo 9 yes of 12, Delhi (draft)
// 1 of 4, Apia (mirror) 5 of 5. Counted (validated, not mirror): London, Dakar, Cairo.
// By ballots: (6 + 2 + 9) / (10 + 8 + 12) = 17 / 30; by sites: (0.6 + 0.25 + 0.75) / 3 = 0.5333…
const site = (site_id: string, yes: number, no: number, extra: Partial<SiteResults> = {}): SiteResults => ({
  site_id,
  tallies: [{ table: 1, present: yes + no, counts: { "access-right": { yes, no } } }],
  ballots: [],
  recommendations: [],
  ...extra
})

const entries: Array<SiteResults> = [
  site("gb-london", 6, 4, {
    // platform-responsibility: 8 and 6 → mean 7; governance-rank: [citizens, governments]
    ballots: [
      { ballot: "b1", answers: { "platform-responsibility": 8, "governance-rank": ["citizens", "governments"], "data-protections": ["consent", "no-sale"] } },
      { ballot: "b2", answers: { "platform-responsibility": 6, "data-protections": ["consent"] } }
    ],
    recommendations: [
      { question: "recommendations", table: 1, number: 1, text: "Teach digital rights in every school", votes: 12 },
      { question: "recommendations", table: 1, number: 2, text: "Public Wi-Fi in libraries", votes: 4 }
    ]
  }),
  site("sn-dakar", 2, 6, { recommendations: [{ question: "recommendations", table: 1, number: 1, text: "Des données ouvertes pour les communes", votes: 7 }] }),
  site("eg-cairo", 9, 3),
  site("in-delhi", 1, 3),
  site("ws-apia", 5, 0)
]

describe.each(testDatabases)("the results report on $name", (testDb) => {
  const db = useTestDatabase(testDb)
  let shape: OpenTestDatabase
  let ws: Workspace
  beforeEach(async () => {
    shape = db()
    await truncateAll(shape)
    ws = await kitWorkspace({ "ballots/votes.yaml": await readFile(join(exampleDir, "ballots", "votes.yaml"), "utf8"), "participants.csv": "id,site_id,code,locale,email,gender,age_band,education,residence\n" })
    await registerWorkspace(shape, ws)
  })
  const store = (rows: ReadonlyArray<SiteResults>, simulated = false) =>
    runWith(shape, Effect.gen(function*() {
      const { ballots } = yield* readBallots(ws.dir, ws.dialogue)
      return yield* storeResults(ballots, rows, ["tallies", "ballots", "recommendations"], { actor: simulated ? "simulation" : staff, action: "test", simulated })
    }))
  const validate = async (...ids: ReadonlyArray<string>) => {
    for (const id of ids) await runWith(shape, validateResults({ site: id }, staff))
  }
  const out = () => join(ws.dir, "out", "test")

  it("refuses a report with nothing to count, and says why", async () => {
    let error = (await failWith(shape, resultsReport(ws, { out: out() }))) as InputError
    expect(error._tag).toBe("InputError")
    expect(error.message).toContain("No site has results yet")
    await store(entries)
    error = (await failWith(shape, resultsReport(ws, { out: out() }))) as InputError
    expect(error.message).toContain("No site has validated results")
    expect(error.message).toContain("--include-unvalidated")
    expect(error.exitCode).toBe(2)
  })

  it("counts the validated sites, reports mirror dialogues apart and says what was left out", async () => {
    await store(entries)
    await validate("gb-london", "sn-dakar", "eg-cairo", "ws-apia")
    const { files, report } = await runWith(shape, resultsReport(ws, { out: out(), formats: ["html", "csv", "json"] }))
    expect(report.counted).toMatchObject({ sites: 3, countries: 3 })
    expect(report.leftOut.map((l) => [l.reason, l.sites])).toEqual([["draft", ["in-delhi"]], ["mirror", ["ws-apia"]]])
    const access = report.analysis.global.questions.find((q) => q.id === "access-right")!
    expect(access.n).toEqual({ sites: 3, countries: 3, voters: 30 })
    expect(access.options.find((o) => o.id === "yes")!.share.value).toBeCloseTo(17 / 30, 12)
    const scale = report.analysis.global.questions.find((q) => q.id === "platform-responsibility")!
    expect(scale.mean!.value).toBe(7)
    expect(scale.median).toBe(7)
    const rank = report.analysis.global.questions.find((q) => q.id === "governance-rank")!
    // five options: first gives 4 Borda points, second 3
    expect(rank.options.find((o) => o.id === "citizens")!.borda!.points).toBe(4)
    expect(rank.options.find((o) => o.id === "governments")!.mean_rank!.value).toBe(2)
    const protections = report.analysis.global.questions.find((q) => q.id === "data-protections")!
    expect(protections.options.find((o) => o.id === "consent")!.share.value).toBe(1)
    expect(report.mirror?.questions.find((q) => q.id === "access-right")!.options[0]!.share.value).toBe(1)
    expect(report.analysis.recommendations[0]!.items.map((i) => i.votes)).toEqual([12, 7, 4])
    expect(report.simulatedSites).toBe(0)
    expect(report.methods.join(" ")).toContain("1000 replicates, seed 1")

    expect(files.map((f) => f.slice(out().length + 1))).toEqual(["results-report.html", "results-report.csv", "results-report-recommendations.csv", "results-report.json"])
    const csv = await readFile(files[1]!, "utf8")
    expect(csv.split("\n")[0]).toBe("group_by,group,question,option,measure,value,n")
    expect(csv).toContain("none,all,access-right,yes,count,17,30")
    expect(csv).toContain("mirror,all,access-right,yes,share,1,5")
    expect(await readFile(files[2]!, "utf8")).toContain("recommendations,gb-london,GB,United Kingdom,1,1,12,0.75,Teach digital rights in every school")
    expect(JSON.parse(await readFile(files[3]!, "utf8")).counted.sites).toBe(3)
    const html = await readFile(files[0]!, "utf8")
    expect(html).toContain('<html lang="en" dir="ltr">')
    expect(html).toContain("<svg")
    expect(thCount(html)).toBeGreaterThan(0)
    expect(thWithoutScope(html)).toEqual([])
    expect(html).toContain("Should access to the Internet be recognised as a human right?")
    expect(html).toContain("1 site with draft results, not validated")
    expect(html).not.toContain("⟦")
  })

  it("includes unvalidated and mirror sites when asked, groups, and writes in French and Arabic", async () => {
    await store(entries)
    await validate("gb-london")
    const { report, files } = await runWith(shape, resultsReport(ws, { out: out(), includeUnvalidated: true, includeMirror: true, by: "income", weight: "sites", locale: "fr", formats: ["html"] }))
    expect(report.counted.sites).toBe(5)
    expect(report.leftOut).toEqual([])
    expect(report.mirror).toBeNull()
    // by sites: (0.6 + 0.25 + 0.75 + 0.25 + 1) / 5
    expect(report.analysis.global.questions[0]!.options[0]!.share.value).toBeCloseTo(2.85 / 5, 12)
    expect(report.analysis.groups.map((g) => g.key)).toEqual(["lower-middle", "upper-middle", "high"])
    expect(files[0]!.endsWith("results-report-by-income.html")).toBe(true)
    const html = await readFile(files[0]!, "utf8")
    expect(html).toContain('<html lang="fr" dir="ltr">')
    expect(html).toContain("L’accès à Internet doit-il être reconnu comme un droit humain")
    expect(html).toContain("Revenu intermédiaire, tranche inférieure")
    expect(html).toContain("Méthodes")
    const ar = await runWith(shape, resultsReport(ws, { out: out(), includeUnvalidated: true, locale: "ar", formats: ["html"] }))
    expect(await readFile(ar.files[0]!, "utf8")).toContain('<html lang="ar" dir="rtl">')
  })

  it("groups by a file of the user's and names a bad line of it", async () => {
    await store(entries)
    await validate("gb-london", "sn-dakar", "eg-cairo")
    const good = join(ws.dir, "connectivity.csv")
    await writeFile(good, "country,group\nGB,high\nSN,low\nEG,low\n")
    const { report } = await runWith(shape, resultsReport(ws, { out: out(), by: `group:${good}`, formats: ["csv"] }))
    const low = report.analysis.groups.find((g) => g.key === "low")!
    // Dakar and Cairo: (2 + 9) / (8 + 12)
    expect(low.questions[0]!.options[0]!.share.value).toBeCloseTo(11 / 20, 12)
    expect(low.questions[0]!.options[0]!.share.vs_global!.diff).toBeCloseTo(11 / 20 - 17 / 30, 12)
    const bad = join(ws.dir, "bad.csv")
    await writeFile(bad, "country,group\nGB,high\nZZ,low\n")
    const error = (await failWith(shape, resultsReport(ws, { out: out(), by: `group:${bad}` }))) as InputError
    expect(error.problems.map((p) => `${p.file}:${p.line}`)).toEqual([expect.stringMatching(/bad\.csv:3$/)])
  })

  it("marks simulated results everywhere", async () => {
    await store(entries.slice(0, 2), true)
    await validate("gb-london", "sn-dakar")
    const { report, files } = await runWith(shape, resultsReport(ws, { out: out(), formats: ["html", "json"] }))
    expect(report.simulatedSites).toBe(2)
    expect(report.methods.at(-1)).toContain("Simulated data: 2 of the 2 counted sites")
    expect(await readFile(files[0]!, "utf8")).toContain('class="simulated"')
    expect(JSON.parse(await readFile(files[1]!, "utf8")).simulatedSites).toBe(2)
  })
})
