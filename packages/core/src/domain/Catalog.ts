/**
 * Message catalogs for the kits: ICU MessageFormat strings per locale, in layers (convene's
 * built-ins, the workspace, one site), resolved along the locale's fallback chain
 * (`fr-SN` → `fr` → the dialogue's source locale). Pure: files are read elsewhere.
 */
import { IntlMessageFormat } from "intl-messageformat"
import { isMap, isScalar, LineCounter, type Node as YamlNode } from "yaml"
import { InputError, type Problem } from "./Errors.js"
import { canonicalLocale } from "./Values.js"
import { checkYamlSize, MAX_YAML_DEPTH, parseYaml } from "./Yaml.js"
import { counted } from "./Plural.js"

/** One message of a catalog and where it was written. */
export interface CatalogEntry {
  readonly text: string
  readonly file: string
  readonly line: number
}

/** The messages of one locale from one file, by dotted key (`guide.heading`). */
export interface Catalog {
  readonly locale: string
  readonly file: string
  /** Where the catalog comes from: `built-in`, `workspace` or `site`. */
  readonly layer: CatalogLayer
  readonly entries: ReadonlyMap<string, CatalogEntry>
}

/** The layers of templates and catalogs, from the most specific. */
export type CatalogLayer = "site" | "workspace" | "built-in"

/**
 * Parses a catalog file: YAML whose nested keys join with dots and whose leaves are ICU
 * messages. Every message is checked for ICU syntax; problems name the file and line.
 * Throws {@link InputError}.
 *
 * @example
 * parseCatalog("guide:\n  heading: Facilitator guide\n", "en.yaml", "en", "built-in")
 *   .entries.get("guide.heading")?.text // "Facilitator guide"
 */
export const parseCatalog = (text: string, file: string, locale: string, layer: CatalogLayer): Catalog => {
  checkYamlSize(text, file, "a message catalog")
  const lineCounter = new LineCounter()
  const doc = parseYaml(text, file, { lineCounter, uniqueKeys: true })
  const problems: Array<Problem> = []
  // a hostile file has thousands of syntax errors: the first twenty say enough
  for (const e of doc.errors.slice(0, 20)) {
    const at = lineCounter.linePos(e.pos[0])
    problems.push({ file, line: at.line, column: at.col, message: e.message.split("\n")[0]! })
  }
  const entries = new Map<string, CatalogEntry>()
  const lineOf = (node: YamlNode | null | undefined): number =>
    node?.range === undefined || node.range === null ? 1 : lineCounter.linePos(node.range[0]).line
  const walk = (node: unknown, prefix: string, depth: number): void => {
    if (isMap(node)) {
      if (depth > MAX_YAML_DEPTH) {
        problems.push({ file, line: lineOf(node as YamlNode), field: prefix, message: `expected groups of messages nested at most ${MAX_YAML_DEPTH} deep` })
        return
      }
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
        walk(pair.value, prefix === "" ? key : `${prefix}.${key}`, depth + 1)
      }
      return
    }
    const line = lineOf(node as YamlNode)
    if (!isScalar(node) || (typeof node.value !== "string" && typeof node.value !== "number")) {
      problems.push({ file, line, field: prefix, message: "expected a message (text) or a group of messages" })
      return
    }
    const message = String(node.value)
    const syntax = checkMessage(message, locale)
    if (syntax !== undefined) problems.push({ file, line, field: prefix, message: `not a valid ICU message: ${syntax}` })
    entries.set(prefix, { text: message, file, line })
  }
  if (doc.errors.length === 0 && doc.contents !== null) {
    if (!isMap(doc.contents)) problems.push({ file, line: 1, message: "expected a mapping of keys to messages" })
    else walk(doc.contents, "", 0)
  }
  if (problems.length > 0) throw new InputError({ summary: `The catalog ${file} has ${counted(problems.length, "problem")}.`, problems })
  return { locale, file, layer, entries }
}

/** Why an ICU message does not parse, or undefined when it does. */
export const checkMessage = (message: string, locale: string): string | undefined => {
  try {
    new IntlMessageFormat(message, locale)
    return undefined
  } catch (e) {
    return e instanceof Error ? e.message : String(e)
  }
}

