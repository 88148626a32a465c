import { Flags } from "@oclif/core"
import { ConveneCommand, workspaceFlags } from "../../base.js"

export default class CandidatesList extends ConveneCommand {
  static override summary = "List the candidate pool (without contact data), or how many each site has."
  static override examples = [
    "<%= config.bin %> candidates list",
    "<%= config.bin %> candidates list --site sn-dakar",
    "<%= config.bin %> candidates list --site sn-dakar --json"
  ]
  static override flags = { ...workspaceFlags, site: Flags.string({ summary: "One site's candidates, one per line (default: how many per site)." }) }
  static override output = () => import("../../json/recruit.js").then((m) => m.candidatesList)

  async run() {
    const { flags } = await this.parse(CandidatesList)
    const { sizes, candidates } = await this.runInWorkspace(flags, async () => {
      const [{ RecruitmentRepo }, Effect] = await Promise.all([import("@convene/core/recruitment"), import("effect/Effect")])
      return RecruitmentRepo.use((repo) => Effect.all({ sizes: repo.poolSizes(), candidates: flags.site === undefined ? Effect.succeed([]) : repo.candidates(flags.site) }))
    })
    if (flags.site === undefined) {
      if (sizes.length === 0) this.log("No candidates yet: `convene candidates import candidates.csv` adds them.")
      else this.table(sizes, ["site_id", "candidates", "consented"])
    } else if (candidates.length === 0) this.log(`No candidates at ${flags.site}.`)
    else {
      this.table(candidates.map((c) => ({ id: c.id, consent: c.consent ? "yes" : "no", ...c.features })), ["id", "consent", ...Object.keys(candidates[0]!.features)])
      this.log(`\n${candidates.length} candidates`)
    }
    return { sites: sizes, candidates }
  }
}
