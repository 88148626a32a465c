/**
 * The kit renderer: one site's documents (facilitator guide, booklet, agenda, consent form,
 * questionnaires, invitation letter, the vote sheets — ballots, tally sheets, recommendations
 * sheets — and the index) from Handlebars templates and ICU catalogs, with dates and times through Intl in the site's locale and zone. Rendering is
 * pure given its inputs: no clock, no randomness, so the same inputs give the same bytes.
 */
import type Handlebars from "handlebars"
import { IntlMessageFormat } from "intl-messageformat"
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { coreRequire } from "../infra/CoreDir.js"
import { siteCalendar } from "../schedule/index.js"
import { type CatalogSet, resolveMessages, type Resolution } from "../domain/Catalog.js"
import type { Dialogue } from "../domain/Dialogue.js"
import { type Instrument, labelIn, type Question, questionsFor, type Respondents, respondentsOf, type WaveId } from "../domain/Instrument.js"
import type { LoadedInstrument } from "../surveys/index.js"
import type { LoadedBallots } from "../results/index.js"
import { InputError, type Problem } from "../domain/Errors.js"
import type { Fellow, Site } from "../domain/Registry.js"
import type { PlannedMoment, SchedulePlan, SitePlan } from "../domain/Schedule.js"
import { canonicalLocale, languageOf } from "../domain/Values.js"
import { displayPath, sha256 } from "../infra/Files.js"
import { calendarSiteOf } from "./CalendarText.js"
import { catalogsFor, hasSiteOverrides, type KitSources, type TemplateFile, templatesFor } from "./KitSources.js"
import { type VoteBlock, voteSheetsOf } from "./VoteSheets.js"

/** Bumped when the renderer changes what it writes, so that every kit rebuilds. */
export const KIT_FORMAT = 4

/** Everything one site's kit is made of, besides templates and catalogs. */
export interface KitInput {
  readonly site: Site
  /** The fellow who runs the site, when registered. */
  readonly fellow: { readonly name: string; readonly email: string } | undefined
  /** The site's planned day. */
  readonly plan: SitePlan
  /** The day's synchronized moments (their titles and shared instants). */
  readonly moments: ReadonlyArray<PlannedMoment>
  /** The whole stored plan, when there is one: the calendar file is made from it. */
  readonly storedPlan: SchedulePlan | undefined
  readonly counts: { readonly sites: number; readonly countries: number }
  /** Write the kit in this locale instead of the site's. */
  readonly locale?: string | undefined
  /** The survey instruments (`surveys/*.yaml`): the printed questionnaires come from them. */
  readonly instruments?: ReadonlyArray<LoadedInstrument> | undefined
  /** The vote questions (`ballots/*.yaml`): the ballots, tally and recommendations sheets come from them. */
  readonly ballots?: LoadedBallots | undefined
  /**
   * The site's organisers — its fellow and the facilitators its `site.yaml` lists — with their
   * codes: the printed organisers' questionnaire lists them, so each can write their own code.
   */
  readonly organisers?: ReadonlyArray<KitOrganiser> | undefined
}

/** One organiser of a site as its kit prints them: who they are and the code they answer under. */
export interface KitOrganiser {
  readonly kind: "fellow" | "facilitator"
  readonly name: string
  readonly code: string
}

/** One file of a kit, by its path inside the kit's folder. */
export interface KitFile {
  readonly path: string
  readonly content: Uint8Array
}

/** The locale a kit was written in and what it fell back to. */
export interface KitLocale {
  readonly requested: string
  readonly used: string
  /** The locale dates, times and numbers were formatted in. */
  readonly intl: string
  readonly dir: "ltr" | "rtl"
  readonly fallbacks: ReadonlyArray<{ readonly locale: string; readonly keys: number }>
  readonly missing: ReadonlyArray<string>
}

/** A rendered kit: its files, its locale, and the hashes of what it was made from. */
export interface RenderedKit {
  readonly site: string
  readonly files: ReadonlyArray<KitFile>
  readonly locale: KitLocale
  readonly inputs: Readonly<Record<string, string | Readonly<Record<string, string>>>>
  /** One hash of every input: equal hashes give equal kits. */
  readonly inputsHash: string
}

/**
 * The document templates of a kit, in reading order. `questionnaire` is written once per wave;
 * `organiser-questionnaire` once per wave an organisers' instrument asks questions in;
 * `ballot` and `tally-sheet` once per vote block that has questions of that collection (a vote
 * block without any question gets a blank tally sheet); `recommendations` once per vote block
 * with a recommendations question.
 */
export const KIT_DOCUMENTS = [
  "index",
  "facilitator-guide",
  "participant-booklet",
  "agenda",
  "consent-form",
  "questionnaire",
  "organiser-questionnaire",
  "invitation-letter",
  "ballot",
  "tally-sheet",
  "recommendations"
] as const

