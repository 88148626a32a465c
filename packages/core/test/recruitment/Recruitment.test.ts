// Storage tests of recruitment (issue 16, sections 2–5), on PGlite and, when DATABASE_URL is set,
// PostgreSQL: the pool imported all or nothing, each site's draw stored with reserves and
// probabilities and the same for the same seed, confirmations that create participants, a
// decline replaced by a reserve that keeps the quotas, attendance, and the representativeness report.
import { describe, expect, it } from "vitest"
import type { Codebook } from "../../src/domain/Codebook.js"
import { formatProblem, type InputError } from "../../src/domain/Errors.js"
import { brokenBounds } from "../../src/domain/Reserves.js"
import { listRegistry } from "../../src/registries/Registries.js"
import {
  confirmCandidates,
  declineCandidate,
  drawSite,
  drawSites,
  exportDraw,
  importAttendance,
  importCandidates,
  recruitmentReport,
  recruitmentStatus,
  type SiteDrawRecord
} from "../../src/recruitment/index.js"
import { failWith, runWith, testDatabases } from "../support/databases.js"
import { useRegistryFixture } from "../support/registry-fixtures.js"

const codebook: Codebook = [
  { id: "gender", values: [{ id: "woman" }, { id: "man" }] },
  { id: "residence", values: [{ id: "urban" }, { id: "rural" }] }
]

// 30 candidates at Dakar (one without consent), 12 at Kathmandu
const poolLines = ["id,site,consent,name,email,gender,residence"]
for (let i = 0; i < 30; i++) poolLines.push(`c-dk-${String(i).padStart(2, "0")},sn-dakar,${i === 7 ? "no" : "yes"},Person ${i},C${i}@Example.org,${i % 2 === 0 ? "woman" : "man"},${i % 3 === 0 ? "rural" : "urban"}`)
for (let i = 0; i < 12; i++) poolLines.push(`c-np-${i},np-kathmandu,yes,,,${i < 6 ? "woman" : "man"},${i % 2 === 0 ? "rural" : "urban"}`)
const poolCsv = poolLines.join("\n") + "\n"
// Senegal's bounds for its two sites (Dakar 100, Thiès 60: Dakar takes 0.625); Kathmandu's own
const targetsCsv = `scope,feature,value,min,max
SN,gender,woman,8,8
SN,gender,man,8,8
SN,residence,rural,5,6
SN,residence,urban,10,11
np-kathmandu,gender,woman,2,2
np-kathmandu,gender,man,2,2
`

const rules = (record: SiteDrawRecord) => ({ features: record.features.map((f) => ({ name: f, values: ["woman", "man", "urban", "rural"] })), quotas: record.targets.quotas, size: record.size })

