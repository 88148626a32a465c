#!/usr/bin/env node
// Report benchmark: 100,000 participants × 2 waves × 30 questions (simulated, through the same
// storage path as real answers), then `convene survey report --by region --format html,csv,json`
// through the real CLI. Targets: under 30 s on PGlite, under 10 s on PostgreSQL (DATABASE_URL).
// Usage: node scripts/bench-report.mjs [PARTICIPANTS] (after pnpm run build)
import { execFileSync } from "node:child_process"
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const coreRequire = createRequire(join(root, "packages", "core", "package.json"))
const count = Number(process.argv[2] ?? 100_000)
const QUESTIONS = 30
const baseUrl = process.env.DATABASE_URL ?? ""
let databaseUrl = ""
let dropSchema = async () => {}
if (baseUrl !== "") {
  const pg = coreRequire("pg")
  const schema = `convene_bench_report_${process.pid}`
  const admin = new pg.Client({ connectionString: baseUrl })
  await admin.connect()
  await admin.query(`create schema ${schema}`)
  const u = new URL(baseUrl)
  u.searchParams.set("options", `-c search_path=${schema}`)
  databaseUrl = u.toString()
  dropSchema = async () => {
    await admin.query(`drop schema ${schema} cascade`)
    await admin.end()
  }
}
// inside the checkout (out/ is git-ignored): /tmp here costs ~1 ms per new file
const ws = join(root, "out", "bench-report")
rmSync(ws, { recursive: true, force: true })
mkdirSync(join(ws, "surveys"), { recursive: true })
const example = join(root, "examples", "we-the-internet")
cpSync(join(example, "convene.yaml"), join(ws, "convene.yaml"))
for (const f of ["fellows.csv", "sites.csv"]) cpSync(join(example, f), join(ws, f))
cpSync(join(example, "locales"), join(ws, "locales"), { recursive: true })
// 30 questions of every type, asked before and after
const kinds = ["likert5", "likert7", "scale", "single", "multiple", "number", "knowledge", "likert5", "scale", "text"]
const options = (n) => Array.from({ length: n }, (_, i) => `      - { id: o${i + 1}, label: { en: "Option ${i + 1}" } }`).join("\n")
const questions = Array.from({ length: QUESTIONS }, (_, i) => {
  const type = kinds[i % kinds.length]
  const extra = type === "single" || type === "multiple" ? `\n    options:\n${options(4)}` : type === "knowledge" ? `\n    options:\n${options(3)}\n    correct: o2` : type === "number" ? "\n    min: 0\n    max: 24" : ""
  return `  - id: q${String(i + 1).padStart(2, "0")}\n    type: ${type}\n    required: ${type !== "text"}\n    waves: [pre, post]\n    label: { en: "Question ${i + 1}" }${extra}`
})
writeFileSync(join(ws, "surveys", "bench.yaml"), `id: bench\nversion: 1\nlocales: [en]\ntitle: { en: "Benchmark survey" }\nquestions:\n${questions.join("\n")}\n`)

const bin = join(root, "packages", "cli", "bin", "run.js")
const convene = (...args) => execFileSync(process.execPath, [bin, ...args], { cwd: ws, env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: "utf8", maxBuffer: 1 << 28 })
const time = (label, f) => {
  const started = performance.now()
  const out = f()
  const s = (performance.now() - started) / 1000
  console.log(`  ${label.padEnd(64)} ${s.toFixed(2).padStart(7)} s`)
  return [out, s]
}
console.log(`Node ${process.version}: ${count} participants × 2 waves × ${QUESTIONS} questions (${databaseUrl === "" ? "PGlite" : "PostgreSQL"})`)
convene("fellows", "import", "fellows.csv")
convene("sites", "import", "sites.csv")
time(`survey simulate --participants ${count} (registers them, then answers)`, () => convene("survey", "simulate", "--participants", String(count), "--seed", "7"))
const [, seconds] = time("survey report --by region --format html,csv,json", () => convene("survey", "report", "--by", "region", "--format", "html,csv,json"))
const [, bySite] = time("survey report --by site --format csv", () => convene("survey", "report", "--by", "site", "--format", "csv"))
const target = databaseUrl === "" ? 30 : 10
console.log(`Target: under ${target} s — ${seconds < target ? "met" : "NOT met"} (${seconds.toFixed(1)} s; by site: ${bySite.toFixed(1)} s)`)
await dropSchema()
