#!/usr/bin/env node
// Survey benchmarks, through the real CLI on the embedded database (PGlite):
//  1. import 100,000 participants, then 100,000 paper questionnaires × 30 answers from CSV
//     (`convene survey import`): target under 15 s for the answers;
//  2. the form server (`convene survey serve`, its own process) on loopback, driven by
//     autocannon: form GETs (target ≥ 1,000/s) and submissions (target ≥ 300/s), p99 < 100 ms,
//     no errors.
// Usage: node scripts/bench-surveys.mjs [PARTICIPANTS] (after pnpm run build)
import { execFileSync, spawn } from "node:child_process"
import { createHash, createHmac } from "node:crypto"
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { benchDatabase, benchInstrumentYaml, codeOf, coreRequire, root } from "./bench-support.mjs"

const autocannon = coreRequire("autocannon")
const Effect = await import(pathToFileURL(coreRequire.resolve("effect/Effect")).href)
const core = await import("../packages/core/dist/index.js")
const count = Number(process.argv[2] ?? 100_000)
const QUESTIONS = 30
// PGlite by default; with DATABASE_URL, PostgreSQL in a schema of its own (dropped afterwards)
const database = await benchDatabase("bench_surveys")
const databaseUrl = database.url
const dropSchema = database.drop
// inside the checkout (out/ is git-ignored): /tmp here costs ~1 ms per new file
const ws = join(root, "out", "bench-surveys")
rmSync(ws, { recursive: true, force: true })
mkdirSync(join(ws, "surveys"), { recursive: true })
const example = join(root, "examples", "we-the-internet")
// the example dialogue, with both waves open around today so that the server accepts answers
const yaml = readFileSync(join(example, "convene.yaml"), "utf8")
  .replace(/- \{ id: pre, opens: [0-9-]+, closes: [0-9-]+ \}/, "- { id: pre, opens: 2020-01-01, closes: 2099-12-31 }")
  .replace(/- \{ id: post, opens: [0-9-]+, closes: [0-9-]+ \}/, "- { id: post, opens: 2020-01-01, closes: 2099-12-31 }")
writeFileSync(join(ws, "convene.yaml"), yaml)
cpSync(join(example, "fellows.csv"), join(ws, "fellows.csv"))
cpSync(join(example, "sites.csv"), join(ws, "sites.csv"))
cpSync(join(example, "locales"), join(ws, "locales"), { recursive: true })

// an instrument of 30 questions of every type, asked before and after
writeFileSync(join(ws, "surveys", "bench.yaml"), benchInstrumentYaml(QUESTIONS))
const instrument = core.decodeInstrumentYaml(readFileSync(join(ws, "surveys", "bench.yaml"), "utf8"), "bench.yaml")

