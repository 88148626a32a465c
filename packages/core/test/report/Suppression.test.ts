// Complementary suppression: no suppressed group's answers can be worked out by subtracting
// shown groups — within one report, across reports grouped differently, with mirror dialogues
// apart and pooled, and by participant category. The reproductions of issue 13 (a site of 2 in a
// country with others) are checked with the published numbers; the property test checks, for
// random sites and counts, that no small suppressed group lies in the linear span of the shown
// ones (exact arithmetic), whatever grouping each report uses.
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { decodeInstrumentYaml } from "../../src/domain/Instrument.js"
import {
  buildReport,
  complementarySuppression,
  groupOf,
  type ReportBy,
  type ReportCounts,
  type ReportSite,
  type SurveyReport,
  SUPPRESSION_THRESHOLD,
  suppressionPattern
} from "../../src/domain/Report.js"

const T = SUPPRESSION_THRESHOLD

const instrument = decodeInstrumentYaml(
  `id: mini
version: 1
locales: [en]
title: { en: "Mini evaluation" }
questions:
  - { id: hours, type: scale, min: 0, max: 10, waves: [pre, post], label: { en: "Hours online" } }
`,
  "mini.yaml"
)

const site = (id: string, country: string, format = "in-person") => ({ id, name: id, country, format }) as ReportSite
const none: ReportCounts = { registered: [], invited: [], answered: [], paired: [], values: [], pairedValues: [], knowledge: [] }

/** Counts from per-site pre histograms of `hours` (registered = answered, one wave). */
const countsOf = (hist: Record<string, Record<string, number>>, cat: (siteId: string) => string | null = () => null): ReportCounts => {
  const entries = Object.entries(hist)
  const total = (h: Record<string, number>) => Object.values(h).reduce((s, n) => s + n, 0)
  return {
    ...none,
    registered: entries.map(([id, h]) => ({ site_id: id, cat: cat(id), n: total(h) })),
    answered: entries.map(([id, h]) => ({ site_id: id, cat: cat(id), wave: "pre", n: total(h) })),
    values: entries.flatMap(([id, h]) => Object.entries(h).map(([value, n]) => ({ site_id: id, cat: cat(id), wave: "pre", question: "hours", value, n })))
  }
}

const reportOf = (sites: ReadonlyArray<ReportSite>, counts: ReportCounts, by: ReportBy, includeMirror = false): SurveyReport =>
  buildReport({ instrument, locale: "en", waves: ["pre"], pairedWaves: null, dialogue: "Test", by, includeMirror, sites, counts, responses: { total: 1, simulated: 0 } })

/** A shown group's published `hours` pre histogram, or null when suppressed. */
const published = (report: SurveyReport, key: string): Map<string, number> | null => {
  const g = report.pools.flatMap((p) => p.groups).find((x) => x.key === key)
  if (g === undefined) throw new Error(`no group ${key}`)
  const w = g.questions.find((q) => q.id === "hours")!.waves["pre"]!
  return w.suppressed ? null : new Map(w.shares.filter((s) => s.count > 0).map((s) => [s.value, s.count]))
}
const minus = (a: Map<string, number>, ...bs: ReadonlyArray<Map<string, number>>): number => {
  const left = new Map(a)
  for (const b of bs) for (const [v, n] of b) left.set(v, (left.get(v) ?? 0) - n)
  return [...left.values()].reduce((s, n) => s + n, 0)
}

// issue 13: India's sites — Kolkata has 2 respondents (9 and 10 hours); Delhi 6, Mumbai 8;
// Bangladesh next door, and London far away
const sites = [site("in-delhi", "IN"), site("in-mumbai", "IN", "online"), site("in-kolkata", "IN"), site("bd-dhaka", "BD"), site("gb-london", "GB", "online")]
const counts = countsOf({
  "in-delhi": { "9": 1, "10": 1, "6": 4 },
  "in-mumbai": { "8": 8 },
  "in-kolkata": { "9": 1, "10": 1 },
  "bd-dhaka": { "5": 7 },
  "gb-london": { "3": 12 }
})

