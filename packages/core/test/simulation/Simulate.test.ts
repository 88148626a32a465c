// Simulated surveys on every test database: simulated participants registered through the
// registry import, answers stored as real ones, nothing duplicated on a second run, and the
// same seed storing the same answers.
import { existsSync } from "node:fs"
import { join } from "node:path"
import { beforeEach, describe, expect, it } from "vitest"
import type { InputError } from "../../src/domain/Errors.js"
import type { Instrument } from "../../src/domain/Instrument.js"
import { simulateAnswers } from "../../src/domain/Simulation.js"
import { simulateSurvey } from "../../src/simulation/Simulate.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { failWith, type OpenTestDatabase, runWith, testDatabases, truncateAll, useTestDatabase } from "../support/databases.js"
import { registerWorkspace, surveyWorkspace } from "../support/survey-workspace.js"

describe.each(testDatabases)("survey simulate on $name", (testDb) => {
  const db = useTestDatabase(testDb)
  let shape: OpenTestDatabase
  let ws: Workspace
  let instrument: Instrument
  const register = async () => {
    await registerWorkspace(shape, ws)
  }
  beforeEach(async () => {
    shape = db()
    await truncateAll(shape)
    ;({ ws, instrument } = await surveyWorkspace())
    await register()
  })

  const stored = async () => {
    const rows = await shape.db.selectFrom("survey_responses").select(["participant_id", "wave", "source", "answers", "instrument_version"]).orderBy("participant_id").orderBy("wave").execute()
    return rows.map((r) => ({ ...r, answers: typeof r.answers === "string" ? JSON.parse(r.answers) : r.answers }))
  }

  it("registers the missing participants by capacity and stores their answers as real ones", async () => {
    const progress: Array<string> = []
    const summary = await runWith(shape, simulateSurvey(ws, { seed: 1, participants: 500, onProgress: (done, total, step) => progress.push(`${step} ${done}/${total}`) }))
    expect(summary).toMatchObject({ simulated: true, instrument: "evaluation", seed: 1, waves: ["pre", "post", "followup"], participants: 500, registered: 492 })
    expect(progress.at(-1)).toBe("answering 500/500")
    expect(existsSync(join(ws.dir, "out", "simulate", "participants.csv"))).toBe(true)

    const sim = await shape.db.selectFrom("participants").selectAll().where("id", "like", "sim-%").execute()
    expect(sim).toHaveLength(492)
    expect(sim.every((p) => p.email === null && p.code.length === 8 && p.gender !== null)).toBe(true)
    const codes = await shape.db.selectFrom("participants").select("code").execute()
    expect(new Set(codes.map((c) => c.code)).size).toBe(500)
    // spread by capacity: London 120 seats, Apia 40
    const at = (site: string) => sim.filter((p) => p.site_id === site).length
    expect(at("gb-london")).toBeGreaterThan(2.5 * at("ws-apia"))

    // the counts returned are the rows stored, per wave and source
    const rows = await stored()
    for (const wave of ["pre", "post", "followup"] as const) {
      const c = summary.responses[wave]!
      const inWave = rows.filter((r) => r.wave === wave)
      expect(c.total).toBe(inWave.length)
      for (const source of ["web", "paper", "kobo"] as const) expect(c[source]).toBe(inWave.filter((r) => r.source === source).length)
      expect(c.skippedExisting).toBe(0)
    }
    expect(summary.responses.pre!.total).toBeGreaterThan(380)
    expect(summary.responses.post!.total).toBeLessThan(summary.responses.pre!.total)
    expect(summary.answers).toBe(rows.reduce((n, r) => n + Object.keys(r.answers).length, 0))
    expect(summary.effects.some((e) => e.role === "knowledge" && e.post > 0)).toBe(true)

    // what is stored is exactly what the pure simulation gives for these participants
    const people = await shape.db.selectFrom("participants as p").innerJoin("sites as s", "s.id", "p.site_id").select(["p.id", "p.site_id", "s.country", "s.format", "p.locale", "s.locale as site_locale", "p.education"]).orderBy("p.id").execute()
    const expected = simulateAnswers(instrument, people.map((p) => ({ ...p, locale: p.locale ?? p.site_locale })), { seed: 1, waves: ["pre", "post", "followup"] })
    expect(rows.map((r) => ({ participant_id: r.participant_id, wave: r.wave, source: r.source, answers: r.answers }))).toEqual(
      expected.map((r) => ({ participant_id: r.participant_id, wave: r.wave, source: r.source, answers: r.answers })).sort((a, b) => (a.participant_id < b.participant_id ? -1 : a.participant_id > b.participant_id ? 1 : a.wave < b.wave ? -1 : 1))
    )
  })

  it("adds nothing when run again, and skips those who already answered", async () => {
    const first = await runWith(shape, simulateSurvey(ws, { seed: 1, participants: 500 }))
    const before = await stored()
    const again = await runWith(shape, simulateSurvey(ws, { seed: 1, participants: 500 }))
    expect(again.registered).toBe(0)
    expect(again.responses.pre).toMatchObject({ total: 0, skippedExisting: first.responses.pre!.total })
    expect(again.responses.post).toMatchObject({ total: 0, skippedExisting: first.responses.post!.total })
    expect(await stored()).toEqual(before)
    // more participants: only the new ones are registered and answer
    const more = await runWith(shape, simulateSurvey(ws, { seed: 1, participants: 600, waves: ["pre"] }))
    expect(more.registered).toBe(100)
    expect(more.waves).toEqual(["pre"])
    expect(more.responses.pre!.skippedExisting).toBe(first.responses.pre!.total)
    expect(more.responses.post).toBeUndefined()
    const ids = await shape.db.selectFrom("participants").select("id").where("id", "like", "sim-gb-london-%").orderBy("id").execute()
    expect(ids.map((i) => i.id)).toContain(`sim-gb-london-${String(ids.length).padStart(5, "0")}`)
  })

  it("stores the same answers and codes for the same seed on the same registry, others for another seed", async () => {
    const snapshot = async (seed: number) => {
      await truncateAll(shape)
      await register()
      await runWith(shape, simulateSurvey(ws, { seed, participants: 300 }))
      const codes = await shape.db.selectFrom("participants").select(["id", "code"]).orderBy("id").execute()
      return { codes, rows: (await stored()).map(({ participant_id, wave, source, answers }) => ({ participant_id, wave, source, answers })) }
    }
    const a = await snapshot(5)
    const b = await snapshot(5)
    expect(b).toEqual(a)
    const c = await snapshot(6)
    expect(c.rows).not.toEqual(a.rows)
    expect(c.codes).not.toEqual(a.codes)
  })

  it("refuses an unknown wave or instrument, and a bad count, naming them", async () => {
    const wave = await failWith(shape, simulateSurvey(ws, { seed: 1, waves: ["during"] })) as InputError
    expect(wave.message).toContain('No wave "during"')
    const inst = await failWith(shape, simulateSurvey(ws, { seed: 1, instrument: "nope" })) as InputError
    expect(inst.message).toContain('No instrument "nope"')
    const count = await failWith(shape, simulateSurvey(ws, { seed: 1, participants: 2.5 })) as InputError
    expect(count.message).toContain("--participants")
    expect(await stored()).toEqual([])
  })
})
