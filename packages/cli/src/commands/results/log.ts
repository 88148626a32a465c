import { Flags } from "@oclif/core"
import { ConveneCommand, workspaceFlags } from "../../base.js"

export default class ResultsLog extends ConveneCommand {
  static override summary = "Show the results log: every change to the results, who made it, when, and the results before and after."
  static override description = "The log is append-only. With --json each entry carries the site's results before and after the change (as SiteResults)."
  static override examples = ["<%= config.bin %> results log", "<%= config.bin %> results log --site sn-dakar", "<%= config.bin %> results log --site sn-dakar --json"]
  static override output = () => import("../../json/results.js").then((m) => m.log)
  static override flags = {
    ...workspaceFlags,
    site: Flags.string({ summary: "Only this site's changes." })
  }

  async run() {
    const { flags } = await this.parse(ResultsLog)
    const entries = await this.runInWorkspace(flags, async () => {
      const { resultsLog } = await import("@convene/core/results")
      return resultsLog(flags.site)
    })
    if (entries.length === 0) {
      this.log(flags.site === undefined ? "The results log is empty." : `No changes to the results of ${flags.site}.`)
      return { entries }
    }
    const size = (r: (typeof entries)[number]["after"]) => (r === null ? "" : `${r.tallies.length}t/${r.ballots.length}b/${r.recommendations.length}r`)
    this.table(
      entries.map((e) => ({
        at: e.at.toISOString().slice(0, 19).replace("T", " "),
        site: e.site_id,
        action: e.action,
        by: e.actor,
        status: e.status_before === e.status_after ? (e.status_after ?? "") : `${e.status_before ?? "—"} → ${e.status_after ?? ""}`,
        before: size(e.before),
        after: size(e.after),
        reason: e.reason ?? ""
      })),
      ["at", "site", "action", "by", "status", "before", "after", "reason"]
    )
    this.log("  (before/after: tables / ballots / recommendations)")
    return { entries }
  }
}
