/**
 * The files of one action toolkit: the brief (A4 print-ready HTML in the place's language, right
 * to left for Arabic, charts drawn to SVG with Vega-Lite as the results report's are), the slide
 * deck (PPTX through pptxgenjs, loaded here only, with native bar charts of the same figures),
 * and the open data extract. Loaded lazily by `results toolkit`; the same content gives the
 * same bytes (the deck's dates and zip times are fixed, its chart numbers made local).
 */
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from "fflate"
import type { TopLevelSpec } from "vega-lite"
import type { Figure } from "../domain/ResultsAnalysis.js"
import { extractCsv, type ExtractRecommendation, type ExtractSite, recommendationsExtractCsv } from "../domain/Toolkit.js"
import type { SiteQuestionTotals } from "../domain/Results.js"
import * as vega from "../infra/vendor/vega.js"
import type { KitFile } from "../kits/index.js"
import type { ToolkitContent, ToolkitQuestion, ToolkitText } from "./ResultsToolkit.js"

/** What the open data extract is made of. */
export interface ToolkitExtract {
  readonly sites: ReadonlyArray<ExtractSite>
  readonly totals: ReadonlyArray<SiteQuestionTotals>
  readonly recommendations: ReadonlyArray<ExtractRecommendation>
  readonly questions: ReadonlyArray<{ readonly id: string; readonly options: ReadonlyArray<string> }>
}

const utf8 = new TextEncoder()
const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

/** Numbers in the toolkit's locale: shares as percentages, points with a sign, means and Borda points with decimals. */
const formatsFor = (intl: string) => {
  const percent = new Intl.NumberFormat(intl, { style: "percent", maximumFractionDigits: 0 })
  const points = new Intl.NumberFormat(intl, { maximumFractionDigits: 0, signDisplay: "exceptZero" })
  const decimal = new Intl.NumberFormat(intl, { minimumFractionDigits: 1, maximumFractionDigits: 1 })
  const borda = new Intl.NumberFormat(intl, { minimumFractionDigits: 2, maximumFractionDigits: 2 })
  const whole = new Intl.NumberFormat(intl)
  const date = new Intl.DateTimeFormat(intl, { dateStyle: "long", timeZone: "UTC" })
  return {
    share: (x: number | null) => (x === null ? "—" : percent.format(x)),
    points: (x: number | null) => (x === null ? "—" : points.format(x * 100)),
    mean: (x: number | null) => (x === null ? "—" : decimal.format(x)),
    borda: (x: number | null) => (x === null ? "—" : borda.format(x)),
    whole: (x: number) => whole.format(x),
    date: (d: string) => date.format(new Date(`${d}T12:00:00Z`))
  }
}
type Formats = ReturnType<typeof formatsFor>

/** A question's figure shown as text: a share, or Borda points per voter. */
const valueOf = (q: ToolkitQuestion, f: Formats) => (x: number | null) => (q.measure === "borda" ? f.borda(x) : f.share(x))

/** The option the place chose most (highest share, or Borda points per voter), when it voted at all. */
const leadOf = (q: ToolkitQuestion) => {
  if (q.voters.place === 0) return undefined
  return q.options.reduce((best, o) => ((o.place.value ?? -1) > (best.place.value ?? -1) ? o : best), q.options[0]!)
}

/** The question's key message: the place's leading option (or mean) against its region and the world. */
export const keyMessage = (c: ToolkitContent, q: ToolkitQuestion, t: ToolkitText, f: Formats): string => {
  const lead = leadOf(q)
  if (lead === undefined) return t("no_votes", { place: c.placeName })
  const region = c.regionName === null ? { has_region: "no" } : { has_region: "yes", region: c.regionName }
  if (q.mean !== null) {
    return t("message_mean", { place: c.placeName, ...region, low: q.scale?.low ?? 0, high: q.scale?.high ?? 10, place_value: f.mean(q.mean.place.value), region_value: f.mean(q.mean.region?.value ?? null), world_value: f.mean(q.mean.world.value) })
  }
  const v = valueOf(q, f)
  return t(q.measure === "borda" ? "message_borda" : "message_share", { option: lead.label, place: c.placeName, ...region, place_value: v(lead.place.value), region_value: v(lead.region?.value ?? null), world_value: v(lead.world.value) })
}

