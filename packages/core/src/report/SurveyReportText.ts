/**
 * The impact report's own words (`survey_report.*` in the catalogs), in the report's locale, with
 * the English catalog per missing key — and the locale's number formats, and its direction.
 */
import { IntlMessageFormat } from "intl-messageformat"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { parse } from "yaml"
import * as Effect from "effect/Effect"
import type { SurveyReportWords } from "../domain/Report.js"
import { assetsRoot, type Workspace } from "../infra/Workspace.js"
import { rendererFor } from "../kits/index.js"

/** The words, number formats and direction one report is written in. */
export interface SurveyReportText {
  readonly t: SurveyReportWords
  /** The catalog language used (fr for fr-SN; the dialogue's source locale without a catalog). */
  readonly language: string
  /** The page's `lang`: the locale asked when its catalog serves it (fr-SN), else the one used. */
  readonly lang: string
  /** The locale given to Intl for numbers and names. */
  readonly intl: string
  readonly dir: "ltr" | "rtl"
}

/**
 * The report's words from the workspace's catalogs (its overrides first), as kits resolve them:
 * fr-SN → fr, a language without a catalog → the dialogue's source locale.
 *
 * @example
 * const text = yield* surveyReportText(ws, "ar-EG")
 * text.dir // "rtl"; text.language // "ar"
 */
export const surveyReportText = Effect.fn("SurveyReport.text")(function*(ws: Workspace, locale: string) {
  const renderer = yield* rendererFor(ws)
  const local = renderer.messagesFor("", locale)
  const english = renderer.messagesFor("", "en")
  const t: SurveyReportWords = (key, values = {}) => (local.messages.has(`survey_report.${key}`) ? local.messages : english.messages).format(`survey_report.${key}`, values)
  return { t, language: local.used, lang: local.lang, intl: local.messages.intl, dir: local.dir } satisfies SurveyReportText as SurveyReportText
})

let english: SurveyReportText | undefined

/**
 * The words of core's own English catalog, for callers without a workspace (the writers' default).
 *
 * @example
 * builtInReportText().t("response") // "Response"
 */
export const builtInReportText = (): SurveyReportText => {
  if (english !== undefined) return english
  const catalog = parse(readFileSync(join(assetsRoot(), "templates", "locales", "en.yaml"), "utf8")) as { survey_report: Record<string, string> }
  const formats = new Map<string, IntlMessageFormat>()
  const t: SurveyReportWords = (key, values = {}) => {
    let f = formats.get(key)
    if (f === undefined) {
      const text = catalog.survey_report[key]
      if (text === undefined) return `⟦survey_report.${key}⟧`
      f = new IntlMessageFormat(text, "en")
      formats.set(key, f)
    }
    const out = f.format(values)
    return Array.isArray(out) ? out.join("") : String(out)
  }
  english = { t, language: "en", lang: "en", intl: "en", dir: "ltr" }
  return english
}

/** The page's words and number formats, in the report's locale. */
export interface PageText {
  readonly t: SurveyReportWords
  /** A figure with a fixed number of decimals ("—" when missing). */
  readonly fmt: (x: number | null | undefined, digits?: number) => string
  /** A share as a percentage, one decimal. */
  readonly pct: (x: number | null | undefined) => string
  /** A count. */
  readonly int: (x: number) => string
  /** A p-value, already escaped: "&lt; 0.001" below 0.001 (the CSV and JSON carry it in full). */
  readonly pFmt: (p: number | null | undefined) => string
  /** "low to high". */
  readonly range: (low: string, high: string) => string
  /** A wave's name (pre, post, followup) in the report's language. */
  readonly wave: (id: string) => string
}

/** The page's words and Intl number formats for a report text. */
export const pageText = (text: SurveyReportText): PageText => {
  const fixed = new Map<number, Intl.NumberFormat>()
  const fixedFormat = (digits: number) => {
    let f = fixed.get(digits)
    if (f === undefined) fixed.set(digits, f = new Intl.NumberFormat(text.intl, { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false }))
    return f
  }
  const percent = new Intl.NumberFormat(text.intl, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 })
  const count = new Intl.NumberFormat(text.intl)
  const fmt = (x: number | null | undefined, digits = 2): string => (x === null || x === undefined || !Number.isFinite(x) ? "—" : fixedFormat(digits).format(x))
  return {
    t: text.t,
    fmt,
    pct: (x) => (x === null || x === undefined || !Number.isFinite(x) ? "—" : percent.format(x)),
    int: (x) => count.format(x),
    pFmt: (p) => (p === null || p === undefined ? "—" : p < 0.001 ? `&lt; ${fmt(0.001, 3)}` : fmt(p, 3)),
    range: (low, high) => text.t("range", { low, high }),
    wave: (id) => text.t("wave", { wave: id })
  }
}