/** The waves, of those declared, in which an organisers' instrument asks questions: each gets a printed organisers' questionnaire. */
const organiserWaves = <W extends { readonly id: string }>(input: KitInput, waves: ReadonlyArray<W>): Array<W> =>
  waves.filter((w) => (input.instruments ?? []).some((i) => respondentsOf(i.instrument) === "organisers" && questionsFor(i.instrument, w.id as WaveId).length > 0))

const RTL_LANGUAGES = new Set(["ar", "he", "fa", "ur", "ps", "sd", "ug", "yi", "dv", "ckb", "ks"])
const SCRIPT_OF: Readonly<Record<string, string>> = {
  ar: "arabic", fa: "arabic", ur: "arabic", ps: "arabic", sd: "arabic", ug: "arabic", ckb: "arabic", ks: "arabic",
  hi: "devanagari", ne: "devanagari", mr: "devanagari", sa: "devanagari", mai: "devanagari", bho: "devanagari",
  bn: "bengali", as: "bengali",
  ru: "cyrillic", uk: "cyrillic", be: "cyrillic", bg: "cyrillic", mk: "cyrillic", sr: "cyrillic", mn: "cyrillic",
  kk: "cyrillic", ky: "cyrillic", tg: "cyrillic", el: "greek", vi: "vietnamese"
}

/** The direction a language is written in. */
export const directionOf = (locale: string): "ltr" | "rtl" => (RTL_LANGUAGES.has(languageOf(locale)) ? "rtl" : "ltr")

const fontFile = (pkg: string, file: string): string => join(dirname(coreRequire().resolve(`${pkg}/package.json`)), "files", file)

interface FontFace {
  readonly family: string
  readonly pkg: string
  readonly subset: string
  readonly range: string
}
const LATIN = "U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+0304, U+0308, U+0329, U+2000-206F, U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, U+FEFF, U+FFFD"
const FONTS: Readonly<Record<string, ReadonlyArray<FontFace>>> = {
  base: [
    { family: "Noto Sans", pkg: "@fontsource/noto-sans", subset: "latin", range: LATIN },
    { family: "Noto Sans", pkg: "@fontsource/noto-sans", subset: "latin-ext", range: "U+0100-02BA, U+02BD-02C5, U+02C7-02CC, U+02CE-02D7, U+02DD-02FF, U+0304, U+0308, U+0329, U+1D00-1DBF, U+1E00-1E9F, U+1EF2-1EFF, U+2020, U+20A0-20AB, U+20AD-20C0, U+2113, U+2C60-2C7F, U+A720-A7FF" }
  ],
  cyrillic: [{ family: "Noto Sans", pkg: "@fontsource/noto-sans", subset: "cyrillic", range: "U+0301, U+0400-045F, U+0490-0491, U+04B0-04B1, U+2116" }],
  greek: [{ family: "Noto Sans", pkg: "@fontsource/noto-sans", subset: "greek", range: "U+0370-0377, U+037A-037F, U+0384-038A, U+038C, U+038E-03A1, U+03A3-03FF" }],
  vietnamese: [{ family: "Noto Sans", pkg: "@fontsource/noto-sans", subset: "vietnamese", range: "U+0102-0103, U+0110-0111, U+0128-0129, U+0168-0169, U+01A0-01A1, U+01AF-01B0, U+0300-0301, U+0303-0304, U+0308-0309, U+0323, U+0329, U+1EA0-1EF9, U+20AB" }],
  arabic: [{ family: "Noto Sans Arabic", pkg: "@fontsource/noto-sans-arabic", subset: "arabic", range: "U+0600-06FF, U+0750-077F, U+0870-088E, U+0890-0891, U+0897-08E1, U+08E3-08FF, U+200C-200E, U+2010-2011, U+204F, U+2E41, U+FB50-FDFF, U+FE70-FE74, U+FE76-FEFC" }],
  devanagari: [{ family: "Noto Sans Devanagari", pkg: "@fontsource/noto-sans-devanagari", subset: "devanagari", range: "U+0900-097F, U+1CD0-1CF9, U+200C-200D, U+20A8, U+20B9, U+20F0, U+25CC, U+A830-A839, U+A8E0-A8FF" }],
  bengali: [{ family: "Noto Sans Bengali", pkg: "@fontsource/noto-sans-bengali", subset: "bengali", range: "U+0951-0952, U+0964-0965, U+0980-09FE, U+1CD0, U+1CD2, U+1CD5-1CD6, U+1CD8, U+1CE1, U+1CEA, U+1CED, U+1CF2, U+1CF5-1CF7, U+200C-200D, U+20B9, U+25CC, U+A8F1" }]
}

const fontCache = new Map<string, Uint8Array>()

