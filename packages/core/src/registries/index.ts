/** The registries — coalition, fellows, sites, participants: imports, exports, single-record edits. */
export { addRecord, countDistinct, exportRegistry, importRegistryFile, type ImportSummary, LARGE_IMPORT, listRegistry, newParticipantCode, removeRecord, showRecord } from "./Registries.js"
export { RegistryRepo, type UpsertCounts } from "./RegistryRepo.js"
