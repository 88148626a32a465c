/**
 * The XLSForm export behind `convene survey export --format xlsform`: one wave of an
 * instrument as a form KoboToolbox and ODK Central accept, with labels in every locale of the
 * instrument (Likert labels from the kit catalogs).
 */
import * as Effect from "effect/Effect"
import { dirname, join } from "node:path"
import { questionsFor } from "../domain/Instrument.js"
import { xlsFormSheets } from "../domain/XlsForm.js"
import { fileOp, makeDir } from "../infra/Files.js"
import type { Workspace } from "../infra/Workspace.js"
import { rendererFor } from "../kits/index.js"
import { checkWave, loadInstrument } from "./Surveys.js"

/**
 * Writes `<out>` (default `<dir>/<instrument>-<wave>.xlsx`, `dir` defaulting to the workspace's
 * `out/surveys/`).
 *
 * @example
 * const { file } = yield* exportXlsForm(ws, { wave: "pre" })
 */
export const exportXlsForm = Effect.fn("SurveyForms.xlsform")(function*(ws: Workspace, options: { readonly wave: string; readonly instrument?: string | undefined; readonly out?: string | undefined; readonly dir?: string | undefined }) {
  const { instrument } = yield* loadInstrument(ws, options.instrument)
  const wave = yield* checkWave(ws.dialogue, instrument, options.wave)
  const renderer = yield* rendererFor(ws)
  const sheets = xlsFormSheets(instrument, wave, {
    likertLabels: (locale, points) => {
      const { messages } = renderer.messagesFor("", locale)
      const key = points === 5 ? "questionnaire.likert" : "questionnaire.likert7"
      return Array.from({ length: points }, (_, i) => messages.format(`${key}.${i + 1}`, {}))
    }
  })
  const file = options.out ?? join(options.dir ?? join(ws.dir, "out", "surveys"), `${instrument.id}-${wave}.xlsx`)
  yield* makeDir(dirname(file))
  // the .xlsx writer loads only when a workbook is written, not with the surveys
  yield* fileOp("write", file, async () => (await import("./XlsForm.js")).writeXlsForm(file, sheets))
  return { file, instrument: instrument.id, wave, questions: questionsFor(instrument, wave).length, locales: [...instrument.locales] }
})
