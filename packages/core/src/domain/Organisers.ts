/**
 * The organisers' questionnaire (issue 18, section 4): a second kind of survey instrument, marked
 * `respondents: organisers`, whose respondents are not participants but the people who ran the
 * day — every fellow, and the facilitators each site lists in its own file:
 *
 * ```yaml
 * # sites/ke-nairobi/site.yaml
 * facilitators:
 *   - { id: ke-nairobi-wanjiru, name: "Wanjiru Kamau", email: wanjiru@example.org, locale: sw-KE }
 *   - { id: ke-nairobi-otieno, name: "Otieno Ouma" }          # no address: paper only
 * ```
 *
 * An organiser answers under a code, as a participant does: their id in upper case
 * (`F-SN-DIALLO`, `KE-NAIROBI-WANJIRU`), written on the paper form or typed into the Kobo form.
 * Pure: the site files are read by `infra/SiteFiles.ts`, the registries by the surveys' repository.
 */
import * as Schema from "effect/Schema"
import { InputError, type Problem } from "./Errors.js"
import { Email, Locale } from "./Values.js"
import { yamlLocator } from "./Yaml.js"

/** A facilitator's id: a lowercase slug of 4 to 32 characters (upper-cased, it is their code). */
export const FacilitatorId = Schema.String.check(
  Schema.isPattern(/^[a-z0-9][a-z0-9-]{3,31}$/, { message: "expected an id of 4 to 32 lowercase letters, digits and dashes, such as ke-nairobi-wanjiru (in upper case it is their code on paper)" })
)

/** A facilitator a site lists in `sites/<id>/site.yaml`, for the organisers' questionnaire. */
export const Facilitator = Schema.Struct({
  id: FacilitatorId,
  name: Schema.String.check(
    Schema.isNonEmpty({ message: "expected a name" }),
    Schema.isMaxLength(200, { message: "expected at most 200 characters" }),
    Schema.isPattern(/^[^\r\n\t\u0000-\u001F\u007F]*$/, { message: "expected a name on one line" })
  ),
  /** Where the invitation goes; without it, the facilitator answers on paper. */
  email: Schema.optionalKey(Email),
  /** The language of their invitation and form; the site's locale by default. */
  locale: Schema.optionalKey(Locale)
})
export type Facilitator = typeof Facilitator.Type

/** A facilitator with the site whose file lists them. */
export interface ListedFacilitator {
  readonly site: string
  readonly file: string
  readonly facilitator: Facilitator
}

/** Who answers an organisers' questionnaire: a fellow or a facilitator. */
export const OrganiserKind = Schema.Literals(["fellow", "facilitator"])
export type OrganiserKind = typeof OrganiserKind.Type

/** One respondent of an organisers' questionnaire, with where their invitation and form are written. */
export interface OrganiserRespondent {
  /** The fellow's or the facilitator's id. */
  readonly id: string
  readonly kind: OrganiserKind
  /** Their code on paper and in the Kobo form ({@link organiserCode}). */
  readonly code: string
  readonly name: string
  readonly email: string | null
  /** The site they facilitated, or (a fellow) the first of the sites they run by id. */
  readonly site_id: string
  readonly site_name: string
  readonly country: string
  readonly locale: string
  readonly timezone: string
}

const CODE = /^[A-Z0-9-]{4,32}$/

/**
 * An organiser's code: their id in upper case (`f-sn-diallo` → `F-SN-DIALLO`); an id too long
 * or too short to be a code (4 to 32 characters) gets `O-` and 10 letters of a hash of it
 * (FNV-1a) instead.
 *
 * @example
 * organiserCode("f-sn-diallo") // "F-SN-DIALLO"
 */
export const organiserCode = (id: string): string => {
  const upper = id.toUpperCase()
  if (CODE.test(upper)) return upper
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
  let out = "O-"
  for (let round = 0; out.length < 12; round++) {
    // FNV-1a over the id, salted by the round: 5 bits a letter, two letters a round
    let h = 0x811c9dc5 ^ round
    for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193)
    out += alphabet[(h >>> 0) % 32]! + alphabet[(h >>> 5) % 32]!
  }
  return out
}

/** The registries' rows the respondents are built from. */
export interface OrganiserSources {
  readonly fellows: ReadonlyArray<{ readonly id: string; readonly name: string; readonly email: string; readonly country: string; readonly languages: string }>
  readonly sites: ReadonlyArray<{ readonly id: string; readonly name: string; readonly country: string; readonly timezone: string; readonly locale: string; readonly fellow_email?: string | null | undefined }>
  readonly facilitators: ReadonlyArray<ListedFacilitator>
}

/**
 * Every respondent of an organisers' questionnaire, by id: each fellow who runs a site (written
 * to in the locale of the first of their sites, by id) and each facilitator listed by a
 * registered site (in their own locale, else the site's). A facilitator of a site that is not
 * registered is left out; `site` keeps the fellow of that site and its facilitators only.
 */
export const organiserRespondents = (sources: OrganiserSources, site?: string): Array<OrganiserRespondent> => {
  const sites = [...sources.sites].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const byId = new Map(sites.map((s) => [s.id, s]))
  const out: Array<OrganiserRespondent> = []
  for (const f of sources.fellows) {
    const theirs = sites.filter((s) => s.fellow_email === f.email)
    const first = theirs[0]
    if (first === undefined) continue
    if (site !== undefined && !theirs.some((s) => s.id === site)) continue
    out.push({ id: f.id, kind: "fellow", code: organiserCode(f.id), name: f.name, email: f.email, site_id: first.id, site_name: first.name, country: first.country, locale: first.locale, timezone: first.timezone })
  }
  for (const l of sources.facilitators) {
    const s = byId.get(l.site)
    if (s === undefined || (site !== undefined && l.site !== site)) continue
    const f = l.facilitator
    out.push({ id: f.id, kind: "facilitator", code: organiserCode(f.id), name: f.name, email: f.email ?? null, site_id: s.id, site_name: s.name, country: s.country, locale: f.locale ?? s.locale, timezone: s.timezone })
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/**
 * Gathers the facilitators of every site file: an id must be unique across the workspace (it is
 * the facilitator's code). Throws {@link InputError} naming both files.
 */
export const gatherFacilitators = (declared: ReadonlyArray<{ readonly site: string; readonly file: string; readonly text: string; readonly facilitators: ReadonlyArray<Facilitator> }>): Array<ListedFacilitator> => {
  const seen = new Map<string, string>()
  const out: Array<ListedFacilitator> = []
  const problems: Array<Problem> = []
  for (const d of declared) {
    const locate = yamlLocator(d.text)
    d.facilitators.forEach((facilitator, i) => {
      const first = seen.get(facilitator.id)
      if (first !== undefined) {
        problems.push({ file: d.file, line: locate(["facilitators", i, "id"]), field: `facilitators.${i}.id`, message: `expected a facilitator id unique across the sites, "${facilitator.id}" is already listed in ${first}` })
        return
      }
      seen.set(facilitator.id, d.file)
      out.push({ site: d.site, file: d.file, facilitator })
    })
  }
  if (problems.length > 0) throw new InputError({ summary: "A facilitator is listed twice.", problems })
  return out
}

/**
 * One organiser's answers as the organisers' report reads them: their kind, the site and country
 * they answered for, and the answers (no name, no address).
 */
export interface OrganiserAnswers {
  readonly kind: OrganiserKind
  readonly site_id: string
  readonly country: string
  readonly wave: string
  readonly answers: Readonly<Record<string, unknown>>
}
