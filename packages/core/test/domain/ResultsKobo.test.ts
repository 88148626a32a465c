// The results on tablets: the XLSForm's shape (every field, list and reference it needs), a
// KoboToolbox export of it read back into the same results, the problems named at
// FILE:LINE:COLUMN, and the CSV export layouts reading back as they were written.
import fc from "fast-check"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { decodeDialogueYaml } from "../../src/domain/Dialogue.js"
import { checkSiteResults, readResultsCsv, type SiteResults } from "../../src/domain/Results.js"
import { resultsCsvRows, resultsCsvText } from "../../src/domain/ResultsCsv.js"
import { readResultsKobo, resultsXlsFormSheets } from "../../src/domain/ResultsKobo.js"
import { simulateSiteResults } from "../../src/domain/ResultsSimulation.js"
import { exampleBallots } from "../support/example-ballots.js"
import { exampleDir } from "../support/kit-workspace.js"
import { koboCsvOf } from "../support/kobo-results.js"

const dialogue = decodeDialogueYaml(readFileSync(join(exampleDir, "convene.yaml"), "utf8"), "convene.yaml")
const sites = [
  { id: "sn-dakar", country: "SN", capacity: 40, format: "in-person", locale: "fr-SN" },
  { id: "eg-cairo", country: "EG", capacity: 25, format: "hybrid", locale: "ar-EG" },
  { id: "gb-london", country: "GB", capacity: 17, format: "in-person", locale: "en-GB" }
]
const known = new Set(sites.map((s) => s.id))
const simulated = (seed = 1): Array<SiteResults> => sites.map((s) => simulateSiteResults(exampleBallots, s, seed))
const sortLists = (r: SiteResults): SiteResults => ({
  ...r,
  ballots: r.ballots.map((b) => ({ ...b, answers: Object.fromEntries(Object.entries(b.answers).map(([q, v]) => [q, Array.isArray(v) && q !== "governance-rank" ? [...v].sort() : v])) }))
})

describe("resultsXlsFormSheets", () => {
  const sheets = resultsXlsFormSheets(exampleBallots, dialogue, { site: "sn-dakar", version: "abc" })
  const names = sheets.survey.map((r) => r.name!)

  it("asks the site and the record, then a table's counts and recommendations, then a ballot", () => {
    expect(names.slice(0, 4)).toEqual(["site", "record", "table", "present"])
    expect(names).toEqual([
      "site", "record", "table", "present",
      "access-right__yes", "access-right__no", "access-right__undecided",
      "recommendations__text_1", "recommendations__votes_1", "recommendations__text_2", "recommendations__votes_2",
      "ballot", "data-protections", "platform-responsibility",
      "governance-rank__rank_1", "governance-rank__rank_2", "governance-rank__rank_3", "governance-rank__rank_4", "governance-rank__rank_5"
    ])
    const row = (name: string) => sheets.survey.find((r) => r.name === name)!
    expect(row("site")).toMatchObject({ type: "text", required: "yes", default: "sn-dakar" })
    expect(row("record").type).toBe("select_one record_kind")
    expect(row("access-right__yes")).toMatchObject({ type: "integer", relevant: "${record} = 'table'", constraint: ". >= 0 and . <= ${present}" })
    expect(row("access-right__undecided").constraint).toBe(". >= 0 and . <= ${present} and coalesce(${access-right__yes}, 0) + coalesce(${access-right__no}, 0) + coalesce(., 0) <= ${present}")
    expect(row("data-protections")).toMatchObject({ type: "select_multiple data-protections", relevant: "${record} = 'ballot'", constraint: "count-selected(.) <= 2" })
    expect(row("platform-responsibility")).toMatchObject({ type: "select_one scale_0_10", appearance: "likert" })
    expect(row("governance-rank__rank_3")).toMatchObject({
      type: "select_one governance-rank",
      relevant: "${record} = 'ballot' and ${governance-rank__rank_2} != ''",
      constraint: ". != ${governance-rank__rank_1} and . != ${governance-rank__rank_2}"
    })
    expect(row("recommendations__votes_2")).toMatchObject({ type: "integer", relevant: "${recommendations__text_2} != ''" })
    expect(sheets.settings).toEqual([{ form_title: `${dialogue.title}: results`, form_id: "we_the_internet_results", version: "abc", default_language: "English (en)" }])
  })

  it("labels every field and choice in every locale of the dialogue, and refers only to fields and lists it has", () => {
    const labelColumns = dialogue.locales.map((l) => sheets.columns.survey.find((c) => c.startsWith("label::") && c.endsWith(`(${l})`))!)
    expect(labelColumns.every((c) => c !== undefined)).toBe(true)
    for (const r of sheets.survey) for (const c of labelColumns) expect(r[c], `${r.name} ${c}`).toBeTruthy()
    for (const r of sheets.choices) for (const c of labelColumns) expect(r[c], `${r.list_name}/${r.name} ${c}`).toBeTruthy()
    const fr = labelColumns.find((c) => c.endsWith("(fr)"))!
    expect(sheets.survey.find((r) => r.name === "access-right__yes")![fr]).toMatch(/^L’accès à Internet doit-il être reconnu comme un droit humain.\? — Oui$/)
    const lists = new Set(sheets.choices.map((c) => c.list_name))
    for (const r of sheets.survey) {
      const list = /^select_(?:one|multiple) (\S+)$/.exec(r.type!)?.[1]
      if (list !== undefined) expect(lists.has(list), list).toBe(true)
      for (const text of [r.relevant ?? "", r.constraint ?? ""]) for (const [, ref] of text.matchAll(/\$\{([^}]+)\}/g)) expect(names, `${r.name} refers to ${ref}`).toContain(ref)
    }
    // every column written is a declared column
    for (const sheet of ["survey", "choices", "settings"] as const) for (const r of sheets[sheet]) for (const k of Object.keys(r)) expect(sheets.columns[sheet]).toContain(k)
  })
})

