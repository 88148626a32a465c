import { Flags } from "@oclif/core"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { byFlag, staffActor } from "../../results-flags.js"

export default class ResultsReopen extends ConveneCommand {
  static override summary = "Move a site's submitted or validated results back to draft, so that they can be corrected."
  static override description = "The reason is kept in the results log with who reopened and when. The site's results stay as they were until they are imported or entered again."
  static override examples = [
    "<%= config.bin %> results reopen --site sn-dakar --reason 'table 3 counted twice'",
    "<%= config.bin %> results reopen --site br-recife --reason 'fellow sent a corrected sheet' --by 'Ana Lima' --json"
  ]
  static override output = () => import("../../json/results.js").then((m) => m.reopened)
  static override flags = {
    ...workspaceFlags,
    site: Flags.string({ summary: "The site.", required: true }),
    reason: Flags.string({ summary: "Why the results are reopened (kept in the log).", required: true }),
    by: byFlag
  }

  async run() {
    const { flags } = await this.parse(ResultsReopen)
    const changes = await this.runInWorkspace(flags, async () => {
      const { reopenResults } = await import("@convene/core/results")
      return reopenResults(flags.site, flags.reason, staffActor(flags.by))
    })
    this.log(changes.length === 0 ? `The results of ${flags.site} are already a draft.` : `The results of ${flags.site} are a draft again (they were ${changes[0]!.from}).`)
    return { site: flags.site, reopened: changes.length > 0, from: changes[0]?.from ?? "draft" }
  }
}
