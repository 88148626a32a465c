#!/usr/bin/env node
// The staff's live view (`/live`, `/live.json` on `convene serve`, its own process) on loopback,
// driven by autocannon with 200 connections, while 2,000 sites' results are stored (simulated,
// half of them validated), on the embedded database (PGlite; PostgreSQL when DATABASE_URL is
// set), rehearsed mid-day with --as-of. First as fast as 200 connections go (target: ≥ 200
// requests/s), next to its floor on the same server (GET /healthz: no page, no database); then
// 200 requests/s offered — ten times 200 staff refreshing every 10 s — (target: p99 < 200 ms,
// no errors), also while sites save drafts through the results form at 20 saves/s (2,000 sites
// each saving twice in 3 minutes; each write makes a reading fresh).
// Usage: node scripts/bench-live.mjs [SITES] (after pnpm run build)
import { execFileSync, spawn } from "node:child_process"
import { createHash, createHmac } from "node:crypto"
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { loadavg } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { benchDatabase, coreRequire, root } from "./bench-support.mjs"

const autocannon = coreRequire("autocannon")
const Effect = await import(pathToFileURL(coreRequire.resolve("effect/Effect")).href)
const core = await import("../packages/core/dist/index.js")
const results = await import("../packages/core/dist/results/index.js")
const store = await import("../packages/core/dist/Store.js")
const count = Number(process.argv[2] ?? 2000)
const CONNECTIONS = 200
const database = await benchDatabase("bench_live")
const databaseUrl = database.url
// inside the checkout (out/ is git-ignored)
const ws = join(root, "out", "bench-live")
rmSync(ws, { recursive: true, force: true })
mkdirSync(join(ws, "ballots"), { recursive: true })
const example = join(root, "examples", "we-the-internet")
cpSync(join(example, "convene.yaml"), join(ws, "convene.yaml"))
cpSync(join(example, "fellows.csv"), join(ws, "fellows.csv"))
cpSync(join(example, "locales"), join(ws, "locales"), { recursive: true })
cpSync(join(example, "ballots", "votes.yaml"), join(ws, "ballots", "votes.yaml"))
// the example's sites repeated to `count` (every zone of it, so the day spans the world)
const [header, ...siteLines] = readFileSync(join(example, "sites.csv"), "utf8").trim().split("\n")
const siteIds = []
let sites = `${header}\n`
for (let i = 0; i < count; i++) {
  const cells = siteLines[i % siteLines.length].split(",")
  const id = `${cells[0]}-${Math.floor(i / siteLines.length)}`
  siteIds.push(id)
  sites += [id, ...cells.slice(1)].join(",") + "\n"
}
writeFileSync(join(ws, "sites.csv"), sites)

const bin = join(root, "packages", "cli", "bin", "run.js")
const env = { ...process.env, DATABASE_URL: databaseUrl }
const convene = (...args) => execFileSync(process.execPath, [bin, ...args], { cwd: ws, env, encoding: "utf8" })
convene("db", "migrate") // a shared PostgreSQL is migrated only on purpose; the embedded database migrates itself
convene("fellows", "import", "fellows.csv")
convene("sites", "import", "sites.csv")
let t = performance.now()
convene("results", "simulate", "--seed", "1")
const simulateMs = performance.now() - t

// half the sites validated (as staff would, site by site through the day), the rest submitted;
// the links of the submitted half, for the drafts saved during the second run
const opened = await core.openDatabase(databaseUrl === "" ? { pgliteDir: join(ws, ".convene", "db") } : { url: databaseUrl })
const layer = store.ConveneStore.layerFrom({ db: opened.db, dialect: databaseUrl === "" ? "pglite" : "postgres", location: "bench" })
const provide = (effect) => Effect.runPromise(effect.pipe(Effect.provide(layer)))
const validated = siteIds.filter((_, i) => i % 2 === 0)
await provide(results.ResultsRepo.use((repo) => repo.changeStatus(validated, ["submitted"], "validated", { actor: "staff:bench", action: "validate" })))
const writers = siteIds.filter((_, i) => i % 2 === 1)
const links = await provide(results.resultsLinks(writers))
const key = await provide(results.resultsLinkKey())
await opened.db.destroy()
const tokens = links.map((l) => l.token)

const staffToken = createHash("sha256").update(`bench-live-${process.pid}`).digest("base64url")
const port = 19000 + ((process.pid + 500) % 1000)
const server = spawn(process.execPath, [bin, "serve", "--port", String(port), "--quiet", "--as-of", "2027-05-15T18:00:00Z"], {
  cwd: ws,
  env: { ...env, CONVENE_STAFF_TOKEN: staffToken },
  stdio: ["ignore", "ignore", "pipe"]
})
await new Promise((resolve, reject) => {
  server.stderr.on("data", (d) => String(d).includes("Live view for staff") && resolve())
  server.on("exit", (code) => reject(new Error(`the server stopped (${code})`)))
})
const origin = `http://127.0.0.1:${port}`
const staff = { authorization: `Bearer ${staffToken}` }
const browser = { ...staff, "accept-encoding": "gzip" }
const pause = () => new Promise((resolve) => setTimeout(resolve, 2_000))
const run = (label, opts, wait = true) =>
  (wait ? pause() : Promise.resolve()).then(() => new Promise((resolve, reject) => {
    autocannon({ url: origin, connections: CONNECTIONS, duration: 10, ...opts }, (err, r) => {
      if (err) return reject(err)
      const statuses = Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => `${code}: ${s.count}`).join(", ")
      const ok = Object.entries(r.statusCodeStats ?? {}).filter(([code]) => code === "200" || code === "303").reduce((n, [, s]) => n + s.count, 0)
      r.bad = r.errors + r.timeouts + (r.requests.total - ok)
      console.log(`  ${label.padEnd(52)} ${Math.round(r.requests.average).toString().padStart(6)} req/s   p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   ${(r.throughput.average / 1e6).toFixed(1)} MB/s   errors ${r.bad} of ${r.requests.total} (${statuses})`)
      resolve(r)
    })
  }))

