/** The surveys' repository: the token key, invitations and responses. */
import * as Context from "effect/Context"
import type { Kysely } from "kysely"
import { repositoryLayer, type Run } from "../infra/Database.js"
import type { Tables } from "../infra/Tables.js"

const make = (_db: Kysely<Tables>, _run: Run) => ({})

/** The surveys' repository: the token key, invitations and responses. */
export class SurveyRepo extends Context.Service<SurveyRepo, ReturnType<typeof make>>()("convene/SurveyRepo") {
  static readonly layer = repositoryLayer(SurveyRepo, make)
}
