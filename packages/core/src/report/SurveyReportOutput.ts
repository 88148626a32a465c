/**
 * The impact report written out: tidy CSV and JSON for analysts (R, Stata, SPSS), and one
 * self-contained HTML page whose charts are rendered to SVG at build time with Vega-Lite —
 * response-rate bars, diverging stacked bars for Likert questions, dot plots of the paired change
 * with its confidence interval per group.
 */
import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import type { TopLevelSpec } from "vega-lite"
import { formatCsv } from "../domain/Csv.js"
import type { GroupDiD, GroupResult, PairedResult, QuestionResult, SurveyReport, WavePairReport } from "../domain/Report.js"
import * as vega from "../infra/vendor/vega.js"
import { builtInReportText, type PageText, pageText, type SurveyReportText } from "./SurveyReportText.js"
import { sampleCsv, sampleHtml } from "./SampleReportOutput.js"

/** The report as JSON. */
export const reportJson = (report: SurveyReport): string => `${JSON.stringify(report, null, 2)}\n`

const round = (x: number | null | undefined, digits = 6): string => (x === null || x === undefined || !Number.isFinite(x) ? "" : String(Number(x.toFixed(digits))))
/**
 * A p-value in full precision (the shortest text that reads back as the same double, e.g.
 * `3.2e-12`): rounding to six places would write a very small p-value as 0.
 */
const exact = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? "" : String(x))

/**
 * The report as tidy CSV: one row per figure — pool, grouping, group, question, wave, measure,
 * option, value, n. p-values (`p_t_test`, `p_wilcoxon`, `p_mcnemar`, `p_mcnemar_exact`) are written in
 * full precision (`3.2e-12`, never rounded to 0); other figures to six decimal places. Suppressed groups, waves and paired figures appear as a `suppressed` row,
 * never as numbers; a suppressed group has no response rows (no counts at all).
 */
