/**
 * The citizens' results of one site: table tallies, individual ballots and the tables'
 * recommendations — one shape ({@link SiteResults}) for every way in (CSV, the web form,
 * KoboToolbox, the simulation) and one set of checks, so that each way rejects what the others
 * reject. Pure: the workflows read the files and store what this returns.
 */
import * as Schema from "effect/Schema"
import { CONTROL_IN_TEXT, MAX_TEXT_LENGTH } from "./Answers.js"
import { type Ballots, ballotsForSite, type CountedQuestion, heldAt, isCounted, maxChoices, optionIds, type RecommendationsQuestion, type VoteQuestion } from "./Ballot.js"
import { eachCsvRecord, restoreCsvCell } from "./Csv.js"
import type { Problem } from "./Errors.js"

const Count = Schema.Number.check(Schema.isInt({ message: "expected a whole number" }), Schema.isGreaterThanOrEqualTo(0, { message: "expected 0 or more" }))
const TableNumber = Schema.Number.check(Schema.isInt({ message: "expected a whole table number" }), Schema.isGreaterThanOrEqualTo(1, { message: "expected a table number of 1 or more" }))

/** What one table counted: people present, and per tally question the votes per option. */
export const TableTally = Schema.Struct({
  table: TableNumber,
  present: Count,
  /** question id → option id (or scale point) → votes */
  counts: Schema.Record(Schema.String, Schema.Record(Schema.String, Count))
})
export type TableTally = typeof TableTally.Type

/** A ballot answer: an option id (single), a number (scale), option ids (multiple; a ranking in order of preference). */
export const BallotValue = Schema.Union([Schema.String, Schema.Number, Schema.Array(Schema.String)])
export type BallotValue = typeof BallotValue.Type

/** One participant's ballot: an id unique within the site, and the answer to each ballot question (blank ones left out). */
export const BallotEntry = Schema.Struct({
  ballot: Schema.String.check(Schema.isNonEmpty({ message: "expected a ballot id" })),
  answers: Schema.Record(Schema.String, BallotValue)
})
export type BallotEntry = typeof BallotEntry.Type

/** A table's recommendation and the priority votes the site gave it. */
export const Recommendation = Schema.Struct({
  question: Schema.String,
  table: TableNumber,
  /** Its number at the table, from 1. */
  number: TableNumber,
  text: Schema.String,
  votes: Count
})
export type Recommendation = typeof Recommendation.Type

/** Everything one site entered. The parts of an import replace the same parts of the draft. */
export const SiteResults = Schema.Struct({
  site_id: Schema.String,
  tallies: Schema.Array(TableTally),
  ballots: Schema.Array(BallotEntry),
  recommendations: Schema.Array(Recommendation)
})
export type SiteResults = typeof SiteResults.Type

/** Where a site's results stand: entered (draft), sent by the fellow (submitted), checked by staff (validated). */
export const ResultStatus = Schema.Literals(["draft", "submitted", "validated"])
export type ResultStatus = typeof ResultStatus.Type

/** The parts of a site's results. */
export type ResultPart = "tallies" | "ballots" | "recommendations"

/** An empty result for a site. */
export const emptyResults = (site_id: string): SiteResults => ({ site_id, tallies: [], ballots: [], recommendations: [] })

// ─── the checks every way in shares ─────────────────────────────────────────────────────────

/** A cell read: its value, or what was expected. */
export type CellCheck<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly expected: string }

/** A whole number of 0 or more (a count, people present). */
export const readCount = (raw: string): CellCheck<number> => {
  const s = raw.trim()
  return /^\d{1,7}$/.test(s) ? { ok: true, value: Number(s) } : { ok: false, expected: `a whole number of 0 or more, got ${JSON.stringify(raw)}` }
}

/** A whole number written with at most 7 digits (surrounding spaces allowed), else -1; allocates nothing. */
const wholeNumber = (raw: string): number => {
  let start = 0
  let end = raw.length
  while (start < end && raw.charCodeAt(start) === 32) start++
  while (end > start && raw.charCodeAt(end - 1) === 32) end--
  if (end === start || end - start > 7) return -1
  let n = 0
  for (let i = start; i < end; i++) {
    const c = raw.charCodeAt(i) - 48
    if (c < 0 || c > 9) return -1
    n = n * 10 + c
  }
  return n
}

