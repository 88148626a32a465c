/**
 * Where a kit comes from: Handlebars templates and ICU catalogs in three layers — convene's
 * built-ins, the workspace's overrides (`templates/`, `locales/`) and a site's own folder
 * (`sites/<id>/templates/`, `sites/<id>/locales/`), the most specific winning.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"
import { type Catalog, type CatalogLayer, CatalogSet, parseCatalog } from "../domain/Catalog.js"
import { InputError, type Problem } from "../domain/Errors.js"
import { canonicalLocale } from "../domain/Values.js"
import { displayPath, sha256 } from "../infra/Files.js"
import { assetsRoot } from "../infra/Workspace.js"

/** One template or asset file, by its path under `templates/` (e.g. `kit/documents/agenda.hbs`). */
export interface TemplateFile {
  readonly rel: string
  readonly file: string
  readonly layer: CatalogLayer
  readonly text: string
  readonly sha256: string
}

/** Every template, asset and catalog of one layer. */
export interface SourceLayer {
  readonly layer: CatalogLayer
  readonly templates: ReadonlyMap<string, TemplateFile>
  readonly catalogs: ReadonlyArray<Catalog>
  readonly catalogHashes: ReadonlyMap<string, string>
}

const walkFiles = (dir: string, out: Array<string> = []): Array<string> => {
  if (!existsSync(dir)) return out
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith(".")) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) walkFiles(path, out)
    else out.push(path)
  }
  return out
}

/**
 * Reads one layer: `<root>/templates/{kit,mail,survey}/**` and the catalogs in `<localesDir>/*.yaml`.
 * Catalog problems are collected into `problems` rather than thrown, so a check reports all.
 */
export const readLayer = (layer: CatalogLayer, templatesDir: string, localesDir: string, problems: Array<Problem>): SourceLayer => {
  const templates = new Map<string, TemplateFile>()
  for (const file of walkFiles(templatesDir)) {
    const rel = relative(templatesDir, file).split("\\").join("/")
    if (!rel.startsWith("kit/") && !rel.startsWith("mail/") && !rel.startsWith("survey/")) continue
    const binary = /\.(woff2?|ttf|otf|png|jpe?g|gif|pdf)$/i.test(rel)
    const text = binary ? "" : readFileSync(file, "utf8")
    templates.set(rel, { rel, file, layer, text, sha256: binary ? sha256(readFileSync(file)) : sha256(text) })
  }
  const catalogs: Array<Catalog> = []
  const catalogHashes = new Map<string, string>()
  for (const file of walkFiles(localesDir)) {
    const m = /([^/\\]+)\.ya?ml$/.exec(file)
    if (m === null) continue
    const locale = canonicalLocale(m[1]!)
    if (locale === undefined) {
      problems.push({ file: displayPath(file), message: `the file name is not a BCP 47 locale (e.g. fr.yaml, fr-SN.yaml)` })
      continue
    }
    const text = readFileSync(file, "utf8")
    try {
      catalogs.push(parseCatalog(text, displayPath(file), locale, layer))
      catalogHashes.set(displayPath(file), sha256(text))
    } catch (e) {
      if (e instanceof InputError) problems.push(...e.problems)
      else throw e
    }
  }
  return { layer, templates, catalogs, catalogHashes }
}

/** The layers a workspace has: built-ins, then its own overrides, and sites with a folder. */
export interface KitSources {
  readonly builtIn: SourceLayer
  readonly workspace: SourceLayer
  /** Site id → that site's layer, for sites with a `sites/<id>/` folder. */
  readonly sites: ReadonlyMap<string, SourceLayer>
  /** Catalog problems (syntax, ICU) found while reading. */
  readonly problems: ReadonlyArray<Problem>
}

/**
 * Reads every layer of a workspace's kits.
 *
 * @example
 * const sources = readKitSources("./my-dialogue")
 * sources.workspace.templates.has("kit/partials/content/background.hbs")
 */
export const readKitSources = (workspaceDir: string): KitSources => {
  const problems: Array<Problem> = []
  const root = assetsRoot()
  const builtIn = readLayer("built-in", join(root, "templates"), join(root, "templates", "locales"), problems)
  const workspace = readLayer("workspace", join(workspaceDir, "templates"), join(workspaceDir, "locales"), problems)
  const sites = new Map<string, SourceLayer>()
  const sitesDir = join(workspaceDir, "sites")
  if (existsSync(sitesDir)) {
    for (const id of readdirSync(sitesDir).sort()) {
      const dir = join(sitesDir, id)
      if (!statSync(dir).isDirectory()) continue
      sites.set(id, readLayer("site", join(dir, "templates"), join(dir, "locales"), problems))
    }
  }
  return { builtIn, workspace, sites, problems }
}

/** The templates one site sees: built-ins overridden by the workspace, then by the site. */
export const templatesFor = (sources: KitSources, siteId: string | undefined): Map<string, TemplateFile> => {
  const merged = new Map(sources.builtIn.templates)
  for (const [rel, t] of sources.workspace.templates) merged.set(rel, t)
  const site = siteId === undefined ? undefined : sources.sites.get(siteId)
  if (site !== undefined) for (const [rel, t] of site.templates) merged.set(rel, t)
  return merged
}

/** The catalogs one site sees, in every layer. */
export const catalogsFor = (sources: KitSources, siteId: string | undefined): CatalogSet => {
  const site = siteId === undefined ? undefined : sources.sites.get(siteId)
  return new CatalogSet([...sources.builtIn.catalogs, ...sources.workspace.catalogs, ...(site?.catalogs ?? [])])
}

/** Whether a site has anything of its own (templates or catalogs). */
export const hasSiteOverrides = (sources: KitSources, siteId: string): boolean => {
  const site = sources.sites.get(siteId)
  return site !== undefined && (site.templates.size > 0 || site.catalogs.length > 0)
}
