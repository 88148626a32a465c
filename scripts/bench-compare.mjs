// Compares two built checkouts of convene, whole CLI runs alternated run after run, next to `node -e 0`:
// wall time, CPU time (user + system) and peak RSS from /usr/bin/time, medians. For a change measured
// against the commit before it: `git worktree add ../before REV`, `pnpm install && pnpm run build` there.
// Usage: node scripts/bench-compare.mjs BEFORE_CHECKOUT AFTER_CHECKOUT WORKSPACE POSTGRES_URL [RUNS]
// (WORKSPACE: an example workspace with fellows and sites imported, on the embedded database and on
// POSTGRES_URL, e.g. a schema of its own: ?options=-c%20search_path%3Dbench)
import { spawnSync } from "node:child_process"
const [before, after, ws, pgUrl] = process.argv.slice(2)
if (pgUrl === undefined) {
  console.error("usage: node scripts/bench-compare.mjs BEFORE_CHECKOUT AFTER_CHECKOUT WORKSPACE POSTGRES_URL [RUNS]")
  process.exit(2)
}
const runs = Number(process.argv[6] ?? 11)
const bins = { before: `${before}/packages/cli/bin/run.js`, after: `${after}/packages/cli/bin/run.js` }
const cases = [
  ["node -e 0", null, ["-e", "0"], {}],
  ["--help", "bin", ["--help"], {}],
  ["--version", "bin", ["--version"], {}],
  ["sites list --json (PostgreSQL)", "bin", ["sites", "list", "--json"], { DATABASE_URL: pgUrl }],
  ["sites list --json (PGlite)", "bin", ["sites", "list", "--json"], { DATABASE_URL: "" }],
  ["timeline status --json (PGlite)", "bin", ["timeline", "status", "--json", "--as-of", "2027-03-01"], { DATABASE_URL: "" }]
]
const one = (bin, args, env) => {
  const r = spawnSync("/usr/bin/time", ["-f", "%e %U %S %M", process.execPath, ...(bin ? [bin] : []), ...args], { cwd: ws, env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 1 << 26 })
  if (r.status !== 0) throw new Error(`${args.join(" ")}: ${r.stderr.slice(-500)}`)
  const [e, u, s, m] = r.stderr.trim().split("\n").pop().split(" ").map(Number)
  return { wall: e, cpu: u + s, rss: m / 1024 }
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const res = {}
for (let i = 0; i < runs + 1; i++) {
  for (const [name, kind, args, env] of cases) {
    for (const which of kind === null ? ["floor"] : ["before", "after"]) {
      const r = one(kind === null ? null : bins[which], args, env)
      if (i === 0) continue // warm-up
      ;(res[`${name}|${which}`] ??= []).push(r)
    }
  }
}
console.log(`median of ${runs} (alternated), wall s / CPU s / peak RSS MB`)
for (const [k, xs] of Object.entries(res)) console.log(k.padEnd(44), med(xs.map((x) => x.wall)).toFixed(3), med(xs.map((x) => x.cpu)).toFixed(2), med(xs.map((x) => x.rss)).toFixed(0))
