// The staff's live view (/live, /live.json) on a real server on loopback, on every test database:
// absent without a staff token, 401 without the right one (saying nothing of the data), the
// sites' states at a rehearsed instant mid-day, coverage and provisional shares once sites have
// reported, the browser's cookie flow, and the token kept out of the log.
import * as Effect from "effect/Effect"
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { sql } from "kysely"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import type { SiteResults } from "../../src/domain/Results.js"
import { withClockAsOf } from "../../src/infra/Clock.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { importRegistryFile } from "../../src/registries/Registries.js"
import { readBallots } from "../../src/results/Ballots.js"
import { storeResults, validateResults } from "../../src/results/Results.js"
import { resultsLinks } from "../../src/results/ResultsLinks.js"
import { livePlan, liveResults, type LiveResults, readLiveSnapshot } from "../../src/results/ResultsLive.js"
import { type ServeOptions, serveSurveys } from "../../src/server/SurveyServe.js"
import { ConveneStore } from "../../src/Store.js"
import { type OpenTestDatabase, runWith, testDatabases, truncateAll, useTestDatabase } from "../support/databases.js"
import { exampleDir, fellowsCsv, kitWorkspace } from "../support/kit-workspace.js"
import { thCount, thWithoutScope } from "../support/html.js"

const TOKEN = "staff-token-0123456789-abcdefghij"

// sites around the world, each starting at 09:00 local (Dakar at 10:00), and a mirror dialogue
const sitesCsv = `id,name,city,country,timezone,locale,capacity,format,fellow_email,start_local
gb-london,London assembly,London,GB,Europe/London,en-GB,120,in-person,ada@example.org,
sn-dakar,Dakar assembly,Dakar,SN,Africa/Dakar,fr-SN,100,in-person,awa@example.org,10:00
eg-cairo,Cairo assembly,Cairo,EG,Africa/Cairo,ar-EG,90,hybrid,karim@example.org,
in-delhi,Delhi assembly,New Delhi,IN,Asia/Kolkata,hi-IN,80,online,priya@example.org,
jp-tokyo,Tokyo assembly,Tokyo,JP,Asia/Tokyo,en,60,in-person,priya@example.org,
us-denver,Denver assembly,Denver,US,America/Denver,en-US,70,in-person,ada@example.org,
ws-apia,Apia mirror dialogue,Apia,WS,Pacific/Apia,sm-WS,40,mirror,lagi@example.org,
`

const MIDDAY = new Date("2027-05-15T12:00:00Z")

const tally = (site: string, yes: number, no: number, undecided: number): SiteResults => ({
  site_id: site,
  tallies: [{ table: 1, present: yes + no + undecided, counts: { "access-right": { yes, no, undecided } } }],
  ballots: [],
  recommendations: []
})

