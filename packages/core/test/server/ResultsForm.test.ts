// The results form on a real server on loopback, on every test database: a site's link from
// `results invite` (mailed once, in the site's language), a draft, a submission, a bad count
// shown next to its field with nothing stored, a validated site read-only, an unknown link, a
// forged form; and the invitation run's idempotency through the send log.
import * as Effect from "effect/Effect"
import { readdir, readFile } from "node:fs/promises"
import { get as httpGet } from "node:http"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import type { Workspace } from "../../src/infra/Workspace.js"
import { importRegistryFile } from "../../src/registries/Registries.js"
import { validateResults } from "../../src/results/Results.js"
import { ResultsRepo } from "../../src/results/ResultsRepo.js"
import { inviteToResults } from "../../src/results/ResultsInvite.js"
import { resultsLinkKey, resultsToken } from "../../src/results/ResultsLinks.js"
import { serveSurveys } from "../../src/server/SurveyServe.js"
import { ConveneStore } from "../../src/Store.js"
import { failWith, type OpenTestDatabase, runWith, testDatabases, truncateAll, useTestDatabase } from "../support/databases.js"
import { exampleDir, kitWorkspace } from "../support/kit-workspace.js"
import { sql } from "kysely"

const outboxOf = (ws: Workspace) => join(ws.dir, "out", "outbox")

