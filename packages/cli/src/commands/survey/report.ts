import { InputError } from "@convene/core/domain/Errors"
import { REPORT_FORMATS } from "@convene/core/domain/Report"
import type { Workspace } from "@convene/core/infra"
import { Flags } from "@oclif/core"
import type * as Exit from "effect/Exit"
import { join, relative, resolve } from "node:path"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { instrumentFlag } from "../../survey-flags.js"
import { counted } from "../../plural.js"
import { checkedLocale } from "../../locale-flag.js"
import { distinct, formatsFlag } from "../../formats-flag.js"

/**
 * CONVENE_TIMING=1: a tracer that prints each finished span (each read of the report's
 * repository, the statistics, the whole report) with its milliseconds, on stderr.
 */
const stepTimer = async () => {
  const Tracer = await import("effect/Tracer")
  class TimedSpan extends Tracer.NativeSpan {
    override end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
      if (this.status._tag === "Started") process.stderr.write(`  ${this.name}: ${(Number(endTime - this.status.startTime) / 1e6).toFixed(0)} ms\n`)
      super.end(endTime, exit)
    }
  }
  return Tracer.make({ span: (options) => new TimedSpan(options) })
}

export default class SurveyReportCommand extends ConveneCommand {
  static override summary = "The impact report: response, pre/post distributions, paired change with tests and effect sizes, per group."
  static override description = [
    "Per wave: registered, invited, answered, response rate; and the paired n (answered pre and post). Per question and group: the distributions before and after; for numeric and ordinal questions the mean and median, the mean paired change with a 95% CI, the paired t-test, the Wilcoxon signed-rank test (exact for small n), Cohen's d_z and the matched-pairs rank-biserial; for single-choice questions the shift in shares, with McNemar's test where binary. The knowledge index (share of knowledge items correct) pre against post, paired.",
    "--by site|country|region|subregion|format|category:<gender|age_band|education|residence>: regions and sub-regions follow the UN geoscheme (M49). Every report also has the overall group. Groups with fewer than 5 respondents are shown as suppressed (no figures, no counts, no free text), and so are the other groups that would let one work them out by subtraction (a country minus its shown sites, all participants minus the shown sites, a pooled report minus one with mirror dialogues apart): the same groups whatever --by is. Mirror dialogues are reported apart unless --include-mirror.",
    "A control group (participants with role control: they answer the waves without deliberating) is reported apart, with the difference-in-differences (the panel's mean paired change minus the control group's, Welch's 95% interval) per group; with a followup wave, every pair (pre→post, pre→followup, post→followup) is analysed.",
    "--census census.csv (scope,feature,value,share) adds the representativeness section: per codebook feature, the census share against the registered panel and each wave's respondents, the under-represented values flagged, and the post-stratification weights (also `convene report sample`). With a codebook and no census, the section compares the respondents with the panel.",
    "--format html (default; one self-contained page, charts rendered to SVG with Vega-Lite), csv (tidy, one row per figure; the representativeness section in <name>-sample.csv) or json; several with commas.",
    "--locale picks the language of the question labels and of the report's own text (headings, labels, the methods note, chart axes: from the catalogs, en, fr, es, ar, hi and bn; Arabic pages are right to left; numbers formatted for the locale). The CSV and JSON keep their codes (measures, pools) in English.",
    "An organisers' questionnaire (an instrument with respondents: organisers, answered by the fellows and the facilitators the site files list) has a report of its own with --instrument <id>: response per role (all organisers, fellows, facilitators), each question's counts, shares, mean and median per role, and every free-text answer with the writer's role and country, never a name (CSV: report-<id>.csv and report-<id>-text.csv).",
    "--split country also writes one report per country, report-<instrument>-<CC>.<format>, in the language of its sites (their most common locale, with the catalogs' fallback as for kits: fr-SN → fr, a language without a catalog → the dialogue's source locale). Each holds the country's own group and its sites' groups, with the global report's suppression: a figure suppressed there is suppressed here. Per-country files leave out the representativeness section and the post-stratified estimates."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> survey report",
    "<%= config.bin %> survey report --by region --format html,csv",
    "<%= config.bin %> survey report --by category:gender --format json --out reports/",
    "<%= config.bin %> survey report --by country --include-mirror",
    "<%= config.bin %> survey report --locale fr   # the report's text and labels in French",
    "<%= config.bin %> survey report --split country   # and one report per country, in its language",
    "<%= config.bin %> survey report --census census.csv --format html,csv   # with the representativeness section",
    "<%= config.bin %> survey report --census census.csv --weight census:age_band   # and estimates post-stratified on age band",
    "<%= config.bin %> survey report --instrument organisers --locale fr   # the organisers' questionnaire, reported apart"
  ]
  static override output = () => import("../../json/survey.js").then((m) => m.reported)
  static override flags = {
    ...workspaceFlags,
    by: Flags.string({ summary: "Group by site, country, region, subregion, format or category:<name>.", default: "all" }),
    format: formatsFlag(REPORT_FORMATS, "html", "html, csv, json, or several separated by commas."),
    out: Flags.string({ summary: "Output folder (default: the workspace's out/reports/)." }),
    instrument: instrumentFlag,
    "include-mirror": Flags.boolean({ summary: "Pool the mirror dialogues with the panel sites." }),
    locale: Flags.string({ summary: "Language of the report's text and question labels (default: the instrument's source locale)." }),
    split: Flags.string({ summary: "country: also write one report per country, in the language of its sites.", options: ["country"] }),
    census: Flags.string({ summary: "census.csv (scope,feature,value,share): adds the representativeness section, census against the panel and each wave's respondents." }),
    weight: Flags.string({ summary: "census:<feature> (with --census): adds the overall group's estimates post-stratified on that participant feature (e.g. census:gender), beside the unweighted ones." })
  }

