/**
 * The pure parts of the action toolkits (`convene results toolkit`): which places get one (a
 * country, a UN M49 region), the language a place's toolkit is written in, the participant
 * profile with its small groups suppressed, and the open data extract — validated results per
 * site and question, with no contact data and no participant codes.
 */
import { formatCsv } from "./Csv.js"
import { englishCountryName, m49Of } from "./Regions.js"
import type { Site } from "./Registry.js"
import type { SiteQuestionTotals } from "./Results.js"

/** Categories of the participant profile, as the registry records them. */
export const PROFILE_CATEGORIES = ["gender", "age_band", "education", "residence"] as const
export type ProfileCategory = (typeof PROFILE_CATEGORIES)[number]

/** A place a toolkit is written for: a country, or a UN M49 region (with `--all` or `--region`). */
export interface ToolkitPlace {
  readonly kind: "country" | "region"
  /** The country code (`SN`), or the region's M49 code (`002`). */
  readonly code: string
  /** The folder and zip name: `sn`, `region-africa`. */
  readonly slug: string
  /** The English name (regions: the M49 name, e.g. "Africa"). */
  readonly name: string
}

/** The toolkit place of a country. */
export const countryPlace = (country: string, name: string): ToolkitPlace => ({ kind: "country", code: country, slug: country.toLowerCase(), name })

/**
 * The toolkit place of a country's M49 region, or undefined when the country is not placed.
 *
 * @example
 * regionPlaceOf("SN") // { kind: "region", code: "002", slug: "region-africa", name: "Africa" }
 */
export const regionPlaceOf = (country: string): ToolkitPlace | undefined => {
  const r = m49Of(country)?.region
  return r === undefined ? undefined : { kind: "region", code: r.code, slug: `region-${r.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")}`, name: r.name }
}

/**
 * Finds a region by its M49 name or code, case and spacing aside, among the regions of `countries`.
 *
 * @example
 * findRegion("africa", ["SN", "GB"])?.code // "002"
 */
export const findRegion = (wanted: string, countries: Iterable<string>): ToolkitPlace | undefined => {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "")
  for (const c of countries) {
    const r = regionPlaceOf(c)
    if (r !== undefined && (norm(r.name) === norm(wanted) || r.code === wanted.padStart(3, "0") || r.slug === wanted.toLowerCase())) return r
  }
  return undefined
}

/**
 * The locale a place's toolkit is written in: the most common locale of its sites, the first
 * site's (by id) when several are as common. The catalogs' fallback (as for kits) then decides
 * which catalog serves it.
 *
 * @example
 * toolkitLocaleOf([{ id: "sn-dakar", locale: "fr-SN" }, { id: "sn-thies", locale: "wo-SN" }, { id: "sn-ziguinchor", locale: "fr-SN" }]) // "fr-SN"
 */
export const toolkitLocaleOf = (sites: ReadonlyArray<{ readonly id: string; readonly locale: string }>, fallback: string): string => {
  const counts = new Map<string, number>()
  for (const s of [...sites].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) counts.set(s.locale, (counts.get(s.locale) ?? 0) + 1)
  let best: string | undefined
  for (const [locale, n] of counts) if (best === undefined || n > counts.get(best)!) best = locale
  return best ?? fallback
}

/** One value of a profile category: its count, or suppressed (fewer than the threshold, or revealing one that is). */
export interface ProfileValue {
  readonly value: string
  readonly count: number | null
}

/** The participant profile of a place: the participants registered at its counted sites, per category. */
export interface ParticipantProfile {
  /** Registered participants (null when fewer than the threshold). */
  readonly registered: number | null
  readonly threshold: number
  readonly categories: ReadonlyArray<{ readonly category: ProfileCategory; readonly values: ReadonlyArray<ProfileValue> }>
}

/**
 * The profile of some participants, every count under `threshold` suppressed. When a category
 * has exactly one suppressed value, the next smallest is suppressed too, so that no count can
 * be recovered from the total. Fewer participants than the threshold: nothing but that.
 * Values not recorded are counted as "" (shown as "not recorded").
 *
 * @example
 * participantProfile(participants, 5).categories[0] // { category: "gender", values: [{ value: "woman", count: 61 }, { value: "man", count: 58 }, { value: "non-binary", count: null }, …] }
 */
