/**
 * The value types every registry shares: ISO country codes, IANA time zones, BCP 47 locales,
 * emails, local dates and times. Each is a schema whose failure message says what was expected.
 */
import { countries } from "countries-list"
import * as Schema from "effect/Schema"
import * as SchemaGetter from "effect/SchemaGetter"
import { InputError, Refused } from "./Errors.js"

const expected = (what: string, got: string): string => `expected ${what}, got ${JSON.stringify(got)}`

/** Every ISO 3166-1 alpha-2 code, from the maintained `countries-list` package. */
export const countryCodes: ReadonlySet<string> = new Set(Object.keys(countries))

/** Whether `code` is an assigned ISO 3166-1 alpha-2 country code (upper case). */
export const isCountryCode = (code: string): boolean => countryCodes.has(code)

/**
 * An ISO 3166-1 alpha-2 country code, e.g. `"SN"`.
 *
 * @example
 * Schema.decodeUnknownSync(CountryCode)("SN") // "SN"
 */
export const CountryCode = Schema.String.check(
  Schema.makeFilter((s: string) => isCountryCode(s) || expected("an ISO 3166-1 alpha-2 country code such as SN", s))
).pipe(Schema.brand("CountryCode"))
export type CountryCode = typeof CountryCode.Type

/** The English name of a country code, e.g. `"Senegal"` for `"SN"`. */
export const countryName = (code: string): string =>
  (countries as Record<string, { readonly name: string } | undefined>)[code]?.name ?? code

/**
 * Whether `zone` is an IANA time zone name known to this runtime's ICU data.
 * Offset strings ("+05:30") are refused: a site lives in a zone, not at an offset, because
 * offsets change with daylight saving time. `Intl.supportedValuesOf("timeZone")` answers
 * first (one list, ~2 ms); it omits some current names, such as "Asia/Kolkata" and "UTC", so a
 * name it lacks is asked of ICU by making a formatter in that zone (~0.5 ms each: asking that of
 * every zone of a registry cost ~55 ms of a 133-site `sites list`).
 */
export const isTimeZone = (zone: string): boolean => {
  // a registry of 10,000 sites names a few hundred zones: ask ICU once per name
  const known = timeZoneChecks.get(zone)
  if (known !== undefined) return known
  const valid = checkTimeZone(zone)
  // bounded: a hostile file of a million made-up names must not grow it without end
  if (timeZoneChecks.size < 4096) timeZoneChecks.set(zone, valid)
  return valid
}

const timeZoneChecks = new Map<string, boolean>()

let supportedZones: ReadonlySet<string> | undefined

const checkTimeZone = (zone: string): boolean => {
  if (!/^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*$/.test(zone)) return false
  supportedZones ??= new Set(Intl.supportedValuesOf("timeZone"))
  if (supportedZones.has(zone)) return true
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone })
    return true
  } catch {
    return false
  }
}

/**
 * An IANA time zone name, e.g. `"Asia/Kathmandu"`. The name is kept as the user gave it.
 *
 * @example
 * Schema.decodeUnknownSync(TimeZone)("Pacific/Kiritimati")
 */
export const TimeZone = Schema.String.check(
  Schema.makeFilter((s: string) => isTimeZone(s) || expected("an IANA time zone such as Africa/Dakar", s))
).pipe(Schema.brand("TimeZone"))
export type TimeZone = typeof TimeZone.Type

/** Whether `tag` is a well-formed BCP 47 language tag that is already in canonical form. */
export const isLocale = (tag: string): boolean => {
  try {
    const canonical = Intl.getCanonicalLocales(tag)
    return canonical.length === 1 && canonical[0] === tag
  } catch {
    return false
  }
}

/** The canonical spelling of a BCP 47 tag (`"fr-sn"` -> `"fr-SN"`), or undefined when invalid. */
export const canonicalLocale = (tag: string): string | undefined => {
  try {
    return Intl.getCanonicalLocales(tag)[0]
  } catch {
    return undefined
  }
}

/**
 * A BCP 47 language tag in canonical form, e.g. `"fr-SN"` or `"ar-EG"`.
 *
 * @example
 * Schema.decodeUnknownSync(Locale)("fr-SN")
 */
export const Locale = Schema.String.check(
  Schema.makeFilter((s: string) => {
    if (isLocale(s)) return true
    const canonical = canonicalLocale(s)
    return canonical === undefined
      ? expected("a BCP 47 language tag such as fr-SN", s)
      : expected(`a BCP 47 language tag in canonical form (${canonical})`, s)
  })
).pipe(Schema.brand("Locale"))
export type Locale = typeof Locale.Type

