/**
 * Recruitment: fair stratified selection of a site's panel from its candidate pool. The leximin
 * distribution over the panels that meet the quotas (HiGHS for the LPs and MILPs), a panel
 * sampled from it with a seed, every candidate's selection probability, and a minimal set of
 * conflicting quotas when no panel meets them. No repository yet: the pool and draws are stored
 * by a later layer.
 */
export { findConflicts, legacyProbabilities, marginals, samplePanel, seededRandom, select, type Selection, selectionDistribution, type SelectionMethod } from "./Draw.js"
export { type Distribution, type DistributionStats, leximin, maximin, type PanelShape } from "./Leximin.js"
export { legacyPanel } from "./Legacy.js"
export { type Profile, type ProfiledProblem, profile, type QuotaRow } from "./Profiles.js"
export { highs, PanelSearch } from "./Solver.js"
export { type CensusTargets, censusTargets, targetsCsv } from "./Targets.js"
export { type DrawFromFiles, type DrawRecord, drawFromFiles, parsePool, parseTargets, type PoolCandidate, type TargetRow } from "./DrawFiles.js"
