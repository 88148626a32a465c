/**
 * The results report written out: tidy CSV (`group_by,group,question,option,measure,value,n`)
 * and JSON for analysts, and one self-contained HTML page, in the report's locale (right to left
 * for Arabic), whose charts are rendered to SVG at build time with Vega-Lite, as the survey
 * report's are.
 */
import type { TopLevelSpec } from "vega-lite"
import { formatCsv } from "../domain/Csv.js"
import { englishCountryName } from "../domain/Regions.js"
import type { Figure, VoteGroupResult, VoteQuestionResult } from "../domain/ResultsAnalysis.js"
import * as vega from "../infra/vendor/vega.js"
import type { ReportText, ResultsReport } from "./ResultsReport.js"

/** The report as JSON. */
export const resultsJson = (report: ResultsReport): string => `${JSON.stringify(report, null, 2)}\n`

const round = (x: number | null | undefined, digits = 6): string => (x === null || x === undefined || !Number.isFinite(x) ? "" : String(Number(x.toFixed(digits))))

/**
 * The report as tidy CSV, one row per figure: `group_by` (`none` for the global figures,
 * `mirror` for the mirror dialogues reported apart, `national:<site or country>` for a national
 * session's own questions), `group`, `question`, `option` (empty for a
 * question's own figures), `measure`, `value`, `n` (the voters the figure is computed over).
 * Measures: sites, countries, voters; count, share, share_low, share_high and, per group,
 * share_diff, share_diff_low, share_diff_high; for scales mean (with the same suffixes) and
 * median; for rankings mean_rank, borda (points) and borda_per_voter (with the same suffixes).
 */
export const resultsCsv = (report: ResultsReport): string => {
  const rows: Array<Array<string>> = []
  const emit = (groupBy: string, g: VoteGroupResult) => {
    for (const q of g.questions) {
      const row = (option: string, measure: string, value: string, n: number) => rows.push([groupBy, g.key, q.id, option, measure, value, String(n)])
      const figure = (option: string, measure: string, f: Figure, n: number) => {
        row(option, measure, round(f.value), n)
        row(option, `${measure}_low`, round(f.low), n)
        row(option, `${measure}_high`, round(f.high), n)
        if (f.vs_global !== undefined) {
          row(option, `${measure}_diff`, round(f.vs_global.diff), n)
          row(option, `${measure}_diff_low`, round(f.vs_global.low), n)
          row(option, `${measure}_diff_high`, round(f.vs_global.high), n)
        }
      }
      row("", "sites", String(q.n.sites), q.n.voters)
      row("", "countries", String(q.n.countries), q.n.voters)
      row("", "voters", String(q.n.voters), q.n.voters)
      for (const o of q.options) {
        row(o.id, "count", String(o.count), q.n.voters)
        figure(o.id, "share", o.share, q.n.voters)
        if (o.mean_rank !== undefined) figure(o.id, "mean_rank", o.mean_rank, o.count)
        if (o.borda !== undefined) {
          row(o.id, "borda", String(o.borda.points), q.n.voters)
          figure(o.id, "borda_per_voter", o.borda.per_voter, q.n.voters)
        }
      }
      if (q.mean !== undefined) figure("", "mean", q.mean, q.n.voters)
      if (q.median !== undefined) row("", "median", round(q.median), q.n.voters)
    }
  }
  emit("none", report.analysis.global)
  for (const g of report.analysis.groups) emit(report.analysis.by, g)
  if (report.mirror !== null) emit("mirror", report.mirror)
  for (const n of report.national) emit(`national:${n.place}`, n.result)
  return formatCsv(["group_by", "group", "question", "option", "measure", "value", "n"], rows)
}

/**
 * A CSV of the report, with the embargo's watermark as its first line (`# EMBARGOED until …`)
 * when the report was written before the embargo ended: whoever opens it sees it first.
 */
export const watermarkedCsv = (report: ResultsReport, csv: string): string => (report.embargoed === null ? csv : `# ${report.embargoed.watermark}\n${csv}`)

