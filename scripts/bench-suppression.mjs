#!/usr/bin/env node
// Suppression benchmark: the report's complementary suppression pattern (domain/Report.ts,
// suppressionPattern) for many small sites — the worst case, where nearly half the sites have
// fewer than 5 respondents and each must be hidden behind others — over 2 waves and 30 paired
// questions whose counts all differ (so no table's pattern is reused), by site and by category.
// Target: under 3 s for 1,000 sites on one core.
// Usage: node scripts/bench-suppression.mjs [SITES] (after pnpm run build)
import { suppressionPattern } from "../packages/core/dist/domain/Report.js"
import { mulberry32 } from "../packages/core/dist/domain/Simulation.js"

const count = Number(process.argv[2] ?? 1000)
// the simulation's seeded generator: the same data every run
const random = mulberry32(42)
const countries = ["IN", "BD", "PK", "GB", "FR", "SN", "NG", "BR", "US", "WS", "EG", "KE", "ZA", "DE", "IT", "ES", "MX", "AR", "CL", "PE", "CO", "JP", "CN", "KR", "ID", "PH", "VN", "TH", "AU", "NZ", "CA", "UA", "PL", "TR", "MA", "GH", "CI", "CM", "ET", "TZ", "UG", "RW", "FJ", "SE", "NO", "NL", "BE", "CH", "AT", "TW"]
const formats = ["in-person", "online", "hybrid", "mirror"]
const pick = (xs) => xs[Math.floor(random() * xs.length)]
const sites = Array.from({ length: count }, (_, i) => ({ id: `s${i}`, name: `s${i}`, country: pick(countries), format: pick(formats) }))
const waves = ["pre", "post"]
const questions = Array.from({ length: 30 }, (_, i) => `q${i}`)
const cats = ["woman", "man", null]
const answered = []
const pairedValues = []
for (const s of sites) {
  for (const cat of cats) {
    const n = Math.floor(random() * 5)
    for (const wave of waves) answered.push({ site_id: s.id, cat, wave, n: Math.max(0, n - (wave === "post" ? Math.floor(random() * 2) : 0)) })
    for (const question of questions) pairedValues.push({ site_id: s.id, cat, question, pre: "1", post: "2", n: Math.max(0, n - Math.floor(random() * 2)) })
  }
}
const counts = { registered: [], invited: [], answered: answered.filter((r) => r.n > 0), paired: [], values: [], pairedValues: pairedValues.filter((r) => r.n > 0), knowledge: [] }
const small = sites.filter((s) => Math.max(...waves.map((w) => answered.filter((r) => r.site_id === s.id && r.wave === w).reduce((t, r) => t + r.n, 0))) < 5).length
console.log(`Node ${process.version}: ${count} sites (${small} with fewer than 5 respondents), 2 waves, 30 paired questions`)
for (const by of ["site", "category:gender"]) {
  const started = performance.now()
  const pattern = suppressionPattern(counts, sites, { by, waves, pairedIds: questions, threshold: 5 })
  const ms = performance.now() - started
  const hidden = by === "site" ? sites.filter((s) => pattern.of(false, s.format === "mirror" ? "mirror" : "main", `site:${s.id}`).group).length : null
  console.log(`  --by ${by}: ${(ms / 1000).toFixed(2)} s${hidden === null ? "" : ` (${hidden} sites suppressed)`}`)
}
