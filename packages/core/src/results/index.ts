/** The citizens' results: vote questions, entry (CSV, web, Kobo), checking, status, audit log. */
export { ballotsWithSessions, type LoadedBallots, readBallots } from "./Ballots.js"
export {
  type Actor,
  importResults,
  type ImportResultsOptions,
  type ProgressGroup,
  reopenResults,
  type ResultsImportSummary,
  resultsLog,
  type ResultsProgress,
  resultsStatus,
  type SiteProgress,
  type SiteSelection,
  storeResults,
  type StoreOptions,
  validateResults
} from "./Results.js"
export { type ReplaceOutcome, type ResultLogEntry, ResultsRepo, type SiteEntryCounts, type SiteResultStatus, type StatusChange, type StoredRecommendation } from "./ResultsRepo.js"
export { type ResultsSimulationSummary, SIMULATE_BATCH, simulateResults, type SimulateResultsOptions } from "./ResultsSimulate.js"
export { isLocalUrl } from "../domain/Values.js"
export { inviteToResults, type ResultsInvitation, type ResultsInviteOptions, type ResultsInvitePreview, type ResultsInviteSummary } from "./ResultsInvite.js"
export { type OpenedResultsLink, openResultsLink, type ResultsLink, resultsLinkKey, resultsLinks, resultsToken, resultsTokenHash, siteResults } from "./ResultsLinks.js"
export { exportResults, type ExportResultsOptions, type ResultsExportSummary } from "./ResultsExport.js"
export { type LeftOut, type ReportText, type ResultsReport, resultsReport, type ResultsReportOptions } from "./ResultsReport.js"
export {
  BOOTSTRAP_REPLICATES,
  decodeResultsBy,
  RESULTS_FORMATS,
  RESULTS_GROUPINGS,
  RESULTS_WEIGHTINGS,
  type ResultsAnalysis,
  type ResultsBy,
  type ResultsFormat,
  type Weighting
} from "../domain/ResultsAnalysis.js"
export { resultsEmbargo } from "./Embargo.js"
export { type Embargo, embargoOf, isReleased, releaseTime, type SiteDayEnd } from "../domain/Release.js"
export {
  LIVE_OVERLAP_MS,
  LIVE_REPLICATES,
  LIVE_STATES,
  type LiveCoverageGroup,
  type LiveCoverageWarning,
  livePlan,
  type LivePlan,
  type LivePlannedSite,
  liveProvisional,
  type LiveProvisional,
  type LiveQuestion,
  liveResults,
  type LiveResults,
  type LiveSite,
  type LiveSnapshot,
  type LiveState,
  liveStateOf,
  readLiveSnapshot
} from "./ResultsLive.js"
export {
  resultsToolkits,
  type ResultsToolkitOptions,
  type ResultsToolkitSummary,
  TOOLKIT_RECOMMENDATIONS,
  type ToolkitContent,
  type ToolkitEvaluation,
  type ToolkitFigures,
  type ToolkitOption,
  type ToolkitQuestion,
  type ToolkitText,
  type WrittenToolkit
} from "./ResultsToolkit.js"
export { checkEmbargo, type Embargoed, embargoRule, embargoUntil, embargoWatermark, releaseText, watermarkUntil } from "./EmbargoGate.js"
export { type PortalCountry, portalDir, type PortalManifest, resultsPublish, type ResultsPublishOptions } from "./ResultsPublish.js"
export { heldPage, PORTAL_MIN_GROUP, PORTAL_SCRIPT, PORTAL_SCRIPT_HASH, suppressedCounts } from "./ResultsPortal.js"