/** The place against the world on the leading option: higher, lower or no clear difference (the interval of the difference). */
const versusWorld = (c: ToolkitContent, q: ToolkitQuestion, t: ToolkitText, f: Formats): string | null => {
  const lead = leadOf(q)
  const figure: Figure | undefined = q.mean !== null ? q.mean.place : lead?.place
  const d = figure?.vs_global
  if (d === undefined || d.diff === null || d.low === null || d.high === null) return null
  const direction = d.low > 0 ? "higher" : d.high < 0 ? "lower" : "same"
  const scaled = q.mean !== null || q.measure === "borda" ? (x: number) => (q.measure === "borda" ? f.borda(x) : f.mean(x)) : f.points
  return t(q.mean !== null || q.measure === "borda" ? "versus_world_value" : "versus_world", { direction, place: c.placeName, diff: scaled(d.diff), low: scaled(d.low), high: scaled(d.high) })
}

// ─── the brief ──────────────────────────────────────────────────────────────────────────────

/** Renders a Vega-Lite spec to an SVG string, in Node, without a browser (as the results report does). */
const svgOf = async (spec: TopLevelSpec): Promise<string> => {
  const view = new vega.View(vega.parse(vega.compile(spec).spec), { renderer: "none" })
  const svg = await view.toSVG()
  view.finalize()
  return svg
}

const COLORS = ["#0b5a40", "#67a9cf", "#b0b7c3"]

/** Grouped bars: per option, the place, its region and the world. */
const comparisonSpec = (c: ToolkitContent, q: ToolkitQuestion, t: ToolkitText): TopLevelSpec => {
  const scopes = [c.placeName, ...(c.regionName === null ? [] : [c.regionName]), t("world")]
  const scale = q.measure === "borda" ? 1 : 100
  const rows = q.options.flatMap((o) =>
    [o.place, ...(c.regionName === null ? [] : [o.region]), o.world].map((fig, i) => ({ option: o.label, scope: scopes[i]!, value: fig === null || fig.value === null ? 0 : Math.round(fig.value * scale * 10) / 10 }))
  )
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: 440,
    height: { step: q.type === "scale" ? 9 : 12 },
    data: { values: rows },
    mark: { type: "bar" },
    encoding: {
      y: { field: "option", type: "nominal", title: null, sort: null, axis: { labelLimit: 220 } },
      yOffset: { field: "scope", type: "nominal", sort: scopes },
      x: { field: "value", type: "quantitative", title: t(q.measure === "borda" ? "chart_borda" : "chart_share") },
      color: { field: "scope", type: "nominal", sort: scopes, title: null, scale: { domain: scopes, range: COLORS.slice(0, scopes.length) }, legend: { orient: "bottom", direction: "horizontal" } }
    }
  } as TopLevelSpec
}

