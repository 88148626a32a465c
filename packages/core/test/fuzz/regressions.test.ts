// What the fuzz tests found, each kept as a reproduction so that it cannot come back: NUL bytes
// that reached the database through an e-mail address, a participant's category or a website
// (exit 3 "invalid byte sequence", no FILE:LINE); JSON registry problems without a line; YAML
// refusals (size, alias bomb) without a line; an alias without its anchor reported as an alias
// bomb; nesting deep enough to overflow the stack, of the YAML parser itself too (a RangeError
// crash); catalogs without a size limit; a NUL in a paper answer's participant code.
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import { parseCatalog } from "../../src/domain/Catalog.js"
import { questionsFor } from "../../src/domain/Instrument.js"
import { paperRows } from "../../src/domain/PaperAnswers.js"
import { formatProblem, type InputError } from "../../src/domain/Errors.js"
import { coalitionRegistry, decodeRegistryCsv, decodeRegistryJson, fellowsRegistry, participantsRegistry, sitesRegistry } from "../../src/domain/Registry.js"
import { decodeYaml, MAX_YAML_CHARACTERS, MAX_YAML_DEPTH } from "../../src/domain/Yaml.js"
import { instrument } from "./seeds.js"

const thrown = (f: () => unknown): InputError => {
  try {
    f()
  } catch (e) {
    return e as InputError
  }
  throw new Error("expected a failure")
}

describe("registries: control characters in every field (found by the fuzz tests)", () => {
  it("refuses a NUL in an e-mail address, a participant's category and a website at FILE:LINE and field", () => {
    const participants = "id,site_id,code,locale,email,gender,age_band,education,residence\np-1,sn-dakar,,,a\u0000b@example.org,wo\u0000man,,,\n"
    expect(decodeRegistryCsv(participantsRegistry, participants, "participants.csv").problems.map(formatProblem)).toEqual([
      'participants.csv:2: email: expected an email address, got "a\\u0000b@example.org"',
      "participants.csv:2: gender: expected text without control characters (such as a NUL byte)"
    ])
    const coalition = "id,name,kind,country,website,contact_email\nunesco,UNESCO,un-agency,,https://une\u0001sco.example,c@un\u0000esco.example\n"
    expect([...new Set(decodeRegistryCsv(coalitionRegistry, coalition, "coalition.csv").problems.map((p) => `${p.file}:${p.line}: ${p.field}`))]).toEqual(["coalition.csv:2: website", "coalition.csv:2: contact_email"])
    const fellows = "id,name,email,country,languages,organisation\nf-1,Awa,awa@exa\u001bmple.org,SN,fr,\n"
    expect(decodeRegistryCsv(fellowsRegistry, fellows, "fellows.csv").problems.map((p) => `${p.file}:${p.line}: ${p.field}`)).toEqual(["fellows.csv:2: email"])
  })

  it("names a line for every JSON problem: the syntax error's, the item's, line 1 for a file that is not an array", () => {
    expect(decodeRegistryJson(sitesRegistry, '[\n  {"id": "a",\n   "name" "A"}\n]', "sites.json").problems.map((p) => [p.line, p.column])).toEqual([[3, 11]])
    expect(decodeRegistryJson(sitesRegistry, '{"id": "a"}', "sites.json").problems.map(formatProblem)).toEqual(["sites.json:1: expected a JSON array of objects"])
    const items = decodeRegistryJson(sitesRegistry, '[\n  {"id": "a"},\n  7\n]', "sites.json").problems
    expect(items.every((p) => p.file === "sites.json" && p.line !== undefined)).toBe(true)
    expect(items.map((p) => p.line)).toContain(3)
    expect(items.find((p) => p.line === 3)?.field).toBe("[1]")
  })
})

describe("paper answers: a participant code is checked before it is looked up (found by the fuzz tests)", () => {
  it("refuses a code with a NUL at FILE:LINE:COLUMN instead of a database error", () => {
    const q = questionsFor(instrument, "pre")[0]!
    const text = `${q.id},code\n1,SNAA\u0000AA22\n`
    expect(paperRows(text, "paper.csv", instrument, "pre").problems.map(formatProblem)).toEqual(['paper.csv:2:2: code: expected a code of 4 to 32 letters, digits or dashes, got "SNAA\\u0000AA22"'])
  })
})

