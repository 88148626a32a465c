import { Flags } from "@oclif/core"
import { mkdir, writeFile } from "node:fs/promises"
import { join, relative, resolve } from "node:path"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { distinct, formatsFlag } from "../../formats-flag.js"

export default class RecruitReport extends ConveneCommand {
  static override summary = "How representative each panel is: census, pool, drawn, confirmed and attendees, per feature value."
  static override description = "Per site (or country) with a draw, and per feature value its targets bound: the population share (with --census), the target bounds, and the count and share in the pool (who consented), the panel drawn, the confirmed panel and the attendees (where attendance is recorded). Every count outside its target is flagged (the confirmed panel only once nobody is pending). Each site's method, seed and targets are stated. Writes recruitment-report.html, .csv and/or .json into out/recruitment/."
  static override examples = [
    "<%= config.bin %> recruit report --census census.csv",
    "<%= config.bin %> recruit report --by country --format html,csv",
    "<%= config.bin %> recruit report --json"
  ]
  static override flags = {
    ...workspaceFlags,
    by: Flags.string({ summary: "Group by site (default) or country.", options: ["site", "country"], default: "site" }),
    census: Flags.string({ summary: "census.csv (scope,feature,value,share): adds the population shares." }),
    format: formatsFlag(["html", "csv", "json"] as const, "html"),
    out: Flags.string({ summary: "Output folder (default: the workspace's out/recruitment/)." })
  }
  static override output = () => import("../../json/recruit.js").then((m) => m.report)

  async run() {
    const { flags } = await this.parse(RecruitReport)
    let workspaceDir = ""
    let title = ""
    const census = flags.census === undefined ? undefined : resolve(flags.census)
    const report = await this.runInWorkspace(flags, async (ws) => {
      workspaceDir = ws.dir
      title = `${ws.dialogue.title}: representativeness of the panels`
      return (await import("@convene/core/recruitment")).recruitmentReport({ by: flags.by as "site" | "country", census, censusName: census === undefined ? undefined : relative(process.cwd(), census) || census, codebook: ws.dialogue.features })
    })
    const { representationCsv, representationHtml } = await import("@convene/core/recruitment")
    const dir = resolve(flags.out ?? join(workspaceDir, "out", "recruitment"))
    await mkdir(dir, { recursive: true })
    const files: Array<string> = []
    for (const format of distinct(flags.format)) {
      const file = join(dir, `recruitment-report.${format}`)
      await writeFile(file, format === "html" ? representationHtml(report, title) : format === "csv" ? representationCsv(report) : JSON.stringify(report, null, 2) + "\n")
      files.push(file)
    }
    for (const g of report.groups) {
      const flagged = g.rows.filter((r) => r.flags.length > 0)
      this.log(`${g.group}: pool ${g.totals.pool}, selected ${g.totals.selected}, confirmed ${g.totals.confirmed}${g.totals.pending > 0 ? ` (${g.totals.pending} pending)` : ""}, attended ${g.totals.attended ?? "not recorded"}; ${flagged.length === 0 ? "every count within its target" : flagged.map((r) => `${r.feature}=${r.value} outside ${r.min}–${r.max} (${r.flags.join(", ")})`).join("; ")}`)
    }
    for (const f of files) this.log(`Wrote ${relative(process.cwd(), f) || f}`)
    return { ...report, files }
  }
}