export const reportCsv = (report: SurveyReport): string => {
  const rows: Array<Array<string>> = []
  const row = (pool: string, g: GroupResult, question: string, type: string, wave: string, measure: string, option: string, value: string, n: number | string) =>
    rows.push([pool, report.by, g.key, g.label, question, type, wave, measure, option, value, String(n)])
  const paired = (pool: string, g: GroupResult, q: string, type: string, p: PairedResult) => pairedRows(pool, g, q, type, p, `${report.pairedWaves?.[0] ?? "pre"}-${report.pairedWaves?.[1] ?? "post"}`)
  const pairedRows = (pool: string, g: GroupResult, q: string, type: string, p: PairedResult, w: string) => {
    for (const [measure, value] of [
      ["mean_pre", p.meanPre], ["mean_post", p.meanPost], ["mean_change", p.meanChange], ["ci95_low", p.ci95?.[0]], ["ci95_high", p.ci95?.[1]],
      ["t", p.t], ["df", p.df], ["p_t_test", p.pT], ["wilcoxon_v", p.wilcoxon.v], ["p_wilcoxon", p.wilcoxon.p], ["d_z", p.dz], ["rank_biserial", p.rankBiserial]
    ] as const) row(pool, g, q, type, w, measure, measure === "p_wilcoxon" ? p.wilcoxon.method : "", measure.startsWith("p_") ? exact(value) : round(value), p.n)
  }
  for (const { pool, groups } of report.pools) {
    for (const g of groups) {
      if (g.suppressed) row(pool, g, "", "", "", "suppressed", "", "1", "")
      for (const [wave, r] of Object.entries(g.response.waves)) {
        row(pool, g, "", "", wave, "registered", "", String(r.registered), r.registered)
        row(pool, g, "", "", wave, "invited", "", String(r.invited), r.invited)
        row(pool, g, "", "", wave, "answered", "", String(r.answered), r.answered)
        row(pool, g, "", "", wave, "response_rate", "", round(r.rate), r.registered)
      }
      if (g.response.paired !== null) row(pool, g, "", "", "", "paired", "", String(g.response.paired), g.response.paired)
      if (g.knowledge !== null) {
        if ("suppressed" in g.knowledge) row(pool, g, "knowledge_index", "index", "", "suppressed", "", "1", "")
        else paired(pool, g, "knowledge_index", "index", g.knowledge)
      }
      for (const q of g.questions) {
        for (const [wave, w] of Object.entries(q.waves)) {
          if (w.suppressed) {
            row(pool, g, q.id, q.type, wave, "suppressed", "", "1", "")
            continue
          }
          for (const s of w.shares) row(pool, g, q.id, q.type, wave, "share", s.value, round(s.share), s.count)
          if (w.mean !== null) row(pool, g, q.id, q.type, wave, "mean", "", round(w.mean), w.n)
          if (w.median !== null) row(pool, g, q.id, q.type, wave, "median", "", round(w.median), w.n)
          if (q.freeText !== null) for (const t of q.freeText[wave] ?? []) row(pool, g, q.id, q.type, wave, "text", t.text, String(t.count), t.count)
        }
        if (q.paired !== null) {
          if ("unpaired" in q.paired) row(pool, g, q.id, q.type, "", "unpaired", "", "1", "")
          else if ("suppressed" in q.paired) row(pool, g, q.id, q.type, "", "suppressed", "", "1", "")
          else paired(pool, g, q.id, q.type, q.paired)
        }
        for (const s of q.shift ?? []) row(pool, g, q.id, q.type, "pre-post", "share_change", s.value, round(s.change), "")
        if (q.mcnemar !== null) {
          row(pool, g, q.id, q.type, "pre-post", "mcnemar_b", "", String(q.mcnemar.b), "")
          row(pool, g, q.id, q.type, "pre-post", "mcnemar_c", "", String(q.mcnemar.c), "")
          row(pool, g, q.id, q.type, "pre-post", "mcnemar_chi2", "", round(q.mcnemar.statistic), "")
          row(pool, g, q.id, q.type, "pre-post", "p_mcnemar", q.mcnemar.method, exact(q.mcnemar.p), "")
          row(pool, g, q.id, q.type, "pre-post", "p_mcnemar_exact", "", exact(q.mcnemar.exactP), "")
        }
      }
    }
  }
  const did = (pool: string, pairName: string, groups: ReadonlyArray<GroupDiD>) => {
    for (const g of groups) {
      const gr = { key: g.key, label: g.label } as GroupResult
      for (const q of g.questions) {
        if ("suppressed" in q) {
          row(pool, gr, q.question, "did", pairName, "suppressed", "", "1", "")
          continue
        }
        for (const [measure, value, n] of [
          ["panel_change", q.panel.change, q.panel.n], ["control_change", q.control.change, q.control.n], ["did", q.did, ""],
          ["did_se", q.welch?.se, ""], ["did_df", q.welch?.df, ""], ["did_ci95_low", q.welch?.ci95[0], ""], ["did_ci95_high", q.welch?.ci95[1], ""], ["p_did_welch", q.welch?.p, ""]
        ] as const) row(pool, gr, q.question, "did", pairName, measure, q.measure, measure.startsWith("p_") ? exact(value) : round(value), n)
      }
    }
  }
  if (report.did !== undefined && report.did !== null) did("did", `${report.pairedWaves?.[0] ?? "pre"}-${report.pairedWaves?.[1] ?? "post"}`, report.did)
  for (const pair of report.otherPairs ?? []) {
    const name = `${pair.waves[0]}-${pair.waves[1]}`
    for (const { pool, groups } of pair.pools) {
      for (const g of groups) {
        const gr = { key: g.key, label: g.label } as GroupResult
        if (g.suppressed) {
          row(pool, gr, "", "", name, "suppressed", "", "1", "")
          continue
        }
        if (g.paired !== null) row(pool, gr, "", "", name, "paired", "", String(g.paired), g.paired)
        if (g.knowledge !== null) {
          if ("suppressed" in g.knowledge) row(pool, gr, "knowledge_index", "index", name, "suppressed", "", "1", "")
          else pairedRows(pool, gr, "knowledge_index", "index", g.knowledge, name)
        }
        for (const q of g.questions) {
          if (q.paired !== null && "suppressed" in q.paired) row(pool, gr, q.id, q.type, name, "suppressed", "", "1", "")
          else if (q.paired !== null && !("unpaired" in q.paired)) pairedRows(pool, gr, q.id, q.type, q.paired, name)
          for (const x of q.shift ?? []) row(pool, gr, q.id, q.type, name, "share_change", x.value, round(x.change), "")
          if (q.mcnemar !== null) row(pool, gr, q.id, q.type, name, "p_mcnemar", q.mcnemar.method, exact(q.mcnemar.p), "")
        }
      }
    }
    if (pair.did !== null) did("did", name, pair.did)
  }
  // the post-stratified estimates of the overall group: pool `weighted:<feature>`
  if (report.weighted !== undefined) {
    const pool = `weighted:${report.weighted.feature}`
    const all = { key: "all", label: "All participants" } as GroupResult
    for (const [wave, estimates] of Object.entries(report.weighted.waves)) {
      for (const e of estimates) {
        if (e.mean !== undefined) {
          row(pool, all, e.question, "", wave, "mean", "", round(e.mean.unweighted), e.n)
          row(pool, all, e.question, "", wave, "mean_weighted", "", round(e.mean.weighted), e.n)
        }
        for (const x of e.shares ?? []) {
          row(pool, all, e.question, "", wave, "share", x.value, round(x.unweighted), e.n)
          row(pool, all, e.question, "", wave, "share_weighted", x.value, round(x.weighted), e.n)
        }
      }
    }
    for (const p of report.weighted.pairs) {
      for (const q of p.questions) {
        row(pool, all, q.question, "", `${p.waves[0]}-${p.waves[1]}`, "mean_change", "", round(q.unweighted), q.n)
        row(pool, all, q.question, "", `${p.waves[0]}-${p.waves[1]}`, "mean_change_weighted", "", round(q.weighted), q.n)
      }
    }
  }
  return formatCsv(["pool", "by", "group", "group_label", "question", "question_type", "wave", "measure", "option", "value", "n"], rows)
}

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

