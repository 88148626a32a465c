/**
 * Self-service mirror dialogues: the registration form's fields and their checks, the states of
 * a registration, the workspace's `mirror:` settings, and the site an approved registration
 * becomes. Pure: the mirrors feature (`mirrors/`) does the storing, mailing and serving.
 */
import * as Schema from "effect/Schema"
import type { Dialogue } from "./Dialogue.js"
import type { Site } from "./Registry.js"
import { canonicalLocale, isCountryCode, isLocalDate, isTimeZone, LocalDate } from "./Values.js"

/**
 * Where a registration stands: `unconfirmed` until its e-mail link is followed (double opt-in),
 * then `pending` until staff decide, then `approved` (a site exists) or `rejected`.
 */
export const MirrorStatus = Schema.Literals(["unconfirmed", "pending", "approved", "rejected"])
export type MirrorStatus = typeof MirrorStatus.Type

/** The states in which a registration is still open: a second one from the same e-mail is not created. */
export const OPEN_MIRROR_STATUSES: ReadonlyArray<MirrorStatus> = ["unconfirmed", "pending"]

/**
 * The workspace's `mirror:` settings in `convene.yaml`.
 *
 * @example
 * // convene.yaml
 * // mirror: { auto_approve: true, submission_deadline: 2027-07-31 }
 */
export const MirrorConfig = Schema.Struct({
  /** Approve a registration as soon as its e-mail is confirmed (default: staff approve with `convene mirror approve`). */
  auto_approve: Schema.optionalKey(Schema.Boolean),
  /** The last day (inclusive, in the mirror site's zone) on which a mirror's results are accepted through its link. */
  submission_deadline: Schema.optionalKey(LocalDate)
})
export type MirrorConfig = typeof MirrorConfig.Type

/** The form's fields, by name, in the order the page shows them. */
export const MIRROR_FIELDS = ["name", "email", "place", "country", "timezone", "locale", "date", "participants", "consent"] as const
export type MirrorField = (typeof MIRROR_FIELDS)[number]

/** Why a field was refused: a message key under `mirror.error.` in the catalogs. */
export type MirrorFieldError = "required" | "too_long" | "email" | "country" | "timezone" | "locale" | "date" | "date_past" | "date_outside" | "participants" | "consent"

/** A registration as the organiser filled it in, checked. */
export interface MirrorRequest {
  readonly name: string
  /** Lower-cased: the key registrations are deduplicated by. */
  readonly email: string
  readonly place: string
  readonly country: string
  readonly timezone: string
  readonly locale: string
  readonly date: string
  readonly participants: number
}

/** The largest number of participants a mirror may declare (a site's capacity bound). */
export const MAX_MIRROR_PARTICIPANTS = 10000

const CONTROL = /[\u0000-\u001F\u007F]/

/** An e-mail address as registrations are compared: trimmed and lower-cased. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase()

const EMAIL = /^[^\s@<>(),;:"[\]\u0000-\u001F\u007F]+@[^\s@<>(),;:"[\]\u0000-\u001F\u007F]+\.[A-Za-z0-9-]{2,}$/

/**
 * The dates a mirror may be held on: from the dialogue's `mirror` phase (a phase whose id says
 * mirror), else from its first phase's start to its last phase's end; never before `today`.
 *
 * @example
 * mirrorDateRange(dialogue, "2027-05-20") // { from: "2027-05-20", to: "2027-07-15" }
 */
export const mirrorDateRange = (dialogue: Pick<Dialogue, "timeline" | "deliberation_day">, today: string): { readonly from: string; readonly to: string } => {
  const phases = dialogue.timeline.phases
  const mirror = phases.find((p) => p.id.includes("mirror"))
  const first = mirror?.start ?? phases.reduce<string>((m, p) => (p.start < m ? p.start : m), dialogue.deliberation_day.date)
  const last = mirror?.end ?? phases.reduce<string>((m, p) => (p.end > m ? p.end : m), dialogue.deliberation_day.date)
  return { from: first > today ? first : today, to: last }
}

/**
 * Checks the form's raw fields. Returns the request, or every field's error; the values as
 * typed are the caller's to show again.
 *
 * @example
 * checkMirrorForm({ name: "Ama", email: "Ama@Example.org", place: "Accra", country: "GH", timezone: "Africa/Accra",
 *   locale: "en", date: "2027-06-05", participants: "40", consent: "yes" }, { dialogue, today: "2027-05-20" })
 * // { ok: true, request: { email: "ama@example.org", participants: 40, … } }
 */
