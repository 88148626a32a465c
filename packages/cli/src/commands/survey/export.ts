import { Flags } from "@oclif/core"
import { join, relative, resolve } from "node:path"
import { SURVEY_EXPORT_FORMATS } from "@convene/core/domain/Answers"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { instrumentFlag } from "../../survey-flags.js"
import { counted } from "../../plural.js"

export default class SurveyExport extends ConveneCommand {
  static override summary = "Export every answer as tidy CSV, or the instrument as an XLSForm for KoboToolbox/ODK."
  static override description = [
    "csv: one row per answer, in long form — participant_code, site, country (ISO code), country_name (English), wave, instrument, instrument_version, source (web, paper, kobo), simulated, question, value (multiple choices space-separated). No contact data: e-mail addresses never leave the participants registry. In pandas or R, read it with only empty fields as missing (keep_default_na=False, na_values=[\"\"]; na.strings = \"\"), or Namibia's NA becomes a missing value.",
    "xlsform: an .xlsx with survey, choices and settings sheets and a label::Language (code) column for every locale of the instrument, for one wave; KoboToolbox and ODK Central accept it. Collect offline, export the answers as CSV, and bring them back with `convene survey import FILE --wave W --format kobo`."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> survey export --format csv",
    "<%= config.bin %> survey export --format csv --wave post --out answers-post.csv",
    "<%= config.bin %> survey export --format xlsform --wave pre --out evaluation-pre.xlsx"
  ]
  static override flags = {
    ...workspaceFlags,
    format: Flags.option({ summary: "What to write.", options: SURVEY_EXPORT_FORMATS, required: true })(),
    wave: Flags.string({ summary: "Only this wave (required for xlsform)." }),
    instrument: instrumentFlag,
    out: Flags.string({ summary: "The file to write (default: out/surveys/answers.csv or out/surveys/<instrument>-<wave>.xlsx)." })
  }

  async run() {
    const { flags } = await this.parse(SurveyExport)
    if (flags.format === "csv") {
      let file = ""
      const result = await this.runInWorkspace(flags, async (ws) => {
        const { exportSurveyCsv } = await import("@convene/core/surveys")
        file = resolve(flags.out ?? join(ws.dir, "out", "surveys", flags.wave === undefined ? "answers.csv" : `answers-${flags.wave}.csv`))
        return exportSurveyCsv(ws, file, { instrument: flags.instrument, wave: flags.wave })
      })
      this.log(`Wrote ${counted(result.rows, "answer")} to ${relative(process.cwd(), file) || file}.`)
      return result
    }
    const wave = flags.wave
    const result = await this.runInWorkspace(flags, async (ws) => {
      if (wave === undefined) this.error("--format xlsform needs --wave (pre, post or followup): one form per wave.", { exit: 2 })
      const { exportXlsForm } = await import("@convene/core/surveys")
      return exportXlsForm(ws, { wave, instrument: flags.instrument, out: flags.out === undefined ? undefined : resolve(flags.out) })
    })
    this.log(`Wrote ${relative(process.cwd(), result.file) || result.file}: ${counted(result.questions, "question")} in ${result.locales.join(", ")}; upload it to KoboToolbox or ODK Central.`)
    return result
  }
}
