/**
 * The four registries of a dialogue — coalition partners, fellows, sites and participants —
 * as schemas, plus the column descriptions that turn a CSV record or a database row into an
 * entity and back. Pure: the store and the import workflow use these.
 */
import * as Schema from "effect/Schema"
import * as SchemaGetter from "effect/SchemaGetter"
import * as SchemaIssue from "effect/SchemaIssue"
import { type CsvRecord, formatCsv, parseCsv, restoreCsvCell } from "./Csv.js"
import type { Problem } from "./Errors.js"
import { CountryCode, Email, isLocale, LocalDate, LocalTime, Locale, Slug, TimeZone } from "./Values.js"
import { plural } from "./Plural.js"

// a NUL byte is refused by the database and any other control character but a line break
// or a tab is noise: refused here, where the file and line are known
const noControl = () => Schema.isPattern(/^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/, { message: "expected text without control characters (such as a NUL byte)" })

const Text = (max: number) =>
  Schema.String.check(
    Schema.isNonEmpty({ message: "expected a value" }),
    Schema.isMaxLength(max, { message: `expected at most ${max} characters` }),
    noControl()
  )

/** A name: text on one line, since names go into mail headers and subjects, calendars and file names. */
const Name = (max: number) =>
  Text(max).check(Schema.isPattern(/^[^\r\n\t]*$/, { message: "expected a name on one line (without a line break or a tab)" }))

/** A coalition partner's id, e.g. `"missions-publiques"`. */
export const PartnerId = Slug.pipe(Schema.brand("PartnerId"))
export type PartnerId = typeof PartnerId.Type
/** A fellow's id, e.g. `"f-sn-diallo"`. */
export const FellowId = Slug.pipe(Schema.brand("FellowId"))
export type FellowId = typeof FellowId.Type
/** A site's id, e.g. `"sn-dakar"`. */
export const SiteId = Slug.pipe(Schema.brand("SiteId"))
export type SiteId = typeof SiteId.Type
/** A participant's id, e.g. `"p-sn-dakar-001"`. */
export const ParticipantId = Slug.pipe(Schema.brand("ParticipantId"))
export type ParticipantId = typeof ParticipantId.Type

/** The kinds of organisation a coalition brings together. */
export const PartnerKind = Schema.Literals([
  "un-agency",
  "government",
  "foundation",
  "ngo",
  "academic",
  "business",
  "media",
  "network"
])
export type PartnerKind = typeof PartnerKind.Type

/** How a site meets: face to face, online, both, or a self-organised mirror dialogue. */
export const SiteFormat = Schema.Literals(["in-person", "online", "hybrid", "mirror"])
export type SiteFormat = typeof SiteFormat.Type

/** A participant's role in the evaluation: `panel` (deliberates), `control` (answers the waves only) or `mirror`. */
export const ParticipantRole = Schema.Literals(["panel", "control", "mirror"])
export type ParticipantRole = typeof ParticipantRole.Type

/** Why a site meets on its own date: `national` (a national dialogue on another day) or `mirror` (a mirror dialogue, later). */
export const SiteDateReason = Schema.Literals(["national", "mirror"])
export type SiteDateReason = typeof SiteDateReason.Type

/** Seats at a site: a whole number from 1 to 10,000. */
export const Capacity = Schema.Number.check(
  Schema.isInt({ message: "expected a whole number" }),
  Schema.isBetween({ minimum: 1, maximum: 10000 }, { message: "expected a whole number from 1 to 10000" })
)

