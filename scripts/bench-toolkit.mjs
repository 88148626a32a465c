#!/usr/bin/env node
// Toolkit benchmark, through the real CLI, next to its floors measured in the same run (`node -e 0`;
// a bare PGlite open + count + close of the same data folder): 150 countries × 2 sites (300
// sites, locales in en, fr, es and ar), their results simulated and validated, then
// `convene results toolkit --all` without PDFs — one toolkit per country and per region (brief,
// deck, open data, zip). Target: under 60 s.
// Usage: node scripts/bench-toolkit.mjs [COUNTRIES] (after pnpm run build)
import { execFileSync } from "node:child_process"
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { coreRequire, root } from "./bench-support.mjs"

const COUNTRIES = Number(process.argv[2] ?? 150)
const SITES_PER_COUNTRY = 2
const AFTER = "2027-06-01T00:00:00Z"
const bin = join(root, "packages", "cli", "bin", "run.js")
// inside the checkout (out/ is git-ignored)
const ws = join(root, "out", "bench-toolkit")
rmSync(ws, { recursive: true, force: true })
mkdirSync(ws, { recursive: true })
const example = join(root, "examples", "we-the-internet")
cpSync(join(example, "convene.yaml"), join(ws, "convene.yaml"))
cpSync(join(example, "ballots"), join(ws, "ballots"), { recursive: true })
cpSync(join(example, "locales"), join(ws, "locales"), { recursive: true })

// countries placed by UN M49, their sites in one of the four catalogued languages
const { countries } = coreRequire("countries-list")
const codes = Object.keys(countries).sort().filter((c) => !["AQ", "BV", "HM", "TF", "UM", "XK"].includes(c)).slice(0, COUNTRIES)
const languages = ["en", "fr", "es", "ar"]
let fellows = "id,name,email,country,languages,organisation\n"
let sites = "id,name,city,country,timezone,locale,capacity,format,fellow_email,start_local\n"
codes.forEach((cc, i) => {
  const lc = cc.toLowerCase()
  const language = languages[i % languages.length]
  fellows += `f-${lc},Fellow ${cc},fellow@${lc}.example.org,${cc},${language},\n`
  for (let s = 1; s <= SITES_PER_COUNTRY; s++) sites += `${lc}-site-${s},Site ${s} of ${cc},City ${s},${cc},Europe/London,${language}-${cc},120,in-person,fellow@${lc}.example.org,\n`
})
writeFileSync(join(ws, "fellows.csv"), fellows)
writeFileSync(join(ws, "sites.csv"), sites)
writeFileSync(join(ws, "participants.csv"), "id,site_id,code,locale,email,gender,age_band,education,residence\n")

const env = { ...process.env, DATABASE_URL: "" }
const convene = (args) => execFileSync(process.execPath, [bin, ...args], { cwd: ws, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 28 })
const time = (command, args) => {
  const started = performance.now()
  execFileSync(command, args, { cwd: ws, env, stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 28 })
  return performance.now() - started
}
const median = (runs, f) => {
  const xs = Array.from({ length: runs }, f).sort((a, b) => a - b)
  return xs[Math.floor(xs.length / 2)]
}
const row = (label, ms, against, name) => console.log(`  ${label.padEnd(58)} ${(ms / 1000).toFixed(2).padStart(6)} s${against === undefined ? "" : `  (${(ms / against).toFixed(1)}× ${name})`}`)

for (const r of ["fellows", "sites"]) convene([r, "import", `${r}.csv`])
convene(["results", "simulate", "--seed", "1"])
convene(["results", "validate", "--all-submitted"])

const floor = median(5, () => time(process.execPath, ["-e", "0"]))
const pglite = coreRequire.resolve("@electric-sql/pglite")
const open = median(3, () => time(process.execPath, ["--input-type=module", "-e", `const { PGlite } = await import(${JSON.stringify(pglite)}); const db = await PGlite.create(${JSON.stringify(join(ws, ".convene", "db"))}); await db.query("select count(*) from result_sites"); await db.close()`]))
const toolkits = time(process.execPath, [bin, "results", "toolkit", "--all", "--as-of", AFTER])
const written = readdirSync(join(ws, "out", "toolkits")).filter((f) => f.endsWith(".zip")).length

console.log(`Toolkits: ${codes.length} countries × ${SITES_PER_COUNTRY} sites, simulated and validated (PGlite)`)
row("node -e 0", floor)
row("bare PGlite open + count(result_sites) + close", open)
row(`results toolkit --all: ${written} toolkits, no PDF (target < 60 s)`, toolkits, open, "the bare open")
if (toolkits > 60_000) {
  console.error(`results toolkit --all took ${(toolkits / 1000).toFixed(1)} s: over the 60 s target`)
  process.exitCode = 1
}
