#!/usr/bin/env node
// Start-up benchmark: the median wall time of `convene --help` and `convene --version` over
// repeated runs of the built binary (oclif manifest + deep imports keep them small).
// Usage: pnpm bench [RUNS]   (default 21 runs after 3 warm-ups)
import { spawnSync } from "node:child_process"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const bin = join(root, "packages", "cli", "bin", "run.js")
const runs = Number(process.argv[2] ?? 21)

const time = (args) => {
  const started = process.hrtime.bigint()
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" })
  if (r.status !== 0) throw new Error(`convene ${args.join(" ")} failed: ${r.stderr}`)
  return Number(process.hrtime.bigint() - started) / 1e6
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}
const baseline = (() => {
  const xs = []
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint()
    spawnSync(process.execPath, ["-e", "0"])
    xs.push(Number(process.hrtime.bigint() - t) / 1e6)
  }
  return median(xs)
})()
console.log(`Node ${process.version}, ${runs} runs each (median wall time)`)
console.log(`  node -e 0            ${baseline.toFixed(0)} ms`)
for (const args of [["--help"], ["--version"], ["sites", "--help"]]) {
  for (let i = 0; i < 3; i++) time(args)
  const xs = Array.from({ length: runs }, () => time(args))
  console.log(`  convene ${args.join(" ").padEnd(12)} ${median(xs).toFixed(0)} ms  (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`)
}
