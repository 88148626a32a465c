/**
 * Recruitment targets from census shares (issue 16, section 2): `census.csv` gives, per scope (a
 * country such as `SN`, a site id, or `all`), each feature value's share of the population;
 * {@link targetsFromCensus} turns them into the `min,max` bounds of a panel of N, as
 * `targets.csv` (`scope,feature,value,min,max`) holds them for the draw.
 *
 * The bounds bracket the proportional count: `floor((share − tolerance)·N)` to
 * `ceil((share + tolerance)·N)`, clamped to 0…N. With no tolerance they are the two integers
 * around `share·N` (equal when it is whole), so that within a feature the minimums never add up to
 * more than N nor the maximums to less, and a panel meeting every bound exists as far as one
 * feature is concerned (several features together can still conflict, which the draw reports).
 */
import { parseCsv } from "./Csv.js"
import { type Codebook, featureOf, outsideCodebook } from "./Codebook.js"
import type { Problem } from "./Errors.js"

/** One population share: in `scope`, `share` of the people have `feature` = `value`. */
export interface CensusShare {
  readonly line: number
  readonly scope: string
  readonly feature: string
  readonly value: string
  readonly share: number
}

/** One target: the panel of `scope` holds `min` to `max` people with `feature` = `value`. */
export interface Target {
  readonly scope: string
  readonly feature: string
  readonly value: string
  /** The population share it comes from, and the proportional count `share·N`. */
  readonly share: number
  readonly ideal: number
  readonly min: number
  readonly max: number
}

/** The columns of census.csv and targets.csv. */
export const CENSUS_COLUMNS = ["scope", "feature", "value", "share"] as const
export const TARGET_COLUMNS = ["scope", "feature", "value", "min", "max"] as const

/** How far a feature's shares may add up from 1 (rounding in published tables). */
export const SHARE_SUM_TOLERANCE = 0.011

/**
 * Reads census.csv: `scope,feature,value,share` with shares between 0 and 1 (or percentages
 * written with `%`). Every problem is reported at FILE:LINE[:COLUMN]: a bad number, a value the
 * codebook does not list, a repeated row, and a feature whose shares within a scope do not add
 * up to 1.
 */
export const parseCensus = (text: string, file: string, codebook?: Codebook): { readonly shares: Array<CensusShare>; readonly problems: Array<Problem> } => {
  const parsed = parseCsv(text)
  const problems: Array<Problem> = parsed.problems.map((p) => ({ file, line: p.line, column: p.column, message: p.message }))
  const [header, ...body] = parsed.records
  if (header === undefined) return { shares: [], problems: [...problems, { file, line: 1, message: `expected a header line: ${CENSUS_COLUMNS.join(",")}` }] }
  const names = header.fields.map((f) => f.trim())
  const missing = CENSUS_COLUMNS.filter((c) => !names.includes(c))
  if (missing.length > 0) {
    return { shares: [], problems: [...problems, { file, line: header.line, field: "header", message: `expected ${CENSUS_COLUMNS.join(",")}; missing ${missing.join(", ")}` }] }
  }
  const at = Object.fromEntries(CENSUS_COLUMNS.map((c) => [c, names.indexOf(c)])) as Record<(typeof CENSUS_COLUMNS)[number], number>
  const shares: Array<CensusShare> = []
  const seen = new Map<string, number>()
  /** Scope and feature pairs with a bad row: their sum is not checked (it would only repeat the error). */
  const incomplete = new Set<string>()
  for (const record of body) {
    if (record.fields.every((f) => f.trim() === "")) continue
    const cell = (c: (typeof CENSUS_COLUMNS)[number]) => (record.fields[at[c]] ?? "").trim()
    const where = (c: (typeof CENSUS_COLUMNS)[number]) => ({ file, line: record.line, column: at[c] + 1, field: c })
    const [scope, feature, value, shareText] = [cell("scope"), cell("feature"), cell("value"), cell("share")]
    let bad = false
    for (const c of ["scope", "feature", "value"] as const) {
      if (cell(c) === "") {
        problems.push({ ...where(c), message: "expected a value" })
        bad = true
      }
    }
    const share = /^\d+(\.\d+)?%$/.test(shareText) ? Number(shareText.slice(0, -1)) / 100 : /^(0|1|0?\.\d+|0\.\d+|1\.0+)$/.test(shareText) ? Number(shareText) : Number.NaN
    if (Number.isNaN(share) || share < 0 || share > 1) {
      problems.push({ ...where("share"), message: `expected a share from 0 to 1 (such as 0.27) or a percentage (27%), got ${JSON.stringify(shareText)}` })
      bad = true
    }
    const f = featureOf(codebook, feature)
    if (codebook !== undefined && feature !== "") {
      if (f === undefined) {
        problems.push({ ...where("feature"), message: `expected a feature of the codebook in convene.yaml (${codebook.map((x) => x.id).join(", ")}), got ${JSON.stringify(feature)}` })
        bad = true
      } else if (value !== "" && !f.values.some((v) => v.id === value)) {
        problems.push({ ...where("value"), field: feature, message: outsideCodebook(f, value) })
        bad = true
      }
    }
    if (bad) incomplete.add(`${scope}\u0000${feature}`)
    const key = `${scope}\u0000${feature}\u0000${value}`
    const first = seen.get(key)
    if (first !== undefined && !bad) {
      problems.push({ file, line: record.line, message: `expected each scope, feature and value once; ${scope} ${feature}=${value} is already on line ${first}` })
      incomplete.add(`${scope}\u0000${feature}`)
      continue
    }
    seen.set(key, record.line)
    if (!bad) shares.push({ line: record.line, scope, feature, value, share })
  }
  // within a scope, a feature's shares cover the population once
  const groups = new Map<string, Array<CensusShare>>()
  for (const s of shares) {
    const k = `${s.scope}\u0000${s.feature}`
    groups.set(k, [...(groups.get(k) ?? []), s])
  }
  for (const [k, group] of groups) {
    if (incomplete.has(k)) continue
    const sum = group.reduce((n, s) => n + s.share, 0)
    if (Math.abs(sum - 1) > SHARE_SUM_TOLERANCE) {
      problems.push({ file, line: group[0]!.line, field: group[0]!.feature, message: `expected the shares of ${group[0]!.feature} in ${group[0]!.scope} to add up to 1, they add up to ${round(sum, 4)} (lines ${group.map((s) => s.line).join(", ")})` })
    }
  }
  return { shares, problems: problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) }
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits

/**
 * The targets of a panel of `size` from census shares. `tolerance` (0 to 1, in shares: 0.05 is five
 * percentage points) widens every bound; the shares of a feature are first scaled to add up to
 * exactly 1.
 *
 * @example
 * targetsFromCensus([{ line: 2, scope: "SN", feature: "gender", value: "woman", share: 0.505 }, …], 40)
 * // [{ scope: "SN", feature: "gender", value: "woman", share: 0.505, ideal: 20.2, min: 20, max: 21 }, …]
 */
export const targetsFromCensus = (shares: ReadonlyArray<CensusShare>, size: number, tolerance = 0): Array<Target> => {
  const sums = new Map<string, number>()
  for (const s of shares) sums.set(`${s.scope}\u0000${s.feature}`, (sums.get(`${s.scope}\u0000${s.feature}`) ?? 0) + s.share)
  return shares.map((s) => {
    const sum = sums.get(`${s.scope}\u0000${s.feature}`)!
    const share = sum > 0 ? s.share / sum : 0
    // 1e-9: 0.3 × 40 is 12.000000000000002 in floating point, whose ceiling is not 13
    const ideal = round(share * size, 9)
    const min = Math.max(0, Math.floor(round((share - tolerance) * size, 9)))
    const max = Math.min(size, Math.ceil(round((share + tolerance) * size, 9)))
    return { scope: s.scope, feature: s.feature, value: s.value, share: round(share, 6), ideal: round(ideal, 3), min, max }
  })
}

/** One row of targets.csv, as read (see recruitment/DrawFiles.ts `parseTargets`). */
export interface TargetBound {
  readonly line: number
  readonly scope: string
  readonly feature: string
  readonly value: string
  readonly min: number
  readonly max: number
}

/** The targets that apply to one site's draw, and where they come from. */
export interface SiteTargets {
  /** The scopes of targets.csv used, most specific first, e.g. `SN` or `SN, all`. */
  readonly scope: string
  /** Where the most specific rows come from: `site` (its own), `country` (its country's, split by capacity when asked), `all`. */
  readonly from: "site" | "country" | "all"
  /** The share of the country's bounds this site takes: its capacity over the country's (1 unless split). */
  readonly share: number
  /** The bounds, each with the scope it comes from. */
  readonly bounds: ReadonlyArray<TargetBound>
}

/**
 * The targets of one site, feature by feature from the most specific scope that bounds the
 * feature: the rows scoped to its id, else its country's, else those scoped `all` (so a country
 * that only publishes its urban share keeps the world's age and gender targets). A country's rows
 * bound one panel (as `recruit targets` computes them for a panel of N), unless `countrySites` is
 * given: then they bound the country's panels together, and are split over its sites in
 * proportion to their capacity (`floor(min·share)` to `ceil(max·share)`, share = capacity / the
 * country's capacity). Undefined when no row applies.
 *
 * @example
 * targetsForSite(rows, { id: "sn-dakar", country: "SN", capacity: 60 }, [{ id: "sn-dakar", capacity: 60 }, { id: "sn-thies", capacity: 40 }])
 * // { scope: "SN, all", from: "country", share: 0.6, bounds: [{ scope: "SN", feature: "residence", value: "urban", min: 11, max: 13, … }, …] }
 */
export const targetsForSite = (
  rows: ReadonlyArray<TargetBound>,
  site: { readonly id: string; readonly country: string; readonly capacity: number },
  countrySites?: ReadonlyArray<{ readonly id: string; readonly capacity: number }>
): SiteTargets | undefined => {
  const total = countrySites?.reduce((s, x) => s + x.capacity, 0) ?? 0
  const share = countrySites === undefined || countrySites.length <= 1 || total <= 0 ? 1 : site.capacity / total
  const scopes = [
    { scope: site.id, from: "site" as const },
    { scope: site.country, from: "country" as const },
    { scope: "all", from: "all" as const }
  ]
  const bounds: Array<TargetBound> = []
  const used: Array<(typeof scopes)[number]> = []
  const taken = new Set<string>()
  for (const level of scopes) {
    const here = rows.filter((r) => r.scope === level.scope && !taken.has(r.feature))
    if (here.length === 0) continue
    used.push(level)
    for (const r of here) {
      // a tiny epsilon keeps whole products whole despite floating point (0.6·20 = 12.000000000000002)
      bounds.push(level.from === "country" && share !== 1 ? { ...r, min: Math.floor(r.min * share + 1e-9), max: Math.ceil(r.max * share - 1e-9) } : r)
    }
    for (const r of here) taken.add(r.feature)
  }
  if (used.length === 0) return undefined
  return { scope: used.map((u) => u.scope).join(", "), from: used[0]!.from, share: used.some((u) => u.from === "country") ? share : 1, bounds }
}
