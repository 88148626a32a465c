/**
 * The organisers' report as files: one self-contained HTML page in the report's language, a
 * tidy CSV of its figures (`report-<instrument>.csv`) with the free-text answers beside it
 * (`report-<instrument>-text.csv`), and JSON.
 */
import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { formatCsv } from "../domain/Csv.js"
import { ORGANISER_ROLES, type OrganiserReport } from "../domain/OrganiserReport.js"
import { englishCountryName } from "../domain/Regions.js"
import type { SurveyReportText } from "./SurveyReportText.js"

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

const round = (x: number | null, digits = 4): string => (x === null ? "" : String(Math.round(x * 10 ** digits) / 10 ** digits))

/** The figures, tidy: one row per wave, question, role, measure and answer. */
export const organiserReportCsv = (report: OrganiserReport): string => {
  const rows: Array<Array<string>> = []
  for (const r of report.response) {
    for (const role of ORGANISER_ROLES) {
      rows.push([r.wave, "", "", role, "listed", "", String(r.listed[role])])
      rows.push([r.wave, "", "", role, "invited", "", String(r.invited[role])])
      rows.push([r.wave, "", "", role, "answered", "", String(r.answered[role])])
    }
    for (const [source, n] of Object.entries(r.sources)) rows.push([r.wave, "", "", "all", `answered_${source}`, "", String(n)])
  }
  for (const q of report.questions) {
    for (const g of q.groups) {
      rows.push([q.wave, q.question, q.type, g.role, "n", "", String(g.n)])
      if (g.mean !== null) rows.push([q.wave, q.question, q.type, g.role, "mean", "", round(g.mean)])
      if (g.median !== null) rows.push([q.wave, q.question, q.type, g.role, "median", "", round(g.median)])
      for (const a of g.answers) {
        rows.push([q.wave, q.question, q.type, g.role, "count", a.value, String(a.n)])
        rows.push([q.wave, q.question, q.type, g.role, "share", a.value, round(a.share)])
      }
    }
  }
  return formatCsv(["wave", "question", "question_type", "role", "measure", "option", "value"], rows)
}

/** Every free-text answer: wave, question, the writer's role and country (code and English name). */
export const organiserTextCsv = (report: OrganiserReport): string =>
  formatCsv(
    ["wave", "question", "role", "country", "country_name", "answer"],
    report.freeText.flatMap((f) => f.answers.map((a) => [f.wave, f.question, a.role, a.country, englishCountryName(a.country), a.text]))
  )

const CSS = `body{font-family:system-ui,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;color:#1d2430;max-width:70rem;margin:0 auto;padding:1.5rem;line-height:1.45}
h1{color:#0b5a40}h2{border-bottom:2px solid #0b5a40;padding-bottom:.2rem;margin-top:2.5rem}h3{margin-top:2rem;font-size:1.05rem}
table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.9rem}th,td{border-bottom:1px solid #d5d9e0;padding:.25rem .5rem;text-align:end;vertical-align:top}th:first-child,td:first-child{text-align:start}
thead th{color:#4a5361}.muted{color:#5b6472;font-size:.9rem}blockquote{margin:.5rem 0;padding:.3rem .8rem;border-inline-start:3px solid #0b5a40;background:#f4f7f6}blockquote footer{color:#5b6472;font-size:.85rem}`

