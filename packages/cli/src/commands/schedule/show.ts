import { Flags } from "@oclif/core"
import { ConveneCommand, workspaceFlags } from "../../base.js"

export default class ScheduleShow extends ConveneCommand {
  static override summary = "Print the stored plan: sites in follow-the-sun order, or one site's day."
  static override examples = ["<%= config.bin %> schedule show", "<%= config.bin %> schedule show --site np-kathmandu", "<%= config.bin %> schedule show --json"]
  static override flags = { ...workspaceFlags, site: Flags.string({ summary: "Show this site's day, block by block." }) }
  static override output = () => import("../../json/schedule.js").then((m) => m.shown)

  async run() {
    const { flags } = await this.parse(ScheduleShow)
    const { latestPlan, planForSite, tzWarning } = await import("@convene/core/schedule")
    const { plan: stored, stale, tz, newerTz } = await this.runInWorkspace(flags, (ws) => latestPlan(ws.dialogue, undefined, ws.sessions))
    const plan = flags.site === undefined ? stored : planForSite(stored, flags.site)
    if (stale) this.warn("The stored plan is out of date: sites or the day in convene.yaml changed since it was made. Run `convene schedule plan` again.")
    const tzStale = tzWarning(tz, newerTz)
    if (tzStale !== undefined) this.warn(tzStale)
    if (flags.site !== undefined) {
      const site = plan.sites[0]!
      this.log(`${site.id} — ${site.timezone} — ${plan.day}${tz === undefined ? "" : ` — tz ${tz.version}`}\n`)
      this.table(site.blocks.map((b) => ({ block: b.id, local: `${b.start_local.slice(11)}–${b.end_local.slice(11)}`, utc: `${b.start_utc.slice(11, 16)}–${b.end_utc.slice(11, 16)}Z`, offset: b.utc_offset, title: b.title })), ["block", "local", "utc", "offset", "title"])
      if (site.moments.length > 0) {
        this.log("")
        this.table(site.moments.map((m) => ({ moment: m.id, local: `${m.start_local.slice(11)}–${m.end_local.slice(11)}`, date: m.start_local.slice(0, 10), joins: m.joins ? "yes" : "no (outside the window)" })), ["moment", "local", "date", "joins"])
      }
      for (const w of site.warnings) this.log(`⚠ ${w.block === undefined ? "" : `${w.block}: `}${w.message}`)
      return { ...plan, stale, tz: tz ?? null }
    }
    this.log(`${plan.day}: ${plan.sites.length} sites in follow-the-sun order, ${plan.span.start_utc} → ${plan.span.end_utc} (${plan.span.hours} h)${tz === undefined ? "" : `, tz ${tz.version}`}\n`)
    this.table(
      plan.sites.map((s) => ({ site: s.id, timezone: s.timezone, offset: s.blocks[0]!.utc_offset, local: `${s.blocks[0]!.start_local.slice(11)}–${s.blocks.at(-1)!.end_local.slice(11)}`, utc: `${s.blocks[0]!.start_utc.slice(5, 16).replace("T", " ")}–${s.blocks.at(-1)!.end_utc.slice(11, 16)}Z`, warnings: s.warnings.length || "" })),
      ["site", "timezone", "offset", "local", "utc", "warnings"]
    )
    const peak = Math.max(...plan.hourly.map((h) => h.sites))
    this.log("\nSites in session per UTC hour:")
    for (const h of plan.hourly) this.log(`  ${h.hour_utc.slice(5, 16).replace("T", " ")}Z ${"█".repeat(Math.round((h.sites / peak) * 40)).padEnd(40)} ${h.sites}`)
    return { ...plan, stale, tz: tz ?? null }
  }
}