/** A table number, 1 or more. */
export const readTable = (raw: string): CellCheck<number> => {
  const s = raw.trim()
  return /^\d{1,5}$/.test(s) && Number(s) >= 1 ? { ok: true, value: Number(s) } : { ok: false, expected: `a table number of 1 or more, got ${JSON.stringify(raw)}` }
}

/**
 * A ballot's answer to one question as typed (a cell, a form field): an option id; option ids
 * separated by spaces (multiple choice, at most `max_choices`; a ranking, best first); a scale
 * point. Blank is a blank vote (`undefined`).
 *
 * @example
 * readBallotValue(multipleQuestion, "privacy access") // { ok: true, value: ["privacy", "access"] }
 */
export const readBallotValue = (q: CountedQuestion, raw: string): CellCheck<BallotValue | undefined> => {
  const s = raw.trim()
  if (s === "") return { ok: true, value: undefined }
  const ids = optionIds(q)
  const known = new Set(ids)
  if (q.type === "scale") {
    return /^\d{1,2}$/.test(s) && known.has(String(Number(s))) ? { ok: true, value: Number(s) } : { ok: false, expected: `a whole number from ${ids[0]} to ${ids.at(-1)}, got ${JSON.stringify(raw)}` }
  }
  const parts = s.split(/\s+/)
  const unknown = parts.find((p) => !known.has(p))
  if (unknown !== undefined) return { ok: false, expected: `an option of "${q.id}" (${ids.join(", ")}), got ${JSON.stringify(unknown)}` }
  if (new Set(parts).size !== parts.length) return { ok: false, expected: `each option once, got ${JSON.stringify(s)}` }
  if (q.type === "single") return parts.length === 1 ? { ok: true, value: parts[0]! } : { ok: false, expected: `one option (single choice), got ${parts.length}` }
  if (parts.length > maxChoices(q)) return { ok: false, expected: `at most ${maxChoices(q)} choices, got ${parts.length}` }
  return { ok: true, value: parts }
}

/**
 * What is wrong with one table's counts for one question, if anything: more votes than people
 * present (single choice, scale), or more than `present × max_choices` (multiple choice), or an
 * option counted more often than there are people.
 */
export const tallyProblem = (q: CountedQuestion, present: number, counts: Readonly<Record<string, number>>): string | undefined => {
  const values = Object.values(counts)
  const total = values.reduce((a, b) => a + b, 0)
  if (q.type === "multiple") {
    const over = Object.entries(counts).find(([, n]) => n > present)
    if (over !== undefined) return `${over[1]} votes for "${over[0]}" but only ${present} people present at the table`
    if (total > present * q.max_choices) return `${total} votes in all but ${present} people present with at most ${q.max_choices} choices each (${present * q.max_choices})`
    return undefined
  }
  return total > present ? `${total} votes but only ${present} people present at the table` : undefined
}

/** A recommendation's text: not empty, no control characters, at most 4,000 characters. */
export const readRecommendationText = (raw: string): CellCheck<string> => {
  const s = raw.trim()
  if (s === "") return { ok: false, expected: "the recommendation's text" }
  if (CONTROL_IN_TEXT.test(s)) return { ok: false, expected: "text without control characters" }
  if (s.length > MAX_TEXT_LENGTH) return { ok: false, expected: `at most ${MAX_TEXT_LENGTH} characters, got ${s.length}` }
  return { ok: true, value: s }
}

/** The priority votes a site may give in all: its people present times the votes each has. */
export const recommendationVotesProblem = (q: RecommendationsQuestion, present: number, votes: number): string | undefined =>
  votes > present * q.votes_per_participant ? `${votes} priority votes in all but ${present} people present with ${q.votes_per_participant} votes each (${present * q.votes_per_participant})` : undefined

/**
 * Every problem of a whole site's results (as the web form or an integrator hands them over),
 * each with a field path such as `tallies.3.vote-1-access` or `ballots.b12.vote-2-data`. The CSV
 * reader reports the same checks at FILE:LINE:COLUMN.
 */
