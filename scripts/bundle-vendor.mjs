#!/usr/bin/env node
// Packing @convene/core: the modules of packages/core/src/infra/vendor/ re-export libraries that
// convene uses for one output each (Vega and Vega-Lite for the report charts, pptxgenjs for the
// toolkit's slide deck). In a checkout they load the packages, which are devDependencies; for the
// tarball, this script replaces each one's compiled file in dist/infra/vendor/ with a single ES
// module bundling the library (esbuild), so that `npm install @convene/core` does not bring their
// 93 packages and 22 MB. The same code runs (test/infra/Vendor.test.ts compares the outputs).
// It also copies moment-timezone's data file (the time-zone rules), the only part of that package
// convene reads, into dist/infra/vendor/moment-timezone/ (removed again by `clean` after packing).
// dist/infra/vendor/NOTICES.md lists every bundled package with its version and license text.
// Usage (from packages/core, after tsc -b; `pnpm pack` runs it): node ../../scripts/bundle-vendor.mjs [--out DIR] | clean
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"

const core = join(dirname(fileURLToPath(import.meta.url)), "..", "packages", "core")
const outAt = process.argv.indexOf("--out")
const out = outAt === -1 ? join(core, "dist", "infra", "vendor") : process.argv[outAt + 1]
if (process.argv[2] === "clean") {
  // after packing (postpack): a checkout reads moment-timezone itself, never a copy that may be stale
  rmSync(join(out, "moment-timezone"), { recursive: true, force: true })
  process.exit(0)
}
if (outAt === -1 && !existsSync(out)) {
  console.error(`bundle-vendor: ${relative(process.cwd(), out)} does not exist: build first (pnpm run build)`)
  process.exit(2)
}
mkdirSync(out, { recursive: true })
const { build } = createRequire(join(core, "package.json"))("esbuild")

const src = join(core, "src", "infra", "vendor")
const entries = readdirSync(src).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
// every bundled package: its folder, found from the files esbuild read
const packages = new Map()
const packageOf = (file) => {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))
      if (pkg.name !== undefined && pkg.version !== undefined) return { dir, pkg }
    }
  }
  return undefined
}
for (const entry of entries) {
  const name = entry.replace(/\.ts$/, "")
  const result = await build({
    entryPoints: [join(src, entry)],
    outfile: join(out, `${name}.js`),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22.12",
    // whitespace and syntax only: the functions keep their names in stack traces
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "eof",
    // CommonJS parts (JSZip) call require() for Node's built-ins
    banner: { js: `// ${name}: bundled for @convene/core by scripts/bundle-vendor.mjs; licenses in NOTICES.md\nimport { createRequire as __vendorRequire } from "node:module";\nconst require = __vendorRequire(import.meta.url);` },
    metafile: true,
    logLevel: "warning"
  })
  // tsc's map of the re-export no longer matches the file
  rmSync(join(out, `${name}.js.map`), { force: true })
  for (const input of Object.keys(result.metafile.inputs)) {
    const found = packageOf(join(process.cwd(), input))
    if (found === undefined || found.dir === core) continue
    const key = `${found.pkg.name}@${found.pkg.version}`
    const seen = packages.get(key) ?? { ...found, bundles: new Set() }
    seen.bundles.add(`${name}.js`)
    packages.set(key, seen)
  }
}
// the package's license file, else the License section of its README (isarray has only that)
// moment-timezone: only its data file is read (src/infra/TzData.ts), so only that file and the
// package's version are copied, without the package's code and its dependency moment (7 MB)
{
  const requireCore = createRequire(join(core, "package.json"))
  const dir = dirname(requireCore.resolve("moment-timezone/package.json"))
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))
  const target = join(out, "moment-timezone")
  mkdirSync(join(target, "data", "packed"), { recursive: true })
  copyFileSync(join(dir, "data", "packed", "latest.json"), join(target, "data", "packed", "latest.json"))
  writeFileSync(join(target, "package.json"), `${JSON.stringify({ name: pkg.name, version: pkg.version, license: pkg.license, description: "The data file of moment-timezone, copied by scripts/bundle-vendor.mjs" }, null, 2)}\n`)
  packages.set(`${pkg.name}@${pkg.version}`, { dir, pkg, bundles: new Set(["moment-timezone/data/packed/latest.json"]) })
}

const licenseText = (dir) => {
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|markdown|txt))?$/i.test(f))
  if (file !== undefined) return readFileSync(join(dir, file), "utf8").trim()
  const readme = readdirSync(dir).find((f) => /^readme(\.(md|markdown))?$/i.test(f))
  const section = readme === undefined ? null : /^#+\s*licen[cs]e\s*$([\s\S]*?)(?=^#|(?![\s\S]))/im.exec(readFileSync(join(dir, readme), "utf8"))
  return section === null ? undefined : section[1].trim()
}
const notices = [
  "# Third-party code bundled in @convene/core",
  "",
  "The files of this folder bundle these packages, unchanged (scripts/bundle-vendor.mjs in the convene repository).",
  ""
]
for (const [key, { dir, pkg, bundles }] of [...packages].sort(([a], [b]) => a.localeCompare(b))) {
  const text = licenseText(dir)
  notices.push(`## ${key}`, "", `License: ${pkg.license ?? "see below"}. In: ${[...bundles].join(", ")}.`, "")
  if (text === undefined) throw new Error(`bundle-vendor: ${key} (${dir}) has no license text to include`)
  notices.push("```", text, "```", "")
}
writeFileSync(join(out, "NOTICES.md"), notices.join("\n"))
console.log(`bundle-vendor: ${entries.map((e) => e.replace(/\.ts$/, ".js")).join(", ")} in ${relative(process.cwd(), out) || "."}, ${packages.size} packages (NOTICES.md)`)
