#!/usr/bin/env node
// Results benchmarks, through the real CLI, next to their floors measured in the same run
// (`node -e 0`; a bare PGlite open + count + close of the same data folder; a plain SQL count of
// the stored rows):
//  1. `convene results import` of table tallies: 2,000 sites × 4 questions × 20 tables × 4
//     options (640,000 rows) on PGlite — target under 5 s;
//  2. individual ballots: 2,000 sites × 150 ballots × 10 questions (3 million answers), imported
//     in files of 200 sites, all validated, then `convene results report` with cluster
//     intervals — targets under 10 s on PGlite, under 3 s on PostgreSQL (when DATABASE_URL is set).
// Usage: node scripts/bench-results.mjs [SITES] (after pnpm run build)
import { execFileSync, spawnSync } from "node:child_process"
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { benchDatabase, coreRequire, root } from "./bench-support.mjs"

const SITES = Number(process.argv[2] ?? 2000)
const TABLES = 20
const BALLOTS = 150
const bin = join(root, "packages", "cli", "bin", "run.js")
const ws = join(root, "out", "bench-results")
rmSync(ws, { recursive: true, force: true })
mkdirSync(join(ws, "ballots"), { recursive: true })
const example = join(root, "examples", "we-the-internet")
cpSync(join(example, "convene.yaml"), join(ws, "convene.yaml"))
cpSync(join(example, "fellows.csv"), join(ws, "fellows.csv"))
cpSync(join(example, "locales"), join(ws, "locales"), { recursive: true })