/** Renders a Vega-Lite spec to an SVG string, in Node, without a browser. */
const svgOf = async (spec: TopLevelSpec): Promise<string> => {
  const { data, ...shape } = spec as TopLevelSpec & { data?: { values?: Array<Record<string, unknown>> } }
  const view = new vega.View(runtimeOf(shape), { renderer: "none" })
  view.data("source", data?.values ?? [])
  const svg = await view.toSVG()
  view.finalize()
  return svg
}

/**
 * The parsed Vega dataflow of a chart's shape (its spec without its data), compiled once: the
 * per-country reports draw the same charts, with other figures, a hundred times over, and
 * compiling Vega-Lite costs more than drawing.
 */
const runtimes = new Map<string, ReturnType<typeof vega.parse>>()
const runtimeOf = (shape: Omit<TopLevelSpec, "data">): ReturnType<typeof vega.parse> => {
  const key = JSON.stringify(shape)
  let runtime = runtimes.get(key)
  if (runtime === undefined) {
    if (runtimes.size > 500) runtimes.clear()
    runtime = vega.parse(vega.compile({ ...shape, data: { name: "source" } } as TopLevelSpec).spec)
    runtimes.set(key, runtime)
  }
  return runtime
}

const COLORS = { neg2: "#b2182b", neg1: "#ef8a62", neutral: "#d9d9d9", pos1: "#67a9cf", pos2: "#2166ac" }

/** Diverging stacked bars, pre against post, for one Likert or 0–10 question of one group. */
const divergingSpec = (q: QuestionResult, page: PageText): TopLevelSpec | undefined => {
  const waves = Object.entries(q.waves).filter(([, w]) => !w.suppressed && w.n > 0)
  if (waves.length === 0) return undefined
  const rows: Array<Record<string, unknown>> = []
  for (const [wave, w] of waves) {
    const k = w.shares.length
    const mid = (k - 1) / 2
    // the neutral middle is split across zero; negatives stack to the left
    let left = -w.shares.filter((_, i) => i < mid).reduce((s, x) => s + x.share, 0) - (k % 2 === 1 ? w.shares[Math.floor(mid)]!.share / 2 : 0)
    w.shares.forEach((s, i) => {
      const color = i < mid ? (i < mid / 2 ? COLORS.neg2 : COLORS.neg1) : i > mid ? (i > mid + (k - 1 - mid) / 2 ? COLORS.pos2 : COLORS.pos1) : COLORS.neutral
      rows.push({ wave: page.wave(wave), option: `${s.value} ${s.label}`, order: i, start: left * 100, end: (left + s.share) * 100, color, share: (s.share * 100).toFixed(1) })
      left += s.share
    })
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: 520,
    height: { step: 26 },
    data: { values: rows },
    mark: { type: "bar" },
    encoding: {
      y: { field: "wave", type: "nominal", title: null, sort: null },
      x: { field: "start", type: "quantitative", title: page.t("axis_likert"), scale: { domain: [-100, 100] } },
      x2: { field: "end" },
      color: { field: "color", type: "nominal", scale: null, legend: null },
      tooltip: [{ field: "option" }, { field: "share" }]
    }
  } as TopLevelSpec
}

/** A dot per group at its mean paired change, with the 95% confidence interval as a line. */
const dotSpec = (points: ReadonlyArray<{ group: string; change: number; low: number; high: number }>, title: string): TopLevelSpec => ({
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  width: 460,
  height: { step: 20 },
  data: { values: [...points] as Array<Record<string, unknown>> },
  layer: [
    { mark: { type: "rule", color: "#888" }, encoding: { x: { datum: 0 } } },
    { mark: { type: "rule", strokeWidth: 2, color: "#2166ac" }, encoding: { y: { field: "group", type: "nominal", title: null, sort: null }, x: { field: "low", type: "quantitative", title }, x2: { field: "high" } } },
    { mark: { type: "point", filled: true, size: 60, color: "#08306b" }, encoding: { y: { field: "group", type: "nominal", sort: null }, x: { field: "change", type: "quantitative" } } }
  ]
}) as TopLevelSpec