const Website = Schema.String.check(
  noControl(),
  Schema.makeFilter((s: string) =>
    (/^https?:\/\//.test(s) && URL.canParse(s)) || `expected a web address starting with https://, got ${JSON.stringify(s)}`
  )
)

/** Space-separated BCP 47 locales a site also works in besides its own, e.g. `"wo-SN en"`: its kit is built in each. */
export const OtherLocales = Schema.String.check(
  Schema.makeFilter((s: string) => {
    const tags = s.split(/\s+/).filter((t) => t !== "")
    const bad = tags.filter((t) => !isLocale(t))
    if (tags.length === 0) return "expected at least one BCP 47 locale"
    return bad.length === 0 || `expected space-separated BCP 47 locales such as "wo-SN en", got ${JSON.stringify(bad.join(" "))}`
  })
)

/** The other locales of a site as a list (none when the column is empty). */
export const otherLocalesOf = (site: { readonly other_locales?: string | undefined }): Array<string> => (site.other_locales ?? "").split(/\s+/).filter((t) => t !== "")

/** Space-separated BCP 47 tags of the languages a fellow works in, e.g. `"fr wo en"`. */
export const Languages = Schema.String.check(
  Schema.makeFilter((s: string) => {
    const tags = s.split(/\s+/).filter((t) => t !== "")
    const bad = tags.filter((t) => !isLocale(t))
    if (tags.length === 0) return "expected at least one BCP 47 language tag"
    return bad.length === 0 || `expected space-separated BCP 47 language tags such as "fr wo", got ${JSON.stringify(bad.join(" "))}`
  })
)

/** The letters of generated participant codes: no look-alikes (0/O, 1/I/L). */
export const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

/**
 * A participant code as stored and compared: without surrounding spaces, in upper case. Every
 * way a code comes in (registry import and `add`, paper and Kobo answers, the simulation) goes
 * through this one function, so `abcd-lower-1` in the registry matches `ABCD-LOWER-1` on paper.
 *
 * @example
 * normaliseParticipantCode(" k7m2-p9qx ") // "K7M2-P9QX"
 */
export const normaliseParticipantCode = (code: string): string => code.trim().replace(/[a-z]+/g, (letters) => letters.toUpperCase())

/**
 * A pseudonymous participant code that links a person's survey answers across waves: 4 to 32
 * letters, digits or dashes, normalised on decode ({@link normaliseParticipantCode}).
 *
 * @example
 * Schema.decodeUnknownSync(ParticipantCode)("abcd-lower-1") // "ABCD-LOWER-1"
 */
export const ParticipantCode = Schema.String.pipe(
  Schema.decodeTo(
    Schema.String.check(Schema.isPattern(/^[A-Z0-9-]{4,32}$/, { message: "expected a code of 4 to 32 letters, digits or dashes" })),
    { decode: SchemaGetter.transform(normaliseParticipantCode), encode: SchemaGetter.passthrough() }
  ),
  Schema.brand("ParticipantCode")
)
export type ParticipantCode = typeof ParticipantCode.Type

const Category = Schema.String.check(Schema.isMaxLength(64, { message: "expected at most 64 characters" }), noControl())

/**
 * A member of the coalition that frames the debate and its impact strategy.
 *
 * @example
 * Schema.decodeUnknownSync(CoalitionPartner)({ id: "unesco", name: "UNESCO", kind: "un-agency" })
 */
export const CoalitionPartner = Schema.Struct({
  id: PartnerId,
  name: Name(200),
  kind: PartnerKind,
  country: Schema.optionalKey(CountryCode),
  website: Schema.optionalKey(Website),
  contact_email: Schema.optionalKey(Email)
})
export type CoalitionPartner = typeof CoalitionPartner.Type

/**
 * A Global Fellow: the local partner who adapts the method and runs one or more sites.
 *
 * @example
 * Schema.decodeUnknownSync(Fellow)({ id: "f-sn-diallo", name: "Awa Diallo", email: "awa@example.org", country: "SN", languages: "fr wo" })
 */
export const Fellow = Schema.Struct({
  id: FellowId,
  name: Name(200),
  email: Email,
  country: CountryCode,
  languages: Languages,
  organisation: Schema.optionalKey(Text(200))
})
export type Fellow = typeof Fellow.Type

/**
 * A site: one local assembly of 50 to 200 citizens, in its own time zone and language.
 *
 * @example
 * Schema.decodeUnknownSync(Site)({
 *   id: "sn-dakar", name: "Dakar assembly", city: "Dakar", country: "SN", timezone: "Africa/Dakar",
 *   locale: "fr-SN", capacity: 100, format: "in-person", fellow_email: "awa@example.org"
 * })
 */
export const Site = Schema.Struct({
  id: SiteId,
  name: Name(200),
  city: Text(120),
  country: CountryCode,
  timezone: TimeZone,
  locale: Locale,
  capacity: Capacity,
  format: SiteFormat,
  /** The fellow who runs the site; absent only for a self-registered mirror (`date_reason: mirror`), whose organiser's contact stays with its registration. */
  fellow_email: Schema.optionalKey(Email),
  start_local: Schema.optionalKey(LocalTime),
  /** The site's own date, when it does not meet on the dialogue's global day (with a reason). */
  date: Schema.optionalKey(LocalDate),
  /** Why the site meets on its own date: a national dialogue on another day, or a mirror dialogue. */
  date_reason: Schema.optionalKey(SiteDateReason),
  /** The other locales the site works in (e.g. Dakar: `wo-SN en` besides fr-SN): its kit is built in each. */
  other_locales: Schema.optionalKey(OtherLocales)
}).check(Schema.makeFilter((s) => {
  const issues: Array<Schema.FilterIssue> = []
  if ((s.date === undefined) !== (s.date_reason === undefined)) {
    issues.push(s.date === undefined ? { path: ["date"], issue: "expected a date: date_reason is given for a site's own date" } : { path: ["date_reason"], issue: "expected a reason for the site's own date: national or mirror" })
  }
  // only a self-registered mirror dialogue runs without a fellow
  if (s.fellow_email === undefined && s.date_reason !== "mirror") {
    issues.push({ path: ["fellow_email"], issue: "expected a value (email of the fellow who runs the site; only a mirror dialogue, with date_reason mirror, may have none)" })
  }
  return issues
}))
export type Site = typeof Site.Type

/**
 * A participant. `email` is contact data: it is kept for invitations only and never exported
 * with answers. `code` is the pseudonym that links survey waves; it is generated when empty.
 */
export const Participant = Schema.Struct({
  id: ParticipantId,
  site_id: SiteId,
  code: Schema.optionalKey(ParticipantCode),
  locale: Schema.optionalKey(Locale),
  email: Schema.optionalKey(Email),
  gender: Schema.optionalKey(Category),
  age_band: Schema.optionalKey(Category),
  education: Schema.optionalKey(Category),
  residence: Schema.optionalKey(Category),
  /**
   * Their role in the evaluation: `panel` (the default: they deliberate), `control` (they answer
   * the same waves but do not deliberate: the report's comparison group) or `mirror`.
   */
  role: Schema.optionalKey(ParticipantRole)
})
export type Participant = typeof Participant.Type

/** A column of a registry: its CSV header, its SQL type, and what a person should put there. */
export interface Column {
  readonly name: string
  readonly type: "text" | "integer"
  readonly required: boolean
  readonly doc: string
}

/** A value that must be unique across the registry (besides the id). */
export interface UniqueColumn {
  readonly column: string
}

/** A column whose value must name an existing record of another registry. */
export interface Reference {
  readonly column: string
  readonly registry: RegistryName
  readonly target: string
}

/** The names of the four registries, as used on the command line. */
export const RegistryName = Schema.Literals(["coalition", "fellows", "sites", "participants"])
export type RegistryName = typeof RegistryName.Type

/** Everything the generic import, export and store code needs to know about one registry. */
export interface Registry<A extends { readonly id: string }> {
  readonly name: RegistryName
  readonly table: "coalition_partners" | "fellows" | "sites" | "participants"
  /** Singular noun for messages: "site". */
  readonly noun: string
  readonly schema: Schema.Codec<A, unknown>
  readonly columns: ReadonlyArray<Column>
  readonly unique: ReadonlyArray<UniqueColumn>
  readonly references: ReadonlyArray<Reference>
  /** Columns shown by `list`, in order. */
  readonly listColumns: ReadonlyArray<string>
}

const col = (name: string, doc: string, options: { type?: "integer"; optional?: true } = {}): Column => ({
  name,
  type: options.type ?? "text",
  required: options.optional !== true,
  doc
})

/** Coalition partners. */
export const coalitionRegistry: Registry<CoalitionPartner> = {
  name: "coalition",
  table: "coalition_partners",
  noun: "coalition partner",
  schema: CoalitionPartner as Schema.Codec<CoalitionPartner, unknown>,
  columns: [
    col("id", "lowercase id, e.g. missions-publiques"),
    col("name", "organisation name"),
    col("kind", "un-agency, government, foundation, ngo, academic, business, media or network"),
    col("country", "ISO 3166-1 alpha-2 code; empty for international organisations", { optional: true }),
    col("website", "https:// address", { optional: true }),
    col("contact_email", "contact address", { optional: true })
  ],
  unique: [],
  references: [],
  listColumns: ["id", "kind", "country", "name"]
}

/** Global Fellows. */
export const fellowsRegistry: Registry<Fellow> = {
  name: "fellows",
  table: "fellows",
  noun: "fellow",
  schema: Fellow as Schema.Codec<Fellow, unknown>,
  columns: [
    col("id", "lowercase id, e.g. f-sn-diallo"),
    col("name", "full name"),
    col("email", "email address; sites name their fellow by it"),
    col("country", "ISO 3166-1 alpha-2 code"),
    col("languages", "space-separated BCP 47 tags, e.g. fr wo"),
    col("organisation", "the fellow's organisation", { optional: true })
  ],
  unique: [{ column: "email" }],
  references: [],
  listColumns: ["id", "country", "languages", "email", "name"]
}

/** Sites. */
export const sitesRegistry: Registry<Site> = {
  name: "sites",
  table: "sites",
  noun: "site",
  schema: Site as Schema.Codec<Site, unknown>,
  columns: [
    col("id", "lowercase id, e.g. sn-dakar"),
    col("name", "the site's name"),
    col("city", "city or place"),
    col("country", "ISO 3166-1 alpha-2 code"),
    col("timezone", "IANA time zone, e.g. Africa/Dakar"),
    col("locale", "BCP 47 locale of the dialogue, e.g. fr-SN"),
    col("capacity", "number of seats, 1 to 10000", { type: "integer" }),
    col("format", "in-person, online, hybrid or mirror"),
    col("fellow_email", "email of the fellow who runs the site (empty only for a mirror dialogue, date_reason mirror)"),
    col("start_local", "local start HH:MM; empty for the dialogue's default", { optional: true }),
    col("date", "the site's own date YYYY-MM-DD; empty for the dialogue's global day", { optional: true }),
    col("date_reason", "why the site has its own date: national or mirror (with date)", { optional: true }),
    col("other_locales", "other BCP 47 locales the site works in, space-separated, e.g. wo-SN en", { optional: true })
  ],
  unique: [],
  references: [{ column: "fellow_email", registry: "fellows", target: "email" }],
  listColumns: ["id", "country", "timezone", "locale", "format", "capacity", "name"]
}

/** Participants. */
export const participantsRegistry: Registry<Participant> = {
  name: "participants",
  table: "participants",
  noun: "participant",
  schema: Participant as Schema.Codec<Participant, unknown>,
  columns: [
    col("id", "lowercase id, e.g. p-sn-dakar-001"),
    col("site_id", "id of the participant's site"),
    col("code", "pseudonymous code linking survey waves; generated when empty", { optional: true }),
    col("locale", "BCP 47 locale for invitations; the site's when empty", { optional: true }),
    col("email", "contact address for invitations (never exported with answers)", { optional: true }),
    col("gender", "demographic category", { optional: true }),
    col("age_band", "demographic category, e.g. 25-34", { optional: true }),
    col("education", "demographic category, e.g. secondary", { optional: true }),
    col("residence", "demographic category: urban or rural", { optional: true }),
    col("role", "panel (default: deliberates), control (answers the same waves, does not deliberate) or mirror", { optional: true })
  ],
  unique: [{ column: "code" }],
  references: [{ column: "site_id", registry: "sites", target: "id" }],
  listColumns: ["id", "site_id", "code", "locale", "gender", "age_band", "education", "residence", "role"]
}

/** All registries, by name. Fellows come before sites and sites before participants: that is the import order. */
export const registries = {
  coalition: coalitionRegistry,
  fellows: fellowsRegistry,
  sites: sitesRegistry,
  participants: participantsRegistry
} as const

/** The entity type of each registry, by name. */
export interface RegistryEntities {
  readonly coalition: CoalitionPartner
  readonly fellows: Fellow
  readonly sites: Site
  readonly participants: Participant
}

/** The registry descriptor for a name. */
export const registryFor = (name: RegistryName): Registry<{ readonly id: string }> =>
  registries[name] as unknown as Registry<{ readonly id: string }>

/**
 * Builds the input of a registry schema from raw cells: trims each cell, leaves out empty ones,
 * and reads integer columns as numbers (anything else is left for the schema to reject).
 */
export const recordFromCells = (
  columns: ReadonlyArray<Column>,
  cells: (column: Column) => string | number | null | undefined
): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const column of columns) {
    const raw = cells(column)
    if (raw === null || raw === undefined) continue
    if (typeof raw === "number") {
      out[column.name] = raw
      continue
    }
    const value = raw.trim()
    if (value === "") continue
    out[column.name] = column.type === "integer" && /^[+-]?\d+$/.test(value) ? Number(value) : value
  }
  return out
}