describe("YAML: every refusal located (found by the fuzz tests)", () => {
  const decode = (text: string) => decodeYaml(Schema.Unknown, text, "convene.yaml", "a dialogue")

  it("refuses mappings and lists nested deeper than the limit at the line where it happens, without overflowing the stack", () => {
    const flow = `id: x\ndeep: ${"[".repeat(MAX_YAML_DEPTH + 5)}${"]".repeat(MAX_YAML_DEPTH + 5)}\n`
    expect(thrown(() => decode(flow)).problems.map(formatProblem)).toEqual([`convene.yaml:2: expected mappings and lists nested at most ${MAX_YAML_DEPTH} deep`])
    const block = Array.from({ length: MAX_YAML_DEPTH + 5 }, (_, k) => `${"  ".repeat(k)}k${k}:`).join("\n") + " x\n"
    expect(thrown(() => decode(block)).problems.map(formatProblem)).toEqual([`convene.yaml:${MAX_YAML_DEPTH + 2}: expected mappings and lists nested at most ${MAX_YAML_DEPTH} deep`])
    // nesting at the limit is fine
    expect(decode(`deep: ${"[".repeat(MAX_YAML_DEPTH)}${"]".repeat(MAX_YAML_DEPTH)}\n`)).toBeDefined()
  })

  it("refuses a nesting so deep that the YAML parser itself runs out of stack (it threw a RangeError), at that line", () => {
    // 3,000 `- ` between two keys: the yaml package's parser overflows instead of reporting an error
    const text = `id: x\n${"- ".repeat(3_000)}\ntitle: y\n`
    expect(thrown(() => decode(text)).problems.map(formatProblem)).toEqual([`convene.yaml:2: expected mappings and lists nested at most ${MAX_YAML_DEPTH} deep`])
    expect(thrown(() => parseCatalog(`a: b\n${"- ".repeat(3_000)}\nc: d\n`, "locales/fr.yaml", "fr", "workspace")).problems.map(formatProblem)).toEqual([
      `locales/fr.yaml:2: expected mappings and lists nested at most ${MAX_YAML_DEPTH} deep`
    ])
  })

  it("names an alias without its anchor as such, at the alias's line (it was reported as an alias bomb, without a line)", () => {
    expect(thrown(() => decode("id: x\ntitle: *nowhere\n")).problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^convene\.yaml:2: expected every alias \(\*name\) to follow its anchor \(&name\)/)
    ])
  })

  it("names the line on which a file crosses the size limit", () => {
    const text = "a: 1\n".repeat(10) + `b: ${"x".repeat(MAX_YAML_CHARACTERS)}\n`
    expect(thrown(() => decode(text)).problems.map(formatProblem)).toEqual([expect.stringMatching(/^convene\.yaml:11: expected at most 262,144 characters/)])
  })

  it("refuses a hostile run of quotes under the limit with located syntax errors (it took 33 s at 1 MB)", () => {
    const error = thrown(() => decode(`a: ${'"'.repeat(MAX_YAML_CHARACTERS - 10)}`))
    expect(error.problems).toHaveLength(20)
    expect(error.problems.every((p) => p.file === "convene.yaml" && p.line === 1)).toBe(true)
  })

  it("gives catalogs the same size and nesting limits", () => {
    expect(thrown(() => parseCatalog(`a: ${"x".repeat(MAX_YAML_CHARACTERS)}\n`, "locales/fr.yaml", "fr", "workspace")).problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^locales\/fr\.yaml:1: expected at most 262,144 characters/)
    ])
    const deep = Array.from({ length: MAX_YAML_DEPTH + 3 }, (_, k) => `${"  ".repeat(k)}k${k}:`).join("\n") + " x\n"
    expect(thrown(() => parseCatalog(deep, "locales/fr.yaml", "fr", "workspace")).problems.map(formatProblem)).toEqual([
      expect.stringMatching(new RegExp(`^locales/fr\\.yaml:${MAX_YAML_DEPTH + 2}: k0\\..*: expected groups of messages nested at most ${MAX_YAML_DEPTH} deep$`))
    ])
  })
})
