// Representativeness (issue 18, section 3): the census against the registered panel and each
// wave's respondents, per feature value, with the ratio, the post-stratification weight and the
// under-represented flag computed by hand; small counts suppressed with a second count where one
// alone would be given away; and the section from the database, the control group left out.
import { writeFile } from "node:fs/promises"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { decodeInstrumentYaml } from "../../src/domain/Instrument.js"
import { hiddenValues, sampleReport, UNDER_REPRESENTED_RATIO, WEIGHT_CAP, weightedEstimates } from "../../src/domain/Representativeness.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { importRegistryFile } from "../../src/registries/Registries.js"
import { surveySample } from "../../src/report/SampleReport.js"
import { surveyReport } from "../../src/report/SurveyReport.js"
import { storeResponses } from "../../src/surveys/Surveys.js"
import { runWith, testDatabases, truncateAll } from "../support/databases.js"
import { kitWorkspace } from "../support/kit-workspace.js"

describe("the representativeness of the respondents", () => {
  it("suppresses counts under the threshold, and a second one where one alone would be given away", () => {
    expect([...hiddenValues(new Map([["a", 10], ["b", 3], ["c", 20]]), 5)].sort()).toEqual(["a", "b"])
    expect([...hiddenValues(new Map([["a", 10], ["b", 3], ["c", 2]]), 5)].sort()).toEqual(["b", "c"])
    expect([...hiddenValues(new Map([["a", 10], ["b", 0], ["c", 20]]), 5)]).toEqual([])
  })

  it("compares the census, the panel and each wave, with ratios, weights and flags computed by hand", () => {
    // census: women 50 %, men 50 %; registered 60 women, 40 men; pre respondents 30 women, 45 men
    const sample = sampleReport({
      groups: [{
        key: "all",
        label: "All participants",
        scopes: ["all"],
        registered: new Map([["gender", new Map([["woman", 60], ["man", 40]])]]),
        answered: new Map([["gender", new Map([["pre", new Map([["woman", 30], ["man", 45]])]])]])
      }],
      census: [{ scope: "all", feature: "gender", value: "woman", share: 0.5, line: 2 }, { scope: "all", feature: "gender", value: "man", share: 0.5, line: 2 }],
      censusFile: "census.csv",
      features: ["gender"],
      waves: ["pre"],
      codebook: undefined,
      locale: "en",
      threshold: 5
    })
    // without a codebook the values come in alphabetical order
    expect(sample.groups[0]!.rows.map((r) => r.value)).toEqual(["man", "woman"])
    const [man, woman] = sample.groups[0]!.rows
    expect(woman).toMatchObject({ value: "woman", census: 0.5, registered: { n: 60, share: 0.6 }, waves: { pre: { n: 30, share: 0.4 } } })
    // 0.4 / 0.5 = 0.8: not below the threshold ratio; the weight 0.5 / 0.4 = 1.25
    expect(woman!.ratio["pre"]).toBeCloseTo(0.8, 12)
    expect(woman!.weight["pre"]).toBeCloseTo(1.25, 12)
    expect(woman!.under).toEqual([])
    expect(man!.ratio["pre"]).toBeCloseTo(0.6 / 0.5, 12)
    expect(man!.weight["pre"]).toBeCloseTo(0.5 / 0.6, 12)
    expect(UNDER_REPRESENTED_RATIO).toBe(0.8)
    expect(sample.groups[0]!.totals).toEqual({ registered: 100, waves: { pre: 75 } })
  })

  it("flags a value below 0.8 of its census share, caps the weights, and keeps a value nobody has", () => {
    const sample = sampleReport({
      groups: [{ key: "all", label: "All", scopes: ["SN", "all"], registered: new Map(), answered: new Map([["residence", new Map([["pre", new Map([["urban", 95], ["rural", 5]])]])]]) }],
      census: [{ scope: "SN", feature: "residence", value: "urban", share: 0.5, line: 2 }, { scope: "SN", feature: "residence", value: "rural", share: 0.45, line: 2 }, { scope: "SN", feature: "residence", value: "nomadic", share: 0.05, line: 2 }, { scope: "all", feature: "residence", value: "urban", share: 0.6, line: 2 }],
      censusFile: "census.csv",
      features: ["residence"],
      waves: ["pre"],
      codebook: [{ id: "residence", values: [{ id: "urban" }, { id: "rural" }, { id: "nomadic" }] }] as never,
      locale: "en",
      threshold: 5
    })
    const g = sample.groups[0]!
    // Senegal's own rows are used, not the world's
    expect(g.scope).toBe("SN")
    const rows = new Map(g.rows.map((r) => [r.value, r]))
    // rural: 5 % against 45 %: a ratio of 0.11, flagged; the weight 9 is capped
    expect(rows.get("rural")!.ratio["pre"]).toBeCloseTo(0.05 / 0.45, 12)
    expect(rows.get("rural")!.under).toEqual(["pre"])
    expect(rows.get("rural")!.weight["pre"]).toBe(WEIGHT_CAP)
    // nomadic: in the census, nobody answered: flagged, no weight
    expect(rows.get("nomadic")).toMatchObject({ waves: { pre: { n: 0, share: 0 } }, under: ["pre"], weight: { pre: null } })
  })
})

