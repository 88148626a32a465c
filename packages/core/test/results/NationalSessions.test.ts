// National sessions (issue 17, section 2): a site, or every site of a country, adds agenda
// blocks with their own vote questions in sites/<id>/site.yaml. The file is checked with its
// line and field; the day of the sites holding it is planned with the extra blocks (the join
// rule judged against that longer day); entry accepts its questions only from those sites, by
// every way in; the results report counts it apart and never mixes it into the global figures.
import * as Effect from "effect/Effect"
import { readdir, readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { beforeEach, describe, expect, it } from "vitest"
import { ballotsForSite, decodeBallots, globalBallots } from "../../src/domain/Ballot.js"
import { decodeDialogueYaml } from "../../src/domain/Dialogue.js"
import type { InputError } from "../../src/domain/Errors.js"
import { agendaWith, decodeSiteYaml, gatherSessions, withNationalQuestions } from "../../src/domain/NationalSession.js"
import { checkSiteResults, readResultsCsv, type SiteResults } from "../../src/domain/Results.js"
import { withClockAsOf } from "../../src/infra/Clock.js"
import { checkKits } from "../../src/kits/KitCheck.js"
import { buildKits } from "../../src/kits/Kits.js"
import { readNationalSessions } from "../../src/infra/SiteFiles.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { ballotsWithSessions, readBallots } from "../../src/results/Ballots.js"
import { importResults, storeResults, validateResults } from "../../src/results/Results.js"
import { resultsReport } from "../../src/results/ResultsReport.js"
import { planSites } from "../../src/schedule/Schedules.js"
import { failWith, type OpenTestDatabase, runWith, testDatabases, truncateAll, useTestDatabase } from "../support/databases.js"
import { exampleDir, kitWorkspace, sitesCsv, useKitSuite } from "../support/kit-workspace.js"
import { registerWorkspace } from "../support/survey-workspace.js"

const dialogue = decodeDialogueYaml(await readFile(join(exampleDir, "convene.yaml"), "utf8"), "convene.yaml")
const ballotsText = await readFile(join(exampleDir, "ballots", "votes.yaml"), "utf8")
const global = decodeBallots([{ file: "ballots/votes.yaml", text: ballotsText }], dialogue)
const mexico = await readFile(join(exampleDir, "sites", "mx-oaxaca", "site.yaml"), "utf8")

const problemsOf = (f: () => unknown): Array<string> => {
  try {
    f()
  } catch (e) {
    return (e as InputError).problems.map((p) => `${p.file}:${p.line}: ${p.field}: ${p.message}`)
  }
  return []
}

describe("a site file's national session", () => {
  it("decodes the example's, inserted after the block it names", () => {
    const session = decodeSiteYaml(mexico, "site.yaml", dialogue).national_session!
    expect(session).toMatchObject({ scope: "country", country: "MX", after: "vote-4" })
    const agenda = agendaWith(dialogue.agenda, session).map((b) => b.id)
    expect(agenda.slice(-4)).toEqual(["vote-4", "mx-connectivity", "mx-vote", "closing"])
    expect(agendaWith(dialogue.agenda, { ...session, after: undefined } as never).map((b) => b.id).slice(-2)).toEqual(["mx-connectivity", "mx-vote"])
  })

  it("names the line and field of every problem at once", () => {
    const text = `national_session:
  scope: country
  after: no-such-block
  blocks:
    - { id: welcome, title: "Again", minutes: 30, kind: plenary }
    - { id: nat-talk, title: "Talk", minutes: 30, kind: table-discussion }
  questions:
    - { id: nat-q, block: nat-talk, type: single, collect: tally, label: { en: "Q?" }, options: [{ id: a, label: { en: A } }, { id: b, label: { en: B } }] }
    - { id: nat-r, block: vote-1, type: single, collect: tally, label: { fr: "Q ?" }, options: [{ id: a, label: { en: A } }, { id: b, label: { en: B } }] }
`
    expect(problemsOf(() => decodeSiteYaml(text, "sites/x/site.yaml", dialogue))).toEqual([
      `sites/x/site.yaml:5: national_session.blocks.0.id: expected a block id of the national session's own, "welcome" is a block of the shared agenda (convene.yaml)`,
      `sites/x/site.yaml:3: national_session.after: expected a block of the shared agenda (${dialogue.agenda.map((b) => b.id).join(", ")}), got "no-such-block"`,
      `sites/x/site.yaml:2: national_session.country: expected the country whose sites hold the session (scope: country)`,
      `sites/x/site.yaml:8: national_session.questions.0.block: expected a block of kind vote, "nat-talk" is a table-discussion block (vote blocks: none)`,
      `sites/x/site.yaml:9: national_session.questions.1.block: expected an agenda block of kind vote (the agenda has none), got "vote-1"`,
      `sites/x/site.yaml:9: national_session.questions.1.label: expected a label in the source locale en`
    ])
  })

  it("refuses two sessions for one country, and a question id already used", () => {
    const session = decodeSiteYaml(mexico, "a.yaml", dialogue).national_session!
    expect(problemsOf(() => gatherSessions([{ site: "mx-oaxaca", file: "a.yaml", text: mexico, session }, { site: "mx-puebla", file: "b.yaml", text: mexico, session }]))).toEqual([
      "b.yaml:7: national_session.country: expected one national session per country: MX already has one, in a.yaml"
    ])
    const clash = mexico.replace("id: mx-community-networks", "id: access-right")
    const sessions = gatherSessions([{ site: "mx-oaxaca", file: "a.yaml", text: clash, session: decodeSiteYaml(clash, "a.yaml", dialogue).national_session! }])
    expect(problemsOf(() => withNationalQuestions(global, sessions, []))[0]).toMatch(/^a\.yaml:\d+: national_session\.questions\.0\.id: expected a unique question id, "access-right" is already declared at ballots\/votes\.yaml:\d+$/)
  })
})

describe("the day of a site holding a national session", () => {
  const sessions = gatherSessions([{ site: "mx-oaxaca", file: "site.yaml", text: mexico, session: decodeSiteYaml(mexico, "site.yaml", dialogue).national_session! }])
  const sites = [
    { id: "mx-mexico-city", timezone: "America/Mexico_City", country: "MX" },
    { id: "mx-oaxaca", timezone: "America/Mexico_City", country: "MX", date: "2027-05-22", date_reason: "national" as const },
    { id: "co-bogota", timezone: "America/Bogota", country: "CO" }
  ] as never

  it("runs the session's blocks, marked national, and ends later; other countries keep the shared day", () => {
    const plan = planSites(dialogue, sites, dialogue.sync_moments, undefined, sessions)
    const city = plan.sites.find((s) => s.id === "mx-mexico-city")!
    expect(city.blocks.filter((b) => b.national === true).map((b) => [b.id, b.start_local, b.end_local])).toEqual([
      ["mx-connectivity", "2027-05-15T16:30", "2027-05-15T17:10"],
      ["mx-vote", "2027-05-15T17:10", "2027-05-15T17:20"]
    ])
    expect(city.blocks.at(-1)).toMatchObject({ id: "closing", end_local: "2027-05-15T17:50" })
    // Oaxaca holds it too, on its own date
    expect(plan.sites.find((s) => s.id === "mx-oaxaca")!.blocks.map((b) => b.id)).toContain("mx-vote")
    const bogota = plan.sites.find((s) => s.id === "co-bogota")!
    expect(bogota.blocks.some((b) => b.national === true)).toBe(false)
    expect(bogota.blocks.at(-1)!.end_local).toBe("2027-05-15T17:00")
  })

  it("judges the join rule against the longer day", () => {
    // a moment at 17:30 in Mexico City (23:30Z): after the shared day (17:00), inside the national one (17:50)
    const late = [{ id: "late", title: "Late", minutes: 15, at: "2027-05-15T23:30Z" }]
    const withSession = planSites({ ...dialogue, sync_moments: late as never }, sites, late as never, undefined, sessions)
    const without = planSites({ ...dialogue, sync_moments: late as never }, sites, late as never)
    expect(withSession.sites.find((s) => s.id === "mx-mexico-city")!.moments[0]!.joins).toBe(true)
    expect(without.sites.find((s) => s.id === "mx-mexico-city")!.moments[0]!.joins).toBe(false)
    expect(withSession.sites.find((s) => s.id === "co-bogota")!.moments[0]!.joins).toBe(false)
  })
})

describe("entering a national question", () => {
  const sessions = gatherSessions([{ site: "mx-oaxaca", file: "site.yaml", text: mexico, session: decodeSiteYaml(mexico, "site.yaml", dialogue).national_session! }])
  const all = withNationalQuestions(global, sessions, [{ id: "mx-mexico-city", country: "MX" }, { id: "gb-london", country: "GB" }])

  it("is held by the sites of its session only", () => {
    expect(ballotsForSite(all, "mx-mexico-city").questions.map((q) => q.id)).toContain("mx-community-networks")
    expect(ballotsForSite(all, "gb-london").questions.map((q) => q.id)).not.toContain("mx-community-networks")
    expect(globalBallots(all).questions.map((q) => q.id)).toEqual(global.questions.map((q) => q.id))
  })

  it("is refused at FILE:LINE:COLUMN from a site outside the session", () => {
    const csv = "site,table,present,question,option,count\nmx-mexico-city,1,10,mx-community-networks,yes,7\ngb-london,1,10,mx-community-networks,yes,7\n"
    const read = readResultsCsv(csv, "t.csv", all, new Set(["mx-mexico-city", "gb-london"]))
    expect(read.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`)).toEqual([
      `t.csv:3:4: "mx-community-networks" is a question of a national session that gb-london does not hold (sites/<id>/site.yaml): enter it for the sites of that session only`
    ])
    const london: SiteResults = { site_id: "gb-london", tallies: [{ table: 1, present: 10, counts: { "mx-community-networks": { yes: 7 } } }], ballots: [], recommendations: [] }
    expect(checkSiteResults(all, london).map((p) => p.field)).toEqual(["tallies.1.mx-community-networks"])
    expect(checkSiteResults(all, { ...london, site_id: "mx-mexico-city" })).toEqual([])
  })
})

describe.each(testDatabases)("national sessions in the results on $name", (testDb) => {
  const db = useTestDatabase(testDb)
  let shape: OpenTestDatabase
  let ws: Workspace
  beforeEach(async () => {
    shape = db()
    await truncateAll(shape)
    const sites = `${sitesCsv}mx-mexico-city,Mexico City assembly,Mexico City,MX,America/Mexico_City,es-MX,90,in-person,ada@example.org,\nmx-oaxaca,Oaxaca assembly,Oaxaca,MX,America/Mexico_City,es-MX,90,in-person,ada@example.org,\n`
    ws = await kitWorkspace({ "ballots/votes.yaml": ballotsText, "sites.csv": sites, "sites/mx-oaxaca/site.yaml": mexico, "participants.csv": "id,site_id,code,locale,email,gender,age_band,education,residence\n" })
    await registerWorkspace(shape, ws)
  })
  const tally = (site_id: string, yes: number, no: number, national?: { yes: number; no: number }): SiteResults => ({
    site_id,
    tallies: [{ table: 1, present: yes + no, counts: { "access-right": { yes, no }, ...(national === undefined ? {} : { "mx-community-networks": national }) } }],
    ballots: [],
    recommendations: []
  })

  it("stores a holding site's answers, refuses another's, and reports the session apart", async () => {
    expect(ws.sessions?.byCountry.get("MX")?.site).toBe("mx-oaxaca")
    const all = await runWith(shape, Effect.gen(function*() {
      const { ballots } = yield* readBallots(ws.dir, ws.dialogue)
      return yield* ballotsWithSessions(ws, ballots, [{ id: "mx-mexico-city", country: "MX" }, { id: "mx-oaxaca", country: "MX" }, { id: "gb-london", country: "GB" }])
    }))
    const store = (rows: ReadonlyArray<SiteResults>) => storeResults(all, rows, ["tallies"], { actor: "staff:test", action: "test" })
    const refused = (await failWith(shape, store([tally("gb-london", 6, 4, { yes: 1, no: 0 })]))) as InputError
    expect(refused.problems.map((p) => p.field)).toEqual(["gb-london.tallies.1.mx-community-networks"])
    await runWith(shape, store([tally("gb-london", 6, 4), tally("mx-mexico-city", 3, 7, { yes: 8, no: 2 }), tally("mx-oaxaca", 5, 5, { yes: 2, no: 8 })]))
    for (const site of ["gb-london", "mx-mexico-city", "mx-oaxaca"]) await runWith(shape, validateResults({ site }, "staff:test"))

    const { report } = await runWith(shape, withClockAsOf(new Date("2027-06-01T00:00:00Z"), resultsReport(ws, { out: join(ws.dir, "out", "t"), formats: ["csv"] })))
    // the global figures: the global questions only, over the three sites
    expect(report.analysis.global.questions.map((q) => q.id)).not.toContain("mx-community-networks")
    const access = report.analysis.global.questions.find((q) => q.id === "access-right")!
    expect(access.n.voters).toBe(30)
    // the national session: Mexico's two sites, (8 + 2) yes of 20
    expect(report.national).toHaveLength(1)
    expect(report.national[0]).toMatchObject({ scope: "country", place: "MX", declared_by: "mx-oaxaca" })
    const q = report.national[0]!.result.questions[0]!
    expect(q.id).toBe("mx-community-networks")
    expect(q.n).toEqual({ sites: 2, countries: 1, voters: 20 })
    expect(q.options.find((o) => o.id === "yes")!.share.value).toBeCloseTo(0.5, 12)
    expect(report.methods.join(" ")).toContain("National sessions: 1 national session is reported on its own")
    const csv = await readFile(join(ws.dir, "out", "t", "results-report.csv"), "utf8")
    expect(csv).toContain("national:MX,all,mx-community-networks,yes,count,10,20")
  })

  it("imports a national question from a CSV for the session's sites, and refuses it from others, writing nothing", async () => {
    const file = join(ws.dir, "t.csv")
    await writeFile(file, "site,table,present,question,option,count\nmx-mexico-city,1,10,mx-community-networks,yes,7\nsn-dakar,1,10,mx-community-networks,yes,7\n")
    const error = (await failWith(shape, importResults({ workspace: ws, file, actor: "staff:test" }))) as InputError
    expect(error.problems.map((p) => `${p.line}:${p.column}`)).toEqual(["3:4"])
    await writeFile(file, "site,table,present,question,option,count\nmx-mexico-city,1,10,mx-community-networks,yes,7\nmx-mexico-city,1,10,access-right,yes,4\n")
    const done = await runWith(shape, importResults({ workspace: ws, file, actor: "staff:test" }))
    expect(done.sites).toEqual(["mx-mexico-city"])
  })

  it("reads the site files when the workspace is opened, and refuses a broken one naming its line", async () => {
    await writeFile(join(ws.dir, "sites", "mx-oaxaca", "site.yaml"), "national_session:\n  blocks: []\n")
    const problems = await readNationalSessions(ws.dir, ws.dialogue).then(() => [], (e: InputError) => e.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`))
    expect(problems).toEqual(["2: national_session.blocks: expected at least one agenda block"])
  })
})

