import { Flags } from "@oclif/core"
import { ConveneCommand, workspaceFlags } from "../../base.js"

export default class ResultsStatus extends ConveneCommand {
  static override summary = "Show the progress of results entry: sites expected, submitted, validated and missing, which missing ones are overdue, people present and ballots."
  static override description = "A missing site is overdue once its day has ended in its own zone (the end of its last agenda block, planned from convene.yaml and the site's time zone). Mirror dialogues are not expected unless --include-mirror."
  static override examples = [
    "<%= config.bin %> results status",
    "<%= config.bin %> results status --by country",
    "<%= config.bin %> results status --by region --as-of 2027-05-16T02:00:00Z --json"
  ]
  static override output = () => import("../../json/results.js").then((m) => m.status)
  static override flags = {
    ...workspaceFlags,
    by: Flags.string({ summary: "Group by site, country or region.", options: ["site", "country", "region"], default: "region" }),
    "as-of": Flags.string({ summary: "Judge overdue sites as of this instant (ISO 8601, e.g. 2027-05-16T02:00:00Z; default: now)." }),
    "include-mirror": Flags.boolean({ summary: "Expect mirror dialogues too." })
  }

  async run() {
    const { flags } = await this.parse(ResultsStatus)
    const asOf = flags["as-of"] === undefined ? undefined : new Date(flags["as-of"])
    if (asOf !== undefined && Number.isNaN(asOf.getTime())) this.error(`--as-of: expected an ISO 8601 instant such as 2027-05-16T02:00:00Z, got "${flags["as-of"]}".`, { exit: 2 })
    const by = flags.by as "site" | "country" | "region"
    const progress = await this.runInWorkspace(flags, async (ws) => {
      const [{ resultsStatus }, { withClockAsOf }] = await Promise.all([import("@convene/core/results"), import("@convene/core/infra")])
      const effect = resultsStatus(ws, { by, includeMirror: flags["include-mirror"] })
      return asOf === undefined ? effect : withClockAsOf(asOf, effect)
    })
    const t = progress.total
    if (t.expected === 0) {
      this.log("No sites are expected to report: `convene sites import sites.csv` adds them.")
      return progress
    }
    this.table(
      progress.groups.map((g) => ({ [by]: g.group, expected: g.expected, validated: g.validated, submitted: g.submitted, draft: g.draft, missing: g.missing, overdue: g.overdue, present: g.present, ballots: g.ballots })),
      [by, "expected", "validated", "submitted", "draft", "missing", "overdue", "present", "ballots"]
    )
    const simulated = progress.sites.filter((s) => s.simulated).length
    this.log(`\nAs of ${progress.as_of.replace(/\.\d+Z$/, "Z")}: ${t.expected} sites expected; ${t.validated} validated, ${t.submitted} submitted, ${t.draft} draft, ${t.missing} missing (${t.overdue} overdue). ${t.present} people present at tallied tables, ${t.ballots} ballots.${simulated > 0 ? ` SIMULATED: ${simulated} sites hold simulated results.` : ""}`)
    return progress
  }
}
