import { Args, Flags } from "@oclif/core"
import { resolve } from "node:path"
import { ANSWER_IMPORT_FORMATS } from "@convene/core/domain/Answers"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { instrumentFlag, waveFlag } from "../../survey-flags.js"
import { counted } from "../../plural.js"
import { dryRunFlag } from "../../confirm.js"

export default class SurveyImport extends ConveneCommand {
  static override summary = "Import answers typed from paper questionnaires, or a KoboToolbox/ODK CSV export."
  static override description = [
    "paper (default): a CSV with one row per participant: a `code` column (the participant code printed on the questionnaire), then one column per question id of the wave. Blank cells are unanswered questions; multiple choices are option ids separated by spaces. Likert and scale answers are their numbers.",
    "kobo: the CSV KoboToolbox or ODK Central exports for the form `convene survey export --format xlsform` wrote (XML values and headers; ',' or ';' separated; select_multiple as space-separated values; group paths and metadata columns are handled).",
    "All or nothing: every bad cell is reported as FILE:LINE:COLUMN, and nothing is stored unless all are good. A participant who already answered the wave (online, on paper or in Kobo) is reported too; --skip-existing imports the others. --dry-run runs the whole import, every check included, and rolls it back: it says what would be stored and stores nothing."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> survey import paper-pre-dakar.csv --wave pre",
    "<%= config.bin %> survey import kobo-export.csv --wave post --format kobo",
    "<%= config.bin %> survey import paper-pre-dakar.csv --wave pre --dry-run",
    "<%= config.bin %> survey import late-entries.csv --wave post --skip-existing --json"
  ]
  static override output = () => import("../../json/survey.js").then((m) => m.imported)
  static override args = { file: Args.string({ description: "The CSV file: answers typed from paper questionnaires, or a KoboToolbox/ODK export with --format kobo.", required: true }) }
  static override flags = {
    ...workspaceFlags,
    ...dryRunFlag,
    wave: waveFlag,
    format: Flags.option({ summary: "What the file is.", options: ANSWER_IMPORT_FORMATS, default: "paper" as const })(),
    instrument: instrumentFlag,
    "skip-existing": Flags.boolean({ summary: "Import the rest when some participants already answered the wave." }),
    "include-unapproved": Flags.boolean({ summary: "Kobo: import the submissions a reviewer marked \"Not approved\" too (left out and counted by default)." })
  }

  async run() {
    const { args, flags } = await this.parse(SurveyImport)
    const summary = await this.runInWorkspace(flags, async (ws) => {
      const { importSurveyAnswers } = await import("@convene/core/surveys")
      return importSurveyAnswers(ws, resolve(args.file), { wave: flags.wave, format: flags.format, instrument: flags.instrument, skipExisting: flags["skip-existing"], includeUnapproved: flags["include-unapproved"], dryRun: flags["dry-run"] })
    })
    if (summary.dryRun === true) {
      this.log(`Dry run: ${summary.file}: ${counted(summary.imported, "response")} to the ${summary.wave} wave would be imported (${counted(summary.answers, "answer")}${summary.sample !== undefined && summary.sample.length > 0 ? `; codes ${summary.sample.join(", ")}` : ""})${summary.skippedExisting > 0 ? `; ${summary.skippedExisting} skipped: already answered` : ""}. Nothing was stored.`)
      return summary
    }
    this.log(`${summary.file}: ${counted(summary.imported, "response")} to the ${summary.wave} wave imported (${summary.answers} answers, ${summary.blank} blank)${summary.skippedExisting > 0 ? `; ${summary.skippedExisting} skipped: already answered` : ""}${summary.skippedUnapproved > 0 ? `; ${summary.skippedUnapproved} left out: marked "Not approved" in KoboToolbox (--include-unapproved imports them)` : ""}.`)
    return summary
  }
}
