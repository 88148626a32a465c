// Vote questions: decoded against the agenda with FILE:LINE for every problem, unique across
// files, and the locale coverage `kit check` reports.
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { ballotCoverage, decodeBallots, maxChoices, optionIds, questionsOfBlock } from "../../src/domain/Ballot.js"
import { decodeDialogueYaml } from "../../src/domain/Dialogue.js"
import type { InputError } from "../../src/domain/Errors.js"
import { exampleDir } from "../support/kit-workspace.js"

const dialogue = decodeDialogueYaml(readFileSync(join(exampleDir, "convene.yaml"), "utf8"), "convene.yaml")
const exampleText = readFileSync(join(exampleDir, "ballots", "votes.yaml"), "utf8")

const failure = (f: () => unknown): InputError => {
  try {
    f()
  } catch (e) {
    return e as InputError
  }
  throw new Error("expected an InputError")
}

describe("ballots", () => {
  it("decodes the example's questions, one of each type, every label in the dialogue's four locales", () => {
    const ballots = decodeBallots([{ file: "ballots/votes.yaml", text: exampleText }], dialogue)
    expect(ballots.questions.map((q) => [q.id, q.type, q.block])).toEqual([
      ["access-right", "single", "vote-1"],
      ["data-protections", "multiple", "vote-2"],
      ["platform-responsibility", "scale", "vote-3"],
      ["governance-rank", "ranking", "vote-4"],
      ["recommendations", "recommendations", "vote-4"]
    ])
    expect(questionsOfBlock(ballots, "vote-4").map((q) => q.id)).toEqual(["governance-rank", "recommendations"])
    const [single, multiple, scale, ranking] = ballots.questions as Array<any>
    expect(optionIds(scale)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"])
    expect([maxChoices(single), maxChoices(multiple), maxChoices(ranking)]).toEqual([1, 2, 5])
    expect(ballotCoverage(ballots, [{ file: "ballots/votes.yaml", text: exampleText }], dialogue.locales)).toEqual([])
  })

  it("names the file, line and block of a question that does not match the agenda", () => {
    const text = `questions:
  - id: q1
    block: welcome
    type: single
    collect: tally
    label: { en: "Q1" }
    options: [{ id: a, label: { en: A } }, { id: b, label: { en: B } }]
  - id: q2
    block: vote-9
    type: multiple
    max_choices: 3
    collect: ballot
    label: { fr: "Q2" }
    options: [{ id: a, label: { en: A } }, { id: a, label: { en: B } }]
  - id: q3
    block: vote-1
    type: ranking
    collect: tally
    label: { en: "Q3" }
    options: [{ id: a, label: { en: A } }, { id: b, label: { en: B } }]
`
    const e = failure(() => decodeBallots([{ file: "ballots/bad.yaml", text }], dialogue))
    const got = e.problems.map((p) => `${p.file}:${p.line}: ${p.field}: ${p.message}`)
    expect(got).toEqual(expect.arrayContaining([
      expect.stringMatching(/^ballots\/bad\.yaml:3: questions\.0\.block: expected a block of kind vote, "welcome" is a plenary block/),
      expect.stringMatching(/^ballots\/bad\.yaml:9: questions\.1\.block: expected an agenda block of kind vote \(vote-1, vote-2, vote-3, vote-4\), got "vote-9"/),
      expect.stringMatching(/^ballots\/bad\.yaml:14: questions\.1\.options\.1\.id: expected a unique option id, "a" is repeated/),
      expect.stringMatching(/^ballots\/bad\.yaml:11: questions\.1\.max_choices: expected at most 2 choices/),
      expect.stringMatching(/^ballots\/bad\.yaml:13: questions\.1\.label: expected a label in the source locale en/),
      expect.stringMatching(/^ballots\/bad\.yaml:18: questions\.2\.collect: expected ballot: a ranking is collected on ballots/)
    ]))
    expect(got).toHaveLength(6)
  })

  it("names an unknown question type, and a missing field of a known one, at their lines", () => {
    const text = `questions:
  - id: q1
    block: vote-1
    type: yes-no
    collect: tally
    label: { en: "Q1" }
`
    const e = failure(() => decodeBallots([{ file: "ballots/t.yaml", text }], dialogue))
    expect(e.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`)).toEqual([expect.stringMatching(/^4: questions\.0\.type: expected "single" \| "multiple" \| "scale" \| "ranking" \| "recommendations"$/)])
    const missing = failure(() => decodeBallots([{ file: "ballots/t.yaml", text: text.replace("yes-no", "single") }], dialogue))
    expect(missing.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`)).toEqual(["2: questions.0.options: expected a value (required)"])
  })

  it("refuses a question id declared in two files, naming both places", () => {
    const one = `questions:\n  - id: same\n    block: vote-1\n    type: scale\n    scale: "1-5"\n    collect: ballot\n    label: { en: "S" }\n`
    const e = failure(() => decodeBallots([{ file: "ballots/a.yaml", text: one }, { file: "ballots/b.yaml", text: `# another\n${one}` }], dialogue))
    expect(e.problems).toEqual([{ file: "ballots/b.yaml", line: 3, field: "questions.0.id", message: 'expected a unique question id, "same" is already declared at ballots/a.yaml:2' }])
  })

  it("reports every label missing in a locale at its line, for kit check", () => {
    const text = `questions:
  - id: q
    block: vote-1
    type: single
    collect: ballot
    label: { en: "Q", fr: "Q" }
    options:
      - { id: a, label: { en: A, fr: A } }
      - { id: b, label: { en: B } }
`
    const sources = [{ file: "ballots/q.yaml", text }]
    const problems = ballotCoverage(decodeBallots(sources, dialogue), sources, ["en", "fr"])
    expect(problems).toEqual([{ file: "ballots/q.yaml", line: 9, field: "q.options.1.label.fr", message: 'the option "b" of "q" has no fr label' }])
  })
})