// 2,000 sites over the example's countries, zones and fellows
const exampleSites = readFileSync(join(example, "sites.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(","))
const siteIds = Array.from({ length: SITES }, (_, i) => `bench-${String(i + 1).padStart(4, "0")}`)
writeFileSync(
  join(ws, "sites.csv"),
  "id,name,city,country,timezone,locale,capacity,format,fellow_email,start_local\n" +
    siteIds.map((id, i) => {
      const s = exampleSites[i % exampleSites.length]
      return `${id},Bench site ${i + 1},${s[2]},${s[3]},${s[4]},${s[5]},200,in-person,${s[8]},`
    }).join("\n") + "\n"
)

// 4 tally questions (one per vote block) and 10 ballot questions of every counted type
const options = (n) => Array.from({ length: n }, (_, i) => `      - { id: o${i + 1}, label: { en: "Option ${i + 1}" } }`).join("\n")
const tallyQuestions = [1, 2, 3, 4].map((v) => `  - id: t${v}\n    block: vote-${v}\n    type: single\n    collect: tally\n    label: { en: "Tally question ${v}" }\n    options:\n${options(4)}`)
const BALLOT_KINDS = ["single", "multiple", "scale", "ranking", "single", "multiple", "scale", "ranking", "single", "single"]
const ballotQuestions = BALLOT_KINDS.map((type, i) => {
  const head = `  - id: b${i + 1}\n    block: vote-${(i % 4) + 1}\n    type: ${type}\n    collect: ballot\n    label: { en: "Ballot question ${i + 1}" }`
  if (type === "scale") return `${head}\n    scale: "0-10"`
  if (type === "multiple") return `${head}\n    max_choices: 2\n    options:\n${options(5)}`
  return `${head}\n    options:\n${options(4)}`
})
writeFileSync(join(ws, "ballots", "bench.yaml"), `questions:\n${[...tallyQuestions, ...ballotQuestions].join("\n")}\n`)

const database = await benchDatabase("bench_results")
const env = (url) => ({ ...process.env, DATABASE_URL: url })
const convene = (args, url = "") => execFileSync(process.execPath, [bin, ...args], { cwd: ws, env: env(url), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 28 })
const time = (command, args, url = "") => {
  const started = process.hrtime.bigint()
  const r = spawnSync(command, args, { cwd: ws, env: env(url), encoding: "utf8", maxBuffer: 1 << 28 })
  if (r.status !== 0) throw new Error(`${args.join(" ").slice(0, 200)} failed: ${r.stderr.slice(-2000)}`)
  return Number(process.hrtime.bigint() - started) / 1e6
}
const median = (runs, f) => {
  const xs = Array.from({ length: runs }, f).sort((a, b) => a - b)
  return xs[Math.floor(xs.length / 2)]
}
const row = (label, ms, against, name) => console.log(`  ${label.padEnd(52)} ${(ms / 1000).toFixed(2).padStart(6)} s${against === undefined ? "" : `  (${(ms / against).toFixed(1)}× ${name})`}`)

for (const r of ["fellows", "sites"]) convene([r, "import", `${r}.csv`])
if (database.url !== "") {
  // a shared PostgreSQL is migrated only on purpose
  convene(["db", "migrate"], database.url)
  for (const r of ["fellows", "sites"]) convene([r, "import", `${r}.csv`], database.url)
}

// a seeded generator, so that every run imports the same data
let state = 0x2545f491
const random = () => {
  state ^= state << 13
  state ^= state >>> 17
  state ^= state << 5
  return (state >>> 0) / 4294967296
}

// 1. tallies: 2,000 × 4 × 20 × 4 rows
const talliesFile = join(ws, "tallies.csv")
{
  const lines = ["site,table,present,question,option,count"]
  for (const site of siteIds) {
    for (let t = 1; t <= TABLES; t++) {
      const present = 6 + Math.floor(random() * 5)
      for (let q = 1; q <= 4; q++) {
        let left = present
        for (let o = 1; o <= 4; o++) {
          const n = o === 4 ? left : Math.floor(random() * (left + 1))
          left -= n
          lines.push(`${site},${t},${present},t${q},o${o},${n}`)
        }
      }
    }
  }
  writeFileSync(talliesFile, lines.join("\n") + "\n")
}
const talliesRows = SITES * TABLES * 4 * 4

const floor = median(5, () => time(process.execPath, ["-e", "0"]))
const pglite = pathToFileURL(coreRequire.resolve("@electric-sql/pglite")).href
const count = (table) => `const { PGlite } = await import(${JSON.stringify(pglite)}); const db = await PGlite.create(${JSON.stringify(join(ws, ".convene", "db"))}); await db.query("select count(*) from ${table}"); await db.close()`
const open = median(3, () => time(process.execPath, ["--input-type=module", "-e", count("sites")]))
console.log(`Node ${process.version}: results through the CLI, ${SITES.toLocaleString("en")} sites`)
row("node -e 0", floor)
row("bare PGlite open + count(sites) + close", open)
const importTallies = time(process.execPath, [bin, "results", "import", talliesFile])
row(`results import: ${talliesRows.toLocaleString("en")} tally rows (PGlite)`, importTallies, open, "the bare open")
const countStored = median(3, () => time(process.execPath, ["--input-type=module", "-e", count("result_sites")]))
row("  floor: bare PGlite open + count(result_sites) + close", countStored, open, "the bare open")
console.log(`  target: under 5 s — ${importTallies < 5000 ? "met" : "NOT MET"}`)
if (database.url !== "") row(`results import: ${talliesRows.toLocaleString("en")} tally rows (PostgreSQL)`, time(process.execPath, [bin, "results", "import", talliesFile], database.url), floor, "node -e 0")

// 2. ballots: 2,000 × 150 × 10, in files of 200 sites
const ballotFiles = []
for (let from = 0; from < SITES; from += 200) {
  const lines = ["site,ballot,question,value"]
  for (const site of siteIds.slice(from, from + 200)) {
    for (let b = 1; b <= BALLOTS; b++) {
      BALLOT_KINDS.forEach((type, i) => {
        const pick = (n) => `o${1 + Math.floor(random() * n)}`
        let value
        if (type === "scale") value = String(Math.floor(random() * 11))
        else if (type === "multiple") {
          const a = pick(5)
          const b2 = pick(5)
          value = a === b2 ? a : `${a} ${b2}`
        } else if (type === "ranking") value = ["o1", "o2", "o3", "o4"].sort(() => random() - 0.5).join(" ")
        else value = pick(4)
        lines.push(`${site},b${b},b${i + 1},${value}`)
      })
    }
  }
  const file = join(ws, `ballots-${from}.csv`)
  writeFileSync(file, lines.join("\n") + "\n")
  ballotFiles.push(file)
}
const answers = SITES * BALLOTS * BALLOT_KINDS.length
const importBallots = ballotFiles.reduce((sum, f) => sum + time(process.execPath, [bin, "results", "import", f]), 0)
row(`results import: ${answers.toLocaleString("en")} ballot answers, ${ballotFiles.length} files (PGlite)`, importBallots, open * ballotFiles.length, `${ballotFiles.length} bare opens`)
if (database.url !== "") {
  const pgBallots = ballotFiles.reduce((sum, f) => sum + time(process.execPath, [bin, "results", "import", f], database.url), 0)
  row(`results import: ${answers.toLocaleString("en")} ballot answers (PostgreSQL)`, pgBallots, floor * ballotFiles.length, `${ballotFiles.length}× node -e 0`)
}
const hasReport = existsSync(join(root, "packages", "cli", "dist", "commands", "results", "report.js"))
if (hasReport) {
  const countChoices = median(3, () => time(process.execPath, ["--input-type=module", "-e", count("result_sites")]))
  row("  floor: bare PGlite open + count(result_sites), 3 M answers stored", countChoices, open, "the bare open")
  const report = median(3, () => time(process.execPath, [bin, "results", "report", "--include-unvalidated", "--internal", "--format", "json", "--out", join(ws, "out")]))
  row("results report --format json (PGlite)", report, countChoices, "the count floor")
  console.log(`  target: under 10 s on PGlite — ${report < 10000 ? "met" : "NOT MET"}`)
  if (database.url !== "") {
    const pgReport = median(3, () => time(process.execPath, [bin, "results", "report", "--include-unvalidated", "--internal", "--format", "json", "--out", join(ws, "out-pg")], database.url))
    row("results report --format json (PostgreSQL)", pgReport, floor, "node -e 0")
    console.log(`  target: under 3 s on PostgreSQL — ${pgReport < 3000 ? "met" : "NOT MET"}`)
  }
} else console.log("  results report: SKIPPED — the report command is not built")
await database.drop()
