#!/usr/bin/env node
// `convene results publish` through the real CLI on PGlite: 150 countries × 4 sites, one per
// locale (en, fr, es, ar: 600 country pages), simulated and validated results, next to its
// floors measured in the same run (`node -e 0`; a bare PGlite open + count + close of the same
// data folder). Target: under 30 s. Also checks the second publication writes the same bytes.
// Usage: node scripts/bench-publish.mjs [COUNTRIES] (after pnpm run build)
import { execFileSync, spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { coreRequire, root } from "./bench-support.mjs"

const COUNTRIES = Number(process.argv[2] ?? 150)
const LOCALES = ["en", "fr", "es", "ar"]
const bin = join(root, "packages", "cli", "bin", "run.js")
const ws = join(root, "out", "bench-publish")
rmSync(ws, { recursive: true, force: true })
mkdirSync(ws, { recursive: true })
const example = join(root, "examples", "we-the-internet")
for (const f of ["convene.yaml", "fellows.csv"]) cpSync(join(example, f), join(ws, f))
for (const d of ["locales", "ballots"]) cpSync(join(example, d), join(ws, d), { recursive: true })

// the example's countries (with their zones and fellows), then more until COUNTRIES
const exampleSites = readFileSync(join(example, "sites.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(","))
const byCountry = new Map()
for (const s of exampleSites) if (!byCountry.has(s[3])) byCountry.set(s[3], s)
const more = "AD AE AF AG AI AL AM AO AR AT AU AW AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT BW BY BZ CA CD CF CG CH CI CL CM CN CO CR CU CV CY CZ DE DJ DK DM DO DZ EC EE EG ER ES ET FI FJ FR GA GB GD GE GH GM GN GQ GR GT GW GY HN HR HT HU ID IE IL IN IQ IR IS IT JM JO JP KE KG KH KI KM KN KP KR KW KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MG MH MK ML MM MN MR MT MU MV MW MX MY MZ NA NE NG NI NL NO NP NR NZ OM PA PE PG PH PK PL PT PW PY QA RO RS RU RW SA SB SC SD SE SG SI SK SL SM SN SO SR SS ST SV SY SZ TD TG TH TJ TL TM TN TO TR TT TV TZ UA UG US UY UZ VC VE VN VU WS YE ZA ZM ZW".split(" ")
const countries = [...byCountry.keys()].slice(0, COUNTRIES)
for (const c of more) if (countries.length < COUNTRIES && !byCountry.has(c)) countries.push(c)
const template = exampleSites[0]
const lines = ["id,name,city,country,timezone,locale,capacity,format,fellow_email,start_local"]
for (const c of countries) {
  const s = byCountry.get(c) ?? [...template.slice(0, 3), c, "UTC", "", "", "", exampleSites[countries.indexOf(c) % exampleSites.length][8]]
  for (const l of LOCALES) lines.push(`${c.toLowerCase()}-${l},${c} ${l} assembly,${c} city,${c},${s[4]},${l}-${c},100,in-person,${s[8]},`)
}
writeFileSync(join(ws, "sites.csv"), `${lines.join("\n")}\n`)

const env = { ...process.env, DATABASE_URL: "" }
const convene = (...args) => execFileSync(process.execPath, [bin, ...args], { cwd: ws, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 28 })
const time = (command, args) => {
  const started = process.hrtime.bigint()
  const r = spawnSync(command, args, { cwd: ws, env, encoding: "utf8", maxBuffer: 1 << 28 })
  if (r.status !== 0) throw new Error(`${args.join(" ").slice(0, 200)} failed: ${r.stderr.slice(-2000)}`)
  return Number(process.hrtime.bigint() - started) / 1e6
}
const median = (runs, f) => Array.from({ length: runs }, f).sort((a, b) => a - b)[Math.floor(runs / 2)]
const row = (label, ms, against, name) => console.log(`  ${label.padEnd(56)} ${(ms / 1000).toFixed(2).padStart(6)} s${against === undefined ? "" : `  (${(ms / against).toFixed(1)}× ${name})`}`)

for (const r of ["fellows", "sites"]) convene(r, "import", `${r}.csv`)
convene("results", "simulate", "--seed", "1")
convene("results", "validate", "--all-submitted", "--by", "bench")

console.log(`results publish: ${countries.length} countries × ${LOCALES.length} locales (${countries.length * LOCALES.length} sites, PGlite)`)
const floor = median(5, () => time(process.execPath, ["-e", "0"]))
const pglite = pathToFileURL(coreRequire.resolve("@electric-sql/pglite")).href
const open = median(3, () => time(process.execPath, ["--input-type=module", "-e", `const { PGlite } = await import(${JSON.stringify(pglite)}); const db = await PGlite.create(${JSON.stringify(join(ws, ".convene", "db"))}); await db.query("select count(*) from result_sites"); await db.close()`]))
row("node -e 0", floor)
row("bare PGlite open + count(result_sites) + close", open)
const out = join(ws, "portal")
const publish = () => time(process.execPath, [bin, "results", "publish", "--out", out, "--as-of", "2030-01-01T00:00:00Z"])
const first = publish()
const digest = (dir) => {
  const h = createHash("sha256")
  const walk = (d) => { for (const e of readdirSync(d).sort()) { const p = join(d, e); if (statSync(p).isDirectory()) walk(p); else h.update(e).update(readFileSync(p)) } }
  walk(dir)
  return h.digest("hex")
}
const before = digest(out)
const seconds = median(3, publish)
const files = readdirSync(join(out, "countries")).length
row(`results publish (${files} country pages)`, seconds, open, "the bare open")
console.log(`  first run ${(first / 1000).toFixed(2)} s; republished byte-identical: ${digest(out) === before ? "yes" : "NO"}`)
console.log(`  target: under 30 s — ${seconds < 30000 ? "met" : "NOT MET"}`)
