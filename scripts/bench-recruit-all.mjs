#!/usr/bin/env node
// Recruitment benchmark for many sites (issue 16): with the real CLI on the embedded database,
// import a candidate pool for SITES sites (POOL volunteers each, the example's four codebook
// features, skewed against the census), then `convene recruit select --all` draws every site's
// panel of SIZE (leximin) with reserves — one site at a time (--workers 1), then as many at once as
// the machine has cores — then `recruit status`. Floors measured in the same run:
// `node -e 0` and `convene sites list` (the CLI's start and the embedded open every command pays).
// Usage: node scripts/bench-recruit-all.mjs [SITES=100] [POOL=200] [SIZE=24] [FEATURES=4|6] [TOLERANCE=0.02] [--parallel-only] (after pnpm run build)
// --parallel-only: only the default (a worker per core), without the one-at-a-time run to compare with
import { execFileSync } from "node:child_process"
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { availableParallelism } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const parallelOnly = process.argv.includes("--parallel-only")
const positional = process.argv.slice(2).filter((a) => !a.startsWith("--"))
const [sitesWanted, poolSize, size, featureCount, tolerance] = [Number(positional[0] ?? 100), Number(positional[1] ?? 200), Number(positional[2] ?? 24), Number(positional[3] ?? 4), Number(positional[4] ?? 0.02)]
if (featureCount !== 4 && featureCount !== 6) throw new Error("FEATURES: 4 (the example's codebook) or 6 (with region and connectivity, 24 values: issue 16's case)")
const ws = join(root, "out", "bench-recruit-all")
rmSync(ws, { recursive: true, force: true })
mkdirSync(ws, { recursive: true })
const example = join(root, "examples", "we-the-internet")
for (const f of ["convene.yaml", "fellows.csv", "census.csv"]) cpSync(join(example, f), join(ws, f))
// the 6-feature case: two more features in the codebook and the census
const EXTRA = {
  region: { census: { north: 0.25, south: 0.3, east: 0.2, west: 0.15, islands: 0.1 }, lean: { north: 1, south: 0.9, east: 1.1, west: 1, islands: 0.8 } },
  connectivity: { census: { home: 0.7, mobile: 0.2, none: 0.1 }, lean: { home: 1.2, mobile: 0.9, none: 0.6 } }
}
if (featureCount === 6) {
  const yaml = readFileSync(join(ws, "convene.yaml"), "utf8")
  const rural = yaml.indexOf("\n", yaml.indexOf("- { id: rural,")) + 1
  const extra = Object.entries(EXTRA).map(([id, f]) => `  - id: ${id}\n    values:\n${Object.keys(f.census).map((v) => `      - { id: ${v} }\n`).join("")}`).join("")
  writeFileSync(join(ws, "convene.yaml"), yaml.slice(0, rural) + extra + yaml.slice(rural))
  const census = readFileSync(join(ws, "census.csv"), "utf8")
  writeFileSync(join(ws, "census.csv"), census + Object.entries(EXTRA).flatMap(([id, f]) => Object.entries(f.census).map(([v, share]) => `all,${id},${v},${share}\n`)).join(""))
}
const [header, ...rows] = readFileSync(join(example, "sites.csv"), "utf8").trim().split("\n")
const cols = header.split(",")
const inPerson = rows.filter((r) => r.split(",")[cols.indexOf("format")] !== "mirror")
writeFileSync(join(ws, "sites.csv"), [header, ...inPerson.slice(0, sitesWanted)].join("\n") + "\n")
const sites = inPerson.slice(0, sitesWanted).map((r) => r.split(",")[0])

