/**
 * `convene kit check`: what a translator or a fellow needs to know before building — coverage
 * of every locale, missing and extra keys, ICU arguments that differ from the source, sites
 * that would fall back to another language, broken overrides (syntax errors, unknown
 * partials, unknown message keys) with file and line, and the ballots (`ballots/*.yaml`):
 * their labels per locale, unknown blocks and duplicate ids, each at its file and line.
 */
import type { Codebook } from "../domain/Codebook.js"
import * as Effect from "effect/Effect"
import { ballotCoverage } from "../domain/Ballot.js"
import { sessionOf } from "../domain/NationalSession.js"
import { type CatalogSet, type Coverage, coverageOf, fallbackChain, resolveMessages } from "../domain/Catalog.js"
import type { Problem } from "../domain/Errors.js"
import { languageOf } from "../domain/Values.js"
import { otherLocalesOf } from "../domain/Registry.js"
import { handlebars, type HbNode, partialName, templateProblem, templateReferences } from "./Kit.js"
import type { Workspace } from "../infra/Workspace.js"
import { listRegistry } from "../registries/index.js"
import { readBallots } from "../results/index.js"
import { readInstruments } from "../surveys/index.js"
import { displayPath, fileWork } from "../infra/Files.js"
import { catalogsFor, type KitSources, readKitSources, type TemplateFile, templatesFor } from "./KitSources.js"
import { unaskedVoteBlocks } from "./VoteSheets.js"
import { type Adaptation, unapproved } from "../domain/Adaptation.js"
import { adaptationRegister, policyProblems } from "./Adaptations.js"

/** A site whose kit would not be (entirely) in its own locale. */
export interface SiteFallback {
  readonly site: string
  readonly locale: string
  /** The locale its messages mostly come from. */
  readonly used: string
  /** `region`: a more general form of the same language (fr-SN → fr); `language`: another language altogether. */
  readonly kind: "region" | "language"
}

/** How much of the ballots one locale translates: every label of every question, option, help and scale end. */
export interface BallotCoverage {
  readonly locale: string
  readonly total: number
  readonly translated: number
  readonly percent: number
  /** Each missing label, at its file and line (`ballots/votes.yaml:12: access-right.label.ar …`). */
  readonly missing: ReadonlyArray<Problem>
}

/** What `kit check` found in the ballots. */
export interface BallotCheck {
  /** Whether the ballot files decode and match the agenda; when not, their problems are in the report's `problems`. */
  readonly valid: boolean
  /** The ballot files read, as shown in messages (none when they are not valid). */
  readonly files: ReadonlyArray<string>
  readonly questions: number
  /** Per locale the dialogue declares (and its source locale); empty when a ballot file is broken. */
  readonly coverage: ReadonlyArray<BallotCoverage>
  /** The agenda's vote blocks with no question: their tally sheets print blank. */
  readonly unasked: ReadonlyArray<string>
}

/** What `kit check` found. */
export interface KitCheckReport {
  readonly sourceLocale: string
  readonly coverage: ReadonlyArray<Coverage & { readonly declared: boolean; readonly catalogs: number }>
  /** Problems in catalogs and templates: syntax, unknown partials and keys, per file and line. */
  readonly problems: ReadonlyArray<Problem>
  /** Extra keys and differing arguments in sites' own catalogs. */
  readonly siteCatalogs: ReadonlyArray<{ readonly site: string; readonly extra: Coverage["extra"]; readonly mismatched: Coverage["mismatched"] }>
  readonly fallbacks: ReadonlyArray<SiteFallback>
  /** The ballots' labels per locale and the vote blocks without a question; a broken ballot file is in `problems`. */
  readonly ballots: BallotCheck
  /**
   * Whether nothing is missing: what `--strict` fails on. Counts the locales the dialogue
   * declares, its source locale and those its sites use; a catalog none of them uses is
   * reported in `coverage` but does not make the check incomplete.
   */
  readonly complete: boolean
  /**
   * Warnings that do not make the check fail: no codebook (`features:` in convene.yaml), or a
   * codebook label missing in a locale the dialogue declares.
   */
  readonly warnings: ReadonlyArray<string>
  /**
   * The adaptation register: every template and message a site changes, locked or adaptable, with
   * a short diff and its approval. A locked change without an approval of its exact version makes
   * the check incomplete (and `kit build` refuses).
   */
  readonly adaptations: ReadonlyArray<Adaptation>
  /**
   * The national sessions (`sites/<id>/site.yaml`): where each is declared, the registered sites
   * that hold it, its blocks and questions, and its labels missing in those sites' languages
   * (which make the check incomplete, as the ballots' do).
   */
  readonly national: ReadonlyArray<NationalCheck>
}

/** One national session as `kit check` sees it. */
export interface NationalCheck {
  readonly file: string
  readonly scope: "site" | "country"
  /** The site id, or the country code. */
  readonly place: string
  /** The registered sites that hold it. */
  readonly sites: ReadonlyArray<string>
  readonly blocks: ReadonlyArray<string>
  readonly questions: ReadonlyArray<string>
  /** Each label missing in a language of the sites that hold it, at its file and line. */
  readonly missing: ReadonlyArray<Problem>
}

