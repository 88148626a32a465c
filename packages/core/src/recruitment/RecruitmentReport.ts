/**
 * `convene recruit report`: how representative each panel is, at every step from the census to
 * the day. Per site (or country) and per feature value of its draw: the census share, the target
 * bounds, and the counts and shares in the pool, the panel drawn, the confirmed panel and the
 * attendees; every count outside the bounds is flagged; the method and seed are stated.
 */
import * as Effect from "effect/Effect"
import type { Codebook } from "../domain/Codebook.js"
import { featureLabel, featureOf, valueLabel } from "../domain/Codebook.js"
import { formatCsv } from "../domain/Csv.js"
import { InputError } from "../domain/Errors.js"
import type { Site } from "../domain/Registry.js"
import { parseCensus } from "../domain/Targets.js"
import { readText } from "../infra/Files.js"
import { listRegistry } from "../registries/index.js"
import type { SiteDrawRecord } from "./Recruitment.js"
import { RecruitmentRepo } from "./RecruitmentRepo.js"

/** The steps a panel goes through, in order. */
export const REPORT_STAGES = ["pool", "selected", "confirmed", "attended"] as const
export type ReportStage = (typeof REPORT_STAGES)[number]

/** One feature value of one group: the census share, the bounds, and the count at each step. */
export interface RepresentationRow {
  readonly group: string
  readonly feature: string
  readonly value: string
  readonly label: string
  /** The population share from the census, or null without one. */
  readonly census: number | null
  readonly min: number
  readonly max: number
  /** Counts per step; `attended` is null where no attendance is recorded. */
  readonly counts: { readonly pool: number; readonly selected: number; readonly confirmed: number; readonly attended: number | null }
  /** The steps whose count is outside min..max (the pool is never flagged: it is what volunteered). */
  readonly flags: ReadonlyArray<ReportStage>
}

/** One group (a site or a country): its draws and its totals per step. */
export interface RepresentationGroup {
  readonly group: string
  readonly draws: ReadonlyArray<{ readonly site: string; readonly method: string; readonly seed: string; readonly size: number; readonly targets: string }>
  readonly totals: { readonly pool: number; readonly selected: number; readonly confirmed: number; readonly pending: number; readonly attended: number | null }
  readonly rows: ReadonlyArray<RepresentationRow>
}

/** The representativeness report. */
export interface RepresentationReport {
  readonly by: "site" | "country"
  readonly census: string | null
  readonly groups: ReadonlyArray<RepresentationGroup>
}

/**
 * The representativeness report of every site with a draw, grouped `by` site (default) or
 * country. With `census` (census.csv), each value's population share in the site's scope (its
 * id, its country or `all`).
 *
 * @example
 * const report = yield* recruitmentReport({ by: "site", census: "census.csv" })
 * report.groups[0].rows[0] // { feature: "gender", value: "woman", census: 0.495, min: 19, max: 21, counts: { pool: 44, selected: 20, … }, flags: [] }
 */
