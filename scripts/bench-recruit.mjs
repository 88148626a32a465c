#!/usr/bin/env node
// Recruitment benchmark: the leximin draw for one site (packages/core recruitment/), on a pool
// generated with a seed — 6 census-like features with 25 values in all, a volunteer pool skewed
// against the census (more educated, older, more connected), quotas of ±1 around the census share
// of a panel of 150 — and how its time grows with the pool size and the number of features.
// Target: under 20 s for 2,000 candidates, 6 features, a panel of 150. Floor: `node -e 0`.
// Usage: node scripts/bench-recruit.mjs [--quick | POOLxFEATURES[xSIZE[xSEED[xSLACK]]] …] [--workers] (after pnpm run build),
// e.g. 500x6, or 3000x6x200xsweep-5x0 (a panel of 200, the pool of seed sweep-5, quotas from ⌊share·N⌋ to ⌈share·N⌉)
// --workers also times two sites of each case in this thread against two worker threads.
import { execFileSync } from "node:child_process"
import { pathToFileURL } from "node:url"
import { checkPanel } from "../packages/core/dist/domain/Quotas.js"
import { highs, select, seededRandom } from "../packages/core/dist/recruitment/index.js"
import { coreRequire } from "./bench-support.mjs"

const Effect = await import(pathToFileURL(coreRequire.resolve("effect/Effect")).href)

// census shares, and how the volunteer pool leans away from them (a weight per value)
const FEATURES = [
  { name: "gender", census: { woman: 0.5, man: 0.48, "non-binary": 0.02 }, lean: { woman: 1.1, man: 1, "non-binary": 1 } },
  { name: "age", census: { "16-24": 0.14, "25-34": 0.17, "35-44": 0.17, "45-59": 0.25, "60-74": 0.19, "75+": 0.08 }, lean: { "16-24": 0.6, "25-34": 0.8, "35-44": 1, "45-59": 1.2, "60-74": 1.4, "75+": 0.7 } },
  { name: "education", census: { primary: 0.2, secondary: 0.4, tertiary: 0.3, postgraduate: 0.1 }, lean: { primary: 0.5, secondary: 0.9, tertiary: 1.4, postgraduate: 2 } },
  { name: "residence", census: { "city-centre": 0.3, suburb: 0.35, town: 0.2, rural: 0.15 }, lean: { "city-centre": 1.3, suburb: 1, town: 0.9, rural: 0.7 } },
  { name: "region", census: { north: 0.25, south: 0.3, east: 0.2, west: 0.15, islands: 0.1 }, lean: { north: 1, south: 0.9, east: 1.1, west: 1, islands: 0.8 } },
  { name: "connectivity", census: { home: 0.7, mobile: 0.2, none: 0.1 }, lean: { home: 1.2, mobile: 0.9, none: 0.6 } }
]

const pickWeighted = (random, weights) => {
  const entries = Object.entries(weights)
  const total = entries.reduce((s, [, w]) => s + w, 0)
  let u = random() * total
  for (const [value, w] of entries) if ((u -= w) < 0) return value
  return entries[entries.length - 1][0]
}

/** A site's selection problem: `poolSize` volunteers, the first `featureCount` features, a panel of `size`. */
export const benchProblem = (poolSize, featureCount, size = 150, seed = "bench-recruit", slack = 1) => {
  const random = seededRandom(`${seed}/${poolSize}/${featureCount}`)
  const features = FEATURES.slice(0, featureCount)
  const candidates = Array.from({ length: poolSize }, (_, i) => ({
    id: `c${String(i).padStart(5, "0")}`,
    features: Object.fromEntries(features.map((f) => [f.name, pickWeighted(random, Object.fromEntries(Object.entries(f.census).map(([v, s]) => [v, s * f.lean[v]])))]))
  }))
  const quotas = features.flatMap((f) => Object.entries(f.census).map(([value, share]) => ({ feature: f.name, value, min: Math.max(0, Math.floor(share * size) - slack), max: Math.ceil(share * size) + slack })))
  return { candidates, features: features.map((f) => ({ name: f.name, values: Object.keys(f.census) })), quotas, size }
}