describe("readResultsKobo", () => {
  it("reads a KoboToolbox export of the form back into the same results", () => {
    const results = simulated()
    for (const options of [{}, { delimiter: "," as const }, { expandedOnly: true }]) {
      const read = readResultsKobo(koboCsvOf(exampleBallots, results, options), "kobo.csv", exampleBallots, known)
      expect(read.problems).toEqual([])
      expect(read.parts).toEqual(["tallies", "recommendations", "ballots"])
      expect(read.rows).toBe(results.reduce((a, r) => a + r.tallies.length + r.ballots.length, 0))
      const back = read.sites.map((s) => s.results)
      expect(back.map((r) => r.site_id)).toEqual(sites.map((s) => s.id))
      const fix = options.expandedOnly === true ? sortLists : (r: SiteResults) => r
      expect(back.map(fix)).toEqual(results.map(fix))
      for (const r of back) expect(checkSiteResults(exampleBallots, r)).toEqual([])
    }
  })

  it("takes the submission's id for a ballot without a number, and leaves out submissions not approved", () => {
    const [one] = simulated()
    const text = koboCsvOf(exampleBallots, [{ ...one!, ballots: one!.ballots.slice(0, 3), tallies: one!.tallies.slice(0, 2), recommendations: [] }], { ballotColumn: false })
    const lines = text.trimEnd().split("\n")
    const header = lines[0]!.split(";")
    const v = header.indexOf('"_validation_status"')
    const cells = lines[2]!.split(";")
    cells[v] = '"validation_status_not_approved"'
    lines[2] = cells.join(";")
    const read = readResultsKobo(lines.join("\n"), "kobo.csv", exampleBallots, known)
    expect(read.problems).toEqual([])
    expect(read.unapproved).toBe(1)
    expect(read.sites[0]!.results.tallies.map((t) => t.table)).toEqual([1])
    expect(read.sites[0]!.results.ballots.map((b) => b.ballot)).toEqual(["b001", "b002", "b003"])
    expect(readResultsKobo(lines.join("\n"), "kobo.csv", exampleBallots, known, { includeUnapproved: true }).sites[0]!.results.tallies).toHaveLength(2)
  })

  it("names every bad cell at FILE:LINE:COLUMN, with the checks of the results CSV", () => {
    const header = "site,record,table,present,access-right__yes,access-right__no,access-right__undecided,recommendations__text_1,recommendations__votes_1,ballot,data-protections,platform-responsibility,governance-rank__rank_1,governance-rank__rank_2,_uuid"
    const rows = [
      "sn-dakar,table,1,8,5,2,1,Teach it,30,,,,,,u1", // 30 priority votes > 8 × 3
      "sn-dakar,table,1,8,1,1,1,,,,,,,,u2", // table 1 again
      "sn-dakar,table,2,5,4,3,0,,,,,,,,u3", // 7 votes, 5 present
      "xx-nowhere,table,1,5,1,1,1,,,,,,,,u4",
      "gb-london,table,x,5,1.5,1,1,,,,,,,,u5",
      "gb-london,ballot,,,,,,,,b1,consent deletion no-sale,11,citizens,,u6", // three choices, 11 off the scale
      "gb-london,ballot,,,,,,,,b2,,5,,companies,u7", // rank 2 after a blank rank 1
      "gb-london,ballot,,,,,,,,b2,,5,,,u8", // ballot b2 again (b2 on the line before was refused, so this one stands)
      "gb-london,ballot,,,,,,,,b3,,5,,,u9",
      "gb-london,ballot,,,,,,,,b3,,6,,,u10",
      "gb-london,vote,,,,,,,,,,,,,u11"
    ]
    const read = readResultsKobo([header, ...rows].join("\n") + "\n", "kobo.csv", exampleBallots, known)
    const at = read.problems.map((p) => `${p.file}:${p.line}:${p.column ?? "-"} ${p.message}`)
    expect(at).toEqual([
      "kobo.csv:3:3 a duplicate: table 1 of sn-dakar is already on line 2",
      'kobo.csv:4:5 table 2, "access-right": 7 votes but only 5 people present at the table',
      'kobo.csv:5:1 unknown site "xx-nowhere": expected a site of the registry',
      'kobo.csv:6:3 expected a table number of 1 or more, got "x"',
      'kobo.csv:6:5 expected a whole number of 0 or more, got "1.5"',
      "kobo.csv:7:11 expected at most 2 choices, got 3",
      'kobo.csv:7:12 expected a whole number from 0 to 10, got "11"',
      "kobo.csv:8:14 rank 2 is given but rank 1 is blank: expected the ranks in order, without gaps",
      "kobo.csv:11:10 a duplicate: ballot b3 of gb-london is already on line 10",
      'kobo.csv:12:2 expected "table" (a table\'s tally sheet) or "ballot", got "vote"',
      "kobo.csv:2:9 sn-dakar: 30 priority votes in all but 8 people present with 3 votes each (24)"
    ])
  })

  it("refuses an unknown column, a missing record column and rows of another site with --site", () => {
    const unknown = readResultsKobo("site;record;Access right\nsn-dakar;table;1\n", "k.csv", exampleBallots, known)
    expect(unknown.problems.map((p) => `${p.line}:${p.column} ${p.message}`)).toEqual([
      '1:3 unknown column "Access right": expected a field of the results form (convene results export --format xlsform) or a KoboToolbox metadata column (export with "XML values and headers", not labels)'
    ])
    expect(readResultsKobo("site,table\nsn-dakar,1\n", "k.csv", exampleBallots, known).problems[0]!.message).toMatch(/expected a "record" column/)
    const other = readResultsKobo("site,record,table,present\ngb-london,table,1,4\n", "k.csv", exampleBallots, known, { site: "sn-dakar" })
    expect(other.problems.map((p) => `${p.line}:${p.column} ${p.message}`)).toEqual(["2:1 expected only submissions of sn-dakar (--site), got gb-london"])
  })
})