/** The cells of an entity, in column order, with `""` for absent values. */
export const cellsFromEntity = (columns: ReadonlyArray<Column>, entity: object): Array<string> =>
  columns.map((c) => {
    const v = (entity as Record<string, unknown>)[c.name]
    return v === undefined || v === null ? "" : String(v)
  })

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

const lowerFirst = (s: string): string => (s.startsWith("Expected") ? "e" + s.slice(1) : s)

/**
 * Decodes one record with a registry schema. Returns the entity, or one problem per bad field.
 */
export const decodeEntity = <A extends { readonly id: string }>(
  registry: Registry<A>,
  input: Record<string, unknown>,
  where: { readonly file?: string | undefined; readonly line?: number | undefined } = {}
): { readonly entity: A } | { readonly problems: ReadonlyArray<Problem> } => {
  const result = Schema.decodeUnknownResult(registry.schema)(input, { errors: "all" })
  if (result._tag === "Success") return { entity: result.success }
  const issues = formatter(result.failure.issue).issues
  return {
    problems: issues.map((issue) => {
      const field = (issue.path ?? []).map(String).join(".")
      const column = registry.columns.find((c) => c.name === field)
      const message =
        issue.message === "Missing key"
          ? `expected a value (${column?.doc ?? "required"})`
          : lowerFirst(issue.message)
      return { ...where, field: field === "" ? undefined : field, message }
    })
  }
}

