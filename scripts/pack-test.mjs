#!/usr/bin/env node
// Packaging test (CI): `pnpm pack` @convene/core and @convene/cli, install both tarballs into an
// empty folder with plain npm, and run the CLI from there as a user would (`npx convene …`):
// --help, --version, autocomplete, and a small dialogue from the bundled example.
// It checks the tarballs' contents (LICENSE, README, CHANGELOG; no .tsbuildinfo; no source map
// pointing at a source the tarball lacks), prints the installed size (packages, MB, seconds of
// `npm install`) and the heaviest dependencies with what each brings alone, requires the SDK from
// a CommonJS script, and times its root import against `node -e 0` in the same run.
// Usage: node scripts/pack-test.mjs (after pnpm run build; needs Node >= 22.12 on PATH for the CLI)
import { execFileSync, spawnSync } from "node:child_process"
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, posix } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const packs = join(root, "out", "pack")
rmSync(packs, { recursive: true, force: true })
mkdirSync(packs, { recursive: true })
const run = (cmd, args, cwd, quiet = false) => {
  console.log(`$ ${cmd} ${args.join(" ")}`)
  const out = execFileSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, DATABASE_URL: "" }, stdio: ["ignore", "pipe", "inherit"] })
  if (!quiet) process.stdout.write(out.split("\n").slice(0, 12).join("\n") + "\n")
  return out
}
for (const pkg of ["core", "cli"]) run("pnpm", ["pack", "--pack-destination", packs], join(root, "packages", pkg), true)
const tarballs = readdirSync(packs).filter((f) => f.endsWith(".tgz")).map((f) => join(packs, f))
if (tarballs.length !== 2) throw new Error(`expected 2 tarballs, got ${tarballs.join(", ")}`)

// every file under a folder, as paths relative to it (symbolic links not followed)
const filesUnder = (base, sub = "", skip = () => false) =>
  readdirSync(join(base, sub), { withFileTypes: true }).flatMap((e) => {
    const rel = sub === "" ? e.name : `${sub}/${e.name}`
    return skip(rel) ? [] : e.isDirectory() ? filesUnder(base, rel, skip) : e.isFile() ? [rel] : []
  })
const bytesUnder = (base, skip) => filesUnder(base, "", skip).reduce((n, f) => n + lstatSync(join(base, f)).size, 0)
const mb = (bytes) => (bytes / 1e6).toFixed(1)

// the tarballs' contents, unpacked: what a user gets
for (const tarball of tarballs) {
  const unpacked = mkdtempSync(join(tmpdir(), "convene-tgz-"))
  execFileSync("tar", ["xzf", tarball, "-C", unpacked])
  const pkg = join(unpacked, "package")
  const files = new Set(filesUnder(pkg))
  const problems = []
  for (const required of ["LICENSE", "README.md", "CHANGELOG.md", "package.json"]) if (!files.has(required)) problems.push(`no ${required}`)
  for (const f of files) {
    if (f.endsWith(".tsbuildinfo")) problems.push(`ships ${f}`)
    if (!f.endsWith(".map")) continue
    const { sources = [] } = JSON.parse(readFileSync(join(pkg, f), "utf8"))
    for (const source of sources) {
      const target = posix.normalize(posix.join(posix.dirname(f), source))
      if (!files.has(target)) problems.push(`${f} points at ${target}, which is not in the tarball`)
    }
  }
  const maps = [...files].filter((f) => f.endsWith(".map")).length
  const name = tarball.slice(packs.length + 1)
  if (problems.length > 0) {
    const hint = problems.some((p) => p.includes(" points at src/")) ? "\n(a map without its source is usually stale build output from a renamed file: pnpm run clean && pnpm run build)" : ""
    throw new Error(`${name}:\n  ${problems.slice(0, 20).join("\n  ")}${problems.length > 20 ? `\n  … ${problems.length - 20} more` : ""}${hint}`)
  }
  console.log(`✓ ${name}: ${files.size} files, ${mb(bytesUnder(pkg))} MB unpacked, LICENSE, README.md and CHANGELOG.md, no .tsbuildinfo, ${maps} source maps whose sources are all in the tarball`)
  rmSync(unpacked, { recursive: true, force: true })
}

