/**
 * Answers to an instrument's questions: one decoder for every way they arrive (the web form,
 * a paper questionnaire typed into CSV, a KoboToolbox/ODK export), so that a value means the
 * same whatever its source. Pure.
 */
import * as Schema from "effect/Schema"
import type { Instrument, Question } from "./Instrument.js"

/** A stored answer: a number (likert, scale, number), an option id, option ids, or text. */
export type AnswerValue = number | string | ReadonlyArray<string>

/** The answers of one participant to one wave, by question id. */
export type Answers = Readonly<Record<string, AnswerValue>>

const isAnswerValue = (v: unknown): v is AnswerValue =>
  typeof v === "number" || typeof v === "string" || (Array.isArray(v) && v.every((s) => typeof s === "string"))

/** Whether `x` is an answers record: an object whose every value is a number, a string or strings. */
export const isAnswers = (x: unknown): x is Answers => {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false
  for (const v of Object.values(x)) if (!isAnswerValue(v)) return false
  return true
}

/**
 * A stored answers record (the `answers` column of a response), for decoding what the database
 * returns. Declared with a plain check rather than as `Schema.Record(…Union…)`: an export reads
 * 100,000 records, and the generic record walk costs 0.3–0.5 s where the check costs 15 ms.
 */
export const StoredAnswers = Schema.declare(isAnswers, { expected: "answers by question id (numbers, option ids or texts)" })

/**
 * Control characters a free-text answer may not hold: all but tab and line breaks. A NUL byte
 * in particular is refused by the database, so it is refused here, where the place is known.
 */
export const CONTROL_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/

/** Longest free-text answer accepted. */
export const MAX_TEXT_LENGTH = 4000

/** Why a raw value is not an answer to a question, as a phrase after "expected". */
export type AnswerCheck = { readonly ok: true; readonly value: AnswerValue | undefined } | { readonly ok: false; readonly expected: string }

const optionIds = (q: Question): Array<string> => ("options" in q ? q.options.map((o) => o.id) : [])

const integerIn = (raw: string, min: number, max: number): number | undefined => {
  if (!/^-?\d+$/.test(raw)) return undefined
  const n = Number(raw)
  return n >= min && n <= max ? n : undefined
}

/** The range of the numbered scales. */
export const scaleOf = (q: Question): { readonly min: number; readonly max: number } | undefined =>
  q.type === "likert5" ? { min: 1, max: 5 } : q.type === "likert7" ? { min: 1, max: 7 } : q.type === "scale" ? { min: 0, max: 10 } : undefined

/**
 * Decodes one raw answer. `raw` is a string (CSV cell, form field) or, for multiple choice, the
 * list of chosen options (form checkboxes); a string for multiple choice is split on spaces,
 * commas or semicolons (`"briefing table"` as KoboToolbox writes it). An empty answer is
 * `undefined`, or an error when the question is required and `required` is enforced.
 *
 * @example
 * decodeAnswer({ id: "trust", type: "scale", label: {}, waves: ["pre"] }, "7")   // { ok: true, value: 7 }
 * decodeAnswer({ id: "trust", type: "scale", label: {}, waves: ["pre"] }, "11")  // { ok: false, expected: "a whole number from 0 to 10" }
 */
export const decodeAnswer = (q: Question, raw: string | ReadonlyArray<string> | undefined, options: { readonly enforceRequired?: boolean } = {}): AnswerCheck => {
  const parts = raw === undefined ? [] : typeof raw === "string" ? (q.type === "multiple" ? raw.split(/[\s,;]+/) : [raw]) : raw
  const values = parts.map((p) => p.trim()).filter((p) => p !== "")
  if (values.length === 0) {
    return options.enforceRequired === true && q.required === true ? { ok: false, expected: "an answer (this question is required)" } : { ok: true, value: undefined }
  }
  if (q.type !== "multiple" && values.length > 1) return { ok: false, expected: "a single answer" }
  const value = values[0]!
  switch (q.type) {
    case "likert5":
    case "likert7":
    case "scale": {
      const { min, max } = scaleOf(q)!
      const n = integerIn(value, min, max)
      return n === undefined ? { ok: false, expected: `a whole number from ${min} to ${max}, got "${value}"` } : { ok: true, value: n }
    }
    case "number": {
      const n = /^-?\d+([.,]\d+)?$/.test(value) ? Number(value.replace(",", ".")) : Number.NaN
      return Number.isFinite(n) && n >= q.min && n <= q.max ? { ok: true, value: n } : { ok: false, expected: `a number from ${q.min} to ${q.max}, got "${value}"` }
    }
    case "text": {
      if (value.length > MAX_TEXT_LENGTH) return { ok: false, expected: `at most ${MAX_TEXT_LENGTH} characters, got ${value.length}` }
      const control = CONTROL_IN_TEXT.exec(value)
      return control === null
        ? { ok: true, value }
        : { ok: false, expected: `text without control characters, got U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")} at character ${control.index + 1}` }
    }
    case "single":
    case "knowledge": {
      const ids = optionIds(q)
      return ids.includes(value) ? { ok: true, value } : { ok: false, expected: `one of ${ids.join(", ")}, got "${value}"` }
    }
    case "multiple": {
      const ids = optionIds(q)
      const unknown = values.filter((v) => !ids.includes(v))
      if (unknown.length > 0) return { ok: false, expected: `options among ${ids.join(", ")}, got "${unknown.join(" ")}"` }
      // in the instrument's order, each once
      return { ok: true, value: ids.filter((id) => values.includes(id)) }
    }
  }
}

/** An answer as one text value, the way the tidy CSV export and KoboToolbox write it. */
export const answerText = (value: AnswerValue): string => (Array.isArray(value) ? value.join(" ") : String(value))

/** Whether a knowledge question was answered correctly (undefined when it is not one or unanswered). */
export const isCorrect = (q: Question, value: AnswerValue | undefined): boolean | undefined =>
  q.type !== "knowledge" || value === undefined ? undefined : value === q.correct

/** The question of an instrument by id. */
export const questionById = (instrument: Instrument): ReadonlyMap<string, Question> => new Map(instrument.questions.map((q) => [q.id, q]))

/** What an answers file to import is (`convene survey import --format`): typed from paper, or a KoboToolbox/ODK export. */
export const ANSWER_IMPORT_FORMATS = ["paper", "kobo"] as const

/** What `convene survey export --format` writes: the answers as tidy CSV, or the instrument as an XLSForm. */
export const SURVEY_EXPORT_FORMATS = ["csv", "xlsform"] as const
