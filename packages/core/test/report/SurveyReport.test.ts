// The impact report on every test database, from answers whose figures are known by hand:
// paired n, mean change, knowledge index, McNemar counts, suppression of small groups, mirror
// dialogues apart, UN M49 regions, unpaired questions, and the three output formats.
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sql } from "kysely"
import type { InputError } from "../../src/domain/Errors.js"
import { jsonbText } from "../../src/domain/AnswerTally.js"
import { decodeInstrumentYaml } from "../../src/domain/Instrument.js"
import { importRegistryFile } from "../../src/registries/Registries.js"
import type { GroupResult, PairedResult } from "../../src/domain/Report.js"
import { ReportRepo } from "../../src/report/ReportRepo.js"
import { surveyReport } from "../../src/report/SurveyReport.js"
import { reportCsv, reportHtml, reportJson } from "../../src/report/SurveyReportOutput.js"
import { storeResponses } from "../../src/surveys/Surveys.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { failWith, runWith, testDatabases, truncateAll } from "../support/databases.js"
import { kitWorkspace, writeTree } from "../support/kit-workspace.js"

const instrumentYaml = `id: mini
version: 1
locales: [en]
title: { en: "Mini evaluation" }
questions:
  - { id: trust, type: scale, required: true, waves: [pre, post], label: { en: "Trust" } }
  - { id: efficacy, type: likert5, required: true, waves: [pre, post], label: { en: "Efficacy" } }
  - id: k1
    type: knowledge
    waves: [pre, post]
    label: { en: "K1" }
    options: [{ id: a, label: { en: "A" } }, { id: b, label: { en: "B" } }, { id: c, label: { en: "C" } }]
    correct: b
  - id: k2
    type: knowledge
    waves: [pre, post]
    label: { en: "K2" }
    options: [{ id: x, label: { en: "X" } }, { id: y, label: { en: "Y" } }]
    correct: y
  - id: vote
    type: single
    waves: [pre, post]
    label: { en: "Would you vote?" }
    options: [{ id: yes, label: { en: "Yes" } }, { id: no, label: { en: "No" } }]
  - id: channel
    type: single
    waves: [pre]
    label: { en: "Channel" }
    options: [{ id: tv, label: { en: "TV" } }, { id: web, label: { en: "Web" } }]
  - { id: views, type: text, waves: [post], label: { en: "Views" } }
`

// 12 in London, 12 in Dakar, 3 in Cairo (too few: suppressed), 6 in Apia (a mirror site)
const people = [
  ...Array.from({ length: 12 }, (_, i) => ({ id: `gb-${i}`, site: "gb-london" })),
  ...Array.from({ length: 12 }, (_, i) => ({ id: `sn-${i}`, site: "sn-dakar" })),
  ...Array.from({ length: 3 }, (_, i) => ({ id: `eg-${i}`, site: "eg-cairo" })),
  ...Array.from({ length: 6 }, (_, i) => ({ id: `ws-${i}`, site: "ws-apia" }))
]
const code = (i: number) => `CODE${String(i).padStart(4, "0")}`
const participantsCsv = `id,site_id,code,locale,email,gender,age_band,education,residence\n${people.map((p, i) => `${p.id},${p.site},${code(i)},,,${i % 2 === 0 ? "woman" : "man"},25-34,secondary,urban`).join("\n")}\n`

// trust: pre 4, post 4 + (i % 3) → changes 0, 1, 2; efficacy: pre 3, post 3 + (i % 2)
// k1 pre correct for i % 4 === 0, post for i % 2 === 0; k2 always wrong pre, right post for i % 3 === 0
// vote: pre yes for even i, post yes for i % 3 !== 2; everyone in Dakar skips the post wave for i >= 8
const pre = (i: number) => ({ trust: 4, efficacy: 3, k1: i % 4 === 0 ? "b" : "a", k2: "x", vote: i % 2 === 0 ? "yes" : "no", channel: i % 2 === 0 ? "tv" : "web" })
const post = (i: number) => ({ trust: 4 + (i % 3), efficacy: 3 + (i % 2), k1: i % 2 === 0 ? "b" : "c", k2: i % 3 === 0 ? "y" : "x", vote: i % 3 !== 2 ? "yes" : "no", views: i % 2 === 0 ? "More time to talk" : "Great facilitators" })

