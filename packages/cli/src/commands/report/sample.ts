import { Flags } from "@oclif/core"
import { mkdir, writeFile } from "node:fs/promises"
import { join, relative, resolve } from "node:path"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { distinct, formatsFlag } from "../../formats-flag.js"
import { instrumentFlag } from "../../survey-flags.js"

export default class ReportSample extends ConveneCommand {
  static override summary = "How representative the evaluation's respondents are: census, panel and each wave's respondents, per feature value."
  static override description = [
    "Per participant feature of the codebook (gender, age band, education, residence; all four without a codebook) and per value: its share in the census (census.csv, scope,feature,value,share: the group's most specific scope, site, country or all), among the registered participants of the panel (the control group apart; mirror dialogues apart unless --include-mirror) and among the respondents of each survey wave, with the ratio of each share to the census share. A value whose respondents' share is below 0.8 of its census share is flagged as under-represented. The post-stratification weight (census share / respondents' share, capped at 5) is what weighting on that feature gives each respondent with the value.",
    "Counts from 1 to 4 are suppressed, with a second count where one alone would be given away by the total. The same section is in `survey report --census census.csv`. Writes sample.html, .csv and/or .json into out/reports/."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> report sample --census census.csv",
    "<%= config.bin %> report sample --census census.csv --by country --format html,csv",
    "<%= config.bin %> report sample --json"
  ]
  static override flags = {
    ...workspaceFlags,
    census: Flags.string({ summary: "census.csv (scope,feature,value,share): the population shares to compare with." }),
    by: Flags.string({ summary: "Group by site, country, region, subregion or format (besides the overall group).", options: ["all", "site", "country", "region", "subregion", "format"], default: "all" }),
    instrument: instrumentFlag,
    "include-mirror": Flags.boolean({ summary: "Pool the mirror dialogues with the panel sites." }),
    format: formatsFlag(["html", "csv", "json"] as const, "html"),
    out: Flags.string({ summary: "Output folder (default: the workspace's out/reports/)." })
  }
  static override output = () => import("../../json/survey.js").then((m) => m.sampled)

  async run() {
    const { flags } = await this.parse(ReportSample)
    const formats = distinct(flags.format)
    let dir = ""
    let title = ""
    const sample = await this.runInWorkspace(flags, async (ws) => {
      dir = resolve(flags.out ?? join(ws.dir, "out", "reports"))
      title = `${ws.dialogue.title}: representativeness of the respondents`
      return (await import("@convene/core/report")).surveySample(ws, {
        census: flags.census === undefined ? undefined : resolve(flags.census),
        by: flags.by as "all",
        instrument: flags.instrument,
        includeMirror: flags["include-mirror"]
      })
    })
    const { sampleCsv, samplePage } = await import("@convene/core/report")
    await mkdir(dir, { recursive: true })
    const files: Array<string> = []
    for (const format of formats) {
      const file = join(dir, `sample.${format}`)
      await writeFile(file, format === "html" ? samplePage(sample, title) : format === "csv" ? sampleCsv(sample) : `${JSON.stringify(sample, null, 2)}\n`)
      files.push(file)
    }
    const all = sample.groups.find((g) => g.key === "all")
    if (all !== undefined) {
      this.log(`Registered ${all.totals.registered}; respondents ${sample.waves.map((w) => `${w} ${all.totals.waves[w] ?? 0}`).join(", ")}${sample.census === null ? "; no census given (--census census.csv)" : `; census ${sample.census}`}.`)
      const under = all.rows.filter((r) => r.under.length > 0)
      this.log(under.length === 0 ? (sample.census === null ? "Without a census nothing can be flagged as under-represented." : "No value is under-represented among the respondents.") : `Under-represented among the respondents: ${under.map((r) => `${r.label} (${r.under.join(", ")})`).join("; ")}.`)
    }
    for (const f of files) this.log(`Wrote ${relative(process.cwd(), f) || f}`)
    return { formats, files, sample }
  }
}
