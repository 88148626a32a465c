/**
 * The mirrors' repository: every SQL statement on `mirrors`, the registrations of self-service
 * mirror dialogues. A registration is stored once per open e-mail (a second one renews the
 * confirmation token instead), confirmed by its token's hash, and approved in one transaction
 * with the site it becomes (written through the registries' `upsertIn`).
 */
import * as Context from "effect/Context"
import type { Kysely, Selectable } from "kysely"
import type { MirrorRegistration, MirrorRequest, MirrorStatus } from "../domain/Mirror.js"
import { type Site, sitesRegistry } from "../domain/Registry.js"
import { repositoryLayer, type Run } from "../infra/Database.js"
import { sql } from "../infra/Sql.js"
import type { MirrorsTable, Tables } from "../infra/Tables.js"
import { upsertIn } from "../registries/index.js"

const iso = (d: Date | string | null): string | null => (d === null ? null : d instanceof Date ? d.toISOString() : new Date(d).toISOString())

const registrationOf = (r: Selectable<MirrorsTable>): MirrorRegistration => ({
  id: r.id,
  name: r.name,
  email: r.email,
  place: r.place,
  country: r.country,
  timezone: r.timezone,
  locale: r.locale,
  date: r.date,
  participants: r.participants,
  status: r.status as MirrorStatus,
  consented_at: iso(r.consented_at)!,
  created_at: iso(r.created_at)!,
  confirmed_at: iso(r.confirmed_at),
  decided_at: iso(r.decided_at),
  note: r.note,
  site_id: r.site_id
})

/** What storing a registration did: a new row, or the open one of the same e-mail given a new token. */
export interface RegisteredMirror {
  readonly registration: MirrorRegistration
  /** False when the e-mail already had an open registration (its confirmation link is sent again). */
  readonly created: boolean
}

// built per statement: Kysely's `sql` is loaded only when a database is opened (infra/Sql.ts)
const OPEN = () => sql<boolean>`status in ('unconfirmed', 'pending')`

const make = (db: Kysely<Tables>, run: Run) => ({
  /**
   * Stores a registration, or, when the e-mail has an open one (unconfirmed or pending), gives
   * that one the new token and leaves its details as they were: one row per open address. A
   * pending one stays pending.
   *
   * SQL: `insert into mirrors (...) values (...) on conflict (email) where status in ('unconfirmed','pending') do update set token_hash = excluded.token_hash ... returning *, (xmax = 0) as created`
   */
  register: (request: MirrorRequest, tokenHash: string, at: Date) =>
    run("storing a mirror registration", async (): Promise<RegisteredMirror> => {
      const row = await db
        .insertInto("mirrors")
        .values({ ...request, token_hash: tokenHash, consented_at: at, updated_at: at })
        // an unconfirmed one gets the new link; a pending one (already confirmed) keeps what it has
        .onConflict((oc) => oc.column("email").where(OPEN()).doUpdateSet({
          token_hash: sql<string | null>`case when mirrors.status = 'unconfirmed' then excluded.token_hash else mirrors.token_hash end`,
          updated_at: at
        }))
        .returningAll()
        .returning(sql<boolean>`(xmax = 0)`.as("created"))
        .executeTakeFirstOrThrow()
      return { registration: registrationOf(row), created: row.created === true }
    }),

  /**
   * Follows a confirmation link: the unconfirmed registration of this token hash becomes
   * `pending`, and its token is forgotten (a link works once). Undefined for an unknown or used link.
   */
  confirm: (tokenHash: string, at: Date) =>
    run("confirming a mirror registration", async () => {
      const row = await db
        .updateTable("mirrors")
        .set({ status: "pending", token_hash: null, confirmed_at: at, updated_at: at })
        .where("token_hash", "=", tokenHash)
        .where("status", "=", "unconfirmed")
        .returningAll()
        .executeTakeFirst()
      return row === undefined ? undefined : registrationOf(row)
    }),

  /** The unconfirmed registration a confirmation link names, read without confirming it. */
  byToken: (tokenHash: string) =>
    run("reading a mirror registration by its link", async () => {
      const row = await db.selectFrom("mirrors").selectAll().where("token_hash", "=", tokenHash).where("status", "=", "unconfirmed").executeTakeFirst()
      return row === undefined ? undefined : registrationOf(row)
    }),

  /** Every registration (of one status), oldest first. */
  list: (status?: MirrorStatus) =>
    run("listing mirror registrations", async () => {
      let q = db.selectFrom("mirrors").selectAll()
      if (status !== undefined) q = q.where("status", "=", status)
      return (await q.orderBy("id").execute()).map(registrationOf)
    }),

  /** One registration by id. */
  find: (id: number) =>
    run(`reading mirror registration ${id}`, async () => {
      const row = await db.selectFrom("mirrors").selectAll().where("id", "=", id).executeTakeFirst()
      return row === undefined ? undefined : registrationOf(row)
    }),

  /**
   * Approves a pending registration and creates its site, in one transaction (the site through
   * the registries' one write path). Undefined when the registration is no longer pending (a
   * decision made meanwhile): nothing is written then.
   */
  approve: (id: number, site: Site, note: string | null, at: Date) =>
    run(`approving mirror registration ${id}`, () =>
      db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable("mirrors")
          .set({ status: "approved", decided_at: at, updated_at: at, note })
          .where("id", "=", id)
          .where("status", "=", "pending")
          .returningAll()
          .executeTakeFirst()
        if (row === undefined) return undefined
        await upsertIn(trx, sitesRegistry, [site])
        const done = await trx.updateTable("mirrors").set({ site_id: site.id }).where("id", "=", id).returningAll().executeTakeFirstOrThrow()
        return registrationOf(done)
      })),

  /** Rejects an open registration with a note. Undefined when it is not open (already decided). */
  reject: (id: number, note: string, at: Date) =>
    run(`rejecting mirror registration ${id}`, async () => {
      const row = await db
        .updateTable("mirrors")
        .set({ status: "rejected", token_hash: null, decided_at: at, updated_at: at, note })
        .where("id", "=", id)
        .where(OPEN())
        .returningAll()
        .executeTakeFirst()
      return row === undefined ? undefined : registrationOf(row)
    }),

  /** The registration an approved mirror site came from (its organiser's contact). */
  bySite: (siteId: string) =>
    run(`reading the mirror registration of site ${siteId}`, async () => {
      const row = await db.selectFrom("mirrors").selectAll().where("site_id", "=", siteId).executeTakeFirst()
      return row === undefined ? undefined : registrationOf(row)
    })
})

/**
 * The mirrors' repository as a service.
 *
 * @example
 * const pending = yield* MirrorRepo.use((repo) => repo.list("pending"))
 */
export class MirrorRepo extends Context.Service<MirrorRepo, ReturnType<typeof make>>()("convene/MirrorRepo") {
  static readonly layer = repositoryLayer(MirrorRepo, make)
}
