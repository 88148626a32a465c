/**
 * The send log's repository: batched, idempotent inserts of outgoing messages, the keys a
 * delivery run works through, the lease by which a run takes one message at a time, and the
 * outcome it records for each message as soon as it is known. The `message` JSON column is
 * decoded here, through {@link StoredMessageSchema}.
 *
 * Leases: every delivery run has an owner id. On PostgreSQL the run holds a session advisory
 * lock on that id for as long as it lives, so any process (on any machine) can tell a live run
 * from a dead one; on PGlite only one process can open the database at a time (its folder lock),
 * so the live runs are those of this process. A lease also expires ({@link LEASE_SECONDS}).
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type { Kysely, RawBuilder } from "kysely"
import { Database, type Run, runnerOf, withKysely } from "../infra/Database.js"
import { sql } from "../infra/Sql.js"
import type { SendStatus, StoredMessage, Tables } from "../infra/Tables.js"
import { counted } from "../domain/Plural.js"

/** Rows per statement: far below PostgreSQL's 65,535 parameters, large enough to be fast. */
export const BATCH_SIZE = 1000

/** The `message` column's shape: the text and HTML bodies and the attachments (by path or as base64). */
export const StoredMessageSchema = Schema.Struct({
  text: Schema.String,
  html: Schema.String,
  attachments: Schema.Array(
    Schema.Struct({
      filename: Schema.String,
      path: Schema.optionalKey(Schema.String),
      content_base64: Schema.optionalKey(Schema.String),
      contentType: Schema.optionalKey(Schema.String),
      sha256: Schema.optionalKey(Schema.String)
    })
  ),
  to_name: Schema.optionalKey(Schema.String),
  purged: Schema.optionalKey(Schema.Boolean)
})

// the schema and the column's declared type describe the same thing
const decodeMessage: (u: unknown) => StoredMessage = Schema.decodeUnknownSync(StoredMessageSchema)

/** A message as the send log stores it. */
export interface NewSendLogRow {
  readonly idempotency_key: string
  readonly purpose: string
  readonly recipient: string
  readonly locale: string
  readonly subject: string
  readonly message: StoredMessage
  readonly message_id: string
}

/** A row a delivery run holds. */
export interface PendingRow extends NewSendLogRow {
  readonly status: SendStatus
  readonly attempts: number
}

/** How long a lease holds at most: longer than any one SMTP transaction with its retries. */
export const LEASE_SECONDS = 15 * 60

/** The advisory-lock class of delivery runs on PostgreSQL (`pg_advisory_lock(class, hashtext(owner))`). */
const LOCK_CLASS = 0x636e766d

/** The runs of this process still going (what tells a live lease from a dead one on PGlite). */
const liveRuns = new Set<string>()

/** Which rows a delivery run or a status report looks at. */
export interface SendLogFilter {
  readonly purpose?: string | undefined
  /** Only these keys (at most `BATCH_SIZE` (1,000) per call where it matters: callers page them). */
  readonly keys?: ReadonlyArray<string> | undefined
}

/** What one delivery attempt (or several, retried within a run) came to. */
export interface Outcome {
  readonly key: string
  /** `uncertain`: the connection was lost after the message may have been taken. */
  readonly status: "queued" | "sent" | "failed" | "uncertain"
  /** Attempts made in this run, added to the stored count. */
  readonly attempts: number
  readonly error: string | null
}

type Db = Kysely<Tables>

const ROW = ["idempotency_key", "purpose", "recipient", "locale", "subject", "message", "message_id", "status", "attempts"] as const

const decodeRow = <R extends { message: unknown; status: string }>(r: R) => ({
  ...r,
  // PGlite and pg both parse jsonb; a text value would be a defect of the column type
  message: decodeMessage(typeof r.message === "string" ? JSON.parse(r.message) : r.message),
  status: r.status as SendStatus
})