export const checkSiteResults = (all: Ballots, results: SiteResults): Array<Problem> => {
  // the questions this site votes on: the global ones and its national session's
  const ballots = ballotsForSite(all, results.site_id)
  const problems: Array<Problem> = []
  const byId = new Map(ballots.questions.map((q) => [q.id, q]))
  const tables = new Set<number>()
  for (const t of results.tallies) {
    if (tables.has(t.table)) problems.push({ field: `tallies.${t.table}`, message: `table ${t.table} is entered twice` })
    tables.add(t.table)
    for (const [qid, counts] of Object.entries(t.counts)) {
      const q = byId.get(qid)
      if (q === undefined || !isCounted(q) || q.collect !== "tally") {
        problems.push({ field: `tallies.${t.table}.${qid}`, message: unknownQuestion(ballots, qid, "tally") })
        continue
      }
      const known = new Set(optionIds(q))
      for (const o of Object.keys(counts)) if (!known.has(o)) problems.push({ field: `tallies.${t.table}.${qid}.${o}`, message: `expected an option of "${qid}" (${[...known].join(", ")}), got "${o}"` })
      const over = tallyProblem(q, t.present, counts)
      if (over !== undefined) problems.push({ field: `tallies.${t.table}.${qid}`, message: over })
    }
  }
  const ids = new Set<string>()
  for (const b of results.ballots) {
    if (ids.has(b.ballot)) problems.push({ field: `ballots.${b.ballot}`, message: `the ballot ${b.ballot} is entered twice` })
    ids.add(b.ballot)
    for (const [qid, value] of Object.entries(b.answers)) {
      const q = byId.get(qid)
      if (q === undefined || !isCounted(q) || q.collect !== "ballot") {
        problems.push({ field: `ballots.${b.ballot}.${qid}`, message: unknownQuestion(ballots, qid, "ballot") })
        continue
      }
      const check = readBallotValue(q, Array.isArray(value) ? value.join(" ") : String(value))
      if (!check.ok) problems.push({ field: `ballots.${b.ballot}.${qid}`, message: `expected ${check.expected}` })
    }
  }
  const recs = new Set<string>()
  const present = results.tallies.reduce((a, t) => a + t.present, 0)
  const votesBy = new Map<string, number>()
  for (const r of results.recommendations) {
    const q = byId.get(r.question)
    const key = `${r.question}.${r.table}.${r.number}`
    if (q === undefined || q.type !== "recommendations") {
      problems.push({ field: `recommendations.${key}`, message: unknownQuestion(ballots, r.question, "recommendations") })
      continue
    }
    if (recs.has(key)) problems.push({ field: `recommendations.${key}`, message: `recommendation ${r.number} of table ${r.table} is entered twice` })
    recs.add(key)
    if (r.number > (q.per_table ?? 3)) problems.push({ field: `recommendations.${key}`, message: `expected at most ${q.per_table ?? 3} recommendations per table` })
    const text = readRecommendationText(r.text)
    if (!text.ok) problems.push({ field: `recommendations.${key}.text`, message: `expected ${text.expected}` })
    votesBy.set(r.question, (votesBy.get(r.question) ?? 0) + r.votes)
  }
  if (results.tallies.length > 0) {
    for (const [qid, votes] of votesBy) {
      const over = recommendationVotesProblem(byId.get(qid) as RecommendationsQuestion, present, votes)
      if (over !== undefined) problems.push({ field: `recommendations.${qid}`, message: over })
    }
  }
  return problems
}

const notHeld = (question: string, site: string): string =>
  `"${question}" is a question of a national session that ${site} does not hold (sites/<id>/site.yaml): enter it for the sites of that session only`

const unknownQuestion = (ballots: Ballots, id: string, mode: "tally" | "ballot" | "recommendations"): string => {
  const q = ballots.questions.find((x) => x.id === id)
  const fitting = ballots.questions.filter((x) => (mode === "recommendations" ? x.type === "recommendations" : isCounted(x) && x.collect === mode)).map((x) => x.id)
  const list = fitting.length > 0 ? fitting.join(", ") : "none"
  if (q === undefined) return `unknown question "${id}": expected one of the ${mode === "recommendations" ? "recommendations questions" : `questions collected by ${mode}`} (${list})`
  if (q.type === "recommendations") return `"${id}" is the recommendations question: enter it in a recommendations file (site,table,recommendation,text,votes)`
  return `"${id}" is collected by ${(q as CountedQuestion).collect}, not by ${mode} (questions collected by ${mode}: ${list})`
}

// ─── the CSV files ──────────────────────────────────────────────────────────────────────────

