import { Flags } from "@oclif/core"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { counted } from "../../plural.js"

export default class KitCheck extends ConveneCommand {
  static override summary = "Check the kit translations, overrides and ballots: coverage per locale, missing and extra keys, fallbacks, broken templates, ballot labels."
  static override description = [
    "For every locale the dialogue declares or that has a catalog: the share of the source locale's messages it translates (itself or through its language, fr-SN through fr), each missing key, each extra key (in no source catalog: stale or misspelt), and messages whose ICU arguments differ from the source.",
    "Then every site whose kit would fall back: to its language (fr-SN → fr, expected) or to another language altogether (no catalog for its language).",
    "Overrides are validated too: a Handlebars syntax error, an unknown partial or an unknown message key is reported with its file and line.",
    "The ballots (ballots/*.yaml) are covered like the catalogs: per locale of convene.yaml, the share of their labels (questions, options, help, scale ends) translated, and each missing label at its FILE:LINE; a question tied to an unknown block or to a block that is not a vote, a duplicate question or option id, or a bad field is a problem at its FILE:LINE. Vote blocks without a question are listed (their tally sheets print blank).",
    "What counts as missing: a key, an argument, a site's language or a ballot label in the locales convene.yaml declares, its source locale and the locales its sites use. Catalogs nobody uses (convene ships partial hi and bn ones) are listed but never count.",
    "The adaptation register lists, per site, every template and message the site changes (its sites/<id>/ folder), whether it is locked or adaptable (adaptation: in convene.yaml, else the default: vote sheets, questionnaires, the consent form, the topic, the agenda's sessions and the moments are locked), a short diff against the shared version, and its approval. A change to locked content that staff have not approved in this exact version (`convene kit approve`) makes the check incomplete, and `kit build` refuses to build it. A pattern of adaptation: that matches nothing is a problem at its convene.yaml line.",
    "Exit status: 2 when a catalog, template or ballot file is broken (each problem at its FILE:LINE), with or without --strict; otherwise 0, or with --strict 1 when anything is missing. Without --strict, something missing is a warning only: the exit status stays 0."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> kit check",
    "<%= config.bin %> kit check --strict",
    "<%= config.bin %> kit check --json | jq '.coverage[] | {locale, percent}'"
  ]
  static override flags = {
    ...workspaceFlags,
    strict: Flags.boolean({ summary: "Also fail (exit 1) when anything is missing; a broken file fails (exit 2) with or without it." }),
    verbose: Flags.boolean({ char: "v", summary: "List every missing key and every falling-back site." })
  }
  static override output = () => import("../../json/kit.js").then((m) => m.checked)

