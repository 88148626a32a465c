import { Flags } from "@oclif/core"
import { mkdir, writeFile } from "node:fs/promises"
import { dirname, join, relative, resolve } from "node:path"
import { ConveneCommand, workspaceFlags } from "../../base.js"

export default class RecruitExport extends ConveneCommand {
  static override summary = "Export stored draws: the record, every candidate's probability, and everyone's answer so far."
  static override description = "Writes, per site, draw.json (the record published at the draw: method, seed, the inputs' SHA-256, targets, panel, reserves, probabilities), probabilities.csv (id,probability,selected for every eligible candidate) and answers.csv (everyone on the panel or in reserve: role, status, reserve rank, whom they replace, probability), from the store as it is now. No contact data."
  static override examples = [
    "<%= config.bin %> recruit export --site sn-dakar",
    "<%= config.bin %> recruit export --all --out published/draws"
  ]
  static override flags = {
    ...workspaceFlags,
    site: Flags.string({ summary: "Export this site's draw.", exclusive: ["all"] }),
    all: Flags.boolean({ summary: "Export every stored draw.", exclusive: ["site"] }),
    out: Flags.string({ summary: "Output folder (default: the workspace's out/recruitment/); a folder per site inside it." })
  }
  static override output = () => import("../../json/recruit.js").then((m) => m.exported)

  async run() {
    const { flags } = await this.parse(RecruitExport)
    if (flags.site === undefined && !flags.all) this.error("Say which draw to export: --site ID or --all.", { exit: 2 })
    let workspaceDir = ""
    const exported = await this.runInWorkspace(flags, async (ws) => {
      workspaceDir = ws.dir
      const [{ exportDraw, RecruitmentRepo }, Effect] = await Promise.all([import("@convene/core/recruitment"), import("effect/Effect")])
      return Effect.gen(function*() {
        const sites = flags.all ? yield* RecruitmentRepo.use((repo) => repo.drawnSites()) : [flags.site!]
        return yield* Effect.forEach(sites, (site) => Effect.map(exportDraw(site), (texts) => ({ site, texts })))
      })
    })
    const root = resolve(flags.out ?? join(workspaceDir, "out", "recruitment"))
    const files: Array<string> = []
    for (const { site, texts } of exported) {
      for (const [name, text] of Object.entries(texts)) {
        const file = join(root, site, name)
        await mkdir(dirname(file), { recursive: true })
        await writeFile(file, text)
        files.push(file)
      }
      this.log(`${site}: wrote ${relative(process.cwd(), join(root, site)) || join(root, site)}/ (draw.json, probabilities.csv, answers.csv)`)
    }
    if (exported.length === 0) this.log("No draw yet: `convene recruit select --site ID` (or --all) draws the panels.")
    return { sites: exported.map((e) => e.site), files }
  }
}
