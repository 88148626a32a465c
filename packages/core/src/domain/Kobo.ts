/**
 * Reads a KoboToolbox (or ODK Central) CSV export of a form made by `xlsFormSheets`, exported
 * with "XML values and headers", into answers per participant code. Pure: every cell goes
 * through `decodeAnswer`, every problem names its file, line and column.
 */
import * as Schema from "effect/Schema"
import { type AnswerValue, decodeAnswer } from "./Answers.js"
import { parseCsv } from "./Csv.js"
import type { Problem } from "./Errors.js"
import { type Instrument, type Question, questionsFor, type WaveId } from "./Instrument.js"
import { normaliseParticipantCode, ParticipantCode } from "./Registry.js"
import { PARTICIPANT_CODE } from "./XlsForm.js"

/** One submission: the line it starts on, the participant code (upper case) and the answers given. */
export interface KoboRow {
  readonly line: number
  readonly code: string
  readonly answers: Record<string, AnswerValue>
}

/** The submissions of an export and everything wrong with it. */
export interface ParsedKoboCsv {
  readonly rows: Array<KoboRow>
  readonly problems: Array<Problem>
  /** Rows a reviewer marked "Not approved" in KoboToolbox (`_validation_status`), left out. */
  readonly unapproved: number
}

/**
 * Whether a `_validation_status` cell says the submission was not approved, as KoboToolbox
 * writes it: the label (`Not approved`) or the code (`validation_status_not_approved`).
 */
export const isNotApproved = (cell: string): boolean =>
  /^(validation[\s_]status[\s_])?not[\s_]approved$/.test(cell.trim().toLowerCase())

// Columns KoboToolbox and ODK Central add around the form's questions, matched on the last
// segment of the header (`meta/instanceID` -> `instanceID`); anything starting with `_` is also
// theirs, and so is ODK Central's `meta-instanceID` (its group separator is a dash).
const METADATA = new Set([
  "start",
  "end",
  "today",
  "deviceid",
  "username",
  "simserial",
  "subscriberid",
  "phonenumber",
  "audit",
  "instanceID",
  "instanceName",
  "rootUuid",
  "deprecatedID",
  "uuid",
  "SubmissionDate",
  "SubmitterID",
  "SubmitterName",
  "AttachmentsPresent",
  "AttachmentsExpected",
  "Status",
  "ReviewState",
  "DeviceID",
  "Edits",
  "FormVersion",
  "KEY"
])
const METADATA_GROUPS = new Set(["meta", "formhub", "__system"])

/** Whether a header (split on `/`) is a column KoboToolbox or ODK Central adds around a form's fields. */
export const isMetadata = (segments: ReadonlyArray<string>): boolean => {
  const last = segments.at(-1)!
  return last.startsWith("_") || METADATA.has(last) || last.startsWith("meta-") || (segments.length > 1 && METADATA_GROUPS.has(segments[0]!))
}

/**
 * The delimiter of a KoboToolbox CSV export: `;` (its older default) or `,`, whichever occurs
 * more often outside quotes on the header line (the first line that is not blank). XML
 * headers never contain either, so on a real export only one of them appears.
 *
 * @example
 * koboDelimiter('"start";"participant_code"\n') // ";"
 */
export const koboDelimiter = (text: string): ";" | "," => {
  const counts = { ";": 0, ",": 0 }
  let quoted = false
  let started = false
  for (const ch of text) {
    if (ch === '"') quoted = !quoted
    else if (quoted) continue
    else if (ch === "\n" || ch === "\r") {
      if (started) break
      continue
    } else if (ch === ";" || ch === ",") counts[ch]++
    started ||= ch.trim() !== "" // trim() also drops a byte-order mark
  }
  return counts[";"] > counts[","] ? ";" : ","
}

/** What a column of the export holds. */
type Column =
  | { readonly kind: "code"; readonly index: number }
  | { readonly kind: "question"; readonly index: number; readonly question: Question }
  | { readonly kind: "option"; readonly index: number; readonly question: Question; readonly option: string }

const isParticipantCode = Schema.is(ParticipantCode)

/**
 * Parses a KoboToolbox/ODK CSV export ("XML values and headers") of one wave of an instrument.
 *
 * - The delimiter, `;` or `,`, is read from the header line.
 * - Headers may carry group paths (`group_trust/trust-parliament`): the last segment names the
 *   question. Kobo's metadata columns (`start`, `_id`, `meta/instanceID`, anything starting
 *   with `_`…) are ignored, and so are the 0/1 columns per option of a multiple choice
 *   (`helped-most/table-discussion`) when the question's own column is there; without it, the
 *   answer is read from those columns.
 * - `participant_code` is required; a question of the wave may be absent (no answers); any
 *   other column is a problem at the header line.
 * - Blank cells are unanswered. Codes compare without case, as paper imports do, and a code
 *   seen before is a problem on the later line.
 *
 * Every problem is returned, not just the first; a row is in `rows` when its code is sound,
 * with the answers whose cells decode.
 *
 * @example
 * const { rows, problems } = parseKoboCsv(text, "pre.csv", instrument, "pre")
 * rows[0] // { line: 2, code: "K7M2Q9XA", answers: { "trust-parliament": 7, "internet-use": "about-once-a-day" } }
 */
