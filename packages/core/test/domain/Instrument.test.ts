// Survey instruments: the example decodes; every problem of a bad one is named at its line.
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { formatProblem, InputError } from "../../src/domain/Errors.js"
import { decodeInstrumentYaml, labelIn, questionsFor } from "../../src/domain/Instrument.js"

const example = join(import.meta.dirname, "..", "..", "..", "..", "examples", "we-the-internet", "surveys", "evaluation.yaml")

const problemsOf = (text: string): Array<string> => {
  try {
    decodeInstrumentYaml(text, "surveys/bad.yaml")
  } catch (e) {
    if (e instanceof InputError) return e.problems.map(formatProblem)
    throw e
  }
  throw new Error("expected the instrument to be rejected")
}

describe("survey instruments", () => {
  it("decodes the example: every type, waves, labels in en, fr, es and ar", () => {
    const instrument = decodeInstrumentYaml(readFileSync(example, "utf8"), "evaluation.yaml")
    expect(instrument.locales).toEqual(["en", "fr", "es", "ar"])
    const types = new Set(instrument.questions.map((q) => q.type))
    for (const t of ["likert5", "likert7", "scale", "single", "multiple", "number", "text", "knowledge"]) expect(types).toContain(t)
    const pre = questionsFor(instrument, "pre")
    const post = questionsFor(instrument, "post")
    expect(pre.length).toBeGreaterThan(10)
    // views on the deliberation itself are asked after it only
    expect(post.some((q) => !q.waves.includes("pre"))).toBe(true)
    const knowledge = instrument.questions.filter((q) => q.type === "knowledge")
    expect(knowledge.length).toBeGreaterThanOrEqual(4)
    const q = instrument.questions[0]!
    expect(labelIn(q.label, "fr-SN", instrument)).toBe(q.label["fr"])
    expect(labelIn(q.label, "sw-KE", instrument)).toBe(q.label["en"])
  })

  it("names the line and field of every problem at once", () => {
    const problems = problemsOf(`id: evaluation
version: 0
locales: [en, fr]
title: { en: "Survey", fr: "Enquête" }
questions:
  - id: trust
    type: likert5
    waves: [pre, during]
    label: { en: "I trust parliament" }
  - id: trust
    type: knowledge
    waves: [post]
    label: { en: "Who runs ICANN?", fr: "Qui dirige l’ICANN ?" }
    options:
      - { id: a, label: { en: "A", fr: "A" } }
      - { id: b, label: { en: "B", fr: "B" } }
    correct: c
  - id: hours
    type: number
    waves: [pre]
    label: { en: "Hours", fr: "Heures" }
    min: 24
    max: 0
  - id: colour
    type: rainbow
    waves: [pre]
    label: { en: "Colour", fr: "Couleur" }
`)
    const text = problems.join("\n")
    expect(text).toMatch(/surveys\/bad\.yaml:2: version: expected a version of 1 or more/)
    expect(text).toMatch(/surveys\/bad\.yaml:8: questions\.0\.waves\.1: /)
    expect(problems.length).toBeGreaterThanOrEqual(3)
    // checks across fields run once the shapes are right
    const cross = problemsOf(`id: evaluation
version: 1
locales: [en, fr]
title: { en: "Survey", fr: "Enquête" }
questions:
  - id: trust
    type: likert5
    waves: [pre]
    label: { en: "I trust parliament" }
  - id: trust
    type: knowledge
    waves: [post]
    label: { en: "Who runs ICANN?", fr: "Qui dirige l’ICANN ?" }
    options:
      - { id: a, label: { en: "A", fr: "A" } }
      - { id: b, label: { en: "B", fr: "B" } }
    correct: c
  - id: hours
    type: number
    waves: [pre]
    label: { en: "Hours", fr: "Heures" }
    min: 24
    max: 0
`).join("\n")
    expect(cross).toMatch(/:9: questions\.0\.label\.fr: expected a label in fr/)
    expect(cross).toMatch(/:10: questions\.1\.id: expected a unique question id, "trust" is repeated/)
    expect(cross).toMatch(/:17: questions\.1\.correct: expected one of the options \(a, b\), got "c"/)
    expect(cross).toMatch(/:23: questions\.2\.max: expected a maximum of at least 24/)
  })

  it("rejects YAML that does not parse, with its line", () => {
    expect(problemsOf("id: x\nquestions: [\n")[0]).toMatch(/^surveys\/bad\.yaml:3/)
  })
})