// a seeded generator (mulberry32) and the volunteer skew: older, more educated, more urban
let seed = 2027
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pick = (weights) => {
  const entries = Object.entries(weights)
  let u = random() * entries.reduce((s, [, w]) => s + w, 0)
  for (const [v, w] of entries) if ((u -= w) < 0) return v
  return entries.at(-1)[0]
}
const FEATURES = {
  gender: { woman: 0.52, man: 0.46, "non-binary": 0.01, undisclosed: 0.01 },
  age_band: { "16-24": 0.12, "25-34": 0.2, "35-44": 0.2, "45-54": 0.19, "55-64": 0.16, "65+": 0.13 },
  education: { none: 0.05, primary: 0.17, secondary: 0.43, tertiary: 0.35 },
  residence: { urban: 0.65, rural: 0.35 }
}
if (featureCount === 6) for (const [id, f] of Object.entries(EXTRA)) FEATURES[id] = Object.fromEntries(Object.entries(f.census).map(([v, share]) => [v, share * f.lean[v]]))
const pool = ["id,site,consent," + Object.keys(FEATURES).join(",")]
for (const site of sites) {
  for (let i = 0; i < poolSize; i++) pool.push(`c-${site}-${String(i).padStart(4, "0")},${site},${random() < 0.97 ? "yes" : "no"},${Object.values(FEATURES).map(pick).join(",")}`)
}
writeFileSync(join(ws, "candidates.csv"), pool.join("\n") + "\n")

const bin = join(root, "packages", "cli", "bin", "run.js")
const convene = (...args) => execFileSync(process.execPath, [bin, ...args], { cwd: ws, env: { ...process.env, DATABASE_URL: "" }, encoding: "utf8", maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "pipe"] })
const time = (f) => {
  const started = performance.now()
  const out = f()
  return [out, performance.now() - started]
}
convene("fellows", "import", "fellows.csv")
convene("sites", "import", "sites.csv")
convene("recruit", "targets", "--census", "census.csv", "--size", String(size), "--tolerance", String(tolerance))
const [, floorNode] = time(() => execFileSync(process.execPath, ["-e", "0"]))
const [, floorCli] = time(() => convene("sites", "list", "--json"))
const [, imported] = time(() => convene("candidates", "import", "candidates.csv"))
// one site at a time (--workers 1), then as many at once as the machine has cores (the default):
// the same panels either way
const select = (...extra) => time(() => convene("recruit", "select", "--all", "--size", String(size), "--reserves", "4", "--seed", "bench", "--json", ...extra))
const [outOne, drawnOne] = parallelOnly ? [undefined, NaN] : select("--workers", "1")
const [out, drawn] = select()
const result = JSON.parse(out)
const panels = (r) => JSON.stringify(r.draws.map((d) => [d.site, d.panel, d.reserves]))
if (outOne !== undefined && panels(result) !== panels(JSON.parse(outOne))) throw new Error("the draws with one worker and with several differ")
const [, status] = time(() => convene("recruit", "status", "--json"))
const s = (ms) => `${(ms / 1000).toFixed(2).padStart(7)} s`
console.log(`Node ${process.version}: ${sites.length} sites × ${poolSize} volunteers (${featureCount} features), panels of ${size} with 4 reserves, census targets ± ${tolerance}`)
console.log(`  node -e 0                              ${s(floorNode)}`)
console.log(`  convene sites list (floor)             ${s(floorCli)}`)
console.log(`  convene candidates import (${sites.length * poolSize} rows) ${s(imported)}  (${(imported / floorCli).toFixed(1)}× the CLI floor)`)
if (!parallelOnly) console.log(`  convene recruit select --all --workers 1 ${s(drawnOne)}  (${(drawnOne / floorCli).toFixed(1)}× the CLI floor; ${(drawnOne / sites.length / 1000).toFixed(2)} s per site)`)
console.log(`  convene recruit select --all (${availableParallelism()} workers) ${s(drawn)}  (${(drawn / floorCli).toFixed(1)}× the CLI floor; ${(drawn / sites.length / 1000).toFixed(2)} s per site; ${parallelOnly ? "" : `${(drawnOne / drawn).toFixed(2)}× faster; `}${result.draws.length} drawn, ${result.failures.length} not${parallelOnly ? "" : "; the same panels"})`)
console.log(`  convene recruit status                 ${s(status)}  (${(status / floorCli).toFixed(1)}× the CLI floor)`)
for (const f of result.failures.slice(0, 5)) console.log(`    not drawn: ${f.site}: ${f.message.split("\n")[0]}`)