/** The three CSV layouts, told apart by their header. */
export const RESULT_CSV_HEADERS: Readonly<Record<ResultPart, ReadonlyArray<string>>> = {
  tallies: ["site", "table", "present", "question", "option", "count"],
  ballots: ["site", "ballot", "question", "value"],
  recommendations: ["site", "table", "recommendation", "text", "votes"]
}

/** One site's part of a results file, with the line of its first row. */
export interface SiteEntry {
  readonly site_id: string
  readonly line: number
  readonly column: number
  readonly results: SiteResults
}

/** A results file as read: which part it holds, each site's results, and every problem. */
export interface ResultsFile {
  readonly part: ResultPart
  readonly sites: ReadonlyArray<SiteEntry>
  readonly rows: number
  readonly problems: ReadonlyArray<Problem>
}

/**
 * Reads a results CSV — table tallies (`site,table,present,question,option,count`), individual
 * ballots (`site,ballot,question,value`) or recommendations (`site,table,recommendation,text,votes`,
 * with a `question` column when the ballots have several recommendations questions) — told apart
 * by the header. Every bad cell is a problem at FILE:LINE:COLUMN: an unknown site, question or
 * option, a count that is not a whole number, more votes than people present, more choices than
 * allowed, a duplicate table or ballot. With `site`, the `site` column may be left out, and rows
 * of another site are refused.
 *
 * @example
 * readResultsCsv("site,table,present,question,option,count\nsn-dakar,1,9,access,agree,6\n", "t.csv", ballots, new Set(["sn-dakar"]))
 */
