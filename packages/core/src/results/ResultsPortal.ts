/**
 * The results portal's files, drawn from what `results publish` read: HTML pages with inline CSS
 * and inline SVG charts, relative links only (they browse from `file://`), in each page's
 * language; the open data (CSV, JSON, a data dictionary), the licence and the citation. Nothing
 * here reads the clock or the disk: the same input gives the same bytes.
 */
import { createHash } from "node:crypto"
import { type CountedQuestion, isCounted, voteLabel } from "../domain/Ballot.js"
import { formatCsv } from "../domain/Csv.js"
import { englishCountryName } from "../domain/Regions.js"
import { complementarySuppression, type SuppressionSet, SUPPRESSION_THRESHOLD } from "../domain/Report.js"
import type { Figure, VoteGroupResult, VoteQuestionResult } from "../domain/ResultsAnalysis.js"
import type { KitRenderer } from "../kits/index.js"
import type { PortalInput } from "./ResultsPublish.js"

/** The smallest group the portal shows as a number (voters, or people in a profile category). */
export const PORTAL_MIN_GROUP = SUPPRESSION_THRESHOLD

/**
 * The pages' one script: writes each `<time data-local>` again in the reader's own zone. The
 * page says the UTC instant without it.
 */
export const PORTAL_SCRIPT =
  `for(const e of document.querySelectorAll("time[data-local]")){const d=new Date(e.getAttribute("datetime"));const s=document.createElement("span");s.textContent=" — "+new Intl.DateTimeFormat(document.documentElement.lang||undefined,{weekday:"long",year:"numeric",month:"long",day:"numeric",hour:"numeric",minute:"2-digit",timeZoneName:"short"}).format(d);e.after(s)}`

/** The script's hash, for a Content-Security-Policy that allows it and nothing else. */
export const PORTAL_SCRIPT_HASH = `sha256-${createHash("sha256").update(PORTAL_SCRIPT).digest("base64")}`

const CSS = `body{font-family:system-ui,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic","Noto Sans Devanagari",Arial,sans-serif;color:#1d2430;max-width:62rem;margin:0 auto;padding:1rem 1.25rem 3rem;line-height:1.5}
nav{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;border-bottom:1px solid #d5d9e0;padding:.4rem 0 .6rem;font-size:.95rem}a{color:#0b5a40}
h1{color:#0b5a40;margin:.8rem 0 .3rem}h2{border-bottom:2px solid #0b5a40;padding-bottom:.2rem;margin-top:2.2rem}h3{margin-top:1.4rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}th,td{border-bottom:1px solid #d5d9e0;padding:.25rem .5rem;text-align:end;vertical-align:top}th:first-child,td:first-child{text-align:start}thead th{color:#4a5361}
.muted{color:#5b6472;font-size:.9rem}.figures{display:flex;flex-wrap:wrap;gap:1rem}.figures div{background:#f6f7f9;padding:.5rem .9rem;border-radius:.3rem}.figures strong{display:block;font-size:1.4rem}
.chart{overflow-x:auto}.chart svg{direction:ltr;max-width:100%;height:auto}.methods{background:#f6f7f9;border-inline-start:4px solid #0b5a40;padding:.5rem 1rem}
.simulated{background:#fff4ce;border:2px solid #8a3b00;padding:.6rem 1rem;font-weight:700}.held{background:#eef4f8;border-inline-start:4px solid #2166ac;padding:.8rem 1rem;font-size:1.1rem}
footer{margin-top:3rem;border-top:1px solid #d5d9e0;padding-top:.8rem;font-size:.9rem;color:#4a5361}ul.cols{columns:16rem}`

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

/** A page's texts in one locale: `portal.*` then the report's `results_report.*`, English where the catalog lacks both. */
interface Texts {
  readonly locale: string
  readonly lang: string
  readonly dir: "ltr" | "rtl"
  readonly intl: string
  readonly t: (key: string, values?: Record<string, unknown>) => string
  readonly pct: (x: number | null | undefined) => string
  readonly int: (x: number) => string
  readonly dec: (x: number | null | undefined) => string
  readonly country: (code: string) => string
  readonly region: (code: string) => string
  readonly instant: (iso: string) => string
}

const textsCache = new WeakMap<KitRenderer, Map<string, Texts>>()

/** The texts of `locale`, made once per renderer and locale. */
export const portalTexts = (renderer: KitRenderer, locale: string): Texts => {
  let cache = textsCache.get(renderer)
  if (cache === undefined) textsCache.set(renderer, (cache = new Map()))
  const cached = cache.get(locale)
  if (cached !== undefined) return cached
  const local = renderer.messagesFor("", locale)
  const english = renderer.messagesFor("", "en")
  const t = (key: string, values: Record<string, unknown> = {}): string => {
    for (const m of [local.messages, english.messages]) for (const k of [`portal.${key}`, `results_report.${key}`]) if (m.has(k)) return m.format(k, values)
    return key
  }
  const intl = local.messages.intl
  const percent = new Intl.NumberFormat(intl, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 })
  const whole = new Intl.NumberFormat(intl)
  const decimal = new Intl.NumberFormat(intl, { minimumFractionDigits: 2, maximumFractionDigits: 2 })
  const names = new Intl.DisplayNames([intl, "en"], { type: "region", fallback: "code" })
  const utc = new Intl.DateTimeFormat(intl, { dateStyle: "full", timeStyle: "short", timeZone: "UTC" })
  const texts: Texts = {
    locale,
    lang: local.lang,
    dir: local.dir,
    intl,
    t,
    pct: (x) => (x === null || x === undefined ? "—" : percent.format(x)),
    int: (x) => whole.format(x),
    dec: (x) => (x === null || x === undefined ? "—" : decimal.format(x)),
    country: (code) => names.of(code) ?? code,
    region: (code) => (code === "" ? t("no_region") : names.of(code) ?? code),
    instant: (iso) => `${utc.format(new Date(iso))} UTC`
  }
  cache.set(locale, texts)
  return texts
}