// an empty folder outside the checkout: nothing from the workspace can leak in
const dir = mkdtempSync(join(tmpdir(), "convene-pack-"))
writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "convene-pack-test", private: true }, null, 2))
const installStart = performance.now()
run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...tarballs], dir, true)
const installSeconds = (performance.now() - installStart) / 1000

// The installed size, from npm's own record of the tree (node_modules/.package-lock.json): every
// package folder, its own files (not its nested node_modules), and its dependency edges, resolved
// as Node does (nearest node_modules up the path). "Alone" is what would go if that package went:
// the packages reachable from the root only through it.
const tree = JSON.parse(readFileSync(join(dir, "node_modules", ".package-lock.json"), "utf8")).packages
const paths = Object.keys(tree).filter((p) => p.startsWith("node_modules/") && !tree[p].link && existsSync(join(dir, p)))
const own = new Map(paths.map((p) => [p, bytesUnder(join(dir, p), (rel) => rel === "node_modules")]))
const resolve = (from, name) => {
  for (let at = from; ; at = at.includes("/node_modules/") ? at.slice(0, at.lastIndexOf("/node_modules/")) : "") {
    const candidate = at === "" ? `node_modules/${name}` : `${at}/node_modules/${name}`
    if (own.has(candidate)) return candidate
    if (at === "") return undefined
  }
}
// an optional peer dependency (ical-generator's moment, say) is an edge only if npm installed it
// for someone else, and then it is that one's: it does not count
const edges = (p) => {
  const e = tree[p] ?? {}
  const peers = Object.keys(e.peerDependencies ?? {}).filter((n) => e.peerDependenciesMeta?.[n]?.optional !== true)
  return [...Object.keys({ ...e.dependencies, ...e.optionalDependencies }), ...peers].map((n) => resolve(p, n)).filter((x) => x !== undefined)
}
const reachable = (without) => {
  const seen = new Set()
  const todo = ["@convene/cli", "@convene/core"].map((n) => `node_modules/${n}`).filter((p) => p !== without)
  while (todo.length > 0) {
    const p = todo.pop()
    if (seen.has(p) || p === without) continue
    seen.add(p)
    todo.push(...edges(p))
  }
  return seen
}
const all = reachable(undefined)
const total = [...own.values()].reduce((a, b) => a + b, 0)
const nameOf = (p) => p.slice(p.lastIndexOf("node_modules/") + "node_modules/".length)
console.log(`Installed size of @convene/cli from the tarballs with npm ${run("npm", ["--version"], dir, true).trim()}: ${own.size} packages, ${mb(total)} MB, in ${installSeconds.toFixed(1)} s (${all.size} reachable from @convene/cli and @convene/core)`)
const direct = new Set(["@convene/cli", "@convene/core"].flatMap((n) => edges(`node_modules/${n}`)).filter((p) => !p.startsWith("node_modules/@convene/")))
const heavy = [...direct]
  .map((p) => {
    const left = reachable(p)
    const gone = [...all].filter((q) => !left.has(q))
    return { name: nameOf(p), packages: gone.length, bytes: gone.reduce((n, q) => n + own.get(q), 0) }
  })
  .sort((a, b) => b.bytes - a.bytes)
  .slice(0, 12)
console.log("  the heaviest dependencies of @convene/cli and @convene/core, with what each brings alone (packages, MB):")
for (const h of heavy) console.log(`  ${h.name.padEnd(34)} ${String(h.packages).padStart(4)} ${mb(h.bytes).padStart(7)}`)
// The goal (issue 12): under 150 packages and 130 MB. effect (56 MB), PGlite (26 MB) and the fonts
// (12 MB) are 94 MB of it; the libraries used for one output each are bundled into @convene/core
// when it is packed (scripts/bundle-vendor.mjs), so npm must not install them.
const GOAL = { packages: 150, mb: 130 }
const vendored = ["vega", "vega-lite", "pptxgenjs", "jszip", "moment", "moment-timezone"].filter((n) => existsSync(join(dir, "node_modules", n)))
if (vendored.length > 0) throw new Error(`npm installed ${vendored.join(", ")}, which @convene/core bundles when packed (scripts/bundle-vendor.mjs): a dependency brings it back`)
const over = [own.size >= GOAL.packages ? `${own.size} packages (goal: under ${GOAL.packages}, ${own.size - GOAL.packages + 1} too many)` : "", total / 1e6 >= GOAL.mb ? `${mb(total)} MB (goal: under ${GOAL.mb} MB, ${mb(total - GOAL.mb * 1e6)} MB over)` : ""].filter((x) => x !== "")
if (over.length > 0) throw new Error(`The installed size is over the goal: ${over.join(" and ")}. See the table above for what each dependency brings, and docs/installation.md.`)
console.log(`✓ Under the goal of ${GOAL.packages} packages and ${GOAL.mb} MB: ${own.size} packages (${GOAL.packages - own.size} to spare), ${mb(total)} MB (${mb(GOAL.mb * 1e6 - total)} MB to spare)`)