describe.each(testDatabases)("national sessions in the kits on $name", (testDb) => {
  const suite = useKitSuite(testDb)
  const sites = `${sitesCsv}mx-mexico-city,Mexico City assembly,Mexico City,MX,America/Mexico_City,es-MX,90,in-person,ada@example.org,\n`

  it("prints the session's blocks and vote sheet in the kits of the sites that hold it, and kit check lists it", async () => {
    const ws = await suite.setUp({ "ballots/votes.yaml": ballotsText, "sites.csv": sites, "sites/mx-oaxaca/site.yaml": mexico })
    await runWith(suite.shape(), buildKits(ws))
    const dir = (site: string) => join(ws.dir, "out", "kits", site)
    const sheet = await readFile(join(dir("mx-mexico-city"), "tally-sheet-mx-vote.html"), "utf8")
    expect(sheet).toContain("¿Debería México financiar redes comunitarias")
    expect(await readFile(join(dir("mx-mexico-city"), "agenda.html"), "utf8")).toContain("National session: connecting rural Mexico")
    expect(await readdir(dir("gb-london"))).not.toContain("tally-sheet-mx-vote.html")

    const report = await runWith(suite.shape(), checkKits(ws))
    expect(report.national).toEqual([{ file: expect.stringMatching(/sites\/mx-oaxaca\/site\.yaml$/), scope: "country", place: "MX", sites: ["mx-mexico-city"], blocks: ["mx-connectivity", "mx-vote"], questions: ["mx-community-networks"], missing: [] }])
    // a label missing in the holders' language makes the check incomplete
    await writeFile(join(ws.dir, "sites", "mx-oaxaca", "site.yaml"), mexico.replace(/\n\s+es: "¿Debería[^\n]*/, ""))
    const reopened = { ...ws, sessions: await readNationalSessions(ws.dir, ws.dialogue) }
    const again = await runWith(suite.shape(), checkKits(reopened))
    expect(again.national[0]!.missing.map((p) => p.field)).toEqual(["mx-community-networks.label.es"])
    expect(again.complete).toBe(false)
  })
})
