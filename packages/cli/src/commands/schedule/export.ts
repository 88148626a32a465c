import { Flags } from "@oclif/core"
import { mkdir, writeFile } from "node:fs/promises"
import { join, relative, resolve } from "node:path"
import { ConveneCommand, workspaceFlags } from "../../base.js"

export default class ScheduleExport extends ConveneCommand {
  static override summary = "Write the stored plan as JSON or CSV."
  static override description = "json: {day, sites: [{id, timezone, blocks: [{id, start_local, end_local, start_utc, end_utc, utc_offset}], moments, warnings}], moments, span, hourly}; local times are YYYY-MM-DDTHH:MM, UTC times ISO 8601 ending in Z. csv: one row per site and block."
  static override examples = ["<%= config.bin %> schedule export --format json", "<%= config.bin %> schedule export --format csv --site sn-dakar --out exports/"]
  static override flags = {
    ...workspaceFlags,
    format: Flags.string({ summary: "File format.", options: ["json", "csv"], required: true }),
    site: Flags.string({ summary: "Only this site." }),
    out: Flags.string({ summary: "Output folder (default: the workspace's out/)." })
  }

  async run() {
    const { flags } = await this.parse(ScheduleExport)
    const ws = await this.workspace(flags.dir)
    const { latestPlan, planForSite, scheduleCsv, scheduleJson } = await import("@convene/core/Schedules")
    const stored = await this.withDatabase(await this.databaseOptions(ws, flags["database-url"]), latestPlan())
    const plan = flags.site === undefined ? stored : planForSite(stored, flags.site)
    const dir = resolve(flags.out ?? join(ws.dir, "out"))
    await mkdir(dir, { recursive: true })
    const file = join(dir, `schedule${flags.site === undefined ? "" : `-${flags.site}`}.${flags.format}`)
    await writeFile(file, flags.format === "json" ? scheduleJson(plan) : scheduleCsv(plan))
    this.log(`Wrote ${relative(process.cwd(), file) || file}`)
    return { format: flags.format, file }
  }
}
