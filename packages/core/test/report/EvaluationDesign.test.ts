// The evaluation design (issue 18, sections 1 and 2): Welch's difference of means against a case
// computed by hand; the difference-in-differences of a panel against a control group (role
// control) from answers whose changes are known; every wave pair (pre→post, pre→followup,
// post→followup) with ties and attrition; and the simulation's flat control.
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { decodeInstrumentYaml } from "../../src/domain/Instrument.js"
import type { DiffInDiff, PairedResult } from "../../src/domain/Report.js"
import { wavePairs } from "../../src/domain/Report.js"
import { welchDifference } from "../../src/domain/Stats.js"
import { importRegistryFile } from "../../src/registries/Registries.js"
import { surveyReport } from "../../src/report/SurveyReport.js"
import { reportCsv, reportHtml } from "../../src/report/SurveyReportOutput.js"
import { simulateSurvey } from "../../src/simulation/Simulate.js"
import { storeResponses } from "../../src/surveys/Surveys.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { runWith, testDatabases, truncateAll } from "../support/databases.js"
import { kitWorkspace } from "../support/kit-workspace.js"

describe("Welch's difference of two means", () => {
  it("matches a case computed by hand: equal variances and sizes give df = 2(n − 1)", () => {
    // a = 1..5 (mean 3, variance 2.5), b = −1..3 (mean 1, variance 2.5): se = √(2.5/5 + 2.5/5) = 1,
    // df = (0.5 + 0.5)² / (0.5²/4 + 0.5²/4) = 8, t = 2; t(0.975, 8) = 2.306004 (a printed table),
    // two-sided p(|T8| > 2) = 0.0805
    const w = welchDifference({ n: 5, mean: 3, sd: Math.sqrt(2.5) }, { n: 5, mean: 1, sd: Math.sqrt(2.5) })!
    expect(w.diff).toBe(2)
    expect(w.se).toBeCloseTo(1, 12)
    expect(w.df).toBeCloseTo(8, 12)
    expect(w.t).toBeCloseTo(2, 12)
    expect(w.ci95[0]).toBeCloseTo(2 - 2.306004, 5)
    expect(w.ci95[1]).toBeCloseTo(2 + 2.306004, 5)
    expect(w.p).toBeCloseTo(0.0805, 4)
  })

  it("uses the Welch–Satterthwaite df with unequal variances, and refuses what it cannot compute", () => {
    // a = 1..5 (variance 2.5, n 5), b = 2, 2, 3, 3 (variance 1/3, n 4): va = 0.5, vb = 1/12,
    // se² = 7/12, df = (7/12)² / (0.5²/4 + (1/12)²/3) = 5.25 exactly
    const w = welchDifference({ n: 5, mean: 3, sd: Math.sqrt(2.5) }, { n: 4, mean: 2.5, sd: Math.sqrt(1 / 3) })!
    expect(w.se).toBeCloseTo(Math.sqrt(7 / 12), 12)
    expect(w.df).toBeCloseTo(5.25, 12)
    expect(w.t).toBeCloseTo(0.5 / Math.sqrt(7 / 12), 12)
    expect(welchDifference({ n: 1, mean: 3, sd: 0 }, { n: 4, mean: 2, sd: 1 })).toBeNull()
    expect(welchDifference({ n: 5, mean: 3, sd: 0 }, { n: 4, mean: 2, sd: 0 })).toBeNull()
  })

  it("lists every wave pair in order", () => {
    expect(wavePairs(["pre", "post", "followup"])).toEqual([["pre", "post"], ["pre", "followup"], ["post", "followup"]])
    expect(wavePairs(["pre", "post"])).toEqual([["pre", "post"]])
  })
})

const instrumentYaml = `id: mini
version: 1
locales: [en]
title: { en: "Mini evaluation" }
questions:
  - { id: trust, type: scale, required: true, waves: [pre, post, followup], label: { en: "Trust" } }
  - id: k1
    type: knowledge
    waves: [pre, post]
    label: { en: "K1" }
    options: [{ id: a, label: { en: "A" } }, { id: b, label: { en: "B" } }]
    correct: b
`

