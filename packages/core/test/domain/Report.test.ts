// The report's pure half, from counts written by hand: sites merged into their country, small
// groups suppressed (no numbers, no free text), groups by participant category, mirror apart.
import { describe, expect, it } from "vitest"
import { decodeInstrumentYaml } from "../../src/domain/Instrument.js"
import { builtInReportText } from "../../src/report/SurveyReportText.js"
import { buildReport, groupOf, mergeIntoGroups, type PairedResult, type ReportCounts, type ReportSite, SUPPRESSION_THRESHOLD } from "../../src/domain/Report.js"

const instrument = decodeInstrumentYaml(
  `id: mini
version: 1
locales: [en]
title: { en: "Mini evaluation" }
questions:
  - { id: trust, type: scale, waves: [pre, post], label: { en: "Trust" } }
  - { id: views, type: text, waves: [post], label: { en: "Views" } }
`,
  "mini.yaml"
)

const site = (id: string, name: string, country: string, format = "in-person") => ({ id, name, country, format }) as ReportSite
const sites = [site("sn-dakar", "Dakar", "SN"), site("sn-thies", "Thiès", "SN"), site("gb-london", "London", "GB"), site("ws-apia", "Apia", "WS", "mirror")]

const none: ReportCounts = { registered: [], invited: [], answered: [], paired: [], values: [], pairedValues: [], knowledge: [] }

// Dakar: 6 answered both waves (trust 4 → 6); Thiès: 3 (trust 5 → 5); London: 2 (suppressed alone).
// All participants minus Dakar would give Thiès and London together (5); Senegal would give
// London alone, so Senegal is suppressed too (see test/report/Suppression.test.ts).
const counts: ReportCounts = {
  ...none,
  registered: [{ site_id: "sn-dakar", cat: null, n: 10 }, { site_id: "sn-thies", cat: null, n: 4 }, { site_id: "gb-london", cat: null, n: 2 }],
  answered: ["pre", "post"].flatMap((wave) => [{ site_id: "sn-dakar", cat: null, wave, n: 6 }, { site_id: "sn-thies", cat: null, wave, n: 3 }, { site_id: "gb-london", cat: null, wave, n: 2 }]),
  paired: [{ site_id: "sn-dakar", cat: null, n: 6 }, { site_id: "sn-thies", cat: null, n: 3 }, { site_id: "gb-london", cat: null, n: 2 }],
  values: [
    { site_id: "sn-dakar", cat: null, wave: "pre", question: "trust", value: "4", n: 6 },
    { site_id: "sn-thies", cat: null, wave: "pre", question: "trust", value: "5", n: 3 },
    { site_id: "gb-london", cat: null, wave: "pre", question: "trust", value: "4", n: 2 },
    { site_id: "sn-dakar", cat: null, wave: "post", question: "trust", value: "6", n: 6 },
    { site_id: "sn-thies", cat: null, wave: "post", question: "trust", value: "5", n: 3 },
    { site_id: "gb-london", cat: null, wave: "post", question: "trust", value: "7", n: 2 },
    { site_id: "gb-london", cat: null, wave: "post", question: "views", value: "Too short", n: 2 },
    { site_id: "sn-dakar", cat: null, wave: "post", question: "views", value: "Too short", n: 4 }
  ],
  pairedValues: [
    { site_id: "sn-dakar", cat: null, question: "trust", pre: "4", post: "6", n: 6 },
    { site_id: "sn-thies", cat: null, question: "trust", pre: "5", post: "5", n: 3 },
    { site_id: "gb-london", cat: null, question: "trust", pre: "4", post: "7", n: 2 }
  ]
}

const report = (by: "site" | "country" | "category:gender", c: ReportCounts = counts) =>
  buildReport({ instrument, locale: "en", waves: ["pre", "post"], pairedWaves: ["pre", "post"], dialogue: "Test", by, includeMirror: false, sites, counts: c, responses: { total: 22, simulated: 0 } })

