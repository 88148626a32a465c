import { Flags } from "@oclif/core"
import { relative, resolve } from "node:path"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { counted } from "../../plural.js"

export default class ResultsExport extends ConveneCommand {
  static override summary = "Export the vote questions as an XLSForm for KoboToolbox/ODK tablets, or the stored results as the CSV files `results import` reads."
  static override description = [
    "xlsform: an .xlsx with survey, choices and settings sheets and a label::Language (code) column for every locale of convene.yaml; KoboToolbox and ODK Central accept it. Each submission is a table's tally sheet (table number, people present, every option's count, the table's recommendations and their priority votes) or one participant's ballot. The form has no repeat groups, so its data exports as one CSV: export it from KoboToolbox with \"XML values and headers\" and bring it back with `convene results import FILE --format kobo`. With --site, the form fills that site in by default (a form for one site's tablets).",
    "csv: the stored results of every site that has any (or of --site) as tallies.csv, ballots.csv and recommendations.csv in the folder --out (default out/results/), in the layouts `results import` reads: an export imports back as it was. A file is written only when it has rows."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> results export --format xlsform",
    "<%= config.bin %> results export --format xlsform --site sn-dakar --out dakar-results.xlsx",
    "<%= config.bin %> results export --format csv --out backup/",
    "<%= config.bin %> results export --format csv --site sn-dakar --json"
  ]
  static override flags = {
    ...workspaceFlags,
    format: Flags.option({ summary: "What to write.", options: ["xlsform", "csv"] as const, required: true })(),
    out: Flags.string({ summary: "xlsform: the .xlsx file (default out/results/results-form.xlsx); csv: the folder (default out/results/)." }),
    site: Flags.string({ summary: "xlsform: fill this site in by default; csv: only this site's results (repeat for several).", multiple: true })
  }

  async run() {
    const { flags } = await this.parse(ResultsExport)
    const result = await this.runInWorkspace(flags, async (ws) => {
      const { exportResults } = await import("@convene/core/results")
      return exportResults({ workspace: ws, format: flags.format, out: flags.out === undefined ? undefined : resolve(flags.out), sites: flags.site })
    })
    const shown = (f: string) => relative(process.cwd(), f) || f
    if (result.format === "xlsform") {
      this.log(`Wrote ${shown(result.files[0]!)}: ${counted(result.questions, "vote question")}; upload it to KoboToolbox or ODK Central, export the data as CSV ("XML values and headers") and run \`convene results import FILE --format kobo\`.`)
    } else if (result.files.length === 0) {
      this.log(result.sites === 0 ? "No results are stored yet: nothing to export." : "The results hold no rows to export.")
    } else {
      this.log(`Wrote the results of ${counted(result.sites, "site")}: ${result.files.map((f) => `${shown(f)} (${result.rows[f.endsWith("tallies.csv") ? "tallies" : f.endsWith("ballots.csv") ? "ballots" : "recommendations"]} rows)`).join(", ")}.`)
    }
    return result
  }
}
