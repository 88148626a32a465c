/**
 * The representativeness section written out: tidy CSV, and HTML (a section of the impact report,
 * or a page of its own for `convene report sample`).
 */
import { formatCsv } from "../domain/Csv.js"
import { type Cell, type SampleReport, UNDER_REPRESENTED_RATIO, WEIGHT_CAP } from "../domain/Representativeness.js"

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
const pct = (x: number | null | undefined): string => (x === null || x === undefined ? "—" : `${(x * 100).toFixed(1)} %`)

/** The section as HTML: per group, a table of feature values against the census, the panel and each wave. */
export const sampleHtml = (sample: SampleReport, why: string): string => {
  const out = [`<h2>Representativeness: the census, the panel and the respondents</h2><p class="muted">Per feature value: its share in the census${sample.census === null ? " (no census given: <code>--census census.csv</code> adds it)" : ` (${esc(sample.census)}, the group's most specific scope)`}, among the registered participants of the panel (the control group apart), and among each wave's respondents, with the ratio of that share to the census share. A value below ${UNDER_REPRESENTED_RATIO} of its census share is flagged <span class="flag">under-represented</span>. The weight (census share / respondents' share, capped at ${WEIGHT_CAP}) is what post-stratification on that feature gives each respondent with the value.</p>`]
  const cell = (c: Cell | undefined): string => (c === undefined ? "<td></td>" : "suppressed" in c ? `<td class="suppressed">${why}</td>` : `<td>${c.n} <small>(${pct(c.share)})</small></td>`)
  for (const g of sample.groups) {
    out.push(`<h3>${esc(g.label)}</h3><p class="muted">Registered ${g.totals.registered}; respondents ${sample.waves.map((w) => `${esc(w)} ${g.totals.waves[w] ?? 0}`).join(", ")}${g.scope === null ? "" : `; census scope ${esc(g.scope)}`}.</p>`)
    out.push(`<table><thead><tr><th scope="col">Feature value</th><th scope="col">census</th><th scope="col">registered</th>${sample.waves.map((w) => `<th scope="col">${esc(w)}</th><th scope="col">ratio</th><th scope="col">weight</th>`).join("")}</tr></thead><tbody>`)
    for (const r of g.rows) {
      out.push(`<tr><td>${esc(r.label)}</td><td>${pct(r.census)}</td>${cell(r.registered)}${sample.waves.map((w) => `${cell(r.waves[w])}<td${r.under.includes(w) ? ' class="flag" title="under-represented"' : ""}>${r.ratio[w] === null || r.ratio[w] === undefined ? "—" : r.ratio[w]!.toFixed(2)}</td><td>${r.weight[w] === null || r.weight[w] === undefined ? "—" : r.weight[w]!.toFixed(2)}</td>`).join("")}</tr>`)
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