/** The font files a kit in `locale` bundles, and the @font-face rules that use them. */
export const fontsFor = (locale: string): { files: Array<KitFile>; css: string } => {
  const script = SCRIPT_OF[languageOf(locale)]
  const faces = [...FONTS["base"]!, ...(script === undefined ? [] : FONTS[script] ?? [])]
  const files: Array<KitFile> = []
  let css = ""
  for (const face of faces) {
    for (const weight of [400, 700]) {
      const name = `${face.pkg.split("/")[1]}-${face.subset}-${weight}-normal.woff2`
      let content = fontCache.get(name)
      if (content === undefined) {
        content = new Uint8Array(readFileSync(fontFile(face.pkg, name)))
        fontCache.set(name, content)
      }
      files.push({ path: `assets/fonts/${name}`, content })
      css += `@font-face { font-family: "${face.family}"; font-style: normal; font-weight: ${weight}; font-display: swap; src: url("fonts/${name}") format("woff2"); unicode-range: ${face.range}; }\n`
    }
  }
  return { files, css }
}

/** The Handlebars names of templates: `kit/partials/content/background.hbs` → `content/background`. */
export const partialName = (rel: string): string | undefined => {
  if (rel === "kit/layout.hbs") return "layout"
  if (rel === "survey/layout.hbs") return "survey/layout"
  const survey = /^survey\/partials\/(.+)\.hbs$/.exec(rel)
  if (survey !== null) return `survey/${survey[1]}`
  const m = /^kit\/partials\/(.+)\.hbs$/.exec(rel)
  return m === null ? undefined : m[1]
}

/** A problem in a template, located at its file and line. */
export const templateProblem = (t: TemplateFile, e: unknown): Problem => {
  const message = e instanceof Error ? e.message : String(e)
  const line = /line (\d+)/.exec(message)
  const parse = message.startsWith("Parse error")
  const detail = parse ? `syntax error: ${message.split("\n").at(-1)}` : message.split("\n")[0]!
  return { file: displayPath(t.file), line: line === null ? undefined : Number(line[1]), message: detail }
}

/** A node of a Handlebars syntax tree. */
export interface HbNode {
  readonly type: string
  readonly loc?: { readonly start: { readonly line: number } }
  readonly [k: string]: unknown
}

/**
 * Walks a template's syntax tree for partial references, `t` message keys, and the keys it
 * tests with `has` (optional messages, such as the workspace's `topic.background`).
 */
export const templateReferences = (ast: HbNode): { partials: Array<{ name: string; line: number }>; keys: Array<{ key: string; line: number }>; tested: Set<string> } => {
  const partials: Array<{ name: string; line: number }> = []
  const keys: Array<{ key: string; line: number }> = []
  const tested = new Set<string>()
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== "object") return
    if (Array.isArray(node)) return node.forEach(visit)
    const n = node as HbNode
    const line = n.loc?.start.line ?? 0
    if (n.type === "PartialStatement" || n.type === "PartialBlockStatement") {
      const name = n["name"] as HbNode & { original?: unknown }
      if (name.type === "PathExpression" && typeof name.original === "string" && !name.original.startsWith("@")) partials.push({ name: name.original, line })
    }
    if (n.type === "MustacheStatement" || n.type === "SubExpression" || n.type === "BlockStatement") {
      const path = n["path"] as { original?: unknown }
      const params = n["params"] as Array<HbNode & { value?: unknown }>
      if (path.original === "t" && params[0]?.type === "StringLiteral") keys.push({ key: String(params[0].value), line })
      if (path.original === "has" && params[0]?.type === "StringLiteral") tested.add(String(params[0].value))
    }
    for (const [k, v] of Object.entries(n)) if (k !== "loc" && typeof v === "object") visit(v)
  }
  visit(ast)
  return { partials, keys, tested }
}

/** The messages one kit (or one survey page, one mail) reads, formatted through ICU with Intl in its locale. */
export class Messages {
  private readonly formats = new Map<string, IntlMessageFormat>()
  readonly missing = new Set<string>()
  constructor(readonly resolution: Resolution, readonly intl: string) {}

  has(key: string): boolean {
    return this.resolution.messages.has(key)
  }

  format(key: string, values: Record<string, unknown>): string {
    const entry = this.resolution.messages.get(key)
    if (entry === undefined) {
      this.missing.add(key)
      return `⟦${key}⟧`
    }
    let f = this.formats.get(key)
    if (f === undefined) {
      f = new IntlMessageFormat(entry.text, this.intl)
      this.formats.set(key, f)
    }
    const out = f.format(values)
    return Array.isArray(out) ? out.join("") : String(out)
  }
}

let handlebarsModule: typeof Handlebars | undefined

/**
 * Handlebars, loaded the first time a template is compiled or checked, from @convene/core's own
 * dependencies: its 40-odd modules (with source-map) cost the SDK's root import about 50 ms
 * for programs that never render a kit (docs/performance.md, "The SDK's root import and the install").
 */
