// The results CSV reader: the three layouts told apart by their header, recommendations with
// their checks, --site, and the checks every way in shares.
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { type CountedQuestion, decodeBallots } from "../../src/domain/Ballot.js"
import { decodeDialogueYaml } from "../../src/domain/Dialogue.js"
import { readBallotValue, readResultsCsv, tallyProblem } from "../../src/domain/Results.js"
import { exampleDir } from "../support/kit-workspace.js"

const dialogue = decodeDialogueYaml(readFileSync(join(exampleDir, "convene.yaml"), "utf8"), "convene.yaml")
const ballots = decodeBallots([{ file: "ballots/votes.yaml", text: readFileSync(join(exampleDir, "ballots", "votes.yaml"), "utf8") }], dialogue)
const sites = new Set(["sn-dakar", "gb-london"])
const q = (id: string) => ballots.questions.find((x) => x.id === id) as CountedQuestion

describe("results files", () => {
  it("tells the layouts apart by their header, in any column order, and refuses an unknown one at line 1", () => {
    expect(readResultsCsv("question,option,count,site,table,present\naccess-right,yes,3,sn-dakar,1,4\n", "t.csv", ballots, sites).sites[0]!.results.tallies).toEqual([{ table: 1, present: 4, counts: { "access-right": { yes: 3 } } }])
    expect(readResultsCsv("site,ballot,question,value\n", "b.csv", ballots, sites).part).toBe("ballots")
    const unknown = readResultsCsv("site,votes\n", "x.csv", ballots, sites)
    expect(unknown.problems).toEqual([{ file: "x.csv", line: 1, message: expect.stringMatching(/^expected the header of a results file \(tallies: site,table,present,question,option,count; ballots: site,ballot,question,value; recommendations: site,table,recommendation,text,votes\)/) }])
    expect(readResultsCsv("", "e.csv", ballots, sites).problems[0]).toMatchObject({ line: 1, message: expect.stringMatching(/the file is empty/) })
  })

  it("reads recommendations, checking the number per table, the text and the votes", () => {
    const text = `site,table,recommendation,text,votes
sn-dakar,1,1,"Teach digital literacy in every school, from age 8",12
sn-dakar,1,2,Public Wi-Fi in every market,4
sn-dakar,1,3,Too many,1
sn-dakar,2,1,,2
sn-dakar,1,2,Again,1
sn-dakar,2,2,Fine,-1
`
    const read = readResultsCsv(text, "r.csv", ballots, sites)
    expect(read.part).toBe("recommendations")
    expect(read.problems.map((p) => `${p.line}:${p.column}: ${p.message}`)).toEqual([
      "4:3: expected at most 2 recommendations per table (per_table of \"recommendations\"), got 3",
      "5:4: expected the recommendation's text",
      "6:3: a duplicate: recommendation 2 of table 1 is already on line 3",
      "7:5: expected a whole number of 0 or more, got \"-1\""
    ])
    expect(read.sites[0]!.results.recommendations[0]).toEqual({ question: "recommendations", table: 1, number: 1, text: "Teach digital literacy in every school, from age 8", votes: 12 })
  })

  it("with a site given, takes files without a site column and refuses rows of another site", () => {
    const noColumn = readResultsCsv("ballot,question,value\nb1,platform-responsibility,10\n", "b.csv", ballots, sites, { site: "sn-dakar" })
    expect(noColumn.problems).toEqual([])
    expect(noColumn.sites[0]!.results.ballots).toEqual([{ ballot: "b1", answers: { "platform-responsibility": 10 } }])
    const other = readResultsCsv("site,ballot,question,value\ngb-london,b1,platform-responsibility,10\n", "b.csv", ballots, sites, { site: "sn-dakar" })
    expect(other.problems).toEqual([{ file: "b.csv", line: 2, column: 1, field: "site", message: "expected only rows of sn-dakar (--site), got gb-london" }])
  })

  it("shares one set of checks: choices, scale points, votes against people present", () => {
    expect(readBallotValue(q("data-protections"), " consent  deletion ")).toEqual({ ok: true, value: ["consent", "deletion"] })
    expect(readBallotValue(q("data-protections"), "consent consent")).toMatchObject({ ok: false, expected: expect.stringMatching(/each option once/) })
    expect(readBallotValue(q("access-right"), "yes no")).toMatchObject({ ok: false, expected: "one option (single choice), got 2" })
    expect(readBallotValue(q("platform-responsibility"), "11")).toMatchObject({ ok: false })
    expect(readBallotValue(q("platform-responsibility"), "")).toEqual({ ok: true, value: undefined })
    expect(tallyProblem(q("access-right"), 5, { yes: 3, no: 2 })).toBeUndefined()
    expect(tallyProblem(q("access-right"), 5, { yes: 3, no: 3 })).toBe("6 votes but only 5 people present at the table")
    expect(tallyProblem(q("data-protections"), 5, { consent: 5, deletion: 5 })).toBeUndefined()
    expect(tallyProblem(q("data-protections"), 5, { consent: 6 })).toMatch(/6 votes for "consent" but only 5 people/)
    expect(tallyProblem(q("data-protections"), 5, { consent: 5, deletion: 5, oversight: 1 })).toMatch(/11 votes in all/)
  })
})