// The SDK from a CommonJS script (require(esm), Node >= 22.12), then its root import time, the
// median of 5 runs, each against `node -e 0` just before it (the same machine, the same moment)
writeFileSync(join(dir, "require-core.cjs"), `const core = require("@convene/core")\nconst { median } = require("@convene/core/domain/Stats")\nprocess.stdout.write(core.formatCsv(["code"], [["NA"]]) + median([5, 1, 3]))\n`)
const required = run(process.execPath, [join(dir, "require-core.cjs")], dir, true)
if (required !== "code\nNA\n3") throw new Error(`require("@convene/core") from CommonJS printed ${JSON.stringify(required)}`)
console.log("✓ require(\"@convene/core\") from a CommonJS script")
// A TypeScript integrator: every entry point's declarations compile with skipLibCheck off, with
// @types/node (the checkout's) and without playwright-core (an optional peer: its types are not needed)
const entries = Object.keys(JSON.parse(readFileSync(join(dir, "node_modules", "@convene", "core", "package.json"), "utf8")).exports).filter((e) => !e.includes("*") && e !== "./package.json")
writeFileSync(join(dir, "integrator.ts"), [...entries.map((e, i) => `import * as m${i} from "${posix.join("@convene/core", e)}"`), `import type { PdfBrowser } from "@convene/core/kits"`, `import type { PairedT } from "@convene/core/domain/Stats"`, `export type Used = PdfBrowser | PairedT | undefined`, `export const all = [${entries.map((_, i) => `m${i}`).join(", ")}]`, ""].join("\n"))
writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2023", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: false, typeRoots: [join(root, "packages", "core", "node_modules", "@types")], types: ["node"] }, files: ["integrator.ts"] }))
run(join(root, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], dir)
console.log(`✓ tsc (skipLibCheck: false) compiles a project importing @convene/core's ${entries.length} entry points, without playwright-core`)
const wall = (args) => {
  const start = performance.now()
  execFileSync(process.execPath, args, { cwd: dir, stdio: "ignore" })
  return performance.now() - start
}
// the floors, in the same run: Node itself, and the effect modules (a peer dependency, the
// integrator's own copy) that core's modules import statically, which any import of core loads
const effectModules = new Set()
const collect = (folder) => {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name)
    if (entry.isDirectory()) collect(path)
    else if (entry.name.endsWith(".js")) for (const m of readFileSync(path, "utf8").matchAll(/^(?:import|export) [^;]*?from "(effect\/[A-Za-z]+)"/gm)) effectModules.add(m[1])
  }
}
collect(join(dir, "node_modules", "@convene", "core", "dist"))
const bare = [], effectOnly = [], rootImport = []
for (let i = 0; i < 5; i++) {
  bare.push(wall(["-e", "0"]))
  effectOnly.push(wall(["--input-type=module", "-e", `await Promise.all(${JSON.stringify([...effectModules].sort())}.map((m) => import(m)))`]))
  rootImport.push(wall(["--input-type=module", "-e", "await import(\"@convene/core\")"]))
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
console.log(`Root import of @convene/core: ${median(rootImport).toFixed(0)} ms of wall time (node -e 0: ${median(bare).toFixed(0)} ms; the import alone: ${(median(rootImport) - median(bare)).toFixed(0)} ms; goal under 300 ms), median of 5`)
console.log(`  floor: the ${effectModules.size} effect modules core imports statically (${[...effectModules].sort().join(", ")}), alone: ${median(effectOnly).toFixed(0)} ms (${(median(effectOnly) - median(bare)).toFixed(0)} ms over node -e 0); convene's own share of the root import: ${(median(rootImport) - median(effectOnly)).toFixed(0)} ms`)
const help = run("npx", ["--no-install", "convene", "--help"], dir)
if (!help.includes("survey") || !help.includes("kit")) throw new Error("convene --help does not list its topics")
// the time-zone release: the copy of moment-timezone's data in @convene/core (the package is not
// installed) is always read to compare it with the system's, and named unless the system's is newer
const version = run("npx", ["--no-install", "convene", "--version"], dir)
if (!/tz-\d{4}[a-z]+ \((moment-timezone \d+\.\d+\.\d+|system [^)]+)\)/.test(version)) throw new Error(`convene --version does not name the packed time-zone data: ${version}`)
run("npx", ["--no-install", "convene", "autocomplete", "bash"], dir, true)
run("npx", ["--no-install", "convene", "init", "wti", "--example", "we-the-internet"], dir)
const ws = join(dir, "wti")
// inside the workspace, as a user would (npx finds the CLI in the folder above)
run("npx", ["--no-install", "convene", "fellows", "import", "fellows.csv"], ws)
run("npx", ["--no-install", "convene", "sites", "import", "sites.csv"], ws)
run("npx", ["--no-install", "convene", "schedule", "plan"], ws, true)
run("npx", ["--no-install", "convene", "kit", "check"], ws, true)
run("npx", ["--no-install", "convene", "kit", "build", "--site", "sn-dakar"], ws)
// playwright-core is an optional peer dependency: npm leaves it out, and --pdf says how to add it (exit 2)
if (existsSync(join(dir, "node_modules", "playwright-core"))) throw new Error("npm installed playwright-core, an optional peer dependency")
console.log("$ npx --no-install convene kit build --site sn-dakar --pdf")
const pdf = spawnSync("npx", ["--no-install", "convene", "kit", "build", "--site", "sn-dakar", "--pdf"], { cwd: ws, encoding: "utf8", env: { ...process.env, DATABASE_URL: "" } })
if (pdf.status !== 2 || !pdf.stderr.includes("--pdf needs playwright-core: npm install playwright-core")) {
  throw new Error(`kit build --pdf without playwright-core: exit ${pdf.status}, stderr ${JSON.stringify(pdf.stderr.slice(0, 400))}`)
}
console.log(`✓ without playwright-core, --pdf exits 2: ${pdf.stderr.trim().split("\n")[0]}`)
run("npx", ["--no-install", "convene", "survey", "export", "--format", "xlsform", "--wave", "pre"], ws)
// the bundled Vega (the report's charts) and pptxgenjs (the toolkit's slide deck), on simulated results
run("npx", ["--no-install", "convene", "results", "simulate", "--seed", "1"], ws, true)
run("npx", ["--no-install", "convene", "results", "validate", "--all-submitted"], ws)
run("npx", ["--no-install", "convene", "results", "report", "--format", "html", "--as-of", "2027-05-16T12:00:00Z"], ws)
const charts = (readFileSync(join(ws, "out", "reports", "results-report.html"), "utf8").match(/<svg[\s\S]*?<\/svg>/g) ?? []).filter((svg) => svg.includes("<path") || svg.includes("<rect"))
if (charts.length === 0) throw new Error("results-report.html has no chart drawn by the bundled Vega")
console.log(`✓ the results report draws ${charts.length} SVG charts with the bundled Vega`)
run("npx", ["--no-install", "convene", "results", "toolkit", "--country", "SN", "--as-of", "2027-05-16T12:00:00Z"], ws)
const deck = readFileSync(join(ws, "out", "toolkits", "sn", "slides.pptx"))
// a zip (PK) whose central directory names the slides and the charts' embedded workbooks
if (deck.subarray(0, 2).toString() !== "PK" || !deck.includes("ppt/slides/slide2.xml") || !deck.includes("ppt/embeddings/")) throw new Error("the Senegal toolkit's slides.pptx is not a deck with charts (the bundled pptxgenjs)")
console.log(`✓ the Senegal toolkit has its slide deck (${(deck.length / 1024).toFixed(0)} KB, with native charts), written by the bundled pptxgenjs`)
console.log(`✓ The packed @convene/core and @convene/cli install with npm and run from ${dir}`)
rmSync(dir, { recursive: true, force: true })
