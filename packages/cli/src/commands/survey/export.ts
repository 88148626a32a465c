import { Flags } from "@oclif/core"
import { join, relative, resolve } from "node:path"
import { SURVEY_EXPORT_FORMATS } from "@convene/core/domain/Answers"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { instrumentFlag } from "../../survey-flags.js"
import { counted } from "../../plural.js"
import { distinct, formatsFlag } from "../../formats-flag.js"

export default class SurveyExport extends ConveneCommand {
  static override summary = "Export every answer as tidy CSV, or the instrument as an XLSForm for KoboToolbox/ODK."
  static override description = [
    "csv: one row per answer, in long form — participant_code, site, country (ISO code), country_name (English), wave, instrument, instrument_version, source (web, paper, kobo), simulated, question, value (multiple choices space-separated). No contact data: e-mail addresses never leave the participants registry. In pandas or R, read it with only empty fields as missing (keep_default_na=False, na_values=[\"\"]; na.strings = \"\"), or Namibia's NA becomes a missing value.",
    "xlsform: an .xlsx with survey, choices and settings sheets and a label::Language (code) column for every locale of the instrument, for one wave; KoboToolbox and ODK Central accept it. Collect offline, export the answers as CSV, and bring them back with `convene survey import FILE --wave W --format kobo`.",
    "Both at once: --format csv,xlsform (with --wave); --out then names the folder they are written in, under their default names."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> survey export --format csv",
    "<%= config.bin %> survey export --format csv --wave post --out answers-post.csv",
    "<%= config.bin %> survey export --format xlsform --wave pre --out evaluation-pre.xlsx",
    "<%= config.bin %> survey export --format csv,xlsform --wave pre --out exports/   # both, into one folder"
  ]
  static override output = () => import("../../json/survey.js").then((m) => m.exported)
  static override flags = {
    ...workspaceFlags,
    format: formatsFlag(SURVEY_EXPORT_FORMATS, undefined, "What to write: csv, xlsform, or both as a comma list."),
    wave: Flags.string({ summary: "Only this wave (required for xlsform)." }),
    instrument: instrumentFlag,
    out: Flags.string({ summary: "The file to write (default: out/surveys/answers.csv or out/surveys/<instrument>-<wave>.xlsx); with several formats, the folder to write them in." })
  }

  async run() {
    const { flags } = await this.parse(SurveyExport)
    const formats = distinct(flags.format)
    const wave = flags.wave
    if (formats.includes("xlsform") && wave === undefined) this.error("--format xlsform needs --wave (pre, post or followup): one form per wave.", { exit: 2 })
    // one format: --out is the file; several: the folder they go in, under their default names
    const folder = formats.length > 1 && flags.out !== undefined ? resolve(flags.out) : undefined
    const result = await this.runInWorkspace(flags, async (ws) => {
      const [{ exportSurveyCsv, exportXlsForm }, Effect] = await Promise.all([import("@convene/core/surveys"), import("effect/Effect")])
      const csvName = wave === undefined ? "answers.csv" : `answers-${wave}.csv`
      return Effect.gen(function*() {
        const written: Array<{ file: string; instrument: string; rows?: number; questions?: number; locales?: ReadonlyArray<string>; dictionary?: string }> = []
        for (const format of formats) {
          if (format === "csv") {
            const file = folder !== undefined ? join(folder, csvName) : resolve(flags.out ?? join(ws.dir, "out", "surveys", csvName))
            written.push(yield* exportSurveyCsv(ws, file, { instrument: flags.instrument, wave }))
          } else {
            written.push(yield* exportXlsForm(ws, { wave: wave!, instrument: flags.instrument, out: folder === undefined && flags.out !== undefined ? resolve(flags.out) : undefined, dir: folder }))
          }
        }
        return written
      })
    })
    const files: Array<string> = []
    let rows: number | undefined
    let questions: number | undefined
    let locales: ReadonlyArray<string> | undefined
    for (const r of result) {
      files.push(r.file)
      const shown = relative(process.cwd(), r.file) || r.file
      if (r.rows !== undefined) {
        rows = r.rows
        this.log(`Wrote ${counted(r.rows, "answer")} to ${shown}.`)
        if (r.dictionary !== undefined) {
          files.push(r.dictionary)
          this.log(`Wrote its data dictionary (every column, code and label) to ${relative(process.cwd(), r.dictionary) || r.dictionary}.`)
        }
      } else {
        questions = r.questions ?? 0
        locales = r.locales ?? []
        this.log(`Wrote ${shown}: ${counted(questions, "question")} in ${locales.join(", ")}; upload it to KoboToolbox or ODK Central.`)
      }
    }
    return {
      formats,
      files,
      instrument: result[0]!.instrument,
      wave: wave ?? null,
      ...(rows === undefined ? {} : { rows }),
      ...(questions === undefined ? {} : { questions, locales })
    }
  }
}
