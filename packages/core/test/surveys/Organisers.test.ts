// The organisers' questionnaire (issue 18, section 4) on every test database: who its respondents
// are (fellows running a site, facilitators listed in site files) and their codes, invitations by
// mail in their language, the web form and paper entry into their own tables, and the report
// apart from the participants' evaluation, its figures checked against values worked by hand.
import { readdir, readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { simpleParser } from "mailparser"
import { sql } from "kysely"
import { beforeEach, describe, expect, it } from "vitest"
import type { InputError } from "../../src/domain/Errors.js"
import { decodeInstrumentYaml, type Instrument } from "../../src/domain/Instrument.js"
import { type Facilitator, gatherFacilitators, organiserCode, organiserRespondents } from "../../src/domain/Organisers.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { organisersReport } from "../../src/report/OrganiserReport.js"
import { surveyReport } from "../../src/report/SurveyReport.js"
import { surveyApp } from "../../src/server/SurveyServer.js"
import { surveyServerContext } from "../../src/server/SurveyServe.js"
import { importSurveyAnswers, inviteToSurvey, surveyToken, surveyTokenKey } from "../../src/surveys/Surveys.js"
import { failWith, type OpenTestDatabase, runWith, testDatabases, truncateAll, useTestDatabase } from "../support/databases.js"
import { exampleDir, kitWorkspace } from "../support/kit-workspace.js"
import { participantsCsv, registerWorkspace } from "../support/survey-workspace.js"

const sites = {
  "sites/sn-dakar/site.yaml": `facilitators:
  - { id: sn-dakar-ndiaye, name: "Moussa Ndiaye", email: moussa@example.org }
  - { id: sn-dakar-faye, name: "Ibrahima Faye" }
`,
  "sites/eg-cairo/site.yaml": `facilitators:
  - { id: eg-cairo-hassan, name: "Mona Hassan", email: mona@example.org, locale: en-EG }
`
}

describe("organisers: codes and respondents", () => {
  it("uses the id in upper case as the code, and a stable O- code for an id that cannot be one", () => {
    expect(organiserCode("f-sn-diallo")).toBe("F-SN-DIALLO")
    expect(organiserCode("sn-dakar-ndiaye")).toBe("SN-DAKAR-NDIAYE")
    const short = organiserCode("f1")
    expect(short).toMatch(/^O-[A-Z2-9]{10}$/)
    expect(organiserCode("f1")).toBe(short)
    expect(organiserCode("f2")).not.toBe(short)
    expect(organiserCode("x".repeat(40))).toMatch(/^O-[A-Z2-9]{10}$/)
    // a fellow id with characters a code cannot hold (an underscore) also gets a hashed code
    expect(organiserCode("f_sn")).toMatch(/^O-/)
  })

  it("lists the fellows who run a site and the facilitators of registered sites, by id", () => {
    const all = organiserRespondents({
      fellows: [
        { id: "f-sn", name: "Awa", email: "awa@example.org", country: "SN", languages: "fr" },
        { id: "f-idle", name: "Idle", email: "idle@example.org", country: "FR", languages: "fr" }
      ],
      sites: [
        { id: "sn-thies", name: "Thiès", country: "SN", timezone: "Africa/Dakar", locale: "wo-SN", fellow_email: "awa@example.org" },
        { id: "sn-dakar", name: "Dakar", country: "SN", timezone: "Africa/Dakar", locale: "fr-SN", fellow_email: "awa@example.org" }
      ],
      facilitators: [
        { site: "sn-dakar", file: "sites/sn-dakar/site.yaml", facilitator: { id: "sn-dakar-sarr", name: "Fatou Sarr", locale: "wo-SN" } as Facilitator },
        { site: "xx-gone", file: "sites/xx-gone/site.yaml", facilitator: { id: "xx-gone-one", name: "Nobody" } }
      ]
    })
    // the fellow without a site and the facilitator of an unregistered site are left out;
    // a fellow is written to in the locale of the first of their sites by id (sn-dakar)
    expect(all.map((r) => [r.id, r.kind, r.code, r.site_id, r.locale, r.email])).toEqual([
      ["f-sn", "fellow", "F-SN", "sn-dakar", "fr-SN", "awa@example.org"],
      ["sn-dakar-sarr", "facilitator", "SN-DAKAR-SARR", "sn-dakar", "wo-SN", null]
    ])
  })

  it("refuses a facilitator listed by two sites, naming both files and the line", () => {
    const a = "facilitators:\n  - { id: same-person, name: A }\n"
    const b = "# Thiès\nfacilitators:\n  - { id: other-one, name: B }\n  - { id: same-person, name: C }\n"
    let error: InputError | undefined
    try {
      gatherFacilitators([
        { site: "sn-dakar", file: "sites/sn-dakar/site.yaml", text: a, facilitators: [{ id: "same-person", name: "A" }] },
        { site: "sn-thies", file: "sites/sn-thies/site.yaml", text: b, facilitators: [{ id: "other-one", name: "B" }, { id: "same-person", name: "C" }] }
      ])
    } catch (e) {
      error = e as InputError
    }
    expect(error?.problems).toEqual([
      { file: "sites/sn-thies/site.yaml", line: 4, field: "facilitators.1.id", message: 'expected a facilitator id unique across the sites, "same-person" is already listed in sites/sn-dakar/site.yaml' }
    ])
  })
})

describe.each(testDatabases)("the organisers' questionnaire on $name", (testDb) => {
  const db = useTestDatabase(testDb)
  let shape: OpenTestDatabase
  let ws: Workspace
  let organisers: Instrument
  beforeEach(async () => {
    shape = db()
    await truncateAll(shape)
    await sql`truncate send_log, survey_keys`.execute(shape.db)
    const evaluation = await readFile(join(exampleDir, "surveys", "evaluation.yaml"), "utf8")
    const organisersText = await readFile(join(exampleDir, "surveys", "organisers.yaml"), "utf8")
    ws = await kitWorkspace({ "surveys/evaluation.yaml": evaluation, "surveys/organisers.yaml": organisersText, "participants.csv": participantsCsv, ...sites })
    organisers = decodeInstrumentYaml(organisersText, "organisers.yaml")
    await registerWorkspace(shape, ws)
  })
  const outbox = () => join(ws.dir, "out", "outbox")
  const invite = () => runWith(shape, inviteToSurvey(ws, { wave: "post", instrument: "organisers", baseUrl: "https://survey.example.org", transport: { outboxDir: outbox() } }))
  const paper = async (name: string, rows: ReadonlyArray<string>): Promise<string> => {
    const path = join(ws.dir, name)
    await writeFile(path, ["code,preparation,support,kit-useful,enough-time,quality,kit-adaptation,problems,improve", ...rows].join("\n") + "\n")
    return path
  }
  const importPaper = (file: string) => runWith(shape, importSurveyAnswers(ws, file, { instrument: "organisers", wave: "post" }))

  it("invites every fellow and listed facilitator with an address once, in their language, apart from the participants", async () => {
    // five fellows run the five sites; three facilitators are listed, one without an address
    expect(await invite()).toMatchObject({ sent: 7, withoutEmail: 1, alreadyInvited: 0 })
    expect(await invite()).toMatchObject({ sent: 0, alreadyInvited: 7 })
    const rows = await shape.db.selectFrom("organiser_invitations").select(["respondent_id", "kind", "site_id", "country"]).orderBy("respondent_id").execute()
    expect(rows.map((r) => `${r.respondent_id}:${r.kind}:${r.site_id}:${r.country}`)).toEqual([
      "eg-cairo-hassan:facilitator:eg-cairo:EG",
      "f-eg:fellow:eg-cairo:EG",
      "f-gb:fellow:gb-london:GB",
      "f-in:fellow:in-delhi:IN",
      "f-sn:fellow:sn-dakar:SN",
      "f-ws:fellow:ws-apia:WS",
      "sn-dakar-ndiaye:facilitator:sn-dakar:SN"
    ])
    expect(await shape.db.selectFrom("survey_invitations").selectAll().execute()).toEqual([])
    const mails = await Promise.all((await readdir(outbox())).filter((f) => f.endsWith(".eml")).map(async (f) => simpleParser(await readFile(join(outbox(), f)))))
    expect(mails).toHaveLength(7)
    const to = (address: string) => mails.find((m) => (m.to as { text: string }).text.includes(address))!
    // Dakar's fellow in French with the code for a paper copy; Cairo's facilitator in English, as listed
    expect(to("awa@example.org").text).toContain("F-SN")
    expect(to("awa@example.org").html).toContain('lang="fr')
    expect(to("mona@example.org").html).toContain('lang="en')
    expect(to("mona@example.org").text).toContain("EG-CAIRO-HASSAN")
    expect(to("karim@example.org").html).toContain('dir="rtl"')
  })

  it("stores a facilitator's web answer in the organisers' table, never as a participant's", async () => {
    await invite()
    const context = await runWith(shape, surveyServerContext(ws))
    const app = surveyApp(context, { now: () => new Date("2027-05-20T10:00:00Z") })
    const token = surveyToken(await runWith(shape, surveyTokenKey()), "organisers", "post", "sn-dakar-ndiaye")
    const page = await app.request(`http://localhost/s/${token}`)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('lang="fr-SN"')
    expect(html).toContain(organisers.questions.find((q) => q.id === "preparation")!.label["fr"]!.slice(0, 20))
    const body = new URLSearchParams({ _csrf: /name="_csrf" value="([^"]+)"/.exec(html)![1]!, preparation: "4", support: "5", "kit-useful": "4", "enough-time": "3", quality: "8", improve: "Plus de temps" })
    const sent = await app.request(`http://localhost/s/${token}`, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://localhost" } })
    expect(sent.status).toBe(303)
    const stored = await shape.db.selectFrom("organiser_responses").select(["respondent_id", "kind", "site_id", "country", "source", "wave"]).execute()
    expect(stored).toEqual([{ respondent_id: "sn-dakar-ndiaye", kind: "facilitator", site_id: "sn-dakar", country: "SN", source: "web", wave: "post" }])
    expect(await shape.db.selectFrom("survey_responses").selectAll().execute()).toEqual([])
  })

  it("imports paper answers by organiser code, all or nothing, naming file, line and column", async () => {
    const good = await paper("organisers-ok.csv", [
      "F-SN,4,5,4,2,7,little,connectivity timing,More time for the votes",
      "sn-dakar-faye,2,3,5,2,6,,connectivity,",
      "F-EG,5,4,3,4,9,none,,Print the kit earlier"
    ])
    expect(await importPaper(good)).toMatchObject({ rows: 3, imported: 3 })
    // a participant's code is not an organiser's; an organiser who answered already is refused
    const bad = await paper("organisers-bad.csv", ["F-GB,4,4,4,4,5,,,", "SNAAAA22,3,3,3,3,3,,,", "F-SN,1,1,1,1,1,,,"])
    const error = await failWith(shape, importSurveyAnswers(ws, bad, { instrument: "organisers", wave: "post" })) as InputError
    expect(error.problems.map((p) => `${p.line}:${p.column}:${p.message.slice(0, 40)}`)).toEqual([
      `3:1:${'no organiser (fellow or facilitator listed in a site file) has the code "SNAAAA22"'.slice(0, 40)}`,
      `4:1:${"F-SN already answered the post wave (pap".slice(0, 40)}`
    ])
    expect(error.problems[0]!.file).toContain("organisers-bad.csv")
    // nothing of the bad file was written, F-GB's good row included
    const stored = await shape.db.selectFrom("organiser_responses").select(["respondent_id", "source"]).orderBy("respondent_id").execute()
    expect(stored).toEqual([{ respondent_id: "f-eg", source: "paper" }, { respondent_id: "f-sn", source: "paper" }, { respondent_id: "sn-dakar-faye", source: "paper" }])
    // the participants' report is refused for it, and the participants' instrument stays the default
    const refused = await failWith(shape, surveyReport(ws, { instrument: "organisers" })) as InputError
    expect(refused.message).toContain("organisers' questionnaire")
  })

  it("reports per role with figures worked by hand, and every free-text answer with role and country", async () => {
    await invite()
    await importPaper(await paper("organisers.csv", [
      "F-SN,4,5,4,2,7,little,connectivity timing,More time for the votes",
      "SN-DAKAR-FAYE,2,3,5,2,6,,connectivity,",
      "F-EG,5,4,3,4,9,none,,Print the kit earlier"
    ]))
    const report = await runWith(shape, organisersReport(ws, { instrument: "organisers", locale: "en" }))
    expect(report.response).toEqual([{
      wave: "post",
      // 5 fellows run a site, 3 facilitators are listed; 7 had an address
      listed: { all: 8, fellow: 5, facilitator: 3 },
      invited: { all: 7, fellow: 5, facilitator: 2 },
      answered: { all: 3, fellow: 2, facilitator: 1 },
      sources: { paper: 3 }
    }])
    const question = (id: string) => report.questions.find((q) => q.question === id)!
    const group = (id: string, role: string) => question(id).groups.find((g) => g.role === role)!
    // preparation: 4, 2, 5 → mean 11/3, median 4; the fellows 4 and 5; the facilitator 2
    expect(group("preparation", "all")).toMatchObject({ n: 3, median: 4 })
    expect(group("preparation", "all").mean).toBeCloseTo(11 / 3, 10)
    expect(group("preparation", "fellow")).toMatchObject({ n: 2, mean: 4.5, median: 4.5 })
    expect(group("preparation", "facilitator")).toMatchObject({ n: 1, mean: 2, median: 2 })
    // the Likert points with their labels: one "Disagree" (2) of three
    expect(group("preparation", "all").answers.find((a) => a.value === "2")).toMatchObject({ label: "Disagree", n: 1 })
    expect(group("preparation", "all").answers.find((a) => a.value === "2")!.share).toBeCloseTo(1 / 3, 10)
    // quality on 0-10: 7, 6, 9 → mean 22/3, median 7
    expect(group("quality", "all").mean).toBeCloseTo(22 / 3, 10)
    expect(group("quality", "all").median).toBe(7)
    // adaptation: two answered, one "a little", one "not at all"
    expect(group("kit-adaptation", "all").n).toBe(2)
    expect(group("kit-adaptation", "all").answers.filter((a) => a.n > 0).map((a) => [a.value, a.n, a.share])).toEqual([["none", 1, 0.5], ["little", 1, 0.5]])
    // problems (tick all that apply): two answered; both met the connection, one the schedule
    expect(group("problems", "all").n).toBe(2)
    expect(group("problems", "all").answers.filter((a) => a.n > 0).map((a) => [a.value, a.n, a.share])).toEqual([["connectivity", 2, 1], ["timing", 1, 0.5]])
    // the free text: each answer with the role and country, no name or code
    const improve = report.freeText.find((f) => f.question === "improve")!
    expect([...improve.answers].sort((a, b) => a.country.localeCompare(b.country))).toEqual([
      { role: "fellow", country: "EG", text: "Print the kit earlier" },
      { role: "fellow", country: "SN", text: "More time for the votes" }
    ])
    expect(JSON.stringify(report)).not.toMatch(/F-SN|Awa|awa@|SN-DAKAR-FAYE/)
  })
})