/** Response rate per group and wave. */
const responseSpec = (groups: ReadonlyArray<GroupResult>, w: PageText, label: (g: { key: string; label: string }) => string): TopLevelSpec => ({
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  width: 460,
  data: {
    values: groups.flatMap((g) => Object.entries(g.response.waves).map(([x, r]) => ({ group: label(g), wave: w.wave(x), rate: r.rate === null ? 0 : r.rate * 100 })))
  },
  mark: "bar",
  encoding: {
    y: { field: "group", type: "nominal", title: null, sort: null },
    yOffset: { field: "wave", type: "nominal" },
    x: { field: "rate", type: "quantitative", title: w.t("axis_response"), scale: { domain: [0, 100] } },
    color: { field: "wave", type: "nominal", scale: { range: ["#9ecae1", "#08519c", "#6baed6"] }, title: w.t("legend_wave") }
  }
}) as TopLevelSpec

const CSS = `body{font-family:system-ui,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;color:#1d2430;max-width:70rem;margin:0 auto;padding:1.5rem;line-height:1.45}
h1{color:#0b5a40}h2{border-bottom:2px solid #0b5a40;padding-bottom:.2rem;margin-top:2.5rem}h3{margin-top:2rem}
table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.9rem}th,td{border-bottom:1px solid #d5d9e0;padding:.25rem .5rem;text-align:end;vertical-align:top}td{white-space:nowrap}th:first-child,td:first-child{text-align:start}
thead th{color:#4a5361}.suppressed{color:#8a3b00;font-style:italic}.muted{color:#5b6472;font-size:.9rem}.chart{margin:.4rem 0 1rem;overflow-x:auto}.chart svg{direction:ltr}
.methods{background:#f6f7f9;border-inline-start:4px solid #0b5a40;padding:.6rem 1rem;white-space:pre-line}details{margin:.4rem 0}summary{cursor:pointer}
ul.free{columns:2;font-size:.9rem}.simulated{background:#fff4ce;border:2px solid #8a3b00;padding:.6rem 1rem;font-weight:700}@media print{.chart{break-inside:avoid}}`

/**
 * The report as one self-contained HTML page: no external asset, charts as inline SVG, its own
 * words from the catalogs (`survey_report.*`) and its numbers in the report's locale (English
 * from core's catalog when no text is given); `dir="rtl"` for Arabic.
 */
