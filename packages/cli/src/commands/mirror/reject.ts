import { Args, Flags } from "@oclif/core"
import { ConveneCommand, workspaceFlags } from "../../base.js"

export default class MirrorReject extends ConveneCommand {
  static override summary = "Reject an unconfirmed or pending mirror registration, with a note saying why."
  static override description = "Nothing is created and nothing is mailed; the note is kept with the registration. The organiser's address may register again afterwards."
  static override examples = ["<%= config.bin %> mirror reject 4 --note \"not a public dialogue\"", "<%= config.bin %> mirror reject 4 --note \"duplicate of 3\" --json"]
  static override args = { id: Args.integer({ description: "The registration's id (`convene mirror list`).", required: true, min: 1 }) }
  static override flags = { ...workspaceFlags, note: Flags.string({ summary: "Why it is rejected (kept with the registration).", required: true }) }
  static override output = () => import("../../json/mirror.js").then((m) => m.rejected)

  async run() {
    const { args, flags } = await this.parse(MirrorReject)
    const registration = await this.runInWorkspace(flags, async () => (await import("@convene/core/mirrors")).rejectMirror(args.id, flags.note))
    this.log(`Rejected mirror registration ${registration.id} (${registration.place}, ${registration.country}): ${registration.note}.`)
    return { registration }
  }
}