/** The report as one self-contained HTML page in the words of `text`. */
export const organiserReportHtml = (report: OrganiserReport, text: SurveyReportText): string => {
  const t = text.t
  const int = new Intl.NumberFormat(text.intl)
  const dec = new Intl.NumberFormat(text.intl, { minimumFractionDigits: 1, maximumFractionDigits: 1 })
  const pct = new Intl.NumberFormat(text.intl, { style: "percent", maximumFractionDigits: 0 })
  let countries: Intl.DisplayNames | undefined
  try {
    countries = new Intl.DisplayNames([text.intl], { type: "region" })
  } catch {
    countries = undefined
  }
  const country = (code: string): string => countries?.of(code) ?? code
  const title = t("title", { instrument: report.instrument.title })
  const out: Array<string> = []
  out.push(`<!doctype html><html lang="${esc(text.lang)}" dir="${text.dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title><style>${CSS}</style></head><body>`)
  out.push(`<h1>${esc(title)}</h1>`)
  out.push(`<p class="muted">${esc(t("subtitle", { dialogue: report.dialogue, id: report.instrument.id, version: report.instrument.version }))}</p>`)
  out.push(`<p>${esc(t("privacy"))}</p>`)
  out.push(`<h2>${esc(t("response"))}</h2>`)
  for (const r of report.response) {
    out.push(`<h3>${esc(t("wave_title", { wave: r.wave }))}</h3>`)
    out.push(`<table><thead><tr><th scope="col">${esc(t("col_role"))}</th><th scope="col">${esc(t("col_listed"))}</th><th scope="col">${esc(t("col_invited"))}</th><th scope="col">${esc(t("col_answered"))}</th><th scope="col">${esc(t("col_rate"))}</th></tr></thead><tbody>`)
    for (const role of ORGANISER_ROLES) {
      const listed = r.listed[role]
      out.push(`<tr><th scope="row">${esc(t("role", { role }))}</th><td>${int.format(listed)}</td><td>${int.format(r.invited[role])}</td><td>${int.format(r.answered[role])}</td><td>${listed === 0 ? "—" : pct.format(r.answered[role] / listed)}</td></tr>`)
    }
    out.push(`</tbody></table>`)
    out.push(`<p class="muted">${esc(t("col_sources"))}: ${["web", "paper", "kobo"].map((s) => int.format(r.sources[s] ?? 0)).join(" · ")}</p>`)
  }
  out.push(`<h2>${esc(t("questions"))}</h2><p class="muted">${esc(t("note_scale"))}</p>`)
  for (const q of report.questions) {
    out.push(`<h3>${esc(q.label)} <span class="muted">(${esc(q.question)}${report.waves.length > 1 ? `, ${esc(t("wave_title", { wave: q.wave }))}` : ""})</span></h3>`)
    if (q.type === "multiple") out.push(`<p class="muted">${esc(t("note_multiple"))}</p>`)
    const head = ORGANISER_ROLES.map((role) => `<th scope="col">${esc(t("role", { role }))}</th>`).join("")
    out.push(`<table><thead><tr><th scope="col">${esc(t("col_answer"))}</th>${head}</tr></thead><tbody>`)
    out.push(`<tr><th scope="row">${esc(t("col_n"))}</th>${q.groups.map((g) => `<td>${int.format(g.n)}</td>`).join("")}</tr>`)
    if (q.groups.some((g) => g.mean !== null)) {
      out.push(`<tr><th scope="row">${esc(t("col_mean"))}</th>${q.groups.map((g) => `<td>${g.mean === null ? "—" : dec.format(g.mean)}</td>`).join("")}</tr>`)
      out.push(`<tr><th scope="row">${esc(t("col_median"))}</th>${q.groups.map((g) => `<td>${g.median === null ? "—" : dec.format(g.median)}</td>`).join("")}</tr>`)
    }
    const options = q.groups[0]?.answers ?? []
    options.forEach((a, i) => {
      out.push(`<tr><th scope="row">${esc(a.label)}</th>${q.groups.map((g) => {
        const x = g.answers[i]!
        return `<td>${g.n === 0 ? "—" : `${pct.format(x.share)} (${int.format(x.n)})`}</td>`
      }).join("")}</tr>`)
    })
    out.push(`</tbody></table>`)
  }
  if (report.freeText.length > 0) {
    out.push(`<h2>${esc(t("free_text"))}</h2>`)
    for (const f of report.freeText) {
      out.push(`<h3>${esc(f.label)} <span class="muted">(${esc(f.question)}, ${esc(t("free_text_count", { n: f.answers.length }))})</span></h3>`)
      for (const a of f.answers) out.push(`<blockquote><p>${esc(a.text)}</p><footer>${esc(t("text_by", { role: a.role, country: country(a.country) }))}</footer></blockquote>`)
    }
  }
  out.push(`<h2>${esc(t("methods"))}</h2><p>${esc(t("methods_text"))}</p>`)
  out.push(`</body></html>\n`)
  return out.join("\n")
}

/**
 * Writes the organisers' report as HTML, CSV (with `-text.csv` beside it) and/or JSON into `dir`
 * as `report-<instrument>.<format>`; returns the files written.
 */
export const writeOrganiserReport = async (report: OrganiserReport, dir: string, formats: ReadonlyArray<"html" | "csv" | "json">, text: SurveyReportText): Promise<Array<string>> => {
  await mkdir(dir, { recursive: true })
  const base = `report-${report.instrument.id}`
  const files: Array<string> = []
  for (const f of formats) {
    const file = join(dir, `${base}.${f}`)
    await writeFile(file, f === "json" ? `${JSON.stringify(report, null, 2)}\n` : f === "csv" ? organiserReportCsv(report) : organiserReportHtml(report, text))
    files.push(file)
    if (f === "csv") {
      const texts = join(dir, `${base}-text.csv`)
      await writeFile(texts, organiserTextCsv(report))
      files.push(texts)
    }
  }
  return files
}
