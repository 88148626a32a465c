import { describe, expect, it } from "vitest"
import { defaultMilestones, defaultPhases } from "../../src/domain/Defaults.js"
import type { Milestone, Phase } from "../../src/domain/Dialogue.js"
import { milestoneState, phaseOn, readiness } from "../../src/domain/Timeline.js"

const phase = (id: string, start: string, end: string) => ({ id, title: id, start, end }) as Phase

describe("phaseOn", () => {
  const phases = [phase("a", "2027-01-01", "2027-01-31"), phase("b", "2027-01-20", "2027-02-10"), phase("c", "2027-03-01", "2027-03-01")]
  it.each([
    ["2026-12-31", "Before", undefined],
    ["2027-01-01", "In", "a"],
    ["2027-01-25", "In", "b"], // overlapping: the one that started last
    ["2027-02-10", "In", "b"],
    ["2027-02-11", "Between", undefined],
    ["2027-03-01", "In", "c"],
    ["2027-03-02", "After", undefined]
  ])("on %s is %s %s", (asOf, tag, id) => {
    const p = phaseOn(phases, asOf)
    expect(p._tag).toBe(tag)
    if (p._tag === "In") expect(p.phase.id).toBe(id)
  })
  it("handles no phases", () => expect(phaseOn([], "2027-01-01")._tag).toBe("NoPhases"))
})

describe("readiness", () => {
  const milestones = [
    { id: "m1", title: "M1", due: "2027-03-01" },
    { id: "m2", title: "M2", due: "2027-04-01" }
  ] as Array<Milestone>
  const sites = [
    { id: "s1", country: "SN" },
    { id: "s2", country: "SN" },
    { id: "s3", country: "IN" }
  ]
  it("counts done, due and overdue per site, milestone and country", () => {
    const r = readiness(sites, milestones, [{ site_id: "s1", milestone_id: "m1", done_on: "2027-02-01" }], "2027-03-15")
    expect(r.sites.map((s) => [s.site, s.done, s.due, s.overdue])).toEqual([
      ["s1", 1, 1, 0],
      ["s2", 0, 1, 1],
      ["s3", 0, 1, 1]
    ])
    expect(r.countries).toEqual([
      { country: "IN", sites: 1, on_track: 0, done: 0, due: 1, overdue: 1 },
      { country: "SN", sites: 2, on_track: 1, done: 1, due: 2, overdue: 1 }
    ])
    expect(r.milestones.map((m) => [m.id, m.done, m.due_count, m.overdue])).toEqual([
      ["m1", 1, 0, 2],
      ["m2", 0, 3, 0]
    ])
    expect(r.totals).toEqual({ done: 1, due: 3, overdue: 2, sites: 3, on_track: 1 })
  })
  it("a milestone due today is due, not overdue", () => {
    expect(milestoneState(milestones[0]!, undefined, "2027-03-01")).toBe("due")
    expect(milestoneState(milestones[0]!, undefined, "2027-03-02")).toBe("overdue")
    expect(milestoneState(milestones[0]!, "2027-03-05", "2027-03-09")).toBe("done")
  })
})

describe("default timeline", () => {
  it("lays the eight phases and nine milestones around the day, in order", () => {
    const phases = defaultPhases("2027-05-15")
    expect(phases).toHaveLength(8)
    expect(phases.find((p) => p.id === "deliberation-day")).toMatchObject({ start: "2027-05-15", end: "2027-05-15" })
    expect(phases.every((p) => p.start <= p.end)).toBe(true)
    const milestones = defaultMilestones("2027-05-15")
    expect(milestones.map((m) => m.id)).toContain("post-survey-closed")
    expect(milestones.find((m) => m.id === "deliberation-held")!.due).toBe("2027-05-15")
  })
})
