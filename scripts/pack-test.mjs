#!/usr/bin/env node
// Packaging test (CI): `pnpm pack` @convene/core and @convene/cli, install both tarballs into an
// empty folder with plain npm, and run the CLI from there as a user would (`npx convene …`):
// --help, --version, autocomplete, and a small dialogue from the bundled example.
// Usage: node scripts/pack-test.mjs (after pnpm run build; needs Node >= 22.12 on PATH for the CLI)
import { execFileSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
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
// an empty folder outside the checkout: nothing from the workspace can leak in
const dir = mkdtempSync(join(tmpdir(), "convene-pack-"))
writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "convene-pack-test", private: true }, null, 2))
run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...tarballs], dir, true)
const help = run("npx", ["--no-install", "convene", "--help"], dir)
if (!help.includes("survey") || !help.includes("kit")) throw new Error("convene --help does not list its topics")
run("npx", ["--no-install", "convene", "--version"], dir)
run("npx", ["--no-install", "convene", "autocomplete", "bash"], dir, true)
run("npx", ["--no-install", "convene", "init", "wti", "--example", "we-the-internet"], dir)
const ws = join(dir, "wti")
// inside the workspace, as a user would (npx finds the CLI in the folder above)
run("npx", ["--no-install", "convene", "fellows", "import", "fellows.csv"], ws)
run("npx", ["--no-install", "convene", "sites", "import", "sites.csv"], ws)
run("npx", ["--no-install", "convene", "schedule", "plan"], ws, true)
run("npx", ["--no-install", "convene", "kit", "check"], ws, true)
run("npx", ["--no-install", "convene", "kit", "build", "--site", "sn-dakar"], ws)
run("npx", ["--no-install", "convene", "survey", "export", "--format", "xlsform", "--wave", "pre"], ws)
console.log(`✓ The packed @convene/core and @convene/cli install with npm and run from ${dir}`)
rmSync(dir, { recursive: true, force: true })
