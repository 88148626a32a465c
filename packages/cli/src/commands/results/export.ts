import { Flags } from "@oclif/core"
import { join, relative, resolve } from "node:path"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { counted } from "../../plural.js"
import { distinct, formatsFlag } from "../../formats-flag.js"

export default class ResultsExport extends ConveneCommand {
  static override summary = "Export the vote questions as an XLSForm for KoboToolbox/ODK tablets, or the stored results as the CSV files `results import` reads."
  static override description = [
    "xlsform: an .xlsx with survey, choices and settings sheets and a label::Language (code) column for every locale of convene.yaml; KoboToolbox and ODK Central accept it. Each submission is a table's tally sheet (table number, people present, every option's count, the table's recommendations and their priority votes) or one participant's ballot. The form has no repeat groups, so its data exports as one CSV: export it from KoboToolbox with \"XML values and headers\" and bring it back with `convene results import FILE --format kobo`. With --site, the form fills that site in by default (a form for one site's tablets).",
    "csv: the stored results of every site that has any (or of --site) as tallies.csv, ballots.csv and recommendations.csv in the folder --out (default out/results/), in the layouts `results import` reads: an export imports back as it was. A file is written only when it has rows.",
    "Both at once: --format xlsform,csv writes the form and the CSV files, --out then naming the folder (the form is results-form.xlsx in it)."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> results export --format xlsform",
    "<%= config.bin %> results export --format xlsform --site sn-dakar --out dakar-results.xlsx",
    "<%= config.bin %> results export --format csv --out backup/",
    "<%= config.bin %> results export --format xlsform,csv --out backup/",
    "<%= config.bin %> results export --format csv --site sn-dakar --json"
  ]
  static override output = () => import("../../json/results.js").then((m) => m.exported)
  static override flags = {
    ...workspaceFlags,
    format: formatsFlag(["xlsform", "csv"] as const, undefined, "What to write: xlsform, csv, or both (xlsform,csv)."),
    out: Flags.string({ summary: "xlsform: the .xlsx file (default out/results/results-form.xlsx); csv, or both formats: the folder (default out/results/)." }),
    site: Flags.string({ summary: "xlsform: fill this site in by default; csv: only this site's results (repeat for several).", multiple: true })
  }

  async run() {
    const { flags } = await this.parse(ResultsExport)
    const formats = distinct(flags.format)
    // with both formats --out is the folder: the form is written in it as results-form.xlsx
    const out = flags.out === undefined ? undefined : resolve(flags.out)
    let wsDir = ""
    const summaries = await this.runInWorkspace(flags, async (ws) => {
      wsDir = ws.dir
      const [{ exportResults }, Effect] = await Promise.all([import("@convene/core/results"), import("effect/Effect")])
      return Effect.forEach(formats, (format) =>
        exportResults({ workspace: ws, format, out: out !== undefined && format === "xlsform" && formats.length > 1 ? join(out, "results-form.xlsx") : out, sites: flags.site })
      )
    })
    const shown = (f: string) => relative(process.cwd(), f) || f
    const form = summaries.find((s) => s.format === "xlsform")
    const csv = summaries.find((s) => s.format === "csv")
    if (form !== undefined) {
      this.log(`Wrote ${shown(form.files[0]!)}: ${counted(form.questions, "vote question")}; upload it to KoboToolbox or ODK Central, export the data as CSV ("XML values and headers") and run \`convene results import FILE --format kobo\`.`)
    }
    if (csv !== undefined) {
      if (csv.files.length === 0) this.log(csv.sites === 0 ? "No results are stored yet: nothing to export." : "The results hold no rows to export.")
      else this.log(`Wrote the results of ${counted(csv.sites, "site")}: ${csv.files.map((f) => `${shown(f)} (${csv.rows[f.endsWith("tallies.csv") ? "tallies" : f.endsWith("ballots.csv") ? "ballots" : "recommendations"]} rows)`).join(", ")}.`)
    }
    return {
      formats,
      files: summaries.flatMap((s) => s.files),
      questions: summaries[0]!.questions,
      ...(form === undefined ? {} : { xlsform: { file: form.files[0]!, site: flags.site?.[0] ?? null } }),
      ...(csv === undefined ? {} : { csv: { dir: out ?? join(wsDir, "out", "results"), sites: csv.sites, rows: csv.rows } })
    }
  }
}