// London: 6 panel, 6 control. Trust, pre 5 for everyone.
//   panel post 5 + [1, 2, 1, 2, 1, 2] (changes mean 1.5, variance 0.3)
//   control post 5 + [0, 1, 0, 0, −1, 0] (changes mean 0, variance 0.4)
// k1: panel wrong → right for 4 of 6 (changes +1 ×4, 0 ×2), control right → wrong for 1 (−1 ×1, 0 ×5)
// followup (trust): panel p0..p4 answer (p5 drops out), 5 + [1, 1, 0, 1, 0]; p6 answered pre and
//   followup but not post (counted in pre→followup only); control c0..c5 all answer, 5 + [0, 0, 0, 0, 0, 1]
const panel = ["p0", "p1", "p2", "p3", "p4", "p5"]
const controls = ["c0", "c1", "c2", "c3", "c4", "c5"]
const participantsCsv = [
  "id,site_id,code,locale,email,gender,age_band,education,residence,role",
  ...[...panel, "p6"].map((id, i) => `${id},gb-london,PANEL${String(i).padStart(3, "0")},,,woman,25-34,secondary,urban,`),
  ...controls.map((id, i) => `${id},gb-london,CTRL${String(i).padStart(4, "0")},,,man,25-34,secondary,urban,control`)
].join("\n") + "\n"

describe.each(testDatabases)("the evaluation design on $name", (testDb) => {
  let shape: Awaited<ReturnType<typeof testDb.open>>
  let ws: Workspace
  beforeAll(async () => {
    shape = await testDb.open()
    await truncateAll(shape)
    // the example dialogue declares the three waves: pre, post and followup
    ws = await kitWorkspace({ "surveys/mini.yaml": instrumentYaml, "participants.csv": participantsCsv })
    expect(ws.dialogue.evaluation.waves.map((w) => w.id)).toEqual(["pre", "post", "followup"])
    for (const r of ["fellows", "sites", "participants"] as const) await runWith(shape, importRegistryFile(r, join(ws.dir, `${r}.csv`)))
    const instrument = decodeInstrumentYaml(instrumentYaml, "mini.yaml")
    const store = (wave: "pre" | "post" | "followup", rows: ReadonlyArray<{ participant_id: string; answers: Record<string, unknown> }>) =>
      runWith(shape, storeResponses(instrument, wave, "paper", rows as never))
    await store("pre", [...panel, "p6", ...controls].map((id, i) => ({ participant_id: id, answers: { trust: 5, k1: id.startsWith("p") ? "a" : i === 7 ? "b" : "a" } })))
    const panelTrust = [1, 2, 1, 2, 1, 2]
    const controlTrust = [0, 1, 0, 0, -1, 0]
    await store("post", [
      ...panel.map((id, i) => ({ participant_id: id, answers: { trust: 5 + panelTrust[i]!, k1: i < 4 ? "b" : "a" } })),
      ...controls.map((id, i) => ({ participant_id: id, answers: { trust: 5 + controlTrust[i]!, k1: "a" } }))
    ])
    await store("followup", [
      ...["p0", "p1", "p2", "p3", "p4"].map((id, i) => ({ participant_id: id, answers: { trust: 5 + [1, 1, 0, 1, 0][i]! } })),
      { participant_id: "p6", answers: { trust: 7 } },
      ...controls.map((id, i) => ({ participant_id: id, answers: { trust: i === 5 ? 6 : 5 } }))
    ])
  })
  afterAll(async () => shape?.dispose())

  it("reports the control group apart and the difference-in-differences with Welch's interval", async () => {
    const report = await runWith(shape, surveyReport(ws, { instrument: "mini" }))
    expect(report.pools.map((p) => p.pool)).toEqual(["main", "control"])
    const mainAll = report.pools[0]!.groups.find((g) => g.key === "all")!
    const controlAll = report.pools[1]!.groups.find((g) => g.key === "all")!
    // the control group is not in the panel's counts
    expect(mainAll.response.waves["pre"]).toMatchObject({ registered: 7, answered: 7 })
    expect(controlAll.response.waves["pre"]).toMatchObject({ registered: 6, answered: 6 })
    const did = report.did!.find((g) => g.key === "all")!
    const trust = did.questions.find((q) => q.question === "trust") as DiffInDiff
    expect(trust.panel).toEqual({ n: 6, change: 1.5 })
    expect(trust.control).toEqual({ n: 6, change: 0 })
    expect(trust.did).toBe(1.5)
    // by hand: se = √(0.3/6 + 0.4/6), df = se⁴ / ((0.3/6)²/5 + (0.4/6)²/5) = 9.8
    const se = Math.sqrt(0.3 / 6 + 0.4 / 6)
    expect(trust.welch!.se).toBeCloseTo(se, 12)
    expect(trust.welch!.df).toBeCloseTo(9.8, 10)
    // t(0.975, 9.8) lies between t(0.975, 10) = 2.228 and t(0.975, 9) = 2.262 (a printed table)
    const half = (trust.welch!.ci95[1] - trust.welch!.ci95[0]) / 2
    expect(half / se).toBeGreaterThan(2.228)
    expect(half / se).toBeLessThan(2.262)
    // k1 (binary): panel +4/6, control −1/6 → 5/6
    const k1 = did.questions.find((q) => q.question === "k1") as DiffInDiff
    expect(k1.measure).toBe("binary_change")
    expect(k1.panel.change).toBeCloseTo(4 / 6, 12)
    expect(k1.control.change).toBeCloseTo(-1 / 6, 12)
    expect(k1.did).toBeCloseTo(5 / 6, 12)
    // the knowledge index (one item): the same changes
    expect((did.questions.find((q) => q.question === "knowledge_index") as DiffInDiff).did).toBeCloseTo(5 / 6, 12)
    expect(report.methods).toContain("difference-in-differences")

    const csv = reportCsv(report)
    expect(csv).toContain("did,all,all,All participants,trust,did,pre-post,did,mean_change,1.5,")
    expect(await reportHtml(report)).toContain("Difference-in-differences (pre → post)")
  })

  it("analyses every wave pair, with attrition and ties", async () => {
    const report = await runWith(shape, surveyReport(ws, { instrument: "mini" }))
    expect(report.otherPairs!.map((p) => p.waves)).toEqual([["pre", "followup"], ["post", "followup"]])
    const [preFollow, postFollow] = report.otherPairs!
    const all = (pair: typeof preFollow, pool: string) => pair!.pools.find((p) => p.pool === pool)!.groups.find((g) => g.key === "all")!
    // pre → followup: p0..p4 and p6 (who skipped post); changes 1, 1, 0, 1, 0, 2 (two ties at 0)
    const pf = all(preFollow, "main").questions.find((q) => q.id === "trust")!.paired as PairedResult
    expect(all(preFollow, "main").paired).toBe(6)
    expect(pf.n).toBe(6)
    expect(pf.meanChange).toBeCloseTo(5 / 6, 12)
    expect(pf.wilcoxon.zeros).toBe(2)
    // post → followup: p0..p4 only; 6−6, 7−6, 6−5, 7−6, 6−5 = 0, −1, −1, −1, −1 … the effect fades
    const po = all(postFollow, "main").questions.find((q) => q.id === "trust")!.paired as PairedResult
    expect(po.n).toBe(5)
    expect(po.meanChange).toBeCloseTo((0 - 1 + -1 + -1 + -1) / 5, 12)
    // k1 is not asked at the followup: not in those pairs
    expect(all(preFollow, "main").questions.map((q) => q.id)).not.toContain("k1")
    // the control group's own pairs, and the pair's difference-in-differences
    const cf = all(preFollow, "control").questions.find((q) => q.id === "trust")!.paired as PairedResult
    expect(cf.meanChange).toBeCloseTo(1 / 6, 12)
    const did = preFollow!.did!.find((g) => g.key === "all")!.questions.find((q) => q.question === "trust") as DiffInDiff
    expect(did.did).toBeCloseTo(5 / 6 - 1 / 6, 12)
    expect(reportCsv(report)).toContain("main,all,all,All participants,trust,scale,pre-followup,mean_change,,0.833333,6")
  })
})