export const reportHtml = async (report: SurveyReport, text: SurveyReportText = builtInReportText()): Promise<string> => {
  const w = pageText(text)
  const { t, fmt, pct, pFmt, int, range, wave } = w
  const out: Array<string> = []
  // the paired waves, by name in the report's language
  const w0 = wave(report.pairedWaves?.[0] ?? "pre")
  const w1 = wave(report.pairedWaves?.[1] ?? "post")
  // the same words for every suppressed cell: whether it is small itself or hides another is not said
  const why = esc(t("suppressed", { threshold: report.suppressionThreshold }))
  const short = esc(t("suppressed_short"))
  const label = (g: { key: string; label: string }) => (g.key === "all" ? t("all_participants") : g.label)
  const countryName = report.country === undefined ? undefined : new Intl.DisplayNames([text.intl], { type: "region", fallback: "code" }).of(report.country) ?? report.country
  const title = countryName === undefined ? t("title", { instrument: report.instrument.title }) : t("title_country", { instrument: report.instrument.title, country: countryName })
  out.push(`<!doctype html><html lang="${esc(text.lang)}" dir="${text.dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title><style>${CSS}</style></head><body>`)
  if (report.simulatedResponses > 0) {
    out.push(`<p class="simulated" role="alert">⚠ ${esc(report.simulatedResponses === report.responses ? t("simulated_all", { total: report.responses }) : t("simulated_some", { count: report.simulatedResponses, total: report.responses }))}</p>`)
  }
  out.push(`<h1>${esc(title)}</h1><p class="muted">${esc(t("subtitle", { dialogue: report.dialogue, id: report.instrument.id, version: report.instrument.version, waves: report.waves.map(wave).join(", "), by: t("grouping", { by: report.by }), mirror: report.includeMirror ? "pooled" : "apart" }))}</p>`)
  if (report.country !== undefined) out.push(`<p class="muted">${esc(t("country_scope", { country: countryName }))}</p>`)
  for (const { pool, groups } of report.pools) {
    out.push(`<h2>${esc(pool === "main" ? t("pool_main", { mirror: report.includeMirror ? "pooled" : "apart" }) : pool === "control" ? t("pool_control") : t("pool_mirror"))}</h2>`)
    // response
    out.push(`<h3>${esc(t("response"))}</h3><table><thead><tr><th scope="col">${esc(t("col_group"))}</th>${report.waves.map((x) => `<th scope="col">${esc(t("col_answered", { wave: wave(x) }))}</th><th scope="col">${esc(t("col_rate"))}</th><th scope="col">${esc(t("col_invited"))}</th>`).join("")}<th scope="col">${esc(t("col_paired", { a: w0, b: w1 }))}</th></tr></thead><tbody>`)
    for (const g of groups) {
      out.push(`<tr><td>${esc(label(g))}</td>${report.waves.map((x) => {
        const r = g.response.waves[x]
        return g.suppressed || r === undefined ? `<td class="suppressed" colspan="3">${why}</td>` : `<td>${int(r.answered)} / ${int(r.registered)}</td><td>${pct(r.rate)}</td><td>${int(r.invited)}</td>`
      }).join("")}<td>${g.response.paired === null ? "" : int(g.response.paired)}</td></tr>`)
    }
    out.push("</tbody></table>")
    const shown = groups.filter((g) => !g.suppressed).slice(0, 60)
    if (shown.length > 0) out.push(`<div class="chart">${await svgOf(responseSpec(shown, w, label))}</div>`)
    // knowledge index
    const know = groups.filter((g) => g.knowledge !== null)
    if (know.length > 0) {
      out.push(`<h3>${esc(t("knowledge"))}</h3><p class="muted">${esc(t("knowledge_note", { a: w0, b: w1 }))}</p><table><thead><tr><th scope="col">${esc(t("col_group"))}</th><th scope="col">${esc(t("col_n"))}</th><th scope="col">${esc(w0)}</th><th scope="col">${esc(w1)}</th><th scope="col">${esc(t("col_change"))}</th><th scope="col">${esc(t("col_ci"))}</th><th scope="col">${esc(t("col_p_t"))}</th><th scope="col">${esc(t("col_p_wilcoxon"))}</th><th scope="col">d<sub>z</sub></th></tr></thead><tbody>`)
      const points: Array<{ group: string; change: number; low: number; high: number }> = []
      for (const g of know) {
        const k = g.knowledge!
        if ("suppressed" in k) out.push(`<tr><td>${esc(label(g))}</td><td class="suppressed" colspan="8">${why}</td></tr>`)
        else {
          out.push(`<tr><td>${esc(label(g))}</td><td>${int(k.n)}</td><td>${pct(k.meanPre)}</td><td>${pct(k.meanPost)}</td><td>${esc(t("points", { value: fmt(k.meanChange * 100, 1) }))}</td><td>${k.ci95 === null ? "—" : esc(range(fmt(k.ci95[0] * 100, 1), fmt(k.ci95[1] * 100, 1)))}</td><td>${pFmt(k.pT)}</td><td>${pFmt(k.wilcoxon.p)}</td><td>${fmt(k.dz)}</td></tr>`)
          if (k.ci95 !== null) points.push({ group: label(g), change: k.meanChange * 100, low: k.ci95[0] * 100, high: k.ci95[1] * 100 })
        }
      }
      out.push("</tbody></table>")
      if (points.length > 0) out.push(`<div class="chart">${await svgOf(dotSpec(points.slice(0, 60), t("axis_knowledge")))}</div>`)
    }
    // questions
    out.push(`<h3>${esc(t("questions"))}</h3>`)
    const overall = groups.find((g) => g.key === "all") ?? groups[0]!
    for (const [qi, q] of overall.questions.entries()) {
      out.push(`<h4 id="${esc(pool)}-${esc(q.id)}">${esc(q.label)} <span class="muted">(${esc(q.id)}, ${esc(q.type)})</span></h4>`)
      if (["likert5", "likert7", "scale"].includes(q.type) && !overall.suppressed) {
        const spec = divergingSpec(q, w)
        if (spec !== undefined) out.push(`<div class="chart">${await svgOf(spec)}</div>`)
      }
      const numeric = ["likert5", "likert7", "scale", "number"].includes(q.type)
      if (numeric) {
        out.push(`<table><thead><tr><th scope="col">${esc(t("col_group"))}</th>${report.waves.filter((x) => x in q.waves).map((x) => `<th scope="col">${esc(t("col_mean", { wave: wave(x) }))}</th><th scope="col">${esc(t("col_median"))}</th><th scope="col">${esc(t("col_n"))}</th>`).join("")}<th scope="col">${esc(t("col_paired_n"))}</th><th scope="col">${esc(t("col_mean_change"))}</th><th scope="col">${esc(t("col_ci"))}</th><th scope="col">${esc(t("col_p_t"))}</th><th scope="col">${esc(t("col_p_wilcoxon"))}</th><th scope="col">d<sub>z</sub></th><th scope="col">${esc(t("col_rank_biserial"))}</th></tr></thead><tbody>`)
        const points: Array<{ group: string; change: number; low: number; high: number }> = []
        for (const g of groups) {
          const gq = g.questions[qi]!
          const waveCells = report.waves.filter((x) => x in gq.waves).map((x) => {
            const s = gq.waves[x]!
            return s.suppressed ? `<td class="suppressed" colspan="3">${short}</td>` : `<td>${fmt(s.mean)}</td><td>${fmt(s.median, 1)}</td><td>${int(s.n)}</td>`
          }).join("")
          const p = gq.paired
          const pairedCells = p === null ? `<td colspan="7"></td>` : "unpaired" in p ? `<td colspan="7" class="muted">${esc(t("unpaired"))}</td>` : "suppressed" in p ? `<td class="suppressed" colspan="7">${why}</td>`
            : `<td>${int(p.n)}</td><td>${fmt(p.meanChange)}</td><td>${p.ci95 === null ? "—" : esc(range(fmt(p.ci95[0]), fmt(p.ci95[1])))}</td><td>${pFmt(p.pT)}</td><td>${pFmt(p.wilcoxon.p)}${p.wilcoxon.method === "exact" ? ` ${esc(t("exact"))}` : ""}</td><td>${fmt(p.dz)}</td><td>${fmt(p.rankBiserial)}</td>`
          if (p !== null && !("unpaired" in p) && !("suppressed" in p) && p.ci95 !== null) points.push({ group: label(g), change: p.meanChange, low: p.ci95[0], high: p.ci95[1] })
          out.push(`<tr><td>${esc(label(g))}</td>${waveCells}${pairedCells}</tr>`)
        }
        out.push("</tbody></table>")
        if (points.length > 0) out.push(`<div class="chart">${await svgOf(dotSpec(points.slice(0, 60), t("axis_mean_change", { a: w0, b: w1 })))}</div>`)
      } else if (q.type !== "text") {
        // choices: shares per wave, shift among pairs, McNemar where binary
        out.push(`<table><thead><tr><th scope="col">${esc(t("col_group"))}</th><th scope="col">${esc(t("col_option"))}</th>${report.waves.filter((x) => x in q.waves).map((x) => `<th scope="col">${esc(wave(x))}</th>`).join("")}<th scope="col">${esc(t("col_shift"))}</th></tr></thead><tbody>`)
        for (const g of groups) {
          const gq = g.questions[qi]!
          const waves = report.waves.filter((x) => x in gq.waves)
          if (waves.every((x) => gq.waves[x]!.suppressed)) {
            out.push(`<tr><td>${esc(label(g))}</td><td class="suppressed" colspan="${waves.length + 2}">${short}</td></tr>`)
            continue
          }
          const options = gq.waves[waves[0]!]!.shares.length > 0 ? gq.waves[waves[0]!]!.shares : gq.waves[waves.at(-1)!]!.shares
          options.forEach((o, i) => {
            const shift = gq.shift?.find((s) => s.value === o.value)
            out.push(`<tr><td>${i === 0 ? esc(label(g)) : ""}</td><td>${esc(o.label)}</td>${waves.map((x) => {
              const s = gq.waves[x]!
              return s.suppressed ? `<td class="suppressed">${short}</td>` : `<td>${pct(s.shares.find((y) => y.value === o.value)?.share)}</td>`
            }).join("")}<td>${shift === undefined ? "" : esc(t("points", { value: fmt(shift.change * 100, 1) }))}</td></tr>`)
          })
          if (gq.mcnemar !== null) out.push(`<tr><td></td><td colspan="${waves.length + 2}" class="muted">${esc(t("mcnemar", { b: int(gq.mcnemar.b), c: int(gq.mcnemar.c), chi2: fmt(gq.mcnemar.statistic), p: "\u0000p\u0000", exact: "\u0000e\u0000" })).replace("\u0000p\u0000", pFmt(gq.mcnemar.p)).replace("\u0000e\u0000", pFmt(gq.mcnemar.exactP))}</td></tr>`)
          if (gq.paired !== null && "unpaired" in gq.paired) out.push(`<tr><td></td><td colspan="${waves.length + 2}" class="muted">${esc(t("unpaired"))}</td></tr>`)
        }
        out.push("</tbody></table>")
      } else {
        // free text per group, with counts
        for (const g of groups) {
          const gq = g.questions[qi]!
          for (const [x, texts] of Object.entries(gq.freeText ?? {})) {
            const s = gq.waves[x]!
            if (s.suppressed) {
              out.push(`<p class="suppressed">${esc(label(g))}, ${esc(wave(x))}: ${why}</p>`)
              continue
            }
            if (texts.length === 0) continue
            out.push(`<details><summary>${esc(t("free_text", { group: label(g), wave: wave(x), n: s.n, distinct: texts.length }))}</summary><ul class="free">${texts.slice(0, 200).map((y) => `<li>${esc(y.text)}${y.count > 1 ? ` <span class="muted">× ${int(y.count)}</span>` : ""}</li>`).join("")}</ul>${texts.length > 200 ? `<p class="muted">${esc(t("free_text_more", { count: texts.length - 200 }))}</p>` : ""}</details>`)
          }
        }
      }
    }
  }
  if (report.did !== undefined && report.did !== null) out.push(didHtml(report.did, `${w0} → ${w1}`, why, w, label))
  if (report.sample !== undefined) out.push(sampleHtml(report.sample, why, w))
  if (report.weighted !== undefined) out.push(weightedHtml(report.weighted, w))
  for (const pair of report.otherPairs ?? []) out.push(pairHtml(pair, why, w, label))
  out.push(`<h2>${esc(t("methods"))}</h2><div class="methods">${esc(report.methods)}</div>`)
  out.push("</body></html>\n")
  return out.join("\n")
}

