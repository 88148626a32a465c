/**
 * The send log's repository: batched, idempotent inserts of outgoing messages, the pages a
 * delivery run works through, and the outcomes it records (in one statement per batch, not per
 * message). The `message` JSON column is decoded here, through {@link StoredMessageSchema}.
 */
import * as Context from "effect/Context"
import * as Schema from "effect/Schema"
import { type Kysely, sql } from "kysely"
import { repositoryLayer, type Run } from "../infra/Database.js"
import type { StoredMessage, Tables } from "../infra/Tables.js"

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
      contentType: Schema.optionalKey(Schema.String)
    })
  ),
  to_name: Schema.optionalKey(Schema.String)
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

/** A row still to deliver. */
export interface PendingRow extends NewSendLogRow {
  readonly status: "queued" | "sending"
  readonly attempts: number
}

/** Which rows a delivery run or a status report looks at. */
export interface SendLogFilter {
  readonly purpose?: string | undefined
  /** Only these keys (at most `BATCH_SIZE` (1,000) per call where it matters: callers page them). */
  readonly keys?: ReadonlyArray<string> | undefined
}

/** What one delivery attempt (or several, retried within a run) came to. */
export interface Outcome {
  readonly key: string
  readonly status: "queued" | "sent" | "failed"
  /** Attempts made in this run, added to the stored count. */
  readonly attempts: number
  readonly error: string | null
}

type Db = Kysely<Tables>

const pending = (db: Db, filter: SendLogFilter) => {
  let q = db.selectFrom("send_log").where("status", "in", ["queued", "sending"])
  if (filter.purpose !== undefined) q = q.where("purpose", "=", filter.purpose)
  if (filter.keys !== undefined) q = q.where("idempotency_key", "in", filter.keys.length === 0 ? [""] : [...filter.keys])
  return q
}

/** Runs `write` over `items` in slices of `BATCH_SIZE` (1,000), one after the other. */
const inBatches = async <A>(items: ReadonlyArray<A>, write: (batch: Array<A>) => Promise<unknown>): Promise<void> => {
  for (let start = 0; start < items.length; start += BATCH_SIZE) await write(items.slice(start, start + BATCH_SIZE))
}

const make = (db: Db, run: Run) => ({
  /**
   * Inserts messages in batches; a key already in the log is left as it is. Returns the keys
   * that were new.
   *
   * SQL: `insert into send_log (...) values (...), ... on conflict (idempotency_key) do nothing
   * returning idempotency_key`
   */
  insertMessages: (rows: ReadonlyArray<NewSendLogRow>, onBatch?: (done: number) => void) =>
    run(`queueing ${rows.length} message(s)`, async () => {
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

  /** How many rows are still to deliver (queued, or left 'sending' by an interrupted run). */
  countPending: (filter: SendLogFilter) =>
    run("counting queued messages", async () => {
      const row = await pending(db, filter).select(sql<string>`count(*)`.as("n")).executeTakeFirstOrThrow()
      return Number(row.n)
    }),

  /** The next page of rows to deliver, in key order after `afterKey`. */
  pendingPage: (filter: SendLogFilter, afterKey: string | undefined, limit: number) =>
    run("reading queued messages", async (): Promise<Array<PendingRow>> => {
      let q = pending(db, filter)
      if (afterKey !== undefined) q = q.where("idempotency_key", ">", afterKey)
      const rows = await q
        .select(["idempotency_key", "purpose", "recipient", "locale", "subject", "message", "message_id", "status", "attempts"])
        .orderBy("idempotency_key")
        .limit(limit)
        .execute()
      return rows.map((r) => ({
        ...r,
        // PGlite and pg both parse jsonb; a text value would be a defect of the column type
        message: decodeMessage(typeof r.message === "string" ? JSON.parse(r.message) : r.message),
        status: r.status as "queued" | "sending"
      }))
    }),

  /** Marks rows as handed to the SMTP server: a crash from here on leaves them in doubt. */
  markSending: (keys: ReadonlyArray<string>) =>
    run("marking messages as sending", () =>
      inBatches(keys, (batch) =>
        db.updateTable("send_log").set({ status: "sending", last_attempt_at: sql`now()` }).where("idempotency_key", "in", batch).execute()
      )
    ),

  /** Puts rows marked 'sending' back to 'queued' (a run that stopped before handing them over). */
  releaseSending: (keys: ReadonlyArray<string>) =>
    run("putting messages back in the queue", () =>
      inBatches(keys, (batch) =>
        db.updateTable("send_log").set({ status: "queued" }).where("idempotency_key", "in", batch).where("status", "=", "sending").execute()
      )
    ),

  /**
   * Records outcomes, one statement per batch of up to `BATCH_SIZE` (1,000).
   *
   * SQL: `update send_log set status = v.status, attempts = send_log.attempts + v.attempts, ...
   * from (values ($1::text, $2::text, $3::int, $4::text), ...) as v(key, status, attempts, error)
   * where send_log.idempotency_key = v.key`
   */
  recordOutcomes: (outcomes: ReadonlyArray<Outcome>) =>
    run("recording sent messages in the send log", () =>
      inBatches(outcomes, (batch) => {
        const values = sql.join(batch.map((o) => sql`(${o.key}::text, ${o.status}::text, ${o.attempts}::int, ${o.error}::text)`))
        return sql`update send_log set
            status = v.status,
            attempts = send_log.attempts + v.attempts,
            last_error = v.error,
            last_attempt_at = now(),
            sent_at = case when v.status = 'sent' then now() else send_log.sent_at end
          from (values ${values}) as v(key, status, attempts, error)
          where send_log.idempotency_key = v.key`.execute(db)
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

  /** The status of the given keys (those in the log). */
  statusOfKeys: (keys: ReadonlyArray<string>) =>
    run("reading the status of known messages", async () => {
      const out = new Map<string, string>()
      await inBatches(keys, async (batch) => {
        const rows = await db.selectFrom("send_log").select(["idempotency_key", "status"]).where("idempotency_key", "in", batch).execute()
        for (const r of rows) out.set(r.idempotency_key, r.status)
      })
      return out
    })
})

/** What the send log's repository offers. */
export type MailRepoShape = ReturnType<typeof make>

/**
 * The send log's repository as a service.
 *
 * @example
 * const page = yield* MailRepo.use((repo) => repo.pendingPage({ purpose: "kit" }, undefined, BATCH_SIZE))
 */
export class MailRepo extends Context.Service<MailRepo, MailRepoShape>()("convene/MailRepo") {
  static readonly layer = repositoryLayer(MailRepo, make)
}