describe("response rates with attendance", () => {
  it("leaves those recorded absent out of the waves after the day, and says so", () => {
    const withAbsent: ReportCounts = { ...counts, absent: [{ site_id: "sn-dakar", cat: null, n: 2 }] }
    const built = buildReport({ instrument, locale: "en", waves: ["pre", "post"], pairedWaves: ["pre", "post"], afterDay: ["post"], dialogue: "Test", by: "site", includeMirror: false, sites, counts: withAbsent, responses: { total: 22, simulated: 0 }, text: builtInReportText().t })
    const dakar = built.pools[0]!.groups.find((g) => g.key === "site:sn-dakar")!
    expect(dakar.response.waves["pre"]).toEqual({ registered: 10, invited: 0, answered: 6, rate: 0.6 })
    expect(dakar.response.waves["post"]).toEqual({ registered: 8, invited: 0, answered: 6, rate: 0.75 })
    expect(built.methods).toContain("recorded absent on the day")
    // without attendance, nothing changes
    expect(buildReport({ instrument, locale: "en", waves: ["pre", "post"], pairedWaves: ["pre", "post"], dialogue: "Test", by: "site", includeMirror: false, sites, counts, responses: { total: 22, simulated: 0 }, text: builtInReportText().t }).methods).not.toContain("recorded absent")
  })
})