  async run() {
    const { flags } = await this.parse(SurveyReportCommand)
    const locale = await checkedLocale(flags.locale)
    const formats = distinct(flags.format)
    const { decodeReportBy, organisersReport, organisersReportText, surveyReport, surveyReportWithCountries, surveyReportText, writeOrganiserReport, writeReport } = await import("@convene/core/report")
    const { loadInstrument } = await import("@convene/core/surveys")
    const Effect = await import("effect/Effect")
    const by = decodeReportBy(flags.by)
    if (typeof by !== "string") throw by
    const started = performance.now()
    let ws!: Workspace
    const computed = await this.runInWorkspace(flags, async (opened) => {
      ws = opened
      if (!this.jsonEnabled()) process.stderr.write("Counting answers in the database…\n")
      const weight = flags.weight === undefined ? undefined : /^census:(.+)$/.exec(flags.weight)?.[1]
      if (flags.weight !== undefined && weight === undefined) throw new InputError({ summary: `--weight: expected census:<feature>, such as census:gender, got "${flags.weight}".`, problems: [{ field: "--weight", message: "expected census:<feature>" }] })
      const program = Effect.gen(function*() {
        // an organisers' questionnaire (respondents: organisers) has a report of its own
        const named = flags.instrument === undefined ? undefined : (yield* loadInstrument(ws, flags.instrument)).instrument
        if (named?.respondents === "organisers") {
          const unused = (["split", "census", "weight"] as const).filter((f) => flags[f] !== undefined).concat(flags.by !== "all" ? ["by" as never] : [])
          if (unused.length > 0) return yield* new InputError({ summary: `${named.id} is an organisers' questionnaire: its report is by role, without ${unused.map((f) => `--${f}`).join(", ")}.`, problems: unused.map((f) => ({ field: `--${f}`, message: "not available for an organisers' questionnaire" })) })
          const report = yield* organisersReport(ws, { instrument: named.id, locale })
          return { organisers: { report, text: yield* organisersReportText(ws, report.locale) } }
        }
        const options = { by, instrument: flags.instrument, includeMirror: flags["include-mirror"], locale, census: flags.census === undefined ? undefined : resolve(flags.census), weight }
        // --split country: the per-country reports from the same reading of the database
        const { report, countries } = flags.split === "country" ? yield* surveyReportWithCountries(ws, options) : { report: yield* surveyReport(ws, options), countries: [] }
        const text = yield* surveyReportText(ws, report.locale)
        return { impact: { report, text, countries } }
      })
      return process.env["CONVENE_TIMING"] === "1" ? Effect.withTracer(program, await stepTimer()) : program
    })
    if (computed.organisers !== undefined) {
      const { report, text } = computed.organisers
      const files = await writeOrganiserReport(report, resolve(flags.out ?? join(ws.dir, "out", "reports")), formats, text)
      for (const r of report.response) this.log(`${r.wave}: ${r.answered.all} of ${r.listed.all} organisers answered (${counted(r.answered.fellow, "fellow")}, ${counted(r.answered.facilitator, "facilitator")}).`)
      this.log(`${counted(report.freeText.reduce((n, f) => n + f.answers.length, 0), "free-text answer")} listed.`)
      this.log(`Wrote ${files.map((f) => relative(process.cwd(), f) || f).join(", ")}`)
      return { formats, files, report }
    }
    const { report, text, countries } = computed.impact!
    if (!this.jsonEnabled()) process.stderr.write(`Computed in ${((performance.now() - started) / 1000).toFixed(1)} s; writing ${formats.join(", ")}…\n`)
    const dir = resolve(flags.out ?? join(ws.dir, "out", "reports"))
    const files = await writeReport(report, dir, formats, text)
    // --split country: one report per country, in its language
    const perCountry: Array<{ country: string; locale: string; language: string; files: Array<string> }> = []
    for (const [i, c] of countries.entries()) {
      const written = await writeReport(c.report, dir, formats, c.text)
      perCountry.push({ country: c.country, locale: c.locale, language: c.text.language, files: written })
      if (!this.jsonEnabled()) process.stderr.write(`[${i + 1}/${countries.length}] ${c.country} (${c.text.language}): ${written.map((f) => relative(process.cwd(), f) || f).join(", ")}\n`)
    }
    const main = report.pools.find((p) => p.pool === "main")
    const overall = main?.groups.find((g) => g.key === "all")
    if (overall?.suppressed === true) this.log("The overall group is suppressed: too few respondents.")
    else if (overall !== undefined) {
      const rates = Object.entries(overall.response.waves).map(([w, r]) => `${w} ${r.answered}/${r.registered}`).join(", ")
      this.log(`Answers: ${rates}; ${overall.response.paired} answered both waves.`)
      const k = overall.knowledge
      if (k !== null && !("suppressed" in k)) this.log(`Knowledge index: ${(k.meanPre * 100).toFixed(1)} % → ${(k.meanPost * 100).toFixed(1)} % (change ${(k.meanChange * 100).toFixed(1)} points, 95% CI ${k.ci95 === null ? "—" : `${(k.ci95[0] * 100).toFixed(1)} to ${(k.ci95[1] * 100).toFixed(1)}`}).`)
      // the control group's difference-in-differences, and how the change held at the follow-up
      const did = report.did?.find((g) => g.key === "all")?.questions.find((q) => q.question === "knowledge_index")
      const controlAll = report.pools.find((p) => p.pool === "control")?.groups.find((g) => g.key === "all")
      if (controlAll !== undefined) this.log(`Control group: ${controlAll.suppressed ? "suppressed (too few respondents)" : `${controlAll.response.paired ?? 0} answered both waves`}.`)
      if (did !== undefined && "did" in did) this.log(`Knowledge index, panel − control (difference-in-differences): ${(did.did * 100).toFixed(1)} points${did.welch === null ? "" : ` (95% CI ${(did.welch.ci95[0] * 100).toFixed(1)} to ${(did.welch.ci95[1] * 100).toFixed(1)}, Welch)`}.`)
      for (const pair of report.otherPairs ?? []) {
        const g = pair.pools.find((p) => p.pool === "main")?.groups.find((x) => x.key === "all")
        const pk = g?.knowledge
        if (g !== undefined && !g.suppressed && pk !== null && pk !== undefined && !("suppressed" in pk)) this.log(`Knowledge index ${pair.waves[0]} → ${pair.waves[1]}: change ${(pk.meanChange * 100).toFixed(1)} points (${pk.n} answered both).`)
      }
    }
    if (report.simulatedResponses > 0) this.warn(`${report.simulatedResponses} of the ${report.responses} responses were written by \`convene survey simulate\`: not real answers.`)
    const suppressed = report.pools.flatMap((p) => p.groups).filter((g) => g.suppressed).length
    if (suppressed > 0) this.log(`${counted(suppressed, "group")} suppressed: fewer than ${report.suppressionThreshold} respondents, or hiding a smaller group from subtraction.`)
    const under = (report.sample?.groups.find((g) => g.key === "all")?.rows ?? []).filter((r) => r.under.length > 0)
    if (under.length > 0) this.log(`Under-represented among the respondents (below ${0.8} of the census share): ${under.map((r) => `${r.label} (${r.under.join(", ")})`).join("; ")}.`)
    this.log(`Wrote ${files.map((f) => relative(process.cwd(), f) || f).join(", ")}`)
    if (flags.split === "country") this.log(`Wrote ${counted(perCountry.length, "country report")} in ${counted(new Set(perCountry.map((c) => c.language)).size, "language")}, into ${relative(process.cwd(), dir) || dir}.`)
    return { formats, files, report, ...(flags.split === "country" ? { countries: perCountry } : {}) }
  }
}
