/**
 * The recruitment repository: every SQL statement on the candidate pool (candidates and, apart,
 * candidate_contacts), the sites' draws (draws, draw_candidates) and attendance. Writes that
 * belong together run in one transaction: an import, a draw, a confirmation with the
 * participants it creates.
 */
import * as Context from "effect/Context"
import type { Kysely, Transaction } from "kysely"
import { type Participant, participantsRegistry } from "../domain/Registry.js"
import { repositoryLayer, type Run } from "../infra/Database.js"
import { sql } from "../infra/Sql.js"
import type { Tables } from "../infra/Tables.js"
// the registry's own write path for participant rows, so that a confirmation and the
// participants it creates share one transaction
import { upsertIn } from "../registries/index.js"

/** Rows per INSERT or IN list. */
const BATCH_SIZE = 1000

/** A candidate of the pool, without contact data. */
export interface StoredCandidate {
  readonly id: string
  readonly site_id: string
  readonly consent: boolean
  readonly locale: string | null
  readonly features: Readonly<Record<string, string>>
}

/** A candidate's contact data. */
export interface CandidateContact {
  readonly name: string | null
  readonly email: string | null
  readonly phone: string | null
}

/** A candidate's part in their site's draw. */
export type DrawRole = "panel" | "reserve" | "pool"
/** A panel member's or reserve's answer: pending until they confirm or decline. */
export type DrawStatus = "pending" | "confirmed" | "declined"

/** One candidate of a stored draw. */
export interface DrawMember {
  readonly candidate_id: string
  readonly probability: number
  readonly role: DrawRole
  readonly reserve_rank: number | null
  readonly status: DrawStatus | null
  readonly replaces: string | null
}

/** A site's stored draw. */
export interface StoredDraw {
  readonly site_id: string
  readonly method: string
  readonly seed: string
  readonly size: number
  readonly reserves: number
  readonly pool_sha256: string
  readonly targets_sha256: string
  readonly drawn_at: string
  /** The record published with the draw (see recruitment/Recruitment.ts `SiteDrawRecord`). */
  readonly record: unknown
  readonly members: ReadonlyArray<DrawMember>
}

/** One participant's attendance on the day. */
export interface AttendanceRow {
  readonly participant_id: string
  readonly present: boolean
  readonly source: string
}

/** Thrown inside a dry run's transaction to roll it back. */
const rollback = Symbol("dry run")

const decodeFeatures = (text: string): Record<string, string> => JSON.parse(text) as Record<string, string>

const isoOf = (d: unknown): string => (d instanceof Date ? d.toISOString() : String(d))

/** What an upsert did. */
interface Counts {
  readonly inserted: number
  readonly updated: number
  readonly unchanged: number
}

/**
 * Upserts rows in batches in one transaction, counting from each batch's `returning (xmax = 0)`
 * rows which were new and which changed (the others were equal, not written). A dry run writes
 * everything (every constraint checked), counts, then rolls back.
 */
const countedWrite = async <R>(
  db: Kysely<Tables>,
  rows: ReadonlyArray<R>,
  dryRun: boolean,
  write: (trx: Transaction<Tables>, batch: ReadonlyArray<R>) => Promise<ReadonlyArray<{ readonly inserted: boolean }>>
): Promise<Counts> => {
  let counts: Counts | undefined
  try {
    return await db.transaction().execute(async (trx) => {
      let inserted = 0
      let updated = 0
      for (let start = 0; start < rows.length; start += BATCH_SIZE) {
        const written = await write(trx, rows.slice(start, start + BATCH_SIZE))
        const fresh = written.filter((r) => r.inserted === true).length
        inserted += fresh
        updated += written.length - fresh
      }
      counts = { inserted, updated, unchanged: rows.length - inserted - updated }
      if (dryRun) throw rollback
      return counts
    })
  } catch (e) {
    if (e === rollback && counts !== undefined) return counts
    throw e
  }
}

