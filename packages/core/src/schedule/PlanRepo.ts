/** The schedule's repository: the stored plans (schedule_plans), each with the hash of what it was made from. */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { Kysely } from "kysely"
import { StoreError } from "../domain/Errors.js"
import { SchedulePlan } from "../domain/SchedulePlan.js"
import type { TzInfo } from "../domain/ZoneRules.js"
import { repositoryLayer, type Run } from "../infra/Database.js"
import { sql } from "../infra/Sql.js"
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
  /** When the plan was stored, ISO UTC (calendars' DTSTAMP); undefined for a plan not read back from the store. */
  readonly computedAt?: string | undefined
}

/** An event's revision as stored: SEQUENCE and LAST-MODIFIED. */
export interface EventRevision {
  readonly sequence: number
  readonly modified: string
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
        const row = await db.selectFrom("schedule_plans").select(["plan", "inputs_hash", "include_mirror", "tz_version", "tz_source", "computed_at"]).orderBy("id", "desc").limit(1).executeTakeFirst()
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
      const computedAt = new Date(row.computed_at as unknown as Date | string).toISOString().replace(/\.\d{3}Z$/, "Z")
      return { plan: row.plan as SchedulePlan, inputsHash: row.inputs_hash, includeMirror: row.include_mirror, tz, computedAt }
    }),

  /**
   * The revision of each calendar event, given each event's content hash, in one transaction:
   * an event seen for the first time gets SEQUENCE 0, one whose content changed since it was
   * last recorded gets its SEQUENCE raised by one and `at` as LAST-MODIFIED, an unchanged one
   * keeps both.
   */
  reviseEvents: (hashes: ReadonlyMap<string, string>, at: string): Effect.Effect<Map<string, EventRevision>, StoreError> =>
    run("recording the calendar events' revisions", () =>
      db.transaction().execute(async (tx) => {
        const stored = new Map<string, { readonly hash: string; readonly sequence: number; readonly modified: string }>()
        const revisions = new Map<string, EventRevision>()
        const changed: Array<{ uid: string; content_hash: string; sequence: number; modified_at: string }> = []
        const uids = [...hashes.keys()]
        // a whole export reads the table in one scan (140,000 events: 28 statements of 5,000
        // bound uids cost seconds in the embedded database), as one text value of tab-separated
        // lines: 130,000 rows cost PGlite 1.8-2.1 s to hand over as rows and 0.2-0.3 s as one
        // value (docs/performance.md, "The 10,000-site calendar export"). Should a UID or hash
        // hold a tab or a line break (never convene's own: ids are slugs, hashes base64url), the
        // text would not split into one line of four fields per row: the table is then read as
        // rows. One site's export looks its few up.
        const readAll = async (): Promise<void> => {
          const { lines, count } = await tx
            .selectFrom("calendar_events")
            .select([
              sql<string>`coalesce(string_agg(concat_ws(chr(9), uid, content_hash, sequence, modified_at), chr(10)), '')`.as("lines"),
              sql<number>`count(*)::int`.as("count")
            ])
            .executeTakeFirstOrThrow()
          const split = lines === "" ? [] : lines.split("\n").map((line) => line.split("\t"))
          if (split.length === count && split.every((fields) => fields.length === 4)) {
            for (const [uid, hash, sequence, modified] of split as Array<[string, string, string, string]>) {
              if (hashes.has(uid)) stored.set(uid, { hash, sequence: Number(sequence), modified })
            }
            return
          }
          const rows = await tx.selectFrom("calendar_events").selectAll().execute()
          for (const row of rows) if (hashes.has(row.uid)) stored.set(row.uid, { hash: row.content_hash, sequence: row.sequence, modified: row.modified_at })
        }
        if (uids.length > 5000) {
          await readAll()
        } else if (uids.length > 0) {
          const rows = await tx.selectFrom("calendar_events").selectAll().where("uid", "in", uids).execute()
          for (const row of rows) stored.set(row.uid, { hash: row.content_hash, sequence: row.sequence, modified: row.modified_at })
        }
        for (const [uid, hash] of hashes) {
          const old = stored.get(uid)
          if (old !== undefined && old.hash === hash) {
            revisions.set(uid, { sequence: old.sequence, modified: old.modified })
            continue
          }
          const next = { sequence: old === undefined ? 0 : old.sequence + 1, modified: at }
          revisions.set(uid, next)
          changed.push({ uid, content_hash: hash, sequence: next.sequence, modified_at: at })
        }
        for (let i = 0; i < changed.length; i += 1000) {
          await tx
            .insertInto("calendar_events")
            .values(changed.slice(i, i + 1000))
            .onConflict((oc) => oc.column("uid").doUpdateSet((eb) => ({ content_hash: eb.ref("excluded.content_hash"), sequence: eb.ref("excluded.sequence"), modified_at: eb.ref("excluded.modified_at") })))
            .execute()
        }
        return revisions
      })
    )
})

/** The schedule's repository: the stored plans (schedule_plans). */
export class PlanRepo extends Context.Service<PlanRepo, ReturnType<typeof make>>()("convene/PlanRepo") {
  static readonly layer = repositoryLayer(PlanRepo, make)
}
