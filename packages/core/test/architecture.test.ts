// The architecture rules of docs/architecture.md, checked on the real source and, to show that
// the check can fail, on a fixture tree that breaks each rule once.
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { checkArchitecture } from "./support/architecture.js"

const core = join(import.meta.dirname, "..")
const exportsOf = (): Array<string> => Object.keys(JSON.parse(readFileSync(join(core, "package.json"), "utf8")).exports)

describe("architecture", () => {
  it("holds in packages/core/src and packages/cli/src", () => {
    const violations = checkArchitecture(join(core, "src"), join(core, "..", "cli", "src"), exportsOf())
    expect(violations.map((v) => `${v.rule} ${v.file}:${v.line} ${v.text}`)).toEqual([])
  })

  it("flags SQL in a workflow, IO in the domain, a foreign repository, another feature's inner module and a private CLI import (fixture)", () => {
    const fixture = join(import.meta.dirname, "fixtures", "architecture")
    const violations = checkArchitecture(join(fixture, "core"), join(fixture, "cli"), [".", "./registries", "./domain/*"])
    expect(violations.map((v) => `${v.rule} ${v.file}:${v.line}`).sort()).toEqual([
      "cli-private-import commands/list.ts:3",
      "cli-private-import commands/list.ts:4",
      "feature-internals sites/Calendars.ts:2",
      "foreign-repository sites/Plans.ts:2",
      "foreign-repository sites/Plans.ts:6",
      "impure-domain domain/Clock.ts:2",
      "impure-domain domain/Clock.ts:3",
      "sql-outside-repository sites/Sites.ts:2",
      "sql-outside-repository sites/Sites.ts:4"
    ])
  })
})
