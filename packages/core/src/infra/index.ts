/**
 * The infrastructure every feature stands on: the database service and its dialects, the
 * migrations, and dialogue workspaces on disk.
 */
export { Database, type DatabaseOptions, type DatabaseShape, type MigrateConfig, migrateToLatest, migrationStatus, type MigrationStatus, openDatabase, pendingMigrations, pgliteDirOf, reclaimSpace, type ReclaimedSpace, repositoryLayer, resolveDatabaseOptions, type Run, runnerOf } from "./Database.js"
export { assetsRoot, DIALOGUE_FILE, findWorkspaceDir, initWorkspace, type InitOptions, listExamples, openWorkspace, type OpenWorkspaceOptions, registryFileName, type Workspace } from "./Workspace.js"
export { clockAsOf, withClockAsOf } from "./Clock.js"
export { loadZoneRules, packageRules, systemRules, systemTzSource, type TzSource, tzInUse, tzSources, zoneRules } from "./TzData.js"