export const handlebars = (): typeof Handlebars => (handlebarsModule ??= coreRequire()("handlebars") as typeof Handlebars)

const makeHandlebars = (): typeof Handlebars => {
  const hb = handlebars().create()
  const messages = (options: Handlebars.HelperOptions): Messages => (options.data.root as { __messages: Messages }).__messages
  hb.registerHelper("t", function(key: unknown, options: Handlebars.HelperOptions) {
    return messages(options).format(String(key), options.hash as Record<string, unknown>)
  })
  hb.registerHelper("has", (key: unknown, options: Handlebars.HelperOptions) => messages(options).has(String(key)))
  hb.registerHelper("eq", (a: unknown, b: unknown) => a === b)
  hb.registerHelper("concat", (...args: Array<unknown>) => args.slice(0, -1).map(String).join(""))
  return hb
}

/** A compiled template set: the documents and partials one group of sites shares. */
interface CompiledSet {
  readonly documents: ReadonlyMap<string, Handlebars.TemplateDelegate>
  readonly mail: ReadonlyMap<string, Handlebars.TemplateDelegate>
  readonly survey: ReadonlyMap<string, Handlebars.TemplateDelegate>
  readonly css: string
  readonly hash: Readonly<Record<string, string>>
}

const compileSet = (templates: ReadonlyMap<string, TemplateFile>): CompiledSet => {
  const hb = makeHandlebars()
  const problems: Array<Problem> = []
  const documents = new Map<string, Handlebars.TemplateDelegate>()
  const mail = new Map<string, Handlebars.TemplateDelegate>()
  const survey = new Map<string, Handlebars.TemplateDelegate>()
  const hash: Record<string, string> = {}
  for (const [rel, t] of [...templates].sort(([a], [b]) => (a < b ? -1 : 1))) {
    hash[rel] = t.sha256
    if (!rel.endsWith(".hbs")) continue
    try {
      hb.parse(t.text)
    } catch (e) {
      problems.push(templateProblem(t, e))
      continue
    }
    const partial = partialName(rel)
    if (partial !== undefined) hb.registerPartial(partial, t.text)
    const doc = /^kit\/documents\/(.+)\.hbs$/.exec(rel)
    if (doc !== null) documents.set(doc[1]!, hb.compile(t.text, { strict: false, preventIndent: true }))
    const m = /^mail\/(.+)\.hbs$/.exec(rel)
    if (m !== null) mail.set(m[1]!, hb.compile(t.text, { noEscape: m[1]!.endsWith(".text"), preventIndent: true }))
    const page = /^survey\/([^/]+)\.hbs$/.exec(rel)
    if (page !== null && page[1] !== "layout") survey.set(page[1]!, hb.compile(t.text, { preventIndent: true }))
  }
  const partials = new Set([...templates.keys()].map(partialName).filter((n): n is string => n !== undefined))
  for (const [rel, t] of templates) {
    if (!rel.endsWith(".hbs") || problems.some((p) => p.file === displayPath(t.file))) continue
    for (const ref of templateReferences(hb.parse(t.text) as unknown as HbNode).partials) {
      if (!partials.has(ref.name)) problems.push({ file: displayPath(t.file), line: ref.line, message: `unknown partial "${ref.name}"` })
    }
  }
  if (problems.length > 0) throw new InputError({ summary: "The kit templates have errors (run `convene kit check`).", problems })
  for (const d of KIT_DOCUMENTS) {
    if (!documents.has(d)) throw new InputError({ summary: `The kit template kit/documents/${d}.hbs is missing.`, problems: [] })
  }
  return { documents, mail, survey, css: templates.get("kit/assets/kit.css")?.text ?? "", hash }
}

const utf8 = new TextEncoder()

/** The hash of a workspace without ballots, as `readBallots` gives it. */
const NO_BALLOTS = sha256("")

/**
 * Formats a local time of the plan (`YYYY-MM-DDTHH:MM`), e.g. `09:30` or `9:30 AM`. The plan's
 * own local times are shown, computed with convene's tz data: Intl would read the UTC instant
 * with Node's older ICU rules and could show another hour.
 */
const timeFormatter = (intl: string) => new Intl.DateTimeFormat(intl, { hour: "numeric", minute: "2-digit", timeZone: "UTC" })

/** Formats a calendar date (no zone involved), e.g. `samedi 15 mai 2027`. */
const dateFormatter = (intl: string, style: "full" | "long") => new Intl.DateTimeFormat(intl, { dateStyle: style, timeZone: "UTC" })
const atNoon = (date: string): Date => new Date(`${date}T12:00:00Z`)