export const parseKoboCsv = (
  text: string,
  file: string,
  instrument: Instrument,
  wave: WaveId,
  options: { readonly includeUnapproved?: boolean } = {}
): ParsedKoboCsv => {
  const csv = parseCsv(text, { delimiter: koboDelimiter(text) })
  const problems: Array<Problem> = csv.problems.map((p) => ({ file, line: p.line, column: p.column, message: p.message }))
  const [header, ...records] = csv.records
  if (header === undefined) {
    if (problems.length === 0) problems.push({ file, line: 1, message: `the file is empty: expected a header line with ${PARTICIPANT_CODE} and question names` })
    return { rows: [], problems, unapproved: 0 }
  }

  const asked = new Map(questionsFor(instrument, wave).map((q) => [q.id, q]))
  const everyQuestion = new Map(instrument.questions.map((q) => [q.id, q]))
  const columns: Array<Column> = []
  const seen = new Map<string, number>()
  header.fields.forEach((raw, index) => {
    const name = raw.trim()
    const at = { file, line: header.line, column: index + 1 }
    const segments = name.split("/")
    const last = segments.at(-1)!
    const parent = asked.get(segments.at(-2) ?? "")
    let column: Column | undefined
    if (last === PARTICIPANT_CODE) column = { kind: "code", index }
    else if (parent?.type === "multiple" && segments.length > 1) {
      if (!parent.options.some((o) => o.id === last)) {
        problems.push({ ...at, field: name, message: `unknown option "${last}" of ${parent.id}: expected one of ${parent.options.map((o) => o.id).join(", ")} (was the form changed in KoboToolbox?)` })
        return
      }
      column = { kind: "option", index, question: parent, option: last }
    } else if (asked.has(last)) column = { kind: "question", index, question: asked.get(last)! }
    else if (name === "" || isMetadata(segments)) return
    else {
      const elsewhere = everyQuestion.get(last)
      problems.push({
        ...at,
        field: name,
        message: elsewhere !== undefined
          ? `the question "${last}" is not asked in the ${wave} wave (it is in ${elsewhere.waves.join(", ")})`
          : `unknown column "${name}": expected ${PARTICIPANT_CODE}, a question id of the ${wave} wave of ${instrument.id} or a KoboToolbox metadata column${/\s/.test(name) ? ` (export with "XML values and headers", not labels)` : ""}`
      })
      return
    }
    const key = column.kind === "option" ? `${column.question.id}/${column.option}` : column.kind === "code" ? PARTICIPANT_CODE : column.question.id
    const first = seen.get(key)
    if (first !== undefined) {
      problems.push({ ...at, field: name, message: `the column "${key}" is repeated (first in column ${first})` })
      return
    }
    seen.set(key, index + 1)
    columns.push(column)
  })
  const code = columns.find((c) => c.kind === "code")
  if (code === undefined) {
    problems.push({ file, line: header.line, message: `expected a "${PARTICIPANT_CODE}" column with each participant's code (export from KoboToolbox with "XML values and headers")` })
    return { rows: [], problems, unapproved: 0 }
  }
  const whole = new Set(columns.flatMap((c) => (c.kind === "question" ? [c.question.id] : [])))
  // a multiple choice question with no column of its own, read from its 0/1 columns
  const expanded = new Map<string, Array<Extract<Column, { kind: "option" }>>>()
  for (const c of columns) {
    if (c.kind === "option" && !whole.has(c.question.id)) expanded.set(c.question.id, [...(expanded.get(c.question.id) ?? []), c])
  }

  const rows: Array<KoboRow> = []
  const codes = new Map<string, number>()
  // a reviewer's "Not approved" in KoboToolbox keeps a submission out, unless asked otherwise
  const validation = header.fields.findIndex((f) => f.trim().split("/").at(-1) === "_validation_status")
  let unapproved = 0
  for (const record of records) {
    const cell = (index: number): string => (record.fields[index] ?? "").trim()
    if (record.fields.length > header.fields.length) {
      problems.push({ file, line: record.line, message: `expected ${header.fields.length} fields, got ${record.fields.length}` })
      continue
    }
    if (validation >= 0 && options.includeUnapproved !== true && isNotApproved(cell(validation))) {
      unapproved++
      continue
    }
    const raw = cell(code.index)
    const at = { file, line: record.line, column: code.index + 1, field: PARTICIPANT_CODE }
    if (raw === "") {
      problems.push({ ...at, message: "expected a participant code" })
      continue
    }
    const upper = normaliseParticipantCode(raw)
    if (!isParticipantCode(upper)) {
      problems.push({ ...at, message: `expected a code of 4 to 32 letters, digits or dashes, got "${raw}"` })
      continue
    }
    const first = codes.get(upper)
    if (first !== undefined) {
      problems.push({ ...at, message: `the code ${upper} is already on line ${first}` })
      continue
    }
    codes.set(upper, record.line)

    const answers: Record<string, AnswerValue> = {}
    const decode = (q: Question, value: string | ReadonlyArray<string>, column: number): void => {
      const check = decodeAnswer(q, value)
      if (!check.ok) problems.push({ file, line: record.line, column, field: q.id, message: `expected ${check.expected}` })
      else if (check.value !== undefined) answers[q.id] = check.value
    }
    for (const c of columns) if (c.kind === "question") decode(c.question, cell(c.index), c.index + 1)
    for (const [, options] of expanded) {
      const chosen: Array<string> = []
      for (const c of options) {
        const v = cell(c.index).toLowerCase()
        if (v === "1" || v === "true") chosen.push(c.option)
        else if (v !== "0" && v !== "false" && v !== "") problems.push({ file, line: record.line, column: c.index + 1, field: c.question.id, message: `expected 1 or 0 (whether "${c.option}" was chosen), got "${cell(c.index)}"` })
      }
      decode(options[0]!.question, chosen, options[0]!.index + 1)
    }
    rows.push({ line: record.line, code: upper, answers })
  }
  return { rows, problems, unapproved }
}