describe("complementary suppression", () => {
  it("hides the smallest other child when one small child would be the parent minus the rest", () => {
    const sets = [{ key: "IN", leaves: ["del", "kol", "mum"] }, { key: "del", leaves: ["del"] }, { key: "kol", leaves: ["kol"] }, { key: "mum", leaves: ["mum"] }]
    expect(complementarySuppression({ sets, sizes: new Map([["del", 9], ["kol", 2], ["mum", 20]]), threshold: T })).toEqual(new Set(["kol", "del"]))
    // two small children that together make the threshold protect each other
    expect(complementarySuppression({ sets, sizes: new Map([["del", 3], ["kol", 2], ["mum", 20]]), threshold: T })).toEqual(new Set(["kol", "del"]))
    // a small child alone with its parent: the parent goes too
    expect(complementarySuppression({ sets: [{ key: "IN", leaves: ["kol"] }, ...sets.slice(2, 3)], sizes: new Map([["kol", 2]]), threshold: T })).toEqual(new Set(["IN", "kol"]))
  })

  it("a country minus its shown sites no longer gives a small site's answers (--by site with --by country)", () => {
    const bySite = reportOf(sites, counts, "site")
    const byCountry = reportOf(sites, counts, "country")
    expect(published(bySite, "site:in-kolkata")).toBeNull()
    const india = published(byCountry, "country:IN")
    const shownIndian = ["in-delhi", "in-mumbai", "in-kolkata"].map((id) => published(bySite, `site:${id}`)).filter((h) => h !== null)
    // before: India (9:2, 10:2, 6:4, 8:8) − Delhi − Mumbai = Kolkata (9:1, 10:1)
    if (india !== null) expect(minus(india, ...shownIndian)).toBeGreaterThanOrEqual(T)
    // and the suppressed group shows no counts
    const kolkata = bySite.pools[0]!.groups.find((g) => g.key === "site:in-kolkata")!
    expect(kolkata.response).toEqual({ waves: {}, paired: null })
  })

  it("all participants minus the shown sites, within one --by site report, covers nobody or at least the threshold", () => {
    const bySite = reportOf(sites, counts, "site")
    const all = published(bySite, "all")!
    const shown = sites.map((s) => published(bySite, `site:${s.id}`)).filter((h) => h !== null)
    const left = minus(all, ...shown)
    expect(left === 0 || left >= T).toBe(true)
    expect(left).not.toBe(0)
  })

  it("suppresses the same groups whatever --by is", () => {
    const status = (by: ReportBy) => new Map(reportOf(sites, counts, by).pools.flatMap((p) => p.groups).map((g) => [g.key, g.suppressed]))
    const bySite = status("site")
    for (const by of ["all", "country", "region", "subregion", "format"] as const) expect(status(by).get("all")).toBe(bySite.get("all"))
    const pattern = (by: ReportBy) => suppressionPattern(counts, sites, { by, waves: ["pre"], pairedIds: [], threshold: T })
    for (const key of ["site:in-kolkata", "site:in-delhi", "country:IN", "region:m49:142", "format:online", "all"]) {
      expect(pattern("site").of(false, "main", key)).toEqual(pattern("country").of(false, "main", key))
    }
  })

  it("a pooled report minus one with mirror dialogues apart gives no small mirror site", () => {
    // a mirror dialogue of 2 in India: pooled India − India apart would be it
    const withMirror = [...sites, site("in-goa", "IN", "mirror")]
    const c = countsOf({ ...{ "in-delhi": { "6": 9 }, "in-mumbai": { "8": 8 }, "in-kolkata": { "9": 6 }, "bd-dhaka": { "5": 7 }, "gb-london": { "3": 12 } }, "in-goa": { "1": 2 } })
    const apart = published(reportOf(withMirror, c, "country"), "country:IN")
    const pooled = published(reportOf(withMirror, c, "country", true), "country:IN")
    expect(apart !== null && pooled !== null).toBe(false)
    expect(published(reportOf(withMirror, c, "site"), "site:in-goa")).toBeNull()
  })

  it("by category: all participants minus the shown categories covers nobody or at least the threshold", () => {
    const byGender = countsOf({ "in-delhi": { "6": 9 }, "in-mumbai": { "8": 2 }, "gb-london": { "3": 12 } }, (id) => (id === "in-mumbai" ? "man" : id === "in-delhi" ? "woman" : null))
    const report = reportOf(sites, byGender, "category:gender")
    expect(report.pools[0]!.groups.map((g) => [g.key, g.suppressed])).toEqual([["all", false], ["category:gender:(none)", false], ["category:gender:man", true], ["category:gender:woman", true]])
    // with a codebook: the same groups and statuses, its labels in the report's locale and its order (women first)
    const codebook = [{ id: "gender", values: [{ id: "woman", label: { en: "Woman", fr: "Femme" } }, { id: "man", label: { en: "Man", fr: "Homme" } }] }]
    const coded = buildReport({ instrument, locale: "fr", waves: ["pre"], pairedWaves: null, dialogue: "Test", by: "category:gender", includeMirror: false, sites, counts: byGender, responses: { total: 1, simulated: 0 }, codebook })
    expect(coded.pools[0]!.groups.map((g) => [g.key, g.label, g.suppressed])).toEqual([["all", expect.any(String), false], ["category:gender:woman", "Femme", true], ["category:gender:man", "Homme", true], ["category:gender:(none)", "(not recorded)", false]])
    // men (2) hide behind women (9, the smaller of the others): all − (not recorded) covers 11
    // the overall group keeps its status of the geographic reports
    expect(reportOf(sites, byGender, "site").pools[0]!.groups[0]!.suppressed).toBe(false)
  })
})