/** The difference-in-differences table: per group, each question's panel and control changes and their difference. */
const didHtml = (groups: ReadonlyArray<GroupDiD>, pair: string, why: string, w: PageText, label: (g: { key: string; label: string }) => string): string => {
  const { t, fmt, int, pFmt, range } = w
  const out = [`<h2>${esc(t("did_title", { pair }))}</h2><p class="muted">${esc(t("did_note"))}</p>`]
  out.push(`<table><thead><tr><th scope="col">${esc(t("col_group"))}</th><th scope="col">${esc(t("col_question"))}</th><th scope="col">${esc(t("col_panel_change"))}</th><th scope="col">${esc(t("col_control_change"))}</th><th scope="col">${esc(t("col_difference"))}</th><th scope="col">${esc(t("col_ci"))}</th><th scope="col">${esc(t("col_p_welch"))}</th></tr></thead><tbody>`)
  for (const g of groups) {
    g.questions.forEach((q, i) => {
      const scale = "suppressed" in q ? 1 : q.measure === "binary_change" || q.question === "knowledge_index" ? 100 : 1
      const f = (x: number) => (scale === 100 ? t("points", { value: fmt(x * scale, 1) }) : fmt(x, 2))
      const qLabel = q.question === "knowledge_index" ? t("knowledge") : q.label
      out.push(`<tr><td>${i === 0 ? esc(label(g)) : ""}</td><td>${esc(qLabel)}</td>${"suppressed" in q ? `<td class="suppressed" colspan="5">${why}</td>` : `<td>${esc(f(q.panel.change))} (${int(q.panel.n)})</td><td>${esc(f(q.control.change))} (${int(q.control.n)})</td><td><strong>${esc(f(q.did))}</strong></td><td>${q.welch === null ? "—" : esc(range(f(q.welch.ci95[0]), f(q.welch.ci95[1])))}</td><td>${pFmt(q.welch?.p)}</td>`}</tr>`)
    })
    if (g.questions.length === 0) out.push(`<tr><td>${esc(label(g))}</td><td colspan="6" class="muted">${esc(t("did_none"))}</td></tr>`)
  }
  out.push("</tbody></table>")
  return out.join("\n")
}