/** The locale Intl formats in: the site's own, unless its language has no catalog (then the fallback's language with the site's region). */
const intlLocaleFor = (requested: string, used: string): string => {
  if (languageOf(requested) === languageOf(used)) return requested
  const region = /-([A-Z]{2}|\d{3})$/.exec(requested)?.[1]
  const candidate = region === undefined ? used : canonicalLocale(`${languageOf(used)}-${region}`) ?? used
  return Intl.DateTimeFormat.supportedLocalesOf([candidate]).length > 0 ? candidate : used
}

/**
 * The fellow as templates see it: the name and address, or the site's fellow address for both
 * when none is registered; empty for a mirror without a fellow nor an organiser given.
 */
const fellowOf = (input: KitInput): { readonly name: string; readonly email: string } =>
  input.fellow === undefined ? { name: input.site.fellow_email ?? "", email: input.site.fellow_email ?? "" } : { name: input.fellow.name, email: input.fellow.email }

/**
 * A site as its kit's hash sees it: every registry column in order, no start time as null. The
 * hash is the one kits always had, so kits built before stay up to date.
 */
const hashedSite = (site: Site) => ({
  id: site.id,
  name: site.name,
  city: site.city,
  country: site.country,
  timezone: site.timezone,
  locale: site.locale,
  capacity: site.capacity,
  format: site.format,
  fellow_email: site.fellow_email ?? null,
  start_local: site.start_local ?? null
})

/**
 * Renders the kits of a workspace's sites. Templates are compiled once per group of sites
 * that share them; catalogs resolved once per locale.
 *
 * @example
 * const renderer = new KitRenderer(readKitSources(dir), dialogue, dialogueText)
 * const kit = renderer.render({ site, fellow, plan: sitePlan, moments, storedPlan, counts })
 * kit.files.map((f) => f.path) // ["index.html", "facilitator-guide.html", …, "calendar.ics", "assets/kit.css", …]
 */
export class KitRenderer {
  private readonly sets = new Map<string, CompiledSet>()
  private readonly resolutions = new Map<string, Resolution>()
  private readonly catalogSets = new Map<string, CatalogSet>()
  private readonly usedFiles = new WeakMap<Resolution, Set<string>>()
  private readonly localized = new WeakMap<Resolution, { readonly messages: Messages; readonly lang: string; readonly dir: "ltr" | "rtl"; readonly used: string }>()
  private readonly dialogueHash: string

  constructor(readonly sources: KitSources, readonly dialogue: Dialogue, dialogueText: string) {
    this.dialogueHash = sha256(dialogueText)
  }

  private setFor(siteId: string): CompiledSet {
    const own = this.sources.sites.get(siteId)?.templates.size ?? 0
    const key = own > 0 ? `site:${siteId}` : "base"
    let set = this.sets.get(key)
    if (set === undefined) {
      set = compileSet(templatesFor(this.sources, own > 0 ? siteId : undefined))
      this.sets.set(key, set)
    }
    return set
  }

  private catalogSetKey(siteId: string): string {
    return (this.sources.sites.get(siteId)?.catalogs.length ?? 0) > 0 ? `site:${siteId}` : "base"
  }

  /** How `locale` resolves for a site (site catalogs first). */
  resolution(siteId: string, locale: string): Resolution {
    const setKey = this.catalogSetKey(siteId)
    const key = `${setKey}\u0000${locale}`
    let r = this.resolutions.get(key)
    if (r === undefined) {
      let set = this.catalogSets.get(setKey)
      if (set === undefined) {
        set = catalogsFor(this.sources, setKey === "base" ? undefined : siteId)
        this.catalogSets.set(setKey, set)
      }
      r = resolveMessages(set, locale, this.dialogue.source_locale)
      this.resolutions.set(key, r)
    }
    return r
  }

