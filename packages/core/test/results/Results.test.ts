// The results on every test database: CSV imports good and bad (all or nothing, FILE:LINE:COLUMN),
// drafts replaced with the log keeping what was there, validated sites closed until reopened,
// the counting in SQL, and the progress of entry across sites.
import { readFile, writeFile } from "node:fs/promises"
import { basename, join } from "node:path"
import { beforeEach, describe, expect, it } from "vitest"
import type { Conflict, InputError, NotFound } from "../../src/domain/Errors.js"
import type { SiteResults } from "../../src/domain/Results.js"
import { withClockAsOf } from "../../src/infra/Clock.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { readBallots } from "../../src/results/Ballots.js"
import { importResults, reopenResults, resultsLog, resultsStatus, storeResults, validateResults } from "../../src/results/Results.js"
import { ResultsRepo } from "../../src/results/ResultsRepo.js"
import { importAttendance } from "../../src/recruitment/Attendance.js"
import { importRegistryFile } from "../../src/registries/Registries.js"
import { failWith, type OpenTestDatabase, runWith, testDatabases, truncateAll, useTestDatabase } from "../support/databases.js"
import { exampleDir, kitWorkspace } from "../support/kit-workspace.js"
import { registerWorkspace } from "../support/survey-workspace.js"
import * as Effect from "effect/Effect"

const staff = "staff:ana"

const tallies = `site,table,present,question,option,count
sn-dakar,1,9,access-right,yes,6
sn-dakar,1,9,access-right,no,2
sn-dakar,2,8,access-right,yes,5
sn-dakar,2,8,access-right,undecided,3
gb-london,1,10,access-right,no,10
`

const ballots = `site,ballot,question,value
sn-dakar,b1,data-protections,consent no-sale
sn-dakar,b1,platform-responsibility,7
sn-dakar,b1,governance-rank,citizens united-nations governments
sn-dakar,b2,data-protections,consent
sn-dakar,b2,platform-responsibility,3
sn-dakar,b2,governance-rank,governments citizens
sn-dakar,b3,data-protections,
`

