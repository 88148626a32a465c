#!/usr/bin/env node
// Adaptation benchmark (issue 17): `convene kit check` with the adaptation register over 1,000
// sites, 100 of them with overrides (a local-context partial, a welcome message and, for half of
// them, a locked session title, one in two of those approved), with the real CLI on the embedded
// database. Target: under 10 s. Floors measured in the same run: `node -e 0` and `convene sites
// list` (the CLI's start and the embedded database's open, which every command pays).
// Usage: pnpm bench (after pnpm run build), or node scripts/bench-adaptation.mjs [SITES] [ADAPTED]
import { execFileSync } from "node:child_process"
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const count = Number(process.argv[2] ?? 1000)
const adapted = Number(process.argv[3] ?? 100)
const ws = join(root, "out", "bench-adaptation")
rmSync(ws, { recursive: true, force: true })
mkdirSync(ws, { recursive: true })
const example = join(root, "examples", "we-the-internet")
for (const f of ["convene.yaml", "fellows.csv"]) cpSync(join(example, f), join(ws, f))
for (const d of ["locales", "surveys", "ballots"]) cpSync(join(example, d), join(ws, d), { recursive: true })
const [header, ...rows] = readFileSync(join(example, "sites.csv"), "utf8").trim().split("\n")
const ids = []
const sites = [header]
for (let i = 0; i < count; i++) {
  const cells = rows[i % rows.length].split(",")
  cells[0] = `${cells[0]}-${String(i).padStart(4, "0")}`
  ids.push({ id: cells[0], locale: cells[5] })
  sites.push(cells.join(","))
}
writeFileSync(join(ws, "sites.csv"), `${sites.join("\n")}\n`)
// every tenth site adapts; the example's catalogs are en, fr, es, ar (others fall back to en)
const catalogOf = (locale) => (["fr", "es", "ar"].includes(locale.slice(0, 2)) ? locale.slice(0, 2) : "en")
let locked = 0
const step = Math.max(1, Math.floor(count / adapted))
for (let n = 0, i = 0; n < adapted && i < count; n++, i += step) {
  const { id, locale } = ids[i]
  const dir = join(ws, "sites", id)
  mkdirSync(join(dir, "templates", "kit", "partials", "content"), { recursive: true })
  mkdirSync(join(dir, "locales"), { recursive: true })
  writeFileSync(join(dir, "templates", "kit", "partials", "content", "local-context.hbs"), `<section id="local-context"><h2>{{t "booklet.local_context" country=site.country_name}}</h2><p>Local context of ${id}.</p></section>\n`)
  const lockedTitle = n % 2 === 0 ? `agenda_blocks:\n  digital-identity:\n    title: "Session 2 at ${id}"\n` : ""
  if (lockedTitle !== "") locked++
  writeFileSync(join(dir, "locales", `${catalogOf(locale)}.yaml`), `booklet:\n  welcome: "Welcome to ${id}."\n${lockedTitle}`)
}

const bin = join(root, "packages", "cli", "bin", "run.js")
const convene = (...args) => execFileSync(process.execPath, [bin, ...args], { cwd: ws, env: { ...process.env, DATABASE_URL: "" }, encoding: "utf8", maxBuffer: 1 << 28 })
const time = (f) => {
  const started = performance.now()
  const out = f()
  return [out, performance.now() - started]
}
convene("fellows", "import", "fellows.csv")
convene("sites", "import", "sites.csv")
// approve one in two of the locked changes
const register = JSON.parse(convene("kit", "register", "--json")).adaptations
const lockedChanges = register.filter((a) => a.status === "locked")
for (const a of lockedChanges.filter((_, i) => i % 2 === 0).slice(0, 10)) convene("kit", "approve", "--site", a.site, a.item, "--note", "bench")

const [, floorNode] = time(() => execFileSync(process.execPath, ["-e", "0"]))
const [, floorCli] = time(() => convene("sites", "list", "--json"))
const [out, check] = time(() => {
  try {
    return convene("kit", "check", "--json")
  } catch (e) {
    return e.stdout
  }
})
const report = JSON.parse(out)
const [, exported] = time(() => convene("kit", "register", "--format", "csv,json", "--json"))
console.log(`Node ${process.version}: kit check over ${count} sites, ${adapted} adapted (${register.length} changes, ${locked} sites with a locked change, 10 approved)`)
console.log(`  node -e 0                          ${(floorNode / 1000).toFixed(2).padStart(6)} s`)
console.log(`  convene sites list (floor)         ${(floorCli / 1000).toFixed(2).padStart(6)} s`)
console.log(`  convene kit check                  ${(check / 1000).toFixed(2).padStart(6)} s  (${(check / floorCli).toFixed(1)}× the CLI floor; target 10 s)  register: ${report.adaptations.length} changes, complete: ${report.complete}`)
console.log(`  convene kit register --format csv,json ${(exported / 1000).toFixed(2).padStart(6)} s  (${(exported / floorCli).toFixed(1)}× the CLI floor)`)
if (check > 10_000) {
  console.error(`✗ kit check took ${(check / 1000).toFixed(1)} s, over the 10 s target`)
  process.exitCode = 1
}