export const readResultsCsv = (text: string, file: string, ballots: Ballots, knownSites: ReadonlySet<string>, options: { readonly site?: string | undefined } = {}): ResultsFile => {
  const problems: Array<Problem> = []
  let part: ResultPart | undefined
  let visitRow: ((fields: ReadonlyArray<string>, line: number) => void) | undefined
  let header: { readonly line: number; readonly fields: ReadonlyArray<string> } | undefined
  const sites = new Map<string, { line: number; column: number; tallies: Map<number, { present: number; presentLine: number; counts: Record<string, Record<string, number>>; lines: Record<string, Record<string, number>>; questionLines: Record<string, number> }>; ballots: Map<string, { answers: Record<string, BallotValue>; lines: Map<string, number> }>; recommendations: Map<string, { rec: Recommendation; line: number }> }>()
  const byId = new Map(ballots.questions.map((q) => [q.id, q]))
  const col = new Map<string, number>()
  const at = (line: number, name: string): { file: string; line: number; column: number; field: string } => ({ file, line, column: (col.get(name) ?? 0) + 1, field: name })
  let rows = 0
  const layouts = Object.entries(RESULT_CSV_HEADERS).map(([p, cols]) => `${p}: ${cols.join(",")}`).join("; ")
  // the rows are read as the text is parsed, never all held at once (a file of 640,000 tally rows
  // would be as many records)
  const syntax = eachCsvRecord(text, {}, (fields, line) => {
    if (header === undefined) {
      header = { line, fields }
      visitRow = headerOf(header)
    } else visitRow?.(fields, line)
  })
  const fail = (p: ResultPart = part ?? "tallies"): ResultsFile => ({ part: p, sites: [], rows: 0, problems })
  if (syntax.length > 0) {
    problems.splice(0, problems.length, ...syntax.map((p) => ({ file, line: p.line, column: p.column, message: p.message })))
    return fail()
  }
  if (header === undefined) {
    problems.push({ file, line: 1, message: `the file is empty: expected a header line (${layouts})` })
    return fail()
  }
  if (visitRow === undefined || part === undefined) return fail()

  // the header: which layout, which column holds what; a row reader, or undefined when the
  // header is wrong (its problems are in `problems`)
  function headerOf(header: { readonly line: number; readonly fields: ReadonlyArray<string> }): ((fields: ReadonlyArray<string>, line: number) => void) | undefined {
    const names = header.fields.map((f) => f.trim().toLowerCase())
    const has = (cols: ReadonlyArray<string>): boolean => cols.every((c) => c === "site" ? names.includes(c) || options.site !== undefined : names.includes(c))
    part = has(RESULT_CSV_HEADERS.tallies) ? "tallies" : has(RESULT_CSV_HEADERS.ballots) ? "ballots" : has(RESULT_CSV_HEADERS.recommendations) ? "recommendations" : undefined
    if (part === undefined) {
      problems.push({ file, line: header.line, message: `expected the header of a results file (${layouts}); got ${header.fields.join(",")}` })
      return undefined
    }
    const layout: ResultPart = part
    const allowed = new Set([...RESULT_CSV_HEADERS[layout], ...(layout === "recommendations" ? ["question"] : [])])
    names.forEach((n, i) => {
      if (!allowed.has(n)) problems.push({ file, line: header.line, column: i + 1, message: `unknown column "${header.fields[i]}": a ${layout} file has ${[...allowed].join(", ")}` })
      else if (col.has(n)) problems.push({ file, line: header.line, column: i + 1, message: `the column "${n}" is repeated` })
      else col.set(n, i)
    })
    if (problems.length > 0) return undefined

    const recommendationQuestions = ballots.questions.filter((q): q is RecommendationsQuestion => q.type === "recommendations")
    if (layout === "recommendations" && !col.has("question") && recommendationQuestions.length !== 1) {
      problems.push({
        file,
        line: header.line,
        message: recommendationQuestions.length === 0 ? "the ballots have no recommendations question" : `the ballots have ${recommendationQuestions.length} recommendations questions (${recommendationQuestions.map((q) => q.id).join(", ")}): add a "question" column`
      })
      return undefined
    }
    const cell = (fields: ReadonlyArray<string>, name: string): string => {
      const i = col.get(name)
      // an exported cell neutralised against formula injection ('=…) reads back as it was stored
      return i === undefined ? "" : restoreCsvCell(fields[i] ?? "")
    }
    const [iSite, iTable, iPresent, iCount, iQuestion, iOption] = ["site", "table", "present", "count", "question", "option"].map((n) => col.get(n) ?? -1) as [number, number, number, number, number, number]
    const optionSets = new Map<string, ReadonlySet<string>>()
    return (fields, line) => {
      if (fields.length !== header.fields.length) {
        problems.push({ file, line: line, message: `expected ${header.fields.length} fields, got ${fields.length}` })
        return
      }
      rows++
      const f = fields
      const siteRaw = iSite >= 0 ? f[iSite]!.trim() : options.site!
      if (!knownSites.has(siteRaw)) {
        problems.push({ ...at(line, "site"), message: siteRaw === "" ? "expected a site id" : `unknown site "${siteRaw}": expected a site of the registry` })
        return
      }
      if (options.site !== undefined && siteRaw !== options.site) {
        problems.push({ ...at(line, "site"), message: `expected only rows of ${options.site} (--site), got ${siteRaw}` })
        return
      }
      let site = sites.get(siteRaw)
      if (site === undefined) {
        site = { line: line, column: (col.get("site") ?? 0) + 1, tallies: new Map(), ballots: new Map(), recommendations: new Map() }
        sites.set(siteRaw, site)
      }
      if (layout === "tallies") {
        // the fast path for hundreds of thousands of rows: whole numbers read without allocating,
        // the options of each question looked up in a set made once
        const tableRaw = f[iTable]!
        const presentRaw = f[iPresent]!
        const countRaw = f[iCount]!
        const table = wholeNumber(tableRaw)
        const present = wholeNumber(presentRaw)
        const count = wholeNumber(countRaw)
        const qid = f[iQuestion]!.trim()
        const q = byId.get(qid)
        if (q !== undefined && !heldAt(ballots, qid, siteRaw)) {
          problems.push({ ...at(line, "question"), message: notHeld(qid, siteRaw) })
          return
        }
        const optionRaw = f[iOption]!.trim()
        let ok = true
        if (table < 1) (ok = false), problems.push({ ...at(line, "table"), message: `expected ${(readTable(tableRaw) as { expected: string }).expected}` })
        if (present < 0) (ok = false), problems.push({ ...at(line, "present"), message: `expected ${(readCount(presentRaw) as { expected: string }).expected}` })
        if (count < 0) (ok = false), problems.push({ ...at(line, "count"), message: `expected ${(readCount(countRaw) as { expected: string }).expected}` })
        if (q === undefined || !isCounted(q) || q.collect !== "tally") {
          problems.push({ ...at(line, "question"), message: unknownQuestion(ballots, qid, "tally") })
          return
        }
        let ids = optionSets.get(qid)
        if (ids === undefined) optionSets.set(qid, (ids = new Set(optionIds(q))))
        const option = ids.has(optionRaw) ? optionRaw : q.type === "scale" && /^\d+$/.test(optionRaw) ? String(Number(optionRaw)) : optionRaw
        if (!ids.has(option)) {
          problems.push({ ...at(line, "option"), message: `expected an option of "${qid}" (${[...ids].join(", ")}), got ${JSON.stringify(optionRaw)}` })
          return
        }
        if (!ok) return
        let t = site.tallies.get(table)
        if (t === undefined) {
          t = { present, presentLine: line, counts: {}, lines: {}, questionLines: {} }
          site.tallies.set(table, t)
        } else if (t.present !== present) {
          problems.push({ ...at(line, "present"), message: `table ${table} has ${t.present} people present on line ${t.presentLine}, here ${present}` })
          return
        }
        const lines = (t.lines[qid] ??= {})
        const first = lines[option]
        if (first !== undefined) {
          problems.push({ ...at(line, "option"), message: `a duplicate: table ${table}'s count for "${qid}" / "${option}" is already on line ${first}` })
          return
        }
        lines[option] = line
        t.questionLines[qid] = line
        ;(t.counts[qid] ??= {})[option] = count
      } else if (layout === "ballots") {
        const ballot = cell(f, "ballot").trim()
        const qid = cell(f, "question").trim()
        const q = byId.get(qid)
        if (q !== undefined && !heldAt(ballots, qid, siteRaw)) {
          problems.push({ ...at(line, "question"), message: notHeld(qid, siteRaw) })
          return
        }
        if (ballot === "" || ballot.length > 64 || CONTROL_IN_TEXT.test(ballot)) {
          problems.push({ ...at(line, "ballot"), message: "expected a ballot id (at most 64 characters), unique within the site" })
          return
        }
        if (q === undefined || !isCounted(q) || q.collect !== "ballot") {
          problems.push({ ...at(line, "question"), message: unknownQuestion(ballots, qid, "ballot") })
          return
        }
        let b = site.ballots.get(ballot)
        if (b === undefined) {
          b = { answers: {}, lines: new Map() }
          site.ballots.set(ballot, b)
        }
        const first = b.lines.get(qid)
        if (first !== undefined) {
          problems.push({ ...at(line, "ballot"), message: `a duplicate: ballot ${ballot}'s answer to "${qid}" is already on line ${first}` })
          return
        }
        b.lines.set(qid, line)
        const value = readBallotValue(q, cell(f, "value"))
        if (!value.ok) problems.push({ ...at(line, "value"), message: `expected ${value.expected}` })
        else if (value.value !== undefined) b.answers[qid] = value.value
      } else {
        const qid = col.has("question") ? cell(f, "question").trim() : recommendationQuestions[0]!.id
        const q = byId.get(qid)
        if (q !== undefined && !heldAt(ballots, qid, siteRaw)) {
          problems.push({ ...at(line, "question"), message: notHeld(qid, siteRaw) })
          return
        }
        if (q === undefined || q.type !== "recommendations") {
          problems.push({ ...at(line, "question"), message: unknownQuestion(ballots, qid, "recommendations") })
          return
        }
        const table = readTable(cell(f, "table"))
        const number = readTable(cell(f, "recommendation"))
        const text = readRecommendationText(cell(f, "text"))
        const votes = readCount(cell(f, "votes"))
        if (!table.ok) problems.push({ ...at(line, "table"), message: `expected ${table.expected}` })
        if (!number.ok) problems.push({ ...at(line, "recommendation"), message: `expected ${number.expected.replace("table number", "recommendation number")}` })
        else if (number.value > (q.per_table ?? 3)) problems.push({ ...at(line, "recommendation"), message: `expected at most ${q.per_table ?? 3} recommendations per table (per_table of "${qid}"), got ${number.value}` })
        if (!text.ok) problems.push({ ...at(line, "text"), message: `expected ${text.expected}` })
        if (!votes.ok) problems.push({ ...at(line, "votes"), message: `expected ${votes.expected}` })
        if (!table.ok || !number.ok || !text.ok || !votes.ok) return
        const key = `${qid}\u0000${table.value}\u0000${number.value}`
        const first = site.recommendations.get(key)
        if (first !== undefined) {
          problems.push({ ...at(line, "recommendation"), message: `a duplicate: recommendation ${number.value} of table ${table.value} is already on line ${first.line}` })
          return
        }
        site.recommendations.set(key, { line: line, rec: { question: qid, table: table.value, number: number.value, text: text.value, votes: votes.value } })
      }
      }
  }

  // the checks across rows: a table's votes against its people present
  if (part === "tallies") {
    for (const site of sites.values()) {
      for (const [table, t] of site.tallies) {
        for (const [qid, counts] of Object.entries(t.counts)) {
          const over = tallyProblem(byId.get(qid) as CountedQuestion, t.present, counts)
          if (over !== undefined) problems.push({ ...at(t.questionLines[qid]!, "count"), message: `table ${table}, "${qid}": ${over}` })
        }
      }
    }
  }
  const entries: Array<SiteEntry> = [...sites].map(([site_id, s]) => ({
    site_id,
    line: s.line,
    column: s.column,
    results: {
      site_id,
      tallies: [...s.tallies].sort((a, b) => a[0] - b[0]).map(([table, t]) => ({ table, present: t.present, counts: t.counts })),
      ballots: [...s.ballots].map(([ballot, b]) => ({ ballot, answers: b.answers })),
      recommendations: [...s.recommendations.values()].map((r) => r.rec)
    }
  }))
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0))
  return { part, sites: entries, rows, problems }
}

