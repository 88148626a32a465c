/**
 * The embargo on the citizens' results: nothing is published before the last site has voted.
 * From the dialogue's `results.release` and each site's planned day, when the results of the
 * world (and of each country) may be released. Pure: the workflows pass the clock.
 */
import { durationMinutes, type ResultsRelease } from "./Dialogue.js"

/** A site's planned day as the embargo needs it: its country and when its last block ends (ISO). */
export interface SiteDayEnd {
  readonly site_id: string
  readonly country: string
  readonly day_ends: string
  /** A site on its own date (a national dialogue on another day): it holds back its country's results only. */
  readonly own_date?: boolean | undefined
}

/** When the results may be published. */
export interface Embargo {
  /** When the global results may be published, as an ISO instant. */
  readonly ends: string
  /** How it was set: after the last site's day, or at a fixed instant. */
  readonly rule: { readonly kind: "after_last_site"; readonly minutes: number; readonly last_site: string | undefined; readonly last_day_ends: string | undefined } | { readonly kind: "at"; readonly at: string }
  /** Countries released later than the rest: country code → ISO instant. */
  readonly countries: Readonly<Record<string, string>>
  readonly licence: string | undefined
  readonly press_contact: { readonly name: string; readonly email: string } | undefined
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.000Z$/, "Z")

/**
 * The embargo of a dialogue: by default, the results may be published as soon as the last
 * site's day has ended in its own zone (`after_last_site: 0m`); with `after_last_site: 2h`, two
 * hours later; with `at`, at that instant. A country with its own later instant keeps its results
 * until then (an earlier one does not shorten the global embargo).
 *
 * @example
 * embargoOf({ after_last_site: "2h" }, [{ site_id: "us-honolulu", country: "US", day_ends: "2027-05-16T03:00Z" }])
 * // { ends: "2027-05-16T05:00:00Z", … }
 */
export const embargoOf = (release: ResultsRelease | undefined, sites: ReadonlyArray<SiteDayEnd>): Embargo => {
  let ends: number
  let rule: Embargo["rule"]
  if (release?.at !== undefined) {
    ends = Date.parse(release.at)
    rule = { kind: "at", at: iso(ends) }
  } else {
    const minutes = durationMinutes(release?.after_last_site ?? "0m")
    const last = sites.filter((s) => s.own_date !== true).reduce<SiteDayEnd | undefined>((a, s) => (a === undefined || Date.parse(s.day_ends) > Date.parse(a.day_ends) ? s : a), undefined)
    // no site planned: nothing can be published before there is a day to end
    ends = last === undefined ? Number.POSITIVE_INFINITY : Date.parse(last.day_ends) + minutes * 60_000
    rule = { kind: "after_last_site", minutes, last_site: last?.site_id, last_day_ends: last === undefined ? undefined : iso(Date.parse(last.day_ends)) }
  }
  const countries: Record<string, string> = {}
  for (const [country, at] of Object.entries(release?.countries ?? {})) {
    const t = Date.parse(at)
    if (t > ends) countries[country] = iso(t)
  }
  // a site on its own later date (a national dialogue) holds back its country's results, not the world's
  if (release?.at === undefined) {
    const minutes = durationMinutes(release?.after_last_site ?? "0m")
    for (const s of sites) {
      if (s.own_date !== true || s.country === "") continue
      const t = Date.parse(s.day_ends) + minutes * 60_000
      if (t > ends && t > (countries[s.country] === undefined ? 0 : Date.parse(countries[s.country]!))) countries[s.country] = iso(t)
    }
  }
  return {
    ends: Number.isFinite(ends) ? iso(ends) : "",
    rule,
    countries,
    licence: release?.licence,
    press_contact: release?.press_contact === undefined ? undefined : { name: release.press_contact.name, email: release.press_contact.email }
  }
}

/** When a country's results (or, without a country, the global ones) may be published, as epoch ms (Infinity when no day is planned). */
export const releaseTime = (embargo: Embargo, country?: string): number => {
  const own = country === undefined ? undefined : embargo.countries[country]
  const at = own ?? embargo.ends
  return at === "" ? Number.POSITIVE_INFINITY : Date.parse(at)
}

/** Whether the results (of a country, or the global ones) may be published at `now` (epoch ms). */
export const isReleased = (embargo: Embargo, now: number, country?: string): boolean => now >= releaseTime(embargo, country)
