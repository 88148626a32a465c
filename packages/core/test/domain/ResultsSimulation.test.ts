// The simulated results: the same seed gives the same results, every site's results pass the
// checks every way in shares, and the regional effects built in show in the counts.
import { describe, expect, it } from "vitest"
import type { Ballots } from "../../src/domain/Ballot.js"
import { checkSiteResults, type SiteResults } from "../../src/domain/Results.js"
import { RESULTS_SIMULATION, type ResultsSimulationSite, SCALE_REGION_SHIFT, SINGLE_CHOICE_LEAN, simulatedResultEffects, simulateSiteResults, tableSeats } from "../../src/domain/ResultsSimulation.js"
import { exampleBallots } from "../support/example-ballots.js"

/** Every type and collection mode: a 1-5 scale and a multiple choice counted by tally, a single choice on a ballot. */
const everyKind = (): Ballots => {
  const l = (en: string) => ({ en })
  const opts = (...ids: Array<string>) => ids.map((id) => ({ id, label: l(id) }))
  const questions = [
    { id: "hands", block: "vote-1", label: l("Hands"), type: "single", collect: "tally", options: opts("yes", "no", "undecided") },
    { id: "hands-scale", block: "vote-1", label: l("Scale"), type: "scale", collect: "tally", scale: "1-5" },
    { id: "hands-many", block: "vote-1", label: l("Many"), type: "multiple", collect: "tally", max_choices: 2, options: opts("a", "b", "c", "d") },
    { id: "paper-one", block: "vote-2", label: l("One"), type: "single", collect: "ballot", options: opts("x", "y") },
    { id: "paper-many", block: "vote-2", label: l("Many"), type: "multiple", collect: "ballot", max_choices: 3, options: opts("a", "b", "c", "d", "e") },
    { id: "paper-scale", block: "vote-3", label: l("Scale"), type: "scale", collect: "ballot", scale: "0-10" },
    { id: "paper-rank", block: "vote-4", label: l("Rank"), type: "ranking", collect: "ballot", options: opts("p", "q", "r", "s", "t") },
    { id: "recs", block: "vote-4", label: l("Recs"), type: "recommendations", per_table: 3, votes_per_participant: 2 }
  ] as unknown as Ballots["questions"]
  return { questions, origin: new Map(questions.map((q, index) => [q.id, { file: "b.yaml", line: index + 1, index }])) }
}

const site = (id: string, country: string, capacity = 100, locale = "en"): ResultsSimulationSite => ({ id, country, capacity, format: "in-person", locale })

const AFRICA = ["SN", "KE", "NG", "GH", "ZA", "EG", "MA", "ET", "TZ", "UG"]
const EUROPE = ["GB", "FR", "DE", "ES", "IT", "PL", "SE", "NL", "PT", "GR"]
const OTHERS = ["IN", "BR", "US", "JP", "AU", "MX", "ID", "CA", "AR", "PH"]
const sitesOf = (countries: ReadonlyArray<string>, perCountry: number) => countries.flatMap((c) => Array.from({ length: perCountry }, (_, i) => site(`${c.toLowerCase()}-${i}`, c)))

