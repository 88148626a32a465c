/**
 * Stored results written back as the three import layouts of `convene results import`
 * (tallies, ballots, recommendations), so that an export imports again as it was. Pure.
 */
import { type Ballots, isCounted } from "./Ballot.js"
import { formatCsv } from "./Csv.js"
import { RESULT_CSV_HEADERS, type ResultPart, type SiteResults } from "./Results.js"

/** The recommendations layout as exported: with its `question` column, which the import accepts always. */
export const EXPORTED_RECOMMENDATIONS_HEADER = ["site", "question", "table", "recommendation", "text", "votes"] as const

/** The rows of each part, without headers. */
export type ResultsCsvRows = Record<ResultPart, Array<Array<string>>>

/**
 * The rows of `results` in the import layouts: a tally row per option counted at a table; a
 * ballot row per ballot question of every ballot (blank when the ballot left it blank, so a
 * blank ballot is kept); a recommendation row per recommendation, with its question.
 *
 * @example
 * resultsCsvRows(ballots, [results]).tallies[0] // ["sn-dakar", "1", "9", "access-right", "yes", "6"]
 */
export const resultsCsvRows = (ballots: Ballots, results: ReadonlyArray<SiteResults>): ResultsCsvRows => {
  const onBallot = ballots.questions.filter((q) => isCounted(q) && q.collect === "ballot").map((q) => q.id)
  const rows: ResultsCsvRows = { tallies: [], ballots: [], recommendations: [] }
  for (const r of results) {
    for (const t of r.tallies) {
      for (const [question, counts] of Object.entries(t.counts)) {
        for (const [option, count] of Object.entries(counts)) rows.tallies.push([r.site_id, String(t.table), String(t.present), question, option, String(count)])
      }
    }
    for (const b of r.ballots) {
      for (const question of onBallot) {
        const v = b.answers[question]
        rows.ballots.push([r.site_id, b.ballot, question, v === undefined ? "" : Array.isArray(v) ? v.join(" ") : String(v)])
      }
    }
    for (const rec of r.recommendations) rows.recommendations.push([r.site_id, rec.question, String(rec.table), String(rec.number), rec.text, String(rec.votes)])
  }
  return rows
}

/** One part's rows as a CSV file with its import header. */
export const resultsCsvText = (part: ResultPart, rows: ReadonlyArray<ReadonlyArray<string>>): string =>
  formatCsv(part === "recommendations" ? EXPORTED_RECOMMENDATIONS_HEADER : RESULT_CSV_HEADERS[part], rows)