/** A page: the head with inline CSS, the navigation, the body, the footer. `up` leads back to the portal's root ("" or "../"). */
const page = (x: Texts, o: { readonly title: string; readonly up: string; readonly body: string; readonly footer: string; readonly languages?: string | undefined; readonly time?: boolean }): string =>
  `<!doctype html>\n<html lang="${esc(x.lang)}" dir="${x.dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(o.title)}</title><style>${CSS}</style></head><body>\n` +
  `<nav><a href="${o.up}index.html">${esc(x.t("nav_world"))}</a><a href="${o.up}methods.html">${esc(x.t("nav_methods"))}</a><a href="${o.up}data.html">${esc(x.t("nav_data"))}</a>${o.languages ?? ""}</nav>\n` +
  `<main>\n${o.body}\n</main>\n<footer>${o.footer}</footer>\n${o.time === true ? `<script>${PORTAL_SCRIPT}</script>\n` : ""}</body></html>\n`

/**
 * A page that says when results will be published: the instant in UTC (readable without
 * JavaScript), in a `<time>` element that the page's one script writes again in the reader's zone.
 *
 * @example
 * heldPage(renderer, "fr-SN", { title: "Sénégal", until: "2027-05-17T09:00:00Z", up: "../" })
 */
export const heldPage = (renderer: KitRenderer, locale: string, o: { readonly title: string; readonly what?: string | undefined; readonly until: string; readonly up: string; readonly dialogue: string }): string => {
  const x = portalTexts(renderer, locale)
  const when = o.until === "" ? esc(x.t("held_unplanned")) : `<time datetime="${esc(o.until)}" data-local>${esc(x.instant(o.until))}</time>`
  const body = `<h1>${esc(o.title)}</h1>\n<p class="held">${esc(x.t("held", { what: o.what ?? o.dialogue }))} <strong>${when}</strong></p>\n<p class="muted">${esc(x.t("held_why"))}</p>`
  return page(x, { title: `${x.t("held_title")} — ${o.title}`, up: o.up, body, footer: esc(o.dialogue), time: true })
}

// ─── figures ────────────────────────────────────────────────────────────────────────────────

/** One column of a comparison: a group's result on a question (undefined: none; hidden: suppressed). */
interface Series {
  readonly name: string
  readonly q: VoteQuestionResult | undefined
  readonly hidden: boolean
  readonly color: string
}

const shown = (s: Series): s is Series & { readonly q: VoteQuestionResult } => s.q !== undefined && !s.hidden

/**
 * The groups the portal hides, per counted question (in `questions`' order): keys `site:ID`,
 * `country:CC`, the region groups' keys (`m49:NNN`), `world` and `mirror`.
 *
 * Every group with fewer than {@link PORTAL_MIN_GROUP} voters is hidden, and then, by the survey
 * report's complementary suppression, enough other groups that no hidden count can be worked
 * out by subtracting shown ones (a country minus its shown sites, a region minus its shown
 * countries, the world minus everything else). The same pattern serves every page and file.
 */
export const portalSuppression = (input: Pick<PortalInput, "sites" | "totals" | "mirror">, questions: ReadonlyArray<CountedQuestion>): Array<Set<string>> => {
  const sets: Array<SuppressionSet> = []
  const byGroup = new Map<string, Array<string>>()
  const add = (key: string, id: string) => {
    const members = byGroup.get(key)
    if (members === undefined) byGroup.set(key, [id])
    else members.push(id)
  }
  for (const s of input.sites) {
    add(`site:${s.id}`, s.id)
    add(`country:${s.country}`, s.id)
    add(s.region === null ? "m49:none" : `m49:${s.region}`, s.id)
    add("world", s.id)
  }
  for (const [key, leaves] of byGroup) sets.push({ key, leaves })
  const voters = new Map(input.totals.map((t) => [`${t.site_id}\u0000${t.question}`, t.voters]))
  return questions.map((q, qi) => {
    const sizes = new Map(input.sites.map((s) => [s.id, voters.get(`${s.id}\u0000${q.id}`) ?? 0]))
    const hidden = complementarySuppression({ sets, sizes, threshold: PORTAL_MIN_GROUP })
    // the mirror dialogues share no site with the rest: only their own size counts
    const mirror = input.mirror?.questions[qi]
    if (mirror !== undefined && mirror.n.voters < PORTAL_MIN_GROUP) hidden.add("mirror")
    return hidden
  })
}