// the page's size, once
const page = await fetch(`${origin}/live`, { headers: staff })
const html = await page.text()
const json = await (await fetch(`${origin}/live.json`, { headers: staff })).text()
const gz = await fetch(`${origin}/live`, { headers: browser })
const gzBytes = Number(gz.headers.get("content-length") ?? (await gz.arrayBuffer()).byteLength)
const live = JSON.parse(json)

console.log(`Node ${process.version}: the live view, ${count} sites' results stored in ${(simulateMs / 1000).toFixed(1)} s (${databaseUrl === "" ? "PGlite" : "PostgreSQL"}), ${CONNECTIONS} connections; load average ${loadavg()[0].toFixed(1)}`)
console.log(`  as of ${live.as_of}: ${live.counts.validated} validated, ${live.counts.submitted} submitted, ${live.counts.in_session} in session, ${live.counts.not_started} not started; /live ${(html.length / 1024).toFixed(0)} KiB (${(gzBytes / 1024).toFixed(0)} KiB gzip), /live.json ${(json.length / 1024).toFixed(0)} KiB`)
const floor = await run("floor: GET /healthz (same server)", { requests: [{ method: "GET", path: "/healthz" }] })
const pages = await run("GET /live (a browser: gzip)", { requests: [{ method: "GET", path: "/live", headers: browser }] })
const datas = await run("GET /live.json (an integrator: gzip)", { requests: [{ method: "GET", path: "/live.json", headers: browser }] })
const RATE = 200
const pagesAtRate = await run(`GET /live (gzip), ${RATE} req/s offered`, { overallRate: RATE, requests: [{ method: "GET", path: "/live", headers: browser }] })
const datasAtRate = await run(`GET /live.json (gzip), ${RATE} req/s offered`, { overallRate: RATE, requests: [{ method: "GET", path: "/live.json", headers: browser }] })

// the same page while sites save drafts through the results form (5 tables each)
const csrfOf = (token) => createHmac("sha256", key).update(`csrf\u0000${createHash("sha256").update(token).digest("hex")}`).digest("base64url")
const draft = (token, i) => {
  const p = new URLSearchParams({ _csrf: csrfOf(token), tables: "5", ballots: "0", action: "save" })
  for (let t = 0; t < 5; t++) {
    const present = 6 + ((i + t) % 4)
    p.set(`t${t}.table`, String(t + 1))
    p.set(`t${t}.present`, String(present))
    p.set(`t${t}.access-right.yes`, String(present - 3))
    p.set(`t${t}.access-right.no`, "2")
    p.set(`t${t}.access-right.undecided`, "1")
  }
  return p.toString()
}
let n = 0
await pause()
const entry = new Promise((resolve, reject) => {
  autocannon({
    url: origin,
    connections: 4,
    duration: 10,
    overallRate: 20,
    requests: [{
      method: "POST",
      setupRequest: (req) => {
        const i = n++ % tokens.length
        return { ...req, path: `/results/${tokens[i]}`, headers: { "content-type": "application/x-www-form-urlencoded", origin }, body: draft(tokens[i], i) }
      }
    }]
  }, (err, r) => (err ? reject(err) : resolve(r)))
})
const during = await run(`GET /live (gzip), ${RATE} req/s, drafts being saved`, { overallRate: RATE, requests: [{ method: "GET", path: "/live", headers: browser }] }, false)
const written = await entry
const writtenOk = written.statusCodeStats?.["303"]?.count ?? 0
console.log(`  ${"  … drafts saved meanwhile (20/s offered)".padEnd(52)} ${Math.round(written.requests.average).toString().padStart(6)} req/s   p50 ${written.latency.p50} ms   p99 ${written.latency.p99} ms   stored ${writtenOk} of ${written.requests.total}`)

// last: 200 clients pulling half a megabyte each, uncompressed, is a test of the loopback and of
// autocannon as much as of the server (and leaves its writes draining for a while)
const plain = await run("GET /live.json (uncompressed)", { requests: [{ method: "GET", path: "/live.json", headers: staff }] })
server.kill("SIGINT")
await new Promise((resolve) => server.on("exit", resolve))
await database.drop()
const saturated = [pages, datas, plain]
const offered = [pagesAtRate, datasAtRate, during]
console.log(`Targets: /live and /live.json ≥ 200 requests/s ${saturated.every((r) => r.requests.average >= 200) ? "met" : "NOT met"}; p99 < 200 ms at ${RATE} req/s ${offered.every((r) => r.latency.p99 < 200) ? "met" : "NOT met"}; no errors ${[floor, pages, datas, ...offered].every((r) => r.bad === 0) ? "met" : "NOT met"} (uncompressed JSON: ${plain.bad} timeouts or errors)`)