describe.each(testDatabases)("the survey report on $name", (testDb) => {
  let shape: Awaited<ReturnType<typeof testDb.open>>
  let ws: Workspace
  beforeAll(async () => {
    shape = await testDb.open()
    await truncateAll(shape)
    ws = await kitWorkspace({ "surveys/mini.yaml": instrumentYaml, "participants.csv": participantsCsv })
    for (const r of ["fellows", "sites", "participants"] as const) await runWith(shape, importRegistryFile(r, join(ws.dir, `${r}.csv`)))
  })
  afterAll(async () => shape?.dispose())

  it("writes stored answers as the database's ->> does (the report's tally counts by that text)", async () => {
    const values: ReadonlyArray<unknown> = ["agree", "", "é ü 漢", 4, -2.5, 0.1, 1e-7, -1.5e-7, 1e21, 123456789.125, true, false, ["a", "b"], [1, [2, "x"]], { bb: 1, a: [true, null], c: "x" }]
    for (const v of values) {
      const { rows } = await sql<{ text: string | null }>`select (${JSON.stringify({ v })}::jsonb) ->> 'v' as text`.execute(shape.db)
      expect(jsonbText(v), JSON.stringify(v)).toBe(rows[0]!.text)
    }
  })

  it("says clearly when there is nothing to report", async () => {
    const error = await failWith(shape, surveyReport(ws)) as InputError
    expect(error.message).toContain("no answers to the instrument mini yet")
  })

  it("reports response, paired change, knowledge, McNemar, suppression, mirror apart and regions", async () => {
    const instrument = decodeInstrumentYaml(instrumentYaml, "mini.yaml")
    const ids = people.map((p) => p.id)
    await runWith(shape, storeResponses(instrument, "pre", "paper", ids.map((id, i) => ({ participant_id: id, answers: pre(i) }))))
    const postIds = ids.filter((id) => !(id.startsWith("sn-") && Number(id.slice(3)) >= 8))
    await runWith(shape, storeResponses(instrument, "post", "web", postIds.map((id) => ({ participant_id: id, answers: post(ids.indexOf(id)) }))))

    const report = await runWith(shape, surveyReport(ws, { by: "region" }))
    const main = report.pools.find((p) => p.pool === "main")!
    const mirror = report.pools.find((p) => p.pool === "mirror")!
    const all = main.groups.find((g) => g.key === "all")!
    // 27 main participants (London, Dakar, Cairo); 23 answered post (4 in Dakar did not)
    expect(all.response.waves["pre"]).toMatchObject({ registered: 27, answered: 27, rate: 1 })
    expect(all.response.waves["post"]).toMatchObject({ registered: 27, answered: 23 })
    expect(all.response.paired).toBe(23)
    // the mirror site is never pooled
    expect(mirror.groups.find((g) => g.key === "all")!.response.paired).toBe(6)

    const mainIdx = postIds.map((id) => ids.indexOf(id)).filter((i) => people[i]!.site !== "ws-apia")
    const expectedTrust = mainIdx.reduce((s, i) => s + (i % 3), 0) / mainIdx.length
    const trust = all.questions.find((q) => q.id === "trust")!.paired as PairedResult
    expect(trust.n).toBe(23)
    expect(trust.meanChange).toBeCloseTo(expectedTrust, 10)
    expect(trust.meanPre).toBe(4)
    expect(trust.ci95![0]).toBeLessThan(expectedTrust)
    expect(trust.ci95![1]).toBeGreaterThan(expectedTrust)
    expect(trust.wilcoxon.zeros).toBe(mainIdx.filter((i) => i % 3 === 0).length)
    expect(trust.pT).toBeGreaterThanOrEqual(0)
    expect(trust.pT).toBeLessThan(0.001)

    // knowledge index: mean of (k1 correct + k2 correct) / 2, pre and post
    const k = all.knowledge as PairedResult
    const preIndex = mainIdx.reduce((s, i) => s + ((i % 4 === 0 ? 1 : 0) + 0) / 2, 0) / mainIdx.length
    const postIndex = mainIdx.reduce((s, i) => s + ((i % 2 === 0 ? 1 : 0) + (i % 3 === 0 ? 1 : 0)) / 2, 0) / mainIdx.length
    expect(k.n).toBe(23)
    expect(k.meanPre).toBeCloseTo(preIndex, 8)
    expect(k.meanPost).toBeCloseTo(postIndex, 8)

    // McNemar on the binary question: b = yes → no, c = no → yes
    const vote = all.questions.find((q) => q.id === "vote")!
    const b = mainIdx.filter((i) => i % 2 === 0 && i % 3 === 2).length
    const c = mainIdx.filter((i) => i % 2 !== 0 && i % 3 !== 2).length
    expect(vote.mcnemar).toMatchObject({ b, c })
    expect(vote.shift!.find((s) => s.value === "yes")!.change).toBeCloseTo((c - b) / 23, 10)
    // knowledge items get McNemar as correct / not correct
    expect(all.questions.find((q) => q.id === "k2")!.mcnemar).toMatchObject({ b: 0, c: mainIdx.filter((i) => i % 3 === 0).length })
    // asked in one wave only: unpaired
    expect(all.questions.find((q) => q.id === "channel")!.paired).toEqual({ unpaired: true })

    // regions (UN M49): Europe, Africa; Cairo counts in Africa with Dakar; the overall group stays
    expect(main.groups.map((g) => g.label)).toEqual(["All participants", "Africa", "Europe"])
    expect(main.groups.find((g) => g.label === "Africa")!.response.waves["pre"]!.answered).toBe(15)

    // by site: Cairo (3 respondents) is suppressed, numbers and free text alike
    const bySite = await runWith(shape, surveyReport(ws, { by: "site" }))
    const cairo = bySite.pools[0]!.groups.find((g) => g.key === "site:eg-cairo") as GroupResult
    expect(cairo.suppressed).toBe(true)
    expect(cairo.questions.find((q) => q.id === "trust")!.paired).toEqual({ suppressed: true })
    expect(cairo.response).toEqual({ waves: {}, paired: null })
    // Africa (shown) minus Dakar would be Cairo: Dakar is suppressed with it
    expect(bySite.pools[0]!.groups.find((g) => g.key === "site:sn-dakar")!.suppressed).toBe(true)
    expect(cairo.questions.find((q) => q.id === "views")!.freeText!["post"]).toEqual([])
    expect(cairo.questions.find((q) => q.id === "efficacy")!.waves["pre"]).toMatchObject({ suppressed: true, shares: [] })
    const london = bySite.pools[0]!.groups.find((g) => g.key === "site:gb-london")!
    expect(london.questions.find((q) => q.id === "views")!.freeText!["post"]).toEqual([{ text: "Great facilitators", count: 6 }, { text: "More time to talk", count: 6 }])

    // pooled on request
    const pooled = await runWith(shape, surveyReport(ws, { includeMirror: true }))
    expect(pooled.pools.map((p) => p.pool)).toEqual(["main"])
    expect(pooled.pools[0]!.groups[0]!.response.paired).toBe(29)

    // outputs
    const csv = reportCsv(bySite)
    expect(csv.split("\n")[0]).toBe("pool,by,group,group_label,question,question_type,wave,measure,option,value,n")
    expect(csv).toContain("main,site,site:eg-cairo,")
    expect(csv).toMatch(/main,site,site:eg-cairo,[^\n]*,trust,scale,,suppressed,,1,\n/)
    expect(csv).not.toMatch(/site:eg-cairo[^\n]*,(registered|answered),/)
    expect(csv).not.toMatch(/site:eg-cairo[^\n]*,mean_change,/)
    expect(JSON.parse(reportJson(report)).pools).toHaveLength(2)
    const html = await reportHtml(bySite)
    expect(html).toContain("<svg")
    expect(html).not.toMatch(/(src|href)="https?:/)
    expect(html).toContain("suppressed")
    expect(html).toContain("Methods")
    expect(html).toContain("More time to talk")
  })

  it("reads the answers in pages without losing or doubling a participant split between two pages", async () => {
    const spec = { questions: ["trust", "efficacy", "k1", "k2", "vote"], multiple: new Set<string>(), pairs: [{ waves: ["pre", "post"] as const, questions: ["trust", "vote"], knowledge: [{ id: "k1", correct: "b" }, { id: "k2", correct: "y" }] }] }
    const tallyWith = (pageSize?: number) => runWith(shape, ReportRepo.use((repo) => repo.tally("mini", null, spec, pageSize)))
    // every list sorted, so that only the counts compare, not the order they were met in
    const canonical = (t: unknown) => JSON.stringify(t, (_, v: unknown) => (Array.isArray(v) ? v.map((x) => JSON.stringify(x)).sort() : v))
    const whole = await tallyWith()
    // 27 + 6 participants answered pre, 23 + 6 of them post (the earlier test stored them)
    expect(whole.panel.pairs[0]!.paired.reduce((s, r) => s + r.n, 0)).toBe(29)
    // pages of 1 to 5 responses: a participant's two cut apart, or filling a page alone
    for (const pageSize of [1, 2, 3, 5]) expect(canonical(await tallyWith(pageSize)), `pages of ${pageSize}`).toBe(canonical(whole))
  })
})