describe.each(testDatabases)("a simulated control group on $name", (testDb) => {
  let shape: Awaited<ReturnType<typeof testDb.open>>
  beforeAll(async () => {
    shape = await testDb.open()
    await truncateAll(shape)
  })
  afterAll(async () => shape?.dispose())

  it("has no effect built in, so the difference-in-differences recovers the panel's", async () => {
    const { readFile } = await import("node:fs/promises")
    const { exampleDir } = await import("../support/kit-workspace.js")
    const ws = await kitWorkspace({ "surveys/evaluation.yaml": await readFile(join(exampleDir, "surveys", "evaluation.yaml"), "utf8"), "participants.csv": "id,site_id,code,locale,email,gender,age_band,education,residence\n" })
    for (const r of ["fellows", "sites"] as const) await runWith(shape, importRegistryFile(r, join(ws.dir, `${r}.csv`)))
    const summary = await runWith(shape, simulateSurvey(ws, { seed: 3, participants: 3000, controlShare: 0.4 }))
    const controlCount = await shape.db.selectFrom("participants").select((eb) => eb.fn.countAll<string>().as("n")).where("role", "=", "control").executeTakeFirstOrThrow()
    expect(Number(controlCount.n)).toBeGreaterThan(1000)
    expect(Number(controlCount.n)).toBeLessThan(1400)
    const report = await runWith(shape, surveyReport(ws))
    const did = report.did!.find((g) => g.key === "all")!
    const efficacy = summary.effects.find((e) => e.question === "efficacy-understand")!
    const q = did.questions.find((x) => x.question === "efficacy-understand") as DiffInDiff
    // the control's change is about zero; the difference is the built-in effect, inside its interval
    expect(Math.abs(q.control.change)).toBeLessThan(0.15)
    expect(q.welch!.ci95[0]).toBeLessThan(efficacy.post)
    expect(q.welch!.ci95[1]).toBeGreaterThan(efficacy.post)
  }, 120_000)
})