describe("post-stratified estimates", () => {
  it("weights each respondent by their value's weight, computed by hand", () => {
    // pre: women (weight 1.25) answer 4 twice and yes twice; men (weight 0.8) answer 6 twice and no twice
    const values = new Map([["pre", new Map([
      ["trust", new Map([["woman", new Map([["4", 2]])], ["man", new Map([["6", 2]])]])],
      ["vote", new Map([["woman", new Map([["yes", 2]])], ["man", new Map([["no", 2]])], ["", new Map([["no", 3]])]])]
    ])]])
    // pre → post: women +1 twice, men 0 twice
    const pairs = [{ waves: ["pre", "post"] as const, changes: new Map([["trust", new Map([["woman", new Map([[1, 2]])], ["man", new Map([[0, 2]])]])]]) }]
    const w = weightedEstimates({
      feature: "gender",
      weights: { pre: { woman: 1.25, man: 0.8 } },
      questions: [{ id: "trust", label: "Trust", kind: "numeric" }, { id: "vote", label: "Vote", kind: "choice", options: ["yes", "no"] }],
      values,
      pairs
    })
    const [trust, vote] = w.waves["pre"]!
    expect(trust!.mean!.unweighted).toBe(5)
    expect(trust!.mean!.weighted).toBeCloseTo((1.25 * 8 + 0.8 * 12) / (1.25 * 2 + 0.8 * 2), 12)
    // the 3 respondents without a recorded gender count unweighted, not weighted
    expect(vote).toMatchObject({ n: 7, weightedN: 4.1 })
    expect(vote!.shares![0]).toEqual({ value: "yes", unweighted: 2 / 7, weighted: 2.5 / 4.1 })
    expect(w.pairs[0]!.questions[0]!.unweighted).toBe(0.5)
    expect(w.pairs[0]!.questions[0]!.weighted).toBeCloseTo(2.5 / 4.1, 12)
  })
})

const instrumentYaml = `id: mini
version: 1
locales: [en]
title: { en: "Mini evaluation" }
questions:
  - { id: trust, type: scale, required: true, waves: [pre, post], label: { en: "Trust" } }
`
// 20 panel participants in London (12 women, 8 men), 6 control (never counted here)
const participantsCsv = [
  "id,site_id,code,locale,email,gender,age_band,education,residence,role",
  ...Array.from({ length: 20 }, (_, i) => `p${i},gb-london,PANEL${String(i).padStart(3, "0")},,,${i < 12 ? "woman" : "man"},25-34,secondary,urban,`),
  ...Array.from({ length: 6 }, (_, i) => `c${i},gb-london,CTRL${String(i).padStart(4, "0")},,,man,25-34,secondary,urban,control`)
].join("\n") + "\n"

