#!/usr/bin/env node
// At scale, as a user runs it: a workspace of 10,000 sites on the embedded database (PGlite), then
// whole CLI runs timed from outside — `schedule plan`, `schedule export --format json`,
// `schedule export --format ics` (the goal: the three under 10 s of wall time in all),
// `sites list --json` and `db status` — each next to its floors measured in the same run:
// `node -e 0`, and a bare script that opens the same PGlite folder, counts the sites and closes.
// With /usr/bin/time on the machine, each line also gives the CPU time and the peak memory (RSS).
// Usage: pnpm bench (after pnpm run build), or node scripts/bench-scale.mjs [SITES] [RUNS]
import { execFileSync, spawnSync } from "node:child_process"
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const bin = join(root, "packages", "cli", "bin", "run.js")
const count = Number(process.argv[2] ?? 10_000)
const runs = Number(process.argv[3] ?? 3)
// inside the checkout (out/ is git-ignored): /tmp on these machines costs ~1 ms per new file
const ws = join(root, "out", "bench-scale")
rmSync(ws, { recursive: true, force: true })
mkdirSync(ws, { recursive: true })
const example = join(root, "examples", "we-the-internet")
for (const f of ["convene.yaml", "locales", "surveys", "fellows.csv", "coalition.csv"]) cpSync(join(example, f), join(ws, f), { recursive: true })
// the example's sites, repeated: their zones, locales and formats
const [header, ...rows] = readFileSync(join(example, "sites.csv"), "utf8").trim().split("\n")
const sites = [header]
for (let i = 0; i < count; i++) {
  const cells = rows[i % rows.length].split(",")
  cells[0] = `${cells[0]}-${String(i).padStart(5, "0")}`
  sites.push(cells.join(","))
}
writeFileSync(join(ws, "sites.csv"), `${sites.join("\n")}\n`)

const env = { ...process.env, DATABASE_URL: "" }
const convene = (...args) => execFileSync(process.execPath, [bin, ...args], { cwd: ws, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
convene("coalition", "import", "coalition.csv")
convene("fellows", "import", "fellows.csv")
convene("sites", "import", "sites.csv")

const timeBin = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined
/** One run: wall ms, and with /usr/bin/time the CPU seconds (user + system) and peak RSS in MB. */
const once = (args) => {
  const [command, argv] = timeBin === undefined ? [process.execPath, args] : [timeBin, ["-f", "@@%U %S %M", process.execPath, ...args]]
  const started = process.hrtime.bigint()
  const r = spawnSync(command, argv, { cwd: ws, env, encoding: "utf8", maxBuffer: 1 << 30 })
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`)
  const m = /@@([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr)
  return { ms, cpu: m === null ? undefined : Number(m[1]) + Number(m[2]), rss: m === null ? undefined : Number(m[3]) / 1024 }
}
const medianOf = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
/** The median of `runs` runs (wall, CPU) and the largest peak RSS. */
const measure = (args, n = runs) => {
  const rs = Array.from({ length: n }, () => once(args))
  return { ms: medianOf(rs.map((r) => r.ms)), cpu: rs[0].cpu === undefined ? undefined : medianOf(rs.map((r) => r.cpu)), rss: rs[0].rss === undefined ? undefined : Math.max(...rs.map((r) => r.rss)) }
}
const show = (label, r, against) => {
  const extra = r.cpu === undefined ? "" : `  CPU ${r.cpu.toFixed(2).padStart(5)} s  RSS ${r.rss.toFixed(0).padStart(4)} MB`
  const ratio = against === undefined ? "" : `  (${(r.ms / against.ms).toFixed(2)}× wall${r.rss === undefined ? "" : `, ${(r.rss / against.rss).toFixed(2)}× RSS`} of the bare open)`
  console.log(`  ${label.padEnd(44)} ${(r.ms / 1000).toFixed(2).padStart(6)} s${extra}${ratio}`)
}

const pglite = pathToFileURL(join(root, "packages", "core", "node_modules", "@electric-sql", "pglite", "dist", "index.js")).href
const bare = `const { PGlite } = await import(${JSON.stringify(pglite)}); const db = await PGlite.create(${JSON.stringify(join(ws, ".convene", "db"))}); await db.query("select count(*) from sites"); await db.close()`
// the CLI's own setting (bin/run.js): opening PGlite stays on V8's baseline WebAssembly compiler
const bareTuned = `(await import("node:v8")).default.setFlagsFromString("--wasm-tiering-budget=1000000000"); ${bare}`

console.log(`Node ${process.version}: ${count} sites on the embedded database, whole CLI runs, median of ${runs}`)
once(["-e", "0"]) // warm-up (file cache)
show("node -e 0", measure(["-e", "0"]))
show("bare PGlite open + count + close", measure(["--input-type=module", "-e", bare]))
const floor = measure(["--input-type=module", "-e", bareTuned])
show("the same, tiering budget as the CLI's", floor)
show("convene sites list --json", measure([bin, "sites", "list", "--json"]), floor)
show("convene db status", measure([bin, "db", "status"]), floor)
// the three commands of the goal, in order, each run once per round
const rounds = Array.from({ length: runs }, () => [once([bin, "schedule", "plan"]), once([bin, "schedule", "export", "--format", "json"]), once([bin, "schedule", "export", "--format", "ics"])])
const step = (i) => ({ ms: medianOf(rounds.map((r) => r[i].ms)), cpu: rounds[0][i].cpu === undefined ? undefined : medianOf(rounds.map((r) => r[i].cpu)), rss: rounds[0][i].rss === undefined ? undefined : Math.max(...rounds.map((r) => r[i].rss)) })
show("convene schedule plan", step(0), floor)
show("convene schedule export --format json", step(1), floor)
show("convene schedule export --format ics", step(2), floor)
const totals = rounds.map((r) => r.reduce((s, x) => s + x.ms, 0))
const total = medianOf(totals)
console.log(`  ${"the three in all".padEnd(44)} ${(total / 1000).toFixed(2).padStart(6)} s  (rounds: ${totals.map((t) => (t / 1000).toFixed(2)).join(", ")} s)`)
console.log(`Target: the three under 10 s — ${total < 10_000 ? "met" : "NOT met"} (${(total / 1000).toFixed(1)} s)`)
