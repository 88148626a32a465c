/**
 * The follow-the-sun chart: a self-contained HTML page (inline CSS and SVG, no external
 * assets) with one row per site in UTC order, blocks as bars on a UTC axis, synchronized
 * moments as labelled vertical bands, and a histogram of sites in session per UTC hour. The
 * chart scales to the window's width (a viewBox, `width: 100%`), so every site's row and the whole
 * UTC span show at once on a 1,000 px screen; below 640 px it scrolls sideways instead of shrinking
 * further. Rows are 12 units high, so 300+ sites remain readable by scrolling down, with the axis
 * repeated at the bottom.
 */
import type { SchedulePlan } from "../domain/Schedule.js"

const HOUR = 3_600_000
/** Below this width the chart stops shrinking and scrolls sideways. */
const MIN_WIDTH = 640
/** The height of one lane of moment labels, above the hour axis. */
const LANE = 13
/** A rough width of label text at 10 px, to keep labels in a lane apart. */
const textWidth = (text: string): number => text.length * 5.6 + 8
const escapeHtml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

const kindColor: Record<string, string> = {
  plenary: "#2b6cb0",
  "table-discussion": "#38a169",
  vote: "#d69e2e",
  break: "#cbd5e0"
}

/**
 * Renders the plan as a self-contained HTML page.
 *
 * @example
 * await writeFile("out/schedule.html", scheduleHtml(plan, "We, the Internet"))
 */
