import { Args } from "@oclif/core"
import { relative, resolve } from "node:path"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { dryRunFlag } from "../../confirm.js"

export default class AttendanceImport extends ConveneCommand {
  static override summary = "Import who came on the day (a sign-in sheet), no-shows included, all or nothing."
  static override description = "attendance.csv has a participant column (or participant_id, id) or a code column (the participant's code), and present: yes/no (also present/absent, 1/0). An unknown participant or code, a repeated one, or a value that is neither yes nor no is reported as FILE:LINE:COLUMN and nothing is imported. Importing the same people again replaces their record. The recruitment report's attendees use it."
  static override examples = [
    "<%= config.bin %> attendance import attendance-dakar.csv",
    "<%= config.bin %> attendance import attendance-dakar.csv --dry-run --json"
  ]
  static override args = { file: Args.string({ description: "The sign-in sheet: attendance.csv.", required: true }) }
  static override flags = { ...workspaceFlags, ...dryRunFlag }
  static override output = () => import("../../json/recruit.js").then((m) => m.attendanceImported)

  async run() {
    const { args, flags } = await this.parse(AttendanceImport)
    const path = resolve(args.file)
    const summary = await this.runInWorkspace(flags, async () =>
      (await import("@convene/core/recruitment")).importAttendance(path, { displayName: relative(process.cwd(), path) || path, dryRun: flags["dry-run"] })
    )
    const what = `${summary.rows} participants: ${summary.present} present, ${summary.absent} absent — ${summary.inserted} added, ${summary.updated} updated, ${summary.unchanged} unchanged`
    this.log(summary.dryRun === true ? `Dry run: ${summary.file}: ${what}. Nothing was written.` : `${summary.file}: ${what}.`)
    return summary
  }
}
