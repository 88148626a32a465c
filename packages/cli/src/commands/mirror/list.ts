import { Flags } from "@oclif/core"
import { ConveneCommand, workspaceFlags } from "../../base.js"

export default class MirrorList extends ConveneCommand {
  static override summary = "List the mirror dialogues registered through the public form (/mirror on convene serve)."
  static override description = "A registration is unconfirmed until its organiser follows the link mailed to them, then pending until staff approve it (`convene mirror approve ID`, or convene.yaml `mirror: { auto_approve: true }`) or reject it. The list shows the organiser's contact: it is for staff, and kept apart from the registries (docs/mirror.md)."
  static override examples = ["<%= config.bin %> mirror list", "<%= config.bin %> mirror list --status pending", "<%= config.bin %> mirror list --json"]
  static override flags = {
    ...workspaceFlags,
    status: Flags.string({ summary: "Only the registrations in this state.", options: ["unconfirmed", "pending", "approved", "rejected"] })
  }
  static override output = () => import("../../json/mirror.js").then((m) => m.listed)

  async run() {
    const { flags } = await this.parse(MirrorList)
    const status = flags.status as "unconfirmed" | "pending" | "approved" | "rejected" | undefined
    const mirrors = await this.runInWorkspace(flags, async () => (await import("@convene/core/mirrors")).listMirrors(status))
    if (mirrors.length === 0) this.log(status === undefined ? "No mirror dialogue is registered yet (the form is /mirror on convene serve)." : `No ${status} mirror registration.`)
    this.table(mirrors.map((m) => ({ ...m, participants: String(m.participants), site: m.site_id ?? "" })), ["id", "status", "date", "country", "place", "locale", "participants", "email", "site"])
    return { mirrors }
  }
}