/** The figure an option is drawn by: a ranking's Borda points per voter, else its share. */
const figureOf = (q: VoteQuestionResult, i: number): Figure => (q.type === "ranking" ? q.options[i]!.borda!.per_voter : q.options[i]!.share)

/** Options × series as horizontal bars with their 95% intervals, drawn straight to SVG (no layout engine: fast and byte-stable). */
const chartSvg = (x: Texts, question: CountedQuestion, labels: ReadonlyArray<string>, series: ReadonlyArray<Series>): string => {
  const drawn = series.filter(shown)
  if (drawn.length === 0) return ""
  const ranking = question.type === "ranking"
  const max = ranking ? Math.max(1, question.options.length - 1) : 1
  const labelW = 230
  const plotW = 330
  const bar = 11
  const blockH = drawn.length * (bar + 3) + 12
  const top = 8 + drawn.length * 16
  const height = top + labels.length * blockH + 22
  const width = labelW + plotW + 70
  const px = (v: number) => labelW + Math.max(0, Math.min(1, v / max)) * plotW
  const out: Array<string> = []
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(x.t(ranking ? "chart_borda" : "chart_share"))}" font-family="system-ui,sans-serif" font-size="12">`)
  drawn.forEach((s, i) => out.push(`<rect x="${labelW}" y="${4 + i * 16}" width="10" height="10" fill="${s.color}"/><text x="${labelW + 15}" y="${13 + i * 16}" fill="#1d2430">${esc(s.name)}</text>`))
  labels.forEach((label, oi) => {
    const y0 = top + oi * blockH
    const short = label.length > 38 ? `${label.slice(0, 36)}…` : label
    out.push(`<text x="${labelW - 8}" y="${y0 + blockH / 2}" text-anchor="end" fill="#1d2430"><title>${esc(label)}</title>${esc(short)}</text>`)
    drawn.forEach((s, si) => {
      const f = figureOf(s.q!, oi)
      const y = y0 + 4 + si * (bar + 3)
      const v = f.value ?? 0
      out.push(`<rect x="${labelW}" y="${y}" width="${(px(v) - labelW).toFixed(1)}" height="${bar}" fill="${s.color}"/>`)
      if (f.low !== null && f.high !== null) out.push(`<line x1="${px(f.low).toFixed(1)}" x2="${px(f.high).toFixed(1)}" y1="${y + bar / 2}" y2="${y + bar / 2}" stroke="#08306b" stroke-width="1.5"/>`)
      out.push(`<text x="${(Math.max(px(v), f.high === null ? 0 : px(f.high)) + 4).toFixed(1)}" y="${y + bar - 1}" fill="#4a5361" font-size="10">${esc(ranking ? x.dec(f.value) : x.pct(f.value))}</text>`)
    })
  })
  const axisY = top + labels.length * blockH + 4
  out.push(`<line x1="${labelW}" x2="${labelW + plotW}" y1="${axisY}" y2="${axisY}" stroke="#888"/>`)
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) out.push(`<text x="${(labelW + tick * plotW).toFixed(1)}" y="${axisY + 14}" text-anchor="middle" fill="#5b6472" font-size="10">${esc(ranking ? x.dec(tick * max) : x.pct(tick))}</text>`)
  out.push("</svg>")
  return out.join("")
}

const interval = (x: Texts, f: Figure, show: (v: number | null) => string): string => (f.low === null || f.high === null ? "" : ` <span class="muted">(${show(f.low)} – ${show(f.high)})</span>`)

/** A question: its chart and a table of each option's figure in every series. */
const questionSection = (x: Texts, question: CountedQuestion, sourceLocale: string, series: ReadonlyArray<Series>): string => {
  const labels = question.type === "scale" ? series.find((s) => s.q !== undefined)!.q!.options.map((o) => o.id) : question.options.map((o) => voteLabel(o.label, x.locale, sourceLocale))
  const ranking = question.type === "ranking"
  const out: Array<string> = [`<h3 id="q-${esc(question.id)}">${esc(voteLabel(question.label, x.locale, sourceLocale))}</h3>`]
  out.push(`<p class="muted">${series.map((s) => `${esc(s.name)}: ${s.q === undefined ? "—" : shown(s) ? esc(x.t("n_line", { voters: s.q.n.voters, sites: s.q.n.sites, countries: s.q.n.countries })) : esc(x.t("suppressed"))}`).join(" · ")}</p>`)
  const chart = chartSvg(x, question, labels, series)
  if (chart === "") return out.join("\n")
  out.push(`<div class="chart">${chart}</div>`)
  const show = (v: number | null) => (ranking ? x.dec(v) : x.pct(v))
  const head = `<tr><th scope="col">${esc(x.t(question.type === "scale" ? "col_point" : "col_option"))}</th>${series.map((s) => `<th scope="col">${esc(s.name)}</th>`).join("")}</tr>`
  const rows = labels.map((label, i) => `<tr><td>${esc(label)}</td>${series.map((s) => (shown(s) ? `<td>${show(figureOf(s.q, i).value)}${interval(x, figureOf(s.q, i), show)}</td>` : "<td>—</td>")).join("")}</tr>`)
  if (question.type === "scale") rows.push(`<tr><td><strong>${esc(x.t("col_mean"))}</strong></td>${series.map((s) => (shown(s) && s.q.mean !== undefined ? `<td><strong>${x.dec(s.q.mean.value)}</strong>${interval(x, s.q.mean, x.dec)}</td>` : "<td>—</td>")).join("")}</tr>`)
  out.push(`<p class="muted">${esc(x.t(ranking ? "chart_borda" : "chart_share"))}</p><table><thead>${head}</thead><tbody>${rows.join("")}</tbody></table>`)
  return out.join("\n")
}

