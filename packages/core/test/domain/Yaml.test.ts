// Hostile YAML is refused with the file named instead of crashing (issue 13): an
// alias bomb, a huge file, and a file with thousands of syntax errors.
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import { decodeYaml, MAX_YAML_CHARACTERS } from "../../src/domain/Yaml.js"
import type { InputError } from "../../src/domain/Errors.js"
import { formatProblem } from "../../src/domain/Errors.js"

const Anything = Schema.Unknown
const failure = (text: string): InputError => {
  try {
    decodeYaml(Anything, text, "convene.yaml", "a dialogue")
  } catch (e) {
    return e as InputError
  }
  throw new Error("expected decodeYaml to fail")
}

describe("decodeYaml on hostile input", () => {
  it("refuses an alias bomb, naming the file", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]", ...["b", "c", "d", "e", "f"].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${"abcdef"[i]}`).join(", ")}]`), "g: [*f, *f]"].join("\n")
    const error = failure(bomb)
    expect(error._tag).toBe("InputError")
    expect(formatProblem(error.problems[0]!)).toMatch(/^convene\.yaml:2: expected at most 100 expansions of aliases/)
  })

  it("refuses a file over the size limit before parsing it", () => {
    const error = failure(`a: ${'"'.repeat(MAX_YAML_CHARACTERS)}`)
    expect(error.problems).toHaveLength(1)
    expect(formatProblem(error.problems[0]!)).toMatch(/^convene\.yaml:1: expected at most 262,144 characters, got 262,147/)
  })

  it("shows the first 20 of thousands of syntax errors, each at its line and column", () => {
    const error = failure(`a: ${'"'.repeat(20_000)}`)
    expect(error.summary).toMatch(/^convene\.yaml is not valid YAML \(\d+ errors, the first 20 shown\)\.$/)
    expect(error.problems).toHaveLength(20)
    expect(error.problems.every((p) => p.file === "convene.yaml" && p.line !== undefined)).toBe(true)
  })

  it("names line 1 for a file without a root (empty, or comments only)", () => {
    const Named = Schema.Struct({ id: Schema.String })
    for (const text of ["", "# nothing here\n"]) {
      try {
        decodeYaml(Named, text, "convene.yaml", "a dialogue")
        throw new Error("expected decodeYaml to fail")
      } catch (e) {
        expect((e as InputError).problems.map(formatProblem)).toEqual(["convene.yaml:1: id: expected a value (required)"])
      }
    }
  })
})
