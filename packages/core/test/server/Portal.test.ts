// The public side of `convene serve` on every test database: the portal held before the
// embargo ends (a page that says when, in UTC without JavaScript), the published files after it
// (only those the manifest lists), a country released later held until its own instant; and a
// site's results form that shows that site's figures only.
import * as Effect from "effect/Effect"
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { beforeEach, describe, expect, it } from "vitest"
import { decodeDialogueYaml } from "../../src/domain/Dialogue.js"
import type { SiteResults } from "../../src/domain/Results.js"
import { withClockAsOf } from "../../src/infra/Clock.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { readBallots } from "../../src/results/Ballots.js"
import { resultsEmbargo } from "../../src/results/Embargo.js"
import { storeResults, validateResults } from "../../src/results/Results.js"
import { inviteToResults } from "../../src/results/ResultsInvite.js"
import { resultsLinkKey, resultsToken } from "../../src/results/ResultsLinks.js"
import { portalDir, resultsPublish } from "../../src/results/ResultsPublish.js"
import { surveyServerContext } from "../../src/server/SurveyServe.js"
import { surveyApp } from "../../src/server/SurveyServer.js"
import { type OpenTestDatabase, runWith, testDatabases, truncateAll, useTestDatabase } from "../support/databases.js"
import { exampleDir, kitWorkspace } from "../support/kit-workspace.js"
import { registerWorkspace } from "../support/survey-workspace.js"
import { sql } from "kysely"

const site = (site_id: string, yes: number, no: number, extra: Partial<SiteResults> = {}): SiteResults => ({
  site_id,
  tallies: [{ table: 1, present: yes + no, counts: { "access-right": { yes, no } } }],
  ballots: [],
  recommendations: [],
  ...extra
})