/** The recommendations as CSV, the most voted first: question, site, country (code), country_name (English), question, table, number, votes, share of the site's votes, text. */
export const recommendationsCsv = (report: ResultsReport): string =>
  formatCsv(
    ["question", "site", "country", "country_name", "table", "number", "votes", "site_share", "text"],
    report.analysis.recommendations.flatMap((r) => r.items.map((i) => [r.question, i.site_id, i.country, englishCountryName(i.country), String(i.table), String(i.number), String(i.votes), round(i.site_share), i.text]))
  )

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

/** Renders a Vega-Lite spec to an SVG string, in Node, without a browser. */
const svgOf = async (spec: TopLevelSpec): Promise<string> => {
  const view = new vega.View(vega.parse(vega.compile(spec).spec), { renderer: "none" })
  const svg = await view.toSVG()
  view.finalize()
  return svg
}

const pct = (x: number | null | undefined): string => (x === null || x === undefined ? "—" : `${(x * 100).toFixed(1)} %`)
const num = (x: number | null | undefined, digits = 2): string => (x === null || x === undefined ? "—" : x.toFixed(digits))
const interval = (f: { readonly low: number | null; readonly high: number | null }, show: (x: number | null) => string): string => (f.low === null || f.high === null ? "—" : `${show(f.low)} – ${show(f.high)}`)
const signedPts = (x: number | null): string => (x === null ? "—" : `${x >= 0 ? "+" : "−"}${Math.abs(x * 100).toFixed(1)}`)
const signed = (x: number | null): string => (x === null ? "—" : `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(2)}`)

/** Bars of a question's shares (or Borda points per voter for a ranking) with their 95% intervals as whiskers. */
const barsSpec = (q: VoteQuestionResult, title: string): TopLevelSpec => {
  const ranking = q.type === "ranking"
  const rows = q.options.map((o, i) => {
    const f = ranking ? o.borda!.per_voter : o.share
    const scale = ranking ? 1 : 100
    return { option: q.type === "scale" ? o.id : o.label, order: i, value: (f.value ?? 0) * scale, low: f.low === null ? null : f.low * scale, high: f.high === null ? null : f.high * scale }
  })
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: 460,
    height: { step: q.type === "scale" ? 16 : 24 },
    data: { values: rows },
    layer: [
      { mark: { type: "bar", color: "#67a9cf" }, encoding: { y: { field: "option", type: "nominal", title: null, sort: null, axis: { labelLimit: 260 } }, x: { field: "value", type: "quantitative", title } } },
      { mark: { type: "rule", color: "#08306b", strokeWidth: 1.5 }, encoding: { y: { field: "option", type: "nominal", sort: null }, x: { field: "low", type: "quantitative" }, x2: { field: "high" } } }
    ]
  } as TopLevelSpec
}

/** A dot per group at its figure, with its 95% interval, and the global figure as a vertical line. */
const groupsSpec = (points: ReadonlyArray<{ group: string; value: number; low: number | null; high: number | null }>, global: number, title: string): TopLevelSpec => ({
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  width: 460,
  height: { step: 18 },
  data: { values: [...points] as Array<Record<string, unknown>> },
  layer: [
    { mark: { type: "rule", color: "#888", strokeDash: [4, 3] }, encoding: { x: { datum: global } } },
    { mark: { type: "rule", strokeWidth: 2, color: "#2166ac" }, encoding: { y: { field: "group", type: "nominal", title: null, sort: null }, x: { field: "low", type: "quantitative", title }, x2: { field: "high" } } },
    { mark: { type: "point", filled: true, size: 55, color: "#08306b" }, encoding: { y: { field: "group", type: "nominal", sort: null }, x: { field: "value", type: "quantitative" } } }
  ]
}) as TopLevelSpec

