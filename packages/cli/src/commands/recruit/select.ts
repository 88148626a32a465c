import { Flags } from "@oclif/core"
import { mkdir, writeFile } from "node:fs/promises"
import { dirname, join, relative, resolve } from "node:path"
import { ConveneCommand, workspaceFlags } from "../../base.js"

export default class RecruitSelect extends ConveneCommand {
  static override summary = "Draw a panel from a candidate pool that meets the targets, fairly, with a seed."
  static override description = [
    "Reads the candidate pool (candidates.csv: id, optionally site and consent, one column per feature; contact columns are never read) and the targets (targets.csv, as `convene recruit targets` writes them), and selects exactly --size people who meet every target of --scope. Only candidates who consented (and, with --site, of that site) are eligible.",
    "leximin (the default) computes the fairest distribution over the panels that meet the targets — the smallest selection probability as large as possible, then the next — with the HiGHS solver, then samples one panel from it with --seed; maximin stops after the smallest; legacy is the greedy draw of older tools. The same files and seed give the same panel.",
    "Writes panel.csv, probabilities.csv (every eligible candidate's probability of selection), draw.json (the method, seed, the files' SHA-256 and the probabilities: what to publish so that anyone can check the draw), and the inputs in the Sortition Foundation's layouts (sortition-foundation/features.csv and people.csv), to check the draw with their sortition-algorithms. --targets also reads their feature,value,min,max layout (scope all). When no panel meets the targets, nobody is selected and the command names a minimal set of bounds to relax (exit 2)."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> recruit select --pool candidates.csv --targets out/recruitment/targets.csv --scope SN --site sn-dakar --size 40 --seed 2027-dakar",
    "<%= config.bin %> recruit select --pool candidates.csv --targets targets.csv --size 40 --seed 7 --method legacy --out draws/dakar"
  ]
  static override flags = {
    dir: workspaceFlags.dir,
    pool: Flags.string({ summary: "The candidate pool: a CSV with an id column and one column per feature.", required: true }),
    targets: Flags.string({ summary: "The targets: scope,feature,value,min,max (as `recruit targets` writes).", required: true }),
    size: Flags.integer({ summary: "The panel size N.", required: true, min: 1, max: 100_000 }),
    seed: Flags.string({ summary: "The seed of the draw: any text (publish it with the result).", required: true }),
    scope: Flags.string({ summary: "Which targets apply: a scope of targets.csv (default: all)." }),
    site: Flags.string({ summary: "Only candidates of this site (the pool's site column)." }),
    method: Flags.string({ summary: "leximin (default), maximin or legacy.", options: ["leximin", "maximin", "legacy"] }),
    out: Flags.string({ summary: "The folder for panel.csv, probabilities.csv and draw.json (default: the workspace's out/recruitment/draw-<scope>[-<site>]-<seed>)." })
  }
  static override output = () => import("../../json/recruit.js").then((m) => m.selected)

  async run() {
    const { flags } = await this.parse(RecruitSelect)
    const ws = await this.workspace(flags.dir)
    const pool = resolve(flags.pool)
    const targets = resolve(flags.targets)
    const { drawFromFiles } = await import("@convene/core/recruitment")
    const shown = (p: string) => relative(process.cwd(), p) || p
    const { record, files: texts } = await this.runEffect(drawFromFiles({
      pool,
      targets,
      size: flags.size,
      seed: flags.seed,
      scope: flags.scope,
      site: flags.site,
      method: flags.method as "leximin" | "maximin" | "legacy" | undefined,
      codebook: ws.dialogue.features,
      displayNames: { pool: shown(pool), targets: shown(targets) }
    }))
    const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, "_")
    const dir = resolve(flags.out ?? join(ws.dir, "out", "recruitment", `draw-${safe(record.scope)}${record.site === null ? "" : `-${safe(record.site)}`}-${safe(record.seed)}`))
    const files: Array<string> = []
    for (const [name, text] of Object.entries(texts)) {
      const file = join(dir, ...name.split("/"))
      await mkdir(dirname(file), { recursive: true })
      await writeFile(file, text)
      files.push(file)
    }
    const ps = record.probabilities.map((p) => p.probability)
    this.log(`Selected ${record.panel.length} of ${record.pool.eligible} eligible candidates (${record.method}, seed ${record.seed}); selection probabilities from ${Math.min(...ps).toFixed(3)} to ${Math.max(...ps).toFixed(3)}.`)
    this.log(`Wrote ${shown(dir)}/: panel.csv, probabilities.csv, draw.json, and the inputs in the Sortition Foundation's layouts (sortition-foundation/features.csv, people.csv)`)
    return { ...record, files }
  }
}