describe.each(testDatabases)("results on $name", (testDb) => {
  const db = useTestDatabase(testDb)
  let shape: OpenTestDatabase
  let ws: Workspace
  beforeEach(async () => {
    shape = db()
    await truncateAll(shape)
    ws = await kitWorkspace({ "ballots/votes.yaml": await readFile(join(exampleDir, "ballots", "votes.yaml"), "utf8"), "participants.csv": "id,site_id,code,locale,email,gender,age_band,education,residence\n" })
    await registerWorkspace(shape, ws)
  })
  const file = async (name: string, text: string): Promise<string> => {
    const path = join(ws.dir, name)
    await writeFile(path, text)
    return path
  }
  const read = async (ids: ReadonlyArray<string>): Promise<Map<string, SiteResults>> =>
    runWith(shape, Effect.gen(function*() {
      const { ballots: b } = yield* readBallots(ws.dir, ws.dialogue)
      return yield* ResultsRepo.use((repo) => repo.readSites(ids))
    }))
  const statuses = () => runWith(shape, ResultsRepo.use((repo) => repo.statuses()))

  it("imports tallies and ballots for several sites and reads back exactly what was entered", async () => {
    // a dry run: every check runs and the rows are written, then rolled back — no results, no log
    const rehearsed = await runWith(shape, importResults({ workspace: ws, file: await file("t.csv", tallies), actor: staff, dryRun: true }))
    expect(rehearsed).toMatchObject({ part: "tallies", rows: 5, sites: ["sn-dakar", "gb-london"], dryRun: true })
    expect(await runWith(shape, resultsLog(undefined))).toEqual([])
    expect(await shape.db.selectFrom("result_sites").select("site_id").execute()).toEqual([])
    const t = await runWith(shape, importResults({ workspace: ws, file: await file("t.csv", tallies), actor: staff }))
    expect(t).toMatchObject({ part: "tallies", rows: 5, sites: ["sn-dakar", "gb-london"] })
    const b = await runWith(shape, importResults({ workspace: ws, file: await file("b.csv", ballots), actor: staff }))
    expect(b).toMatchObject({ part: "ballots", rows: 7, sites: ["sn-dakar"] })
    const dakar = (await read(["sn-dakar"])).get("sn-dakar")!
    expect(dakar.tallies).toEqual([
      { table: 1, present: 9, counts: { "access-right": { no: 2, yes: 6 } } },
      { table: 2, present: 8, counts: { "access-right": { undecided: 3, yes: 5 } } }
    ])
    const byBallot = Object.fromEntries(dakar.ballots.map((x) => [x.ballot, x.answers]))
    expect(byBallot).toEqual({
      b1: { "data-protections": ["consent", "no-sale"], "platform-responsibility": 7, "governance-rank": ["citizens", "united-nations", "governments"] },
      b2: { "data-protections": ["consent"], "platform-responsibility": 3, "governance-rank": ["governments", "citizens"] },
      // a blank ballot is still a ballot cast
      b3: {}
    })
    expect((await statuses()).map((s) => [s.site_id, s.status, s.updated_by])).toEqual([["gb-london", "draft", staff], ["sn-dakar", "draft", staff]])
  })

  it("refuses a whole file with every bad cell at FILE:LINE:COLUMN, and writes nothing", async () => {
    const bad = `site,table,present,question,option,count
sn-dakar,1,9,access-right,yes,6
sn-dakar,1,9,access-right,no,4
sn-dakar,2,x,access-right,yes,1
sn-dakar,3,8,access-right,maybe,1
zz-nowhere,1,8,access-right,yes,1
sn-dakar,1,9,access-right,yes,1
sn-dakar,4,8,access-right,no,2.5
sn-dakar,5,9,data-protections,consent,1
`
    const error = (await failWith(shape, importResults({ workspace: ws, file: await file("bad.csv", bad), actor: staff }))) as InputError
    expect(error._tag).toBe("InputError")
    const where = error.problems.map((p) => `${basename(p.file!)}:${p.line}:${p.column}`)
    expect(where).toEqual(["bad.csv:3:6", "bad.csv:4:3", "bad.csv:5:5", "bad.csv:6:1", "bad.csv:7:5", "bad.csv:8:6", "bad.csv:9:4"])
    expect(error.problems[0]!.message).toMatch(/10 votes but only 9 people present/)
    expect(error.problems[4]!.message).toMatch(/duplicate.*line 2/)
    expect(error.problems[6]!.message).toMatch(/collected by ballot/)
    expect(await statuses()).toEqual([])

    const tooMany = `site,ballot,question,value\nsn-dakar,b1,data-protections,consent deletion oversight\nsn-dakar,b1,data-protections,consent\n`
    const e2 = (await failWith(shape, importResults({ workspace: ws, file: await file("b.csv", tooMany), actor: staff }))) as InputError
    expect(e2.problems.map((p) => [p.line, p.column, p.message])).toEqual([
      [2, 4, "expected at most 2 choices, got 3"],
      [3, 2, expect.stringMatching(/duplicate: ballot b1's answer to "data-protections" is already on line 2/)]
    ])
    expect(await statuses()).toEqual([])
  })

  it("replaces a site's draft on a new import, keeping what was there in the log", async () => {
    await runWith(shape, importResults({ workspace: ws, file: await file("t.csv", tallies), actor: staff }))
    await runWith(shape, importResults({ workspace: ws, file: await file("b.csv", ballots), actor: staff }))
    const corrected = `site,table,present,question,option,count\nsn-dakar,1,9,access-right,yes,9\n`
    await runWith(shape, importResults({ workspace: ws, file: await file("t2.csv", corrected), actor: "staff:bo" }))
    const dakar = (await read(["sn-dakar"])).get("sn-dakar")!
    expect(dakar.tallies).toEqual([{ table: 1, present: 9, counts: { "access-right": { yes: 9 } } }])
    // the ballots, another part, are untouched
    expect(dakar.ballots).toHaveLength(3)
    const log = await runWith(shape, resultsLog("sn-dakar"))
    expect(log.map((e) => [e.action, e.actor])).toEqual([["import tallies", staff], ["import ballots", staff], ["import tallies", "staff:bo"]])
    expect(log[2]!.before!.tallies).toHaveLength(2)
    expect(log[2]!.after!.tallies).toEqual(dakar.tallies)
    expect(log[2]!.after!.ballots).toHaveLength(3)
  })

  it("closes validated results to imports and to the write path until they are reopened with a reason", async () => {
    await runWith(shape, importResults({ workspace: ws, file: await file("t.csv", tallies), actor: staff }))
    expect((await runWith(shape, validateResults({ site: "sn-dakar" }, staff))).map((c) => [c.site_id, c.from, c.to])).toEqual([["sn-dakar", "draft", "validated"]])
    const refused = (await failWith(shape, importResults({ workspace: ws, file: await file("t.csv", tallies), actor: staff }))) as InputError
    expect(refused.problems).toEqual([{ file: join(ws.dir, "t.csv"), line: 2, column: 1, field: "site", message: expect.stringMatching(/sn-dakar are validated: reopen/) }])
    const { ballots: b } = await runWith(shape, readBallots(ws.dir, ws.dialogue))
    const direct = (await failWith(shape, storeResults(b, [{ site_id: "sn-dakar", tallies: [], ballots: [], recommendations: [] }], ["tallies"], { actor: "link:sn-dakar", action: "web-draft" }))) as Conflict
    expect(direct._tag).toBe("Conflict")
    const reason = (await failWith(shape, reopenResults("sn-dakar", "  ", staff))) as InputError
    expect(reason._tag).toBe("InputError")
    expect((await runWith(shape, reopenResults("sn-dakar", "table 2 counted twice", staff))).map((c) => c.from)).toEqual(["validated"])
    await runWith(shape, importResults({ workspace: ws, file: await file("t.csv", tallies), actor: staff }))
    const log = await runWith(shape, resultsLog("sn-dakar"))
    expect(log.map((e) => [e.action, e.status_before, e.status_after, e.reason])).toEqual([
      ["import tallies", null, "draft", null],
      ["validate", "draft", "validated", null],
      ["reopen", "validated", "draft", "table 2 counted twice"],
      ["import tallies", "draft", "draft", null]
    ])
    const missing = (await failWith(shape, validateResults({ site: "in-delhi" }, staff))) as NotFound
    expect(missing._tag).toBe("NotFound")
  })

  it("validates every submitted site at once, leaving drafts", async () => {
    const { ballots: b } = await runWith(shape, readBallots(ws.dir, ws.dialogue))
    const one = (site_id: string): SiteResults => ({ site_id, tallies: [{ table: 1, present: 5, counts: { "access-right": { yes: 5 } } }], ballots: [], recommendations: [] })
    await runWith(shape, storeResults(b, [one("sn-dakar"), one("gb-london")], ["tallies"], { actor: "link:x", action: "web-submit", submit: true }))
    await runWith(shape, storeResults(b, [one("eg-cairo")], ["tallies"], { actor: "link:eg-cairo", action: "web-draft" }))
    const changes = await runWith(shape, validateResults({ allSubmitted: true }, staff))
    expect(changes.map((c) => c.site_id).sort()).toEqual(["gb-london", "sn-dakar"])
    expect(Object.fromEntries((await statuses()).map((s) => [s.site_id, s.status]))).toEqual({ "eg-cairo": "draft", "gb-london": "validated", "sn-dakar": "validated" })
  })

  it("refuses results that break the shared checks through the write path, naming the site and field", async () => {
    const { ballots: b } = await runWith(shape, readBallots(ws.dir, ws.dialogue))
    const bad: SiteResults = {
      site_id: "sn-dakar",
      tallies: [{ table: 1, present: 3, counts: { "access-right": { yes: 4 } } }],
      ballots: [{ ballot: "b1", answers: { "data-protections": ["consent", "deletion", "oversight"] } }],
      recommendations: [{ question: "recommendations", table: 1, number: 3, text: "x", votes: 1 }]
    }
    const error = (await failWith(shape, storeResults(b, [bad], ["tallies", "ballots", "recommendations"], { actor: staff, action: "test" }))) as InputError
    expect(error.problems.map((p) => p.field)).toEqual(["sn-dakar.tallies.1.access-right", "sn-dakar.ballots.b1.data-protections", "sn-dakar.recommendations.recommendations.1.3"])
    expect(await statuses()).toEqual([])
  })

  it("stores each site's counts per question with its results: tallies summed over tables, ballots per option, rank sums for rankings", async () => {
    await runWith(shape, importResults({ workspace: ws, file: await file("t.csv", tallies), actor: staff }))
    await runWith(shape, importResults({ workspace: ws, file: await file("b.csv", ballots), actor: staff }))
    const totals = await runWith(shape, ResultsRepo.use((repo) => repo.siteTotals(["sn-dakar", "gb-london"])))
    const of = (site: string, q: string) => totals.find((t) => t.site_id === site && t.question === q)
    expect(of("sn-dakar", "access-right")).toEqual({ site_id: "sn-dakar", question: "access-right", voters: 16, votes: { yes: 11, no: 2, undecided: 3 } })
    expect(of("gb-london", "access-right")).toMatchObject({ voters: 10, votes: { no: 10 } })
    expect(of("sn-dakar", "data-protections")).toMatchObject({ voters: 2, votes: { consent: 2, "no-sale": 1 } })
    expect(of("sn-dakar", "platform-responsibility")).toMatchObject({ voters: 2, votes: { "7": 1, "3": 1 } })
    expect(of("sn-dakar", "governance-rank")).toMatchObject({ voters: 2, votes: { citizens: 2, governments: 2, "united-nations": 1 }, rank_sums: { citizens: 3, governments: 4, "united-nations": 2 } })
  })

  it("shows the progress of entry: expected sites, statuses, overdue once a site's day has ended in its zone", async () => {
    await runWith(shape, importResults({ workspace: ws, file: await file("t.csv", tallies), actor: staff }))
    await runWith(shape, validateResults({ site: "gb-london" }, staff))
    // 2027-05-15 at 18:00Z: Delhi's day (09:00–16:50 +05:30) is over, Cairo's (Africa/Cairo, +03:00) too
    const during = await runWith(shape, withClockAsOf(new Date("2027-05-15T18:00:00Z"), resultsStatus(ws, { by: "site" })))
    // the mirror site (ws-apia) is not expected
    expect(during.total).toMatchObject({ expected: 4, validated: 1, draft: 1, missing: 2, present: 27 })
    expect(during.sites.filter((s) => s.overdue).map((s) => s.site_id).sort()).toEqual(["eg-cairo", "in-delhi"])
    // where attendance is recorded, the people present are those signed in, not the tables' sum
    await runWith(shape, importRegistryFile("participants", await file("p.csv", "id,site_id\np-a,sn-dakar\np-b,sn-dakar\np-c,sn-dakar\n")))
    await runWith(shape, importAttendance(await file("att.csv", "participant,present\np-a,yes\np-b,yes\np-c,no\n")))
    const signedIn = await runWith(shape, withClockAsOf(new Date("2027-05-15T18:00:00Z"), resultsStatus(ws, { by: "site" })))
    expect(signedIn.total.present).toBe(27 - 17 + 2)
    const before = await runWith(shape, withClockAsOf(new Date("2027-05-15T00:00:00Z"), resultsStatus(ws, { by: "country" })))
    expect(before.total.overdue).toBe(0)
    expect(before.groups.map((g) => g.group)).toEqual(["EG", "GB", "IN", "SN"])
    const withMirror = await runWith(shape, resultsStatus(ws, { by: "region", includeMirror: true }))
    expect(withMirror.total.expected).toBe(5)
  })
})
