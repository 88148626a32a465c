/**
 * @convene/core — the SDK behind convene: domain schemas and pure functions, the database,
 * workspaces, registries, the timeline, schedules, kits, mail and surveys.
 *
 * @example
 * import { Effect } from "effect"
 * import { Database, importRegistryFile, timelineStatus, openWorkspace } from "@convene/core"
 *
 * const ws = await openWorkspace(".")
 * const program = Effect.gen(function*() {
 *   yield* importRegistryFile("fellows", "fellows.csv")
 *   yield* importRegistryFile("sites", "sites.csv")
 *   return yield* timelineStatus(ws.dialogue, "2027-04-01")
 * })
 * await Effect.runPromise(program.pipe(Effect.provide(Database.layer({ pgliteDir: ".convene/db" }))))
 */
export * from "./domain/Answers.js"
export * from "./domain/Catalog.js"
export * from "./domain/Csv.js"
export * from "./domain/Defaults.js"
export * from "./domain/Dialogue.js"
export * from "./domain/Errors.js"
export * from "./domain/Instrument.js"
export * from "./domain/Kobo.js"
export * from "./domain/Registry.js"
export * from "./domain/Regions.js"
export * from "./domain/Schedule.js"
export * from "./domain/Simulation.js"
export * from "./domain/Slot.js"
export * from "./domain/Stats.js"
export * from "./domain/Timeline.js"
export * from "./domain/Values.js"
export * from "./domain/XlsForm.js"
export * from "./domain/Zone.js"
export * from "./Calendar.js"
export * from "./Convene.js"
export * from "./Database.js"
export * from "./Instruments.js"
export * from "./Kit.js"
export * from "./KitCheck.js"
export * from "./Kits.js"
export * from "./KitSources.js"
export * from "./Mail.js"
export * from "./Registries.js"
export * from "./ScheduleChart.js"
export * from "./Simulate.js"
export * from "./Schedules.js"
export * from "./SurveyForms.js"
export * from "./SurveyReport.js"
export * from "./SurveyReportOutput.js"
export * from "./Surveys.js"
export * from "./SurveyServe.js"
export * from "./SurveyServer.js"
export * from "./Timeline.js"
export * from "./Workspace.js"
export * from "./XlsForm.js"