export const scheduleHtml = (whole: SchedulePlan, title: string): string => {
  // the chart is the global day; sites on their own dates are listed under it
  const plan: SchedulePlan = { ...whole, sites: whole.sites.filter((s) => s.date === undefined) }
  const ownDates = whole.sites.filter((s) => s.date !== undefined)
  const ownDateList = ownDates.length === 0 ? "" : `<h2>Sites on their own dates</h2>\n<ul>${ownDates.map((s) => `<li><b>${escapeHtml(s.id)}</b> (${s.date_reason === "mirror" ? "mirror dialogue" : s.date_reason === "national" ? "national dialogue" : "own date"}): ${escapeHtml(s.date ?? "")}, ${escapeHtml(s.blocks[0]?.start_local.slice(11) ?? "")}–${escapeHtml(s.blocks.at(-1)?.end_local.slice(11) ?? "")} local (UTC${escapeHtml(s.blocks[0]?.utc_offset ?? "")}); no synchronized moment</li>`).join("")}</ul>`
  const start = Math.floor(Date.parse(plan.span.start_utc) / HOUR) * HOUR
  const end = Math.ceil(Date.parse(plan.span.end_utc) / HOUR) * HOUR
  const hours = Math.max(1, (end - start) / HOUR)
  const label = 170
  const pxPerHour = 28
  const row = 12
  const width = label + hours * pxPerHour + 20
  const x = (iso: string) => label + ((Date.parse(iso) - start) / HOUR) * pxPerHour
  const histHeight = 80
  // each moment's label goes in the first lane above the axis where it does not overlap another
  const laneEnds: Array<number> = []
  const momentLabels = [...plan.moments].sort((a, b) => Date.parse(a.start_utc) - Date.parse(b.start_utc)).map((m) => {
    const text = `${m.title} · ${m.start_utc.slice(11, 16)} UTC`
    const w = textWidth(text)
    const left = Math.min(x(m.start_utc), width - 4 - w)
    let lane = laneEnds.findIndex((e) => e <= left)
    if (lane === -1) lane = laneEnds.push(0) - 1
    laneEnds[lane] = left + w
    return { m, text, left, lane }
  })
  const labelTop = histHeight + 16
  const top = labelTop + laneEnds.length * LANE + 28
  const height = top + plan.sites.length * row + 40
  const peak = Math.max(1, ...plan.hourly.map((h) => h.sites))
  const parts: Array<string> = []
  // hour grid and labels (top and bottom)
  for (let h = 0; h <= hours; h++) {
    const gx = label + h * pxPerHour
    const at = new Date(start + h * HOUR)
    parts.push(`<line x1="${gx}" y1="${top - 14}" x2="${gx}" y2="${height - 26}" class="grid"/>`)
    if (h % 2 === 0 && h < hours) {
      const text = `${String(at.getUTCHours()).padStart(2, "0")}h`
      parts.push(`<text x="${gx + 2}" y="${top - 4}" class="axis">${text}</text>`, `<text x="${gx + 2}" y="${height - 14}" class="axis">${text}</text>`)
    }
    if ((at.getUTCHours() === 0 || h === 0) && h < hours) parts.push(`<text x="${gx + 2}" y="${top - 22}" class="axis day">${at.toISOString().slice(0, 10)}</text>`)
  }
  // histogram of sites in session per hour
  for (const h of plan.hourly) {
    const hx = x(h.hour_utc)
    const bh = (h.sites / peak) * (histHeight - 14)
    parts.push(`<rect x="${hx + 1}" y="${histHeight - bh}" width="${pxPerHour - 2}" height="${bh}" class="hist"><title>${h.hour_utc}: ${h.sites} sites in session</title></rect>`)
  }
  parts.push(`<text x="4" y="${histHeight - 2}" class="axis">sites in session (peak ${peak})</text>`)
  // moments as vertical bands, each labelled above the axis with a tick down to its band
  for (const { m, text, left, lane } of momentLabels) {
    const y = labelTop + lane * LANE
    parts.push(
      `<rect x="${x(m.start_utc)}" y="${top - 14}" width="${Math.max(2, x(m.end_utc) - x(m.start_utc))}" height="${plan.sites.length * row + 14}" class="moment"><title>${escapeHtml(m.title)}: ${m.start_utc}–${m.end_utc.slice(11)}, ${m.joining} of ${plan.sites.length} sites</title></rect>`,
      `<line x1="${x(m.start_utc)}" y1="${y + 2}" x2="${x(m.start_utc)}" y2="${top - 14}" class="moment-tick"/>`,
      `<text x="${left}" y="${y}" class="moment-label">${escapeHtml(text)}</text>`
    )
  }
  // one row per site, in follow-the-sun order
  plan.sites.forEach((site, i) => {
    const y = top + i * row
    const warn = site.warnings.length > 0 ? " ⚠" : ""
    parts.push(`<text x="4" y="${y + row - 3}" class="site">${escapeHtml(site.id)} <tspan class="offset">${site.blocks[0]?.utc_offset ?? ""}</tspan>${warn}</text>`)
    for (const b of site.blocks) {
      parts.push(
        `<rect x="${x(b.start_utc)}" y="${y + 2}" width="${Math.max(1, x(b.end_utc) - x(b.start_utc) - 0.5)}" height="${row - 3}" fill="${kindColor[b.kind] ?? "#718096"}"><title>${escapeHtml(site.id)} · ${escapeHtml(b.title)}&#10;${b.start_local.slice(11)}–${b.end_local.slice(11)} local (UTC${b.utc_offset}) · ${b.start_utc.slice(11, 16)}–${b.end_utc.slice(11, 16)} UTC</title></rect>`
      )
    }
  })
  const legend = Object.entries(kindColor)
    .map(([kind, color]) => `<span><i style="background:${color}"></i>${kind}</span>`)
    .join("")
  const warnings = plan.warnings.length === 0
    ? "<p>No warnings.</p>"
    : `<details><summary>${plan.warnings.length === 1 ? "1 warning" : `${plan.warnings.length} warnings`}</summary><ul>${plan.warnings.map((w) => `<li><b>${escapeHtml(w.site)}${w.block === undefined ? "" : ` / ${escapeHtml(w.block)}`}</b>: ${escapeHtml(w.message)}</li>`).join("")}</ul></details>`
  const moments = plan.moments
    .map((m) => `<li><b>${escapeHtml(m.title)}</b> (${m.mode}): ${m.start_utc.slice(11, 16)}–${m.end_utc.slice(11, 16)} UTC, ${m.joining} of ${plan.sites.length} sites can join</li>`)
    .join("")
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — ${plan.day}, follow the sun</title>
<style>
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:1.5rem;color:#1a202c}
h1{font-size:1.3rem;margin:0 0 .3rem}
.meta{color:#4a5568;margin:0 0 .8rem}
.legend span{margin-right:1rem;white-space:nowrap}.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:-1px}
.chart{overflow:auto;border:1px solid #e2e8f0;max-height:85vh}
.chart svg{display:block;width:100%;height:auto;min-width:${MIN_WIDTH}px}
.grid{stroke:#edf2f7;stroke-width:1}
.axis{font-size:10px;fill:#4a5568}.day{font-weight:600}
.site{font-size:9px;fill:#1a202c;font-family:ui-monospace,Menlo,Consolas,monospace}.offset{fill:#718096}
.hist{fill:#805ad5}
.moment{fill:#e53e3e;fill-opacity:.18;stroke:#e53e3e;stroke-opacity:.5}
.moment-label{font-size:10px;font-weight:600;fill:#9b2c2c}.moment-tick{stroke:#e53e3e;stroke-opacity:.6;stroke-dasharray:2 2}
@media print{.chart{max-height:none;overflow:visible}}
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="meta">Deliberation day ${plan.day}: ${plan.sites.length} sites, from ${plan.span.start_utc.replace("T", " ")} to ${plan.span.end_utc.replace("T", " ")} (${plan.span.hours} h). Each row is a site, in follow-the-sun order; bars are agenda blocks on a UTC axis; red bands are synchronized moments, labelled with their UTC start.</p>
<p class="legend">${legend}<span><i style="background:#e53e3e;opacity:.35"></i>synchronized moment</span></p>
<ul>${moments}</ul>
<div class="chart"><svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 ${width} ${height}" preserveAspectRatio="xMinYMin meet" role="img" aria-label="Follow-the-sun chart of ${plan.sites.length} sites">
${parts.join("\n")}
</svg></div>
${ownDateList}
${warnings}
</body>
</html>
`
}