/**
 * Remembers the id and unique values seen so far in one file, and says where a value was first
 * seen (a line, or an item index for JSON).
 */
const uniquenessTracker = (registry: Registry<{ readonly id: string }>) => {
  const seen = new Map<string, Map<string, number>>()
  const keys = ["id", ...registry.unique.map((u) => u.column)]
  /** The duplicates among `values` (raw values by column), each with where it was first seen. */
  return (values: Record<string, unknown>, at: number): Array<{ readonly key: string; readonly value: string; readonly first: number }> => {
    const duplicates: Array<{ key: string; value: string; first: number }> = []
    for (const key of keys) {
      const raw = values[key]
      if (raw === undefined) continue
      // emails and codes are compared the way they are stored: lower-cased, normalised
      const value = key.endsWith("email") ? String(raw).toLowerCase() : key === "code" ? normaliseParticipantCode(String(raw)) : String(raw)
      const byValue = seen.get(key) ?? new Map<string, number>()
      seen.set(key, byValue)
      const first = byValue.get(value)
      if (first !== undefined) duplicates.push({ key, value, first })
      else byValue.set(value, at)
    }
    return duplicates
  }
}

/** A decoded CSV row with the line it came from. */
export interface CsvEntity<A> {
  readonly line: number
  readonly entity: A
}