const CSS = `@page{size:A4;margin:14mm 14mm 16mm}
body{font-family:"Noto Sans","Noto Sans Arabic","Noto Sans Devanagari","Noto Sans Bengali",system-ui,Arial,sans-serif;font-size:10.5pt;color:#1d2430;line-height:1.4;max-width:182mm;margin:0 auto}
@media screen{body{padding:10mm}}
.kicker{color:#0b5a40;font-weight:700;margin:0}h1{font-size:20pt;color:#0b5a40;margin:.1em 0 .2em}h2{font-size:13pt;border-bottom:2px solid #0b5a40;padding-bottom:.1em;margin:1.2em 0 .4em;break-after:avoid}h3{font-size:11pt;margin:.9em 0 .2em;break-after:avoid}
.muted{color:#5b6472;font-size:9pt}.messages{background:#eef6f2;border-inline-start:4px solid #0b5a40;padding:.3em 1em .3em 1.6em;margin:.6em 0}.messages li{margin:.25em 0}
.q{break-inside:avoid}.message{font-weight:700;margin:.2em 0}.chart svg{direction:ltr;max-width:100%;height:auto}
table{border-collapse:collapse;margin:.3em 0 .6em;font-size:9pt;width:100%}th,td{border-bottom:1px solid #d5d9e0;padding:.15em .4em;text-align:end;vertical-align:top}th:first-child,td:first-child{text-align:start}thead th{color:#4a5361}
.embargoed{background:#8b0000;color:#fff;padding:.45em .8em;font-weight:700;text-align:center;letter-spacing:.02em;margin:0 0 .8em}
.simulated{background:#fff4ce;border:2px solid #8a3b00;padding:.45em .8em;font-weight:700}
.profile{display:grid;grid-template-columns:1fr 1fr;gap:0 1.2em}.sites{columns:2;font-size:9pt;padding-inline-start:1.2em}ol.recs li{margin:.25em 0}.about p{margin:.25em 0;font-size:9pt}`

/** The brief: one A4 HTML page in the place's language (its fonts in `assets/`). */
export const briefHtml = async (c: ToolkitContent, t: ToolkitText): Promise<string> => {
  const f = formatsFor(c.locale.intl)
  const out: Array<string> = []
  const title = t("title", { place: c.placeName })
  out.push(`<!doctype html><html lang="${esc(c.locale.intl)}" dir="${c.locale.dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${c.embargoed === null ? "" : "EMBARGOED — "}${esc(title)}</title><link rel="stylesheet" href="assets/brief.css"></head><body>`)
  if (c.embargoed !== null) out.push(`<p class="embargoed" role="alert">${esc(c.embargoed.watermark)}${c.locale.used.startsWith("en") ? "" : `<br>${esc(t("embargoed", { until: c.embargoed.until }))}`}</p>`)
  if (c.simulated > 0) out.push(`<p class="simulated" role="alert">⚠ ${esc(t("simulated", { count: c.simulated, total: c.tookPart.sites }))}</p>`)
  out.push(`<header><p class="kicker">${esc(c.dialogue.title)}</p><h1>${esc(title)}</h1><p class="muted">${esc(t("subtitle", { date: f.date(c.dialogue.date), sites: c.tookPart.sites, countries: c.countries, present: c.tookPart.present }))}</p></header>`)

  out.push(`<h2>${esc(t("key_messages"))}</h2><ul class="messages">${c.questions.map((q) => `<li>${esc(keyMessage(c, q, t, f))}</li>`).join("")}</ul>`)

  out.push(`<h2>${esc(t("key_results"))}</h2><p class="muted">${esc(t("results_note", { place: c.placeName, has_region: c.regionName === null ? "no" : "yes", region: c.regionName ?? "" }))}</p>`)
  for (const q of c.questions) {
    out.push(`<section class="q"><h3>${esc(q.label)}</h3><p class="message">${esc(keyMessage(c, q, t, f))}</p>`)
    const versus = versusWorld(c, q, t, f)
    if (versus !== null) out.push(`<p>${esc(versus)}</p>`)
    if (q.voters.place > 0) {
      out.push(`<div class="chart">${await svgOf(comparisonSpec(c, q, t))}</div>`)
      out.push(comparisonTable(c, q, t, f))
    }
    out.push(`<p class="muted">${esc(t("voters_line", { place: c.placeName, place_voters: q.voters.place, world_voters: q.voters.world }))}</p></section>`)
  }

  out.push(`<h2>${esc(t("took_part"))}</h2><p>${esc(t("took_part_line", c.tookPart))}</p>`)
  out.push(`<ul class="sites">${c.sites.map((s) => `<li>${esc(s.name)} <span class="muted">(${esc(s.city)}${c.place.kind === "region" ? `, ${esc(s.country)}` : ""})</span></li>`).join("")}</ul>`)
  out.push(`<h3>${esc(t("profile"))}</h3>`)
  if (c.profile.registered === null) out.push(`<p>${esc(t("profile_too_few", { threshold: c.profile.threshold }))}</p>`)
  else {
    out.push(`<p>${esc(t("profile_registered", { count: c.profile.registered }))}</p><div class="profile">`)
    for (const cat of c.profile.categories) {
      out.push(`<table><thead><tr><th scope="col">${esc(t("category", { category: cat.category }))}</th><th scope="col"></th></tr></thead><tbody>${
        cat.values.map((v) => `<tr><td>${esc(v.value === "" ? t("not_recorded") : v.value)}</td><td>${v.count === null ? esc(t("suppressed", { threshold: c.profile.threshold })) : f.whole(v.count)}</td></tr>`).join("")
      }</tbody></table>`)
    }
    out.push(`</div><p class="muted">${esc(t("profile_note", { threshold: c.profile.threshold }))}</p>`)
  }

  out.push(`<h2>${esc(t("evaluation"))}</h2>`)
  for (const line of evaluationLines(c, t, f)) out.push(`<p>${esc(line)}</p>`)

  out.push(`<h2>${esc(t("recommendations"))}</h2>`)
  if (c.recommendations.length === 0) out.push(`<p>${esc(t("recommendations_none", { place: c.placeName }))}</p>`)
  for (const r of c.recommendations) {
    out.push(`<h3>${esc(r.label)}</h3><p class="muted">${esc(t("recommendations_note"))}</p><ol class="recs">${
      r.items.map((i) => `<li>${esc(i.text)} <span class="muted">— ${esc(t("recommendation_source", { site: i.site, table: i.table, votes: i.votes }))}</span></li>`).join("")
    }</ol>`)
  }

  out.push(`<h2>${esc(t("about"))}</h2><div class="about">${aboutLines(c, t, f).map((p) => `<p>${esc(p)}</p>`).join("")}</div>`)
  if (c.embargoed !== null) out.push(`<p class="embargoed">${esc(c.embargoed.watermark)}</p>`)
  out.push("</body></html>\n")
  return out.join("\n")
}

