#!/usr/bin/env node
// Packing @convene/core: its templates (workspace, kits, mail, survey form, catalogs) and the
// bundled example live at the repository's root; `pnpm pack` copies them into the package
// (prepack) and removes the copies afterwards (postpack), so a checkout never reads stale ones.
// Usage (from packages/core): node ../../scripts/bundle-assets.mjs copy|clean
import { cpSync, rmSync } from "node:fs"
import { join } from "node:path"

const pkg = process.cwd()
const root = join(pkg, "..", "..")
const targets = ["templates", "examples"]
if (process.argv[2] === "copy") {
  cpSync(join(root, "templates"), join(pkg, "templates"), { recursive: true })
  cpSync(join(root, "examples", "we-the-internet"), join(pkg, "examples", "we-the-internet"), { recursive: true })
} else if (process.argv[2] === "clean") {
  for (const t of targets) rmSync(join(pkg, t), { recursive: true, force: true })
} else {
  console.error("usage: bundle-assets.mjs copy|clean")
  process.exit(2)
}