/** A row that did not decode, kept raw so that its references can still be checked and reported. */
export interface RejectedRow {
  readonly line: number
  readonly input: Readonly<Record<string, unknown>>
}

/** What decoding a registry file gives: the good rows, the raw bad rows, and every problem. */
export interface RegistryDecoded<A> {
  readonly rows: ReadonlyArray<CsvEntity<A>>
  readonly rejected: ReadonlyArray<RejectedRow>
  readonly problems: ReadonlyArray<Problem>
  /** A CSV's column names, in the file's order (for problems that name a column's position). */
  readonly header?: ReadonlyArray<string>
}

/**
 * Reads a registry CSV: checks the header, decodes every row, and finds duplicate ids and
 * duplicate unique values within the file. Every problem is reported, not just the first.
 *
 * @example
 * const { rows, problems } = decodeRegistryCsv(sitesRegistry, text, "sites.csv")
 * problems.map(formatProblem) // ["sites.csv:7: timezone: expected an IANA time zone such as Africa/Dakar, got \"Mars/Olympus\""]
 */
export const decodeRegistryCsv = <A extends { readonly id: string }>(
  registry: Registry<A>,
  text: string,
  file: string
): RegistryDecoded<A> => {
  const parsed = parseCsv(text)
  const problems: Array<Problem> = parsed.problems.map((p) => ({ file, line: p.line, column: p.column, message: p.message }))
  const [header, ...body] = parsed.records as ReadonlyArray<CsvRecord>
  if (header === undefined) {
    if (problems.length > 0) return { rows: [], rejected: [], problems }
    return { rows: [], rejected: [], problems: [{ file, line: 1, message: `expected a header line: ${registry.columns.map((c) => c.name).join(",")}` }] }
  }
  const names = header.fields.map((f) => f.trim())
  const known = new Set(registry.columns.map((c) => c.name))
  const missing = registry.columns.filter((c) => c.required && !names.includes(c.name)).map((c) => c.name)
  const unknown = names.filter((n) => !known.has(n))
  const repeated = names.filter((n, i) => names.indexOf(n) !== i)
  if (missing.length > 0 || unknown.length > 0 || repeated.length > 0) {
    const parts = [
      missing.length > 0 ? `missing ${plural(missing.length, "column")} ${missing.join(", ")}` : "",
      unknown.length > 0 ? `unknown ${plural(unknown.length, "column")} ${unknown.join(", ")}` : "",
      repeated.length > 0 ? `repeated ${plural(repeated.length, "column")} ${repeated.join(", ")}` : ""
    ].filter((s) => s !== "")
    problems.unshift({
      file,
      line: header.line,
      field: "header",
      message: `expected ${registry.columns.map((c) => c.name).join(",")}; ${parts.join("; ")}`
    })
    return { rows: [], rejected: [], problems }
  }
  const index = new Map(names.map((n, i) => [n, i]))
  const rows: Array<CsvEntity<A>> = []
  const rejected: Array<RejectedRow> = []
  const isDuplicate = uniquenessTracker(registry)
  for (const record of body) {
    if (record.fields.length !== names.length) {
      problems.push({
        file,
        line: record.line,
        message: `expected ${names.length} fields as in the header, found ${record.fields.length}`
      })
      continue
    }
    const input = recordFromCells(registry.columns, (c) => {
      const i = index.get(c.name)
      // a cell that `export` neutralised against formula injection ('=…) reads back as it was stored
      return i === undefined ? undefined : restoreCsvCell(record.fields[i]!)
    })
    const decoded = decodeEntity(registry, input, { file, line: record.line })
    // uniqueness is judged on the raw cells, so a duplicate is reported even in a row with other errors
    const duplicates = isDuplicate(input, record.line)
    for (const d of duplicates) {
      problems.push({ file, line: record.line, field: d.key, message: `expected a unique value, "${d.value}" is already on line ${d.first}` })
    }
    const duplicate = duplicates.length > 0
    if ("problems" in decoded) {
      problems.push(...decoded.problems)
      rejected.push({ line: record.line, input })
      continue
    }
    if (!duplicate) rows.push({ line: record.line, entity: decoded.entity })
    else rejected.push({ line: record.line, input })
  }
  return { rows, rejected, problems, header: names }
}