const CSS = `body{font-family:system-ui,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic",Arial,sans-serif;color:#1d2430;max-width:70rem;margin:0 auto;padding:1.5rem;line-height:1.45}
h1{color:#0b5a40}h2{border-bottom:2px solid #0b5a40;padding-bottom:.2rem;margin-top:2.5rem}h3{margin-top:1.6rem}
table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.9rem}th,td{border-bottom:1px solid #d5d9e0;padding:.25rem .5rem;text-align:end;vertical-align:top}td{white-space:nowrap}th:first-child,td:first-child,td.text{text-align:start}td.text{white-space:normal}
thead th{color:#4a5361}.muted{color:#5b6472;font-size:.9rem}.chart{margin:.4rem 0 1rem;overflow-x:auto}.chart svg{direction:ltr}
.methods{background:#f6f7f9;border-inline-start:4px solid #0b5a40;padding:.6rem 1rem}.methods p{margin:.3rem 0}details{margin:.4rem 0}summary{cursor:pointer}
.left-out{background:#eef4f8;padding:.5rem 1rem}.embargoed{position:sticky;top:0;background:#8b0000;color:#fff;padding:.6rem 1rem;font-weight:700;text-align:center;letter-spacing:.02em}.simulated{background:#fff4ce;border:2px solid #8a3b00;padding:.6rem 1rem;font-weight:700}ol.recs li{margin:.3rem 0}@media print{.chart{break-inside:avoid}}`

/** The label of a group, in the report's locale where the catalogs name it (income groups, formats). */
const groupLabel = (report: ResultsReport, g: VoteGroupResult, t: ReportText): string => {
  if (g.key === "all") return t("global")
  if (report.analysis.by === "income") return t(`income.${g.key}`)
  if (report.analysis.by === "format") return t(`format.${g.key}`)
  return g.label
}

/**
 * The report as one self-contained HTML page: no external asset, charts as inline SVG, the
 * page's own texts from the catalogs (`results_report.*`), question and option labels from the
 * ballots, both in the report's locale.
 */
