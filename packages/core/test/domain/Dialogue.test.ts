import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { decodeDialogueYaml } from "../../src/domain/Dialogue.js"
import { problemsIn } from "../support/problems.js"

const root = join(import.meta.dirname, "..", "..", "..", "..")
const example = readFileSync(join(root, "examples", "we-the-internet", "convene.yaml"), "utf8")

const problemsOf = (text: string): Array<string> => problemsIn(() => decodeDialogueYaml(text, "convene.yaml"))

describe("decodeDialogueYaml", () => {
  it("decodes the bundled example", () => {
    const d = decodeDialogueYaml(example, "convene.yaml")
    expect(d.id).toBe("we-the-internet")
    expect(d.deliberation_day.date).toBe("2027-05-15")
    expect(d.timeline.phases.map((p) => p.id)).toEqual([
      "coalition-building",
      "debate-design",
      "onboarding",
      "deliberation-day",
      "mirror-dialogues",
      "results",
      "dissemination",
      "sustainability"
    ])
    expect(d.timeline.milestones).toHaveLength(9)
  })

  it("names the line and path of a bad date", () => {
    const bad = example.replace("date: 2027-05-15", "date: 2027-02-30")
    const line = example.split("\n").findIndex((l) => l.includes("date: 2027-05-15")) + 1
    expect(problemsOf(bad)).toEqual([`convene.yaml:${line}: deliberation_day.date: expected a calendar date YYYY-MM-DD, got "2027-02-30"`])
  })

  it("reports a phase that ends before it starts, and a repeated milestone id", () => {
    const bad = example
      .replace("start: 2027-05-15, end: 2027-05-15", "start: 2027-05-15, end: 2027-05-01")
      .replace("id: venue-booked", "id: fellow-onboarded")
    const problems = problemsOf(bad)
    expect(problems).toHaveLength(2)
    expect(problems[0]).toMatch(/^convene\.yaml:\d+: timeline\.phases\.3\.end: expected a date on or after start \(2027-05-15\)$/)
    expect(problems[1]).toMatch(/^convene\.yaml:\d+: timeline\.milestones\.1\.id: expected a unique milestone id/)
  })

  it("reports YAML syntax errors with their line", () => {
    expect(problemsOf("id: x\ntitle: [unclosed\n")[0]).toMatch(/^convene\.yaml:\d+:\d+: /)
  })

  it("reports an agenda longer than 24 hours, and an empty one", () => {
    const long = example.replace("minutes: 75, kind: table-discussion }", "minutes: 720, kind: table-discussion }").replace("minutes: 60, kind: break }", "minutes: 720, kind: break }")
    expect(problemsOf(long)).toEqual([expect.stringMatching(/^convene\.yaml:\d+: agenda: expected an agenda of at most 24 hours, got \d+ h/)])
    const empty = example.replace(/^agenda:[\s\S]*?^sync_moments:/m, "agenda: []\n\nsync_moments:")
    expect(problemsOf(empty)).toEqual([expect.stringMatching(/^convene\.yaml:\d+: agenda: expected at least one agenda block$/)])
  })

  it("reports a missing section", () => {
    const bad = example.replace(/^agenda:[\s\S]*?^sync_moments:/m, "sync_moments:")
    expect(problemsOf(bad)).toEqual([expect.stringMatching(/^convene\.yaml:\d+: agenda: expected a value \(required\)$/)])
  })
})