/** Per option: the place, its region and the world, and the place's difference with the world. */
const comparisonTable = (c: ToolkitContent, q: ToolkitQuestion, t: ToolkitText, f: Formats): string => {
  const v = valueOf(q, f)
  const diff = (fig: Figure) => {
    const d = fig.vs_global
    if (d === undefined || d.diff === null) return "—"
    const show = q.measure === "borda" ? (x: number) => f.borda(x) : f.points
    return d.low === null || d.high === null ? show(d.diff) : `${show(d.diff)} (${show(d.low)} – ${show(d.high)})`
  }
  const head = `<tr><th scope="col">${esc(t(q.type === "scale" ? "col_point" : "col_option"))}</th><th scope="col">${esc(c.placeName)}</th>${c.regionName === null ? "" : `<th scope="col">${esc(c.regionName)}</th>`}<th scope="col">${esc(t("world"))}</th><th scope="col">${esc(t(q.measure === "borda" ? "col_diff_value" : "col_diff"))}</th></tr>`
  const rows = q.options.map((o) => `<tr><td>${esc(o.label)}</td><td>${v(o.place.value)}</td>${c.regionName === null ? "" : `<td>${v(o.region?.value ?? null)}</td>`}<td>${v(o.world.value)}</td><td>${diff(o.place)}</td></tr>`)
  if (q.mean !== null) {
    rows.unshift(`<tr><td><strong>${esc(t("col_mean"))}</strong></td><td>${f.mean(q.mean.place.value)}</td>${c.regionName === null ? "" : `<td>${f.mean(q.mean.region?.value ?? null)}</td>`}<td>${f.mean(q.mean.world.value)}</td><td>${
      q.mean.place.vs_global?.diff == null ? "—" : f.mean(q.mean.place.vs_global.diff)
    }</td></tr>`)
  }
  return `<table><thead>${head}</thead><tbody>${rows.join("")}</tbody></table>`
}

