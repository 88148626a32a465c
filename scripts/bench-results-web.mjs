#!/usr/bin/env node
// The results form on the form server (`convene serve`, its own process) on loopback, driven by
// autocannon, on the embedded database (PGlite; PostgreSQL when DATABASE_URL is set): a site's
// results saved through the web form (target ≥ 300 submissions/s, p99 < 100 ms, no errors),
// next to its floors on the same server — GET /healthz (no page, no database) and GET of a
// site's form (one lookup and, before anything is entered, a page rendered once per language).
// Two submissions: a draft of 5 tables and 20 ballots, and a draft of 5 tables only.
// Usage: node scripts/bench-results-web.mjs [SITES] (after pnpm run build)
import { execFileSync, spawn } from "node:child_process"
import { createHash, createHmac } from "node:crypto"
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { benchDatabase, coreRequire, root } from "./bench-support.mjs"

const autocannon = coreRequire("autocannon")
const Effect = await import(pathToFileURL(coreRequire.resolve("effect/Effect")).href)
const core = await import("../packages/core/dist/index.js")
const results = await import("../packages/core/dist/results/index.js")
const store = await import("../packages/core/dist/Store.js")
const count = Number(process.argv[2] ?? 2000)
const database = await benchDatabase("bench_results_web")
const databaseUrl = database.url
// inside the checkout (out/ is git-ignored)
const ws = join(root, "out", "bench-results-web")
rmSync(ws, { recursive: true, force: true })
mkdirSync(join(ws, "ballots"), { recursive: true })
const example = join(root, "examples", "we-the-internet")
cpSync(join(example, "convene.yaml"), join(ws, "convene.yaml"))
cpSync(join(example, "fellows.csv"), join(ws, "fellows.csv"))
cpSync(join(example, "locales"), join(ws, "locales"), { recursive: true })
cpSync(join(example, "ballots", "votes.yaml"), join(ws, "ballots", "votes.yaml"))
// the example's sites repeated to `count` (every language and zone of it): each site's link is
// limited to 60 requests a minute, as in production, so the load is spread over many sites
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
const convene = (...args) => execFileSync(process.execPath, [bin, ...args], { cwd: ws, env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: "utf8" })
convene("db", "migrate") // a shared PostgreSQL is migrated only on purpose; the embedded database migrates itself
convene("fellows", "import", "fellows.csv")
convene("sites", "import", "sites.csv")

// the links, stored as `results invite` stores them (without mailing 2,000 messages)
const opened = await core.openDatabase(databaseUrl === "" ? { pgliteDir: join(ws, ".convene", "db") } : { url: databaseUrl })
const layer = store.ConveneStore.layerFrom({ db: opened.db, dialect: databaseUrl === "" ? "pglite" : "postgres", location: "bench" })
const links = await Effect.runPromise(results.resultsLinks(siteIds).pipe(Effect.provide(layer)))
const key = await Effect.runPromise(results.resultsLinkKey().pipe(Effect.provide(layer)))
await opened.db.destroy()
const tokens = links.map((l) => l.token)

const port = 19000 + (process.pid % 1000)
const server = spawn(process.execPath, [bin, "serve", "--port", String(port), "--quiet"], { cwd: ws, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ["ignore", "ignore", "pipe"] })
await new Promise((resolve, reject) => {
  server.stderr.on("data", (d) => String(d).includes("Form server on") && resolve())
  server.on("exit", (code) => reject(new Error(`the server stopped (${code})`)))
})
const origin = `http://127.0.0.1:${port}`
const run = (label, opts) =>
  new Promise((resolve, reject) => {
    autocannon({ url: origin, connections: 16, duration: 10, ...opts }, (err, r) => {
      if (err) return reject(err)
      const statuses = Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => `${code}: ${s.count}`).join(", ")
      // a stored draft answers 303 (back to the form): anything else is an error
      const ok = Object.entries(r.statusCodeStats ?? {}).filter(([code]) => code === "200" || code === "303").reduce((n, [, s]) => n + s.count, 0)
      r.bad = r.errors + r.timeouts + (r.requests.total - ok)
      console.log(`  ${label.padEnd(44)} ${Math.round(r.requests.average).toString().padStart(6)} req/s   p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   errors ${r.bad} of ${r.requests.total} (${statuses})`)
      resolve(r)
    })
  })

