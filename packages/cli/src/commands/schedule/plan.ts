import { Flags } from "@oclif/core"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { counted } from "../../plural.js"

export default class SchedulePlan extends ConveneCommand {
  static override summary = "Plan the synchronized deliberation day for every site, and store the plan."
  static override description =
    "For every registered site: each agenda block's local start and end, its UTC instants and the UTC offset in force, from the site's start_local (or the dialogue's default). Synchronized moments are placed (auto ones on a 15-minute UTC grid where the most sites can join inside their window). Warnings name the site and block: DST gaps (shifted forward) and overlaps (the first taken), blocks outside the window or past midnight, another local date, a DST switch during the day."
  static override examples = ["<%= config.bin %> schedule plan", "<%= config.bin %> schedule plan --json > plan.json"]
  static override flags = {
    ...workspaceFlags,
    "include-mirror": Flags.boolean({ summary: "Plan mirror sites too (they normally hold their dialogue later, in the mirror phase)." })
  }
  static override output = () => import("../../json/schedule.js").then((m) => m.planned)

  async run() {
    const { flags } = await this.parse(SchedulePlan)
    const { plan, mirrorLeftOut, tz } = await this.runInWorkspace(flags, async (ws) => {
      const { planSchedule } = await import("@convene/core/schedule")
      return planSchedule(ws.dialogue, { includeMirror: flags["include-mirror"], sessions: ws.sessions })
    })
    const first = plan.sites[0]!
    const last = plan.sites.at(-1)!
    this.log(`Planned ${plan.day} for ${plan.sites.length} sites: ${plan.span.hours} h in UTC, ${plan.span.start_utc} → ${plan.span.end_utc}, with tz ${tz.version} (${tz.source}).`)
    if (mirrorLeftOut > 0) this.log(`${counted(mirrorLeftOut, "mirror site")} left out: they meet later, in the mirror phase (--include-mirror plans them too).`)
    this.log(`First to start: ${first.id} (${first.timezone}, ${first.blocks[0]!.start_local.slice(11)} local); last to finish: ${last.id} (${last.timezone}).`)
    for (const m of plan.moments) {
      this.log(`Moment ${m.id} (${m.mode}) at ${m.start_utc}: ${m.joining} of ${plan.sites.length} sites can join${m.not_joining.length > 0 ? `; not: ${m.not_joining.slice(0, 8).join(", ")}${m.not_joining.length > 8 ? `, … (${m.not_joining.length})` : ""}` : ""}.`)
    }
    this.log(`${counted(plan.warnings.length, "warning")}${plan.warnings.length > 0 ? ":" : "."}`)
    for (const w of plan.warnings.slice(0, 20)) this.log(`  ${w.site}${w.block === undefined ? "" : `/${w.block}`}: ${w.message}`)
    if (plan.warnings.length > 20) this.log(`  … and ${plan.warnings.length - 20} more (see --json or \`convene schedule show --site ID\`)`)
    this.log("\n`convene schedule show` prints it; `convene schedule export --format json|csv` writes it.")
    return { ...plan, tz, mirrorLeftOut }
  }
}