describe.each(testDatabases)("recruitment on $name", (testDb) => {
  const { current, file, importAll } = useRegistryFixture(testDb)

  const setUp = async () => {
    await importAll()
    const pool = await file("candidates.csv", poolCsv)
    const targets = await file("targets.csv", targetsCsv)
    await runWith(current(), importCandidates(pool, { codebook, displayName: "candidates.csv" }))
    return { pool, targets }
  }

  it("imports the pool all or nothing, contact data apart, and a second import changes nothing", async () => {
    await importAll()
    const bad = poolCsv + "c-dk-99,sn-nowhere,yes,,,woman,urban\nC_DK_98,sn-dakar,yes,,,robot,urban\n"
    const error = (await failWith(current(), importCandidates(await file("bad.csv", bad), { codebook, displayName: "bad.csv" }))) as InputError
    expect(error.problems.map(formatProblem)).toEqual([
      'bad.csv:44:2: site: expected the id of a registered site, "sn-nowhere" is not in the sites registry (import sites first)',
      expect.stringMatching(/^bad\.csv:45:6: gender: .*robot/)
    ])
    expect(await runWith(current(), recruitmentStatus())).toEqual([])
    const first = await runWith(current(), importCandidates(await file("candidates.csv", poolCsv), { codebook }))
    expect(first).toMatchObject({ rows: 42, inserted: 42, updated: 0, sites: 2, consented: 41, features: ["gender", "residence"] })
    const again = await runWith(current(), importCandidates(await file("candidates.csv", poolCsv), { codebook }))
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 42 })
  })

  it("draws a site's panel with its country's targets split by capacity, reserves, and the same panel for the same seed", async () => {
    const { targets } = await setUp()
    const first = await runWith(current(), drawSite({ site: "sn-dakar", targets, seed: "s1", size: 10, reserves: 4, codebook, splitCountry: true }))
    const r = first.record
    expect(r.targets).toMatchObject({ scope: "SN", from: "country", share: 0.625 })
    // 8·0.625 = 5; rural 5..6 → 3..4; urban 10..11 → 6..7
    expect(r.targets.quotas).toEqual([
      { feature: "gender", value: "woman", min: 5, max: 5 },
      { feature: "gender", value: "man", min: 5, max: 5 },
      { feature: "residence", value: "rural", min: 3, max: 4 },
      { feature: "residence", value: "urban", min: 6, max: 7 }
    ])
    expect(r.panel).toHaveLength(10)
    expect(r.panel).not.toContain("c-dk-07")
    expect(r.reserves).toHaveLength(4)
    expect(r.reserves.filter((id) => r.panel.includes(id))).toEqual([])
    const byId = new Map(poolLines.slice(1).map((l) => l.split(",")).map((c) => [c[0]!, { id: c[0]!, features: { gender: c[5]!, residence: c[6]! } }]))
    expect(brokenBounds(rules(r), r.panel.map((id) => byId.get(id)!))).toEqual([])
    expect(r.probabilities).toHaveLength(29)
    expect(r.probabilities.reduce((s, p) => s + p.probability, 0)).toBeCloseTo(10, 3)
    expect(first.files["panel.csv"]!.split("\n")[0]).toBe("id,gender,residence")
    expect(first.files["reserves.csv"]!.split("\n")[1]).toBe(`1,${r.reserves[0]}`)
    // drawn again with the same seed: the same panel and reserves
    const second = await runWith(current(), drawSite({ site: "sn-dakar", targets, seed: "s1", size: 10, reserves: 4, codebook, splitCountry: true }))
    // without the split, Senegal's rows bound Dakar's panel as they are
    const whole = await runWith(current(), drawSite({ site: "sn-dakar", targets, seed: "s1", size: 16, codebook }))
    expect(whole.record.targets).toMatchObject({ scope: "SN", from: "country", share: 1 })
    expect(whole.record.panel).toHaveLength(16)
    expect(second.record.panel).toEqual(r.panel)
    expect(second.record.reserves).toEqual(r.reserves)
    expect(second.record.pool.sha256).toBe(r.pool.sha256)
  })

  it("draws many sites at once in worker threads: the same panels and probabilities as one by one, a site that cannot be drawn reported apart", async () => {
    await setUp()
    // sn-thies has one candidate, fewer than the panel: it fails; the others are drawn
    await runWith(current(), importCandidates(await file("more.csv", "id,site,consent,gender,residence\nc-th-1,sn-thies,yes,woman,urban\n"), { codebook }))
    const targets = await file("all.csv", "scope,feature,value,min,max\nall,gender,woman,5,5\nall,gender,man,5,5\nall,residence,rural,2,5\nall,residence,urban,5,8\n")
    const sites = ["np-kathmandu", "sn-dakar", "sn-thies"]
    const options = { sites, targets, seed: "many", size: 10, reserves: 2, codebook }
    const heard: Array<string> = []
    const parallel = await runWith(current(), drawSites({ ...options, workers: 2, onDrawn: (site, done, total) => heard.push(`${done}/${total}`) }))
    const inThread = await runWith(current(), drawSites({ ...options, workers: 1 }))
    expect(heard).toEqual(["1/3", "2/3", "3/3"])
    expect(parallel.draws.map((d) => d.record.site)).toEqual(["np-kathmandu", "sn-dakar"])
    expect(parallel.failures.map((f) => f.site)).toEqual(["sn-thies"])
    expect(inThread.failures).toEqual(parallel.failures)
    for (const [i, d] of parallel.draws.entries()) {
      const same = inThread.draws[i]!.record
      expect(d.record.seed).toBe(`many/${d.record.site}`)
      expect(d.record.panel).toEqual(same.panel)
      expect(d.record.reserves).toEqual(same.reserves)
      expect(d.record.probabilities).toEqual(same.probabilities)
    }
    // and each panel is the one a single-site draw with that seed gives
    const dakar = await runWith(current(), drawSite({ site: "sn-dakar", targets, seed: "many/sn-dakar", size: 10, reserves: 2, codebook }))
    expect(dakar.record.panel).toEqual(parallel.draws[1]!.record.panel)
  })

  it("refuses a site without targets, saying how to add them", async () => {
    const { targets } = await setUp()
    await runWith(current(), importCandidates(await file("more.csv", "id,site,consent,gender,residence\nc-th-1,sn-thies,yes,woman,urban\n"), { codebook }))
    const noTargets = await file("t2.csv", "scope,feature,value,min,max\nnp-kathmandu,gender,woman,2,2\n")
    const error = (await failWith(current(), drawSite({ site: "sn-thies", targets: noTargets, seed: "x", displayName: "t2.csv" }))) as InputError
    expect(error.message).toContain("Site sn-thies has no targets in t2.csv: add rows with the scope sn-thies, SN or all")
    expect(error.message).toContain("convene recruit targets --census census.csv --size 60")
    void targets
  })

  it("confirms people into participants, replaces a decline with a reserve that keeps the quotas, and records attendance", async () => {
    const { targets } = await setUp()
    const { record } = await runWith(current(), drawSite({ site: "sn-dakar", targets, seed: "s2", size: 10, reserves: 6, codebook, splitCountry: true }))
    const [a, b, c, ...rest] = record.panel
    const confirmed = await runWith(current(), confirmCandidates([a!, b!]))
    expect(confirmed.confirmed.map((x) => x.id)).toEqual([a, b].sort())
    const participants = await runWith(current(), listRegistry("participants", { site_id: "sn-dakar" }))
    expect(participants.map((p) => p.id)).toEqual([a, b].sort())
    expect(participants[0]!.code).toMatch(/^[A-Z2-9]{8}$/)
    // contact data went with them, lower-cased; the registry features too
    const i = Number(a!.slice(5))
    expect(participants.find((p) => p.id === a)).toMatchObject({ email: `c${i}@example.org`, gender: i % 2 === 0 ? "woman" : "man", residence: i % 3 === 0 ? "rural" : "urban" })
    // confirming again changes nothing; a reserve not called in is refused
    expect((await runWith(current(), confirmCandidates([a!]))).already).toEqual([a])
    const notCalled = (await failWith(current(), confirmCandidates([record.reserves[0]!]))) as InputError
    expect(notCalled.problems[0]!.message).toContain("not yet called in")
    // a decline with --replace calls in a reserve, and the panel still meets every quota
    const declined = await runWith(current(), declineCandidate(c!, { replace: true }))
    expect(declined.replacement).not.toBeNull()
    expect(declined.replacement!.broken).toEqual([])
    expect(record.reserves).toContain(declined.replacement!.id)
    const [status] = await runWith(current(), recruitmentStatus("sn-dakar"))
    expect(status).toMatchObject({ size: 10, confirmed: 2, declined: 1, pending: 8, reserves_called: 1, reserves_left: 5, broken: [] })
    // the export is the store as it is now: the replacement in reserve, answers per person
    const files = await runWith(current(), exportDraw("sn-dakar"))
    expect(files["answers.csv"]!.split("\n")).toContain(`${declined.replacement!.id},panel,pending,${record.reserves.indexOf(declined.replacement!.id) + 1},${c},${record.probabilities.find((p) => p.id === declined.replacement!.id)!.probability.toFixed(6)}`)
    expect(files["probabilities.csv"]!.split("\n")).toHaveLength(29 + 2)
    // a confirmed person who withdraws leaves the participants
    const withdrawn = await runWith(current(), declineCandidate(b!))
    expect(withdrawn.participantRemoved).toBe(true)
    expect((await runWith(current(), listRegistry("participants", { site_id: "sn-dakar" }))).map((p) => p.id)).toEqual([a])
    // a new draw is refused once someone has confirmed
    expect(String(await failWith(current(), drawSite({ site: "sn-dakar", targets, seed: "s3", size: 10, splitCountry: true })))).toContain("1 confirmed person")
    // attendance: all or nothing, then recorded
    const code = participants.find((p) => p.id === a)!.code!
    const badSheet = (await failWith(current(), importAttendance(await file("att-bad.csv", `code,present\n${code},yes\nZZZZZZZZ,no\n${code.toLowerCase()},maybe\n`), { displayName: "att.csv" }))) as InputError
    expect(badSheet.problems.map(formatProblem)).toEqual([
      'att.csv:3:1: code: expected a participant\'s code, "ZZZZZZZZ" belongs to nobody',
      'att.csv:4:2: present: expected yes or no (present or absent), got "maybe"',
      `att.csv:4: participant: ${a} is already on line 2`
    ])
    const sheet = await runWith(current(), importAttendance(await file("att.csv", `code,present\n${code},yes\n`)))
    expect(sheet).toMatchObject({ rows: 1, present: 1, absent: 0, inserted: 1 })
    const report = await runWith(current(), recruitmentReport({ codebook }))
    const dakar = report.groups.find((g) => g.group === "sn-dakar")!
    expect(dakar.totals).toMatchObject({ pool: 29, selected: 10, confirmed: 1, attended: 1 })
    expect(dakar.draws[0]).toMatchObject({ method: "leximin", seed: "s2", size: 10 })
    // one attendee cannot meet a panel's bounds: every attended count is flagged
    expect(dakar.rows.every((r) => r.flags.includes("attended") === (r.counts.attended! < r.min || r.counts.attended! > r.max))).toBe(true)
    expect(dakar.rows.some((r) => r.flags.includes("attended"))).toBe(true)
    expect(dakar.rows.some((r) => r.flags.includes("selected"))).toBe(false)
    void rest
  })
})