/** The evaluation highlights as sentences. */
const evaluationLines = (c: ToolkitContent, t: ToolkitText, f: Formats): Array<string> => {
  const e = c.evaluation
  if (e.kind === "none") return [t("evaluation_none", { place: c.placeName })]
  if (e.kind === "suppressed") return [t("evaluation_suppressed", { place: c.placeName, threshold: e.threshold })]
  const lines = e.waves.map((w) => t("evaluation_wave", { wave: w.wave, answered: w.answered, registered: w.registered, has_rate: w.rate === null ? "no" : "yes", rate: w.rate === null ? "" : f.share(w.rate) }))
  if (e.knowledge !== null) lines.push(t("evaluation_knowledge", { pre: f.share(e.knowledge.pre), post: f.share(e.knowledge.post), n: e.knowledge.n }))
  for (const ch of e.changes) lines.push(t("evaluation_change", { question: ch.label, pre: f.mean(ch.pre), post: f.mean(ch.post), n: ch.n }))
  return lines
}

/** How the figures were made, the licence, the press contact, the citation and the data files. */
const aboutLines = (c: ToolkitContent, t: ToolkitText, f: Formats): Array<string> => [
  t("method", { weight: c.weight, replicates: c.replicates }),
  ...(c.licence === null ? [] : [t("licence", { licence: c.licence })]),
  ...(c.press === null ? [] : [t("press", { name: c.press.name, email: c.press.email })]),
  t("citation", { dialogue: c.dialogue.title, place: c.placeName, date: f.date(c.dialogue.date) }),
  t("data_files")
]

// ─── the slide deck ─────────────────────────────────────────────────────────────────────────

const FIXED_TIME = "2000-01-01T00:00:00Z"
const ZIP_TIME = new Date(2000, 0, 1, 0, 0, 0)

/**
 * Makes a PPTX written by pptxgenjs the same bytes for the same slides: the document's dates
 * (and those of each chart's embedded workbook) fixed, the zip's times fixed, and the charts
 * numbered from 1 (pptxgenjs numbers them across every deck of the process).
 */
export const steadyPptx = (pptx: Uint8Array): Uint8Array => {
  const entries = unzipSync(pptx)
  const numbers = Object.keys(entries).flatMap((name) => {
    const m = /^ppt\/charts\/chart(\d+)\.xml$/.exec(name)
    return m === null ? [] : [Number(m[1])]
  })
  const offset = numbers.length === 0 ? 0 : Math.min(...numbers) - 1
  const renumber = (s: string) => (offset === 0 ? s : s.replace(/(charts\/(?:_rels\/)?chart|Microsoft_Excel_Worksheet)(\d+)(\.xml|\.xlsx)/g, (_, a: string, n: string, b: string) => `${a}${Number(n) - offset}${b}`))
  const out: Zippable = {}
  for (const [name, data] of Object.entries(entries)) {
    if (name.endsWith("/")) continue
    let content: Uint8Array = data
    if (name.endsWith(".xlsx")) content = steadyWorkbook(data)
    else if (/\.(xml|rels)$/.test(name)) {
      let text = renumber(strFromU8(data))
      if (name === "docProps/core.xml") text = text.replace(/(<dcterms:(?:created|modified)[^>]*>)[^<]*/g, `$1${FIXED_TIME}`)
      content = strToU8(text)
    }
    out[renumber(name)] = [content, { mtime: ZIP_TIME, level: name.endsWith(".xlsx") ? 0 : 6 }]
  }
  return zipSync(out, { mtime: ZIP_TIME })
}

