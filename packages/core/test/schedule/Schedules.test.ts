// The schedule's workflows on both databases: plan the day for the registered sites, store it, read it back, tell when it is stale.
import { beforeEach, describe, expect, it } from "vitest"
import { importRegistryFile } from "../../src/registries/Registries.js"
import { PlanRepo } from "../../src/schedule/PlanRepo.js"
import { latestPlan, planSchedule, scheduleCsv, scheduleJson, tzWarning } from "../../src/schedule/Schedules.js"
import { tzInUse } from "../../src/infra/TzData.js"
import * as Effect from "effect/Effect"
import { failWith, type OpenTestDatabase, runWith, testDatabases } from "../support/databases.js"
import { dialogue, sitesCsv, useRegistryFixture } from "../support/registry-fixtures.js"

describe.each(testDatabases)("the schedule on $name", (testDb) => {
  const { current, file, importAll } = useRegistryFixture(testDb)
  let shape: OpenTestDatabase
  beforeEach(() => void (shape = current()))

  it("plans the day, stores the plan and reads the latest back", async () => {
    expect((await failWith(shape, planSchedule(dialogue)))._tag).toBe("InputError")
    expect((await failWith(shape, latestPlan()))._tag).toBe("NotFound")
    await importAll()
    const { plan, mirrorLeftOut } = await runWith(shape, planSchedule(dialogue))
    expect(mirrorLeftOut).toBe(0)
    expect(plan.sites.map((s) => s.id)).toEqual(["np-kathmandu", "sn-dakar", "sn-thies"])
    expect(plan.sites[0]!.blocks[0]).toMatchObject({ start_local: "2027-05-15T09:00", start_utc: "2027-05-15T03:15:00Z", utc_offset: "+05:45" })
    const tz = tzInUse()
    expect(await runWith(shape, latestPlan(dialogue))).toEqual({ plan, stale: false, tz, newerTz: undefined, computedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) })
    const csv = scheduleCsv(plan)
    expect(csv.split("\n")).toHaveLength(1 + 3 * dialogue.agenda.length + 1)
    // a changed site makes the stored plan stale; a mirror site is left out of the day
    await runWith(shape, importRegistryFile("sites", await file("sites3.csv", sitesCsv.replace(",80,in-person,", ",80,mirror,"))))
    expect((await runWith(shape, latestPlan(dialogue))).stale).toBe(true)
    const again = await runWith(shape, planSchedule(dialogue))
    expect(again.mirrorLeftOut).toBe(1)
    expect(again.plan.sites.map((s) => s.id)).toEqual(["sn-dakar", "sn-thies"])
    expect((await runWith(shape, latestPlan(dialogue))).stale).toBe(false)
    expect((await runWith(shape, planSchedule(dialogue, { includeMirror: true }))).plan.sites).toHaveLength(3)
  })

  it("records the tz release a plan was made with, and tells when a newer one is available", async () => {
    await importAll()
    const { plan, tz } = await runWith(shape, planSchedule(dialogue))
    expect(tz).toEqual(tzInUse())
    const latest = await runWith(shape, latestPlan(dialogue))
    expect(latest.tz).toEqual(tz)
    expect(latest.newerTz).toBeUndefined()
    expect(tzWarning(latest.tz, latest.newerTz)).toBeUndefined()
    expect(JSON.parse(scheduleJson(plan, latest.tz)).tz).toEqual({ version: tz.version, source: tz.source })
    // a plan made with an older release (or stored before releases were recorded) is flagged
    for (const old of [{ version: "2020a", source: "moment-timezone 0.5.0" }, undefined]) {
      await runWith(shape, PlanRepo.use((repo) => repo.store({ plan, inputsHash: "x", includeMirror: false, tz: old })).pipe(Effect.asVoid))
      const stored = await runWith(shape, latestPlan())
      expect(stored.tz).toEqual(old)
      expect(stored.newerTz).toEqual(tz)
      expect(tzWarning(stored.tz, stored.newerTz)).toBe(
        `The plan was made with ${old === undefined ? "tz data of an unrecorded release" : "tz 2020a (moment-timezone 0.5.0)"}; tz ${tz.version} (${tz.source}) is available now and may move some sites' times. Run \`convene schedule plan\` again.`
      )
    }
  })

})