const make = (db: Kysely<Tables>, run: Run) => ({
  /**
   * Inserts or updates candidates by id, with their contact data, in one transaction: all or
   * nothing. Returns how many were new, changed or the same. A dry run writes, counts and rolls back.
   */
  importCandidates: (rows: ReadonlyArray<StoredCandidate & { readonly contact: CandidateContact }>, options: { readonly dryRun?: boolean } = {}) =>
    run("importing candidates", () =>
      countedWrite(db, rows, options.dryRun === true, async (trx, batch) => {
        const written = await trx
          .insertInto("candidates")
          .values(batch.map((r) => ({ id: r.id, site_id: r.site_id, consent: r.consent, locale: r.locale, features: JSON.stringify(r.features) })))
          .onConflict((oc) =>
            oc.column("id").doUpdateSet({
              site_id: sql.ref("excluded.site_id"),
              consent: sql.ref("excluded.consent"),
              locale: sql.ref("excluded.locale"),
              features: sql.ref("excluded.features")
            }).where(sql<boolean>`(candidates.*) is distinct from (excluded.*)`)
          )
          .returning(sql<boolean>`(xmax = 0)`.as("inserted"))
          .execute()
        await trx
          .insertInto("candidate_contacts")
          .values(batch.map((r) => ({ candidate_id: r.id, ...r.contact })))
          .onConflict((oc) => oc.column("candidate_id").doUpdateSet({ name: sql.ref("excluded.name"), email: sql.ref("excluded.email"), phone: sql.ref("excluded.phone") }))
          .execute()
        return written
      })),

  /** The candidates of one site (or every site), by id, without contact data. */
  candidates: (siteId?: string) =>
    run("reading the candidate pool", async (): Promise<Array<StoredCandidate>> => {
      let q = db.selectFrom("candidates").selectAll()
      if (siteId !== undefined) q = q.where("site_id", "=", siteId)
      const rows = await q.orderBy("id").execute()
      return rows.map((r) => ({ id: r.id, site_id: r.site_id, consent: r.consent, locale: r.locale, features: decodeFeatures(r.features) }))
    }),

  /** Some candidates by id (in batches), without contact data; unknown ids are left out. */
  candidatesByIds: (ids: ReadonlyArray<string>) =>
    run("reading candidates", async (): Promise<Array<StoredCandidate>> => {
      const out: Array<StoredCandidate> = []
      const unique = [...new Set(ids)]
      for (let start = 0; start < unique.length; start += BATCH_SIZE) {
        const rows = await db.selectFrom("candidates").selectAll().where("id", "in", unique.slice(start, start + BATCH_SIZE)).execute()
        for (const r of rows) out.push({ id: r.id, site_id: r.site_id, consent: r.consent, locale: r.locale, features: decodeFeatures(r.features) })
      }
      return out
    }),

  /** How many candidates each site has, and how many consented. */
  poolSizes: () =>
    run("counting the candidate pool", async () => {
      const rows = await db.selectFrom("candidates")
        .select((eb) => ["site_id", eb.fn.countAll<string>().as("n"), eb.fn.count<string>("id").filterWhere("consent", "=", true).as("consented")])
        .groupBy("site_id").orderBy("site_id").execute()
      return rows.map((r) => ({ site_id: r.site_id, candidates: Number(r.n), consented: Number(r.consented) }))
    }),

  /** Contact data of some candidates, by id. */
  contacts: (ids: ReadonlyArray<string>) =>
    run("reading candidates' contact data", async () => {
      const out = new Map<string, CandidateContact>()
      for (let start = 0; start < ids.length; start += BATCH_SIZE) {
        const rows = await db.selectFrom("candidate_contacts").selectAll().where("candidate_id", "in", ids.slice(start, start + BATCH_SIZE)).execute()
        for (const r of rows) out.set(r.candidate_id, { name: r.name, email: r.email, phone: r.phone })
      }
      return out
    }),

  /** A site's stored draw with every candidate's part in it, or undefined. */
  draw: (siteId: string) =>
    run(`reading the draw of ${siteId}`, async (): Promise<StoredDraw | undefined> => {
      const d = await db.selectFrom("draws").selectAll().where("site_id", "=", siteId).executeTakeFirst()
      if (d === undefined) return undefined
      const members = await db.selectFrom("draw_candidates")
        .select(["candidate_id", "probability", "role", "reserve_rank", "status", "replaces"])
        .where("site_id", "=", siteId).orderBy("candidate_id").execute()
      return {
        ...d,
        drawn_at: isoOf(d.drawn_at),
        record: JSON.parse(d.record) as unknown,
        members: members.map((m) => ({ ...m, probability: Number(m.probability), role: m.role as DrawRole, status: m.status as DrawStatus | null }))
      }
    }),

  /** The sites that have a draw, by id. */
  drawnSites: () =>
    run("listing draws", async () => (await db.selectFrom("draws").select("site_id").orderBy("site_id").execute()).map((r) => r.site_id)),

  /**
   * Stores a site's draw, replacing an earlier one, in one transaction. The caller has checked
   * that nobody of the earlier draw has confirmed.
   */
  saveDraw: (draw: Omit<StoredDraw, "drawn_at">) =>
    run(`storing the draw of ${draw.site_id}`, () =>
      db.transaction().execute(async (trx) => {
        await trx.deleteFrom("draws").where("site_id", "=", draw.site_id).execute()
        const { members, record, ...head } = draw
        await trx.insertInto("draws").values({ ...head, record: JSON.stringify(record) }).execute()
        for (let start = 0; start < members.length; start += BATCH_SIZE) {
          await trx.insertInto("draw_candidates").values(members.slice(start, start + BATCH_SIZE).map((m) => ({ site_id: draw.site_id, ...m }))).execute()
        }
      })),

  /**
   * Records answers to a site's draw in one transaction: status (and role and whom they replace)
   * per candidate, the participants the confirmed become (through the registry's write path),
   * and the participants of those who withdrew after confirming removed.
   */
  answer: (siteId: string, changes: ReadonlyArray<{ readonly candidate_id: string; readonly status: DrawStatus; readonly role?: DrawRole; readonly replaces?: string | null }>, participants: { readonly add: ReadonlyArray<Participant>; readonly remove: ReadonlyArray<string> }) =>
    run(`recording answers to the draw of ${siteId}`, () =>
      db.transaction().execute(async (trx) => {
        // one UPDATE per distinct change (a confirmation of 150 people is one statement, not 150)
        const groups = new Map<string, { change: (typeof changes)[number]; ids: Array<string> }>()
        for (const c of changes) {
          const key = JSON.stringify([c.status, c.role ?? null, c.replaces === undefined ? "\u0000" : c.replaces])
          const g = groups.get(key) ?? { change: c, ids: [] }
          g.ids.push(c.candidate_id)
          groups.set(key, g)
        }
        const now = new Date().toISOString()
        for (const { change: c, ids } of groups.values()) {
          for (let start = 0; start < ids.length; start += BATCH_SIZE) {
            await trx.updateTable("draw_candidates")
              .set({ status: c.status, ...(c.role === undefined ? {} : { role: c.role }), ...(c.replaces === undefined ? {} : { replaces: c.replaces }), updated_at: now })
              .where("site_id", "=", siteId).where("candidate_id", "in", ids.slice(start, start + BATCH_SIZE)).execute()
          }
        }
        if (participants.remove.length > 0) await trx.deleteFrom("participants").where("id", "in", [...participants.remove]).execute()
        if (participants.add.length > 0) await upsertIn(trx, participantsRegistry, participants.add)
      })),

  /** Registered participants among some ids or codes: id, site and code of each found. */
  participantsWhere: (column: "id" | "code", values: ReadonlyArray<string>) =>
    run("reading participants", async () => {
      const out: Array<{ id: string; site_id: string; code: string }> = []
      const unique = [...new Set(values)]
      for (let start = 0; start < unique.length; start += BATCH_SIZE) {
        out.push(...(await db.selectFrom("participants").select(["id", "site_id", "code"]).where(column, "in", unique.slice(start, start + BATCH_SIZE)).execute()))
      }
      return out
    }),

  /** How many survey responses each of some participants has (to refuse removing one who answered). */
  responsesOf: (ids: ReadonlyArray<string>) =>
    run("counting responses", async () => {
      if (ids.length === 0) return new Map<string, number>()
      const rows = await db.selectFrom("survey_responses").select((eb) => ["participant_id", eb.fn.countAll<string>().as("n")]).where("participant_id", "in", [...ids]).groupBy("participant_id").execute()
      return new Map(rows.map((r) => [r.participant_id, Number(r.n)]))
    }),

  /** Records attendance, replacing earlier records of the same participants, in one transaction. */
  recordAttendance: (rows: ReadonlyArray<AttendanceRow>, options: { readonly dryRun?: boolean } = {}) =>
    run("recording attendance", () =>
      countedWrite(db, rows, options.dryRun === true, (trx, batch) =>
        trx.insertInto("attendance").values(batch.map((r) => ({ ...r })))
          .onConflict((oc) => oc.column("participant_id").doUpdateSet({ present: sql.ref("excluded.present"), source: sql.ref("excluded.source"), recorded_at: new Date().toISOString() })
            .where(sql<boolean>`attendance.present is distinct from excluded.present`))
          .returning(sql<boolean>`(xmax = 0)`.as("inserted"))
          .execute())),

  /** Every attendance record (of one site's participants, with `siteId`). */
  attendance: (siteId?: string) =>
    run("reading attendance", async () => {
      let q = db.selectFrom("attendance").innerJoin("participants", "participants.id", "attendance.participant_id")
        .select(["attendance.participant_id", "attendance.present", "attendance.source", "participants.site_id"])
      if (siteId !== undefined) q = q.where("participants.site_id", "=", siteId)
      return await q.orderBy("attendance.participant_id").execute()
    })
})

/**
 * The recruitment repository as a service.
 *
 * @example
 * const pool = yield* RecruitmentRepo.use((repo) => repo.candidates("sn-dakar"))
 */
export class RecruitmentRepo extends Context.Service<RecruitmentRepo, ReturnType<typeof make>>()("convene/RecruitmentRepo") {
  static readonly layer = repositoryLayer(RecruitmentRepo, make)
}