describe("simulateSiteResults", () => {
  it("gives the same results for the same seed, and others for another seed", () => {
    const s = site("sn-dakar", "SN", 100, "fr-SN")
    const a = simulateSiteResults(exampleBallots, s, 7)
    expect(simulateSiteResults(exampleBallots, s, 7)).toEqual(a)
    expect(simulateSiteResults(exampleBallots, s, 8)).not.toEqual(a)
    // a question's answers come from a stream of their own: dropping another question leaves them
    const fewer = { questions: exampleBallots.questions.filter((q) => q.id !== "data-protections"), origin: exampleBallots.origin }
    const b = simulateSiteResults(fewer, s, 7)
    expect(b.ballots.map((x) => x.answers["platform-responsibility"])).toEqual(a.ballots.map((x) => x.answers["platform-responsibility"]))
    expect(b.tallies).toEqual(a.tallies)
  })

  it("passes the checks every way in shares, for every kind of question and many sites", () => {
    for (const ballots of [exampleBallots, everyKind()]) {
      for (const [i, s] of [...sitesOf(["SN", "GB", "IN", "WS"], 3), site("tiny", "FR", 1), site("small", "FR", 5), site("big", "US", 2000)].entries()) {
        const results = simulateSiteResults(ballots, s, i)
        expect(checkSiteResults(ballots, results)).toEqual([])
      }
    }
  })

  it("seats tables of about eight, with fewer present than seats, one ballot per person present", () => {
    expect(tableSeats(100)).toEqual([8, 8, 8, 8, 8, 8, 8, 8, 8, 7, 7, 7, 7])
    expect(tableSeats(3)).toEqual([3])
    for (const cap of [10, 37, 100, 120, 999]) {
      const seats = tableSeats(cap)
      expect(seats.reduce((a, b) => a + b, 0)).toBe(cap)
      expect(Math.min(...seats)).toBeGreaterThanOrEqual(6)
      expect(Math.max(...seats)).toBeLessThanOrEqual(10)
    }
    const r = simulateSiteResults(exampleBallots, site("gb-london", "GB", 120), 1)
    const seats = tableSeats(120)
    expect(r.tallies).toHaveLength(seats.length)
    r.tallies.forEach((t, i) => {
      expect(t.present).toBeLessThanOrEqual(seats[i]!)
      expect(t.present).toBeGreaterThanOrEqual(1)
    })
    const present = r.tallies.reduce((a, t) => a + t.present, 0)
    expect(present).toBeGreaterThan(120 * RESULTS_SIMULATION.attendance.min - 10)
    expect(r.ballots).toHaveLength(present)
    expect(r.ballots.slice(0, 2).map((b) => b.ballot)).toEqual(["b001", "b002"])
    // every tally counts every option, and some abstain over the site
    const counted = r.tallies.reduce((a, t) => a + Object.values(t.counts["access-right"]!).reduce((x, y) => x + y, 0), 0)
    expect(Object.keys(r.tallies[0]!.counts["access-right"]!).sort()).toEqual(["no", "undecided", "yes"])
    expect(counted).toBeLessThanOrEqual(present)
    // recommendations: 1 or 2 per table (per_table 2), priority votes within present × 3
    expect(new Set(r.recommendations.map((x) => x.table)).size).toBe(seats.length)
    expect(Math.max(...r.recommendations.map((x) => x.number))).toBe(2)
    const votes = r.recommendations.reduce((a, x) => a + x.votes, 0)
    expect(votes).toBeLessThanOrEqual(present * 3)
    expect(votes).toBeGreaterThan(present * 3 * 0.75)
  })

  it("writes the recommendations in the site's language", () => {
    const fr = simulateSiteResults(exampleBallots, site("sn-dakar", "SN", 50, "fr-SN"), 1)
    const ar = simulateSiteResults(exampleBallots, site("eg-cairo", "EG", 50, "ar-EG"), 1)
    const hi = simulateSiteResults(exampleBallots, site("in-delhi", "IN", 50, "hi-IN"), 1)
    expect(fr.recommendations.some((r) => /Internet|citoyens|données/.test(r.text) && /[éèàù’]/.test(r.text))).toBe(true)
    expect(ar.recommendations.every((r) => /[\u0600-\u06ff]/.test(r.text))).toBe(true)
    expect(hi.recommendations.every((r) => /^[A-Z]/.test(r.text))).toBe(true) // English when the language has no pool
  })

  it("builds in the documented regional effects: Africa leans to the first single-choice option, Europe rates the scale higher", () => {
    const effects = simulatedResultEffects(exampleBallots)
    expect(effects).toEqual([
      { question: "access-right", measure: "share", option: "yes", region: "Africa", regionCode: "002", inRegion: 0.75, elsewhere: 0.5 },
      { question: "platform-responsibility", measure: "mean", region: "Europe", regionCode: "150", inRegion: 7.5, elsewhere: 6 }
    ])
    const measure = (countries: ReadonlyArray<string>) => {
      const all: Array<SiteResults> = sitesOf(countries, 3).map((s) => simulateSiteResults(exampleBallots, s, 11))
      let yes = 0
      let votes = 0
      let sum = 0
      let n = 0
      for (const r of all) {
        for (const t of r.tallies) {
          const c = t.counts["access-right"]!
          yes += c["yes"]!
          votes += Object.values(c).reduce((a, b) => a + b, 0)
        }
        for (const b of r.ballots) {
          const v = b.answers["platform-responsibility"]
          if (typeof v === "number") (sum += v), n++
        }
      }
      return { share: yes / votes, mean: sum / n }
    }
    const africa = measure(AFRICA)
    const europe = measure(EUROPE)
    const others = measure(OTHERS)
    expect(africa.share).toBeCloseTo(SINGLE_CHOICE_LEAN.lean.share, 1)
    expect(europe.share).toBeCloseTo(SINGLE_CHOICE_LEAN.baseShare, 1)
    expect(others.share).toBeCloseTo(SINGLE_CHOICE_LEAN.baseShare, 1)
    expect(africa.share - others.share).toBeGreaterThan(0.17)
    const shift = SCALE_REGION_SHIFT.shift.by * 10
    expect(europe.mean - others.mean).toBeGreaterThan(shift - 0.4)
    expect(europe.mean - others.mean).toBeLessThan(shift + 0.4)
    expect(others.mean).toBeCloseTo(6, 0)
    expect(Math.abs(africa.mean - others.mean)).toBeLessThan(0.4)
  })
})
