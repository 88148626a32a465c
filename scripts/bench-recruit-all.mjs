#!/usr/bin/env node
// Recruitment benchmark for many sites (issue 16): with the real CLI on the embedded database,
// import a candidate pool for SITES sites (POOL volunteers each, the example's four codebook
// features, skewed against the census), then `convene recruit select --all` draws every site's
// panel of SIZE (leximin) with reserves, then `recruit status`. Floors measured in the same run:
// `node -e 0` and `convene sites list` (the CLI's start and the embedded open every command pays).
// Usage: node scripts/bench-recruit-all.mjs [SITES=100] [POOL=200] [SIZE=24] (after pnpm run build)
import { execFileSync } from "node:child_process"
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const [sitesWanted, poolSize, size] = [Number(process.argv[2] ?? 100), Number(process.argv[3] ?? 200), Number(process.argv[4] ?? 24)]
const ws = join(root, "out", "bench-recruit-all")
rmSync(ws, { recursive: true, force: true })
mkdirSync(ws, { recursive: true })
const example = join(root, "examples", "we-the-internet")
for (const f of ["convene.yaml", "fellows.csv", "census.csv"]) cpSync(join(example, f), join(ws, f))
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
convene("recruit", "targets", "--census", "census.csv", "--size", String(size), "--tolerance", "0.02")
const [, floorNode] = time(() => execFileSync(process.execPath, ["-e", "0"]))
const [, floorCli] = time(() => convene("sites", "list", "--json"))
const [, imported] = time(() => convene("candidates", "import", "candidates.csv"))
const [out, drawn] = time(() => convene("recruit", "select", "--all", "--size", String(size), "--reserves", "4", "--seed", "bench", "--json"))
const result = JSON.parse(out)
const [, status] = time(() => convene("recruit", "status", "--json"))
const s = (ms) => `${(ms / 1000).toFixed(2).padStart(7)} s`
console.log(`Node ${process.version}: ${sites.length} sites × ${poolSize} volunteers (4 features), panels of ${size} with 4 reserves`)
console.log(`  node -e 0                              ${s(floorNode)}`)
console.log(`  convene sites list (floor)             ${s(floorCli)}`)
console.log(`  convene candidates import (${sites.length * poolSize} rows) ${s(imported)}  (${(imported / floorCli).toFixed(1)}× the CLI floor)`)
console.log(`  convene recruit select --all           ${s(drawn)}  (${(drawn / floorCli).toFixed(1)}× the CLI floor; ${(drawn / sites.length / 1000).toFixed(2)} s per site; ${result.draws.length} drawn, ${result.failures.length} not)`)
console.log(`  convene recruit status                 ${s(status)}  (${(status / floorCli).toFixed(1)}× the CLI floor)`)
for (const f of result.failures.slice(0, 5)) console.log(`    not drawn: ${f.site}: ${f.message.split("\n")[0]}`)
