import { Args } from "@oclif/core"
import { ConveneCommand, workspaceFlags } from "../../base.js"

export default class RecruitConfirm extends ConveneCommand {
  static override summary = "Confirm people drawn onto a panel: they become participants, with their codes."
  static override description = "Each ID must be on its site's panel (drawn, or a reserve called in by `recruit decline --replace`). All of them become participants of their site in one transaction — the same id, a new pseudonymous code, their locale, email and the registry's features (gender, age_band, education, residence) — or none does. Confirming someone again changes nothing."
  static override examples = [
    "<%= config.bin %> recruit confirm c-sn-dakar-004 c-sn-dakar-017",
    "<%= config.bin %> recruit confirm c-sn-dakar-004 --json"
  ]
  static override strict = false
  static override args = { ids: Args.string({ description: "The candidates' ids (see `convene recruit status --site ID`).", required: true }) }
  static override flags = { ...workspaceFlags }
  static override output = () => import("../../json/recruit.js").then((m) => m.confirmed)

  async run() {
    const { argv, flags } = await this.parse(RecruitConfirm)
    const ids = (argv as Array<string>).filter((a) => !a.startsWith("-"))
    const result = await this.runInWorkspace(flags, async () => (await import("@convene/core/recruitment")).confirmCandidates(ids))
    for (const c of result.confirmed) this.log(`Confirmed ${c.id} (${c.site}): participant code ${c.code}`)
    if (result.already.length > 0) this.log(`Already confirmed: ${result.already.join(", ")}`)
    return result
  }
}