/** The argument names an ICU message uses, e.g. `["count", "site"]`. */
export const messageArguments = (message: string): Array<string> => {
  const names = new Set<string>()
  const walk = (elements: ReadonlyArray<unknown>): void => {
    for (const el of elements as Array<Record<string, unknown>>) {
      if (typeof el["value"] === "string" && el["type"] !== 0) names.add(el["value"])
      const options = el["options"] as Record<string, { value: ReadonlyArray<unknown> }> | undefined
      if (options !== undefined) for (const o of Object.values(options)) walk(o.value)
      if (Array.isArray(el["children"])) walk(el["children"] as Array<unknown>)
    }
  }
  try {
    walk(new IntlMessageFormat(message, "en").getAst() as ReadonlyArray<unknown>)
  } catch {
    // syntax errors are reported by checkMessage
  }
  return [...names].sort()
}

/**
 * The locales to look in, from the most specific: the locale itself, each shorter prefix, then
 * the source locale and its prefixes.
 *
 * @example
 * fallbackChain("fr-SN", "en") // ["fr-SN", "fr", "en"]
 * fallbackChain("zh-Hant-TW", "en-GB") // ["zh-Hant-TW", "zh-Hant", "zh", "en-GB", "en"]
 */
export const fallbackChain = (locale: string, sourceLocale: string): Array<string> => {
  const chain: Array<string> = []
  const add = (tag: string): void => {
    const canonical = canonicalLocale(tag) ?? tag
    const parts = canonical.split("-")
    for (let n = parts.length; n >= 1; n--) {
      const t = parts.slice(0, n).join("-")
      if (!chain.includes(t)) chain.push(t)
    }
  }
  add(locale)
  add(sourceLocale)
  return chain
}

const LAYERS: ReadonlyArray<CatalogLayer> = ["site", "workspace", "built-in"]

/** Catalogs of every layer, found by locale and layer. */
export class CatalogSet {
  private readonly byLocale = new Map<string, Map<CatalogLayer, Catalog>>()

  constructor(readonly catalogs: ReadonlyArray<Catalog>) {
    for (const c of catalogs) {
      const layers = this.byLocale.get(c.locale) ?? new Map<CatalogLayer, Catalog>()
      layers.set(c.layer, c)
      this.byLocale.set(c.locale, layers)
    }
  }

  /** The locales with at least one catalog. */
  locales(): Array<string> {
    return [...this.byLocale.keys()].sort()
  }

  /** The catalog of one locale and layer, if any. */
  get(locale: string, layer: CatalogLayer): Catalog | undefined {
    return this.byLocale.get(locale)?.get(layer)
  }

  /** Every key any layer of `locale` defines. */
  keysOf(locale: string): Set<string> {
    const keys = new Set<string>()
    for (const c of this.byLocale.get(locale)?.values() ?? []) for (const k of c.entries.keys()) keys.add(k)
    return keys
  }

  /** A copy with more catalogs (e.g. one site's), which take precedence in their layer. */
  with(more: ReadonlyArray<Catalog>): CatalogSet {
    return more.length === 0 ? this : new CatalogSet([...this.catalogs, ...more])
  }
}

/** Where the messages for one locale came from. */
export interface Resolution {
  /** The locale asked for, e.g. `fr-SN`. */
  readonly requested: string
  /** The most specific locale of the chain with any catalog, e.g. `fr`. */
  readonly used: string
  readonly chain: ReadonlyArray<string>
  /** Per key, the message and the locale and file that supplied it. */
  readonly messages: ReadonlyMap<string, CatalogEntry & { readonly locale: string }>
  /** Keys of the source locale that no locale of the chain before the source has, by the locale that supplied them. */
  readonly fallbacks: ReadonlyArray<{ readonly locale: string; readonly keys: number }>
  /** Keys that no catalog has at all. */
  readonly missing: ReadonlyArray<string>
}

/**
 * Resolves every key of the source locale along `locale`'s fallback chain: for each locale of
 * the chain, the site's catalog, then the workspace's, then the built-in one.
 *
 * @example
 * const r = resolveMessages(set, "fr-SN", "en")
 * r.used // "fr"; r.fallbacks // [{ locale: "fr", keys: 120 }] when fr-SN has no catalog
 */
