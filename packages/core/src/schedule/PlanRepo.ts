/** The schedule's repository: the stored plans (schedule_plans). */
import * as Context from "effect/Context"
import type { Kysely } from "kysely"
import { repositoryLayer, type Run } from "../infra/Database.js"
import type { Tables } from "../infra/Tables.js"

const make = (_db: Kysely<Tables>, _run: Run) => ({})

/** The schedule's repository: the stored plans (schedule_plans). */
export class PlanRepo extends Context.Service<PlanRepo, ReturnType<typeof make>>()("convene/PlanRepo") {
  static readonly layer = repositoryLayer(PlanRepo, make)
}