// ─── who took part ──────────────────────────────────────────────────────────────────────────

const PROFILE = ["gender", "age_band", "education", "residence"] as const

/**
 * Counts per category of one profile field, with every category under {@link PORTAL_MIN_GROUP}
 * hidden; where only one would be hidden (its count could be read from the total), the next
 * smallest is hidden too.
 */
export const suppressedCounts = (values: ReadonlyArray<string>): Array<{ readonly category: string; readonly count: number | null }> => {
  const n = new Map<string, number>()
  for (const v of values) n.set(v, (n.get(v) ?? 0) + 1)
  const rows = [...n].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([category, count]) => ({ category, count, hide: count < PORTAL_MIN_GROUP }))
  if (rows.filter((r) => r.hide).length === 1) {
    const next = rows.filter((r) => !r.hide).at(-1)
    if (next !== undefined) next.hide = true
  }
  return rows.map((r) => ({ category: r.category, count: r.hide ? null : r.count }))
}

const profileSection = (x: Texts, input: PortalInput, siteIds: ReadonlySet<string>): string => {
  let present = 0
  let ballots = 0
  for (const id of siteIds) {
    const e = input.entries.get(id)
    present += e?.present ?? 0
    ballots += e?.ballots ?? 0
  }
  const people = input.participants.filter((p) => siteIds.has(p.site_id))
  const out: Array<string> = [`<h2>${esc(x.t("took_part"))}</h2>`]
  out.push(`<div class="figures"><div><strong>${x.int(siteIds.size)}</strong>${esc(x.t("figure_sites", { count: siteIds.size }))}</div><div><strong>${x.int(present)}</strong>${esc(x.t("figure_present", { count: present }))}</div><div><strong>${x.int(ballots)}</strong>${esc(x.t("figure_ballots", { count: ballots }))}</div><div><strong>${people.length < PORTAL_MIN_GROUP ? esc(x.t("fewer_than", { min: PORTAL_MIN_GROUP })) : x.int(people.length)}</strong>${esc(x.t("figure_registered", { count: people.length }))}</div></div>`)
  if (people.length >= PORTAL_MIN_GROUP) {
    const tables = PROFILE.map((field) => {
      // hidden categories are not named either: one row says how many people they hold together
      const counts = suppressedCounts(people.map((p) => p[field] ?? ""))
      const hidden = counts.filter((r) => r.count === null).length
      const rows = counts.filter((r) => r.count !== null).map((r) => `<tr><td>${esc(r.category === "" ? x.t("not_stated") : r.category)}</td><td>${x.int(r.count!)}</td></tr>`)
      if (hidden > 0) rows.push(`<tr><td>${esc(x.t("other_categories", { count: hidden }))}</td><td>${esc(x.t("fewer_than_each", { min: PORTAL_MIN_GROUP }))}</td></tr>`)
      return `<table><thead><tr><th scope="col">${esc(x.t(`profile.${field}`))}</th><th scope="col">${esc(x.t("col_people"))}</th></tr></thead><tbody>${rows.join("")}</tbody></table>`
    })
    out.push(`<div class="figures">${tables.join("")}</div>`)
  }
  out.push(`<p class="muted">${esc(x.t("profile_note", { min: PORTAL_MIN_GROUP }))}</p>`)
  return out.join("\n")
}

// ─── pages ──────────────────────────────────────────────────────────────────────────────────

const citation = (input: PortalInput, sites: number, countries: number): string =>
  `${input.dialogue.title} (${(input.embargo.ends || "").slice(0, 4)}). The citizens' votes: ${sites} sites in ${countries} countries. Open data${input.embargo.licence === undefined ? "" : `, ${input.embargo.licence}`}. Published ${input.embargo.ends.slice(0, 10)}.`

const footerOf = (x: Texts, input: PortalInput, up: string): string => {
  const lines: Array<string> = []
  lines.push(input.embargo.licence === undefined ? esc(x.t("licence_none")) : `${esc(x.t("licence", { licence: input.embargo.licence }))} <a href="${up}LICENSE.txt">LICENSE.txt</a>`)
  lines.push(`${esc(x.t("cite"))} ${esc(citation(input, input.sites.length, input.countries.length))}`)
  if (input.embargo.press_contact !== undefined) lines.push(`${esc(x.t("press"))} ${esc(input.embargo.press_contact.name)}, <a href="mailto:${esc(input.embargo.press_contact.email)}">${esc(input.embargo.press_contact.email)}</a>`)
  return lines.map((l) => `<p>${l}</p>`).join("")
}

const simulatedBanner = (x: Texts, sites: ReadonlyArray<{ readonly simulated: boolean }>): string => {
  const count = sites.filter((s) => s.simulated).length
  return count === 0 ? "" : `<p class="simulated" role="alert">⚠ ${esc(x.t("simulated", { count, total: sites.length }))}</p>\n`
}