export const participantProfile = (participants: ReadonlyArray<{ readonly [C in ProfileCategory]?: string | undefined }>, threshold: number): ParticipantProfile => {
  if (participants.length < threshold) return { registered: null, threshold, categories: [] }
  const categories = PROFILE_CATEGORIES.map((category) => {
    const counts = new Map<string, number>()
    for (const p of participants) counts.set(p[category] ?? "", (counts.get(p[category] ?? "") ?? 0) + 1)
    const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    const hidden = new Set(sorted.filter(([, n]) => n < threshold).map(([v]) => v))
    if (hidden.size === 1 && sorted.length > 1) {
      const next = [...sorted].reverse().find(([v]) => !hidden.has(v))
      if (next !== undefined) hidden.add(next[0])
    }
    return { category, values: sorted.map(([value, n]) => ({ value, count: hidden.has(value) ? null : n })) }
  }).filter((c) => !(c.values.length === 1 && c.values[0]!.value === ""))
  return { registered: participants.length, threshold, categories }
}

/** A counted site as the open data extract shows it: public registry columns only. */
export type ExtractSite = Pick<Site, "id" | "name" | "city" | "country" | "format">

/** A recommendation in the extract. */
export interface ExtractRecommendation {
  readonly site_id: string
  readonly question: string
  readonly table: number
  readonly number: number
  readonly votes: number
  readonly text: string
}

/** Columns of `data/results.csv`. */
export const EXTRACT_COLUMNS = ["country", "country_name", "site_id", "site_name", "city", "format", "question", "option", "votes", "voters"] as const

/**
 * The validated results of some sites as CSV rows, one per site, question and option (votes,
 * and the voters of the question at the site), sites by id, questions and options in ballot
 * order. `notice` (the embargo's watermark) becomes a last column on every row.
 */
export const extractCsv = (
  sites: ReadonlyArray<ExtractSite>,
  totals: ReadonlyArray<SiteQuestionTotals>,
  questions: ReadonlyArray<{ readonly id: string; readonly options: ReadonlyArray<string> }>,
  notice?: string | undefined
): string => {
  const bySite = new Map<string, Map<string, SiteQuestionTotals>>()
  for (const t of totals) {
    const m = bySite.get(t.site_id) ?? new Map<string, SiteQuestionTotals>()
    bySite.set(t.site_id, m)
    m.set(t.question, t)
  }
  const rows: Array<Array<string>> = []
  for (const s of [...sites].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    for (const q of questions) {
      const t = bySite.get(s.id)?.get(q.id)
      if (t === undefined) continue
      for (const o of q.options) rows.push([s.country, englishCountryName(s.country), s.id, s.name, s.city, s.format, q.id, o, String(t.votes[o] ?? 0), String(t.voters), ...(notice === undefined ? [] : [notice])])
    }
  }
  return formatCsv([...EXTRACT_COLUMNS, ...(notice === undefined ? [] : ["notice"])], rows)
}

/** Columns of `data/recommendations.csv`. */
export const RECOMMENDATION_COLUMNS = ["country", "country_name", "site_id", "question", "table", "number", "votes", "text"] as const

/** The recommendations of some sites as CSV rows (the most voted first), `notice` as a last column when given. */
export const recommendationsExtractCsv = (sites: ReadonlyArray<ExtractSite>, recommendations: ReadonlyArray<ExtractRecommendation>, notice?: string | undefined): string => {
  const country = new Map<string, string>(sites.map((s) => [s.id, s.country]))
  const rows = [...recommendations]
    .filter((r) => country.has(r.site_id))
    .sort((a, b) => b.votes - a.votes || (a.site_id < b.site_id ? -1 : a.site_id > b.site_id ? 1 : 0) || a.table - b.table || a.number - b.number)
    .map((r) => [country.get(r.site_id)!, englishCountryName(country.get(r.site_id)!), r.site_id, r.question, String(r.table), String(r.number), String(r.votes), r.text, ...(notice === undefined ? [] : [notice])])
  return formatCsv([...RECOMMENDATION_COLUMNS, ...(notice === undefined ? [] : ["notice"])], rows)
}
