import { Flags } from "@oclif/core"
import { mkdir, writeFile } from "node:fs/promises"
import { join, relative, resolve } from "node:path"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { distinct, formatsFlag } from "../../formats-flag.js"
import { counted } from "../../plural.js"

export default class KitRegister extends ConveneCommand {
  static override summary = "Export the adaptation register: every template and message each site changes, locked or adaptable, approved or not."
  static override description = "Writes adaptation-register.csv and/or .json into out/ (or --out): one row per site and item, with its status (locked or adaptable), change (changed or added), a short diff, the SHA-256 of the site's version and its approval (note, by, when). `convene kit check` prints the same register."
  static override examples = [
    "<%= config.bin %> kit register",
    "<%= config.bin %> kit register --format csv,json --out reports/",
    "<%= config.bin %> kit register --site sn-dakar --json"
  ]
  static override flags = {
    ...workspaceFlags,
    site: Flags.string({ summary: "Only this site's changes." }),
    format: formatsFlag(["csv", "json"] as const, "csv"),
    out: Flags.string({ summary: "Output folder (default: the workspace's out/)." })
  }
  static override output = () => import("../../json/kit.js").then((m) => m.register)

  async run() {
    const { flags } = await this.parse(KitRegister)
    let workspaceDir = ""
    const all = await this.runInWorkspace(flags, async (ws) => {
      workspaceDir = ws.dir
      return (await import("@convene/core/kits")).adaptationRegister(ws)
    })
    const adaptations = flags.site === undefined ? all : all.filter((a) => a.site === flags.site)
    const { formatCsv } = await import("@convene/core/domain/Csv")
    const dir = resolve(flags.out ?? join(workspaceDir, "out"))
    await mkdir(dir, { recursive: true })
    const files: Array<string> = []
    for (const format of distinct(flags.format)) {
      const file = join(dir, `adaptation-register.${format}`)
      await writeFile(file, format === "json" ? JSON.stringify(adaptations, null, 2) + "\n" : formatCsv(
        ["site", "kind", "item", "status", "change", "approved", "note", "approved_by", "approved_at", "sha256", "diff", "at"],
        adaptations.map((a) => [a.site, a.kind, a.item, a.status, a.change, a.approval === null ? "no" : "yes", a.approval?.note ?? "", a.approval?.by ?? "", a.approval?.approved_at ?? "", a.sha256, a.diff, a.at])
      ))
      files.push(file)
    }
    const locked = adaptations.filter((a) => a.status === "locked")
    this.log(`${counted(adaptations.length, "change")} at ${counted(new Set(adaptations.map((a) => a.site)).size, "site")}: ${locked.length} to locked content (${locked.filter((a) => a.approval !== null).length} approved), ${adaptations.length - locked.length} adaptable.`)
    for (const f of files) this.log(`Wrote ${relative(process.cwd(), f) || f}`)
    return { adaptations, files }
  }
}