export const checkMirrorForm = (
  raw: Readonly<Partial<Record<MirrorField, string>>>,
  context: { readonly dialogue: Pick<Dialogue, "timeline" | "deliberation_day" | "locales" | "source_locale">; readonly today: string }
): { readonly ok: true; readonly request: MirrorRequest } | { readonly ok: false; readonly errors: Readonly<Partial<Record<MirrorField, MirrorFieldError>>> } => {
  const errors: Partial<Record<MirrorField, MirrorFieldError>> = {}
  const v = (f: MirrorField): string => (raw[f] ?? "").trim()
  const text = (f: "name" | "place", max: number): string => {
    const s = v(f)
    if (s === "") errors[f] = "required"
    else if (s.length > max || CONTROL.test(s)) errors[f] = "too_long"
    return s
  }
  const name = text("name", 200)
  const place = text("place", 120)
  const email = normaliseEmail(v("email"))
  if (email === "") errors.email = "required"
  else if (email.length > 254 || !EMAIL.test(email)) errors.email = "email"
  const country = v("country").toUpperCase()
  if (country === "") errors.country = "required"
  else if (!isCountryCode(country)) errors.country = "country"
  const timezone = v("timezone")
  if (timezone === "") errors.timezone = "required"
  else if (!isTimeZone(timezone)) errors.timezone = "timezone"
  // one of the dialogue's languages: the kit is written in it
  const locale = canonicalLocale(v("locale")) ?? ""
  const locales = new Set<string>([context.dialogue.source_locale, ...context.dialogue.locales])
  if (v("locale") === "") errors.locale = "required"
  else if (!locales.has(locale)) errors.locale = "locale"
  const date = v("date")
  const range = mirrorDateRange(context.dialogue as Dialogue, context.today)
  if (date === "") errors.date = "required"
  else if (!isLocalDate(date)) errors.date = "date"
  else if (date < context.today) errors.date = "date_past"
  else if (date < range.from || date > range.to) errors.date = "date_outside"
  const participants = Number(v("participants"))
  if (v("participants") === "") errors.participants = "required"
  else if (!/^\d{1,5}$/.test(v("participants")) || participants < 1 || participants > MAX_MIRROR_PARTICIPANTS) errors.participants = "participants"
  if (v("consent") === "") errors.consent = "consent"
  if (Object.keys(errors).length > 0) return { ok: false, errors }
  return { ok: true, request: { name, email, place, country, timezone, locale, date, participants } }
}

/** A stored registration: the request, where it stands, and what staff decided. */
export interface MirrorRegistration extends MirrorRequest {
  readonly id: number
  readonly status: MirrorStatus
  readonly consented_at: string
  readonly created_at: string
  readonly confirmed_at: string | null
  readonly decided_at: string | null
  readonly note: string | null
  /** The site created on approval. */
  readonly site_id: string | null
}

/** The site id of an approved registration: `mirror-<id>`. */
export const mirrorSiteId = (id: number): string => `mirror-${id}`

/**
 * The site an approved registration becomes: a mirror dialogue on its own date, without a
 * fellow (the organiser's contact stays with the registration, apart from the registries).
 *
 * @example
 * mirrorSiteOf(registration) // { id: "mirror-3", format: "mirror", date: "2027-06-05", date_reason: "mirror", … }
 */
export const mirrorSiteOf = (r: MirrorRequest & { readonly id: number }): Record<string, unknown> => ({
  id: mirrorSiteId(r.id),
  name: `${r.place} (mirror dialogue)`,
  city: r.place,
  country: r.country,
  timezone: r.timezone,
  locale: r.locale,
  capacity: r.participants,
  format: "mirror",
  date: r.date,
  date_reason: "mirror"
})

/** Whether a mirror site's results may still be entered on `today` (its zone's date) under the workspace's deadline. */
export const mirrorResultsOpen = (config: MirrorConfig | undefined, site: Pick<Site, "format" | "date_reason">, today: string): boolean =>
  config?.submission_deadline === undefined || (site.format !== "mirror" && site.date_reason !== "mirror") || today <= config.submission_deadline
