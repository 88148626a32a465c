/** The report's repository: the counts and histograms the impact report is computed from. */
import * as Context from "effect/Context"
import type { Kysely } from "kysely"
import { repositoryLayer, type Run } from "../infra/Database.js"
import type { Tables } from "../infra/Tables.js"

const make = (_db: Kysely<Tables>, _run: Run) => ({})

/** The report's repository: the counts and histograms the impact report is computed from. */
export class ReportRepo extends Context.Service<ReportRepo, ReturnType<typeof make>>()("convene/ReportRepo") {
  static readonly layer = repositoryLayer(ReportRepo, make)
}