/** The national sessions against the registered sites: who holds each, and the labels their languages lack. */
const checkNational = (ws: Workspace, sites: ReadonlyArray<{ readonly id: string; readonly country: string; readonly locale: string; readonly other_locales?: string | undefined }>): Array<NationalCheck> => {
  const declared = [...(ws.sessions?.bySite.values() ?? []), ...(ws.sessions?.byCountry.values() ?? [])]
  return declared.map((d) => {
    const holders = sites.filter((s) => sessionOf(ws.sessions, s) === d)
    const questions = d.session.questions ?? []
    // a label in the language (es) serves its regional locales (es-MX), as the kits print it
    const languages = [...new Set(holders.flatMap((s) => [s.locale, ...otherLocalesOf(s)]).map(languageOf))].sort()
    const origin = new Map(questions.map((q, index) => [q.id, { file: d.file, line: 0, index, list: ["national_session", "questions"] }]))
    const missing = ballotCoverage({ questions, origin }, [{ file: d.file, text: d.text }], languages)
    return { file: d.file, scope: d.session.scope ?? "site", place: d.session.scope === "country" ? d.session.country! : d.site, sites: holders.map((s) => s.id), blocks: d.session.blocks.map((b) => b.id), questions: questions.map((q) => q.id), missing }
  })
}

/** What the codebook lacks: itself, or labels in the dialogue's locales (a feature or value without any label shows its id everywhere, which is fine). */
const codebookWarnings = (codebook: Codebook | undefined, locales: ReadonlyArray<string>): Array<string> => {
  if (codebook === undefined || codebook.length === 0) {
    return ["No codebook: convene.yaml declares no `features:`, so participants' gender, age band, education and residence are free text and sites cannot be compared by category (docs/recruitment.md, \"The codebook\")."]
  }
  const warnings: Array<string> = []
  for (const locale of locales) {
    const missing: Array<string> = []
    for (const f of codebook) {
      if (f.label !== undefined && f.label[locale] === undefined) missing.push(f.id)
      for (const v of f.values) if (v.label !== undefined && v.label[locale] === undefined) missing.push(`${f.id}.${v.id}`)
    }
    if (missing.length > 0) warnings.push(`The codebook has no ${locale} label for ${missing.length <= 6 ? missing.join(", ") : `${missing.slice(0, 6).join(", ")} and ${missing.length - 6} more`}: reports in ${locale} show the English label or the id.`)
  }
  return warnings
}

/** Checks one set of templates (built-ins + workspace, or with one site's overrides). */
const checkTemplates = (templates: ReadonlyMap<string, TemplateFile>, catalogs: CatalogSet, sourceLocale: string, only: ReadonlySet<string> | undefined): Array<Problem> => {
  const problems: Array<Problem> = []
  const partials = new Set([...templates.keys()].map(partialName).filter((n): n is string => n !== undefined))
  const keys = new Set<string>()
  for (const l of fallbackChain(sourceLocale, sourceLocale)) for (const k of catalogs.keysOf(l)) keys.add(k)
  for (const [rel, t] of templates) {
    if (!rel.endsWith(".hbs") || (only !== undefined && !only.has(rel))) continue
    let ast: HbNode
    try {
      ast = handlebars().parse(t.text) as unknown as HbNode
    } catch (e) {
      problems.push(templateProblem(t, e))
      continue
    }
    const refs = templateReferences(ast)
    for (const p of refs.partials) {
      if (!partials.has(p.name)) problems.push({ file: displayPath(t.file), line: p.line, message: `unknown partial "${p.name}" (known: ${[...partials].sort().join(", ")})` })
    }
    for (const k of refs.keys) {
      // a key the template tests with `has` first is optional: the dialogue's own catalogs may add it
      if (!keys.has(k.key) && !refs.tested.has(k.key)) problems.push({ file: displayPath(t.file), line: k.line, message: `unknown message key "${k.key}": no catalog of the source locale (${sourceLocale}) has it` })
    }
  }
  return problems
}

/**
 * Reads the ballots as the kits would, reporting a broken file (an unknown or non-vote block, a
 * duplicate id, a bad field: each at its file and line) as problems instead of failing, and
 * every label missing in one of `locales`.
 */
const checkBallots = (ws: Workspace, locales: ReadonlyArray<string>) =>
  readBallots(ws.dir, ws.dialogue).pipe(
    Effect.map((loaded) => {
      // every label a question has: its own, its help, its options' and its scale's ends
      const labels = loaded.ballots.questions.reduce((n, q) =>
        n + 1 + (q.help === undefined ? 0 : 1) + ("options" in q ? q.options.length : 0) + (q.type === "scale" ? (q.low === undefined ? 0 : 1) + (q.high === undefined ? 0 : 1) : 0), 0)
      const coverage = locales.map((locale): BallotCoverage => {
        const missing = ballotCoverage(loaded.ballots, loaded.sources, [locale])
        const translated = labels - missing.length
        return { locale, total: labels, translated, percent: labels === 0 ? 100 : Math.floor((translated / labels) * 1000) / 10, missing }
      })
      const check: BallotCheck = { valid: true, files: loaded.sources.map((s) => s.file), questions: loaded.ballots.questions.length, coverage, unasked: unaskedVoteBlocks(loaded.ballots, ws.dialogue.agenda) }
      return { check, problems: [] as Array<Problem> }
    }),
    Effect.catchTag("InputError", (e) =>
      Effect.succeed({ check: { valid: false, files: [], questions: 0, coverage: [], unasked: [] } as BallotCheck, problems: [...e.problems] }))
  )

