import { Flags } from "@oclif/core"
import { existsSync } from "node:fs"
import { mkdir, writeFile } from "node:fs/promises"
import { dirname, join, relative, resolve } from "node:path"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { progressBar } from "../../progress.js"

type Method = "leximin" | "maximin" | "legacy"

/** Writes a draw's files (relative name → text) into `dir`; returns their paths. */
const writeAll = async (dir: string, texts: Readonly<Record<string, string>>): Promise<Array<string>> => {
  const files: Array<string> = []
  for (const [name, text] of Object.entries(texts)) {
    const file = join(dir, ...name.split("/"))
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, text)
    files.push(file)
  }
  return files
}

export default class RecruitSelect extends ConveneCommand {
  static override summary = "Draw each site's panel fairly from its candidate pool, with reserves and a seed."
  static override description = [
    "From the stored pool (`convene candidates import`): --site ID (or --all) draws exactly --size people (default: the site's capacity) among its candidates who consented, meeting every target that applies to the site in targets.csv — feature by feature, its own rows (scope = the site id), else its country's, else the rows scoped all — and --reserves reserves, each shadowing a panel member's features so that a decline can be replaced without breaking a quota. The draw is stored (who is on the panel, the reserves in order, every candidate's selection probability), ready for `recruit confirm` and `recruit decline`. A site where someone has already confirmed is not drawn again. With --all, the sites are drawn several at once (--workers, default one per core), each with the seed SEED/<site>, so that the panels do not depend on how many are drawn at once. A country's rows bound each of its sites' panels as they are; with --split-country they bound the country's panels together, and each site takes a share in proportion to its capacity.",
    "leximin (the default) computes the fairest distribution over the panels that meet the targets — the smallest selection probability as large as possible, then the next — with the HiGHS solver, then samples one panel from it with --seed; maximin stops after the smallest; legacy is the greedy draw of older tools. The same pool, targets and seed give the same panel.",
    "Writes, per site, out/recruitment/<site>/: panel.csv, reserves.csv, probabilities.csv, draw.json (method, seed, the inputs' SHA-256, the probabilities: what to publish so that anyone can check the draw) and the inputs in the Sortition Foundation's layouts (sortition-foundation/features.csv and people.csv). When no panel meets the targets, nobody is selected and the command names a minimal set of bounds to relax (exit 2).",
    "From files instead: --pool candidates.csv --targets targets.csv --size N [--scope S] [--site ID] draws without storing anything (to try targets, or to check a published draw)."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> recruit select --site sn-dakar --reserves 5 --seed 2027-dakar",
    "<%= config.bin %> recruit select --all --reserves 10 --seed 2027 --targets out/recruitment/targets.csv",
    "<%= config.bin %> recruit select --all --seed 2027 --workers 4",
    "<%= config.bin %> recruit select --site sn-dakar --size 40 --seed 7 --method maximin --json",
    "<%= config.bin %> recruit select --pool candidates.csv --targets targets.csv --scope SN --site sn-dakar --size 40 --seed 2027-dakar"
  ]
  static override flags = {
    ...workspaceFlags,
    site: Flags.string({ summary: "Draw this site's panel (with --pool: only candidates of this site).", exclusive: ["all"] }),
    all: Flags.boolean({ summary: "Draw the panel of every site that has candidates.", exclusive: ["site", "pool"] }),
    size: Flags.integer({ summary: "The panel size N (default: the site's capacity; required with --pool).", min: 1, max: 100_000 }),
    reserves: Flags.integer({ summary: "How many reserves to draw per site, in order of call (default 0).", min: 0, max: 100_000, exclusive: ["pool"] }),
    seed: Flags.string({ summary: "The seed of the draw: any text (publish it with the result). With --all, each site draws with SEED/<site>.", required: true }),
    targets: Flags.string({ summary: "The targets: scope,feature,value,min,max (default: the workspace's targets.csv, else out/recruitment/targets.csv, as `recruit targets` writes)." }),
    method: Flags.string({ summary: "leximin (default), maximin or legacy.", options: ["leximin", "maximin", "legacy"] }),
    "split-country": Flags.boolean({ summary: "A country's targets bound all its sites' panels together: split them over its sites by capacity.", exclusive: ["pool"] }),
    pool: Flags.string({ summary: "Draw from this pool file instead of the stored pool; nothing is stored." }),
    scope: Flags.string({ summary: "With --pool: which targets apply (a scope of targets.csv; default all).", dependsOn: ["pool"] }),
    workers: Flags.integer({ summary: "With --all: how many sites to draw at once, each in a worker thread (default: one per core).", min: 1, max: 64, dependsOn: ["all"] }),
    out: Flags.string({ summary: "The folder for the draw's files (default: out/recruitment/<site>/, or with --pool out/recruitment/draw-<scope>[-<site>]-<seed>)." })
  }
  static override output = () => import("../../json/recruit.js").then((m) => m.selectedAny)

