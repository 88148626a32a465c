import { Flags } from "@oclif/core"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { byFlag, staffActor } from "../../results-flags.js"

export default class ResultsValidate extends ConveneCommand {
  static override summary = "Mark a site's results, or every submitted site's, as validated: counted in the report, closed to changes."
  static override description = "Results go from draft (entered) to submitted (sent by the fellow) to validated (checked by staff). A validated site cannot be changed by an import or the web form until `convene results reopen` moves it back. Each change is kept in the results log with who made it."
  static override examples = [
    "<%= config.bin %> results validate --site sn-dakar",
    "<%= config.bin %> results validate --all-submitted --by 'Ana Lima'",
    "<%= config.bin %> results validate --all-submitted --json"
  ]
  static override output = () => import("../../json/results.js").then((m) => m.validated)
  static override flags = {
    ...workspaceFlags,
    site: Flags.string({ summary: "The site to validate (its draft or submitted results).", exactlyOne: ["site", "all-submitted"] }),
    "all-submitted": Flags.boolean({ summary: "Validate every submitted site.", exactlyOne: ["site", "all-submitted"] }),
    by: byFlag
  }

  async run() {
    const { flags } = await this.parse(ResultsValidate)
    const changes = await this.runInWorkspace(flags, async () => {
      const { validateResults } = await import("@convene/core/results")
      return validateResults(flags.site === undefined ? { allSubmitted: true } : { site: flags.site }, staffActor(flags.by))
    })
    if (changes.length === 0) this.log(flags.site === undefined ? "No submitted results to validate." : `The results of ${flags.site} were already validated.`)
    else this.log(`Validated the results of ${changes.length} ${changes.length === 1 ? "site" : "sites"}${changes.length <= 10 ? `: ${changes.map((c) => c.site_id).join(", ")}` : ""}.`)
    return { validated: changes.map((c) => c.site_id) }
  }
}
