#!/usr/bin/env node
// Report benchmark: 100,000 participants × 3 waves × 30 questions, 30 % of them a control group
// (role control) — every participant answers pre and post and 60 % the follow-up, typed in as
// paper questionnaires (`convene survey import`, the real path), with a seeded pre → post change
// for the panel only — then `convene survey report` through the real CLI: the control pool, the
// difference-in-differences and every wave pair (pre→post, pre→followup, post→followup).
// Targets (issue 18): under 45 s on PGlite, under 15 s on PostgreSQL (DATABASE_URL). The earlier
// two-wave report without a control group had 30 s and 10 s. Then `--split country`: the global
// report and one report per country (101 countries, in their languages), target under 60 s in all.
// Usage: node scripts/bench-report.mjs [PARTICIPANTS] (after pnpm run build)
import { execFileSync } from "node:child_process"
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { benchDatabase, benchInstrumentYaml, codeOf, KINDS, root } from "./bench-support.mjs"

const count = Number(process.argv[2] ?? 100_000)
const QUESTIONS = 30
const database = await benchDatabase("bench_report")
const databaseUrl = database.url
let dropSchema = database.drop
// inside the checkout (out/ is git-ignored): /tmp here costs ~1 ms per new file
const ws = join(root, "out", "bench-report")
rmSync(ws, { recursive: true, force: true })
mkdirSync(join(ws, "surveys"), { recursive: true })
const example = join(root, "examples", "we-the-internet")
cpSync(join(example, "convene.yaml"), join(ws, "convene.yaml"))
for (const f of ["fellows.csv", "sites.csv"]) cpSync(join(example, f), join(ws, f))
cpSync(join(example, "locales"), join(ws, "locales"), { recursive: true })
writeFileSync(join(ws, "surveys", "bench.yaml"), benchInstrumentYaml(QUESTIONS, ["pre", "post", "followup"]))
const kinds = KINDS

const sites = readFileSync(join(example, "sites.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(",")[0])
// a small seeded generator (mulberry32): the same data every run
let seed = 42
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pick = (n) => Math.floor(random() * n)
const clamp = (x, lo, hi) => Math.max(lo, Math.min(hi, Math.round(x)))
let participants = "id,site_id,code,locale,email,gender,age_band,education,residence,role\n"
// 3 in 10 are the control group
const control = (i) => i % 10 < 3
for (let i = 0; i < count; i++) participants += `p-${String(i).padStart(6, "0")},${sites[i % sites.length]},${codeOf(i)},,,${i % 2 ? "woman" : "man"},25-34,secondary,urban,${control(i) ? "control" : ""}\n`
writeFileSync(join(ws, "participants.csv"), participants)
const header = `code,${Array.from({ length: QUESTIONS }, (_, i) => `q${String(i + 1).padStart(2, "0")}`).join(",")}\n`
let pre = header
let post = header
let followup = header
let followers = 0
for (let i = 0; i < count; i++) {
  const a = []
  const b = []
  for (let q = 0; q < QUESTIONS; q++) {
    const type = kinds[q % kinds.length]
    // the panel moves up; the control group moves both ways alike
    const up = control(i) ? (random() < 0.1 ? 1 : random() < 0.1 ? -1 : 0) : random() < 0.35 ? 1 : random() < 0.1 ? -1 : 0
    switch (type) {
      case "likert5": { const v = 1 + pick(5); a.push(v); b.push(clamp(v + up, 1, 5)); break }
      case "likert7": { const v = 1 + pick(7); a.push(v); b.push(clamp(v + up, 1, 7)); break }
      case "scale": { const v = pick(11); a.push(v); b.push(clamp(v + up, 0, 10)); break }
      case "number": { const v = pick(13); a.push(v); b.push(clamp(v + up, 0, 24)); break }
      case "text": a.push(random() < 0.3 ? `Idea ${pick(50)}` : ""); b.push(random() < 0.3 ? `Learned ${pick(50)}` : ""); break
      case "multiple": a.push(random() < 0.5 ? "o1 o3" : "o2"); b.push(random() < 0.5 ? "o1" : "o2 o4"); break
      case "knowledge": a.push(random() < 0.45 ? "o2" : `o${random() < 0.5 ? 1 : 3}`); b.push(random() < 0.6 ? "o2" : `o${random() < 0.5 ? 1 : 3}`); break
      default: a.push(`o${1 + pick(4)}`); b.push(`o${1 + pick(4)}`)
    }
  }
  pre += `${codeOf(i)},${a.join(",")}\n`
  post += `${codeOf(i)},${b.join(",")}\n`
  // six in ten answer the follow-up, as they answered after the day
  if (random() < 0.6) {
    followup += `${codeOf(i)},${b.join(",")}\n`
    followers++
  }
}
writeFileSync(join(ws, "answers-pre.csv"), pre)
writeFileSync(join(ws, "answers-post.csv"), post)
writeFileSync(join(ws, "answers-followup.csv"), followup)

const bin = join(root, "packages", "cli", "bin", "run.js")
const convene = (...args) => execFileSync(process.execPath, [bin, ...args], { cwd: ws, env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: "utf8", maxBuffer: 1 << 28 })
const time = (label, f) => {
  const started = performance.now()
  const out = f()
  const s = (performance.now() - started) / 1000
  console.log(`  ${label.padEnd(64)} ${s.toFixed(2).padStart(7)} s`)
  return [out, s]
}
console.log(`Node ${process.version}: ${count} participants (30 % control) × 3 waves × ${QUESTIONS} questions (${databaseUrl === "" ? "PGlite" : "PostgreSQL"})`)
convene("db", "migrate") // a shared PostgreSQL is migrated only on purpose; the embedded database migrates itself
convene("fellows", "import", "fellows.csv")
convene("sites", "import", "sites.csv")
time(`participants import (${count})`, () => convene("participants", "import", "participants.csv"))
time(`survey import pre, post, followup (2 × ${count} + ${followers}, × ${QUESTIONS})`, () => {
  convene("survey", "import", "answers-pre.csv", "--wave", "pre")
  convene("survey", "import", "answers-post.csv", "--wave", "post")
  convene("survey", "import", "answers-followup.csv", "--wave", "followup")
})
// the floor: the same CLI opening the same database and counting its tables' rows
const [, floor] = time("db status (the floor: the CLI opens the database, counts rows)", () => convene("db", "status"))
const [, seconds] = time("survey report --by region --format html,csv,json", () => convene("survey", "report", "--by", "region", "--format", "html,csv,json"))
if (process.env.BENCH_KEEP === "1") dropSchema = async () => console.log(`  (kept: ${databaseUrl})`)
const [, bySite] = time("survey report --by site --format csv", () => convene("survey", "report", "--by", "site", "--format", "csv"))
const countries = new Set(readFileSync(join(example, "sites.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(",")[3])).size
const [splitOut, split] = time(`survey report --split country --format html (the global one + ${countries} countries)`, () => convene("survey", "report", "--split", "country", "--format", "html", "--json"))
const written = JSON.parse(splitOut).countries.length
const target = databaseUrl === "" ? 45 : 15
console.log(`Target: under ${target} s — ${seconds < target ? "met" : "NOT met"} (${seconds.toFixed(1)} s, ${(seconds / floor).toFixed(1)} × the floor of ${floor.toFixed(2)} s; by site: ${bySite.toFixed(1)} s)`)
console.log(`Target (--split country, ${written} country reports): under 60 s in all — ${split < 60 ? "met" : "NOT met"} (${split.toFixed(1)} s, ${(split / floor).toFixed(1)} × the floor of ${floor.toFixed(2)} s)`)
await dropSchema()