describe.each(testDatabases)("the representativeness section on $name", (testDb) => {
  let shape: Awaited<ReturnType<typeof testDb.open>>
  let ws: Workspace
  beforeAll(async () => {
    shape = await testDb.open()
    await truncateAll(shape)
    ws = await kitWorkspace({ "surveys/mini.yaml": instrumentYaml, "participants.csv": participantsCsv, "census.csv": "scope,feature,value,share\nall,gender,woman,0.5\nall,gender,man,0.5\nGB,gender,woman,0.51\nGB,gender,man,0.49\n" })
    for (const r of ["fellows", "sites", "participants"] as const) await runWith(shape, importRegistryFile(r, join(ws.dir, `${r}.csv`)))
    const instrument = decodeInstrumentYaml(instrumentYaml, "mini.yaml")
    // pre: 10 women, 8 men; post: 5 women, 8 men; the control group answers too
    const ids = [...Array.from({ length: 10 }, (_, i) => `p${i}`), ...Array.from({ length: 8 }, (_, i) => `p${12 + i}`), "c0", "c1"]
    await runWith(shape, storeResponses(instrument, "pre", "paper", ids.map((id) => ({ participant_id: id, answers: { trust: 5 } }))))
    await runWith(shape, storeResponses(instrument, "post", "paper", [...ids.slice(0, 5), ...ids.slice(10)].map((id) => ({ participant_id: id, answers: { trust: 6 } }))))
  })
  afterAll(async () => shape?.dispose())

  it("counts the panel and each wave's respondents, not the control group, against the country's census", async () => {
    const sample = await runWith(shape, surveySample(ws, { instrument: "mini", census: join(ws.dir, "census.csv"), by: "country" }))
    expect(sample.groups.map((g) => [g.key, g.scope])).toEqual([["all", "all"], ["GB", "GB"]])
    const gb = sample.groups[1]!
    expect(gb.totals).toEqual({ registered: 20, waves: { pre: 18, post: 13 } })
    const woman = gb.rows.find((r) => r.feature === "gender" && r.value === "woman")!
    expect(woman.census).toBe(0.51)
    expect(woman.registered).toEqual({ n: 12, share: 0.6 })
    expect(woman.waves["post"]).toEqual({ n: 5, share: 5 / 13 })
    // 5/13 = 0.385 against 0.51: a ratio of 0.75, under-represented after the day
    expect(woman.under).toEqual(["post"])
    // the report has the same section with --census
    const report = await runWith(shape, surveyReport(ws, { instrument: "mini", census: join(ws.dir, "census.csv") }))
    expect(report.sample?.groups[0]!.rows.find((r) => r.feature === "gender" && r.value === "woman")!.under).toEqual(["post"])
  })

  it("post-stratifies the overall group's estimates with --weight, and refuses it without a census", async () => {
    const report = await runWith(shape, surveyReport(ws, { instrument: "mini", census: join(ws.dir, "census.csv"), weight: "gender" }))
    // post: 5 women (weight 0.5 / (5/13)), 8 men (0.5 / (8/13)); everyone answered 6, so both means are 6
    expect(report.weighted!.weights["post"]!["woman"]).toBeCloseTo(0.5 / (5 / 13), 12)
    expect(report.weighted!.waves["post"]![0]!.mean).toEqual({ unweighted: 6, weighted: 6 })
    expect(report.weighted!.pairs[0]!.questions[0]).toMatchObject({ question: "trust", n: 13, unweighted: 1, weighted: 1 })
    const refused = await runWith(shape, surveyReport(ws, { instrument: "mini", weight: "gender" })).then(() => undefined, (e: Error) => e.message)
    expect(refused).toContain("--weight census needs the census")
  })

  it("refuses a census with problems, naming the line", async () => {
    await writeFile(join(ws.dir, "bad-census.csv"), "scope,feature,value,share\nall,gender,woman,1.5\n")
    const error = await runWith(shape, surveySample(ws, { instrument: "mini", census: join(ws.dir, "bad-census.csv") })).then(() => undefined, (e: { problems: Array<{ line: number }> }) => e)
    expect(error?.problems[0]?.line).toBe(2)
  })
})
