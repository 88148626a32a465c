// The timeline's workflows on both databases: milestones recorded at sites, readiness per site and country.
import { beforeEach, describe, expect, it } from "vitest"
import { recordMilestone, timelineStatus } from "../../src/timeline/Timeline.js"
import { failWith, type OpenTestDatabase, runWith, testDatabases } from "../support/databases.js"
import { dialogue, useRegistryFixture } from "../support/registry-fixtures.js"

describe.each(testDatabases)("the timeline on $name", (testDb) => {
  const { current, file, importAll } = useRegistryFixture(testDb)
  let shape: OpenTestDatabase
  beforeEach(() => void (shape = current()))

  it("records milestones and computes readiness per site and country", async () => {
    await importAll()
    await runWith(shape, recordMilestone(dialogue, { milestone: "fellow-onboarded", sites: ["sn-dakar", "np-kathmandu"], on: "2027-02-01" }))
    await runWith(shape, recordMilestone(dialogue, { milestone: "venue-booked", sites: ["sn-dakar"], on: "2027-03-01" }))
    expect((await failWith(shape, recordMilestone(dialogue, { milestone: "venue-booked", sites: ["sn-dakar", "nowhere"], on: "2027-03-01" })))._tag).toBe("NotFound")
    expect((await failWith(shape, recordMilestone(dialogue, { milestone: "party", sites: ["sn-dakar"], on: "2027-03-01" })))._tag).toBe("InputError")
    const status = await runWith(shape, timelineStatus(dialogue, "2027-04-01"))
    expect(status.sites.map((s) => [s.site, s.done, s.overdue])).toEqual([
      ["np-kathmandu", 1, 1],
      ["sn-dakar", 2, 0],
      ["sn-thies", 0, 2]
    ])
    expect(status.countries.map((c) => [c.country, c.sites, c.on_track])).toEqual([
      ["NP", 1, 0],
      ["SN", 2, 1]
    ])
    await runWith(shape, recordMilestone(dialogue, { milestone: "venue-booked", sites: ["sn-dakar"], on: "2027-03-01", undo: true }))
    expect((await runWith(shape, timelineStatus(dialogue, "2027-04-01"))).sites[1]!.done).toBe(1)
  })

})