const siteRows = readFileSync(join(example, "sites.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(","))
const sites = siteRows.map((cells) => cells[0])
let participants = "id,site_id,code,locale,email,gender,age_band,education,residence\n"
for (let i = 0; i < count; i++) participants += `p-${String(i).padStart(6, "0")},${sites[i % sites.length]},${codeOf(i)},,,${i % 2 ? "woman" : "man"},25-34,secondary,urban\n`
writeFileSync(join(ws, "participants.csv"), participants)
const raw = (q, i) => {
  switch (q.type) {
    case "likert5": return String(1 + (i % 5))
    case "likert7": return String(1 + (i % 7))
    case "scale": return String(i % 11)
    case "number": return String(i % 25)
    case "text": return i % 3 === 0 ? "" : `Answer ${i}`
    case "multiple": return i % 2 ? "o1 o3" : "o2"
    default: return `o${1 + (i % 3)}`
  }
}
let answers = `code,${instrument.questions.map((q) => q.id).join(",")}\n`
for (let i = 0; i < count; i++) answers += `${codeOf(i)},${instrument.questions.map((q) => raw(q, i)).join(",")}\n`
writeFileSync(join(ws, "answers-pre.csv"), answers)

const bin = join(root, "packages", "cli", "bin", "run.js")
const convene = (...args) => execFileSync(process.execPath, [bin, ...args], { cwd: ws, env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: "utf8" })
const time = (label, f) => {
  const started = performance.now()
  const out = f()
  const s = (performance.now() - started) / 1000
  console.log(`  ${label.padEnd(60)} ${s.toFixed(2).padStart(7)} s`)
  return [out, s]
}
console.log(`Node ${process.version}: ${count} participants, ${QUESTIONS} questions (${databaseUrl === "" ? "PGlite" : "PostgreSQL"})`)
convene("db", "migrate") // a shared PostgreSQL is migrated only on purpose; the embedded database migrates itself
convene("fellows", "import", "fellows.csv")
convene("sites", "import", "sites.csv")
time(`participants import (${count} rows)`, () => convene("participants", "import", "participants.csv"))
const [imported, tImport] = time(`survey import answers-pre.csv (${count} × ${QUESTIONS})`, () => JSON.parse(convene("survey", "import", "answers-pre.csv", "--wave", "pre", "--json")))
console.log(`    ${imported.imported} responses, ${imported.answers} answers (${imported.blank} blank); target < 15 s: ${tImport < 15 ? "met" : "NOT met"}`)
time("survey export --format csv (every answer, long form)", () => convene("survey", "export", "--format", "csv", "--out", "answers.csv"))

// the form server: invitations to the post wave for 20,000 participants, written directly
const invited = Math.min(count, 20_000)
const { db } = await core.openDatabase(databaseUrl === "" ? { pgliteDir: join(ws, ".convene", "db") } : { url: databaseUrl })
const key = await Effect.runPromise(core.surveyTokenKey().pipe(Effect.provide(core.ConveneStore.layerFrom({ db, dialect: databaseUrl === "" ? "pglite" : "postgres", location: "bench" }))))
const tokens = Array.from({ length: invited }, (_, i) => core.surveyToken(key, "bench", "post", `p-${String(i).padStart(6, "0")}`))
for (let i = 0; i < invited; i += 1000) {
  await db.insertInto("survey_invitations").values(tokens.slice(i, i + 1000).map((t, j) => ({ participant_id: `p-${String(i + j).padStart(6, "0")}`, instrument: "bench", wave: "post", token_hash: core.tokenHash(t), site_id: sites[(i + j) % sites.length], locale: siteRows[(i + j) % sites.length][5], timezone: siteRows[(i + j) % sites.length][4] }))).execute()
}
await db.destroy()

const port = 18000 + (process.pid % 1000)
const server = spawn(process.execPath, [bin, "survey", "serve", "--port", String(port), "--quiet"], { cwd: ws, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ["ignore", "ignore", "pipe"] })
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
      // a stored submission answers 303 (to the thank-you page): anything else is an error
      const ok = Object.entries(r.statusCodeStats ?? {}).filter(([code]) => code === "200" || code === "303").reduce((n, [, s]) => n + s.count, 0)
      r.bad = r.errors + r.timeouts + (r.requests.total - ok)
      console.log(`  ${label.padEnd(34)} ${Math.round(r.requests.average).toString().padStart(6)} req/s   p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   errors ${r.bad} of ${r.requests.total} (${statuses})`)
      resolve(r)
    })
  })
let g = 0
const gets = await run("GET /s/<token> (the form)", {
  // every request a different participant's form, as when invitations go out
  requests: [{ method: "GET", setupRequest: (req) => ({ ...req, path: `/s/${tokens[g++ % invited]}` }) }]
})
const csrfOf = (token) => createHmac("sha256", key).update(`csrf\u0000${createHash("sha256").update(token).digest("hex")}`).digest("base64url")
const body = (token, i) => {
  const p = new URLSearchParams({ _csrf: csrfOf(token) })
  for (const q of instrument.questions) for (const v of raw(q, i).split(" ")) if (v !== "") p.append(q.id, v)
  return p.toString()
}
// submissions from the other end of the list, so that no GET above warmed them
let n = Math.floor(invited / 2)
const posts = await run("POST /s/<token> (a submission)", {
  requests: [{
    method: "POST",
    setupRequest: (req) => {
      const i = n++ % invited
      return { ...req, path: `/s/${tokens[i]}`, headers: { "content-type": "application/x-www-form-urlencoded", origin }, body: body(tokens[i], i) }
    }
  }],
  // a stored submission answers 303 (redirect to the thank-you page)
  expectBody: undefined
})
server.kill("SIGINT")
await new Promise((resolve) => server.on("exit", resolve))
await dropSchema()
console.log(`Targets: GET ≥ 1000/s ${gets.requests.average >= 1000 ? "met" : "NOT met"}; POST ≥ 300/s ${posts.requests.average >= 300 ? "met" : "NOT met"}; p99 < 100 ms ${gets.latency.p99 < 100 && posts.latency.p99 < 100 ? "met" : "NOT met"}; no errors ${gets.bad + posts.bad === 0 ? "met" : "NOT met"}`)
if (n - Math.floor(invited / 2) > invited) console.log(`  (note: ${n - Math.floor(invited / 2)} submissions for ${invited} invitations: the later ones were second submissions, answered 409)`)