  /** The template context of one site: what every document and message can use. */
  private context(input: KitInput, messages: Messages, dir: "ltr" | "rtl") {
    const { site, plan } = input
    const intl = messages.intl
    const time = timeFormatter(intl)
    const at = (local: string): string => time.format(new Date(`${local.slice(0, 16)}:00Z`))
    const longDate = dateFormatter(intl, "full")
    const t = (key: string, values: Record<string, unknown> = {}): string => messages.format(key, values)
    const optional = (key: string, fallback: string): string => (messages.has(key) ? t(key) : fallback)
    const momentTitles = new Map(input.moments.map((m) => [m.id, m.title]))
    const moments = plan.moments.map((m) => {
      const shared = input.moments.find((x) => x.id === m.id)
      return {
        id: m.id,
        title: optional(`sync_moments.${m.id}`, momentTitles.get(m.id) ?? m.id),
        start: at(m.start_local),
        end: at(m.end_local),
        utc: shared === undefined ? "" : shared.start_utc.slice(11, 16),
        joins: m.joins,
        start_utc: shared?.start_utc ?? ""
      }
    })
    const blocks = plan.blocks.map((b) => {
      const inBlock = moments.filter((m) => m.start_utc >= b.start_utc && m.start_utc < b.end_utc)
      const minutes = Math.round((Date.parse(b.end_utc) - Date.parse(b.start_utc)) / 60000)
      return {
        id: b.id,
        kind: b.kind,
        title: optional(`agenda_blocks.${b.id}.title`, b.title),
        instructions: messages.has(`agenda_blocks.${b.id}.instructions`)
          ? `${t(`agenda_blocks.${b.id}.instructions`)} ${t(`guide.kind.${b.kind}`)}`
          : t(`guide.kind.${b.kind}`),
        start: at(b.start_local),
        end: at(b.end_local),
        minutes,
        moments: inBlock
      }
    })
    const waves = this.dialogue.evaluation.waves.map((w) => ({
      id: w.id,
      opens: dateFormatter(intl, "long").format(atNoon(w.opens)),
      closes: dateFormatter(intl, "long").format(atNoon(w.closes))
    }))
    const regionName = new Intl.DisplayNames([intl], { type: "region", fallback: "code" }).of(site.country) ?? site.country
    const languageName = (l: string): string => new Intl.DisplayNames([intl], { type: "language", fallback: "code" }).of(languageOf(l)) ?? l
    const voteBlocks: Array<VoteBlock> = blocks.filter((b) => b.kind === "vote").map((b, i) => ({ id: b.id, title: b.title, start: b.start, number: i + 1 }))
    const emptyBallots = { questions: [], origin: new Map() }
    const sheets = voteSheetsOf(input.ballots?.ballots ?? emptyBallots, voteBlocks, messages.resolution.requested, this.dialogue.source_locale, new Intl.NumberFormat(intl))
    const voteDocs = sheets.votes.flatMap((v) => [
      ...(v.ballot === undefined ? [] : [{ id: v.ballot.doc, file: v.ballot.file, title: t("documents.ballot", { number: v.block.number }) }]),
      ...(v.tally === undefined ? [] : [{ id: v.tally.doc, file: v.tally.file, title: t("documents.tally_sheet", { number: v.block.number }) }]),
      ...(v.recommendations === undefined ? [] : [{ id: v.recommendations.doc, file: v.recommendations.file, title: t("documents.recommendations_sheet", { number: v.block.number }) }])
    ])
    const docs = [
      { id: "index", file: "index.html", title: t("documents.index") },
      { id: "facilitator-guide", file: "facilitator-guide.html", title: t("documents.facilitator_guide") },
      { id: "participant-booklet", file: "participant-booklet.html", title: t("documents.participant_booklet") },
      { id: "agenda", file: "agenda.html", title: t("documents.agenda") },
      { id: "consent-form", file: "consent-form.html", title: t("documents.consent_form") },
      ...waves.map((w) => ({ id: `questionnaire-${w.id}`, file: `questionnaire-${w.id}.html`, title: t("documents.questionnaire", { wave: w.id }) })),
      ...organiserWaves(input, waves).map((w) => ({ id: `organiser-questionnaire-${w.id}`, file: `organiser-questionnaire-${w.id}.html`, title: t("documents.organiser_questionnaire", { wave: w.id }) })),
      { id: "invitation-letter", file: "invitation-letter.html", title: t("documents.invitation_letter") },
      ...voteDocs
    ]
    const r = messages.resolution
    // a note when some messages are in another language than the site's
    const main = r.fallbacks.find((f) => languageOf(f.locale) !== languageOf(r.requested))
    const offset = plan.blocks[0]?.utc_offset ?? ""
    const prefixed = (prefix: string): Array<string> =>
      [...r.messages.keys()].filter((k) => k.startsWith(prefix)).map((k) => t(k))
    return {
      __messages: messages,
      lang: r.used === r.requested ? r.requested : intl,
      dir,
      script: SCRIPT_OF[languageOf(r.used)] ?? "latin",
      locale: r.requested,
      language_name: languageName(r.used),
      fallback: main === undefined ? null : { language: languageName(r.requested), fallback: languageName(main.locale), keys: main.keys },
      dialogue: {
        id: this.dialogue.id,
        title: this.dialogue.title,
        // the site's own date (a national dialogue on another day, a mirror) when it has one
        date: longDate.format(atNoon(plan.date ?? this.dialogue.deliberation_day.date)),
        own_date: plan.date !== undefined
      },
      topic_name: optional("topic.name", this.dialogue.title),
      topic_points: prefixed("topic.background_points."),
      site: { ...site, country_name: regionName, offset, format_key: site.format.replace(/-/g, "_") },
      fellow: fellowOf(input),
      counts: input.counts,
      day: { start: blocks[0]?.start ?? "", end: blocks.at(-1)?.end ?? "" },
      blocks,
      moments,
      waves,
      docs,
      votes: sheets.votes,
      vote_docs: voteDocs,
      sheets,
      consent_items: prefixed("consent.items."),
      blank_rows: Array.from({ length: 20 }, (_, i) => i + 1),
      calendar: input.storedPlan === undefined ? null : { file: "calendar.ics" }
    }
  }

