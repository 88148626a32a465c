#!/usr/bin/env node
// The two-command quick start. Runs on any Node >= 18 with npm:
//   node scripts/quickstart.mjs demo   set everything up, then run a whole dialogue end to end
//   node scripts/quickstart.mjs test   set everything up, then run the full test suite
//   (and, for CI: `setup` only, or `pack` to test the packed packages installed with npm)
// convene needs Node >= 22.12: when the running Node is older, Node 24 is fetched from the npm
// registry into .tools/ (nothing global is touched). pnpm comes the same way, at the version
// pinned in package.json's "packageManager".
import { spawnSync } from "node:child_process"
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs"
import { delimiter, dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const tools = join(root, ".tools")
const task = process.argv[2]
const rest = process.argv.slice(3)
if (task !== "demo" && task !== "test" && task !== "setup" && task !== "pack") {
  console.error("usage: node scripts/quickstart.mjs demo|test|setup|pack")
  process.exit(64)
}

const step = (message) => console.log(`\n▸ ${message}`)
const run = (command, args, options = {}) => {
  const r = spawnSync(command, args, { stdio: "inherit", cwd: root, ...options })
  if (r.error) {
    console.error(`✗ could not run ${command}: ${r.error.message}`)
    process.exit(1)
  }
  if (r.status !== 0) {
    console.error(`✗ ${[command, ...args].join(" ")} exited with ${r.status ?? r.signal}`)
    process.exit(r.status ?? 1)
  }
}

const atLeast = (version, [major, minor]) => {
  const [a, b] = version.split(".").map(Number)
  return a > major || (a === major && b >= minor)
}

// 1. Node
let node = process.execPath
if (!atLeast(process.versions.node, [22, 12])) {
  node = join(tools, "node", "node_modules", "node", "bin", "node")
  if (!existsSync(node)) {
    step(`Node ${process.versions.node} is too old for convene (>= 22.12): fetching Node 24 from the npm registry into .tools/node`)
    const npm = process.platform === "win32" ? "npm.cmd" : "npm"
    run(npm, ["install", "--prefix", join(tools, "node"), "--no-save", "--no-audit", "--no-fund", "--loglevel=error", "node@24"])
  }
}
const nodeVersion = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim()
step(`Using Node ${nodeVersion} (${node})`)

// 2. pnpm, at the pinned version
const pinned = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager.split("@")[1]
const pnpmDir = join(tools, `pnpm-${pinned}`)
const pnpm = join(pnpmDir, "node_modules", "pnpm", "bin", "pnpm.cjs")
if (!existsSync(pnpm)) {
  step(`Fetching pnpm ${pinned} from the npm registry into .tools/`)
  const npm = process.platform === "win32" ? "npm.cmd" : "npm"
  run(npm, ["install", "--prefix", pnpmDir, "--no-save", "--no-audit", "--no-fund", "--loglevel=error", `pnpm@${pinned}`])
}

// Every child runs on the chosen Node, and finds the workspace's tools first.
const env = {
  ...process.env,
  PATH: [dirname(node), join(pnpmDir, "node_modules", ".bin"), join(root, "node_modules", ".bin"), process.env.PATH ?? ""].join(delimiter),
  COREPACK_ENABLE_STRICT: "0",
  npm_config_update_notifier: "false"
}
const pnpmRun = (args) => run(node, [pnpm, ...args], { env })

// 3. Install and build
step("Installing dependencies (pnpm install)")
pnpmRun(["install", ...(process.env.CI ? ["--frozen-lockfile"] : []), "--config.confirmModulesPurge=false"])
step("Building (TypeScript project references + oclif manifest)")
pnpmRun(["run", "build"])

// A launcher at the top of the checkout that runs the CLI on the Node chosen above, so that
// `./convene …` works even where the machine's own Node is too old.
if (process.platform !== "win32") {
  const launcher = join(root, "convene")
  writeFileSync(launcher, `#!/bin/sh\n# Written by scripts/quickstart.mjs: the convene CLI on Node ${nodeVersion}.\nexec "${node}" "${join(root, "packages", "cli", "bin", "run.js")}" "$@"\n`)
  chmodSync(launcher, 0o755)
  step(`The CLI is ready: ./convene --help`)
}

// 4. The job
if (task === "demo") {
  step("Running the example dialogue end to end")
  run(node, [join(root, "scripts", "demo.mjs"), ...rest], { env })
} else if (task === "test") {
  step("Running the full test suite")
  pnpmRun(["run", "test", ...rest])
} else if (task === "pack") {
  step("Packing @convene/core and @convene/cli, installing them with npm into an empty folder")
  run(node, [join(root, "scripts", "pack-test.mjs"), ...rest], { env })
}