const countryFile = (code: string, locale: string, locales: ReadonlyArray<string>): string => (locale === locales[0] ? `${code}.html` : `${code}.${locale}.html`)

const languageLinks = (code: string, locales: ReadonlyArray<string>, current: string, renderer: KitRenderer): string =>
  locales.length < 2 ? "" : `<span>${locales.map((l) => (l === current ? `<strong>${esc(languageName(renderer, l))}</strong>` : `<a href="${countryFile(code, l, locales)}" hreflang="${esc(l)}">${esc(languageName(renderer, l))}</a>`)).join(" · ")}</span>`

const languageName = (renderer: KitRenderer, locale: string): string => {
  const intl = portalTexts(renderer, locale).intl
  return new Intl.DisplayNames([intl, "en"], { type: "language", fallback: "code" }).of(locale.split("-")[0]!) ?? locale
}

const countedQuestions = (input: PortalInput): Array<CountedQuestion> => input.ballots.questions.filter(isCounted)

const groupOf = (groups: ReadonlyArray<VoteGroupResult>, key: string): VoteGroupResult | undefined => groups.find((g) => g.key === key)

/** Every file of the portal, path (relative, `/`-separated) → content, in a stable order. */
export const portalFiles = (input: PortalInput): Map<string, string> => {
  const files = new Map<string, string>()
  const source = portalTexts(input.renderer, input.sourceLocale)
  const world = input.byCountry.global
  const questions = countedQuestions(input)
  const hidden = portalSuppression(input, questions)
  const regions = [...new Set(input.countries.map((c) => c.region ?? ""))].filter((r) => r !== "").sort()
  const sitesOf = (pred: (s: PortalInput["sites"][number]) => boolean) => new Set(input.sites.filter(pred).map((s) => s.id))

  // the world
  {
    const x = source
    const body: Array<string> = [simulatedBanner(x, input.sites), `<h1>${esc(x.t("title", { dialogue: input.dialogue.title }))}</h1>`]
    body.push(`<p class="muted">${esc(x.t("subtitle_world", { sites: input.sites.length, countries: input.countries.length }))}</p>`)
    body.push(profileSection(x, input, sitesOf(() => true)))
    body.push(`<h2>${esc(x.t("votes_heading"))}</h2>`)
    for (const [qi, q] of questions.entries()) body.push(questionSection(x, q, input.sourceLocale, [{ name: x.t("world"), q: world.questions[qi], hidden: hidden[qi]!.has("world"), color: "#0b5a40" }]))
    if (input.mirror !== null) {
      body.push(`<h2>${esc(x.t("mirror_heading"))}</h2><p class="muted">${esc(x.t("mirror_note", { sites: input.mirror.sites }))}</p>`)
      for (const [qi, q] of questions.entries()) body.push(questionSection(x, q, input.sourceLocale, [{ name: x.t("mirror_heading"), q: input.mirror.questions[qi], hidden: hidden[qi]!.has("mirror"), color: "#8c6bb1" }]))
    }
    body.push(`<h2>${esc(x.t("regions_heading"))}</h2><ul class="cols">${regions.map((r) => `<li><a href="regions/${r}.html">${esc(x.region(r))}</a></li>`).join("")}</ul>`)
    body.push(`<h2>${esc(x.t("countries_heading"))}</h2><ul class="cols">${[...input.countries, ...input.held].map((c) => ({ c, name: x.country(c.code) })).sort((a, b) => a.name.localeCompare(b.name, x.intl)).map(({ c, name }) => `<li><a href="countries/${c.code}.html">${esc(name)}</a>${"until" in c ? ` <span class="muted">${esc(x.t("held_short"))}</span>` : ""}</li>`).join("")}</ul>`)
    files.set("index.html", page(x, { title: x.t("title", { dialogue: input.dialogue.title }), up: "", body: body.join("\n"), footer: footerOf(x, input, "") }))
  }

  // the regions, in the source locale
  for (const r of regions) {
    const x = source
    const group = groupOf(input.byRegion.groups, `m49:${r}`)
    const members = input.countries.filter((c) => c.region === r)
    const body: Array<string> = [simulatedBanner(x, input.sites.filter((s) => s.region === r)), `<h1>${esc(x.t("title_region", { region: x.region(r), dialogue: input.dialogue.title }))}</h1>`]
    body.push(`<p class="muted">${esc(x.t("compared_region", { region: x.region(r) }))}</p>`)
    body.push(profileSection(x, input, sitesOf((s) => s.region === r)))
    body.push(`<h2>${esc(x.t("votes_heading"))}</h2>`)
    for (const [qi, q] of questions.entries()) body.push(questionSection(x, q, input.sourceLocale, [{ name: x.region(r), q: group?.questions[qi], hidden: hidden[qi]!.has(`m49:${r}`), color: "#2166ac" }, { name: x.t("world"), q: world.questions[qi], hidden: hidden[qi]!.has("world"), color: "#9aa3ae" }]))
    body.push(`<h2>${esc(x.t("countries_heading"))}</h2><ul class="cols">${members.map((c) => `<li><a href="../countries/${c.code}.html">${esc(x.country(c.code))}</a></li>`).join("")}</ul>`)
    files.set(`regions/${r}.html`, page(x, { title: x.t("title_region", { region: x.region(r), dialogue: input.dialogue.title }), up: "../", body: body.join("\n"), footer: footerOf(x, input, "../") }))
  }

  // the countries, in each of their languages
  for (const c of input.countries) {
    const group = groupOf(input.byCountry.groups, c.code)
    const region = c.region === null ? undefined : groupOf(input.byRegion.groups, `m49:${c.region}`)
    const siteIds = sitesOf((s) => s.country === c.code)
    for (const locale of c.locales) {
      const x = portalTexts(input.renderer, locale)
      const name = x.country(c.code)
      const regionName = c.region === null ? "" : x.region(c.region)
      const body: Array<string> = [simulatedBanner(x, input.sites.filter((s) => s.country === c.code)), `<h1>${esc(x.t("title_country", { country: name, dialogue: input.dialogue.title }))}</h1>`]
      body.push(`<p class="muted">${esc(x.t("compared_country", { country: name, region: regionName }))}${c.region === null ? "" : ` <a href="../regions/${c.region}.html">${esc(regionName)}</a>`}</p>`)
      body.push(profileSection(x, input, siteIds))
      body.push(`<h2>${esc(x.t("votes_heading"))}</h2>`)
      for (const [qi, q] of questions.entries()) {
        const series: Array<Series> = [{ name, q: group?.questions[qi], hidden: hidden[qi]!.has(`country:${c.code}`), color: "#0b5a40" }]
        if (region !== undefined) series.push({ name: regionName, q: region.questions[qi], hidden: hidden[qi]!.has(region.key), color: "#67a9cf" })
        series.push({ name: x.t("world"), q: world.questions[qi], hidden: hidden[qi]!.has("world"), color: "#9aa3ae" })
        body.push(questionSection(x, q, input.sourceLocale, series))
      }
      const recs = input.byCountry.recommendations.flatMap((r) => r.items.filter((i) => i.country === c.code).slice(0, 5).map((i) => ({ r, i })))
      if (recs.length > 0) body.push(`<h2>${esc(x.t("recommendations"))}</h2><ol>${recs.map(({ i }) => `<li>${esc(i.text)} <span class="muted">— ${esc(i.site_name)} · ${esc(x.t("votes", { votes: i.votes }))}</span></li>`).join("")}</ol>`)
      body.push(`<h2>${esc(x.t("nav_methods"))}</h2><div class="methods"><p>${esc(x.t("recruited"))}</p><p>${esc(x.t(`methods.weight_${input.weight}`))}</p></div><p><a href="../methods.html">${esc(x.t("methods_more"))}</a></p>`)
      files.set(`countries/${countryFile(c.code, locale, c.locales)}`, page(x, { title: x.t("title_country", { country: name, dialogue: input.dialogue.title }), up: "../", body: body.join("\n"), footer: footerOf(x, input, "../"), languages: languageLinks(c.code, c.locales, locale, input.renderer) }))
    }
  }
  // countries released later: their pages say when
  for (const h of input.held) {
    for (const locale of h.locales) {
      const x = portalTexts(input.renderer, locale)
      files.set(`countries/${countryFile(h.code, locale, h.locales)}`, heldPage(input.renderer, locale, { title: x.country(h.code), what: x.country(h.code), until: h.until, up: "../", dialogue: input.dialogue.title }))
    }
  }

  // the methods
  {
    const x = source
    const counted = input.sites.length
    const paragraphs = [
      x.t("methods_sites", { sites: counted, countries: input.countries.length, mirror: input.mirror?.sites ?? 0 }),
      x.t("recruited"),
      x.t(`methods.weight_${input.weight}`),
      x.t("methods.interval", { replicates: input.byCountry.replicates, seed: input.byCountry.seed, min: input.byCountry.minSitesForInterval }),
      x.t("methods.comparison"),
      x.t("methods.shares"),
      x.t("methods_privacy", { min: PORTAL_MIN_GROUP }),
      ...(input.held.length === 0 ? [] : [x.t("methods_held", { count: input.held.length, countries: input.held.map((h) => `${x.country(h.code)} (${h.until})`).join(", ") })]),
      ...(input.sites.some((s) => s.simulated) ? [x.t("methods.simulated", { count: input.sites.filter((s) => s.simulated).length, total: counted })] : [])
    ]
    const body = `<h1>${esc(x.t("nav_methods"))}</h1>\n<div class="methods">${paragraphs.map((p) => `<p>${esc(p)}</p>`).join("")}</div>`
    files.set("methods.html", page(x, { title: `${x.t("nav_methods")} — ${input.dialogue.title}`, up: "", body, footer: footerOf(x, input, "") }))
  }

  // the open data
  const data = openData(input, questions, hidden)
  for (const [path, text] of data) files.set(path, text)
  {
    const x = source
    const described: Array<[string, string]> = [["data/results.csv", "data_results_csv"], ["data/results.json", "data_results_json"], ["data/figures.csv", "data_figures_csv"], ["data/recommendations.csv", "data_recommendations_csv"], ["data/data-dictionary.md", "data_dictionary"], ["LICENSE.txt", "data_licence"], ["CITATION.txt", "data_citation"]]
    const body = `<h1>${esc(x.t("nav_data"))}</h1>\n<ul>${described.map(([f, k]) => `<li><a href="${f}">${esc(f)}</a> — ${esc(x.t(k))}</li>`).join("")}</ul>\n<p>${esc(x.t("data_privacy", { min: PORTAL_MIN_GROUP }))}</p>`
    files.set("data.html", page(x, { title: `${x.t("nav_data")} — ${input.dialogue.title}`, up: "", body, footer: footerOf(x, input, "") }))
  }
  return new Map([...files].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)))
}

