/**
 * The impact report behind `convene survey report`: loads the instrument, reads the counts per
 * site through {@link ReportRepo} (the database does the heavy counting) and computes the report
 * with domain/Report.ts (merging into groups, suppression, statistics).
 */
import * as Effect from "effect/Effect"
import { InputError } from "../domain/Errors.js"
import { buildReport, categoryOf, pairedQuestions, REPORT_CATEGORIES, type ReportBy, reportWaves } from "../domain/Report.js"
import type { Workspace } from "../infra/Workspace.js"
import { listRegistry } from "../registries/index.js"
import { loadInstrument } from "../surveys/index.js"
import { ReportRepo } from "./ReportRepo.js"

export type { SurveyReport } from "../domain/Report.js"

/** What `survey report` needs. */
export interface ReportOptions {
  readonly by?: ReportBy | undefined
  readonly instrument?: string | undefined
  /** Pool mirror dialogues with the panel sites (they are reported apart otherwise). */
  readonly includeMirror?: boolean | undefined
  /** The locale of labels (default: the instrument's source locale). */
  readonly locale?: string | undefined
}

/**
 * Builds the report: response per wave, pre and post distributions, paired change with its
 * tests and effect sizes, shifts in shares with McNemar, the knowledge index — per group (site,
 * country, UN M49 region or subregion, format or a participant category), small groups
 * suppressed, mirror dialogues apart. Each read is a span (`ReportRepo.…`), and so is the
 * computing (`SurveyReport.statistics`).
 *
 * @example
 * const report = yield* surveyReport(ws, { by: "region" })
 * report.pools[0].groups[0].knowledge // { n: 812, meanPre: 0.48, meanPost: 0.63, meanChange: 0.15, ci95: [...], ... }
 */
export const surveyReport = Effect.fn("SurveyReport.build")(function*(ws: Workspace, options: ReportOptions = {}) {
  const { instrument } = yield* loadInstrument(ws, options.instrument)
  const by: ReportBy = options.by ?? "all"
  const category = categoryOf(by)
  if (category !== null && !(REPORT_CATEGORIES as ReadonlyArray<string>).includes(category)) {
    return yield* new InputError({ summary: `--by category:${category}: expected one of ${REPORT_CATEGORIES.map((c) => `category:${c}`).join(", ")}.`, problems: [] })
  }
  const locale = options.locale ?? instrument.locales[0]!
  const { waves, pairedWaves } = reportWaves(instrument, ws.dialogue.evaluation.waves.map((w) => w.id))
  const repo = yield* ReportRepo

  const sites = yield* listRegistry("sites")
  const responses = yield* repo.responses(instrument.id)
  if (responses.total === 0) {
    return yield* new InputError({
      summary: `There are no answers to the instrument ${instrument.id} yet: nothing to report. Collect some (\`convene survey serve\`, \`convene survey import\`), or simulate them for a trial run (\`convene survey simulate\`).`,
      problems: []
    })
  }

  // registered participants, e-mail invitations and answers, per site and category
  const registered = yield* repo.registered(category)
  const absent = yield* repo.absent(category)
  const invited = yield* repo.invited(instrument.id, category)
  const answered = yield* repo.answered(instrument.id, category)
  const paired = pairedWaves === null ? [] : yield* repo.pairs(instrument.id, pairedWaves, category)
  // the heavy counting, run at once (PostgreSQL works on them in parallel; PGlite takes them in turn)
  const questions = pairedQuestions(instrument, pairedWaves)
  const multiple = new Set(instrument.questions.filter((q) => q.type === "multiple").map((q) => q.id))
  const [values, pairedValues, knowledge] = yield* Effect.all([
    repo.values(instrument.id, category, multiple),
    pairedWaves === null ? Effect.succeed([]) : repo.pairedValues(instrument.id, pairedWaves, [...questions.numeric, ...questions.choice], category),
    pairedWaves === null ? Effect.succeed([]) : repo.knowledgeScores(instrument.id, pairedWaves, questions.knowledge, category)
  ], { concurrency: "unbounded" })

  return yield* Effect.sync(() =>
    buildReport({
      instrument,
      dialogue: ws.dialogue.title,
      by,
      includeMirror: options.includeMirror === true,
      locale,
      waves,
      pairedWaves,
      sites,
      counts: { registered, absent, invited, answered, paired, values, pairedValues, knowledge },
      afterDay: ws.dialogue.evaluation.waves.filter((w) => w.opens >= ws.dialogue.deliberation_day.date).map((w) => w.id),
      responses,
      codebook: ws.dialogue.features
    })
  ).pipe(Effect.withSpan("SurveyReport.statistics"))
})
