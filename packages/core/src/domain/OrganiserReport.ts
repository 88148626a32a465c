/**
 * The organisers' report (issue 18, section 4): what the fellows and facilitators answered to an
 * organisers' questionnaire, reported apart from the participants' evaluation. Per wave and
 * question: the figures of all organisers, of the fellows and of the facilitators (n, mean and
 * median of scales, the count and share of each answer), and every free-text answer listed with
 * the respondent's role and country, never their name. Pure: `report/OrganiserReport.ts` reads the
 * answers.
 */
import type { AnswerValue } from "./Answers.js"
import { type Instrument, labelIn, questionsFor, type WaveId } from "./Instrument.js"
import type { OrganiserKind } from "./Organisers.js"
import { mean, median } from "./Stats.js"

/** The roles the report shows: every organiser, then each kind. */
export const ORGANISER_ROLES = ["all", "fellow", "facilitator"] as const
export type OrganiserRole = (typeof ORGANISER_ROLES)[number]

/** One answer's count and share (of those who answered the question in the role). */
export interface OrganiserAnswerShare {
  /** The option's id, or the scale point. */
  readonly value: string
  readonly label: string
  readonly n: number
  readonly share: number
}

/** A question's figures for one role. */
export interface OrganiserQuestionGroup {
  readonly role: OrganiserRole
  /** Who answered the question. */
  readonly n: number
  /** Scales and numbers: the mean and median (null without answers). */
  readonly mean: number | null
  readonly median: number | null
  /** Each answer's count and share: options, or the points of a scale. */
  readonly answers: ReadonlyArray<OrganiserAnswerShare>
}

/** A closed question's figures. */
export interface OrganiserQuestion {
  readonly wave: string
  readonly question: string
  readonly label: string
  readonly type: string
  readonly groups: ReadonlyArray<OrganiserQuestionGroup>
}

/** A free-text question with every answer given. */
export interface OrganiserFreeText {
  readonly wave: string
  readonly question: string
  readonly label: string
  readonly answers: ReadonlyArray<{ readonly role: OrganiserKind; readonly country: string; readonly text: string }>
}

/** Who was asked and who answered, per wave and role. */
export interface OrganiserResponse {
  readonly wave: string
  /** The respondents the workspace lists (fellows running a site, facilitators in site files). */
  readonly listed: Readonly<Record<OrganiserRole, number>>
  readonly invited: Readonly<Record<OrganiserRole, number>>
  readonly answered: Readonly<Record<OrganiserRole, number>>
  /** Answers by source: web form, paper, Kobo. */
  readonly sources: Readonly<Record<string, number>>
}

/** The organisers' report. */
export interface OrganiserReport {
  readonly kind: "organisers"
  readonly dialogue: string
  readonly instrument: { readonly id: string; readonly version: number; readonly title: string }
  readonly locale: string
  readonly waves: ReadonlyArray<string>
  readonly response: ReadonlyArray<OrganiserResponse>
  readonly questions: ReadonlyArray<OrganiserQuestion>
  readonly freeText: ReadonlyArray<OrganiserFreeText>
}

/** What the report is computed from. */
export interface OrganiserReportInput {
  readonly dialogue: string
  readonly instrument: Instrument
  readonly locale: string
  readonly waves: ReadonlyArray<string>
  /** How many respondents are listed, by kind. */
  readonly listed: Readonly<Record<OrganiserKind, number>>
  /** Invitations per wave and kind. */
  readonly invited: ReadonlyArray<{ readonly wave: string; readonly kind: OrganiserKind; readonly n: number }>
  /** Every response (no name, no address). */
  readonly responses: ReadonlyArray<{ readonly kind: OrganiserKind; readonly country: string; readonly wave: string; readonly source: string; readonly answers: Readonly<Record<string, AnswerValue>> }>
  /** The labels of a scale's points (Likert agreement), in the report's locale. */
  readonly scaleLabels: (points: 5 | 7) => ReadonlyArray<string>
}

const byRole = (all: number, fellow: number, facilitator: number): Record<OrganiserRole, number> => ({ all, fellow, facilitator })