// ─── open data ──────────────────────────────────────────────────────────────────────────────

const num = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? "" : String(Number(x.toFixed(6))))

const openData = (input: PortalInput, questions: ReadonlyArray<CountedQuestion>, hidden: ReadonlyArray<ReadonlySet<string>>): Map<string, string> => {
  const files = new Map<string, string>()
  const totals = new Map(input.totals.map((t) => [`${t.site_id}\u0000${t.question}`, t]))
  const rows: Array<Array<string>> = []
  const sitesJson: Array<Record<string, unknown>> = []
  for (const s of input.sites) {
    const e = input.entries.get(s.id)
    const perQuestion: Array<Record<string, unknown>> = []
    for (const [qi, q] of questions.entries()) {
      const t = totals.get(`${s.id}\u0000${q.id}`)
      const voters = t?.voters ?? 0
      const options = q.type === "scale" ? Object.keys(t?.votes ?? {}).sort((a, b) => Number(a) - Number(b)) : q.options.map((o) => o.id)
      if (voters === 0) continue
      if (hidden[qi]!.has(`site:${s.id}`)) {
        rows.push([s.id, s.name, s.country, englishCountryName(s.country), s.region ?? "", s.format, String(s.simulated), q.id, "", "", "", "true"])
        perQuestion.push({ question: q.id, suppressed: true })
        continue
      }
      for (const o of options) rows.push([s.id, s.name, s.country, englishCountryName(s.country), s.region ?? "", s.format, String(s.simulated), q.id, o, String(t?.votes[o] ?? 0), String(voters), "false"])
      perQuestion.push({ question: q.id, voters, votes: Object.fromEntries(options.map((o) => [o, t?.votes[o] ?? 0])), ...(t?.rank_sums === undefined ? {} : { rank_sums: t.rank_sums }) })
    }
    sitesJson.push({ site: s.id, name: s.name, country: s.country, region: s.region, format: s.format, simulated: s.simulated, tables: e?.tables ?? 0, people_present: e?.present ?? 0, ballots: e?.ballots ?? 0, questions: perQuestion })
  }
  files.set("data/results.csv", formatCsv(["site", "site_name", "country", "country_name", "region", "format", "simulated", "question", "option", "votes", "voters", "suppressed"], rows))

  const figureRows: Array<Array<string>> = []
  const figuresJson: Record<string, unknown> = {}
  const emit = (level: string, g: VoteGroupResult, keyOf: string) => {
    const qs: Array<Record<string, unknown>> = []
    const groupName = level === "country" ? englishCountryName(g.key) : g.label
    for (const [qi, q] of g.questions.entries()) {
      if (hidden[qi]!.has(keyOf)) {
        figureRows.push([level, g.key, groupName, q.id, "", "", "", "", "", "", "true"])
        qs.push({ question: q.id, suppressed: true })
        continue
      }
      for (const o of q.options) {
        const f = q.type === "ranking" ? o.borda!.per_voter : o.share
        figureRows.push([level, g.key, groupName, q.id, o.id, q.type === "ranking" ? "borda_per_voter" : "share", num(f.value), num(f.low), num(f.high), String(q.n.voters), "false"])
      }
      if (q.mean !== undefined) figureRows.push([level, g.key, groupName, q.id, "", "mean", num(q.mean.value), num(q.mean.low), num(q.mean.high), String(q.n.voters), "false"])
      qs.push({ question: q.id, n: q.n, options: q.options.map((o) => ({ id: o.id, count: o.count, share: o.share, ...(o.borda === undefined ? {} : { borda: o.borda, mean_rank: o.mean_rank }) })), ...(q.mean === undefined ? {} : { mean: q.mean, median: q.median }) })
    }
    figuresJson[`${level}:${g.key}`] = { level, key: g.key, sites: g.sites, countries: g.countries, questions: qs }
  }
  emit("world", input.byCountry.global, "world")
  for (const g of input.byRegion.groups) emit("region", { ...g, key: g.key.replace(/^m49:/, "") }, g.key)
  for (const g of input.byCountry.groups) emit("country", g, `country:${g.key}`)
  if (input.mirror !== null) emit("mirror", input.mirror, "mirror")
  files.set("data/figures.csv", formatCsv(["level", "group", "group_name", "question", "option", "measure", "value", "low", "high", "voters", "suppressed"], figureRows))

  const recommendations = input.byCountry.recommendations.flatMap((r) => r.items.map((i) => [r.question, i.site_id, i.country, englishCountryName(i.country), String(i.table), String(i.number), String(i.votes), i.text]))
  files.set("data/recommendations.csv", formatCsv(["question", "site", "country", "country_name", "table", "number", "votes", "text"], recommendations))

  const cite = citation(input, input.sites.length, input.countries.length)
  files.set("data/results.json", `${JSON.stringify({
    dialogue: input.dialogue,
    published: input.embargo.ends,
    licence: input.embargo.licence ?? null,
    citation: cite,
    press_contact: input.embargo.press_contact ?? null,
    weight: input.weight,
    interval: { confidence: input.byCountry.confidence, replicates: input.byCountry.replicates, seed: input.byCountry.seed },
    min_group: PORTAL_MIN_GROUP,
    held: Object.fromEntries(input.held.map((h) => [h.code, h.until])),
    questions: questions.map((q) => ({ id: q.id, type: q.type, collect: q.collect, label: q.label, ...(q.type === "scale" ? {} : { options: q.options.map((o) => ({ id: o.id, label: o.label })) }) })),
    sites: sitesJson,
    figures: figuresJson
  }, null, 2)}\n`)
  files.set("data/data-dictionary.md", dataDictionary(input))
  files.set("LICENSE.txt", licenceText(input))
  files.set("CITATION.txt", `${cite}\n`)
  return files
}