const floorMs = () => {
  const started = performance.now()
  execFileSync(process.execPath, ["-e", "0"])
  return performance.now() - started
}

const quick = process.argv.includes("--quick")
// POOLxFEATURES[xSIZE[xSEED[xSLACK]]]: e.g. 3000x6x200xsweep-5x1 (panel of 200, another seed, quotas ±1; a seed has no lowercase x)
const only = process.argv
  .slice(2)
  .map((a) => /^(\d+)x(\d+)(?:x(\d+)(?:x([A-Za-wyz0-9-]+)(?:x(\d+))?)?)?$/.exec(a))
  .filter((m) => m !== null)
  .map((m) => [Number(m[1]), Number(m[2]), Number(m[3] ?? 150), m[4] ?? "bench-recruit", Number(m[5] ?? 1)])
const cases = (only.length > 0 ? only : quick ? [[2000, 6]] : [[500, 3], [1000, 3], [2000, 3], [500, 6], [1000, 6], [2000, 6]]).map(([pool, features, size = 150, seed = "bench-recruit", slack = 1]) => [pool, features, size, seed, slack])

console.log(`Node ${process.version}: leximin for one site, panel of 150 and quotas ±1 around census shares unless the case says otherwise`)
const loadStarted = performance.now()
await highs()
console.log(`  node -e 0: ${floorMs().toFixed(0)} ms; loading HiGHS (WebAssembly): ${(performance.now() - loadStarted).toFixed(0)} ms`)
for (const [poolSize, featureCount, size, seed, slack] of cases) {
  const problem = benchProblem(poolSize, featureCount, size, seed, slack)
  const values = problem.features.reduce((s, f) => s + f.values.length, 0)
  const started = performance.now()
  const draw = await Effect.runPromise(select(problem, { seed: "bench" }))
  const seconds = (performance.now() - started) / 1000
  if (checkPanel(problem, draw.panel).length > 0) throw new Error("the panel breaks a quota")
  const probabilities = draw.probabilities.map((p) => p.probability)
  const stats = draw.distribution.stats
  console.log(
    `  pool ${String(poolSize).padStart(4)}, ${featureCount} features${size === 150 ? "" : `, panel ${size}`}${seed === "bench-recruit" ? "" : `, seed ${seed}`}${slack === 1 ? "" : `, quotas ±${slack}`} (${String(values).padStart(2)} values, ${String(draw.distribution.problem.profiles.length).padStart(4)} profiles): ` +
      `${seconds.toFixed(2)} s — ${stats.stages} stages, ${stats.milps} MILPs, ${stats.lps} LPs, ${stats.panels} panels found, ${draw.distribution.panels.length} in the distribution; ` +
      `smallest probability ${Math.min(...probabilities).toFixed(4)}, floor ${floorMs().toFixed(0)} ms`
  )
}

// --workers: two sites' distributions of each case (seeds a and b), one after the other in this
// thread and at once in two worker threads (what `recruit select --all` does), and whether they agree
if (process.argv.includes("--workers")) {
  const { distributionWorkers, leximin, profile } = await import("../packages/core/dist/recruitment/index.js")
  const h = await highs()
  for (const [poolSize, featureCount] of cases) {
    const problems = ["a", "b"].map((s) => profile(benchProblem(poolSize, featureCount, 150, s)))
    let started = performance.now()
    const inThread = problems.map((p) => leximin(h, p))
    const one = (performance.now() - started) / 1000
    started = performance.now()
    const workers = distributionWorkers(2)
    const parallel = await Promise.all(problems.map((p) => workers.compute(p, "leximin")))
    const two = (performance.now() - started) / 1000
    await workers.close()
    const same = JSON.stringify(inThread.map((d) => d.profileProbabilities)) === JSON.stringify(parallel.map((d) => d.profileProbabilities))
    console.log(`  two sites of ${poolSize} × ${featureCount}: ${one.toFixed(2)} s in this thread, ${two.toFixed(2)} s in two workers (${(one / two).toFixed(2)}×, worker start-up included); the same probabilities: ${same}; floor ${floorMs().toFixed(0)} ms`)
  }
}
