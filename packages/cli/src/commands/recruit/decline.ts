import { Args, Flags } from "@oclif/core"
import { ConveneCommand, workspaceFlags } from "../../base.js"

export default class RecruitDecline extends ConveneCommand {
  static override summary = "Record that someone drawn onto a panel declined; with --replace, call in the best-fitting reserve."
  static override description = "With --replace, the reserve called in is the one with whom the panel keeps every target (or breaks the fewest, said), the closest to the person who declined, the earliest in the reserve list; they join the panel as pending, to confirm with `recruit confirm`. Someone who had confirmed is removed from the participants, unless they have already answered a survey (refused: remove them explicitly)."
  static override examples = [
    "<%= config.bin %> recruit decline c-sn-dakar-017 --replace",
    "<%= config.bin %> recruit decline c-sn-dakar-017",
    "<%= config.bin %> recruit decline c-sn-dakar-017 --replace --json"
  ]
  static override args = { id: Args.string({ description: "The candidate's id.", required: true }) }
  static override flags = { ...workspaceFlags, replace: Flags.boolean({ summary: "Call in the reserve that best keeps the targets." }) }
  static override output = () => import("../../json/recruit.js").then((m) => m.declined)

  async run() {
    const { args, flags } = await this.parse(RecruitDecline)
    const [{ describeBound }, result] = await Promise.all([
      import("@convene/core/domain/Quotas"),
      this.runInWorkspace(flags, async () => (await import("@convene/core/recruitment")).declineCandidate(args.id, { replace: flags.replace }))
    ])
    this.log(`${result.declined} (${result.site}) declined${result.participantRemoved ? "; removed from the participants" : ""}.`)
    if (result.replacement !== null) {
      this.log(`Called in reserve ${result.replacement.id}: confirm with \`convene recruit confirm ${result.replacement.id}\`.`)
      if (result.replacement.broken.length === 0) this.log("The panel still meets every target.")
      else this.warn(`No reserve keeps every target; with ${result.replacement.id} the panel has ${result.replacement.broken.map((b) => `${b.count} where ${describeBound(b)}`).join("; ")}.`)
    } else if (result.noReserveLeft === true) this.warn(`No reserve left at ${result.site}: the panel is one short. Draw more reserves only by drawing the site again (possible while nobody has confirmed).`)
    return result
  }
}