/** Writes entities as a registry CSV, in the registry's column order. */
export const encodeRegistryCsv = <A extends { readonly id: string }>(
  registry: Registry<A>,
  entities: Iterable<A>
): string => {
  const rows: Array<Array<string>> = []
  for (const e of entities) rows.push(cellsFromEntity(registry.columns, e))
  return formatCsv(
    registry.columns.map((c) => c.name),
    rows
  )
}

/**
 * The line on which each element of a JSON array starts (1-based), found by a scan that skips
 * strings, so that a problem with the fifth record of a feed names its line like a CSV row.
 */
const itemLines = (text: string): Array<number> => {
  const lines: Array<number> = []
  let line = 1
  let depth = 0
  let inString = false
  let escaped = false
  let expectItem = false
  for (const ch of text) {
    if (ch === "\n") line++
    if (inString) {
      if (escaped) escaped = false
      else if (ch === "\\") escaped = true
      else if (ch === '"') inString = false
      continue
    }
    if (ch === " " || ch === "\t" || ch === "\r" || ch === "\n") continue
    if (depth === 1 && expectItem && ch !== "]") {
      lines.push(line)
      expectItem = false
    }
    if (ch === '"') inString = true
    else if (ch === "[" || ch === "{") {
      depth++
      if (depth === 1) expectItem = true
    } else if (ch === "]" || ch === "}") depth--
    else if (ch === "," && depth === 1) expectItem = true
  }
  return lines
}