console.log(`Node ${process.version}: the results form, ${count} sites (${databaseUrl === "" ? "PGlite" : "PostgreSQL"})`)
const floor = await run("floor: GET /healthz (same server)", { requests: [{ method: "GET", path: "/healthz" }] })
let g = 0
const gets = await run("GET /results/<token> (a site's form)", { requests: [{ method: "GET", setupRequest: (req) => ({ ...req, path: `/results/${tokens[g++ % count]}` }) }] })

const csrfOf = (token) => createHmac("sha256", key).update(`csrf\u0000${createHash("sha256").update(token).digest("hex")}`).digest("base64url")
// a site's evening: 5 tables (people present, the tally question's counts, 2 recommendations
// each) and 20 ballots (a multiple choice, a scale point, a ranking of three)
const TABLES = 5
const BALLOTS = 20
const rankable = ["citizens", "governments", "companies", "united-nations", "technical-community"]
const protections = ["consent", "deletion", "portability", "no-sale", "oversight"]
const body = (token, i, ballots = BALLOTS) => {
  const p = new URLSearchParams({ _csrf: csrfOf(token), tables: String(TABLES), ballots: String(ballots), action: "save" })
  for (let t = 0; t < TABLES; t++) {
    const present = 6 + ((i + t) % 4)
    p.set(`t${t}.table`, String(t + 1))
    p.set(`t${t}.present`, String(present))
    p.set(`t${t}.access-right.yes`, String(present - 3))
    p.set(`t${t}.access-right.no`, "2")
    p.set(`t${t}.access-right.undecided`, "1")
    for (let n = 1; n <= 2; n++) {
      p.set(`t${t}.recommendations.${n}.text`, `Recommendation ${n} of table ${t + 1}: public Internet access points in every district`)
      p.set(`t${t}.recommendations.${n}.votes`, String((i + t + n) % 7))
    }
  }
  for (let b = 0; b < ballots; b++) {
    p.append(`b${b}.data-protections`, protections[(i + b) % 5])
    if ((i + b) % 2 === 0) p.append(`b${b}.data-protections`, protections[(i + b + 2) % 5])
    p.set(`b${b}.platform-responsibility`, String((i + b) % 11))
    for (let r = 1; r <= 3; r++) p.set(`b${b}.governance-rank.${r}`, rankable[(i + b + r) % 5])
  }
  return p.toString()
}
// submissions from the other end of the list, so that no GET above warmed them
let n = Math.floor(count / 2)
const posts = await run("POST /results/<token> (a draft: 5 tables, 20 ballots)", {
  requests: [{
    method: "POST",
    setupRequest: (req) => {
      const i = n++ % count
      return { ...req, path: `/results/${tokens[i]}`, headers: { "content-type": "application/x-www-form-urlencoded", origin }, body: body(tokens[i], i) }
    }
  }]
})
// the tables only (a site that counts every vote by show of hands), on sites not used above
let m = 0
const tallies = await run("POST /results/<token> (a draft: 5 tables)", {
  requests: [{
    method: "POST",
    setupRequest: (req) => {
      const i = m++ % Math.floor(count / 2)
      return { ...req, path: `/results/${tokens[i]}`, headers: { "content-type": "application/x-www-form-urlencoded", origin }, body: body(tokens[i], i, 0) }
    }
  }]
})
server.kill("SIGINT")
await new Promise((resolve) => server.on("exit", resolve))
await database.drop()
console.log(`  body of a submission: ${Buffer.byteLength(body(tokens[0], 0))} bytes`)
console.log(`Targets (5 tables, 20 ballots): submissions ≥ 300/s ${posts.requests.average >= 300 ? "met" : "NOT met"}; p99 < 100 ms ${posts.latency.p99 < 100 ? "met" : "NOT met"}; no errors ${floor.bad + gets.bad + posts.bad + tallies.bad === 0 ? "met" : "NOT met"}`)
console.log(`         (5 tables only): submissions ≥ 300/s ${tallies.requests.average >= 300 ? "met" : "NOT met"}; p99 < 100 ms ${tallies.latency.p99 < 100 ? "met" : "NOT met"}`)