/** What is kept of a message once it went out or failed for good: no text, HTML or attachment (they held links). */
const purged = () => sql`jsonb_build_object('text', '', 'html', '', 'attachments', '[]'::jsonb, 'purged', true)
  || case when message ? 'to_name' then jsonb_build_object('to_name', message -> 'to_name') else '{}'::jsonb end`

const filtered = <Q extends { where: (...args: Array<any>) => Q }>(q: Q, filter: SendLogFilter): Q => {
  let out = q
  if (filter.purpose !== undefined) out = out.where("purpose", "=", filter.purpose)
  if (filter.keys !== undefined) out = out.where("idempotency_key", "in", filter.keys.length === 0 ? [""] : [...filter.keys])
  return out
}

/** Runs `write` over `items` in slices of `BATCH_SIZE` (1,000), one after the other. */
const inBatches = async <A>(items: ReadonlyArray<A>, write: (batch: Array<A>) => Promise<unknown>): Promise<void> => {
  for (let start = 0; start < items.length; start += BATCH_SIZE) await write(items.slice(start, start + BATCH_SIZE))
}

const make = (db: Db, run: Run, dialect: "pglite" | "postgres") => {
  /** True for a row whose lease is free: none, expired, or held by a run that is gone. */
  const leaseFree = (): RawBuilder<boolean> => {
    if (dialect === "postgres") {
      return sql<boolean>`(lease_owner is null or lease_until < now() or hashtext(lease_owner)::oid not in (
        select objid from pg_locks where locktype = 'advisory' and classid = ${LOCK_CLASS}::oid and objsubid = 2 and granted))`
    }
    const live = [...liveRuns]
    return live.length === 0
      ? sql<boolean>`true`
      : sql<boolean>`(lease_owner is null or lease_until < now() or lease_owner not in (${sql.join(live)}))`
  }

  return {
    /**
     * Inserts messages in batches; a key already in the log is left as it is. Returns the keys
     * that were new.
     *
     * SQL: `insert into send_log (...) values (...), ... on conflict (idempotency_key) do nothing
     * returning idempotency_key`
     */
    insertMessages: (rows: ReadonlyArray<NewSendLogRow>, onBatch?: (done: number) => void) =>
      run(`queueing ${counted(rows.length, "message")}`, async () => {
        const inserted: Array<string> = []
        for (let start = 0; start < rows.length; start += BATCH_SIZE) {
          const batch = rows.slice(start, start + BATCH_SIZE).map((r) => ({ ...r, message: JSON.stringify(r.message) }))
          const result = await db
            .insertInto("send_log")
            .values(batch)
            .onConflict((oc) => oc.column("idempotency_key").doNothing())
            .returning("idempotency_key")
            .execute()
          for (const r of result) inserted.push(r.idempotency_key)
          onBatch?.(Math.min(start + BATCH_SIZE, rows.length))
        }
        return inserted
      }),

    /**
     * Starts a delivery run under `owner`: on PostgreSQL, takes a session advisory lock on it on a
     * connection of its own, held until the returned release is called (or the process dies,
     * which closes the connection). Other runs see the run's leases as live while it holds it.
     */
    startRun: (owner: string) =>
      run("starting a delivery run", async (): Promise<() => Promise<void>> => {
        liveRuns.add(owner)
        if (dialect !== "postgres") {
          return async () => {
            liveRuns.delete(owner)
          }
        }
        let release!: () => void
        const released = new Promise<void>((resolve) => (release = resolve))
        let locked!: () => void
        let failed!: (e: unknown) => void
        const ready = new Promise<void>((resolve, reject) => {
          locked = resolve
          failed = reject
        })
        const held = db
          .connection()
          .execute(async (conn) => {
            await sql`select pg_advisory_lock(${LOCK_CLASS}, hashtext(${owner}))`.execute(conn)
            locked()
            await released
            await sql`select pg_advisory_unlock(${LOCK_CLASS}, hashtext(${owner}))`.execute(conn)
          })
          .catch((e: unknown) => {
            liveRuns.delete(owner)
            failed(e)
          })
        await ready
        return async () => {
          release()
          await held
          liveRuns.delete(owner)
        }
      }),

    /**
     * Turns every message left 'sending' by a run that is gone (or whose lease expired) into
     * 'uncertain': it was handed to the server and its answer never recorded. Returns how many.
     */
    markInDoubt: () =>
      run("finding messages left in doubt", async () => {
        const result = await sql`update send_log set status = 'uncertain', lease_owner = null, lease_until = null,
            last_error = coalesce(last_error, 'the run sending it stopped before the server answered')
          where status = 'sending' and ${leaseFree()}`.execute(db)
        return Number(result.numAffectedRows ?? 0n)
      }),

    /** How many rows have this status (queued: not yet handed over). */
    countStatus: (filter: SendLogFilter, status: SendStatus) =>
      run(`counting ${status} messages`, async () => {
        const row = await filtered(db.selectFrom("send_log").where("status", "=", status), filter).select(sql<string>`count(*)`.as("n")).executeTakeFirstOrThrow()
        return Number(row.n)
      }),

    /** The next page of queued keys, in key order after `afterKey`: candidates for {@link claim}. */
    pendingKeys: (filter: SendLogFilter, afterKey: string | undefined, limit: number) =>
      run("reading queued messages", async (): Promise<Array<string>> => {
        let q = filtered(db.selectFrom("send_log").where("status", "=", "queued"), filter)
        if (afterKey !== undefined) q = q.where("idempotency_key", ">", afterKey)
        const rows = await q.select("idempotency_key").orderBy("idempotency_key").limit(limit).execute()
        return rows.map((r) => r.idempotency_key)
      }),

    /**
     * Takes one queued message under a lease, in one statement: over SMTP it becomes 'sending'
     * (durably, before DATA), into the outbox it stays 'queued' while leased. Returns undefined
     * when another run holds it or it is no longer queued. Two runs never take the same message:
     * the row is locked (`for update skip locked`) and the update checks its state again.
     *
     * SQL: `update send_log set status = $2, lease_owner = $3, lease_until = now() + interval ...
     * where idempotency_key = (select idempotency_key from send_log where idempotency_key = $1
     * and status = 'queued' and <lease free> for update skip locked) and status = 'queued' returning ...`
     */
    claim: (key: string, owner: string, status: "sending" | "queued") =>
      run("taking a queued message", async (): Promise<PendingRow | undefined> => {
        const { rows } = await sql<Record<(typeof ROW)[number], unknown>>`update send_log
          set status = ${status}, lease_owner = ${owner}, lease_until = now() + make_interval(secs => ${LEASE_SECONDS}), last_attempt_at = now()
          where idempotency_key = (
            select idempotency_key from send_log
            where idempotency_key = ${key} and status = 'queued' and ${leaseFree()}
            for update skip locked)
          and status = 'queued'
          returning ${sql.join(ROW.map((c) => sql.ref(c)))}`.execute(db)
        const r = rows[0]
        return r === undefined ? undefined : (decodeRow(r as { message: unknown; status: string }) as unknown as PendingRow)
      }),

    /**
     * Records what became of a message this run holds, at once. A message that went out or
     * failed for good keeps its envelope but not its body. Applies only while `owner` holds the
     * message (or it was judged 'uncertain' meanwhile, when its answer still settles it).
     */
    recordOutcome: (o: Outcome, owner: string) =>
      run("recording a message's outcome in the send log", () =>
        sql`update send_log set
            status = ${o.status},
            attempts = attempts + ${o.attempts}::int,
            last_error = ${o.error}::text,
            last_attempt_at = now(),
            sent_at = case when ${o.status} = 'sent' then now() else sent_at end,
            message = case when ${o.status} in ('sent', 'failed') then ${purged()} else message end,
            lease_owner = null,
            lease_until = null
          where idempotency_key = ${o.key} and (lease_owner = ${owner} or status = 'uncertain')`.execute(db)
      ),

    /** Gives back a message this run took but never handed over: queued again, as it was. */
    release: (key: string, owner: string) =>
      run("putting a message back in the queue", () =>
        db
          .updateTable("send_log")
          .set({ status: "queued", lease_owner: null, lease_until: null })
          .where("idempotency_key", "=", key)
          .where("lease_owner", "=", owner)
          .where("status", "in", ["queued", "sending"])
          .execute()
      ),

    /** Messages in doubt ('uncertain'), oldest first. */
    uncertainRows: (filter: SendLogFilter, limit: number) =>
      run("reading the messages in doubt", () =>
        filtered(db.selectFrom("send_log").where("status", "=", "uncertain"), filter)
          .select([
            "idempotency_key",
            "purpose",
            "recipient",
            "subject",
            "message_id",
            "attempts",
            "last_error",
            sql<string>`last_attempt_at::text`.as("last_attempt_at"),
            sql<string>`queued_at::text`.as("queued_at")
          ])
          .orderBy("last_attempt_at")
          .orderBy("idempotency_key")
          .limit(limit)
          .execute()
      ),

    /** Queues the messages in doubt again (for `mail flush --resend-uncertain`). Returns their keys. */
    requeueUncertain: (filter: SendLogFilter) =>
      run("queueing the messages in doubt again", async () => {
        const rows = await filtered(db.updateTable("send_log").set({ status: "queued", lease_owner: null, lease_until: null }).where("status", "=", "uncertain"), filter)
          .returning("idempotency_key")
          .execute()
        return rows.map((r) => r.idempotency_key)
      }),

    /**
     * Records messages in doubt as sent, on the operator's word (`mail flush --mark-sent`), by
     * key or by Message-ID. Returns what each id matched: its key and status before, if any.
     */
    confirmSent: (ids: ReadonlyArray<string>) =>
      run("recording confirmed messages as sent", () =>
        db.transaction().execute(async (tx) => {
          const found: Array<{ id: string; key: string | undefined; status: string | undefined }> = []
          for (const id of ids) {
            const bare = id.replace(/^<|>$/g, "")
            const row = await tx
              .selectFrom("send_log")
              .select(["idempotency_key", "status"])
              .where((eb) => eb.or([eb("idempotency_key", "=", id), eb("message_id", "=", `<${bare}>`)]))
              .forUpdate()
              .executeTakeFirst()
            found.push({ id, key: row?.idempotency_key, status: row?.status })
            if (row?.status === "uncertain") {
              await sql`update send_log set status = 'sent', sent_at = now(), message = ${purged()},
                  last_error = 'recorded as sent by the operator', lease_owner = null, lease_until = null
                where idempotency_key = ${row.idempotency_key}`.execute(tx)
            }
          }
          return found
        })
      ),

    /** Rows per purpose and status; `deferred` counts the queued ones that have failed before. */
    countByPurposeAndStatus: (purpose: string | undefined) =>
      run("counting the send log", async (): Promise<Array<{ purpose: string; status: string; n: number; deferred: number }>> => {
        let q = db
          .selectFrom("send_log")
          .select(["purpose", "status", sql<string>`count(*)`.as("n"), sql<string>`count(*) filter (where status = 'queued' and attempts > 0)`.as("deferred")])
        if (purpose !== undefined) q = q.where("purpose", "=", purpose)
        const rows = await q.groupBy(["purpose", "status"]).orderBy("purpose").orderBy("status").execute()
        return rows.map((r) => ({ purpose: r.purpose, status: r.status, n: Number(r.n), deferred: Number(r.deferred) }))
      }),

    /** The latest rows with an error: failed for good, or deferred (queued again after a 4xx). */
    latestErrors: (purpose: string | undefined, limit: number) =>
      run("reading the latest send errors", () => {
        let q = db
          .selectFrom("send_log")
          .select(["idempotency_key", "purpose", "recipient", "status", "attempts", "last_error", sql<string>`last_attempt_at::text`.as("last_attempt_at")])
          .where("last_error", "is not", null)
          .where("status", "in", ["failed", "queued"])
        if (purpose !== undefined) q = q.where("purpose", "=", purpose)
        return q.orderBy("last_attempt_at", "desc").orderBy("idempotency_key").limit(limit).execute()
      }),

    /** The first queued messages, in key order (what a flush's dry run shows). */
    queuedSample: (filter: SendLogFilter, limit: number) =>
      run("reading queued messages", () =>
        filtered(db.selectFrom("send_log").where("status", "=", "queued"), filter)
          .select(["idempotency_key", "recipient", "subject", "locale", "attempts", sql<number>`jsonb_array_length(message -> 'attachments')`.as("attachments")])
          .orderBy("idempotency_key")
          .limit(limit)
          .execute()
      ),

    /** The key and status of each id, a key or a Message-ID (with or without `<>`), without changing anything. */
    lookup: (ids: ReadonlyArray<string>) =>
      run("looking up messages", async () => {
        const found: Array<{ id: string; key: string | undefined; status: string | undefined }> = []
        for (const id of ids) {
          const bare = id.replace(/^<|>$/g, "")
          const row = await db
            .selectFrom("send_log")
            .select(["idempotency_key", "status"])
            .where((eb) => eb.or([eb("idempotency_key", "=", id), eb("message_id", "=", `<${bare}>`)]))
            .executeTakeFirst()
          found.push({ id, key: row?.idempotency_key, status: row?.status })
        }
        return found
      }),

    /** How many queued messages {@link supersede} would set aside, without changing them. */
    countSupersedable: (prefix: string, keep: string) =>
      run("counting older versions of a message", async () => {
        const rows = await sql<{ n: string }>`select count(*) as n from send_log
          where starts_with(idempotency_key, ${prefix}) and idempotency_key <> ${keep} and status = 'queued' and ${leaseFree()}`.execute(db)
        return Number(rows.rows[0]?.n ?? 0)
      }),

    /** The status of the given keys (those in the log). */
    statusOfKeys: (keys: ReadonlyArray<string>) =>
      run("reading the status of known messages", async () => {
        const out = new Map<string, string>()
        await inBatches(keys, async (batch) => {
          const rows = await db.selectFrom("send_log").select(["idempotency_key", "status"]).where("idempotency_key", "in", batch).execute()
          for (const r of rows) out.set(r.idempotency_key, r.status)
        })
        return out
      }),

    /**
     * Marks as failed the queued messages whose key starts with `prefix` other than `keep`: older
     * versions of a message (a kit rebuilt since), never to be sent. Returns their keys.
     */
    supersede: (prefix: string, keep: string, reason: string) =>
      run("setting aside older versions of a message", async () => {
        const rows = await sql<{ idempotency_key: string }>`update send_log
            set status = 'failed', last_error = ${reason}, last_attempt_at = now(), message = ${purged()}
          where starts_with(idempotency_key, ${prefix}) and idempotency_key <> ${keep} and status = 'queued' and ${leaseFree()}
          returning idempotency_key`.execute(db)
        return rows.rows.map((r) => r.idempotency_key)
      })
  }
}

/** What the send log's repository offers. */
export type MailRepoShape = ReturnType<typeof make>

/**
 * The send log's repository as a service.
 *
 * @example
 * const keys = yield* MailRepo.use((repo) => repo.pendingKeys({ purpose: "kit" }, undefined, BATCH_SIZE))
 */
export class MailRepo extends Context.Service<MailRepo, MailRepoShape>()("convene/MailRepo") {
  // built from the database itself: leases are held differently on PostgreSQL and on PGlite
  static readonly layer = Layer.effect(MailRepo, Effect.flatMap(Database, ({ db, dialect }) => Effect.map(withKysely, () => make(db, runnerOf(db), dialect))))
}