  /** The printed questions of one wave, from every instrument of these respondents, in the kit's language. */
  private questions(input: KitInput, wave: string, messages: Messages, locale: string, respondents: Respondents) {
    const instruments = (input.instruments ?? []).filter((i) => respondentsOf(i.instrument) === respondents)
    if (instruments.length === 0) return null
    const t = (key: string, values: Record<string, unknown> = {}): string => messages.format(key, values)
    const number = new Intl.NumberFormat(messages.intl)
    let n = 0
    const out: Array<Record<string, unknown>> = []
    for (const { instrument } of instruments) {
      for (const q of questionsFor(instrument, wave as WaveId) as Array<Question>) {
        n++
        const label = (labels: Record<string, string>): string => labelIn(labels, locale, instrument)
        const base = { number: number.format(n), id: q.id, type: q.type, label: label(q.label), required: q.required === true }
        switch (q.type) {
          case "likert5":
          case "likert7": {
            const points = q.type === "likert5" ? 5 : 7
            const key = q.type === "likert5" ? "questionnaire.likert" : "questionnaire.likert7"
            out.push({ ...base, options: Array.from({ length: points }, (_, i) => ({ label: t(`${key}.${i + 1}`) })) })
            break
          }
          case "scale":
            out.push({ ...base, min: number.format(0), max: number.format(10), points: Array.from({ length: 11 }, (_, i) => number.format(i)) })
            break
          case "number":
            out.push({ ...base, min: number.format(q.min), max: number.format(q.max) })
            break
          case "text":
            out.push(base)
            break
          default:
            out.push({ ...base, options: q.options.map((o) => ({ label: label(o.label) })) })
        }
      }
    }
    return out.length === 0 ? null : out
  }

  /** The locale a site's kit is written in, its direction and where Intl formats. */
  localeOf(input: KitInput): KitLocale {
    const r = this.resolution(input.site.id, input.locale ?? input.site.locale)
    const intl = intlLocaleFor(r.requested, r.used)
    return { requested: r.requested, used: r.used, intl, dir: directionOf(r.used), fallbacks: r.fallbacks, missing: r.missing }
  }

  /** Renders one site's kit. Throws {@link InputError} when a template is broken. */
  render(input: KitInput): RenderedKit {
    const set = this.setFor(input.site.id)
    const locale = this.localeOf(input)
    const resolution = this.resolution(input.site.id, locale.requested)
    const messages = new Messages(resolution, locale.intl)
    const context = this.context(input, messages, locale.dir)
    const files: Array<KitFile> = []
    const html = (name: string, template: string, extra: Record<string, unknown>): void => {
      const doc = context.docs.find((d) => d.id === name)!
      const out = set.documents.get(template)!({ ...context, ...extra, doc }, {
        allowProtoPropertiesByDefault: false
      })
      files.push({ path: `${name}.html`, content: utf8.encode(out.replace(/\n{3,}/g, "\n\n")) })
    }
    html("index", "index", {})
    html("facilitator-guide", "facilitator-guide", {})
    html("participant-booklet", "participant-booklet", {})
    html("agenda", "agenda", {})
    html("consent-form", "consent-form", {})
    for (const wave of context.waves) html(`questionnaire-${wave.id}`, "questionnaire", { wave, questions: this.questions(input, wave.id, messages, locale.requested, "participants") })
    for (const wave of organiserWaves(input, context.waves)) {
      html(`organiser-questionnaire-${wave.id}`, "organiser-questionnaire", {
        wave,
        questions: this.questions(input, wave.id, messages, locale.requested, "organisers"),
        organisers: (input.organisers ?? []).map((o) => ({ ...o, role: messages.format(`organiser_questionnaire.role.${o.kind}`, {}) }))
      })
    }
    html("invitation-letter", "invitation-letter", {})
    for (const sheet of context.sheets.ballots) html(sheet.doc, "ballot", { sheet })
    for (const sheet of context.sheets.tallies) html(sheet.doc, "tally-sheet", { sheet })
    for (const sheet of context.sheets.recommendations) html(sheet.doc, "recommendations", { sheet })
    if (input.storedPlan !== undefined) {
      files.push({
        path: "calendar.ics",
        // LOCATION, titles and descriptions from this kit's own messages: the calendar says what the kit says
        content: utf8.encode(siteCalendar(input.storedPlan, input.plan, { dialogueId: this.dialogue.id, title: this.dialogue.title, sites: new Map([[input.site.id, calendarSiteOf(input.site, messages)]]) }))
      })
    }
    const fonts = fontsFor(locale.used)
    files.push({ path: "assets/kit.css", content: utf8.encode(fonts.css + set.css) })
    files.push(...fonts.files)
    const { inputs, inputsHash } = this.inputsOf(input)
    return { site: input.site.id, files, locale: { ...locale, missing: [...messages.missing].sort() }, inputs, inputsHash }
  }