/** The questions of the ballots a part of the results covers. */
export const questionsOfPart = (ballots: Ballots, part: ResultPart): Array<VoteQuestion> =>
  ballots.questions.filter((q) => (part === "recommendations" ? q.type === "recommendations" : isCounted(q) && q.collect === (part === "tallies" ? "tally" : "ballot")))

/**
 * One site's totals for one counted question, as the analysis reads them (the counting is done
 * in SQL by the results repository).
 */
export interface SiteQuestionTotals {
  readonly site_id: string
  readonly question: string
  /**
   * The people counted: ballots that answered the question; for a tally, the votes of a single
   * choice or scale, or the people present at the tables that counted a multiple choice.
   */
  readonly voters: number
  /** option id (or scale point) → votes */
  readonly votes: Readonly<Record<string, number>>
  /** Rankings only: option id → the sum of the ranks it was given (1 = first); `votes` counts the ballots that ranked it. */
  readonly rank_sums?: Readonly<Record<string, number>>
}

/**
 * A site's counts per counted question, from its results: tallies summed over its tables,
 * ballots counted per option (a blank answer is not a voter), rank sums for rankings. For a
 * multiple choice collected by tally, the voters are the people present at the tables that
 * counted it; for the other tally questions, the votes. The write path stores these with the
 * site's results, so the report reads one row per site and question.
 *
 * @example
 * siteTotalsOf(ballots, { site_id: "sn-dakar", tallies: [{ table: 1, present: 9, counts: { "access-right": { yes: 6, no: 3 } } }], ballots: [], recommendations: [] })
 * // [{ site_id: "sn-dakar", question: "access-right", voters: 9, votes: { yes: 6, no: 3 } }]
 */