/**
 * Computes the organisers' report from their answers.
 *
 * @example
 * const report = organiserReport({ dialogue, instrument, locale: "en", waves: ["post"], listed, invited, responses, scaleLabels })
 * report.questions.find((q) => q.question === "quality")?.groups[0].mean
 */
export const organiserReport = (input: OrganiserReportInput): OrganiserReport => {
  const { instrument, locale } = input
  const label = (labels: Readonly<Record<string, string>>): string => labelIn(labels, locale, instrument)
  const response: Array<OrganiserResponse> = []
  const questions: Array<OrganiserQuestion> = []
  const freeText: Array<OrganiserFreeText> = []
  for (const wave of input.waves) {
    const inWave = input.responses.filter((r) => r.wave === wave)
    const invited = (kind: OrganiserKind) => input.invited.filter((i) => i.wave === wave && i.kind === kind).reduce((n, i) => n + i.n, 0)
    const answered = (kind: OrganiserKind) => inWave.filter((r) => r.kind === kind).length
    const sources: Record<string, number> = {}
    for (const r of inWave) sources[r.source] = (sources[r.source] ?? 0) + 1
    response.push({
      wave,
      listed: byRole(input.listed.fellow + input.listed.facilitator, input.listed.fellow, input.listed.facilitator),
      invited: byRole(invited("fellow") + invited("facilitator"), invited("fellow"), invited("facilitator")),
      answered: byRole(inWave.length, answered("fellow"), answered("facilitator")),
      sources
    })
    for (const q of questionsFor(instrument, wave as WaveId)) {
      if (q.type === "text") {
        const answers = inWave.flatMap((r) => {
          const v = r.answers[q.id]
          return typeof v === "string" && v.trim() !== "" ? [{ role: r.kind, country: r.country, text: v.trim() }] : []
        })
        freeText.push({ wave, question: q.id, label: label(q.label), answers })
        continue
      }
      const groups = ORGANISER_ROLES.map((role): OrganiserQuestionGroup => {
        const values = inWave.filter((r) => role === "all" || r.kind === role).map((r) => r.answers[q.id]).filter((v): v is AnswerValue => v !== undefined)
        const n = values.length
        const share = (count: number) => (n === 0 ? 0 : count / n)
        switch (q.type) {
          case "likert5":
          case "likert7":
          case "scale":
          case "number": {
            const numbers = values.filter((v): v is number => typeof v === "number")
            const points = q.type === "likert5" ? 5 : q.type === "likert7" ? 7 : 0
            const answers: Array<OrganiserAnswerShare> = q.type === "number"
              ? []
              : q.type === "scale"
              ? Array.from({ length: 11 }, (_, i) => ({ value: String(i), label: String(i), n: numbers.filter((x) => x === i).length, share: share(numbers.filter((x) => x === i).length) }))
              : input.scaleLabels(points as 5 | 7).map((l, i) => ({ value: String(i + 1), label: l, n: numbers.filter((x) => x === i + 1).length, share: share(numbers.filter((x) => x === i + 1).length) }))
            return { role, n, mean: numbers.length === 0 ? null : mean(numbers), median: numbers.length === 0 ? null : median(numbers), answers }
          }
          case "multiple": {
            const chosen = values.map((v) => (Array.isArray(v) ? v : [v]))
            return { role, n, mean: null, median: null, answers: q.options.map((o) => {
              const c = chosen.filter((v) => v.includes(o.id)).length
              return { value: o.id, label: label(o.label), n: c, share: share(c) }
            }) }
          }
          default:
            return { role, n, mean: null, median: null, answers: q.options.map((o) => {
              const c = values.filter((v) => v === o.id).length
              return { value: o.id, label: label(o.label), n: c, share: share(c) }
            }) }
        }
      })
      questions.push({ wave, question: q.id, label: label(q.label), type: q.type, groups })
    }
  }
  return {
    kind: "organisers",
    dialogue: input.dialogue,
    instrument: { id: instrument.id, version: instrument.version, title: label(instrument.title) },
    locale,
    waves: [...input.waves],
    response,
    questions,
    freeText
  }
}