  /**
   * The hashes of everything a site's kit is made from, without rendering it: equal hashes
   * give equal kits, so a build can skip the site.
   */
  inputsOf(input: KitInput): { readonly inputs: RenderedKit["inputs"]; readonly inputsHash: string } {
    const set = this.setFor(input.site.id)
    const locale = this.localeOf(input)
    const resolution = this.resolution(input.site.id, locale.requested)
    const catalogs: Record<string, string> = {}
    const allHashes = new Map([
      ...this.sources.builtIn.catalogHashes,
      ...this.sources.workspace.catalogHashes,
      ...(this.sources.sites.get(input.site.id)?.catalogHashes ?? [])
    ])
    let usedFiles = this.usedFiles.get(resolution)
    if (usedFiles === undefined) {
      usedFiles = new Set([...resolution.messages.values()].map((e) => e.file))
      this.usedFiles.set(resolution, usedFiles)
    }
    for (const [file, hash] of [...allHashes].sort(([a], [b]) => (a < b ? -1 : 1))) if (usedFiles.has(file)) catalogs[file] = hash
    const inputs = {
      format: String(KIT_FORMAT),
      locale: locale.requested,
      dialogue: this.dialogueHash,
      site: sha256(JSON.stringify(hashedSite(input.site))),
      fellow: sha256(JSON.stringify(input.fellow === undefined ? null : fellowOf(input))),
      schedule: sha256(JSON.stringify({ plan: input.plan, moments: input.moments, calendar: input.storedPlan !== undefined, counts: input.counts })),
      templates: set.hash,
      catalogs,
      instruments: Object.fromEntries((input.instruments ?? []).map((i) => [i.file, i.sha256])),
      organisers: sha256(JSON.stringify(input.organisers ?? [])),
      ballots: input.ballots?.sha256 ?? NO_BALLOTS
    }
    return { inputs, inputsHash: sha256(JSON.stringify(inputs)) }
  }

  /**
   * Renders a mail from `templates/mail/<name>.{html,text}.hbs` in a site's locale: the subject
   * from the catalog key `mail.<name>.subject`.
   */
  renderMail(name: string, input: KitInput, values: Record<string, unknown>): { subject: string; html: string; text: string; locale: KitLocale } {
    const set = this.setFor(input.site.id)
    const locale = this.localeOf(input)
    const messages = new Messages(this.resolution(input.site.id, locale.requested), locale.intl)
    const context = { ...this.context(input, messages, locale.dir), ...values }
    const subject = messages.format(`mail.${name}.subject`, { site: input.site.name, dialogue: this.dialogue.title })
    const html = set.mail.get(`${name}.html`)
    const text = set.mail.get(`${name}.text`)
    if (html === undefined || text === undefined) throw new InputError({ summary: `The mail templates mail/${name}.html.hbs and mail/${name}.text.hbs are needed.`, problems: [] })
    return { subject, html: html({ ...context, subject }), text: text({ ...context, subject }), locale }
  }

  /**
   * The messages of a site (its own catalogs first) in a locale, for pages and mails that are
   * not part of a kit: survey forms and invitations.
   */
  messagesFor(siteId: string, locale: string): { readonly messages: Messages; readonly lang: string; readonly dir: "ltr" | "rtl"; readonly used: string } {
    const r = this.resolution(siteId, locale)
    // one per resolution: its compiled ICU messages are reused by every page and mail
    let found = this.localized.get(r)
    if (found === undefined) {
      const intl = intlLocaleFor(r.requested, r.used)
      found = { messages: new Messages(r, intl), lang: r.used === r.requested ? r.requested : intl, dir: directionOf(r.used), used: r.used }
      this.localized.set(r, found)
    }
    return found
  }

  /**
   * Renders `templates/<kind>/<name>.hbs` (kind "survey", or "mail" with `.html`/`.text`
   * names) for a site in a locale, with `values` as its context; `{{t}}` reads the messages.
   */
  renderPage(kind: "survey" | "mail", name: string, siteId: string, locale: string, values: Record<string, unknown>): string {
    const set = this.setFor(siteId)
    const template = (kind === "survey" ? set.survey : set.mail).get(name)
    if (template === undefined) throw new InputError({ summary: `The template templates/${kind}/${name}.hbs is missing.`, problems: [] })
    const { messages, lang, dir } = this.messagesFor(siteId, locale)
    return template({ lang, dir, script: SCRIPT_OF[languageOf(messages.resolution.used)] ?? "latin", ...values, __messages: messages })
  }

  /** Whether the site has a folder of its own overrides. */
  hasOverrides(siteId: string): boolean {
    return hasSiteOverrides(this.sources, siteId)
  }
}
