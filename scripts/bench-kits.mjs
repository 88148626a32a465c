#!/usr/bin/env node
// Kit benchmark: build the kits of 1,000 sites (nine HTML documents, a calendar, styles and
// bundled fonts each, a zip and a manifest) with the real CLI on the embedded database, then
// build again with nothing changed. Target: under 20 s for the first build on 2 cores.
// Usage: pnpm bench (after pnpm run build), or node scripts/bench-kits.mjs [SITES]
import { execFileSync } from "node:child_process"
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const count = Number(process.argv[2] ?? 1000)
// inside the checkout (out/ is git-ignored): /tmp on these machines costs ~1 ms per new file
const ws = join(root, "out", "bench-kits")
rmSync(ws, { recursive: true, force: true })
mkdirSync(ws, { recursive: true })
const example = join(root, "examples", "we-the-internet")
cpSync(join(example, "convene.yaml"), join(ws, "convene.yaml"))
cpSync(join(example, "locales"), join(ws, "locales"), { recursive: true })
cpSync(join(example, "surveys"), join(ws, "surveys"), { recursive: true })

// the example's sites, repeated: their zones, locales (en, fr, es, ar, hi, bn and many that fall back) and formats
const [header, ...rows] = readFileSync(join(example, "sites.csv"), "utf8").trim().split("\n")
const fellows = readFileSync(join(example, "fellows.csv"), "utf8")
const sites = [header]
for (let i = 0; i < count; i++) {
  const cells = rows[i % rows.length].split(",")
  cells[0] = `${cells[0]}-${String(i).padStart(4, "0")}`
  sites.push(cells.join(","))
}
writeFileSync(join(ws, "sites.csv"), `${sites.join("\n")}\n`)
writeFileSync(join(ws, "fellows.csv"), fellows)

const convene = (...args) => execFileSync(process.execPath, [join(root, "packages", "cli", "bin", "run.js"), ...args], { cwd: ws, env: { ...process.env, DATABASE_URL: "" }, encoding: "utf8" })
const time = (label, f) => {
  const started = performance.now()
  const out = f()
  const ms = performance.now() - started
  console.log(`  ${label.padEnd(52)} ${(ms / 1000).toFixed(2).padStart(6)} s`)
  return [out, ms]
}
console.log(`Node ${process.version}: ${count} sites`)
convene("fellows", "import", "fellows.csv")
convene("sites", "import", "sites.csv")
convene("schedule", "plan", "--include-mirror")
const [first, tFirst] = time(`kit build --all (${count} sites, first build)`, () => JSON.parse(convene("kit", "build", "--all", "--json")))
const files = first.kits.reduce((n, k) => n + k.files, 0)
const bytes = first.kits.reduce((n, k) => n + k.bytes, 0)
console.log(`    ${first.built} kits built: ${files} files, ${(bytes / 1e6).toFixed(0)} MB before zipping; ${(tFirst / count).toFixed(1)} ms per site`)
const [again] = time("kit build --all again (nothing changed)", () => JSON.parse(convene("kit", "build", "--all", "--json")))
console.log(`    ${again.built} built, ${again.skipped} skipped`)
writeFileSync(join(ws, "locales", "fr.yaml"), readFileSync(join(ws, "locales", "fr.yaml"), "utf8").replace(/^topic:/m, "# edited\ntopic:"))
writeFileSync(join(ws, "sites.csv"), `${sites.join("\n").replace(/,150,in-person,/g, ",151,in-person,")}\n`)
convene("sites", "import", "sites.csv")
const [third] = time("kit build --all after editing fr.yaml and some sites", () => JSON.parse(convene("kit", "build", "--all", "--json")))
console.log(`    ${third.built} built, ${third.skipped} skipped`)
console.log(`Target: first build under 20 s — ${tFirst < 20_000 ? "met" : "NOT met"} (${(tFirst / 1000).toFixed(1)} s)`)