// ---------------------------------------------------------------------------------------------
// The property: no small suppressed group lies in the span of the shown ones

/** Is `v` in the span of `rows` (over the rationals)? Exact, with BigInt row reduction. */
const inSpan = (rows: ReadonlyArray<ReadonlyArray<number>>, v: ReadonlyArray<number>): boolean => {
  const basis: Array<{ pivot: number; row: Array<bigint> }> = []
  const reduce = (input: ReadonlyArray<number | bigint>): Array<bigint> => {
    let r = input.map((x) => BigInt(x))
    for (const b of basis) {
      const f = r[b.pivot]!
      if (f === 0n) continue
      const p = b.row[b.pivot]!
      r = r.map((x, i) => x * p - b.row[i]! * f)
      const g = r.reduce((a, x) => {
        let [m, n] = [a < 0n ? -a : a, x < 0n ? -x : x]
        while (n !== 0n) [m, n] = [n, m % n]
        return m
      }, 0n)
      if (g > 1n) r = r.map((x) => x / g)
    }
    return r
  }
  for (const row of rows) {
    const r = reduce(row)
    const pivot = r.findIndex((x) => x !== 0n)
    if (pivot >= 0) basis.push({ pivot, row: r })
  }
  return reduce(v).every((x) => x === 0n)
}

const COUNTRIES = ["IN", "BD", "PK", "GB", "FR", "SN", "NG", "WS"]
const FORMATS = ["in-person", "online", "hybrid", "mirror"]
const GROUPINGS = ["all", "site", "country", "region", "subregion", "format"] as const

describe("the suppression pattern, for random sites and counts", () => {
  it("leaves no suppressed group of 1 to 4 respondents (nor two small sites together) derivable from the shown groups of all reports", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ country: fc.constantFrom(...COUNTRIES), format: fc.constantFrom(...FORMATS), pre: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 30 })) }), { minLength: 1, maxLength: 9 }),
        (drawn) => {
          const ss = drawn.map((d, i) => site(`s${i}`, d.country, d.format))
          const size = new Map(drawn.map((d, i) => [`s${i}`, d.pre]))
          const c = countsOf(Object.fromEntries(drawn.map((d, i) => [`s${i}`, { "1": d.pre }])))
          const pattern = suppressionPattern(c, ss, { by: "site", waves: ["pre"], pairedIds: [], threshold: T })
          // every group of every report: its sites, its size, shown or not
          const groups = new Map<string, { members: Array<number>; hidden: boolean }>()
          for (const includeMirror of [false, true]) {
            for (const by of GROUPINGS) {
              ss.forEach((s, i) => {
                const pool = s.format === "mirror" && !includeMirror ? "mirror" : "main"
                const key = by === "all" ? "all" : `${by}:${groupOf(by, s, null, (x) => x).key}`
                const id = `${includeMirror}/${pool}/${key}`
                const g = groups.get(id) ?? { members: [], hidden: pattern.of(includeMirror, pool, key).waves["pre"]! }
                g.members.push(i)
                groups.set(id, g)
              })
            }
          }
          const vector = (members: ReadonlyArray<number>) => ss.map((_, i) => (members.includes(i) ? 1 : 0))
          const sizeOf = (members: ReadonlyArray<number>) => members.reduce((t, i) => t + size.get(`s${i}`)!, 0)
          const shown = [...groups.values()].filter((g) => !g.hidden)
          for (const g of shown) expect(sizeOf(g.members)).toBeGreaterThanOrEqual(T)
          const rows = shown.map((g) => vector(g.members))
          for (const [id, g] of groups) {
            const n = sizeOf(g.members)
            if (g.hidden && n > 0 && n < T) expect(inSpan(rows, vector(g.members)), `${id} (${n}) is derivable`).toBe(false)
          }
          const small = ss.map((_, i) => i).filter((i) => size.get(`s${i}`)! > 0 && size.get(`s${i}`)! < T)
          for (const a of small) for (const b of small) if (a < b && sizeOf([a, b]) < T) expect(inSpan(rows, vector([a, b]))).toBe(false)
        }
      ),
      { numRuns: 300 }
    )
  })
})