const steadyWorkbook = (xlsx: Uint8Array): Uint8Array => {
  const out: Zippable = {}
  for (const [name, data] of Object.entries(unzipSync(xlsx))) {
    if (name.endsWith("/")) continue
    out[name] = [name === "docProps/core.xml" ? strToU8(strFromU8(data).replace(/(<dcterms:(?:created|modified)[^>]*>)[^<]*/g, `$1${FIXED_TIME}`)) : data, { mtime: ZIP_TIME }]
  }
  return zipSync(out, { mtime: ZIP_TIME, level: 6 })
}

/** The slide deck: a title, the key messages, a native bar chart per question, who took part, the evaluation, the recommendations, and where the figures come from. */
export const deckPptx = async (c: ToolkitContent, t: ToolkitText): Promise<Uint8Array> => {
  // the package's types are read as CommonJS (its package.json has no "type"), its ESM build is what loads: the default export is the class
  const { default: PptxGenJS } = (await import("../infra/vendor/pptxgenjs.js")) as unknown as { readonly default: typeof import("pptxgenjs").default }
  const f = formatsFor(c.locale.intl)
  const rtl = c.locale.dir === "rtl"
  const pptx = new PptxGenJS()
  pptx.layout = "LAYOUT_16x9"
  pptx.rtlMode = rtl
  pptx.title = t("title", { place: c.placeName })
  pptx.subject = c.dialogue.title
  pptx.author = "convene"
  pptx.company = c.dialogue.title
  const font = rtl ? "Noto Sans Arabic" : "Noto Sans"
  const text = { fontFace: font, color: "1D2430", rtlMode: rtl, align: (rtl ? "right" : "left") as "right" | "left", lang: c.locale.intl }
  const green = "0B5A40"
  const footer = (slide: ReturnType<typeof pptx.addSlide>) => {
    if (c.embargoed !== null) slide.addText(c.embargoed.watermark, { x: 0, y: 5.2, w: 10, h: 0.425, fontFace: "Noto Sans", fontSize: 13, bold: true, color: "FFFFFF", fill: { color: "8B0000" }, align: "center" })
    else slide.addText(`${c.dialogue.title} · ${f.date(c.dialogue.date)}`, { ...text, x: 0.4, y: 5.25, w: 9.2, h: 0.3, fontSize: 9, color: "5B6472" })
  }
  const heading = (slide: ReturnType<typeof pptx.addSlide>, title: string) => slide.addText(title, { ...text, x: 0.4, y: 0.25, w: 9.2, h: 0.75, fontSize: 22, bold: true, color: green })
  const bullets = (slide: ReturnType<typeof pptx.addSlide>, lines: ReadonlyArray<string>, y = 1.1, h = 4) =>
    slide.addText(lines.map((l) => ({ text: l, options: { bullet: true, breakLine: true } })), { ...text, x: 0.5, y, w: 9, h, fontSize: lines.length > 5 ? 13 : 16, valign: "top", paraSpaceAfter: 6 })

  const cover = pptx.addSlide()
  cover.background = { color: "EEF6F2" }
  cover.addText(c.dialogue.title, { ...text, x: 0.6, y: 1.0, w: 8.8, h: 0.6, fontSize: 16, color: green, bold: true })
  cover.addText(t("title", { place: c.placeName }), { ...text, x: 0.6, y: 1.7, w: 8.8, h: 1.3, fontSize: 34, bold: true })
  cover.addText(t("subtitle", { date: f.date(c.dialogue.date), sites: c.tookPart.sites, countries: c.countries, present: c.tookPart.present }), { ...text, x: 0.6, y: 3.1, w: 8.8, h: 0.8, fontSize: 16, color: "4A5361" })
  if (c.simulated > 0) cover.addText(`⚠ ${t("simulated", { count: c.simulated, total: c.tookPart.sites })}`, { ...text, x: 0.6, y: 4.0, w: 8.8, h: 0.8, fontSize: 12, bold: true, color: "8A3B00", fill: { color: "FFF4CE" } })
  footer(cover)

  const messages = pptx.addSlide()
  heading(messages, t("key_messages"))
  bullets(messages, c.questions.map((q) => keyMessage(c, q, t, f)))
  footer(messages)

  const scopes = [c.placeName, ...(c.regionName === null ? [] : [c.regionName]), t("world")]
  for (const q of c.questions) {
    const slide = pptx.addSlide()
    heading(slide, q.label)
    slide.addText(keyMessage(c, q, t, f), { ...text, x: 0.4, y: 1.0, w: 9.2, h: 0.55, fontSize: 14, bold: true })
    if (q.voters.place > 0) {
      const scale = q.measure === "borda" ? 1 : 100
      const round = (x: number | null) => (x === null ? 0 : Math.round(x * scale * 10) / 10)
      // a bar chart lists its categories from the bottom up: reversed, the first option is on top
      const options = [...q.options].reverse()
      const data = scopes.map((name, i) => ({
        name,
        labels: options.map((o) => o.label),
        values: options.map((o) => round((i === 0 ? o.place : i === 1 && c.regionName !== null ? o.region : o.world)?.value ?? null))
      }))
      slide.addChart(pptx.ChartType.bar, data, {
        x: 0.4,
        y: 1.6,
        w: 9.2,
        h: 3.55,
        barDir: "bar",
        barGrouping: "clustered",
        chartColors: ["0B5A40", "67A9CF", "B0B7C3"].slice(0, scopes.length),
        showLegend: true,
        legendPos: "b",
        legendFontSize: 11,
        showValue: q.options.length <= 6,
        dataLabelFontSize: 9,
        dataLabelFormatCode: q.measure === "borda" ? "0.00" : "0\"%\"",
        valAxisLabelFormatCode: q.measure === "borda" ? "0.0" : "0\"%\"",
        catAxisLabelFontSize: 11,
        valAxisMinVal: 0,
        showTitle: false
      })
    }
    footer(slide)
  }

  const took = pptx.addSlide()
  heading(took, t("took_part"))
  const profile = c.profile.registered === null
    ? [t("profile_too_few", { threshold: c.profile.threshold })]
    : [t("profile_registered", { count: c.profile.registered }), ...c.profile.categories.map((cat) => `${t("category", { category: cat.category })}: ${cat.values.map((v) => `${v.value === "" ? t("not_recorded") : v.value} ${v.count === null ? t("suppressed", { threshold: c.profile.threshold }) : f.whole(v.count)}`).join(" · ")}`)]
  bullets(took, [t("took_part_line", c.tookPart), ...profile])
  footer(took)

  const evaluation = pptx.addSlide()
  heading(evaluation, t("evaluation"))
  bullets(evaluation, evaluationLines(c, t, f))
  footer(evaluation)

  const recs = pptx.addSlide()
  heading(recs, t("recommendations"))
  bullets(recs, c.recommendations.length === 0 ? [t("recommendations_none", { place: c.placeName })] : c.recommendations.flatMap((r) => r.items.map((i) => `${i.text} (${t("recommendation_source", { site: i.site, table: i.table, votes: i.votes })})`)))
  footer(recs)

  const about = pptx.addSlide()
  heading(about, t("about"))
  bullets(about, aboutLines(c, t, f))
  footer(about)

  const written = await pptx.write({ outputType: "uint8array" })
  return steadyPptx(written as Uint8Array)
}

