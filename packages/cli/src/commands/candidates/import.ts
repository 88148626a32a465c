import { Args } from "@oclif/core"
import { relative, resolve } from "node:path"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { dryRunFlag } from "../../confirm.js"

export default class CandidatesImport extends ConveneCommand {
  static override summary = "Import the candidate pool (the volunteers each site's panel is drawn from), all or nothing."
  static override description = [
    "candidates.csv has an id column (it becomes the participant id of those who confirm), site (a registered site), consent (yes/no; without the column everyone consented), optionally locale, contact columns (name, email, phone: stored apart, never used by a draw or a report) and one column per feature (gender, age_band … as the codebook in convene.yaml declares them).",
    "Every row is checked before anything is written: a value outside the codebook, an unknown site, a repeated id is reported as FILE:LINE:COLUMN and nothing is imported. Candidates are upserted by id, so importing the same file again changes nothing. With --dry-run the import runs and is rolled back."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> candidates import candidates.csv",
    "<%= config.bin %> candidates import candidates.csv --dry-run",
    "<%= config.bin %> candidates import candidates.csv --json"
  ]
  static override args = { file: Args.string({ description: "The pool: candidates.csv.", required: true }) }
  static override flags = { ...workspaceFlags, ...dryRunFlag }
  static override output = () => import("../../json/recruit.js").then((m) => m.candidatesImported)

  async run() {
    const { args, flags } = await this.parse(CandidatesImport)
    const path = resolve(args.file)
    const summary = await this.runInWorkspace(flags, async (ws) =>
      (await import("@convene/core/recruitment")).importCandidates(path, { codebook: ws.dialogue.features, displayName: relative(process.cwd(), path) || path, dryRun: flags["dry-run"] })
    )
    const counts = `${summary.inserted} added, ${summary.updated} updated, ${summary.unchanged} unchanged`
    const what = `${summary.rows} candidates at ${summary.sites} site${summary.sites === 1 ? "" : "s"} (${summary.consented} consented), features ${summary.features.join(", ") || "none"}`
    this.log(summary.dryRun === true ? `Dry run: ${summary.file}: ${what} would be imported — ${counts}. Nothing was written.` : `${summary.file}: ${what} — ${counts}.`)
    return summary
  }
}
