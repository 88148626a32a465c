/**
 * `convene kit check`: what a translator or a fellow needs to know before building — coverage
 * of every locale, missing and extra keys, ICU arguments that differ from the source, sites
 * that would fall back to another language, and broken overrides (syntax errors, unknown
 * partials, unknown message keys) with file and line.
 */
import * as Effect from "effect/Effect"
import Handlebars from "handlebars"
import { type CatalogSet, type Coverage, coverageOf, fallbackChain, resolveMessages } from "../domain/Catalog.js"
import type { Problem } from "../domain/Errors.js"
import { languageOf } from "../domain/Values.js"
import { type HbNode, partialName, templateProblem, templateReferences } from "./Kit.js"
import type { Workspace } from "../infra/Workspace.js"
import { listRegistry } from "../registries/index.js"
import { readInstruments } from "../surveys/index.js"
import { displayPath, fileWork } from "../infra/Files.js"
import { catalogsFor, type KitSources, readKitSources, type TemplateFile, templatesFor } from "./KitSources.js"

/** A site whose kit would not be (entirely) in its own locale. */
export interface SiteFallback {
  readonly site: string
  readonly locale: string
  /** The locale its messages mostly come from. */
  readonly used: string
  /** `region`: a more general form of the same language (fr-SN → fr); `language`: another language altogether. */
  readonly kind: "region" | "language"
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
  /** Whether anything is missing: what `--strict` fails on. */
  readonly complete: boolean
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
      ast = Handlebars.parse(t.text) as unknown as HbNode
    } catch (e) {
      problems.push(templateProblem(t, e))
      continue
    }
    const refs = templateReferences(ast)
    for (const p of refs.partials) {
      if (!partials.has(p.name)) problems.push({ file: displayPath(t.file), line: p.line, message: `unknown partial "${p.name}" (known: ${[...partials].sort().join(", ")})` })
    }
    for (const k of refs.keys) {
      if (!keys.has(k.key)) problems.push({ file: displayPath(t.file), line: k.line, message: `unknown message key "${k.key}": no catalog of the source locale (${sourceLocale}) has it` })
    }
  }
  return problems
}

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
    const r = resolveMessages(set, s.locale, source)
    if (r.used !== s.locale) fallbacks.push({ site: s.id, locale: s.locale, used: r.used, kind: languageOf(r.used) === languageOf(s.locale) ? "region" : "language" })
  }
  const complete = problems.length === 0 &&
    coverage.every((c) => c.missing.length === 0 && c.mismatched.length === 0) &&
    siteCatalogs.every((s) => s.mismatched.length === 0) &&
    fallbacks.every((f) => f.kind === "region")
  return { sourceLocale: source, coverage, problems, siteCatalogs, fallbacks, complete } satisfies KitCheckReport
})