describe("the report's groups", () => {
  it("merges two sites' histograms into their country's counts", () => {
    const pools = mergeIntoGroups(counts, sites, { by: "country", includeMirror: false, numericIds: ["trust"], countryName: (c) => c })
    const senegal = pools.get("main")!.get("country:SN")!
    expect(senegal.registered).toBe(14)
    expect(senegal.answered.get("pre")).toBe(9)
    expect(senegal.paired).toBe(9)
    expect([...senegal.dist.get("pre")!.get("trust")!]).toEqual([["4", 6], ["5", 3]])
    expect([...senegal.diffs.get("trust")!.hist]).toEqual([["2", 6], ["0", 3]])

    // with a second British site (Leeds, 6) London hides behind it, Thiès behind Dakar, and the countries show
    const leeds: ReportCounts = {
      ...counts,
      registered: [...counts.registered, { site_id: "gb-leeds", cat: null, n: 6 }],
      answered: [...counts.answered, ...["pre", "post"].map((wave) => ({ site_id: "gb-leeds", cat: null, wave, n: 6 }))],
      values: [...counts.values, ...["pre", "post"].map((wave) => ({ site_id: "gb-leeds", cat: null, wave, question: "trust", value: "8", n: 6 }))],
      pairedValues: [...counts.pairedValues, { site_id: "gb-leeds", cat: null, question: "trust", pre: "8", post: "8", n: 6 }]
    }
    const built = buildReport({ instrument, locale: "en", waves: ["pre", "post"], pairedWaves: ["pre", "post"], dialogue: "Test", by: "country", includeMirror: false, sites: [...sites, site("gb-leeds", "Leeds", "GB")], counts: leeds, responses: { total: 34, simulated: 0 } })
    const sn = built.pools[0]!.groups.find((g) => g.key === "country:SN")!
    expect(sn.label).toBe("Senegal")
    const trust = sn.questions.find((q) => q.id === "trust")!
    expect(trust.waves["pre"]!.shares.filter((s) => s.count > 0)).toEqual([
      { value: "4", label: "4", count: 6, share: 6 / 9 },
      { value: "5", label: "5", count: 3, share: 3 / 9 }
    ])
    expect(trust.waves["pre"]!.mean).toBeCloseTo((6 * 4 + 3 * 5) / 9, 10)
    expect((trust.paired as PairedResult).meanChange).toBeCloseTo(12 / 9, 10)
    // the overall group holds every main site, and comes first
    expect(built.pools[0]!.groups.map((g) => g.label)).toEqual(["All participants", "Senegal", "United Kingdom"])
    expect(built.pools[0]!.groups[0]!.response.waves["pre"]).toEqual({ registered: 22, invited: 0, answered: 17, rate: 17 / 22 })
    // without Leeds, Senegal minus Dakar would be Thiès, and all minus Senegal London: Senegal is suppressed
    expect(report("country").pools[0]!.groups.map((g) => [g.label, g.suppressed])).toEqual([["All participants", false], ["Senegal", true], ["United Kingdom", true]])
  })

  it(`suppresses a group under ${SUPPRESSION_THRESHOLD} respondents: no numbers, no free text`, () => {
    const bySite = report("site").pools[0]!.groups
    const london = bySite.find((g) => g.key === "site:gb-london")!
    expect(london.suppressed).toBe(true)
    const trust = london.questions.find((q) => q.id === "trust")!
    expect(trust.waves["pre"]).toEqual({ n: 0, suppressed: true, shares: [], mean: null, median: null })
    expect(trust.paired).toEqual({ suppressed: true })
    // no counts either
    expect(london.response).toEqual({ waves: {}, paired: null })
    expect(london.questions.find((q) => q.id === "views")!.freeText).toEqual({ post: [] })
    // Dakar has 6: shown, free text included
    const dakar = bySite.find((g) => g.key === "site:sn-dakar")!
    expect(dakar.suppressed).toBe(false)
    expect(dakar.questions.find((q) => q.id === "views")!.freeText).toEqual({ post: [{ text: "Too short", count: 4 }] })
  })

  it("groups by participant category, the unrecorded apart", () => {
    expect(groupOf("category:gender", sites[0]!, "woman", (c) => c)).toEqual({ key: "woman", label: "woman" })
    expect(groupOf("category:gender", sites[0]!, null, (c) => c)).toEqual({ key: "(none)", label: "(not recorded)" })
    const byGender: ReportCounts = {
      ...none,
      registered: [{ site_id: "sn-dakar", cat: "woman", n: 5 }, { site_id: "gb-london", cat: "woman", n: 3 }, { site_id: "sn-dakar", cat: "man", n: 4 }, { site_id: "sn-thies", cat: null, n: 2 }],
      answered: [{ site_id: "sn-dakar", cat: "woman", wave: "pre", n: 5 }, { site_id: "gb-london", cat: "woman", wave: "pre", n: 3 }, { site_id: "sn-dakar", cat: "man", wave: "pre", n: 4 }, { site_id: "sn-thies", cat: null, wave: "pre", n: 2 }]
    }
    const groups = report("category:gender", byGender).pools[0]!.groups
    expect(groups.map((g) => [g.key, g.label])).toEqual([["all", "All participants"], ["category:gender:(none)", "(not recorded)"], ["category:gender:man", "man"], ["category:gender:woman", "woman"]])
    expect(groups.find((g) => g.key === "category:gender:woman")!.response.waves["pre"]!.registered).toBe(8)
    // men (4) and the unrecorded (2) are suppressed together: all minus women covers 6
    expect(groups.map((g) => g.suppressed)).toEqual([false, true, true, false])
  })

  it("keeps mirror dialogues apart unless pooled", () => {
    const mirror: ReportCounts = { ...none, registered: [{ site_id: "sn-dakar", cat: null, n: 5 }, { site_id: "ws-apia", cat: null, n: 7 }] }
    const apart = mergeIntoGroups(mirror, sites, { by: "all", includeMirror: false, numericIds: [], countryName: (c) => c })
    expect([...apart.keys()]).toEqual(["main", "mirror"])
    expect(apart.get("mirror")!.get("all")!.registered).toBe(7)
    const pooled = mergeIntoGroups(mirror, sites, { by: "all", includeMirror: true, numericIds: [], countryName: (c) => c })
    expect(pooled.get("main")!.get("all")!.registered).toBe(12)
  })
})