export const recruitmentReport = Effect.fn("Recruitment.report")(function*(options: { readonly by?: "site" | "country" | undefined; readonly census?: string | undefined; readonly censusName?: string | undefined; readonly codebook?: Codebook | undefined; readonly locale?: string | undefined } = {}) {
  const by = options.by ?? "site"
  const repo = yield* RecruitmentRepo
  const censusFile = options.censusName ?? options.census ?? null
  let shares: ReturnType<typeof parseCensus>["shares"] = []
  if (options.census !== undefined) {
    const parsed = parseCensus(yield* readText(options.census), censusFile!, options.codebook)
    if (parsed.problems.length > 0) return yield* new InputError({ summary: `${censusFile}: the census has problems.`, problems: parsed.problems })
    shares = parsed.shares
  }
  const drawn = yield* repo.drawnSites()
  if (drawn.length === 0) return yield* new InputError({ summary: "No site has a draw yet: nothing to report. Draw the panels first (`convene recruit select --site ID` or `--all`).", problems: [] })
  const sites = new Map<string, Site>((yield* listRegistry("sites")).map((s) => [s.id, s]))
  const attendance = yield* repo.attendance()
  const presentById = new Map(attendance.map((a) => [a.participant_id, a.present]))
  const sitesWithAttendance = new Set(attendance.map((a) => a.site_id))
  const locale = options.locale ?? "en"

  interface Acc { draws: Array<RepresentationGroup["draws"][number]>; totals: { pool: number; selected: number; confirmed: number; pending: number; attended: number | null }; rows: Map<string, { feature: string; value: string; census: number | null; min: number; max: number; pool: number; selected: number; confirmed: number; attended: number | null }> }
  const groups = new Map<string, Acc>()
  for (const siteId of drawn) {
    const site = sites.get(siteId)!
    const draw = (yield* repo.draw(siteId))!
    const record = draw.record as SiteDrawRecord
    const pool = (yield* repo.candidates(siteId)).filter((c) => c.consent)
    const featuresOf = new Map(pool.map((c) => [c.id, c.features]))
    const selected = record.panel
    const confirmed = draw.members.filter((m) => m.role === "panel" && m.status === "confirmed").map((m) => m.candidate_id)
    const pending = draw.members.filter((m) => m.role === "panel" && m.status === "pending").length
    const hasAttendance = sitesWithAttendance.has(siteId)
    const attended = hasAttendance ? confirmed.filter((id) => presentById.get(id) === true) : null
    const key = by === "site" ? siteId : site.country
    const acc: Acc = groups.get(key) ?? { draws: [], totals: { pool: 0, selected: 0, confirmed: 0, pending: 0, attended: null }, rows: new Map() }
    groups.set(key, acc)
    acc.draws.push({ site: siteId, method: record.method, seed: record.seed, size: record.size, targets: `${record.targets.file} (${record.targets.scope}${record.targets.share === 1 ? "" : `, share ${record.targets.share}`})` })
    acc.totals.pool += pool.length
    acc.totals.selected += selected.length
    acc.totals.confirmed += confirmed.length
    acc.totals.pending += pending
    if (attended !== null) acc.totals.attended = (acc.totals.attended ?? 0) + attended.length
    const count = (ids: ReadonlyArray<string>, f: string, v: string) => ids.reduce((n, id) => n + (featuresOf.get(id)?.[f] === v ? 1 : 0), 0)
    const scopeShare = (f: string, v: string): number | null => {
      for (const scope of [siteId, site.country, "all"]) {
        const inScope = shares.filter((s) => s.scope === scope && s.feature === f)
        if (inScope.length > 0) return inScope.find((s) => s.value === v)?.share ?? 0
      }
      return null
    }
    for (const q of record.targets.quotas) {
      const k = `${q.feature}\u0000${q.value}`
      const row = acc.rows.get(k) ?? { feature: q.feature, value: q.value, census: scopeShare(q.feature, q.value), min: 0, max: 0, pool: 0, selected: 0, confirmed: 0, attended: null }
      row.min += q.min
      row.max += q.max
      row.pool += pool.reduce((n, c) => n + (c.features[q.feature] === q.value ? 1 : 0), 0)
      row.selected += count(selected, q.feature, q.value)
      row.confirmed += count(confirmed, q.feature, q.value)
      if (attended !== null) row.attended = (row.attended ?? 0) + count(attended, q.feature, q.value)
      acc.rows.set(k, row)
    }
  }
  const outside = (n: number | null, min: number, max: number) => n !== null && (n < min || n > max)
  const report: RepresentationReport = {
    by,
    census: censusFile,
    groups: [...groups].sort(([a], [b]) => (a < b ? -1 : 1)).map(([group, acc]) => ({
      group,
      draws: acc.draws,
      totals: acc.totals,
      rows: [...acc.rows.values()].map((r) => {
        const feature = featureOf(options.codebook, r.feature)
        const flags: Array<ReportStage> = []
        if (outside(r.selected, r.min, r.max)) flags.push("selected")
        // while answers are pending, a count below the minimum can still be made up
        if (r.confirmed > r.max || (r.confirmed < r.min && acc.totals.pending === 0)) flags.push("confirmed")
        if (outside(r.attended, r.min, r.max)) flags.push("attended")
        return {
          group,
          feature: r.feature,
          value: r.value,
          label: feature === undefined ? r.value : `${featureLabel(feature, locale)}: ${valueLabel(feature, r.value, locale)}`,
          census: r.census,
          min: r.min,
          max: r.max,
          counts: { pool: r.pool, selected: r.selected, confirmed: r.confirmed, attended: r.attended },
          flags
        }
      })
    }))
  }
  return report
})

