/**
 * The store: the database and every feature's repository, provided together at the program's
 * edge (the CLI, the Promise facade, the form server, the tests). Workflows ask for the
 * repositories they use; this is the one place that wires them to a database.
 */
import * as Layer from "effect/Layer"
import { Database, type DatabaseOptions, type DatabaseShape, type MigrateConfig } from "./infra/Database.js"
import { KitRepo } from "./kits/KitRepo.js"
import { MailRepo } from "./mail/MailRepo.js"
import { MirrorRepo } from "./mirrors/MirrorRepo.js"
import { RegistryRepo } from "./registries/RegistryRepo.js"
import { ReportRepo } from "./report/ReportRepo.js"
import { ResultsRepo } from "./results/ResultsRepo.js"
import { RecruitmentRepo } from "./recruitment/RecruitmentRepo.js"
import { PlanRepo } from "./schedule/PlanRepo.js"
import { SurveyRepo } from "./surveys/SurveyRepo.js"
import { ProgressRepo } from "./timeline/ProgressRepo.js"

/** Every repository, built on an open {@link Database}. */
export const repositoriesLayer = Layer.mergeAll(RegistryRepo.layer, ProgressRepo.layer, PlanRepo.layer, MailRepo.layer, SurveyRepo.layer, ReportRepo.layer, ResultsRepo.layer, RecruitmentRepo.layer, KitRepo.layer, MirrorRepo.layer)

/** What the store provides: the database and every repository. */
export type Store = Database | Layer.Success<typeof repositoriesLayer>

/**
 * The store as layers.
 *
 * @example
 * await Effect.runPromise(listRegistry("sites").pipe(Effect.provide(ConveneStore.layer({ pgliteDir: ".convene/db" }))))
 */
export const ConveneStore = {
  /**
   * Opens the database named by `options`, closes it when the scope ends. The embedded database
   * is migrated on open; a PostgreSQL only with `{ migrate: true }` (else pending migrations fail
   * with `MigrationsPending`: run `convene db migrate`).
   */
  layer: (options: DatabaseOptions, config: MigrateConfig = {}) => repositoriesLayer.pipe(Layer.provideMerge(Database.layer(options, config))),
  /** Over a database that is already open (the caller closes it). */
  layerFrom: (shape: DatabaseShape) => repositoriesLayer.pipe(Layer.provideMerge(Layer.succeed(Database, shape)))
}