describe("the CSV export layouts", () => {
  it("read back as they were written, for any seed and site size (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 60 }), (seed, capacity) => {
        const results = sites.map((s) => simulateSiteResults(exampleBallots, { ...s, capacity }, seed))
        const rows = resultsCsvRows(exampleBallots, results)
        const back = new Map<string, SiteResults>(results.map((r) => [r.site_id, { site_id: r.site_id, tallies: [], ballots: [], recommendations: [] }]))
        for (const part of ["tallies", "ballots", "recommendations"] as const) {
          const read = readResultsCsv(resultsCsvText(part, rows[part]), `${part}.csv`, exampleBallots, known)
          expect(read.problems).toEqual([])
          expect(read.part).toBe(part)
          for (const s of read.sites) back.set(s.site_id, { ...back.get(s.site_id)!, [part]: s.results[part] })
        }
        expect(results.map((r) => back.get(r.site_id))).toEqual(results)
      }),
      { numRuns: 25 }
    )
  })

  it("keeps a ballot left entirely blank", () => {
    const r: SiteResults = { site_id: "sn-dakar", tallies: [], ballots: [{ ballot: "b1", answers: {} }, { ballot: "b2", answers: { "platform-responsibility": 4 } }], recommendations: [] }
    const text = resultsCsvText("ballots", resultsCsvRows(exampleBallots, [r]).ballots)
    expect(text.split("\n").slice(0, 2)).toEqual(["site,ballot,question,value", "sn-dakar,b1,data-protections,"])
    expect(readResultsCsv(text, "b.csv", exampleBallots, known).sites[0]!.results.ballots).toEqual(r.ballots)
  })
})
