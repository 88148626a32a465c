/**
 * The organisers' report behind `convene survey report --instrument <organisers' questionnaire>`:
 * reads who was listed, invited and answered, and every answer, then computes the report
 * (`domain/OrganiserReport.ts`) in the asked locale.
 */
import * as Effect from "effect/Effect"
import { InputError } from "../domain/Errors.js"
import { respondentsOf } from "../domain/Instrument.js"
import { type OrganiserReport, organiserReport } from "../domain/OrganiserReport.js"
import type { SurveyReportWords } from "../domain/Report.js"
import type { Workspace } from "../infra/Workspace.js"
import { rendererFor } from "../kits/index.js"
import type { SurveyReportText } from "./SurveyReportText.js"
import { loadInstrument, organiserAnswers, organiserInvitations, organisersOf, readInstruments } from "../surveys/index.js"

/** What the organisers' report is asked for. */
export interface OrganiserReportOptions {
  /** The organisers' questionnaire (default: the workspace's only one). */
  readonly instrument?: string | undefined
  /** The language of its labels and words (default: the instrument's source locale). */
  readonly locale?: string | undefined
}

/**
 * The organisers' report of an organisers' questionnaire (`respondents: organisers`): response
 * per wave and role, each closed question's figures for all organisers, the fellows and the
 * facilitators, and every free-text answer with role and country. Fails with {@link InputError}
 * for a participants' instrument, or when nobody has answered.
 *
 * @example
 * const report = yield* organisersReport(ws, { instrument: "organisers", locale: "fr" })
 * report.freeText[0].answers.length
 */
export const organisersReport = Effect.fn("OrganiserReport.compute")(function*(ws: Workspace, options: OrganiserReportOptions = {}) {
  const id = options.instrument ?? (yield* organisersInstrumentId(ws))
  const { instrument } = yield* loadInstrument(ws, id)
  if (respondentsOf(instrument) !== "organisers") {
    return yield* new InputError({ summary: `${instrument.id} is a participants' instrument: its report is \`convene survey report --instrument ${instrument.id}\`; the organisers' report needs an instrument with respondents: organisers.`, problems: [] })
  }
  const responses = yield* organiserAnswers(instrument.id)
  if (responses.length === 0) {
    return yield* new InputError({
      summary: `Nobody has answered ${instrument.id} yet: nothing to report. Invite the fellows and facilitators (\`convene survey invite --instrument ${instrument.id} --wave <wave>\`) or import their paper forms (\`convene survey import FILE --instrument ${instrument.id} --wave <wave>\`).`,
      problems: []
    })
  }
  const respondents = yield* organisersOf(ws)
  const invited = yield* organiserInvitations(instrument.id)
  const renderer = yield* rendererFor(ws)
  const locale = options.locale ?? instrument.locales[0]!
  const { messages } = renderer.messagesFor("", locale)
  const asked = new Set(instrument.questions.flatMap((q) => q.waves))
  return organiserReport({
    dialogue: ws.dialogue.title,
    instrument,
    locale,
    waves: ws.dialogue.evaluation.waves.map((w) => w.id).filter((w) => asked.has(w)),
    listed: { fellow: respondents.filter((r) => r.kind === "fellow").length, facilitator: respondents.filter((r) => r.kind === "facilitator").length },
    invited,
    responses,
    scaleLabels: (points) => Array.from({ length: points }, (_, i) => messages.format(`${points === 5 ? "questionnaire.likert" : "questionnaire.likert7"}.${i + 1}`, {}))
  }) satisfies OrganiserReport as OrganiserReport
})

/** The workspace's only organisers' questionnaire; fails when it has none or several. */
const organisersInstrumentId = Effect.fn("OrganiserReport.instrument")(function*(ws: Workspace) {
  const all = (yield* readInstruments(ws.dir)).filter((l) => respondentsOf(l.instrument) === "organisers").map((l) => l.instrument.id)
  if (all.length === 1) return all[0]!
  return yield* new InputError({
    summary: all.length === 0 ? "The workspace has no organisers' questionnaire: add surveys/<id>.yaml with respondents: organisers (docs/surveys.md)." : `There are ${all.length} organisers' questionnaires (${all.join(", ")}): say which with --instrument.`,
    problems: []
  })
})

/**
 * The organisers' report's own words (`organiser_report.*` in the catalogs) in `locale`, with the
 * English catalog per missing key, as kits resolve them (fr-SN → fr).
 *
 * @example
 * const text = yield* organisersReportText(ws, "ar")
 * text.dir // "rtl"
 */
export const organisersReportText = Effect.fn("OrganiserReport.text")(function*(ws: Workspace, locale: string) {
  const renderer = yield* rendererFor(ws)
  const local = renderer.messagesFor("", locale)
  const english = renderer.messagesFor("", "en")
  const t: SurveyReportWords = (key, values = {}) => (local.messages.has(`organiser_report.${key}`) ? local.messages : english.messages).format(`organiser_report.${key}`, values)
  return { t, language: local.used, lang: local.lang, intl: local.messages.intl, dir: local.dir } satisfies SurveyReportText as SurveyReportText
})
