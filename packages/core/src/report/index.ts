/**
 * The impact report: paired change, tests, effect sizes and the knowledge index per group.
 * Its HTML/CSV/JSON writer (`writeReport`) loads Vega lazily, on first use.
 */
export {
  decodeReportBy,
  type DiffInDiff,
  type GroupDiD,
  type GroupResult,
  type PairedResult,
  type QuestionResult,
  REPORT_CATEGORIES,
  REPORT_FORMATS,
  REPORT_GROUPINGS,
  type ReportBy,
  type ReportShare,
  SUPPRESSION_THRESHOLD,
  type SurveyReport,
  type WavePairReport
} from "../domain/Report.js"
export { type SampleRow, type SampleGroup, UNDER_REPRESENTED_RATIO, WEIGHT_CAP } from "../domain/Representativeness.js"
export { type SampleOptions, type SampleReport, surveySample } from "./SampleReport.js"
export { sampleCsv, samplePage } from "./SampleReportOutput.js"
export { type CountrySurveyReport, type ReportOptions, surveyReport, surveyReportsByCountry, surveyReportWithCountries } from "./SurveyReport.js"
export { builtInReportText, type SurveyReportText, surveyReportText } from "./SurveyReportText.js"

/**
 * Writes the report as HTML, CSV and/or JSON into `dir`; returns the files written. The HTML
 * page's words come from `text` (`surveyReportText(ws, locale)`; core's English without it). Vega and
 * Vega-Lite (several MB of code) load on the first call, not when the SDK is imported.
 *
 * @example
 * const files = await writeReport(report, "out/report", ["html", "csv"])
 */
export const writeReport = async (
  report: import("../domain/Report.js").SurveyReport,
  dir: string,
  formats: ReadonlyArray<(typeof import("../domain/Report.js").REPORT_FORMATS)[number]>,
  text?: import("./SurveyReportText.js").SurveyReportText
): Promise<Array<string>> => (await import("./SurveyReportOutput.js")).writeReport(report, dir, formats, text)
export { ReportRepo, type ReportRole } from "./ReportRepo.js"
export { type OrganiserReportOptions, organisersReport, organisersReportText } from "./OrganiserReport.js"
export { organiserReportCsv, organiserReportHtml, organiserTextCsv, writeOrganiserReport } from "./OrganiserReportOutput.js"
export { ORGANISER_ROLES, type OrganiserFreeText, type OrganiserQuestion, type OrganiserReport, type OrganiserResponse } from "../domain/OrganiserReport.js"
