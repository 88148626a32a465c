#!/usr/bin/env node
// Building @convene/cli: bundles the compiled commands and hooks (packages/cli/dist, from tsc -b)
// with everything they import — @convene/core, effect, kysely, yaml, pg, handlebars… — into
// packages/cli/lib, which oclif loads (package.json `oclif.commands`). One command's start-up
// then reads a few chunks instead of ~700 files (docs/performance.md, "CLI start-up"); esbuild
// splits the code shared between commands into chunks, and modules loaded lazily (`import()`)
// stay lazy.
// oclif's `execute` is bundled too, so that oclif and the commands share one copy of @oclif/core
// (its plugins, help and autocomplete, load their own, as plugins of any oclif CLI do).
// Left out of the bundle and loaded from node_modules: @oclif/plugin-not-found (only for a
// mistyped command; it brings 0.6 MB of encoding tables), PGlite and HiGHS (WebAssembly files
// found beside their modules), playwright-core (optional, only for --pdf), pg-native
// (optional), and the Vega/pptxgenjs modules
// of @convene/core (`@convene/core/vendor/*`: bundled into core's tarball at pack time). The
// files @convene/core reads at run time (templates, examples, fonts, tz data) are found from its
// package folder, not from the module's own location (infra/CoreDir.ts).
// Usage: node scripts/bundle-cli.mjs [--out DIR] (after tsc -b; `pnpm run build` runs it)
import { createHash } from "node:crypto"
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const cli = join(root, "packages", "cli")
const dist = join(cli, "dist")
const outAt = process.argv.indexOf("--out")
const out = outAt === -1 ? join(cli, "lib") : process.argv[outAt + 1]
if (!existsSync(join(dist, "commands"))) {
  console.error(`bundle-cli: ${relative(process.cwd(), join(dist, "commands"))} does not exist: compile first (tsc -b)`)
  process.exit(2)
}
const { build } = createRequire(join(root, "packages", "core", "package.json"))("esbuild")

const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : name.endsWith(".js") ? [path] : []
  })
const entryPoints = [
  ...[...walk(join(dist, "commands")), ...walk(join(dist, "hooks"))].map((path) => ({ in: path, out: relative(dist, path).replace(/\.js$/, "") })),
  // bin/run.js starts here: oclif's `execute`, the same copy of @oclif/core as the commands'
  { in: join(dist, "execute.js"), out: "execute" }
]

/** @convene/core's vendor modules (Vega, pptxgenjs) stay outside, imported through the package. */
const vendorExternal = {
  name: "convene-vendor-external",
  setup(b) {
    b.onResolve({ filter: /\/infra\/vendor\/[^/]+\.js$/ }, (args) => {
      const name = args.path.split("/").pop()
      return { path: `@convene/core/vendor/${name.replace(/\.js$/, "")}`, external: true }
    })
  }
}

const started = Date.now()
rmSync(out, { recursive: true, force: true })
const result = await build({
  entryPoints,
  outdir: out,
  bundle: true,
  splitting: true,
  platform: "node",
  format: "esm",
  target: "node22.12",
  chunkNames: "chunks/[name]-[hash]",
  // minified (the installed CLI carries this beside the libraries it bundles), but functions and
  // classes keep their names, for stack traces and the errors' tags; CONVENE_BUNDLE_MINIFY=0 keeps
  // the bundle readable (one line per statement, each module's path as a comment) for profiling
  minify: process.env.CONVENE_BUNDLE_MINIFY !== "0",
  keepNames: true,
  legalComments: "none",
  external: ["@oclif/plugin-not-found", "@electric-sql/pglite", "@electric-sql/pglite/*", "highs", "playwright-core", "pg-native"],
  plugins: [vendorExternal],
  // CommonJS parts (pg, nodemailer, handlebars) call require() for Node's built-ins
  banner: { js: `import { createRequire as __bundleRequire } from "node:module";\nconst require = __bundleRequire(import.meta.url);` },
  logLevel: "warning",
  metafile: true
})
// the build's identity (src/Build.ts): the hash of the bundle, written over the placeholder's
// zeros (same length), so that caches kept by one build are never read by another
const PLACEHOLDER = "convene-build:0000000000000000"
const outputs = Object.keys(result.metafile.outputs).sort()
const hash = createHash("sha256")
for (const path of outputs) hash.update(path).update(readFileSync(path))
const id = `convene-build:${hash.digest("hex").slice(0, 16)}`
const stamped = outputs.filter((path) => readFileSync(path, "utf8").includes(PLACEHOLDER))
if (stamped.length === 0) {
  console.error(`bundle-cli: the build identity placeholder (packages/cli/src/Build.ts) is not in the bundle`)
  process.exit(1)
}
for (const path of stamped) writeFileSync(path, readFileSync(path, "utf8").replaceAll(PLACEHOLDER, id))
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0)
const files = Object.keys(result.metafile.outputs).length
console.log(`bundle-cli: ${entryPoints.length} entry points → ${files} files, ${(bytes / 1e6).toFixed(1)} MB in ${relative(process.cwd(), out) || "."}, build ${id.slice(14)} (${Date.now() - started} ms)`)
