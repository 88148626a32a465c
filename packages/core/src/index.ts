/**
 * @convene/core — the SDK behind convene. What integrators use, and nothing else:
 * - the Promise facade (`createConvene`), for code that does not use Effect;
 * - the workflows of each feature as Effects, and the services and layers they need
 *   (`Database`, the repositories, `ConveneStore.layer`);
 * - the domain: schemas, branded ids, the pure functions (schedule planning, locale fallback,
 *   survey statistics) and the tagged errors.
 * Each feature is also importable alone (`@convene/core/registries`, `@convene/core/kits`, …),
 * which loads less code than this root.
 *
 * @example
 * import { createConvene } from "@convene/core"
 *
 * const convene = await createConvene({ dir: "my-dialogue" })
 * await convene.sites.import("sites.csv")
 * const { plan } = await convene.schedule.plan()
 * await convene.close()
 */
export * from "./Convene.js"
export * from "./infra/index.js"
export * from "./registries/index.js"
export * from "./timeline/index.js"
export * from "./schedule/index.js"
export * from "./kits/index.js"
export * from "./mail/index.js"
export * from "./surveys/index.js"
export * from "./report/index.js"
export * from "./server/index.js"
export * from "./simulation/index.js"
export * from "./results/index.js"

export * from "./domain/Answers.js"
export * from "./domain/Ballot.js"
export * from "./domain/Catalog.js"
export * from "./domain/Csv.js"
export * from "./domain/Defaults.js"
export * from "./domain/Dialogue.js"
export * from "./domain/Errors.js"
export * from "./domain/Instrument.js"
export * from "./domain/Kobo.js"
export * from "./domain/PaperAnswers.js"
export * from "./domain/Registry.js"
export * from "./domain/Report.js"
export * from "./domain/Results.js"
export * from "./domain/ResultsAnalysis.js"
export * from "./domain/ResultsKobo.js"
export * from "./domain/ResultsSimulation.js"
export * from "./domain/Regions.js"
export * from "./domain/Schedule.js"
export * from "./domain/SchedulePlan.js"
export * from "./domain/Simulation.js"
export * from "./domain/Slot.js"
export * from "./domain/Stats.js"
export * from "./domain/Timeline.js"
export * from "./domain/Values.js"
export * from "./domain/XlsForm.js"
export * from "./domain/Zone.js"
export * from "./domain/ZoneRules.js"
export { ConveneStore, repositoriesLayer, type Store } from "./Store.js"
