import { Flags } from "@oclif/core"
import { ConveneCommand, today, workspaceFlags } from "../../base.js"

export default class TimelineStatus extends ConveneCommand {
  static override summary = "Show every site's and country's readiness: milestones done, due and overdue."
  static override description = "A milestone is done once recorded with `timeline done`, overdue when its due date has passed without it, and due otherwise. A site is on track when nothing is overdue."
  static override examples = [
    "<%= config.bin %> timeline status",
    "<%= config.bin %> timeline status --as-of 2027-04-20 --by country",
    "<%= config.bin %> timeline status --json"
  ]
  static override flags = {
    ...workspaceFlags,
    "as-of": Flags.string({ summary: "The date to judge by, YYYY-MM-DD (default: today)." }),
    by: Flags.string({ summary: "Show sites, countries or both.", options: ["site", "country", "both"], default: "both" })
  }
  static override output = () => import("../../json/schedule.js").then((m) => m.readiness)

  async run() {
    const { flags } = await this.parse(TimelineStatus)
    let title = ""
    let asOf = ""
    const status = await this.runInWorkspace(flags, async (ws) => {
      title = ws.dialogue.title
      const { timelineStatus } = await import("@convene/core/timeline")
      const { checkDate } = await import("../../dates.js")
      asOf = checkDate(flags["as-of"] ?? today(), "--as-of")
      return timelineStatus(ws.dialogue, asOf)
    })
    const { countryName } = await import("@convene/core/domain/Values")
    this.log(`${title} — readiness as of ${asOf}\n`)
    if (status.sites.length === 0) {
      this.log("No sites yet: `convene sites import sites.csv` adds them.")
      return status
    }
    this.table(
      status.milestones.map((m) => ({ milestone: m.id, due: m.due, done: m.done, pending: m.due_count, overdue: m.overdue })),
      ["milestone", "due", "done", "pending", "overdue"]
    )
    if (flags.by !== "country") {
      this.log("")
      const mark = { done: "✓", due: "·", overdue: "!" } as const
      this.table(
        status.sites.map((s) => ({
          site: s.site,
          country: s.country,
          done: s.done,
          due: s.due,
          overdue: s.overdue,
          milestones: Object.values(s.milestones).map((st) => mark[st]).join("")
        })),
        ["site", "country", "done", "due", "overdue", "milestones"]
      )
      this.log("  (✓ done  · due  ! overdue, in the order of the milestones above)")
    }
    if (flags.by !== "site") {
      this.log("")
      this.table(
        status.countries.map((c) => ({ country: c.country, sites: c.sites, "on track": c.on_track, done: c.done, due: c.due, overdue: c.overdue, name: countryName(c.country) })),
        ["country", "sites", "on track", "done", "due", "overdue", "name"]
      )
    }
    const t = status.totals
    this.log(`\n${t.sites} sites in ${status.countries.length} countries: ${t.on_track} on track; milestones ${t.done} done, ${t.due} due, ${t.overdue} overdue.`)
    return status
  }
}
