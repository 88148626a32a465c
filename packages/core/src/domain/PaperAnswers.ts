/**
 * Answers typed from paper questionnaires (a CSV: `code`, then one column per question id) and
 * KoboToolbox/ODK exports, read into rows of decoded answers with every problem located as
 * FILE:LINE:COLUMN. Pure: the import workflow reads the file and looks the codes up.
 */
import * as Schema from "effect/Schema"
import { type Answers, decodeAnswer } from "./Answers.js"
import { parseCsv } from "./Csv.js"
import type { Problem } from "./Errors.js"
import { type Instrument, type Question, questionsFor, type WaveId } from "./Instrument.js"
import { koboDelimiter, parseKoboCsv } from "./Kobo.js"
import { normaliseParticipantCode, ParticipantCode } from "./Registry.js"

/** One participant's answers as read from a file: where, the code (upper case), the answers given. */
export interface AnswerRow {
  readonly line: number
  readonly code: string
  /** The column of the code (1-based), for problems about it. */
  readonly codeColumn: number
  readonly answers: Answers
}

/** The rows of a file and everything wrong with it. */
export interface AnswerRows {
  readonly rows: ReadonlyArray<AnswerRow>
  readonly problems: ReadonlyArray<Problem>
  /** How many question columns the file has. */
  readonly questions: number
  /** Rows left out because a reviewer did not approve them (KoboToolbox). */
  readonly unapproved: number
}

const CODE_COLUMNS = ["code", "participant_code"]
const isParticipantCode = Schema.is(ParticipantCode)

/**
 * Paper data entry: `code` (or `participant_code`), then one column per question id of the
 * wave. A header problem stops the reading; otherwise every bad cell is reported.
 *
 * @example
 * paperRows("code,trust\nSNAAAA22,7\n", "paper.csv", instrument, "pre")
 * // { rows: [{ line: 2, code: "SNAAAA22", codeColumn: 1, answers: { trust: 7 } }], problems: [], questions: 1, unapproved: 0 }
 */
export const paperRows = (text: string, file: string, instrument: Instrument, wave: WaveId): AnswerRows => {
  const csv = parseCsv(text)
  const problems: Array<Problem> = csv.problems.map((p) => ({ file, line: p.line, column: p.column, message: p.message }))
  if (problems.length > 0) return { rows: [], problems, questions: 0, unapproved: 0 }
  const [header, ...records] = csv.records
  if (header === undefined) return { rows: [], problems: [{ file, line: 1, message: "the file is empty: expected a header line (code, then question ids)" }], questions: 0, unapproved: 0 }
  const byId = new Map(instrument.questions.map((q) => [q.id, q]))
  const asked = new Set(questionsFor(instrument, wave).map((q) => q.id))
  const codeColumn = header.fields.findIndex((f) => CODE_COLUMNS.includes(f.trim()))
  if (codeColumn < 0) problems.push({ file, line: header.line, message: `expected a "code" column with each participant's code; the header is ${header.fields.join(",")}` })
  const seen = new Set<string>()
  const columns: Array<{ index: number; question: Question }> = []
  header.fields.forEach((raw, index) => {
    const name = raw.trim()
    if (index === codeColumn) return
    if (seen.has(name)) problems.push({ file, line: header.line, column: index + 1, message: `the column "${name}" is repeated` })
    seen.add(name)
    const q = byId.get(name)
    if (q === undefined) problems.push({ file, line: header.line, column: index + 1, message: `unknown column "${name}": expected code or a question id of ${instrument.id}` })
    else if (!asked.has(name)) problems.push({ file, line: header.line, column: index + 1, message: `the question "${name}" is not asked in the ${wave} wave (it is in ${q.waves.join(", ")})` })
    else columns.push({ index, question: q })
  })
  if (problems.length > 0) return { rows: [], problems, questions: columns.length, unapproved: 0 }
  const rows: Array<AnswerRow> = []
  const codes = new Map<string, number>()
  for (const record of records) {
    if (record.fields.length !== header.fields.length) {
      problems.push({ file, line: record.line, message: `expected ${header.fields.length} fields, got ${record.fields.length}` })
      continue
    }
    const code = normaliseParticipantCode(record.fields[codeColumn]!)
    if (code === "") {
      problems.push({ file, line: record.line, column: codeColumn + 1, field: "code", message: "expected a participant code" })
      continue
    }
    // checked here as the Kobo reader does: a NUL in a code used to reach the database's lookup (exit 3, no line)
    if (!isParticipantCode(code)) {
      problems.push({ file, line: record.line, column: codeColumn + 1, field: "code", message: `expected a code of 4 to 32 letters, digits or dashes, got ${JSON.stringify(record.fields[codeColumn]!)}` })
      continue
    }
    const first = codes.get(code)
    if (first !== undefined) problems.push({ file, line: record.line, column: codeColumn + 1, field: "code", message: `the code ${code} is already on line ${first}` })
    codes.set(code, first ?? record.line)
    const answers: Record<string, Answers[string]> = {}
    for (const c of columns) {
      const check = decodeAnswer(c.question, record.fields[c.index])
      if (!check.ok) problems.push({ file, line: record.line, column: c.index + 1, field: c.question.id, message: `expected ${check.expected}` })
      else if (check.value !== undefined) answers[c.question.id] = check.value
    }
    rows.push({ line: record.line, code, codeColumn: codeColumn + 1, answers })
  }
  return { rows, problems, questions: columns.length, unapproved: 0 }
}

/** A KoboToolbox/ODK CSV export, through the Kobo reader, as the same rows. */
export const koboRows = (text: string, file: string, instrument: Instrument, wave: WaveId, options: { readonly includeUnapproved?: boolean } = {}): AnswerRows => {
  const parsed = parseKoboCsv(text, file, instrument, wave, options)
  const header = parseCsv(text, { delimiter: koboDelimiter(text) }).records[0]?.fields ?? []
  const codeColumn = header.findIndex((h) => h.split("/").at(-1) === "participant_code") + 1
  return {
    rows: parsed.rows.map((r) => ({ line: r.line, code: normaliseParticipantCode(r.code), codeColumn, answers: r.answers })),
    problems: parsed.problems,
    questions: questionsFor(instrument, wave).length,
    unapproved: parsed.unapproved
  }
}