/** Another wave pair (pre → followup, post → followup): its paired changes per pool and group, and its difference-in-differences. */
const pairHtml = (pair: WavePairReport, why: string, w: PageText, label: (g: { key: string; label: string }) => string): string => {
  const { t, fmt, int, pFmt, range } = w
  const [a, b] = pair.waves.map(w.wave) as [string, string]
  const out = [`<h2>${esc(a)} → ${esc(b)}</h2><p class="muted">${esc(t("pair_note", { a, b }))}</p>`]
  for (const { pool, groups } of pair.pools) {
    out.push(`<h3>${esc(pool === "main" ? t("pool_main_short") : pool === "control" ? t("pool_control_short") : t("pool_mirror_short"))}</h3><table><thead><tr><th scope="col">${esc(t("col_group"))}</th><th scope="col">${esc(t("col_question"))}</th><th scope="col">${esc(t("col_n"))}</th><th scope="col">${esc(a)}</th><th scope="col">${esc(b)}</th><th scope="col">${esc(t("col_change"))}</th><th scope="col">${esc(t("col_ci"))}</th><th scope="col">${esc(t("col_p_t"))}</th></tr></thead><tbody>`)
    for (const g of groups) {
      if (g.suppressed) {
        out.push(`<tr><td>${esc(label(g))}</td><td class="suppressed" colspan="7">${why}</td></tr>`)
        continue
      }
      const rows: Array<[string, PairedResult | { suppressed: true } | { unpaired: true } | null, number]> = [
        [t("knowledge"), g.knowledge, 100],
        ...g.questions.map((q): [string, PairedResult | { suppressed: true } | { unpaired: true } | null, number] => [q.label, q.paired, 1])
      ]
      let first = true
      for (const [rowLabel, p, scale] of rows) {
        if (p === null || "unpaired" in p) continue
        const f = (x: number | null) => (x === null ? "—" : scale === 100 ? fmt(x * 100, 1) : fmt(x))
        out.push(`<tr><td>${first ? esc(label(g)) : ""}</td><td>${esc(rowLabel)}</td>${"suppressed" in p ? `<td class="suppressed" colspan="6">${why}</td>` : `<td>${int(p.n)}</td><td>${f(p.meanPre)}</td><td>${f(p.meanPost)}</td><td>${f(p.meanChange)}</td><td>${p.ci95 === null ? "—" : esc(range(f(p.ci95[0]), f(p.ci95[1])))}</td><td>${pFmt(p.pT)}</td>`}</tr>`)
        first = false
      }
    }
    out.push("</tbody></table>")
  }
  if (pair.did !== null) out.push(didHtml(pair.did, `${a} → ${b}`, why, w, label))
  return out.join("\n")
}

