// The SDK as a package: CommonJS consumers can require() it (Node >= 22.12 loads ES modules
// synchronously, unless one of them has a top-level await), and it declares no import side effects
// but in its root index (package.json "sideEffects"), so bundlers may drop every module a consumer
// does not use.
// The require() check runs the built dist (pnpm run build) in a real node process, no loader.
import { spawnSync } from "node:child_process"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"

const core = join(import.meta.dirname, "..")
const fixtures = join(import.meta.dirname, "fixtures", "commonjs")
const node = (script: string) => spawnSync(process.execPath, [join(fixtures, script)], { cwd: fixtures, encoding: "utf8" })
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number)
const requireEsm = major > 22 || (major === 22 && minor >= 12)

const sources = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [])

describe("@convene/core as a package", () => {
  it.skipIf(!requireEsm)("is required from a CommonJS script, the root and feature subpaths, and its pure functions run", () => {
    const run = node("require-core.cjs")
    expect(run.stderr).not.toContain("ERR_REQUIRE_ASYNC_MODULE")
    expect(run.status, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual({
      csv: "code,name\nNA,\"Namibia, \"\"the\"\"\"\n",
      median: 3,
      sameFunction: true,
      scheduleExports: "function",
      reportExports: "function"
    })
  })

  it.skipIf(!requireEsm)("the same check fails on a module with a top-level await (fixture)", () => {
    const run = node("require-tla.cjs")
    expect(run.status).not.toBe(0)
    expect(run.stderr).toContain("ERR_REQUIRE_ASYNC_MODULE")
  })

  it("declares no side effects but in the root index, and no source module imports another only for its side effects or runs code at load", () => {
    // No module of the SDK runs code at load. The root index is listed all the same, for esbuild:
    // when a module re-exported by `export *` is also reachable from a dynamic import() (as the
    // domain modules are, through the lazily loaded report and portal writers), esbuild without
    // code splitting wraps it in a lazy initializer and, in a package declaring "sideEffects": false,
    // drops the call to it, so `import { median } from "@convene/core"` bundles to a program that
    // throws "median is not a function" (the esbuild issue evanw/esbuild#1490; rolldown and
    // esbuild --splitting are fine). Listing every module that uses `export *` keeps that call.
    const pkg = JSON.parse(readFileSync(join(core, "package.json"), "utf8")) as { sideEffects?: unknown }
    const reExportingAll = sources(join(core, "src"))
      .filter((file) => /^export \* from /m.test(readFileSync(file, "utf8")))
      .map((file) => `./dist/${file.slice(join(core, "src").length + 1).replace(/\.ts$/, ".js")}`)
      .sort()
    expect(reExportingAll).toContain("./dist/index.js")
    expect(pkg.sideEffects).toEqual(reExportingAll)
    const offenders: Array<string> = []
    for (const file of sources(join(core, "src"))) {
      readFileSync(file, "utf8").split("\n").forEach((line, i) => {
        // a bare `import "x"`, or a statement at column 0 that is neither a declaration nor a comment
        // (template literal lines of CSS and HTML start with a character that is not a letter)
        if (/^import\s+["']/.test(line) || /^await\b/.test(line) || /^[A-Za-z_$][\w$.]*\s*\(/.test(line)) offenders.push(`${file.slice(core.length + 1)}:${i + 1} ${line}`)
      })
    }
    expect(offenders).toEqual([])
  })
})
