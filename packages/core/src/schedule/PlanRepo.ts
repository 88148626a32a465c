/** The schedule's repository: the stored plans (schedule_plans), each with the hash of what it was made from. */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { Kysely } from "kysely"
import { StoreError } from "../domain/Errors.js"
import { SchedulePlan } from "../domain/SchedulePlan.js"
import type { TzInfo } from "../domain/ZoneRules.js"
import { repositoryLayer, type Run } from "../infra/Database.js"
import type { Tables } from "../infra/Tables.js"

/** A stored plan and what tells whether it is still current. */
export interface PlanRecord {
  readonly plan: SchedulePlan
  /** The hash of the day, agenda, moments and sites the plan was computed from. */
  readonly inputsHash: string
  /** Whether mirror sites were planned too. */
  readonly includeMirror: boolean
  /** The tz release the plan was made with; undefined for plans stored before it was recorded. */
  readonly tz?: TzInfo | undefined
}

const decodePlan = Schema.decodeUnknownEffect(SchedulePlan)

const make = (db: Kysely<Tables>, run: Run) => ({
  /** Stores a plan; the latest stored is the one `latest` reads. */
  store: (stored: PlanRecord) =>
    run("storing the plan", () =>
      db
        .insertInto("schedule_plans")
        .values({ day: stored.plan.day, sites: stored.plan.sites.length, inputs_hash: stored.inputsHash, include_mirror: stored.includeMirror, plan: JSON.stringify(stored.plan), tz_version: stored.tz?.version ?? null, tz_source: stored.tz?.source ?? null })
        .execute()
    ).pipe(Effect.asVoid),

  /** The latest stored plan, checked against its schema, or undefined when none was stored. */
  latest: (): Effect.Effect<PlanRecord | undefined, StoreError> =>
    Effect.gen(function*() {
      const row = yield* run("reading the plan", async () => {
        const row = await db.selectFrom("schedule_plans").select(["plan", "inputs_hash", "include_mirror", "tz_version", "tz_source"]).orderBy("id", "desc").limit(1).executeTakeFirst()
        // jsonb comes back parsed from PostgreSQL; a driver that hands over text is parsed here
        return row === undefined ? undefined : { ...row, plan: typeof row.plan === "string" ? (JSON.parse(row.plan) as unknown) : row.plan }
      })
      if (row === undefined) return undefined
      yield* decodePlan(row.plan).pipe(Effect.mapError((cause) => new StoreError({ operation: "decoding the stored plan", cause })))
      // The schema has no transformation, so the checked value is the plan itself. It is kept
      // as stored, in jsonb's key order: kits hash the plan as text, and a decoded copy (in the
      // planner's key order) would change every kit's hash and mail every fellow their
      // unchanged kit again after an upgrade.
      const tz = row.tz_version === null ? undefined : { version: row.tz_version, source: row.tz_source ?? "unknown" }
      return { plan: row.plan as SchedulePlan, inputsHash: row.inputs_hash, includeMirror: row.include_mirror, tz }
    })
})

/** The schedule's repository: the stored plans (schedule_plans). */
export class PlanRepo extends Context.Service<PlanRepo, ReturnType<typeof make>>()("convene/PlanRepo") {
  static readonly layer = repositoryLayer(PlanRepo, make)
}