/** The post-stratified estimates beside the unweighted ones. */
const weightedHtml = (weighted: NonNullable<SurveyReport["weighted"]>, w: PageText): string => {
  const { t, fmt, int, wave: waveName } = w
  const out = [`<h2>${esc(t("weighted_title", { feature: weighted.feature }))}</h2><p class="muted">${esc(t("weighted_note", { feature: weighted.feature, cap: fmt(5, 0) }))}</p>`]
  for (const [wave, estimates] of Object.entries(weighted.waves)) {
    const numeric = estimates.filter((e) => e.mean !== undefined)
    if (numeric.length === 0) continue
    out.push(`<h3>${esc(t("weighted_weights", { wave: waveName(wave), weights: Object.entries(weighted.weights[wave] ?? {}).map(([v, x]) => `${v} ${fmt(x)}`).join(", ") }))}</h3><table><thead><tr><th scope="col">${esc(t("col_question"))}</th><th scope="col">${esc(t("col_n"))}</th><th scope="col">${esc(t("col_mean_plain"))}</th><th scope="col">${esc(t("col_weighted"))}</th></tr></thead><tbody>`)
    for (const e of numeric) out.push(`<tr><td>${esc(e.label)}</td><td>${int(e.n)}</td><td>${fmt(e.mean!.unweighted)}</td><td>${fmt(e.mean!.weighted)}</td></tr>`)
    out.push("</tbody></table>")
  }
  for (const p of weighted.pairs) {
    if (p.questions.length === 0) continue
    out.push(`<h3>${esc(t("weighted_change", { a: waveName(p.waves[0]), b: waveName(p.waves[1]) }))}</h3><table><thead><tr><th scope="col">${esc(t("col_question"))}</th><th scope="col">${esc(t("col_pairs"))}</th><th scope="col">${esc(t("col_change"))}</th><th scope="col">${esc(t("col_weighted"))}</th></tr></thead><tbody>`)
    for (const q of p.questions) out.push(`<tr><td>${esc(q.label)}</td><td>${int(q.n)}</td><td>${fmt(q.unweighted)}</td><td>${fmt(q.weighted)}</td></tr>`)
    out.push("</tbody></table>")
  }
  return out.join("\n")
}

/** Writes the report in the formats asked into `dir`; returns the files. */
export const writeReport = async (report: SurveyReport, dir: string, formats: ReadonlyArray<"html" | "csv" | "json">, text?: SurveyReportText): Promise<Array<string>> => {
  await mkdir(dir, { recursive: true })
  const files: Array<string> = []
  // a per-country file (--split country) is named after its country: report-<instrument>-<CC>
  const base = `report-${report.instrument.id}${report.country !== undefined ? `-${report.country}` : report.by === "all" ? "" : `-by-${report.by.replace(/[^a-z0-9_-]+/gi, "-")}`}`
  for (const f of formats) {
    const file = join(dir, `${base}.${f}`)
    await writeFile(file, f === "json" ? reportJson(report) : f === "csv" ? reportCsv(report) : await reportHtml(report, text))
    files.push(file)
    // the representativeness section has columns of its own
    if (f === "csv" && report.sample !== undefined) {
      const sample = join(dir, `${base}-sample.csv`)
      await writeFile(sample, sampleCsv(report.sample))
      files.push(sample)
    }
  }
  return files
}