export const siteTotalsOf = (ballots: Ballots, results: SiteResults): Array<SiteQuestionTotals> => {
  const out: Array<SiteQuestionTotals> = []
  for (const q of ballotsForSite(ballots, results.site_id).questions) {
    if (!isCounted(q)) continue
    const votes: Record<string, number> = {}
    let voters = 0
    let seen = false
    if (q.collect === "tally") {
      for (const t of results.tallies) {
        const counts = t.counts[q.id]
        if (counts === undefined) continue
        seen = true
        let sum = 0
        for (const [o, n] of Object.entries(counts)) {
          votes[o] = (votes[o] ?? 0) + n
          sum += n
        }
        voters += q.type === "multiple" ? t.present : sum
      }
      if (seen) out.push({ site_id: results.site_id, question: q.id, voters, votes })
      continue
    }
    const ranks: Record<string, number> | undefined = q.type === "ranking" ? {} : undefined
    for (const b of results.ballots) {
      const value = b.answers[q.id]
      if (value === undefined) continue
      seen = true
      voters++
      const chosen = Array.isArray(value) ? (value as ReadonlyArray<string>) : [String(value)]
      chosen.forEach((o, i) => {
        votes[o] = (votes[o] ?? 0) + 1
        if (ranks !== undefined) ranks[o] = (ranks[o] ?? 0) + i + 1
      })
    }
    if (seen) out.push({ site_id: results.site_id, question: q.id, voters, votes, ...(ranks === undefined ? {} : { rank_sums: ranks }) })
  }
  return out
}