describe.each(testDatabases)("the results form on $name", (testDb) => {
  const db = useTestDatabase(testDb)
  let shape: OpenTestDatabase
  let ws: Workspace
  beforeEach(async () => {
    shape = db()
    await truncateAll(shape)
    await sql`truncate send_log, result_links, result_keys, result_log, result_sites cascade`.execute(shape.db)
    ws = await kitWorkspace({ "ballots/votes.yaml": await readFile(join(exampleDir, "ballots", "votes.yaml"), "utf8") })
    for (const r of ["fellows", "sites"] as const) await runWith(shape, importRegistryFile(r, join(ws.dir, `${r}.csv`)))
  })

  const invite = (options: { site?: string; baseUrl?: string; dryRun?: boolean; allowLocalhost?: boolean } = {}) =>
    inviteToResults(ws, { baseUrl: "https://results.example.org/", transport: { outboxDir: outboxOf(ws) }, ...options })

  describe("results invite", () => {
    it("mails each fellow the site's link in the site's language, once", async () => {
      const first = await runWith(shape, invite())
      expect(first).toMatchObject({ sites: 5, sent: 5, alreadySent: 0 })
      const files = await readdir(outboxOf(ws))
      expect(files).toHaveLength(5)
      const key = await runWith(shape, resultsLinkKey())
      const mails = await Promise.all(files.map((f) => readFile(join(outboxOf(ws), f), "utf8")))
      const dakar = mails.find((m) => m.includes("awa@example.org"))!
      expect(dakar).toContain("Content-Language: fr")
      expect(dakar.replace(/=\r?\n/g, "")).toContain(`https://results.example.org/results/${resultsToken(key, "sn-dakar")}`)
      // the second run sends nothing
      const second = await runWith(shape, invite())
      expect(second).toMatchObject({ sites: 5, sent: 0, queued: 0, alreadySent: 5 })
      expect(await readdir(outboxOf(ws))).toHaveLength(5)
      // one site only; a dry run sends and stores nothing
      expect(await runWith(shape, invite({ site: "gb-london", baseUrl: "https://corrected.example.org", dryRun: true }))).toMatchObject({ dryRun: true, sites: 1, messages: 1 })
      expect(await readdir(outboxOf(ws))).toHaveLength(5)
    })

    it("refuses a link to this machine unless told it is a rehearsal", async () => {
      const refused = await failWith(shape, invite({ baseUrl: "http://localhost:8080" }))
      expect(String(refused)).toContain("is on this machine")
      expect(await failWith(shape, invite({ baseUrl: "http://127.0.0.1:8080" }))).toBeDefined()
      expect(await shape.db.selectFrom("send_log").selectAll().execute()).toEqual([])
      expect(await runWith(shape, invite({ baseUrl: "http://localhost:8080", allowLocalhost: true }))).toMatchObject({ sent: 5 })
    })
  })

  describe("the form", () => {
    let stop: () => void = () => {}
    let served: Promise<void> = Promise.resolve()
    let origin = ""
    const logs: Array<string> = []
    beforeEach(async () => {
      await runWith(shape, invite())
      logs.length = 0
      const until = new Promise<void>((resolve) => (stop = resolve))
      const port = await new Promise<number>((resolve) => {
        served = Effect.runPromise(
          serveSurveys(ws, { port: 0, until, log: (l) => logs.push(l), onListening: (a) => resolve(a.port) }).pipe(Effect.provide(ConveneStore.layerFrom(shape)))
        )
      })
      origin = `http://127.0.0.1:${port}`
    })
    afterEach(async () => {
      stop()
      await served
    })
    const tokenOf = async (site: string) => resultsToken(await runWith(shape, resultsLinkKey()), site)
    const page = async (site: string) => {
      const res = await fetch(`${origin}/results/${await tokenOf(site)}`)
      return { status: res.status, html: await res.text() }
    }
    const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!
    const post = async (site: string, fields: Record<string, string | ReadonlyArray<string>>, options: { csrf?: string; origin?: string } = {}) => {
      const token = await tokenOf(site)
      const body = new URLSearchParams()
      body.set("_csrf", options.csrf ?? csrfOf((await page(site)).html))
      for (const [k, v] of Object.entries(fields)) for (const x of typeof v === "string" ? [v] : v) body.append(k, x)
      const res = await fetch(`${origin}/results/${token}`, { method: "POST", body, redirect: "manual", headers: { origin: options.origin ?? origin } })
      return { status: res.status, location: res.headers.get("location"), html: await res.text() }
    }
    const filled = {
      tables: "3",
      ballots: "10",
      "t0.table": "1",
      "t0.present": "8",
      "t0.access-right.yes": "5",
      "t0.access-right.no": "2",
      "t0.recommendations.1.text": "Un accès public et gratuit dans chaque commune",
      "t0.recommendations.1.votes": "12",
      "t1.table": "2",
      "t1.present": "7",
      "t1.access-right.yes": "7",
      "b0.data-protections": ["consent", "deletion"],
      "b0.platform-responsibility": "7",
      "b0.governance-rank.1": "citizens",
      "b0.governance-rank.2": "united-nations",
      "b1.id": "B-17",
      "b1.platform-responsibility": "3"
    }
    const stored = () => shape.db.selectFrom("result_sites").select(["site_id", "status", "updated_by", "simulated"]).execute()
    // a site's stored parts, as the results repository reads them
    const storedParts = async (site: string) => (await runWith(shape, ResultsRepo.use((repo) => repo.readSites([site])))).get(site)!

    it("serves the form in the site's language, right to left in Arabic, and keeps tokens out of the log", async () => {
      const dakar = await page("sn-dakar")
      expect(dakar.status).toBe(200)
      expect(dakar.html).toContain('lang="fr-SN"')
      expect(dakar.html).toContain("Résultats de Dakar assembly")
      expect(dakar.html).toContain("Personnes présentes")
      expect(dakar.html).toContain("Les citoyens")
      const cairo = await page("eg-cairo")
      expect(cairo.html).toContain('dir="rtl"')
      expect(cairo.html).toContain("أوراق الاقتراع")
      // the blank form is rendered once per language and filled with each site's name, link and CSRF field
      expect(cairo.html).toContain("القاهرة: جمعية المواطنين")
      expect(cairo.html).toContain(`action="/results/${await tokenOf("eg-cairo")}"`)
      expect(csrfOf(cairo.html)).not.toBe(csrfOf(dakar.html))
      expect(cairo.html).not.toContain("__convene")
      // a small page: three table cards and ten ballot cards, sent compressed
      expect(Buffer.byteLength(dakar.html)).toBeLessThan(120_000)
      const link = `${origin}/results/${await tokenOf("sn-dakar")}`
      const compressed = await new Promise<{ encoding: string | undefined; bytes: number }>((resolve, reject) =>
        httpGet(link, { headers: { "accept-encoding": "gzip" } }, (res) => {
          let bytes = 0
          res.on("data", (d: Buffer) => (bytes += d.length))
          res.on("end", () => resolve({ encoding: res.headers["content-encoding"], bytes }))
        }).on("error", reject)
      )
      expect(compressed.encoding).toBe("gzip")
      expect(compressed.bytes).toBeLessThan(12_000)
      for (const line of logs) expect(line).not.toContain(await tokenOf("sn-dakar"))
      expect(logs.some((l) => l.startsWith("GET /results/"))).toBe(true)
    })

    it("saves a draft as the site's link, fills the form with it again, then submits", async () => {
      const saved = await post("sn-dakar", { ...filled, action: "save" })
      expect(saved.status).toBe(303)
      expect(saved.location).toBe(`/results/${await tokenOf("sn-dakar")}?saved`)
      expect(await stored()).toMatchObject([{ site_id: "sn-dakar", status: "draft", updated_by: "link:sn-dakar" }])
      const row = await storedParts("sn-dakar")
      expect(row.tallies).toEqual([
        { table: 1, present: 8, counts: { "access-right": { yes: 5, no: 2 } } },
        { table: 2, present: 7, counts: { "access-right": { yes: 7 } } }
      ])
      expect(row.ballots).toEqual([
        { ballot: "1", answers: { "data-protections": ["consent", "deletion"], "platform-responsibility": 7, "governance-rank": ["citizens", "united-nations"] } },
        { ballot: "B-17", answers: { "platform-responsibility": 3 } }
      ])
      expect(row.recommendations).toEqual([{ question: "recommendations", table: 1, number: 1, text: "Un accès public et gratuit dans chaque commune", votes: 12 }])
      const again = await page("sn-dakar")
      expect(again.html).toContain('id="f-t0.present" name="t0.present" value="8"')
      expect(again.html).toContain("Un accès public et gratuit dans chaque commune")
      expect(again.html).toMatch(/name="b0.data-protections" value="deletion" checked/)
      expect(again.html).toContain("Un brouillon a été enregistré")
      const submitted = await post("sn-dakar", { ...filled, action: "submit" })
      expect(submitted.status).toBe(303)
      expect(await stored()).toMatchObject([{ site_id: "sn-dakar", status: "submitted" }])
      const log = await shape.db.selectFrom("result_log").select(["actor", "action", "status_after"]).orderBy("id").execute()
      expect(log).toEqual([
        { actor: "link:sn-dakar", action: "web-draft", status_after: "draft" },
        { actor: "link:sn-dakar", action: "web-submit", status_after: "submitted" }
      ])
      expect((await fetch(`${origin}${submitted.location}`).then((r) => r.text()))).toContain("vos résultats sont envoyés")
    })

    it("shows a bad count next to its field and stores nothing", async () => {
      const bad = await post("gb-london", { ...filled, "t0.present": "eight", action: "save" })
      expect(bad.status).toBe(422)
      expect(bad.html).toContain('role="alert"')
      expect(bad.html).toContain('id="f-t0.present" name="t0.present" value="eight" class="n" type="text" inputmode="numeric" autocomplete="off" size="5" maxlength="7" aria-invalid="true" aria-describedby="f-t0.present-e"')
      expect(bad.html).toContain('<span class="error" id="f-t0.present-e">Please write a whole number, 0 or more.</span>')
      // and in the list at the top, naming the field
      expect(bad.html).toContain('<li><a href="#f-t0.present">Table 1 · People present</a> — Please write a whole number, 0 or more.</li>')
      // what was typed is kept
      expect(bad.html).toContain('name="t1.present" value="7"')
      // more votes than people present, more choices than allowed, one table twice
      const over = await post("gb-london", { ...filled, "t1.access-right.no": "1", "b0.data-protections": ["consent", "deletion", "oversight"], "t1.table": "1", action: "submit" })
      expect(over.status).toBe(422)
      expect(over.html).toContain("More votes than the 7 people present at this table can give.")
      expect(over.html).toContain("Please choose at most 2.")
      expect(over.html).toContain("Table 1 is entered twice.")
      expect(over.html).toContain('<a href="#f-b0.data-protections">Ballot 1 · Which protections of your personal data matter most to you? Choose at most two.</a> — Please choose at most 2.')
      expect(await stored()).toEqual([])
    })

    it("adds ballot cards without storing anything, keeping what was typed", async () => {
      const more = await post("in-delhi", { ...filled, action: "more-ballots" })
      expect(more.status).toBe(200)
      expect(more.html).toContain('name="ballots" value="20"')
      expect(more.html).toContain('name="b19.id"')
      expect(more.html).toContain('name="b1.id" value="B-17"')
      expect(await stored()).toEqual([])
    })

    it("shows a validated site read-only and refuses changes", async () => {
      expect((await post("gb-london", { ...filled, action: "submit" })).status).toBe(303)
      await runWith(shape, validateResults({ site: "gb-london" }, "staff:ada"))
      const { status, html } = await page("gb-london")
      expect(status).toBe(200)
      expect(html).toContain('<fieldset class="all" disabled>')
      expect(html).toContain("The organisers validated these results on")
      expect(html).not.toContain('value="submit"')
      const refused = await post("gb-london", { ...filled, "t0.present": "9", action: "save" }, { csrf: csrfOf(html) })
      expect(refused.status).toBe(409)
      expect((await storedParts("gb-london")).tallies.find((t) => t.table === 1)?.present).toBe(8)
    })

    it("answers an unknown link with 404, and refuses a forged form and a cross-site post", async () => {
      expect((await fetch(`${origin}/results/not-a-real-token-at-all-0000`)).status).toBe(404)
      expect((await fetch(`${origin}/results/x`)).status).toBe(404)
      expect((await post("sn-dakar", { ...filled, action: "save" }, { csrf: "forged" })).status).toBe(403)
      expect((await post("sn-dakar", { ...filled, action: "save" }, { origin: "https://evil.example" })).status).toBe(403)
      // a survey form's CSRF field does not open a results form
      expect(await stored()).toEqual([])
    })
  })
})