export const resultsHtml = async (report: ResultsReport, t: ReportText): Promise<string> => {
  const a = report.analysis
  const out: Array<string> = []
  out.push(`<!doctype html><html lang="${esc(report.locale)}" dir="${report.dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${report.embargoed === null ? "" : "EMBARGOED — "}${esc(t("title", { dialogue: report.dialogue.title }))}</title><style>${CSS}</style></head><body>`)
  if (report.embargoed !== null) out.push(`<p class="embargoed" role="alert">${esc(report.embargoed.watermark)}</p>`)
  if (report.simulatedSites > 0) out.push(`<p class="simulated" role="alert">⚠ ${esc(t("simulated", { count: report.simulatedSites, total: report.counted.sites }))}</p>`)
  out.push(`<h1>${esc(t("title", { dialogue: report.dialogue.title }))}</h1>`)
  out.push(`<p class="muted">${esc(t("subtitle", { sites: report.counted.sites, countries: report.counted.countries, weight: a.weight, by: a.by === "none" ? "none" : a.by.startsWith("group:") ? "group" : a.by, file: a.by.replace(/^group:/, "") }))}</p>`)
  if (report.leftOut.length > 0) {
    out.push(`<div class="left-out"><p>${esc(t("left_out", { count: report.leftOut.reduce((s, l) => s + l.count, 0) }))}</p><ul>${report.leftOut.map((l) => `<li>${esc(t("reason", { reason: l.reason, count: l.count }))}</li>`).join("")}</ul></div>`)
  }

  for (const [qi, q] of a.global.questions.entries()) {
    out.push(`<h2 id="q-${esc(q.id)}">${esc(q.label)}</h2>`)
    out.push(`<p class="muted">${esc(t("question_meta", { type: q.type, collect: q.collect, id: q.id }))} · ${esc(t("n_line", { voters: q.n.voters, sites: q.n.sites, countries: q.n.countries }))}</p>`)
    if (q.n.voters === 0) continue
    out.push(`<div class="chart">${await svgOf(barsSpec(q, q.type === "ranking" ? t("chart_borda") : t("chart_share")))}</div>`)
    out.push(questionTable(q, t))
    if (a.groups.length > 0) {
      out.push(`<h3>${esc(t("by_group", { by: a.by.startsWith("group:") ? "group" : a.by }))}</h3>`)
      const chart = groupChart(a.groups.map((g) => ({ label: groupLabel(report, g, t), q: g.questions[qi]! })), q, t)
      if (chart !== undefined) out.push(`<div class="chart">${await svgOf(chart)}</div>`)
      out.push(groupsTable(report, qi, q, t))
    }
  }

  if (report.mirror !== null) {
    out.push(`<h2>${esc(t("mirror_heading"))}</h2><p class="muted">${esc(t("mirror_note", { sites: report.mirror.sites }))}</p>`)
    for (const q of report.mirror.questions) {
      out.push(`<h3>${esc(q.label)}</h3><p class="muted">${esc(t("n_line", { voters: q.n.voters, sites: q.n.sites, countries: q.n.countries }))}</p>`)
      if (q.n.voters > 0) out.push(questionTable(q, t))
    }
  }

  for (const n of report.national) {
    out.push(`<h2>${esc(t("national_heading", { place: n.place }))}</h2><p class="muted">${esc(t("national_note", { sites: n.result.sites }))}</p>`)
    for (const q of n.result.questions) {
      out.push(`<h3>${esc(q.label)}</h3><p class="muted">${esc(t("n_line", { voters: q.n.voters, sites: q.n.sites, countries: q.n.countries }))}</p>`)
      if (q.n.voters > 0) out.push(questionTable(q, t))
    }
  }

  for (const r of a.recommendations) {
    out.push(`<h2>${esc(t("recommendations"))}: ${esc(r.label)}</h2><h3>${esc(t("recommendations_top"))}</h3><ol class="recs">`)
    for (const i of r.items.slice(0, 30)) out.push(`<li>${esc(i.text)} <span class="muted">— ${esc(i.site_name)}, ${esc(t("table", { table: i.table }))} · ${esc(t("votes", { votes: i.votes }))}${i.site_share === null ? "" : ` (${pct(i.site_share)})`}</span></li>`)
    out.push(`</ol><h3>${esc(t("recommendations_by_country"))}</h3>`)
    for (const c of r.countries) {
      out.push(`<details><summary>${esc(c.label)} · ${esc(t("votes", { votes: c.votes }))}</summary>`)
      for (const s of c.sites) {
        out.push(`<p><strong>${esc(s.name)}</strong> <span class="muted">${esc(t("votes", { votes: s.votes }))}</span></p><ol class="recs">${s.items.slice(0, 10).map((i) => `<li>${esc(i.text)} <span class="muted">${esc(t("table", { table: i.table }))} · ${esc(t("votes", { votes: i.votes }))}</span></li>`).join("")}</ol>`)
        if (s.items.length > 10) out.push(`<p class="muted">${esc(t("more_in_csv", { count: s.items.length - 10 }))}</p>`)
      }
      out.push("</details>")
    }
  }

  out.push(`<h2>${esc(t("methods_heading"))}</h2><div class="methods">${report.methods.map((p) => `<p>${esc(p)}</p>`).join("")}</div>`)
  if (report.embargoed !== null) out.push(`<p class="embargoed">${esc(report.embargoed.watermark)}</p>`)
  out.push("</body></html>\n")
  return out.join("\n")
}

/** A question's options: count, share and interval; for rankings mean rank and Borda points; for scales the mean and median. */
const questionTable = (q: VoteQuestionResult, t: ReportText): string => {
  const ranking = q.type === "ranking"
  const head = `<tr><th scope="col">${esc(t(q.type === "scale" ? "col_point" : "col_option"))}</th><th scope="col">${esc(t("col_count"))}</th><th scope="col">${esc(t("col_share"))}</th><th scope="col">${esc(t("col_interval"))}</th>${ranking ? `<th scope="col">${esc(t("col_mean_rank"))}</th><th scope="col">${esc(t("col_interval"))}</th><th scope="col">${esc(t("col_borda"))}</th><th scope="col">${esc(t("col_borda_per_voter"))}</th><th scope="col">${esc(t("col_interval"))}</th>` : ""}</tr>`
  const rows = q.options.map((o) =>
    `<tr><td>${esc(o.label)}</td><td>${o.count}</td><td>${pct(o.share.value)}</td><td>${interval(o.share, pct)}</td>${
      ranking ? `<td>${num(o.mean_rank?.value)}</td><td>${interval(o.mean_rank!, (x) => num(x))}</td><td>${o.borda!.points}</td><td>${num(o.borda!.per_voter.value)}</td><td>${interval(o.borda!.per_voter, (x) => num(x))}</td>` : ""
    }</tr>`
  )
  const scale = q.mean === undefined ? "" : `<p>${esc(t("scale_summary", { mean: num(q.mean.value), low: num(q.mean.low), high: num(q.mean.high), median: num(q.median ?? null, 1) }))}</p>`
  return `${scale}<table><thead>${head}</thead><tbody>${rows.join("")}</tbody></table>`
}

