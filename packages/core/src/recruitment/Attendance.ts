/**
 * Attendance on the day: who of the participants came (and who did not: no-shows are recorded
 * too), imported from a sign-in sheet. The survey report's response rates and the recruitment
 * report's attendees use it where it exists.
 */
import * as Effect from "effect/Effect"
import { parseCsv } from "../domain/Csv.js"
import { InputError, type Problem } from "../domain/Errors.js"
import { normaliseParticipantCode } from "../domain/Registry.js"
import { readText } from "../infra/Files.js"
import { RecruitmentRepo } from "./RecruitmentRepo.js"

const PRESENT = new Set(["yes", "y", "1", "true", "present", "oui", "sí", "si", "x"])
const ABSENT = new Set(["no", "n", "0", "false", "absent", "non", "no-show"])

/** What an attendance import did. */
export interface AttendanceImport {
  readonly file: string
  readonly rows: number
  readonly present: number
  readonly absent: number
  readonly inserted: number
  readonly updated: number
  readonly unchanged: number
  readonly dryRun?: true
}

/**
 * Imports attendance (attendance.csv: a `participant` — or `participant_id`, `id` — or a `code`
 * column, and `present`: yes/no, present/absent, 1/0), all or nothing: an unknown participant or
 * code, a repeated one or a value that is neither yes nor no is reported at FILE:LINE:COLUMN and
 * nothing is written. A later import of the same people replaces their record.
 *
 * @example
 * const summary = yield* importAttendance("attendance-dakar.csv")
 * // { rows: 40, present: 37, absent: 3, inserted: 40, … }
 */
export const importAttendance = Effect.fn("Recruitment.importAttendance")(function*(path: string, options: { readonly displayName?: string | undefined; readonly dryRun?: boolean | undefined; readonly source?: string | undefined } = {}) {
  const file = options.displayName ?? path
  const text = yield* readText(path)
  const parsed = parseCsv(text)
  const problems: Array<Problem> = parsed.problems.map((p) => ({ file, line: p.line, column: p.column, message: p.message }))
  const [header, ...body] = parsed.records
  const names = header?.fields.map((f) => f.trim().toLowerCase()) ?? []
  const idAt = ["participant", "participant_id", "id"].map((n) => names.indexOf(n)).find((i) => i >= 0) ?? -1
  const codeAt = names.indexOf("code")
  const presentAt = names.indexOf("present")
  if (header === undefined || (idAt < 0 && codeAt < 0) || presentAt < 0) {
    return yield* new InputError({ summary: `${file}: nothing was imported.`, problems: [...problems, { file, line: header?.line ?? 1, field: "header", message: "expected a participant (or code) column and a present column (yes/no)" }] })
  }
  const repo = yield* RecruitmentRepo
  const cell = (fields: ReadonlyArray<string>, i: number) => (i < 0 ? "" : (fields[i] ?? "").trim())
  const rows = body.filter((r) => !r.fields.every((f) => f.trim() === ""))
  const ids = new Set((yield* repo.participantsWhere("id", rows.map((r) => cell(r.fields, idAt)).filter((v) => v !== ""))).map((p) => p.id))
  const codes = new Map((yield* repo.participantsWhere("code", rows.map((r) => normaliseParticipantCode(cell(r.fields, codeAt))).filter((v) => v !== ""))).map((p) => [p.code, p.id]))
  const seen = new Map<string, number>()
  const out: Array<{ participant_id: string; present: boolean; source: string }> = []
  for (const r of rows) {
    const id = cell(r.fields, idAt)
    const code = normaliseParticipantCode(cell(r.fields, codeAt))
    let participant: string | undefined
    if (id !== "") {
      if (ids.has(id)) participant = id
      else problems.push({ file, line: r.line, column: idAt + 1, field: names[idAt]!, message: `expected a registered participant, "${id}" is not in the participants registry` })
    } else if (code !== "") {
      participant = codes.get(code)
      if (participant === undefined) problems.push({ file, line: r.line, column: codeAt + 1, field: "code", message: `expected a participant's code, "${code}" belongs to nobody` })
    } else problems.push({ file, line: r.line, column: (idAt >= 0 ? idAt : codeAt) + 1, field: idAt >= 0 ? names[idAt]! : "code", message: "expected a participant id or code" })
    const said = cell(r.fields, presentAt).toLowerCase()
    const present = PRESENT.has(said) ? true : ABSENT.has(said) ? false : undefined
    if (present === undefined) problems.push({ file, line: r.line, column: presentAt + 1, field: "present", message: `expected yes or no (present or absent), got ${JSON.stringify(cell(r.fields, presentAt))}` })
    if (participant !== undefined && seen.has(participant)) problems.push({ file, line: r.line, field: "participant", message: `${participant} is already on line ${seen.get(participant)}` })
    if (participant !== undefined) seen.set(participant, r.line)
    if (participant !== undefined && present !== undefined) out.push({ participant_id: participant, present, source: options.source ?? "import" })
  }
  if (problems.length > 0) {
    const lines = new Set(problems.map((p) => p.line))
    return yield* new InputError({ summary: `${file}: ${lines.size} bad row${lines.size === 1 ? "" : "s"}; nothing was imported.`, problems: problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) })
  }
  const counts = yield* repo.recordAttendance(out, { dryRun: options.dryRun === true })
  const summary: AttendanceImport = {
    file,
    rows: out.length,
    present: out.filter((r) => r.present).length,
    absent: out.filter((r) => !r.present).length,
    ...counts,
    ...(options.dryRun === true ? { dryRun: true as const } : {})
  }
  return summary
})