// ─── the open data ──────────────────────────────────────────────────────────────────────────

/** The extract as JSON: the place, the licence and citation, each site's votes per question, the recommendations; the watermark when embargoed. */
export const extractJson = (c: ToolkitContent, x: ToolkitExtract, t: ToolkitText): string => {
  const f = formatsFor(c.locale.intl)
  const bySite = new Map<string, Array<SiteQuestionTotals>>()
  for (const tot of x.totals) bySite.set(tot.site_id, [...(bySite.get(tot.site_id) ?? []), tot])
  const order = new Map(x.questions.map((q, i) => [q.id, i]))
  const data = {
    ...(c.embargoed === null ? {} : { notice: c.embargoed.watermark }),
    dialogue: { id: c.dialogue.id, title: c.dialogue.title, date: c.dialogue.date },
    place: { kind: c.place.kind, code: c.place.code, name: c.place.name },
    licence: c.licence,
    citation: t("citation", { dialogue: c.dialogue.title, place: c.placeName, date: f.date(c.dialogue.date) }),
    counted: "validated results; mirror dialogues apart",
    simulated_sites: c.simulated,
    sites: [...x.sites].sort((a, b) => (a.id < b.id ? -1 : 1)).map((s) => ({
      id: s.id,
      name: s.name,
      city: s.city,
      country: s.country,
      format: s.format,
      questions: (bySite.get(s.id) ?? [])
        .sort((a, b) => (order.get(a.question) ?? 0) - (order.get(b.question) ?? 0))
        .map((q) => ({ id: q.question, voters: q.voters, votes: Object.fromEntries((x.questions.find((d) => d.id === q.question)?.options ?? Object.keys(q.votes)).map((o) => [o, q.votes[o] ?? 0])) }))
    })),
    recommendations: JSON.parse(recommendationsExtractJson(x)) as unknown
  }
  return `${JSON.stringify(data, null, 2)}\n`
}