const pct = (n: number | null, total: number | null): string => (n === null || total === null || total === 0 ? "" : (n / total).toFixed(4))

/** The report as CSV: one row per group and feature value, counts and shares per step, flags. */
export const representationCsv = (report: RepresentationReport): string =>
  formatCsv(
    ["group", "feature", "value", "census_share", "min", "max", "pool", "pool_share", "selected", "selected_share", "confirmed", "confirmed_share", "attended", "attended_share", "flags"],
    report.groups.flatMap((g) =>
      g.rows.map((r) => [
        g.group, r.feature, r.value, r.census === null ? "" : r.census.toFixed(4), String(r.min), String(r.max),
        String(r.counts.pool), pct(r.counts.pool, g.totals.pool),
        String(r.counts.selected), pct(r.counts.selected, g.totals.selected),
        String(r.counts.confirmed), pct(r.counts.confirmed, g.totals.confirmed),
        r.counts.attended === null ? "" : String(r.counts.attended), pct(r.counts.attended, g.totals.attended),
        r.flags.join(" ")
      ])
    )
  )

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!)

/** The report as a standalone HTML page: a table per group, flagged counts marked. */
export const representationHtml = (report: RepresentationReport, title: string): string => {
  const share = (n: number | null, total: number | null) => (n === null || total === null || total === 0 ? "–" : `${n} <small>(${((100 * n) / total).toFixed(0)}%)</small>`)
  const cell = (r: RepresentationRow, stage: ReportStage, total: number | null) => `<td${r.flags.includes(stage) ? ' class="flag" title="outside the target"' : ""}>${share(r.counts[stage], total)}</td>`
  const sections = report.groups.map((g) => `<section><h2>${esc(g.group)}</h2>
<p>${g.draws.map((d) => `${esc(d.site)}: ${esc(d.method)}, seed <code>${esc(d.seed)}</code>, panel of ${d.size}, targets ${esc(d.targets)}`).join("<br>")}</p>
<p>Pool ${g.totals.pool} · selected ${g.totals.selected} · confirmed ${g.totals.confirmed}${g.totals.pending > 0 ? ` (${g.totals.pending} pending)` : ""} · attended ${g.totals.attended ?? "not recorded"}</p>
<table><thead><tr><th>Feature value</th><th>Census</th><th>Target</th><th>Pool</th><th>Selected</th><th>Confirmed</th><th>Attended</th></tr></thead><tbody>
${g.rows.map((r) => `<tr><th>${esc(r.label)}</th><td>${r.census === null ? "–" : `${(100 * r.census).toFixed(1)}%`}</td><td>${r.min}–${r.max}</td><td>${share(r.counts.pool, g.totals.pool)}</td>${cell(r, "selected", g.totals.selected)}${cell(r, "confirmed", g.totals.confirmed)}${cell(r, "attended", g.totals.attended)}</tr>`).join("\n")}
</tbody></table></section>`).join("\n")
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse;margin-bottom:2rem}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}th:first-child{text-align:left}td.flag{background:#fde2e1;font-weight:bold}small{color:#555}</style></head>
<body><h1>${esc(title)}</h1>
<p>Per ${report.by} and feature value: the population share${report.census === null ? " (no census given)" : ` (${esc(report.census)})`}, the target bounds of the draw, and the people at each step. A count outside its target is marked.</p>
${sections}
</body></html>
`
}
