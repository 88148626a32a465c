/** The registries — coalition, fellows, sites, participants: imports, exports, single-record edits. */
export { addRecord, type CascadeCount, countDistinct, describeCascade, exportRegistry, importRegistryFile, type ImportSummary, LARGE_IMPORT, listRegistry, newParticipantCode, type RemovalPlan, removalPlan, removeRecord, showRecord } from "./Registries.js"
export { RegistryRepo, type UpsertCounts, upsertIn } from "./RegistryRepo.js"