  async run() {
    const { flags } = await this.parse(KitCheck)
    const report = await this.runInWorkspace(flags, async (ws) => (await import("@convene/core/kits")).checkKits(ws))
    const { formatProblem } = await import("@convene/core/domain/Errors")
    const list = (items: ReadonlyArray<string>, max: number): string =>
      flags.verbose || items.length <= max ? items.join(", ") : `${items.slice(0, max).join(", ")}, … (${items.length}; --verbose lists all)`
    this.log(`Source locale: ${report.sourceLocale}. Coverage per locale:`)
    this.table(
      report.coverage.map((c) => ({
        locale: c.locale,
        coverage: `${c.percent.toFixed(1)}%`,
        translated: `${c.translated}/${c.total}`,
        missing: c.missing.length,
        extra: c.extra.length,
        arguments: c.mismatched.length,
        declared: c.declared ? "yes" : ""
      })),
      ["locale", "coverage", "translated", "missing", "extra", "arguments", "declared"]
    )
    for (const c of report.coverage) {
      if (c.missing.length > 0 && c.translated > 0) this.log(`  ${c.locale} missing: ${list(c.missing, 8)}`)
      if (c.missing.length > 0 && c.translated === 0) this.log(`  ${c.locale}: no catalog — add locales/${c.locale}.yaml (every message falls back to ${report.sourceLocale})`)
      for (const e of c.extra) this.log(`  ${c.locale} extra: ${e.file}:${e.line}: ${e.key}`)
      for (const m of c.mismatched) this.log(`  ${c.locale} arguments: ${m.file}:${m.line}: ${m.key} ${m.message}`)
    }
    for (const s of report.siteCatalogs) {
      for (const e of s.extra) this.log(`  site ${s.site} extra: ${e.file}:${e.line}: ${e.key}`)
      for (const m of s.mismatched) this.log(`  site ${s.site} arguments: ${m.file}:${m.line}: ${m.key} ${m.message}`)
    }
    const b = report.ballots
    if (!b.valid) this.log("\nBallots: a ballot file is not valid (the problems are listed below).")
    else if (b.files.length > 0) {
      this.log(`\nBallots: ${counted(b.questions, "question")} in ${b.files.join(", ")}. Labels per locale:`)
      this.table(
        b.coverage.map((c) => ({ locale: c.locale, coverage: `${c.percent.toFixed(1)}%`, translated: `${c.translated}/${c.total}`, missing: c.missing.length })),
        ["locale", "coverage", "translated", "missing"]
      )
      for (const c of b.coverage) {
        const shown = flags.verbose ? c.missing : c.missing.slice(0, 8)
        for (const m of shown) this.log(`  ${c.locale} missing: ${formatProblem(m)}`)
        if (shown.length < c.missing.length) this.log(`  ${c.locale}: … ${c.missing.length - shown.length} more (--verbose lists all)`)
      }
    } else {
      this.log("\nBallots: none (add ballots/*.yaml to print ballots and tally sheets with the questions).")
    }
    if (b.unasked.length > 0) this.log(`  vote blocks without a question (blank tally sheets): ${b.unasked.join(", ")}`)
    for (const n of report.national) {
      this.log(`\nNational session of ${n.place} (${n.file}): ${counted(n.blocks.length, "block")}, ${counted(n.questions.length, "question")}, held by ${n.sites.length === 0 ? "no registered site" : list(n.sites, 6)}; reported apart from the global questions.`)
      const shown = flags.verbose ? n.missing : n.missing.slice(0, 8)
      for (const m of shown) this.log(`  missing: ${formatProblem(m)}`)
      if (shown.length < n.missing.length) this.log(`  … ${n.missing.length - shown.length} more (--verbose lists all)`)
    }
    const region = report.fallbacks.filter((f) => f.kind === "region")
    const language = report.fallbacks.filter((f) => f.kind === "language")
    this.log(`\nSites falling back: ${region.length} to their language, ${language.length} to another language.`)
    if (region.length > 0) this.log(`  to their language: ${list(region.map((f) => `${f.site} (${f.locale} → ${f.used})`), 6)}`)
    if (language.length > 0) this.log(`  to another language: ${list(language.map((f) => `${f.site} (${f.locale} → ${f.used})`), 6)}`)
    const bySite = new Map<string, Array<(typeof report.adaptations)[number]>>()
    for (const a of report.adaptations) bySite.set(a.site, [...(bySite.get(a.site) ?? []), a])
    this.log(`\nAdaptation register: ${bySite.size === 0 ? "no site changes anything shared." : `${counted(report.adaptations.length, "change")} at ${counted(bySite.size, "site")}.`}`)
    for (const [site, changes] of bySite) {
      this.log(`  ${site}:`)
      const shown = flags.verbose ? changes : changes.slice(0, 12)
      for (const a of shown) {
        const state = a.status === "adaptable" ? "adaptable" : a.approval === null ? "LOCKED, not approved" : `locked, approved (${a.approval.note})`
        this.log(`    ${a.item} [${state}] ${a.change === "added" ? "added" : a.diff} — ${a.at}`)
      }
      if (shown.length < changes.length) this.log(`    … ${changes.length - shown.length} more (--verbose lists all)`)
    }
    if (report.problems.length > 0) {
      this.log(`\n${counted(report.problems.length, "problem")} in catalogs and templates:`)
      for (const p of report.problems) this.log(`  ${formatProblem(p)}`)
    }
    for (const w of report.warnings) this.warn(w)
    this.log(report.complete ? "\nEverything the dialogue's locales and sites use is translated." : "\nSomething is missing" + (flags.strict ? "." : " (--strict makes this an error)."))
    if (flags.strict && !report.complete) {
      if (this.jsonEnabled()) this.logJson(this.toSuccessJson(report))
      this.exit(report.problems.length > 0 ? 2 : 1)
    }
    if (!flags.strict && report.problems.length > 0) process.exitCode = 2
    return report
  }
}
