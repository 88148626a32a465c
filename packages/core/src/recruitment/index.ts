/**
 * Recruitment: fair stratified selection of a site's panel from its candidate pool. The leximin
 * distribution over the panels that meet the quotas (HiGHS for the LPs and MILPs), a panel
 * sampled from it with a seed, every candidate's selection probability, and a minimal set of
 * conflicting quotas when no panel meets them; the candidate pool, each site's draw with its
 * reserves, the answers of the people drawn and attendance, stored; the representativeness report.
 */
export { type DistributionCompute, findConflicts, legacyProbabilities, marginals, samplePanel, seededRandom, select, type Selection, selectionDistribution, type SelectionMethod } from "./Draw.js"
export { type Distribution, type DistributionStats, leximin, maximin, type PanelShape } from "./Leximin.js"
export { defaultDrawWorkers, distributionWorkers, type DistributionWorkers } from "./DistributionWorkers.js"
export { legacyPanel } from "./Legacy.js"
export { type Profile, type ProfiledProblem, profile, type QuotaRow } from "./Profiles.js"
export { highs, PanelSearch } from "./Solver.js"
export { type CensusTargets, censusTargets, targetsCsv } from "./Targets.js"
export { type DrawFromFiles, type DrawRecord, drawFromFiles, drawTexts, parsePool, parseTargets, peopleCsv, type PoolCandidate, selectionProblemOf, type TargetRow } from "./DrawFiles.js"
export { type AttendanceImport, importAttendance } from "./Attendance.js"
export {
  type CandidatesImport,
  type Confirmation,
  confirmCandidates,
  type Decline,
  declineCandidate,
  drawSite,
  drawSites,
  exportDraw,
  importCandidates,
  recruitmentStatus,
  type SiteDraw,
  type SiteDrawRecord,
  type SiteRecruitment,
  type SitesDraw,
  sitesWithCandidates
} from "./Recruitment.js"
export { type CandidateContact, type DrawMember, type DrawRole, type DrawStatus, RecruitmentRepo, type StoredCandidate, type StoredDraw } from "./RecruitmentRepo.js"
export { recruitmentReport, type RepresentationGroup, type RepresentationReport, type RepresentationRow, representationCsv, representationHtml, REPORT_STAGES, type ReportStage } from "./RecruitmentReport.js"
