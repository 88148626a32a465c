import { Flags } from "@oclif/core"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { dryRunFlag } from "../../confirm.js"
import { counted } from "../../plural.js"
import { type ProgressBar, progressBar } from "../../progress.js"

const WARNING = "SIMULATED RESULTS: made up by `convene results simulate`, not voted by anyone. For demos, rehearsals and benchmarks only; never report them as the citizens' results."

export default class ResultsSimulate extends ConveneCommand {
  static override summary = "Store seeded, SIMULATED vote results for every site that has none, for demos and rehearsals."
  static override description = [
    "Simulates each site's results from the vote questions in ballots/*.yaml: tables of about eight seats with fewer people present than seats, the table tallies of every tally question (a few abstain), one ballot per person present (b001, b002, …; a few blanks), the tables' recommendations in the site's language and the site's priority votes on them. Every site without results is simulated (mirror dialogues only with --include-mirror), or only the sites named with --site; a site that already has results, from any way in, is left as it is, so running it again adds nothing.",
    "The results are stored through the same write path as imports and the web form, as submitted, by the actor `simulation`, and marked simulated: `results status` counts them apart and the report says so. The model builds in regional differences (printed below), so a report on them can be checked against them.",
    "Deterministic: the same --seed on the same registry and ballots stores the same results. Still, prefer a scratch workspace."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> results simulate",
    "<%= config.bin %> results simulate --seed 7 --include-mirror",
    "<%= config.bin %> results simulate --dry-run",
    "<%= config.bin %> results simulate --site gb-london --site sn-dakar --json"
  ]
  static override output = () => import("../../json/results.js").then((m) => m.simulated)
  static override flags = {
    ...workspaceFlags,
    ...dryRunFlag,
    seed: Flags.integer({ summary: "The seed: the same seed on the same registry gives the same results.", default: 1, min: 0 }),
    site: Flags.string({ summary: "Only this site (repeat the flag for several); mirror dialogues too when named.", multiple: true }),
    "include-mirror": Flags.boolean({ summary: "Simulate mirror dialogues too." })
  }

  async run() {
    const { flags } = await this.parse(ResultsSimulate)
    const json = this.jsonEnabled()
    let bar: ProgressBar | undefined
    const summary = await this.runInWorkspace(flags, async (ws) => {
      const { simulateResults } = await import("@convene/core/results")
      if (!json) this.log(`⚠ ${WARNING}`)
      return simulateResults({
        workspace: ws,
        seed: flags.seed,
        sites: flags.site,
        includeMirror: flags["include-mirror"],
        dryRun: flags["dry-run"],
        onProgress: (done, total) => {
          if (total < 400) return
          bar ??= progressBar("simulating results", !json)
          bar.tick(done, total)
        }
      })
    })
    bar?.done()
    this.log(
      summary.dryRun === true
        ? `Dry run: would simulate the results of ${counted(summary.sites, "site")}${summary.sample !== undefined && summary.sample.length > 0 ? ` (${summary.sample.join(", ")}${summary.sites > summary.sample.length ? ", …" : ""})` : ""}, seed ${summary.seed}: ${summary.tables} tables, ${summary.present} people present, ${summary.ballots} ballots, ${summary.recommendations} recommendations. Nothing was stored.`
        : `Simulated the results of ${counted(summary.sites, "site")}, seed ${summary.seed}: ${summary.tables} tables, ${summary.present} people present, ${summary.ballots} ballots, ${summary.recommendations} recommendations; stored as submitted and marked simulated.`
    )
    if (summary.skipped > 0) this.log(`${counted(summary.skipped, "site")} already had results and were left as they were.`)
    if (summary.effects.length > 0) {
      this.log("Regional differences built in (a report on these results should find them):")
      this.table(
        summary.effects.map((e) => ({
          question: e.question,
          measure: e.measure === "share" ? `share of "${e.option}"` : "mean",
          region: `${e.region} (M49 ${e.regionCode})`,
          "in region": e.measure === "share" ? `${Math.round(e.inRegion * 100)} %` : String(e.inRegion),
          elsewhere: e.measure === "share" ? `${Math.round(e.elsewhere * 100)} %` : String(e.elsewhere)
        })),
        ["question", "measure", "region", "in region", "elsewhere"]
      )
    }
    this.log(`⚠ ${WARNING}`)
    return { warning: WARNING, ...summary }
  }
}