  async run() {
    const { flags } = await this.parse(RecruitSelect)
    if (flags.pool !== undefined) return this.fromFiles(flags)
    if (flags.site === undefined && !flags.all) this.error("Say which panel to draw: --site ID or --all (or --pool FILE to draw from a file).", { exit: 2 })
    const ws = await this.workspace(flags.dir)
    const targets = resolve(flags.targets ?? (existsSync(join(ws.dir, "targets.csv")) ? join(ws.dir, "targets.csv") : join(ws.dir, "out", "recruitment", "targets.csv")))
    if (!existsSync(targets)) this.error(`No targets at ${relative(process.cwd(), targets) || targets}: write them with \`convene recruit targets --census census.csv --size N\`, or give --targets FILE.`, { exit: 2 })
    const shown = (p: string) => relative(process.cwd(), p) || p
    const bar = progressBar("drawing panels", !this.jsonEnabled() && flags.all)
    const { draws, failures } = await this.runInWorkspace(flags, async () => {
      const [{ drawSite, drawSites, sitesWithCandidates }, Effect] = await Promise.all([import("@convene/core/recruitment"), import("effect/Effect")])
      const common = { targets, size: flags.size, reserves: flags.reserves, method: flags.method as Method | undefined, codebook: ws.dialogue.features, displayName: shown(targets), splitCountry: flags["split-country"] }
      if (!flags.all) return Effect.map(drawSite({ ...common, site: flags.site!, seed: flags.seed }), (draw) => ({ draws: [draw], failures: [] }))
      // with --all a site that cannot be drawn is reported, and the others are drawn, several at once
      return Effect.flatMap(sitesWithCandidates(), (sites) => drawSites({ ...common, sites, seed: flags.seed, workers: flags.workers, onDrawn: (site, done, total) => bar.tick(done, total, site) }))
    })
    bar.done()
    const out = []
    for (const { record, files: texts } of draws) {
      const dir = resolve(flags.out === undefined ? join(ws.dir, "out", "recruitment", record.site) : flags.all ? join(flags.out, record.site) : flags.out)
      const files = await writeAll(dir, texts)
      const ps = record.probabilities.map((p) => p.probability)
      this.log(`${record.site}: selected ${record.panel.length} of ${record.pool.eligible} eligible candidates and ${record.reserves.length} reserves (${record.method}, seed ${record.seed}, targets ${record.targets.scope}${record.targets.share === 1 ? "" : ` × ${record.targets.share}`}); selection probabilities ${Math.min(...ps).toFixed(3)}–${Math.max(...ps).toFixed(3)}. Wrote ${shown(dir)}/`)
      out.push({ ...record, files })
    }
    for (const f of failures) this.logToStderr(`${f.site}: not drawn: ${f.message}`)
    if (draws.length > 0) this.log(`Next: \`convene recruit confirm ID…\` as people accept, \`convene recruit decline ID --replace\` as they decline; \`convene recruit status\`.`)
    const result = { draws: out, failures, files: out.flatMap((d) => d.files) }
    if (failures.length > 0 && !this.jsonEnabled()) this.exit(2)
    return result
  }

  private async fromFiles(flags: { dir?: string | undefined; pool?: string | undefined; targets?: string | undefined; size?: number | undefined; seed: string; scope?: string | undefined; site?: string | undefined; method?: string | undefined; out?: string | undefined }) {
    if (flags.targets === undefined || flags.size === undefined) this.error("With --pool, give --targets FILE and --size N.", { exit: 2 })
    const ws = await this.workspace(flags.dir)
    const pool = resolve(flags.pool!)
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
      method: flags.method as Method | undefined,
      codebook: ws.dialogue.features,
      displayNames: { pool: shown(pool), targets: shown(targets) }
    }))
    const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, "_")
    const dir = resolve(flags.out ?? join(ws.dir, "out", "recruitment", `draw-${safe(record.scope)}${record.site === null ? "" : `-${safe(record.site)}`}-${safe(record.seed)}`))
    const files = await writeAll(dir, texts)
    const ps = record.probabilities.map((p) => p.probability)
    this.log(`Selected ${record.panel.length} of ${record.pool.eligible} eligible candidates (${record.method}, seed ${record.seed}); selection probabilities from ${Math.min(...ps).toFixed(3)} to ${Math.max(...ps).toFixed(3)}.`)
    this.log(`Wrote ${shown(dir)}/: panel.csv, probabilities.csv, draw.json, and the inputs in the Sortition Foundation's layouts (sortition-foundation/features.csv, people.csv)`)
    return { ...record, files }
  }
}