/**
 * Reads a registry from JSON: an array of objects with the CSV column names as keys (what
 * `export --format json` writes). Problems name the item (`[3].capacity`); a row carries the line
 * its item starts on, so that the checks against the database name it (`feed.json:7: fellow_email`).
 */
export const decodeRegistryJson = <A extends { readonly id: string }>(
  registry: Registry<A>,
  text: string,
  file: string
): RegistryDecoded<A> => {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    // V8 names the place: "… in JSON at position 838 (line 39 column 9)"
    const at = /\(line (\d+) column (\d+)\)/.exec((e as Error).message)
    return { rows: [], rejected: [], problems: [{ file, line: at === null ? 1 : Number(at[1]), column: at === null ? undefined : Number(at[2]), message: `expected JSON: ${(e as Error).message}` }] }
  }
  if (!Array.isArray(value)) return { rows: [], rejected: [], problems: [{ file, line: 1, message: "expected a JSON array of objects" }] }
  const problems: Array<Problem> = []
  const rows: Array<CsvEntity<A>> = []
  const isDuplicate = uniquenessTracker(registry)
  const lines = itemLines(text)
  value.forEach((item: unknown, i) => {
    // a row keeps the line its item starts on, for the problems only the database can find
    // (a reference, a unique value); decoding problems name the item by its index
    const line = lines[i] ?? 1
    // every problem names the line its item starts on, and the item by its index
    const push = (p: Problem) => problems.push({ ...p, line })
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      push({ file, field: `[${i}]`, message: "expected an object" })
      return
    }
    const obj = item as Record<string, unknown>
    const unknownKeys = Object.keys(obj).filter((k) => !registry.columns.some((c) => c.name === k))
    for (const k of unknownKeys) push({ file, field: `[${i}].${k}`, message: "unknown field" })
    const input = recordFromCells(registry.columns, (c) => {
      const v = obj[c.name]
      return typeof v === "string" || typeof v === "number" || v === null || v === undefined ? v : JSON.stringify(v)
    })
    const decoded = decodeEntity(registry, input, { file })
    if ("problems" in decoded) {
      for (const p of decoded.problems) push({ ...p, field: `[${i}]${p.field === undefined ? "" : `.${p.field}`}` })
      return
    }
    const duplicates = isDuplicate(input, i)
    for (const d of duplicates) {
      push({ file, field: `[${i}].${d.key}`, message: `expected a unique value, "${d.value}" is already at [${d.first}]` })
    }
    if (duplicates.length > 0) return
    if (unknownKeys.length === 0) rows.push({ line, entity: decoded.entity })
  })
  return { rows, rejected: [], problems }
}

/** The file formats a registry is exported in (`convene <registry> export --format`). */
export const REGISTRY_FORMATS = ["csv", "json"] as const