const LICENCE_URLS: Readonly<Record<string, string>> = {
  "CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/",
  "CC BY-SA 4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
  "CC0 1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
  "ODbL 1.0": "https://opendatacommons.org/licenses/odbl/1-0/"
}

const licenceText = (input: PortalInput): string => {
  const l = input.embargo.licence
  if (l === undefined) return `${input.dialogue.title}: open data\n\nNo licence was declared for these data (convene.yaml, results.release.licence). Ask the organisers before reusing them.\n`
  const url = LICENCE_URLS[l]
  return `${input.dialogue.title}: open data\n\nThe data in this folder (data/*.csv, data/*.json) and the figures of these pages are published under the licence ${l}${url === undefined ? "" : `:\n${url}`}\n\nAttribution: ${citation(input, input.sites.length, input.countries.length)}\n${input.embargo.press_contact === undefined ? "" : `\nContact: ${input.embargo.press_contact.name} <${input.embargo.press_contact.email}>\n`}`
}

const dataDictionary = (input: PortalInput): string => `# ${input.dialogue.title}: data dictionary

Every file here holds the validated results of the sites counted (${input.sites.length} sites in ${input.countries.length} countries; mirror dialogues apart). No participant's contact data or code is in any file; a site, country or region with fewer than ${PORTAL_MIN_GROUP} voters on a question has its counts left out (\`suppressed\` is \`true\`), and so do as many other groups as it takes that no hidden count can be worked out by subtracting shown ones (a country minus its shown sites, a region minus its shown countries, the world minus the rest).

## data/results.csv — one row per site, question and option

| column | meaning |
|---|---|
| site | the site's id |
| site_name | the site's name |
| country | ISO 3166-1 alpha-2 code (Namibia's is \`NA\`: read the files with only empty fields as missing, see below) |
| country_name | the country's English short name |
| region | UN M49 region code (002 Africa, 019 Americas, 142 Asia, 150 Europe, 009 Oceania) |
| format | in-person, online or hybrid |
| simulated | \`true\` when the site's results were written by \`convene results simulate\` (not real votes) |
| question | the vote question's id (see \`questions\` in results.json for its wording and options) |
| option | the option's id; for a scale, the point |
| votes | votes for the option (a ranking: ballots that ranked it) |
| voters | the people counted on the question at the site |
| suppressed | \`true\` when fewer than ${PORTAL_MIN_GROUP} voters, or hidden so that a smaller group cannot be worked out: votes and voters are empty |

## data/figures.csv — the figures of the pages

| column | meaning |
|---|---|
| level | world, region, country or mirror (mirror dialogues, apart) |
| group | \`all\`, the UN M49 region code or the country code |
| group_name | the group's name: a country's English short name, a region's UN M49 name |
| question, option | as above (empty option: the question's mean) |
| measure | share (of voters choosing the option), borda_per_voter (rankings) or mean (scales) |
| value, low, high | the figure and its 95% interval (cluster bootstrap over sites; empty when a group has fewer than 2 sites) |
| voters | the voters the figure is computed over |
| suppressed | \`true\` when fewer than ${PORTAL_MIN_GROUP} voters, or hidden so that a smaller group cannot be worked out |

Weighting: ${input.weight} (${input.weight === "ballots" ? "every voter counts the same" : input.weight === "sites" ? "every site counts the same" : "every country counts the same"}).

## data/recommendations.csv — the tables' recommendations with their priority votes

question, site, country, country_name, table, number (the recommendation's number at its table), votes, text.

## Reading the CSV files in pandas or R

Namibia's country code is \`NA\`, which pandas and R read as a missing value by default. Read the files so that only an empty field is missing: in pandas \`pd.read_csv("data/results.csv", keep_default_na=False, na_values=[""])\`; in R \`read.csv("data/results.csv", na.strings = "")\` or readr's \`read_csv("data/results.csv", na = "")\`. The \`country_name\` and \`group_name\` columns keep the country visible either way.

## data/results.json

The same data in one document: \`questions\` (wording in every language given, options), \`sites\` (per site: tables, people_present, ballots and per question voters, votes, rank_sums for rankings), \`figures\` (per world, region, country: shares with intervals, Borda points and mean ranks, means and medians), \`licence\`, \`citation\`, \`press_contact\`, \`held\` (countries released later: not in these files yet).
`
