import { RESULTS_WEIGHTINGS } from "@convene/core/domain/ResultsAnalysis"
import { Flags } from "@oclif/core"
import { join, relative } from "node:path"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { counted } from "../../plural.js"

export default class ResultsToolkitCommand extends ConveneCommand {
  static override summary = "Action toolkits to carry the results to decision makers: per country (and region) a brief, a slide deck and the open data, in a folder and a zip."
  static override description = [
    "For each country asked (--country, several with commas), each UN M49 region (--region, by name or code) or, with --all, every country with validated results and every region, writes out/toolkits/<cc>/ and <cc>.zip (regions: region-<name>) holding:",
    "brief.html — an A4 print-ready brief in the country's language (the most common locale of its sites; catalogs fall back as for kits; right to left for Arabic): the key results of the country against its region and the world, who took part (sites, people present, ballots, the registered participants' profile with groups under 5 suppressed), the evaluation highlights from the survey report (its suppression respected) and the tables' most voted recommendations; brief.pdf with --pdf (Chromium);",
    "slides.pptx — the same messages and charts (native bar charts) as a slide deck;",
    "data/ — the open data extract: results.csv and results.json (votes per validated site and question), recommendations.csv, README.txt; no contact data, no participant codes.",
    "Embargo: before the results may be published (results.release in convene.yaml) the command refuses, unless --internal: every file is then watermarked \"EMBARGOED until … — internal, do not publish\". A country with a later release time of its own is held until then (left out of --all). --as-of rehearses either side of the instant.",
    "A country without validated results is refused, saying so. The same results give byte-identical files."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> results toolkit --country SN",
    "<%= config.bin %> results toolkit --all --pdf",
    "<%= config.bin %> results toolkit --region Africa --out toolkits/",
    "<%= config.bin %> results toolkit --all --internal --as-of 2027-05-15T20:00:00Z",
    "<%= config.bin %> results toolkit --country EG,MA --json"
  ]
  static override output = () => import("../../json/results.js").then((m) => m.toolkits)
  static override flags = {
    ...workspaceFlags,
    country: Flags.string({ summary: "Countries to write a toolkit for (ISO codes, several with commas).", multiple: true, delimiter: ",", exclusive: ["all"] }),
    region: Flags.string({ summary: "UN M49 regions to write a toolkit for, by name or code (Africa, 002).", multiple: true, delimiter: ",", exclusive: ["all"] }),
    all: Flags.boolean({ summary: "Every country with validated results, and every region." }),
    pdf: Flags.boolean({ summary: "Print each brief to PDF as well (needs Chromium and playwright-core)." }),
    chromium: Flags.string({ summary: "Path of the Chromium to print with (default: CONVENE_CHROMIUM, then /usr/bin/chromium…)." }),
    out: Flags.string({ summary: "Output folder (default: the workspace's out/toolkits/)." }),
    weight: Flags.option({ summary: "Count every voter (ballots), every site (sites) or every country (countries) the same.", options: RESULTS_WEIGHTINGS, default: "ballots" as const })(),
    seed: Flags.integer({ summary: "Seed of the bootstrap (default 1).", min: 0 }),
    internal: Flags.boolean({ summary: "Before the embargo ends: write for staff, every file watermarked \"EMBARGOED until … — internal, do not publish\"." }),
    "as-of": Flags.string({ summary: "Write as if it were this instant (ISO 8601, e.g. 2027-05-16T06:00:00Z): a rehearsal of either side of the embargo." })
  }

  async run() {
    const { flags } = await this.parse(ResultsToolkitCommand)
    const asOf = flags["as-of"] === undefined ? undefined : new Date(flags["as-of"])
    if (asOf !== undefined && Number.isNaN(asOf.getTime())) this.error(`--as-of: expected an ISO 8601 instant such as 2027-05-16T06:00:00Z, got "${flags["as-of"]}".`, { exit: 2 })
    if (flags.all !== true && (flags.country ?? []).length === 0 && (flags.region ?? []).length === 0) {
      this.error("Name the places: --country CC (e.g. SN), --region NAME (e.g. Africa) or --all.", { exit: 2 })
    }
    const started = performance.now()
    const summary = await this.runInWorkspace(flags, async (ws) => {
      const [{ resultsToolkits }, { withClockAsOf }] = await Promise.all([import("@convene/core/results"), import("@convene/core/infra")])
      if (asOf !== undefined && !this.jsonEnabled()) process.stderr.write(`Rehearsal: the embargo is judged as of ${asOf.toISOString()}.\n`)
      const interactive = !this.jsonEnabled() && process.stderr.isTTY === true
      const writing = resultsToolkits(ws, {
        countries: flags.country,
        regions: flags.region,
        all: flags.all,
        pdf: flags.pdf,
        chromium: flags.chromium,
        out: flags.out,
        internal: flags.internal,
        weight: flags.weight,
        seed: flags.seed,
        onProgress: interactive ? (done, total, slug) => process.stderr.write(`\r  ${done}/${total} ${slug.padEnd(40)}`) : undefined
      })
      return asOf === undefined ? writing : withClockAsOf(asOf, writing)
    })
    if (process.stderr.isTTY === true && !this.jsonEnabled()) process.stderr.write("\r".padEnd(60) + "\r")
    const countries = summary.toolkits.filter((k) => k.kind === "country").length
    const regions = summary.toolkits.length - countries
    this.log(`Wrote ${counted(countries, "country toolkit")}${regions > 0 ? ` and ${counted(regions, "region toolkit")}` : ""} in ${relative(process.cwd(), summary.out) || "."} in ${((performance.now() - started) / 1000).toFixed(1)} s.`)
    for (const k of summary.toolkits.slice(0, 20)) this.log(`  ${relative(process.cwd(), k.zip) || k.zip}  ${k.name}, ${counted(k.sites, "site")}, in ${k.locale}${k.files.includes("brief.pdf") ? ", with PDF" : ""}`)
    if (summary.toolkits.length > 20) this.log(`  … and ${summary.toolkits.length - 20} more`)
    for (const h of summary.held) this.log(`  held: ${h.country} until ${h.until} (its own release time)`)
    const embargoed = summary.toolkits.find((k) => k.embargoed !== null)
    if (embargoed !== undefined) this.warn(`${embargoed.embargoed}: every file of ${summary.toolkits.filter((k) => k.embargoed !== null).length === 1 ? "this toolkit" : "these toolkits"} says so.`)
    // absolute paths: each toolkit's files (the SDK names them within its folder), then its zip
    const toolkits = summary.toolkits.map((k) => ({ ...k, files: k.files.map((f) => join(k.dir, f)) }))
    return { ...summary, files: toolkits.flatMap((k) => [...k.files, k.zip]), toolkits }
  }
}
