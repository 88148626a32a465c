import { Args, Flags } from "@oclif/core"
import { resolve } from "node:path"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { counted } from "../../plural.js"
import { dryRunFlag } from "../../confirm.js"
import { byFlag, staffActor } from "../../results-flags.js"

export default class ResultsImport extends ConveneCommand {
  static override summary = "Import a site's (or many sites') vote results from a CSV: table tallies, individual ballots or recommendations."
  static override description = [
    "The file's header tells what it holds:",
    "  tallies          site,table,present,question,option,count   (one row per option counted at a table; `present` repeated on each row of the table)",
    "  ballots          site,ballot,question,value                  (one row per ballot and question; several choices separated by spaces, a ranking best first)",
    "  recommendations  site,table,recommendation,text,votes        (add a `question` column when the ballots have several recommendations questions)",
    "With --site, the `site` column may be left out and rows of other sites are refused.",
    "All or nothing: every bad cell is reported as FILE:LINE:COLUMN (an unknown site, question or option, a count that is not a whole number, more votes than people present, more choices than allowed, a duplicate table or ballot, a validated site), and nothing is stored unless all are good. Importing a site again replaces that part of its draft; the results log keeps what was there before. --dry-run runs the whole import, every check included, and rolls it back: it says what would be replaced and stores nothing.",
    "With --format kobo, FILE is a KoboToolbox (or ODK Central) CSV export, with \"XML values and headers\", of the form `results export --format xlsform` writes: one row per table sheet or ballot, checked the same way; its table sheets replace the tallies and recommendations, its ballots the ballots, of each site in it. Submissions marked \"Not approved\" are left out unless --include-unapproved."
  ].join("\n")
  static override examples = [
    "<%= config.bin %> results import tallies-dakar.csv --site sn-dakar",
    "<%= config.bin %> results import kobo-export.csv --format kobo",
    "<%= config.bin %> results import tallies-dakar.csv --site sn-dakar --dry-run",
    "<%= config.bin %> results import all-ballots.csv --by 'Ana Lima'",
    "<%= config.bin %> results import recommendations.csv --json"
  ]
  static override args = { file: Args.string({ description: "The CSV file: table tallies, individual ballots or recommendations (the layouts above), or a KoboToolbox/ODK export with --format kobo.", required: true }) }
  static override output = () => import("../../json/results.js").then((m) => m.imported)
  static override flags = {
    ...workspaceFlags,
    ...dryRunFlag,
    site: Flags.string({ summary: "Only this site: the file may leave out the site column." }),
    format: Flags.option({ summary: "csv: one of the three layouts above; kobo: a KoboToolbox/ODK CSV export of the form of `results export --format xlsform`.", options: ["csv", "kobo"] as const, default: "csv" })(),
    "include-unapproved": Flags.boolean({ summary: "kobo: keep submissions a reviewer marked \"Not approved\" in KoboToolbox (left out by default)." }),
    by: byFlag
  }

  async run() {
    const { args, flags } = await this.parse(ResultsImport)
    const summary = await this.runInWorkspace(flags, async (ws) => {
      const { importResults } = await import("@convene/core/results")
      return importResults({ workspace: ws, file: resolve(args.file), site: flags.site, actor: staffActor(flags.by), format: flags.format, includeUnapproved: flags["include-unapproved"], dryRun: flags["dry-run"] })
    })
    const n = summary.sites.length
    if (summary.dryRun === true) {
      this.log(`Dry run: ${summary.file}: ${counted(summary.rows, "row")} for ${n} ${n === 1 ? "site" : "sites"} (${summary.sites.slice(0, 5).join(", ")}${n > 5 ? ", …" : ""}) would replace their ${summary.parts.join(", ")} drafts. Nothing was stored.`)
      return summary
    }
    if (flags.format === "kobo") {
      this.log(`${summary.file}: ${counted(summary.rows, "KoboToolbox submission")} imported for ${n} ${n === 1 ? "site" : "sites"} (${summary.sites.slice(0, 5).join(", ")}${n > 5 ? ", …" : ""}); their ${summary.parts.join(", ")} drafts were replaced.${summary.unapproved > 0 ? ` ${counted(summary.unapproved, "submission")} marked "Not approved" were left out.` : ""}`)
      return summary
    }
    this.log(`${summary.file}: ${summary.rows} ${summary.part === "tallies" ? "tally" : summary.part === "ballots" ? "ballot" : "recommendation"} rows imported for ${n} ${n === 1 ? "site" : "sites"} (${summary.sites.slice(0, 5).join(", ")}${n > 5 ? ", …" : ""}); the ${summary.part} of ${n === 1 ? "its" : "their"} draft were replaced.`)
    return summary
  }
}