export const resolveMessages = (set: CatalogSet, locale: string, sourceLocale: string): Resolution => {
  const chain = fallbackChain(locale, sourceLocale)
  const sourceKeys = new Set<string>()
  for (const l of fallbackChain(sourceLocale, sourceLocale)) for (const k of set.keysOf(l)) sourceKeys.add(k)
  for (const l of chain) for (const k of set.keysOf(l)) sourceKeys.add(k)
  const messages = new Map<string, CatalogEntry & { locale: string }>()
  const supplied = new Map<string, number>()
  const missing: Array<string> = []
  // keys keep the order of the source catalogs, so that lists (consent items) read as written
  for (const key of sourceKeys) {
    let found = false
    for (const l of chain) {
      for (const layer of LAYERS) {
        const entry = set.get(l, layer)?.entries.get(key)
        if (entry !== undefined) {
          messages.set(key, { ...entry, locale: l })
          supplied.set(l, (supplied.get(l) ?? 0) + 1)
          found = true
          break
        }
      }
      if (found) break
    }
    if (!found) missing.push(key)
  }
  const used = chain.find((l) => set.keysOf(l).size > 0) ?? chain.at(-1)!
  const fallbacks = chain.filter((l) => l !== locale && supplied.has(l)).map((l) => ({ locale: l, keys: supplied.get(l)! }))
  return { requested: locale, used, chain, messages, fallbacks, missing }
}

/** How complete one locale's translation is, against the source locale. */
export interface Coverage {
  readonly locale: string
  /** Share of the source keys that the locale (or a more general form of it) translates, 0–100. */
  readonly percent: number
  readonly translated: number
  readonly total: number
  readonly missing: ReadonlyArray<string>
  /** Keys the locale has that the source does not: stale or misspelt. */
  readonly extra: ReadonlyArray<{ readonly key: string; readonly file: string; readonly line: number }>
  /** Messages whose ICU arguments differ from the source's, e.g. `{count}` missing. */
  readonly mismatched: ReadonlyArray<{ readonly key: string; readonly file: string; readonly line: number; readonly message: string }>
}

/**
 * The coverage of `locale` against `sourceLocale`: what it translates itself or through a
 * more general form of itself (fr-SN through fr), before falling back to the source.
 */
export const coverageOf = (set: CatalogSet, locale: string, sourceLocale: string): Coverage => {
  const sourceChain = fallbackChain(sourceLocale, sourceLocale)
  const own = fallbackChain(locale, sourceLocale).filter((l) => !sourceChain.includes(l))
  const sourceKeys = new Set<string>()
  for (const l of sourceChain) for (const k of set.keysOf(l)) sourceKeys.add(k)
  const total = sourceKeys.size
  const lookup = (key: string, locales: ReadonlyArray<string>): CatalogEntry | undefined => {
    for (const l of locales) for (const layer of LAYERS) {
      const e = set.get(l, layer)?.entries.get(key)
      if (e !== undefined) return e
    }
    return undefined
  }
  const missing: Array<string> = []
  const mismatched: Array<{ key: string; file: string; line: number; message: string }> = []
  let translated = 0
  for (const key of [...sourceKeys].sort()) {
    const entry = sourceChain.includes(locale) ? lookup(key, [locale]) ?? lookup(key, sourceChain) : lookup(key, own)
    if (entry === undefined) {
      missing.push(key)
      continue
    }
    translated++
    const source = lookup(key, sourceChain)!
    const want = messageArguments(source.text).join(",")
    const got = messageArguments(entry.text).join(",")
    if (want !== got) mismatched.push({ key, file: entry.file, line: entry.line, message: `uses {${got}} where the source uses {${want}}` })
  }
  const extra: Array<{ key: string; file: string; line: number }> = []
  for (const layer of LAYERS) {
    const c = set.get(locale, layer)
    if (c === undefined) continue
    for (const [key, e] of c.entries) if (!sourceKeys.has(key)) extra.push({ key, file: e.file, line: e.line })
  }
  return { locale, percent: total === 0 ? 100 : Math.floor((translated / total) * 1000) / 10, translated, total, missing, extra, mismatched }
}

/** Raises an {@link InputError} listing problems, when there are any. */
export const failOnProblems = (summary: string, problems: ReadonlyArray<Problem>): void => {
  if (problems.length > 0) throw new InputError({ summary, problems })
}