describe.each(testDatabases)("the public portal and the results form on $name", (testDb) => {
  const db = useTestDatabase(testDb)
  let shape: OpenTestDatabase
  let ws: Workspace
  let ends = 0
  beforeEach(async () => {
    shape = db()
    await truncateAll(shape)
    await sql`truncate send_log, result_links, result_keys, result_log, result_sites cascade`.execute(shape.db)
    const yaml = `${(await readFile(join(exampleDir, "convene.yaml"), "utf8")).replace(/\nresults:\n(  .*\n|    .*\n)*/, "\n")}\nresults:\n  release:\n    after_last_site: 2h\n    countries: { SN: 2027-05-18T00:00Z }\n    licence: "CC BY 4.0"\n`
    ws = await kitWorkspace({ "convene.yaml": yaml, "ballots/votes.yaml": await readFile(join(exampleDir, "ballots", "votes.yaml"), "utf8"), "participants.csv": "id,site_id,code,locale,email,gender,age_band,education,residence\n" })
    ws = { ...ws, text: yaml, dialogue: decodeDialogueYaml(yaml, "convene.yaml") }
    await registerWorkspace(shape, ws)
    ends = Date.parse((await runWith(shape, resultsEmbargo(ws))).ends)
  })
  const store = (rows: ReadonlyArray<SiteResults>) =>
    runWith(shape, Effect.gen(function*() {
      const { ballots } = yield* readBallots(ws.dir, ws.dialogue)
      return yield* storeResults(ballots, rows, ["tallies", "ballots", "recommendations"], { actor: "staff:ana", action: "test", simulated: false })
    }))
  const appAt = async (ms: number) => surveyApp(await runWith(shape, surveyServerContext(ws)), { now: () => new Date(ms) })

  it("holds the portal until the embargo ends, then serves what was published; Senegal until its own instant", async () => {
    await store([site("gb-london", 6, 4), site("sn-dakar", 5, 3), site("eg-cairo", 9, 3), site("in-delhi", 4, 2)])
    for (const id of ["gb-london", "sn-dakar", "eg-cairo", "in-delhi"]) await runWith(shape, validateResults({ site: id }, "staff:ana"))
    await runWith(shape, withClockAsOf(new Date(ends), resultsPublish(ws, { replicates: 100 })))
    const published = (path: string) => readFile(join(portalDir(ws), path), "utf8")

    // a second before: a page that says when, in UTC without JavaScript, and nothing of the results
    const before = await appAt(ends - 1000)
    for (const path of ["/portal/", "/portal/index.html", "/portal/data/results.csv", "/portal/countries/GB.html"]) {
      const res = await before.request(path)
      expect(res.status, path).toBe(200)
      const html = await res.text()
      expect(html).toContain(`<time datetime="${new Date(ends).toISOString().replace(".000Z", "Z")}" data-local>`)
      expect(html).toMatch(/UTC<\/time>/)
      expect(html).not.toContain("<svg")
      expect(html).not.toContain("gb-london")
      expect(res.headers.get("content-security-policy")).toMatch(/script-src 'sha256-[^']+'/)
    }
    expect((await before.request("/")).headers.get("location")).toBe("/portal/")

    // at the instant: the published files, byte for byte
    const after = await appAt(ends)
    const index = await after.request("/portal/")
    expect(index.headers.get("content-type")).toContain("text/html")
    expect(await index.text()).toBe(await published("index.html"))
    const csv = await after.request("/portal/data/results.csv")
    expect(csv.headers.get("content-type")).toContain("text/csv")
    expect(await csv.text()).toBe(await published("data/results.csv"))
    expect(await (await after.request("/portal/countries/GB.html")).text()).toContain("<svg")
    // only what the manifest lists
    expect((await after.request("/portal/../convene.yaml")).status).toBe(404)
    expect((await after.request("/portal/nothing.html")).status).toBe(404)
    // Senegal is released on the 18th: its page says when, in French, and its sites are in no file
    const sn = await (await after.request("/portal/countries/SN.html")).text()
    expect(sn).toContain(`<time datetime="2027-05-18T00:00:00Z" data-local>`)
    expect(sn).not.toContain("<svg")
    expect(await published("data/results.csv")).not.toContain("sn-dakar")
    const snAfter = await (await appAt(Date.parse("2027-05-18T00:00:00Z"))).request("/portal/countries/SN.html")
    // the page published before the 18th still says when: publish again to put Senegal in
    expect(await snAfter.text()).toBe(await published("countries/SN.html"))
  })

  it("holds a portal published ahead of the server's clock, in a rehearsal", async () => {
    await store([site("gb-london", 6, 4), site("sn-dakar", 5, 3)])
    for (const id of ["gb-london", "sn-dakar"]) await runWith(shape, validateResults({ site: id }, "staff:ana"))
    await runWith(shape, withClockAsOf(new Date("2027-05-19T00:00:00Z"), resultsPublish(ws, { replicates: 100 })))
    const html = await (await (await appAt(ends + 1000)).request("/portal/index.html")).text()
    expect(html).toContain(`<time datetime="2027-05-18T00:00:00Z" data-local>`)
    expect(html).not.toContain("<svg")
    expect(await (await (await appAt(Date.parse("2027-05-18T00:00:00Z"))).request("/portal/index.html")).text()).toContain("<svg")
  })

  it("shows a site's fellow that site's own figures only", async () => {
    await runWith(shape, inviteToResults(ws, { baseUrl: "https://results.example.org/", transport: { outboxDir: join(ws.dir, "out", "outbox") } }))
    await store([
      site("gb-london", 61, 47, {
        ballots: [{ ballot: "B-LONDON-77", answers: { "platform-responsibility": 9 } }],
        recommendations: [{ question: "recommendations", table: 1, number: 1, text: "Teach digital rights in every school", votes: 93 }]
      }),
      site("sn-dakar", 2, 6)
    ])
    const key = await runWith(shape, resultsLinkKey())
    const app = await appAt(ends - 86_400_000)
    const pageOf = async (id: string) => (await app.request(`/results/${resultsToken(key, id)}`)).text()
    const london = await pageOf("gb-london")
    const dakar = await pageOf("sn-dakar")
    // London's own page holds its figures (the test can fail)
    for (const mine of ["B-LONDON-77", "Teach digital rights in every school", 'value="61"', 'value="47"', 'value="93"']) expect(london).toContain(mine)
    // Dakar's page: its own figures, nothing of London's
    expect(dakar).toContain('value="2"')
    for (const theirs of ["B-LONDON-77", "Teach digital rights in every school", 'value="61"', 'value="47"', 'value="93"', 'value="108"', "London"]) expect(dakar).not.toContain(theirs)
  })
})