/** The language subtag of a locale: `"fr"` for `"fr-SN"`. */
export const languageOf = (locale: string): string => locale.split("-")[0]!.toLowerCase()

// no control character either: a NUL byte would reach the database (which refuses it) and mail headers
const emailPattern = /^[^\s@<>(),;:"\[\]\u0000-\u001F\u007F]+@[^\s@<>(),;:"\[\]\u0000-\u001F\u007F]+\.[A-Za-z0-9-]{2,}$/

/**
 * An email address (lower-cased on decode so that lookups do not depend on case).
 *
 * @example
 * Schema.decodeUnknownSync(Email)("Awa@Example.org") // "awa@example.org"
 */
export const Email = Schema.String.pipe(
  Schema.decodeTo(
    Schema.String.check(
      Schema.makeFilter((s: string) => (s.length <= 254 && emailPattern.test(s)) || expected("an email address", s))
    ),
    {
      decode: SchemaGetter.toLowerCase(),
      encode: SchemaGetter.passthrough()
    }
  ),
  Schema.brand("Email")
)
export type Email = typeof Email.Type

/** A local wall-clock time `HH:MM` (24 h). */
export const LocalTime = Schema.String.check(
  Schema.isPattern(/^([01]\d|2[0-3]):[0-5]\d$/, { message: "expected a local time HH:MM (24 h) such as 09:00" })
).pipe(Schema.brand("LocalTime"))
export type LocalTime = typeof LocalTime.Type

/** Whether `s` is a real calendar date written `YYYY-MM-DD`. */
export const isLocalDate = (s: string): boolean => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  if (m === null) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}

/** A calendar date `YYYY-MM-DD`, without a time zone (a day as people live it). */
export const LocalDate = Schema.String.check(
  Schema.makeFilter((s: string) => isLocalDate(s) || expected("a calendar date YYYY-MM-DD", s))
).pipe(Schema.brand("LocalDate"))
export type LocalDate = typeof LocalDate.Type

/** A lowercase identifier: letters, digits and dashes, starting with a letter or digit. */
export const Slug = Schema.String.check(
  Schema.isPattern(/^[a-z0-9][a-z0-9-]{0,62}$/, {
    message: "expected an id of lowercase letters, digits and dashes (at most 63), such as sn-dakar"
  })
)

/** Adds whole days to a `YYYY-MM-DD` date (calendar arithmetic, no time zone involved). */
export const addDays = (date: string, days: number): string => {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10)
}

/**
 * Whether a URL points at the machine it is made on (localhost, 127.x, ::1, 0.0.0.0): a link
 * there reaches nobody else.
 *
 * @example
 * isLocalUrl("http://localhost:8080") // true
 * isLocalUrl("https://survey.example.org") // false
 */
export const isLocalUrl = (url: string): boolean => {
  let host: string
  try {
    host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, "")
  } catch {
    return false
  }
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" || host === "0.0.0.0" || host === "::" || /^127\./.test(host)
}

/** What a dry run says of a run that would be refused for safety (exit status 4), instead of failing. */
export interface WouldBeRefused {
  /** Why, e.g. "--base-url http://localhost:8080 is on this machine: …". */
  readonly message: string
  /** The flag that would confirm it, e.g. `--allow-localhost`. */
  readonly confirm: string
}

/**
 * The check of the public address that mailed links point at (`--base-url`): an http(s) URL
 * (else an InputError), and not on this machine (else Refused, exit status 4: nobody could open
 * the links) unless `allowLocalhost` confirms a rehearsal. `recipients` names who would get the
 * links ("participants", "fellows"). Undefined when the address is fine.
 *
 * @example
 * linkBaseProblem("http://localhost:8080", { allowLocalhost: false, recipients: "participants" }) // Refused
 * linkBaseProblem("https://survey.example.org", { allowLocalhost: false, recipients: "participants" }) // undefined
 */
export const linkBaseProblem = (baseUrl: string, options: { readonly allowLocalhost: boolean; readonly recipients: string }): InputError | Refused | undefined => {
  if (!/^https?:\/\/[^/]+/.test(baseUrl) || !URL.canParse(baseUrl)) {
    return new InputError({ summary: `--base-url: expected the form server's public http(s) address, e.g. https://survey.example.org, got "${baseUrl}".`, problems: [] })
  }
  if (isLocalUrl(baseUrl) && !options.allowLocalhost) {
    return new Refused({
      what: `--base-url ${baseUrl} is on this machine: ${options.recipients} could not open their links. Pass the form server's public address (--base-url https://…, or CONVENE_SURVEY_URL).`,
      confirm: "--allow-localhost"
    })
  }
  return undefined
}
