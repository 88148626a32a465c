import { Flags } from "@oclif/core"
import { mkdir, writeFile } from "node:fs/promises"
import { dirname, join, relative, resolve } from "node:path"
import { ConveneCommand, workspaceFlags } from "../../base.js"

export default class RecruitTargets extends ConveneCommand {
  static override summary = "Turn census shares into the min/max targets of a panel (targets.csv)."
  static override description = [
    "Reads census.csv (scope,feature,value,share: in each scope — a country code, a site id or `all` — the share of the population with each value of a feature, from 0 to 1 or as 27%) and writes targets.csv (scope,feature,value,min,max) for a panel of --size people: the two whole numbers around share × size, widened by --tolerance on both sides.",
    "Within a scope, a feature's shares must add up to 1 (±0.011); features and values must be in the codebook (features: in convene.yaml) when there is one. Every bad line is reported as FILE:LINE:COLUMN and nothing is written. The targets bound one feature at a time: several features together can still conflict, which the draw reports."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> recruit targets --census census.csv --size 40",
    "<%= config.bin %> recruit targets --census census.csv --size 120 --tolerance 0.05 --out recruitment/targets.csv",
    "<%= config.bin %> recruit targets --census census.csv --size 40 --stdout"
  ]
  static override flags = {
    dir: workspaceFlags.dir,
    census: Flags.string({ summary: "The census shares: a CSV file of scope,feature,value,share.", required: true }),
    size: Flags.integer({ summary: "The panel size N.", required: true, min: 1, max: 100_000 }),
    tolerance: Flags.string({ summary: "How far each bound may stray from the proportional share, as a share (0.05 = five percentage points of the panel). Default 0." }),
    out: Flags.string({ summary: "Where to write the targets (default: the workspace's out/recruitment/targets.csv)." }),
    stdout: Flags.boolean({ summary: "Write the CSV to standard output instead of a file (not with --json).", exclusive: ["out", "json"] })
  }
  static override output = () => import("../../json/recruit.js").then((m) => m.targets)

  async run() {
    const { flags } = await this.parse(RecruitTargets)
    const tolerance = flags.tolerance === undefined ? 0 : /^\d*\.?\d+$/.test(flags.tolerance) ? Number(flags.tolerance) : Number.NaN
    if (Number.isNaN(tolerance)) this.error(`--tolerance: expected a share such as 0.05, got "${flags.tolerance}"`, { exit: 2 })
    const ws = await this.workspace(flags.dir)
    const census = resolve(flags.census)
    const { censusTargets, targetsCsv } = await import("@convene/core/recruitment")
    const result = await this.runEffect(censusTargets(census, { size: flags.size, tolerance, codebook: ws.dialogue.features, displayName: relative(process.cwd(), census) || census }))
    const csv = targetsCsv(result.targets)
    if (flags.stdout) {
      process.stdout.write(csv)
      return { ...result, files: [] }
    }
    const file = resolve(flags.out ?? join(ws.dir, "out", "recruitment", "targets.csv"))
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, csv)
    const features = new Set(result.targets.map((t) => t.feature)).size
    this.log(`${result.targets.length} targets for a panel of ${result.size} (${result.scopes.length} ${result.scopes.length === 1 ? "scope" : "scopes"}, ${features} ${features === 1 ? "feature" : "features"}${tolerance > 0 ? `, tolerance ${tolerance}` : ""}): wrote ${relative(process.cwd(), file) || file}`)
    return { ...result, files: [file] }
  }
}
