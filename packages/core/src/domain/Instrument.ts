/**
 * A survey instrument, `surveys/<id>.yaml`: typed questions with labels per locale and the
 * evaluation waves that ask each one. Decoding names `file:line` for every problem.
 */
import * as Schema from "effect/Schema"
import { Locale, Slug } from "./Values.js"
import { decodeYaml } from "./Yaml.js"

/** Text in every locale of the instrument, e.g. `{ en: "Parliament", fr: "Le parlement" }`. */
export const Labels = Schema.Record(Schema.String, Schema.String.check(Schema.isNonEmpty({ message: "expected a label" })))
export type Labels = typeof Labels.Type

/** The waves an instrument can ask a question in. */
export const WaveId = Schema.Literals(["pre", "post", "followup"])
export type WaveId = typeof WaveId.Type

/** One answer option of a choice or knowledge question. */
export const QuestionOption = Schema.Struct({ id: Slug, label: Labels })
export type QuestionOption = typeof QuestionOption.Type

const common = {
  id: Slug,
  label: Labels,
  required: Schema.optionalKey(Schema.Boolean),
  waves: Schema.Array(WaveId).check(Schema.isMinLength(1, { message: "expected at least one wave (pre, post, followup)" }))
}

/** A 5- or 7-point agreement scale (1 = strongly disagree). */
export const LikertQuestion = Schema.Struct({ ...common, type: Schema.Literals(["likert5", "likert7"]) })
/** A 0 to 10 scale. */
export const ScaleQuestion = Schema.Struct({ ...common, type: Schema.Literal("scale") })
/** One option among several. */
export const SingleQuestion = Schema.Struct({ ...common, type: Schema.Literal("single"), options: Schema.Array(QuestionOption).check(Schema.isMinLength(2, { message: "expected at least two options" })) })
/** Any number of options. */
export const MultipleQuestion = Schema.Struct({ ...common, type: Schema.Literal("multiple"), options: Schema.Array(QuestionOption).check(Schema.isMinLength(2, { message: "expected at least two options" })) })
/** A number between bounds. */
export const NumberQuestion = Schema.Struct({ ...common, type: Schema.Literal("number"), min: Schema.Number, max: Schema.Number })
/** Free text. */
export const TextQuestion = Schema.Struct({ ...common, type: Schema.Literal("text") })
/** A knowledge item: options, one of them correct. */
export const KnowledgeQuestion = Schema.Struct({ ...common, type: Schema.Literal("knowledge"), options: Schema.Array(QuestionOption).check(Schema.isMinLength(2, { message: "expected at least two options" })), correct: Slug })

/** Any question of an instrument. */
export const Question = Schema.Union([LikertQuestion, ScaleQuestion, SingleQuestion, MultipleQuestion, NumberQuestion, TextQuestion, KnowledgeQuestion])
export type Question = typeof Question.Type
export type QuestionType = Question["type"]

/**
 * Who answers an instrument: `participants` (the default: the evaluation's pre/post waves) or
 * `organisers` (the fellows and the facilitators the sites list: the organisers' questionnaire,
 * reported apart; see `domain/Organisers.ts`).
 */
export const Respondents = Schema.Literals(["participants", "organisers"])
export type Respondents = typeof Respondents.Type

/**
 * A survey instrument.
 *
 * @example
 * const instrument = decodeInstrumentYaml(text, "surveys/evaluation.yaml")
 * instrument.questions.filter((q) => q.waves.includes("post"))
 */
export const Instrument = Schema.Struct({
  id: Slug,
  /** Who answers it: participants (default) or organisers (fellows and facilitators). */
  respondents: Schema.optionalKey(Respondents),
  version: Schema.Number.check(Schema.isInt({ message: "expected a whole version number" }), Schema.isGreaterThanOrEqualTo(1, { message: "expected a version of 1 or more" })),
  locales: Schema.Array(Locale).check(Schema.isMinLength(1, { message: "expected at least one locale, the first being the source" })),
  title: Labels,
  questions: Schema.Array(Question).check(Schema.isMinLength(1, { message: "expected at least one question" }))
}).check(
  Schema.makeFilter((inst) => {
    const issues: Array<Schema.FilterIssue> = []
    const needs = (labels: Labels, path: ReadonlyArray<PropertyKey>): void => {
      for (const l of inst.locales) if (labels[l] === undefined) issues.push({ path: [...path, l], issue: `expected a label in ${l} (the instrument's locales are ${inst.locales.join(", ")})` })
    }
    needs(inst.title, ["title"])
    const seen = new Set<string>()
    inst.questions.forEach((q, i) => {
      if (seen.has(q.id)) issues.push({ path: ["questions", i, "id"], issue: `expected a unique question id, "${q.id}" is repeated` })
      seen.add(q.id)
      needs(q.label, ["questions", i, "label"])
      if ("options" in q) {
        const ids = new Set<string>()
        q.options.forEach((o, j) => {
          if (ids.has(o.id)) issues.push({ path: ["questions", i, "options", j, "id"], issue: `expected a unique option id, "${o.id}" is repeated` })
          ids.add(o.id)
          needs(o.label, ["questions", i, "options", j, "label"])
        })
        if (q.type === "knowledge" && !ids.has(q.correct)) issues.push({ path: ["questions", i, "correct"], issue: `expected one of the options (${[...ids].join(", ")}), got "${q.correct}"` })
      }
      if (q.type === "number" && q.min > q.max) issues.push({ path: ["questions", i, "max"], issue: `expected a maximum of at least ${q.min}` })
    })
    return issues
  })
)
export type Instrument = typeof Instrument.Type

/** Parses and validates an instrument file. Throws `InputError` naming `file:line` for each problem. */
export const decodeInstrumentYaml = (text: string, file: string): Instrument => decodeYaml(Instrument, text, file, "a valid survey instrument")

/** Who answers an instrument (participants unless it says `respondents: organisers`). */
export const respondentsOf = (instrument: Instrument): Respondents => instrument.respondents ?? "participants"

/** The questions a wave asks, in order. */
export const questionsFor = (instrument: Instrument, wave: WaveId): Array<Question> => instrument.questions.filter((q) => q.waves.includes(wave))

/** A label in `locale`, else its language, else the instrument's source locale. */
export const labelIn = (labels: Labels, locale: string, instrument: Instrument): string =>
  labels[locale] ?? labels[locale.split("-")[0]!] ?? labels[instrument.locales[0]!] ?? Object.values(labels)[0] ?? ""
