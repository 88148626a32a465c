import { Args, Flags } from "@oclif/core"
import { userInfo } from "node:os"
import { ConveneCommand, workspaceFlags } from "../../base.js"

export default class KitApprove extends ConveneCommand {
  static override summary = "Approve a site's change to locked kit content, in its current version."
  static override description = "ITEM is a template path (kit/documents/tally-sheet.hbs) or a message as LOCALE:KEY (fr:agenda_blocks.deliberation.title; the key alone when the site changes it in one locale), as `convene kit check` lists them in the adaptation register. The approval records the SHA-256 of the site's version: a later edit needs a new approval. Approved changes are listed in the site's kit manifest (deviations), so that the results analysis can name the sites that deviated."
  static override examples = [
    "<%= config.bin %> kit approve --site sn-dakar fr:agenda_blocks.deliberation.title --note \"Wolof term agreed with the method team\"",
    "<%= config.bin %> kit approve --site br-recife kit/partials/content/background.hbs --note \"National data added, reviewed\" --by ana"
  ]
  static override args = { item: Args.string({ description: "The template path or LOCALE:KEY to approve.", required: true }) }
  static override flags = {
    ...workspaceFlags,
    site: Flags.string({ summary: "The site whose change is approved.", required: true }),
    note: Flags.string({ summary: "Why this deviation is acceptable (kept with the approval).", required: true }),
    by: Flags.string({ summary: "Who approves (default: your user name)." })
  }
  static override output = () => import("../../json/kit.js").then((m) => m.approved)

  async run() {
    const { args, flags } = await this.parse(KitApprove)
    const by = flags.by ?? `staff:${userInfo().username}`
    const approved = await this.runInWorkspace(flags, async (ws) => (await import("@convene/core/kits")).approveAdaptation(ws, { site: flags.site, item: args.item, note: flags.note, by }))
    this.log(`Approved ${approved.item} at ${approved.site} (${approved.status}, ${approved.diff}), version ${approved.sha256.slice(0, 12)}, by ${by}.`)
    return approved
  }
}
