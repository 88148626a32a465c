import { Flags } from "@oclif/core"
import { ConveneCommand, workspaceFlags } from "../../base.js"

export default class RecruitStatus extends ConveneCommand {
  static override summary = "Where recruitment stands: per site, the panel's answers, the reserves, and any target the panel now misses."
  static override examples = [
    "<%= config.bin %> recruit status",
    "<%= config.bin %> recruit status --site sn-dakar",
    "<%= config.bin %> recruit status --json"
  ]
  static override flags = { ...workspaceFlags, site: Flags.string({ summary: "One site, with everyone drawn listed." }) }
  static override output = () => import("../../json/recruit.js").then((m) => m.status)

  async run() {
    const { flags } = await this.parse(RecruitStatus)
    const [{ describeBound }, sites] = await Promise.all([
      import("@convene/core/domain/Quotas"),
      this.runInWorkspace(flags, async () => (await import("@convene/core/recruitment")).recruitmentStatus(flags.site))
    ])
    if (sites.length === 0) {
      this.log("No draw yet: `convene recruit select --site ID` (or --all) draws the panels.")
      return { sites }
    }
    this.table(sites.map((s) => ({ ...s, targets: s.broken.length === 0 ? "met" : `${s.broken.length} missed` })), ["site", "size", "confirmed", "pending", "declined", "reserves_left", "reserves_called", "targets", "seed"])
    for (const s of sites) for (const b of s.broken) this.log(`${s.site}: ${b.count} where ${describeBound(b)}`)
    if (flags.site !== undefined) {
      this.log("")
      this.table(sites[0]!.people.map((p) => ({ ...p, reserve_rank: p.reserve_rank ?? "", replaces: p.replaces ?? "", probability: p.probability.toFixed(3) })), ["id", "role", "status", "reserve_rank", "replaces", "probability"])
    }
    return { sites }
  }
}
