import { describe, expect, it } from "vitest"
import { checkFeatureValues, type Codebook, featureLabel, featureOf, valueLabel } from "../../src/domain/Codebook.js"
import { decodeDialogueYaml } from "../../src/domain/Dialogue.js"
import { formatProblem } from "../../src/domain/Errors.js"
import { problemsIn } from "../support/problems.js"

const base = `id: d
title: "A dialogue"
source_locale: en
locales: [en, fr]
deliberation_day: { date: 2027-05-15, start_local: "09:00", window: { start: "08:00", end: "21:00" } }
agenda:
  - { id: opening, title: Opening, minutes: 30, kind: plenary }
sync_moments: []
timeline: { phases: [], milestones: [] }
evaluation: { waves: [] }
`

const problemsOf = (text: string): Array<string> => problemsIn(() => decodeDialogueYaml(text, "convene.yaml"))

describe("the codebook (features: in convene.yaml)", () => {
  it("is optional, and decodes features with values and labels in order", () => {
    expect(decodeDialogueYaml(base, "convene.yaml").features).toBeUndefined()
    const d = decodeDialogueYaml(`${base}features:\n  - id: connectivity\n    label: { en: Connectivity, fr: Connectivité }\n    values:\n      - { id: none, label: { en: No internet, fr: Pas d'internet } }\n      - { id: mobile }\n`, "convene.yaml")
    const f = featureOf(d.features, "connectivity")!
    expect(f.values.map((v) => v.id)).toEqual(["none", "mobile"])
    expect(featureLabel(f, "fr-SN")).toBe("Connectivité")
    expect(valueLabel(f, "none", "fr")).toBe("Pas d'internet")
    expect(valueLabel(f, "none", "ar")).toBe("No internet")
    expect(valueLabel(f, "mobile", "fr")).toBe("mobile")
  })

  it("names the line of a repeated value, a repeated feature, a bad id and a feature without values", () => {
    const text = `${base}features:\n  - id: gender\n    values: [{ id: woman }, { id: woman }]\n  - id: gender\n    values: [{ id: man }]\n  - id: Age-Band\n    values: [{ id: "16-24" }]\n  - id: residence\n    values: []\n`
    const problems = problemsOf(text)
    expect(problems).toContainEqual(expect.stringMatching(/^convene\.yaml:13: features\.0\.values: expected each value once, "woman" appears twice/))
    expect(problems).toContainEqual(expect.stringMatching(/^convene\.yaml:\d+: features\.2\.id: expected a feature id of lowercase letters, digits and underscores/))
    expect(problems).toContainEqual(expect.stringMatching(/^convene\.yaml:\d+: features\.3\.values: expected at least one value/))
  })

  it("checks rows: values outside a declared feature, at their line and column; empty values and undeclared features pass", () => {
    const codebook: Codebook = [{ id: "gender", values: [{ id: "woman" }, { id: "man" }] }]
    const rows = [
      { line: 2, values: { gender: "woman", education: "anything" } },
      { line: 3, values: { gender: "Woman" } },
      { line: 4, values: { gender: "" } },
      { line: 5, values: {} }
    ]
    expect(checkFeatureValues(codebook, rows, ["gender", "education"], "p.csv", ["id", "gender", "education"]).map(formatProblem)).toEqual([
      'p.csv:3:2: gender: expected one of woman, man (the codebook in convene.yaml), got "Woman": did you mean "woman"?'
    ])
    expect(checkFeatureValues(undefined, rows, ["gender"], "p.csv")).toEqual([])
  })
})
