#!/usr/bin/env node
// Whole CLI runs, as a user runs them, next to their floors measured in the same run: `node -e 0`,
// and a bare script that opens the same embedded database with PGlite, counts the sites and
// closes. On the example workspace, embedded (PGlite); on PostgreSQL too when DATABASE_URL is set,
// with the workspace cache (.convene/workspace-cache.json, written by the warm-up run) and without.
// Usage: pnpm bench (after pnpm run build), or node scripts/bench-commands.mjs [RUNS]
import { execFileSync, spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const bin = join(root, "packages", "cli", "bin", "run.js")
const runs = Number(process.argv[2] ?? 9)
const databaseUrl = process.env["DATABASE_URL"] ?? ""
const ws = join(mkdtempSync(join(tmpdir(), "convene-bench-commands-")), "ws")

const convene = (args, env = {}) =>
  execFileSync(process.execPath, [bin, ...args], { cwd: ws, env: { ...process.env, DATABASE_URL: "", ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
const time = (command, args, env = {}) => {
  const started = process.hrtime.bigint()
  const r = spawnSync(command, args, { cwd: ws, env: { ...process.env, DATABASE_URL: "", ...env }, encoding: "utf8" })
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`)
  return Number(process.hrtime.bigint() - started) / 1e6
}
const median = (f) => {
  f() // warm-up (file cache, compile cache)
  const xs = Array.from({ length: runs }, f).sort((a, b) => a - b)
  return xs[Math.floor(xs.length / 2)]
}

execFileSync(process.execPath, [bin, "init", ws, "--example", "we-the-internet"], { stdio: "ignore" })
for (const r of ["coalition", "fellows", "sites", "participants"]) convene([r, "import", `${r}.csv`])
// a schema of its own on PostgreSQL, dropped at the end
const schema = `convene_bench_commands_${process.pid}`
const pgUrl = databaseUrl === "" ? "" : (() => {
  const u = new URL(databaseUrl)
  u.searchParams.set("options", `-c search_path=${schema}`)
  return u.toString()
})()
const pg = pgUrl === "" ? undefined : await import(pathToFileURL(join(root, "packages", "core", "node_modules", "pg", "lib", "index.js")).href)
if (pg !== undefined) {
  const client = new pg.default.Client({ connectionString: databaseUrl })
  await client.connect()
  await client.query(`create schema ${schema}`)
  await client.end()
  // a shared PostgreSQL is migrated only on purpose
  convene(["db", "migrate"], { DATABASE_URL: pgUrl })
  for (const r of ["coalition", "fellows", "sites", "participants"]) convene([r, "import", `${r}.csv`], { DATABASE_URL: pgUrl })
}

// the floor of an embedded command: PGlite opens the workspace's data folder, counts, closes
const pglite = pathToFileURL(join(root, "packages", "core", "node_modules", "@electric-sql", "pglite", "dist", "index.js")).href
const bare = `const { PGlite } = await import(${JSON.stringify(pglite)}); const db = await PGlite.create(${JSON.stringify(join(ws, ".convene", "db"))}); await db.query("select count(*) from sites"); await db.close()`

const floor = median(() => time(process.execPath, ["-e", "0"]))
const openDefault = median(() => time(process.execPath, ["--input-type=module", "-e", bare]))
// the same with the CLI's WebAssembly tiering budget (bin/run.js): the floor of convene's own overhead
const open = median(() => time(process.execPath, ["--input-type=module", "-e", `(await import("node:v8")).default.setFlagsFromString("--wasm-tiering-budget=1000000000"); ${bare}`]))
console.log(`Node ${process.version}: whole CLI runs on the example workspace (133 sites), median of ${runs}`)
console.log(`  node -e 0                                   ${floor.toFixed(0).padStart(5)} ms`)
console.log(`  bare PGlite open + count + close            ${openDefault.toFixed(0).padStart(5)} ms  (V8's default tiering)`)
console.log(`  the same, tiering budget as the CLI's       ${open.toFixed(0).padStart(5)} ms  (the bare open below)`)
const row = (label, ms, against, name) => console.log(`  ${label.padEnd(43)} ${ms.toFixed(0).padStart(5)} ms  (${(ms / against).toFixed(2)}× ${name})`)
row("convene sites list --json (PGlite)", median(() => time(process.execPath, [bin, "sites", "list", "--json"])), open, "the bare open")
row("convene timeline status --json (PGlite)", median(() => time(process.execPath, [bin, "timeline", "status", "--json"])), open, "the bare open")
if (pgUrl !== "") {
  row("convene sites list --json (PostgreSQL)", median(() => time(process.execPath, [bin, "sites", "list", "--json"], { DATABASE_URL: pgUrl })), floor, "node -e 0")
  // the first command after convene.yaml or a site file changed: the workspace cache is a miss
  const cache = join(ws, ".convene", "workspace-cache.json")
  row("  the same, workspace cache cold", median(() => (rmSync(cache, { force: true }), time(process.execPath, [bin, "sites", "list", "--json"], { DATABASE_URL: pgUrl }))), floor, "node -e 0")
  const client = new pg.default.Client({ connectionString: databaseUrl })
  await client.connect()
  await client.query(`drop schema ${schema} cascade`)
  await client.end()
}
rmSync(dirname(ws), { recursive: true, force: true })
