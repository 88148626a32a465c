// Simulated results on every test database: every non-mirror site without results gets the pure
// simulation's results, stored submitted and marked simulated through the one write path, in
// batches; a second run adds nothing; sites with results are skipped.
import { join } from "node:path"
import { beforeEach, describe, expect, it } from "vitest"
import type { InputError, NotFound } from "../../src/domain/Errors.js"
import type { SiteResults } from "../../src/domain/Results.js"
import { simulateSiteResults } from "../../src/domain/ResultsSimulation.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { importRegistryFile } from "../../src/registries/Registries.js"
import { readBallots } from "../../src/results/Ballots.js"
import { resultsLog, resultsStatus, storeResults } from "../../src/results/Results.js"
import { ResultsRepo } from "../../src/results/ResultsRepo.js"
import { SIMULATE_BATCH, simulateResults } from "../../src/results/ResultsSimulate.js"
import { exampleBallots, exampleBallotsText } from "../support/example-ballots.js"
import { failWith, type OpenTestDatabase, runWith, testDatabases, truncateAll, useTestDatabase } from "../support/databases.js"
import { kitWorkspace, writeTree } from "../support/kit-workspace.js"
import * as Effect from "effect/Effect"

describe.each(testDatabases)("results simulate on $name", (testDb) => {
  const db = useTestDatabase(testDb)
  let shape: OpenTestDatabase
  let ws: Workspace
  beforeEach(async () => {
    shape = db()
    await truncateAll(shape)
    ws = await kitWorkspace({ "ballots/votes.yaml": exampleBallotsText })
    for (const r of ["fellows", "sites"] as const) await runWith(shape, importRegistryFile(r, join(ws.dir, `${r}.csv`)))
  })
  const read = (ids: ReadonlyArray<string>): Promise<Map<string, SiteResults>> =>
    runWith(shape, Effect.gen(function*() {
      const { ballots } = yield* readBallots(ws.dir, ws.dialogue)
      return yield* ResultsRepo.use((repo) => repo.readSites(ids))
    }))
  const statuses = () => runWith(shape, ResultsRepo.use((repo) => repo.statuses()))

  it("stores the pure simulation's results for every site but the mirror, submitted and marked simulated", async () => {
    // a dry run simulates and writes every batch through the write path, then rolls it back
    const rehearsed = await runWith(shape, simulateResults({ workspace: ws, seed: 3, dryRun: true }))
    expect(rehearsed).toMatchObject({ simulated: true, seed: 3, sites: 4, skipped: 0, dryRun: true })
    expect(rehearsed.sample).toHaveLength(4)
    expect(await statuses()).toEqual([])
    const progress: Array<string> = []
    const summary = await runWith(shape, simulateResults({ workspace: ws, seed: 3, onProgress: (done, total) => progress.push(`${done}/${total}`) }))
    expect(summary).toMatchObject({ simulated: true, seed: 3, sites: 4, skipped: 0 })
    expect(summary).not.toHaveProperty("dryRun")
    expect({ ...rehearsed, dryRun: undefined, sample: undefined }).toEqual({ ...summary, dryRun: undefined, sample: undefined })
    expect(progress).toEqual(["0/4", "4/4"])
    const st = await statuses()
    expect(st.map((s) => [s.site_id, s.status, s.simulated])).toEqual([
      ["eg-cairo", "submitted", true],
      ["gb-london", "submitted", true],
      ["in-delhi", "submitted", true],
      ["sn-dakar", "submitted", true]
    ])
    // what is stored is what the pure simulation gives (multiple choices come back in option order)
    const stored = await read(["sn-dakar", "eg-cairo"])
    const expected = simulateSiteResults(exampleBallots, { id: "sn-dakar", country: "SN", capacity: 100, format: "in-person", locale: "fr-SN" }, 3)
    const dakar = stored.get("sn-dakar")!
    expect(dakar.tallies).toEqual(expected.tallies)
    expect(dakar.recommendations).toEqual(expected.recommendations)
    expect(dakar.ballots).toHaveLength(expected.ballots.length)
    const sorted = (v: unknown) => (Array.isArray(v) ? [...v].sort() : v)
    const byId = new Map(expected.ballots.map((b) => [b.ballot, b.answers]))
    for (const b of dakar.ballots) {
      const want = byId.get(b.ballot)!
      expect(Object.keys(b.answers).sort()).toEqual(Object.keys(want).sort())
      expect(b.answers["governance-rank"]).toEqual(want["governance-rank"]) // a ranking keeps its order
      expect(sorted(b.answers["data-protections"])).toEqual(sorted(want["data-protections"]))
      expect(b.answers["platform-responsibility"]).toEqual(want["platform-responsibility"])
    }
    expect(stored.get("eg-cairo")!.recommendations.every((r) => /[\u0600-\u06ff]/.test(r.text))).toBe(true)
    // the counts returned are the rows stored
    const all = await read(st.map((s) => s.site_id))
    const present = [...all.values()].reduce((a, r) => a + r.tallies.reduce((x, t) => x + t.present, 0), 0)
    expect(summary.present).toBe(present)
    expect(summary.ballots).toBe([...all.values()].reduce((a, r) => a + r.ballots.length, 0))
    expect(summary.tables).toBe([...all.values()].reduce((a, r) => a + r.tallies.length, 0))
    expect(summary.recommendations).toBe([...all.values()].reduce((a, r) => a + r.recommendations.length, 0))
    // the log and the status say who did it
    const log = await runWith(shape, resultsLog("sn-dakar"))
    expect(log.map((e) => [e.actor, e.action, e.status_after])).toEqual([["simulation", "simulate", "submitted"]])
    const status = await runWith(shape, resultsStatus(ws, { by: "site" }))
    expect(status.sites.filter((s) => s.simulated).map((s) => s.site_id).sort()).toEqual(["eg-cairo", "gb-london", "in-delhi", "sn-dakar"])
  })

  it("skips sites that already have results, so a second run adds nothing", async () => {
    const own: SiteResults = { site_id: "sn-dakar", tallies: [{ table: 1, present: 5, counts: { "access-right": { yes: 5 } } }], ballots: [], recommendations: [] }
    await runWith(shape, Effect.gen(function*() {
      const { ballots } = yield* readBallots(ws.dir, ws.dialogue)
      return yield* storeResults(ballots, [own], ["tallies"], { actor: "staff:ana", action: "import tallies" })
    }))
    const first = await runWith(shape, simulateResults({ workspace: ws, seed: 1 }))
    expect(first).toMatchObject({ sites: 3, skipped: 1 })
    expect((await read(["sn-dakar"])).get("sn-dakar")!.tallies).toEqual(own.tallies)
    const before = await read(["gb-london"])
    const again = await runWith(shape, simulateResults({ workspace: ws, seed: 2 }))
    expect(again).toMatchObject({ sites: 0, skipped: 4, present: 0, ballots: 0 })
    expect(await read(["gb-london"])).toEqual(before)
    expect((await statuses()).find((s) => s.site_id === "sn-dakar")).toMatchObject({ status: "draft", simulated: false })
  })

  it("takes mirror dialogues when asked, or the sites named; refuses an unknown site", async () => {
    const one = await runWith(shape, simulateResults({ workspace: ws, seed: 1, sites: ["ws-apia", "gb-london"] }))
    expect(one.sites).toBe(2)
    expect((await statuses()).map((s) => s.site_id)).toEqual(["gb-london", "ws-apia"])
    const rest = await runWith(shape, simulateResults({ workspace: ws, seed: 1, includeMirror: true }))
    expect(rest).toMatchObject({ sites: 3, skipped: 2 })
    const e = (await failWith(shape, simulateResults({ workspace: ws, seed: 1, sites: ["xx-nowhere"] }))) as NotFound
    expect(e._tag).toBe("NotFound")
    expect(e.id).toBe("xx-nowhere")
  })

  it("stores in batches of sites, one transaction each", async () => {
    // many sites: the batches show in the progress
    const n = SIMULATE_BATCH + 20
    const rows = Array.from({ length: n }, (_, i) => `x-${i},Site ${i},City,FR,Europe/Paris,fr-FR,${8 + (i % 5)},in-person,ada@example.org,`)
    await writeTree(ws.dir, { "more-sites.csv": `id,name,city,country,timezone,locale,capacity,format,fellow_email,start_local\n${rows.join("\n")}\n` })
    await runWith(shape, importRegistryFile("sites", join(ws.dir, "more-sites.csv")))
    const progress: Array<string> = []
    const summary = await runWith(shape, simulateResults({ workspace: ws, seed: 1, onProgress: (done, total) => progress.push(`${done}/${total}`) }))
    expect(summary.sites).toBe(n + 4)
    expect(progress).toEqual([`0/${n + 4}`, `${SIMULATE_BATCH}/${n + 4}`, `${n + 4}/${n + 4}`])
  })

  it("refuses a workspace without vote questions", async () => {
    const bare = await kitWorkspace()
    const e = (await failWith(shape, simulateResults({ workspace: bare, seed: 1 }))) as InputError
    expect(e._tag).toBe("InputError")
    expect(e.summary).toMatch(/no vote questions/)
  })
})