const recommendationsExtractJson = (x: ToolkitExtract): string => {
  const ids = new Set<string>(x.sites.map((s) => s.id))
  return JSON.stringify(
    [...x.recommendations]
      .filter((r) => ids.has(r.site_id))
      .sort((a, b) => b.votes - a.votes || (a.site_id < b.site_id ? -1 : a.site_id > b.site_id ? 1 : 0) || a.table - b.table || a.number - b.number)
      .map((r) => ({ site_id: r.site_id, question: r.question, table: r.table, number: r.number, votes: r.votes, text: r.text }))
  )
}

/**
 * Every file of a toolkit, by its path in the toolkit's folder: the brief and its assets, the
 * deck, and the open data extract with its README.
 */
export const toolkitFiles = async (c: ToolkitContent, x: ToolkitExtract, t: ToolkitText, fonts: { readonly files: ReadonlyArray<KitFile>; readonly css: string }): Promise<Array<KitFile>> => {
  const notice = c.embargoed?.watermark
  const readme = [
    ...(notice === undefined ? [] : [notice, ""]),
    t("data_readme", { place: c.placeName, dialogue: c.dialogue.title, date: formatsFor(c.locale.intl).date(c.dialogue.date) }),
    "",
    "results.csv: country (ISO 3166-1 alpha-2 code), country_name (English), site_id, site_name, city, format, question, option, votes, voters (the people counted on the question at the site)",
    "recommendations.csv: country, country_name, site_id, question, table, number, votes (the tables' priority votes), text",
    "results.json: the same, by site",
    "",
    "Namibia's code NA reads as a missing value in pandas and R by default: read the files with only empty fields as missing,",
    "pandas: pd.read_csv(\"data/results.csv\", keep_default_na=False, na_values=[\"\"]); R: read.csv(\"data/results.csv\", na.strings = \"\") or readr::read_csv(..., na = \"\").",
    ...(c.licence === null ? [] : ["", `Licence: ${c.licence}`]),
    ""
  ].join("\n")
  return [
    { path: "brief.html", content: utf8.encode(await briefHtml(c, t)) },
    { path: "assets/brief.css", content: utf8.encode(fonts.css + CSS) },
    ...fonts.files,
    { path: "slides.pptx", content: await deckPptx(c, t) },
    { path: "data/results.csv", content: utf8.encode(extractCsv(x.sites, x.totals, x.questions, notice)) },
    { path: "data/recommendations.csv", content: utf8.encode(recommendationsExtractCsv(x.sites, x.recommendations, notice)) },
    { path: "data/results.json", content: utf8.encode(extractJson(c, x, t)) },
    { path: "data/README.txt", content: utf8.encode(readme) }
  ]
}
