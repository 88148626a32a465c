import { RESULTS_FORMATS, RESULTS_WEIGHTINGS } from "@convene/core/domain/ResultsAnalysis"
import { Flags } from "@oclif/core"
import { relative } from "node:path"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { counted } from "../../plural.js"
import { checkedLocale } from "../../locale-flag.js"
import { distinct, formatsFlag } from "../../formats-flag.js"

export default class ResultsReportCommand extends ConveneCommand {
  static override summary = "The citizens' results: per question and group, shares with 95% cluster intervals, scale means and medians, ranking mean ranks and Borda points, each group against all sites, and the recommendations."
  static override description = [
    "Counts the sites whose results are validated (--include-unvalidated counts drafts and submitted ones too); mirror dialogues are reported apart unless --include-mirror. The report says how many sites were left out and why. A report with no site to count fails.",
    "Intervals: percentile intervals from a cluster bootstrap over sites (sites, not voters, are resampled, since participants at one site are not independent), seeded by --seed so that the same results give the same report.",
    "--weight ballots (every voter counts the same), sites (every site) or countries (every country, so that a country with many sites does not dominate).",
    "--by none|country|region|subregion|format|income|group:FILE: regions and subregions follow the UN geoscheme (M49); income is the World Bank's income groups (FY2026, shipped with convene); group:FILE reads a CSV with the columns country,group (e.g. high- and low-connectivity countries).",
    "The embargo (convene.yaml results.release): before it ends the report is refused, unless --internal, which writes it for staff with every page and file watermarked \"EMBARGOED until … — internal, do not publish\" (a banner on the page, the first line of a CSV, a field of the JSON). --as-of INSTANT rehearses the report as of that instant.",
    "--format html (one self-contained page, charts as SVG, in --locale; right to left for Arabic), csv (tidy: group_by,group,question,option,measure,value,n, and the recommendations apart) or json; several with commas."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> results report",
    "<%= config.bin %> results report --by region --weight countries --format html,csv",
    "<%= config.bin %> results report --by income --locale fr --out reports/",
    "<%= config.bin %> results report --by group:connectivity.csv --format csv,json",
    "<%= config.bin %> results report --include-unvalidated --include-mirror --seed 7 --json",
    "<%= config.bin %> results report --internal   # before the embargo ends: watermarked, for staff",
    "<%= config.bin %> results report --as-of 2027-05-16T05:00:00Z   # rehearse the day after"
  ]
  static override output = () => import("../../json/results.js").then((m) => m.report)
  static override flags = {
    ...workspaceFlags,
    by: Flags.string({ summary: "Group by none, country, region, subregion, format, income or group:FILE.", default: "none" }),
    weight: Flags.option({ summary: "Count every voter (ballots), every site (sites) or every country (countries) the same.", options: RESULTS_WEIGHTINGS, default: "ballots" as const })(),
    format: formatsFlag(RESULTS_FORMATS, "html", "html, csv, json, or several separated by commas (e.g. html,csv)."),
    out: Flags.string({ summary: "Output folder (default: the workspace's out/reports/)." }),
    locale: Flags.string({ summary: "Language of the page and the labels (default: the dialogue's source locale)." }),
    "include-mirror": Flags.boolean({ summary: "Pool the mirror dialogues with the other sites." }),
    "include-unvalidated": Flags.boolean({ summary: "Count draft and submitted results too, not only validated ones." }),
    seed: Flags.integer({ summary: "Seed of the bootstrap (default 1): the same seed and results give the same intervals.", min: 0 }),
    internal: Flags.boolean({ summary: "Before the embargo ends: write the report for staff, every page and file watermarked \"EMBARGOED until …\"." }),
    "as-of": Flags.string({ summary: "Report as if it were this instant (ISO 8601, e.g. 2027-05-16T05:00:00Z): a rehearsal of either side of the embargo." })
  }

  async run() {
    const { flags } = await this.parse(ResultsReportCommand)
    const locale = await checkedLocale(flags.locale)
    const formats = distinct(flags.format)
    const { decodeResultsBy, resultsReport } = await import("@convene/core/results")
    const by = decodeResultsBy(flags.by)
    if (typeof by !== "string") throw by
    const asOf = flags["as-of"] === undefined ? undefined : new Date(flags["as-of"])
    if (asOf !== undefined && Number.isNaN(asOf.getTime())) this.error(`--as-of: expected an ISO 8601 instant such as 2027-05-16T05:00:00Z, got "${flags["as-of"]}".`, { exit: 2 })
    const { withClockAsOf } = await import("@convene/core/infra")
    const started = performance.now()
    const { files, report } = await this.runInWorkspace(flags, async (ws) => {
      if (!this.jsonEnabled()) process.stderr.write("Counting votes in the database…\n")
      const effect = resultsReport(ws, {
        by,
        weight: flags.weight,
        formats,
        out: flags.out,
        locale,
        includeMirror: flags["include-mirror"],
        includeUnvalidated: flags["include-unvalidated"],
        seed: flags.seed,
        internal: flags.internal
      })
      return asOf === undefined ? effect : withClockAsOf(asOf, effect)
    })
    const a = report.analysis
    this.log(`Counted ${counted(report.counted.sites, "site")} in ${counted(report.counted.countries, "country", "countries")}, weighted by ${a.weight}; 95% intervals from ${a.replicates} bootstrap replicates over sites (seed ${a.seed}), in ${((performance.now() - started) / 1000).toFixed(1)} s.`)
    for (const l of report.leftOut) this.log(`  left out: ${counted(l.count, "site")}, ${l.reason.replace(/_/g, " ")}`)
    for (const q of a.global.questions) {
      const ranked = q.options.some((o) => o.borda !== undefined)
      const lead = ranked
        ? [...q.options].sort((x, y) => (y.borda?.points ?? 0) - (x.borda?.points ?? 0))[0]
        : [...q.options].sort((x, y) => (y.share.value ?? 0) - (x.share.value ?? 0))[0]
      const figure = ranked && lead !== undefined
        ? `${lead.id} first by Borda points (${lead.borda!.points.toLocaleString("en")}; mean rank ${lead.mean_rank?.value?.toFixed(2) ?? "—"})`
        : q.mean !== undefined
        ? `mean ${q.mean.value?.toFixed(2) ?? "—"}`
        : lead === undefined || lead.share.value === null
        ? "no votes"
        : `${lead.id} ${(lead.share.value * 100).toFixed(1)} %${lead.share.low === null ? "" : ` (${(lead.share.low * 100).toFixed(1)}–${(lead.share.high! * 100).toFixed(1)})`}`
      this.log(`  ${q.id}: ${figure}, ${q.n.voters} voters at ${counted(q.n.sites, "site")}`)
    }
    if (report.simulatedSites > 0) this.warn(`${report.simulatedSites} of the ${report.counted.sites} counted sites hold results written by \`convene results simulate\`: not real votes.`)
    if (report.embargoed !== null) this.warn(`${report.embargoed.watermark}: every page and file says so.`)
    this.log(`Wrote ${files.map((f) => relative(process.cwd(), f) || f).join(", ")}`)
    return { formats, files, report }
  }
}