describe("the category pattern, for random sites, categories and counts", () => {
  it("leaves no suppressed category of 1 to 4 respondents derivable from the shown categories and the shown geographic groups together", () => {
    const CATS = ["woman", "man", "other"]
    fc.assert(
      fc.property(
        fc.array(fc.record({ country: fc.constantFrom("IN", "BD", "GB"), format: fc.constantFrom("in-person", "online", "mirror"), cells: fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 3, maxLength: 3 }) }), { minLength: 1, maxLength: 6 }),
        (drawn) => {
          const ss = drawn.map((d, i) => site(`s${i}`, d.country, d.format))
          // the cells (site, category) with people
          const cells = drawn.flatMap((d, i) => d.cells.map((n, c) => ({ site: i, cat: CATS[c]!, n }))).filter((x) => x.n > 0)
          const c: ReportCounts = {
            ...none,
            registered: cells.map((x) => ({ site_id: `s${x.site}`, cat: x.cat, n: x.n })),
            answered: cells.map((x) => ({ site_id: `s${x.site}`, cat: x.cat, wave: "pre", n: x.n }))
          }
          const options = { waves: ["pre"], pairedIds: [], threshold: T }
          const geo = suppressionPattern(c, ss, { ...options, by: "site" })
          const byCat = suppressionPattern(c, ss, { ...options, by: "category:gender" })
          const vector = (keep: (x: (typeof cells)[number]) => boolean) => cells.map((x) => (keep(x) ? 1 : 0))
          const rows: Array<Array<number>> = []
          const targets: Array<{ id: string; v: Array<number>; n: number }> = []
          for (const includeMirror of [false, true]) {
            const poolOf = (i: number) => (ss[i]!.format === "mirror" && !includeMirror ? "mirror" : "main")
            for (const by of GROUPINGS) {
              const keys = new Set(ss.map((s) => (by === "all" ? "all" : `${by}:${groupOf(by, s, null, (x) => x).key}`)))
              for (const pool of ["main", "mirror"] as const) {
                for (const key of keys) {
                  const inGroup = (x: (typeof cells)[number]) => poolOf(x.site) === pool && (key === "all" || `${by}:${groupOf(by, ss[x.site]!, null, (y) => y).key}` === key)
                  if (!cells.some(inGroup)) continue
                  if (!geo.of(includeMirror, pool, key).waves["pre"]) rows.push(vector(inGroup))
                }
              }
            }
            for (const pool of ["main", "mirror"] as const) {
              for (const cat of CATS) {
                const inGroup = (x: (typeof cells)[number]) => poolOf(x.site) === pool && x.cat === cat
                if (!cells.some(inGroup)) continue
                const n = cells.filter(inGroup).reduce((t, x) => t + x.n, 0)
                if (!byCat.of(includeMirror, pool, `category:gender:${cat}`).waves["pre"]) {
                  expect(n).toBeGreaterThanOrEqual(T)
                  rows.push(vector(inGroup))
                } else if (n < T) targets.push({ id: `${includeMirror}/${pool}/${cat}`, v: vector(inGroup), n })
              }
              // the overall group: the same status in both patterns
              if (cells.some((x) => poolOf(x.site) === pool)) expect(byCat.of(includeMirror, pool, "all").group).toBe(geo.of(includeMirror, pool, "all").group)
            }
          }
          for (const t of targets) expect(inSpan(rows, t.v), `${t.id} (${t.n}) is derivable`).toBe(false)
        }
      ),
      { numRuns: 300 }
    )
  })
})