/** The groups' figure of a question as dots with intervals: a scale's mean, else the share of the option most chosen overall. */
const groupChart = (groups: ReadonlyArray<{ label: string; q: VoteQuestionResult }>, global: VoteQuestionResult, t: ReportText): TopLevelSpec | undefined => {
  const shown = groups.filter((g) => g.q.n.voters > 0).slice(0, 60)
  if (shown.length === 0) return undefined
  if (global.mean !== undefined) {
    return groupsSpec(shown.map((g) => ({ group: g.label, value: g.q.mean?.value ?? 0, low: g.q.mean?.low ?? null, high: g.q.mean?.high ?? null })), global.mean.value ?? 0, t("chart_group_mean"))
  }
  const lead = global.options.reduce((best, o, i) => ((o.share.value ?? 0) > (global.options[best]!.share.value ?? 0) ? i : best), 0)
  const pts = (x: number | null) => (x === null ? null : x * 100)
  return groupsSpec(
    shown.map((g) => ({ group: g.label, value: pts(g.q.options[lead]!.share.value) ?? 0, low: pts(g.q.options[lead]!.share.low), high: pts(g.q.options[lead]!.share.high) })),
    (global.options[lead]!.share.value ?? 0) * 100,
    t("chart_group_share", { option: global.options[lead]!.label })
  )
}

/** Per group: its counts, and each option's share with its interval and its difference with the global share (a scale's mean too). */
const groupsTable = (report: ResultsReport, qi: number, q: VoteQuestionResult, t: ReportText): string => {
  const head = `<tr><th scope="col">${esc(t("col_group"))}</th><th scope="col">${esc(t("col_sites"))}</th><th scope="col">${esc(t("col_voters"))}</th><th scope="col">${esc(t(q.type === "scale" ? "col_point" : "col_option"))}</th><th scope="col">${esc(t("col_share"))}</th><th scope="col">${esc(t("col_interval"))}</th><th scope="col">${esc(t("col_diff"))}</th><th scope="col">${esc(t("col_interval"))}</th></tr>`
  const rows: Array<string> = []
  for (const g of report.analysis.groups) {
    const gq = g.questions[qi]!
    const label = groupLabel(report, g, t)
    if (gq.mean !== undefined) {
      const d = gq.mean.vs_global
      rows.push(`<tr><td>${esc(label)}</td><td>${gq.n.sites}</td><td>${gq.n.voters}</td><td>${esc(t("col_mean"))}</td><td>${num(gq.mean.value)}</td><td>${interval(gq.mean, (x) => num(x))}</td><td>${signed(d?.diff ?? null)}</td><td>${d === undefined ? "—" : interval(d, signed)}</td></tr>`)
    }
    gq.options.forEach((o, i) => {
      const d = o.share.vs_global
      const first = i === 0 && gq.mean === undefined
      rows.push(`<tr><td>${first ? esc(label) : ""}</td><td>${first ? gq.n.sites : ""}</td><td>${first ? gq.n.voters : ""}</td><td>${esc(o.label)}</td><td>${pct(o.share.value)}</td><td>${interval(o.share, pct)}</td><td>${signedPts(d?.diff ?? null)}</td><td>${d === undefined ? "—" : interval(d, signedPts)}</td></tr>`)
    })
  }
  return `<details${report.analysis.groups.length <= 12 ? " open" : ""}><summary>${esc(t("groups_table", { count: report.analysis.groups.length }))}</summary><table><thead>${head}</thead><tbody>${rows.join("")}</tbody></table></details>`
}
