/**
 * The representativeness section written out: tidy CSV, and HTML (a section of the impact report,
 * or a page of its own for `convene report sample`).
 */
import { formatCsv } from "../domain/Csv.js"
import { type Cell, type SampleReport, UNDER_REPRESENTED_RATIO, WEIGHT_CAP } from "../domain/Representativeness.js"
import { builtInReportText, type PageText, pageText } from "./SurveyReportText.js"

const round = (x: number | null | undefined, digits = 6): string => (x === null || x === undefined || !Number.isFinite(x) ? "" : String(Number(x.toFixed(digits))))

/**
 * The section as tidy CSV: one row per group, feature value and measure (its figure in `amount`) — `census_share`,
 * `registered` and `registered_share`, then per wave `answered`, `answered_share`, `ratio`
 * (share / census share), `weight` (census share / share, capped) and `under_represented` (1) —
 * with `suppressed` where a count is hidden.
 */
export const sampleCsv = (sample: SampleReport): string => {
  const rows: Array<Array<string>> = []
  for (const g of sample.groups) {
    for (const r of g.rows) {
      const row = (wave: string, measure: string, value: string) => rows.push([g.key, g.label, g.scope ?? "", r.feature, r.value, wave, measure, value])
      if (r.census !== null) row("", "census_share", round(r.census))
      const cell = (wave: string, name: string, c: Cell) => {
        if ("suppressed" in c) row(wave, "suppressed", "1")
        else {
          row(wave, name, String(c.n))
          row(wave, `${name}_share`, round(c.share))
        }
      }
      cell("", "registered", r.registered)
      for (const w of sample.waves) {
        cell(w, "answered", r.waves[w]!)
        if (r.ratio[w] !== null && r.ratio[w] !== undefined) row(w, "ratio", round(r.ratio[w]))
        if (r.weight[w] !== null && r.weight[w] !== undefined) row(w, "weight", round(r.weight[w]))
        if (r.under.includes(w)) row(w, "under_represented", "1")
      }
    }
  }
  return formatCsv(["group", "group_label", "census_scope", "feature", "value", "wave", "measure", "amount"], rows)
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!)

/** The section as HTML: per group, a table of feature values against the census, the panel and each wave, in the words and numbers of `w`. */
export const sampleHtml = (sample: SampleReport, why: string, w: PageText = pageText(builtInReportText())): string => {
  const { t, fmt, pct, int, wave } = w
  const census = sample.census === null ? t("sample_no_census") : t("sample_census", { file: sample.census })
  const out = [`<h2>${esc(t("sample_title"))}</h2><p class="muted">${esc(t("sample_note", { census, ratio: fmt(UNDER_REPRESENTED_RATIO, 1), cap: fmt(WEIGHT_CAP, 0) }))}</p>`]
  const cell = (c: Cell | undefined): string => (c === undefined ? "<td></td>" : "suppressed" in c ? `<td class="suppressed">${why}</td>` : `<td>${int(c.n)} <small>(${pct(c.share)})</small></td>`)
  for (const g of sample.groups) {
    const waves = sample.waves.map((x) => `${wave(x)} ${int(g.totals.waves[x] ?? 0)}`).join(", ")
    out.push(`<h3>${esc(g.key === "all" ? t("all_participants") : g.label)}</h3><p class="muted">${esc(g.scope === null ? t("sample_totals", { registered: int(g.totals.registered), waves }) : t("sample_totals_scope", { registered: int(g.totals.registered), waves, scope: g.scope }))}</p>`)
    out.push(`<table><thead><tr><th scope="col">${esc(t("col_feature_value"))}</th><th scope="col">${esc(t("col_census"))}</th><th scope="col">${esc(t("col_registered"))}</th>${sample.waves.map((x) => `<th scope="col">${esc(wave(x))}</th><th scope="col">${esc(t("col_ratio"))}</th><th scope="col">${esc(t("col_weight"))}</th>`).join("")}</tr></thead><tbody>`)
    for (const r of g.rows) {
      out.push(`<tr><td>${esc(r.label)}</td><td>${pct(r.census)}</td>${cell(r.registered)}${sample.waves.map((x) => `${cell(r.waves[x])}<td${r.under.includes(x) ? ` class="flag" title="${esc(t("under_represented"))}"` : ""}>${r.ratio[x] === null || r.ratio[x] === undefined ? "—" : fmt(r.ratio[x]!, 2)}</td><td>${r.weight[x] === null || r.weight[x] === undefined ? "—" : fmt(r.weight[x]!, 2)}</td>`).join("")}</tr>`)
    }
    out.push("</tbody></table>")
  }
  return out.join("\n")
}

/** The section as a page of its own (`convene report sample`). */
export const samplePage = (sample: SampleReport, title: string): string => {
  const why = `suppressed (fewer than ${sample.threshold}, or to protect a smaller count)`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>
<style>body{font-family:system-ui,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;color:#1d2430;max-width:70rem;margin:0 auto;padding:1.5rem;line-height:1.45}h1{color:#0b5a40}table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.9rem}th,td{border-bottom:1px solid #d5d9e0;padding:.25rem .5rem;text-align:right}th:first-child,td:first-child{text-align:left}.muted{color:#5b6472;font-size:.9rem}.suppressed{color:#8a3b00;font-style:italic}.flag{background:#fde2e1;font-weight:700}small{color:#5b6472}</style></head>
<body><h1>${esc(title)}</h1>
${sampleHtml(sample, why)}
</body></html>
`
}