/**
 * Checks a workspace's kit sources (read from its folders unless given) against its sites.
 * Unlike the renderer, which refuses broken catalogs, the check reads them to report every problem.
 */
export const checkKits = Effect.fn("Kits.check")(function*(ws: Workspace, given?: KitSources) {
  const sources = given ?? (yield* fileWork("read", ws.dir, () => readKitSources(ws.dir)))
  const source = ws.dialogue.source_locale
  const problems: Array<Problem> = [...sources.problems]
  problems.push(...(yield* readInstruments(ws.dir).pipe(
    Effect.map((): Array<Problem> => []),
    Effect.catchTag("InputError", (e) => Effect.succeed([...e.problems]))
  )))
  const base = catalogsFor(sources, undefined)
  problems.push(...checkTemplates(templatesFor(sources, undefined), base, source, undefined))
  const siteCatalogs: Array<KitCheckReport["siteCatalogs"][number]> = []
  for (const [site, layer] of sources.sites) {
    const set = catalogsFor(sources, site)
    if (layer.templates.size > 0) problems.push(...checkTemplates(templatesFor(sources, site), set, source, new Set(layer.templates.keys())))
    for (const c of layer.catalogs) {
      const cov = coverageOf(set, c.locale, source)
      const own = new Set(c.entries.keys())
      const extra = cov.extra.filter((e) => own.has(e.key) && e.file === c.file)
      const mismatched = cov.mismatched.filter((m) => m.file === c.file)
      if (extra.length > 0 || mismatched.length > 0) siteCatalogs.push({ site, extra, mismatched })
    }
  }
  const declared = new Set<string>(ws.dialogue.locales)
  const locales = [...new Set([source, ...ws.dialogue.locales, ...base.locales()])].sort()
  const coverage = locales.map((l) => ({
    ...coverageOf(base, l, source),
    declared: declared.has(l) || l === source,
    catalogs: base.catalogs.filter((c) => c.locale === l).length
  }))
  const sites = yield* listRegistry("sites")
  const fallbacks: Array<SiteFallback> = []
  for (const s of sites) {
    const set = sources.sites.has(s.id) ? catalogsFor(sources, s.id) : base
    // the site's own locale and every other locale it works in (its kit is built in each)
    for (const locale of [s.locale, ...otherLocalesOf(s).filter((l) => l !== s.locale)]) {
      const r = resolveMessages(set, locale, source)
      if (r.used !== locale) fallbacks.push({ site: s.id, locale, used: r.used, kind: languageOf(r.used) === languageOf(locale) ? "region" : "language" })
    }
  }
  const ballots = yield* checkBallots(ws, [...new Set([source, ...ws.dialogue.locales])].sort())
  const national = checkNational(ws, sites)
  problems.push(...ballots.problems)
  problems.push(...policyProblems(ws, sources))
  const adaptations = yield* adaptationRegister(ws, sources)
  // a catalog no declared locale and no site uses (convene's own partial hi and bn, on a blank
  // workspace) is listed, but nothing it lacks is missing from a kit
  const needed = new Set<string>([source, ...declared, ...fallbacks.map((f) => f.used), ...sites.flatMap((s) => [s.locale, ...otherLocalesOf(s)])])
  const complete = problems.length === 0 &&
    coverage.every((c) => !needed.has(c.locale) || (c.missing.length === 0 && c.mismatched.length === 0)) &&
    siteCatalogs.every((s) => s.mismatched.length === 0) &&
    fallbacks.every((f) => f.kind === "region") &&
    ballots.check.coverage.every((c) => c.missing.length === 0) &&
    national.every((n) => n.missing.length === 0) &&
    !adaptations.some(unapproved)
  const warnings = codebookWarnings(ws.dialogue.features, [...new Set([source, ...ws.dialogue.locales])])
  const waiting = adaptations.filter(unapproved)
  if (waiting.length > 0) warnings.push(`${waiting.length} change${waiting.length === 1 ? "" : "s"} to locked content without an approval (${[...new Set(waiting.map((a) => a.site))].join(", ")}): \`kit build\` refuses them until staff approve that exact version (\`convene kit approve --site ID ITEM --note TEXT\`) or the site reverts it.`)
  for (const n of national) if (n.sites.length === 0) warnings.push(`The national session of ${n.place} (${n.file}) is held by no registered site${n.scope === "country" ? ` of ${n.place}` : ""}.`)
  return { sourceLocale: source, coverage, problems, siteCatalogs, fallbacks, ballots: ballots.check, complete, warnings, adaptations, national } satisfies KitCheckReport
})