describe.each(testDatabases)("the live view on $name", (testDb) => {
  const db = useTestDatabase(testDb)
  let shape: OpenTestDatabase
  let ws: Workspace
  beforeEach(async () => {
    shape = db()
    await truncateAll(shape)
    await sql`truncate result_links, result_keys, result_log, result_sites cascade`.execute(shape.db)
    ws = await kitWorkspace({ "ballots/votes.yaml": await readFile(join(exampleDir, "ballots", "votes.yaml"), "utf8"), "sites.csv": sitesCsv, "fellows.csv": fellowsCsv })
    for (const r of ["fellows", "sites"] as const) await runWith(shape, importRegistryFile(r, join(ws.dir, `${r}.csv`)))
  })

  let stop: () => void = () => {}
  let served: Promise<void> = Promise.resolve()
  let origin = ""
  const logs: Array<string> = []
  const start = async (options: Partial<ServeOptions> = {}, asOf: Date = MIDDAY) => {
    logs.length = 0
    const until = new Promise<void>((resolve) => (stop = resolve))
    const port = await new Promise<number>((resolve, reject) => {
      served = Effect.runPromise(
        withClockAsOf(asOf, serveSurveys(ws, { port: 0, until, log: (l) => logs.push(l), onListening: (a) => resolve(a.port), liveCacheMs: 0, ...options })).pipe(
          Effect.provide(ConveneStore.layerFrom(shape))
        )
      )
      served.catch(reject)
    })
    origin = `http://127.0.0.1:${port}`
  }
  afterEach(async () => {
    stop()
    await served.catch(() => {})
  })
  const bearer = { authorization: `Bearer ${TOKEN}` }
  const live = async (): Promise<LiveResults> => {
    const res = await fetch(`${origin}/live.json`, { headers: bearer })
    expect(res.status).toBe(200)
    expect(res.headers.get("content-type")).toContain("application/json")
    return (await res.json()) as LiveResults
  }

  it("does not exist without a staff token, and refuses a short one at start", async () => {
    await start()
    expect((await fetch(`${origin}/live`, { headers: bearer })).status).toBe(404)
    expect((await fetch(`${origin}/live.json?token=${TOKEN}`)).status).toBe(404)
    expect((await fetch(`${origin}/healthz`)).status).toBe(200)
    stop()
    await served
    const refused = await Effect.runPromise(
      Effect.flip(serveSurveys(ws, { port: 0, staffToken: "short-token" })).pipe(Effect.provide(ConveneStore.layerFrom(shape)))
    )
    expect(String(refused)).toContain("at least 24")
    expect(String(refused)).not.toContain("short-token")
  })

  it("answers 401 without the token or with a wrong one, and says nothing of the data", async () => {
    await runWith(shape, Effect.gen(function*() {
      const { ballots } = yield* readBallots(ws.dir, ws.dialogue)
      yield* storeResults(ballots, [tally("jp-tokyo", 5, 2, 1)], ["tallies"], { actor: "staff:test", action: "import", submit: true })
    }))
    await start({ staffToken: TOKEN })
    const attempts: Array<[string, RequestInit]> = [
      ["/live", {}],
      ["/live.json", {}],
      ["/live", { headers: { authorization: "Bearer staff-token-0123456789-abcdefghiX" } }],
      ["/live.json", { headers: { authorization: `Basic ${Buffer.from(`staff:${TOKEN}`).toString("base64")}` } }],
      ["/live?token=wrong", { redirect: "manual" }],
      ["/live.json", { headers: { cookie: "convene_staff=forged" } }],
      // the token itself is not the cookie: the cookie holds a value derived from it
      ["/live", { headers: { cookie: `convene_staff=${TOKEN}` } }]
    ]
    for (const [path, init] of attempts) {
      const res = await fetch(`${origin}${path}`, init)
      const body = await res.text()
      expect(res.status, path).toBe(401)
      expect(res.headers.get("www-authenticate")).toContain("Bearer")
      expect(res.headers.get("set-cookie")).toBeNull()
      for (const secret of ["Tokyo", "London", "EMBARGOED", "access", "Human right", "validated", "submitted"]) expect(body, `${path} ${secret}`).not.toContain(secret)
      if (path.startsWith("/live.json")) expect(JSON.parse(body)).toEqual({ error: "unauthorized" })
    }
  })

  it("shows each site's state at a rehearsed instant mid-day, following the sun, under embargo", async () => {
    await start({ staffToken: TOKEN })
    const data = await live()
    expect(data.as_of.slice(0, 15)).toBe("2027-05-15T12:0")
    // the mirror dialogue meets later: not expected
    expect(data.sites.map((s) => s.site_id)).toEqual(["jp-tokyo", "in-delhi", "eg-cairo", "gb-london", "sn-dakar", "us-denver"])
    const state = Object.fromEntries(data.sites.map((s) => [s.site_id, s.state]))
    expect(state).toEqual({ "jp-tokyo": "not_reported", "in-delhi": "not_reported", "eg-cairo": "in_session", "gb-london": "in_session", "sn-dakar": "in_session", "us-denver": "not_started" })
    expect(data.counts).toMatchObject({ expected: 6, not_started: 1, in_session: 3, not_reported: 2, submitted: 0, validated: 0, draft: 0 })
    expect(data.embargo.holds).toBe(true)
    expect(Date.parse(data.embargo.ends)).toBeGreaterThan(Date.parse(data.sites.at(-1)!.day_ends))
    expect(data.provisional.coverage).toEqual({ sites: 0, expected_sites: 6, regions: 0, expected_regions: 4 })

    const res = await fetch(`${origin}/live`, { headers: bearer })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<meta http-equiv="refresh" content="10">')
    expect(html).toContain("EMBARGOED until")
    expect(html).toContain("No site has submitted its results yet.")
    expect(thCount(html)).toBeGreaterThan(0)
    expect(thWithoutScope(html)).toEqual([])
    expect(html).not.toContain("⟦")
    expect(html).not.toContain("Apia")
    // the table follows the sun, with each state in words
    const rows = [...html.matchAll(/<tr class="([a-z_]+)"><th scope="row">([^<]+)<\/th>/g)].map((m) => [m[2], m[1]])
    expect(rows).toEqual([
      ["Tokyo assembly", "not_reported"],
      ["Delhi assembly", "not_reported"],
      ["Cairo assembly", "in_session"],
      ["London assembly", "in_session"],
      ["Dakar assembly", "in_session"],
      ["Denver assembly", "not_started"]
    ])
    expect(html).toContain("Day over, not reported")
    expect(html).toContain("Not started")
    // before the day: every site not started; after the embargo: released
    stop()
    await served
    await start({ staffToken: TOKEN }, new Date("2027-05-14T12:00:00Z"))
    expect((await live()).counts).toMatchObject({ not_started: 6 })
    stop()
    await served
    await start({ staffToken: TOKEN }, new Date("2027-05-17T00:00:00Z"))
    const after = await live()
    expect(after.embargo.holds).toBe(false)
    expect(after.counts).toMatchObject({ not_reported: 6 })
    expect(await (await fetch(`${origin}/live`, { headers: bearer })).text()).not.toContain("EMBARGOED")
  })

  it("counts coverage and provisional shares from the submitted and validated sites", async () => {
    await runWith(shape, Effect.gen(function*() {
      const { ballots } = yield* readBallots(ws.dir, ws.dialogue)
      yield* storeResults(ballots, [tally("jp-tokyo", 5, 2, 1), tally("in-delhi", 3, 3, 0)], ["tallies"], { actor: "staff:test", action: "import", submit: true })
      yield* storeResults(ballots, [tally("eg-cairo", 9, 0, 0)], ["tallies"], { actor: "link:eg-cairo", action: "web-draft" })
      yield* validateResults({ site: "in-delhi" }, "staff:test")
    }))
    await start({ staffToken: TOKEN })
    const data = await live()
    const state = Object.fromEntries(data.sites.map((s) => [s.site_id, [s.state, s.draft]]))
    expect(state["jp-tokyo"]).toEqual(["submitted", false])
    expect(state["in-delhi"]).toEqual(["validated", false])
    // a draft is entered, not reported: Cairo is still in session, with its draft noted
    expect(state["eg-cairo"]).toEqual(["in_session", true])
    expect(data.counts).toMatchObject({ submitted: 1, validated: 1, draft: 1, in_session: 3, not_reported: 0 })
    expect(data.coverage).toMatchObject({ expected: 6, validated: 1, submitted: 1, regions: { expected: 4, validated: 1 }, countries: { expected: 6, validated: 1 } })
    expect(data.coverage.by_region.find((g) => g.key === "m49:142")).toEqual({ key: "m49:142", label: "Asia", expected: 2, submitted: 1, validated: 1 })
    expect(data.coverage.by_region.find((g) => g.key === "m49:002")).toMatchObject({ expected: 2, submitted: 0, validated: 0 })
    expect(data.coverage.by_country.find((g) => g.key === "IN")).toMatchObject({ label: "India", expected: 1, validated: 1 })
    // Tokyo and Delhi counted, Cairo's draft not: yes 8 of 14
    expect(data.provisional.coverage).toEqual({ sites: 2, expected_sites: 6, regions: 1, expected_regions: 4 })
    const access = data.provisional.questions.find((q) => q.id === "access-right")!
    expect(access.n).toMatchObject({ sites: 2, voters: 14 })
    expect(access.options.find((o) => o.id === "yes")).toMatchObject({ count: 8 })
    expect(access.options.find((o) => o.id === "yes")!.share.value).toBeCloseTo(8 / 14, 10)
    expect(access.coverage).toEqual({ sites: 2, expected_sites: 6, regions: 1, expected_regions: 4 })
    // a ballot question nobody voted on yet covers no site
    expect(data.provisional.questions.find((q) => q.id === "platform-responsibility")!.coverage).toMatchObject({ sites: 0, regions: 0 })

    const html = await (await fetch(`${origin}/live`, { headers: bearer })).text()
    expect(html).toContain("Provisional: 2 of 6 sites, 1 of 4 regions.")
    expect(html).toContain("57.1%")
    expect(html).toContain("1 of 6 expected sites validated, 1 more submitted.")
    expect(html).toContain("draft saved")
  })

  it("swaps a token in the address for a cookie, serves the page in French, and keeps the token out of the log", async () => {
    await start({ staffToken: TOKEN })
    const first = await fetch(`${origin}/live?token=${encodeURIComponent(TOKEN)}&lang=fr`, { redirect: "manual" })
    expect(first.status).toBe(303)
    expect(first.headers.get("location")).toBe("/live?lang=fr")
    const setCookie = first.headers.get("set-cookie")!
    expect(setCookie).toMatch(/^convene_staff=[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Strict$/)
    expect(setCookie).not.toContain(TOKEN)
    const cookie = setCookie.split(";")[0]!
    const page = await fetch(`${origin}/live?lang=fr`, { headers: { cookie } })
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('lang="fr"')
    expect(html).toContain("Journée des résultats, en direct")
    expect(html).toContain("SOUS EMBARGO jusqu’au")
    expect(html).toContain("Journée finie, rien de transmis")
    expect(html).toContain('href="/live.json?lang&#x3D;fr"')
    // the cookie opens the JSON too; compressed when asked
    const json = await fetch(`${origin}/live.json`, { headers: { cookie, "accept-encoding": "gzip" } })
    expect(json.status).toBe(200)
    expect(json.headers.get("content-encoding")).toBe("gzip")
    expect(((await json.json()) as LiveResults).sites).toHaveLength(6)
    expect(logs.some((l) => l.startsWith("GET /live 303"))).toBe(true)
    expect(logs.some((l) => l.startsWith("GET /live 200"))).toBe(true)
    expect(logs.join("\n")).not.toContain(TOKEN)
    expect(logs.join("\n")).not.toContain(TOKEN.slice(0, 12))
  })

  it("refreshes from what changed since the last reading, to the same picture as a full reading", async () => {
    const { ballots } = await runWith(shape, readBallots(ws.dir, ws.dialogue))
    const plan = await runWith(shape, livePlan(ws))
    await runWith(shape, storeResults(ballots, [tally("jp-tokyo", 5, 2, 1)], ["tallies"], { actor: "staff:test", action: "import", submit: true }))
    const first = await runWith(shape, readLiveSnapshot(plan))
    // nothing changed: the same data, the same version
    const quiet = await runWith(shape, readLiveSnapshot(plan, first))
    expect(quiet.version).toBe(first.version)
    expect(quiet.statuses).toBe(first.statuses)
    await runWith(shape, storeResults(ballots, [tally("in-delhi", 3, 3, 0)], ["tallies"], { actor: "staff:test", action: "import", submit: true }))
    await runWith(shape, validateResults({ site: "jp-tokyo" }, "staff:test"))
    await runWith(shape, storeResults(ballots, [tally("eg-cairo", 1, 0, 0)], ["tallies"], { actor: "staff:test", action: "import" }))
    const next = await runWith(shape, readLiveSnapshot(plan, quiet))
    const full = await runWith(shape, readLiveSnapshot(plan))
    expect(next.version).toBe(first.version + 1)
    const at = { now: MIDDAY.getTime() }
    expect(liveResults(plan, ballots, { ...next, ...at }, { locale: "en" })).toEqual(liveResults(plan, ballots, { ...full, ...at }, { locale: "en" }))
    expect(liveResults(plan, ballots, { ...next, ...at }, { locale: "en" }).counts).toMatchObject({ submitted: 1, validated: 1, draft: 1 })
  })

  it("shows results submitted through the results form soon after, though a reading serves a minute", async () => {
    const [link] = await runWith(shape, resultsLinks(["jp-tokyo"]))
    await start({ staffToken: TOKEN, liveCacheMs: 60_000 })
    expect((await live()).counts.submitted).toBe(0)
    // stored behind the server's back: the reading of the last minute still serves
    await runWith(shape, Effect.gen(function*() {
      const { ballots } = yield* readBallots(ws.dir, ws.dialogue)
      yield* storeResults(ballots, [tally("in-delhi", 3, 3, 0)], ["tallies"], { actor: "staff:test", action: "import", submit: true })
    }))
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    expect((await live()).counts.submitted).toBe(0)
    // Tokyo's fellow submits through the form: the next readings show both
    const form = await (await fetch(`${origin}/results/${link!.token}`)).text()
    const body = new URLSearchParams({ _csrf: /name="_csrf" value="([^"]+)"/.exec(form)![1]!, tables: "3", ballots: "10", action: "submit", "t0.table": "1", "t0.present": "8", "t0.access-right.yes": "5", "t0.access-right.no": "2", "t0.access-right.undecided": "1" })
    const posted = await fetch(`${origin}/results/${link!.token}`, { method: "POST", body, redirect: "manual", headers: { origin } })
    expect(posted.status).toBe(303)
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    let submitted = 0
    for (let i = 0; i < 40 && submitted < 2; i++) {
      submitted = (await live()).counts.submitted
      if (submitted < 2) await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(submitted).toBe(2)
  })

  it("slows down a client guessing tokens", async () => {
    await start({ staffToken: TOKEN, failuresPerMinute: 3 })
    const statuses: Array<number> = []
    for (let i = 0; i < 5; i++) statuses.push((await fetch(`${origin}/live.json`, { headers: { authorization: `Bearer guess-${i}-0123456789012345678901` } })).status)
    expect(statuses).toEqual([401, 401, 401, 429, 429])
    // even the right token waits out the window
    expect((await fetch(`${origin}/live.json`, { headers: bearer })).status).toBe(429)
  })
})
