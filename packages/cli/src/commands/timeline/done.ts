import { Args, Flags } from "@oclif/core"
import { ConveneCommand, today, workspaceFlags } from "../../base.js"

export default class TimelineDone extends ConveneCommand {
  static override summary = "Record that a site reached a milestone."
  static override description = "Milestones are declared in convene.yaml (timeline.milestones). Give --site once per site; all of them are recorded, or none when one is unknown."
  static override examples = [
    "<%= config.bin %> timeline done venue-booked --site sn-dakar",
    "<%= config.bin %> timeline done facilitators-trained --site sn-dakar --site sn-thies --on 2027-04-02",
    "<%= config.bin %> timeline done venue-booked --site sn-dakar --undo"
  ]
  static override args = { milestone: Args.string({ description: "The milestone id, e.g. venue-booked (see `convene timeline show`).", required: true }) }
  static override flags = {
    ...workspaceFlags,
    site: Flags.string({ summary: "Site id (repeatable).", required: true, multiple: true }),
    on: Flags.string({ summary: "The date it was reached, YYYY-MM-DD (default: today)." }),
    note: Flags.string({ summary: "A short note kept with the record." }),
    undo: Flags.boolean({ summary: "Forget the milestone at these sites instead." })
  }
  static override output = () => import("../../json/schedule.js").then((m) => m.recorded)

  async run() {
    const { args, flags } = await this.parse(TimelineDone)
    const result = await this.runInWorkspace(flags, async (ws) => {
      const { recordMilestone } = await import("@convene/core/timeline")
      return recordMilestone(ws.dialogue, { milestone: args.milestone, sites: flags.site, on: flags.on ?? today(), note: flags.note, undo: flags.undo })
    })
    this.log(
      flags.undo
        ? `Cleared ${result.milestone} at ${result.sites.join(", ")}.`
        : `Recorded ${result.milestone} at ${result.sites.join(", ")} on ${result.done_on}.`
    )
    return result
  }
}
