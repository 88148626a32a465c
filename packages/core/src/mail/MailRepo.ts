/**
 * The send log: batched, idempotent inserts of outgoing messages, the pages a delivery run
 * works through, and the outcomes it records (in one statement per batch, not per message).
 */
import * as Context from "effect/Context"
import { type Kysely, sql, type Transaction } from "kysely"
import { repositoryLayer, type Run } from "../infra/Database.js"
import type { StoredMessage, Tables } from "../infra/Tables.js"

type Db = Kysely<Tables> | Transaction<Tables>

/** Rows per statement: far below PostgreSQL's 65,535 parameters, large enough to be fast. */
export const BATCH_SIZE = 1000

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
  /** Only these keys (at most {@link BATCH_SIZE} per call where it matters: callers page them). */
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

/**
 * Inserts messages in batches; a key already in the log is left as it is. Returns the keys
 * that were new.
 *
 * SQL: `insert into send_log (...) values (...), ... on conflict (idempotency_key) do nothing
 * returning idempotency_key`
 */
export const insertMessages = async (db: Db, rows: ReadonlyArray<NewSendLogRow>, onBatch?: (done: number) => void): Promise<Array<string>> => {
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
}

const pending = (db: Db, filter: SendLogFilter) => {
  let q = db.selectFrom("send_log").where("status", "in", ["queued", "sending"])
  if (filter.purpose !== undefined) q = q.where("purpose", "=", filter.purpose)
  if (filter.keys !== undefined) q = q.where("idempotency_key", "in", filter.keys.length === 0 ? [""] : [...filter.keys])
  return q
}

/** How many rows are still to deliver (queued, or left 'sending' by an interrupted run). */
export const countPending = async (db: Db, filter: SendLogFilter): Promise<number> => {
  const row = await pending(db, filter).select(sql<string>`count(*)`.as("n")).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The next page of rows to deliver, in key order after `afterKey`. */
export const pendingPage = async (db: Db, filter: SendLogFilter, afterKey: string | undefined, limit: number): Promise<Array<PendingRow>> => {
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
    message: typeof r.message === "string" ? (JSON.parse(r.message) as StoredMessage) : r.message,
    status: r.status as "queued" | "sending"
  }))
}

/** Marks rows as handed to the SMTP server: a crash from here on leaves them in doubt. */
export const markSending = async (db: Db, keys: ReadonlyArray<string>): Promise<void> => {
  for (let start = 0; start < keys.length; start += BATCH_SIZE) {
    await db
      .updateTable("send_log")
      .set({ status: "sending", last_attempt_at: sql`now()` })
      .where("idempotency_key", "in", keys.slice(start, start + BATCH_SIZE))
      .execute()
  }
}

/** Puts rows marked 'sending' back to 'queued' (a run that stopped before handing them over). */
export const releaseSending = async (db: Db, keys: ReadonlyArray<string>): Promise<void> => {
  for (let start = 0; start < keys.length; start += BATCH_SIZE) {
    await db
      .updateTable("send_log")
      .set({ status: "queued" })
      .where("idempotency_key", "in", keys.slice(start, start + BATCH_SIZE))
      .where("status", "=", "sending")
      .execute()
  }
}

/**
 * Records outcomes, one statement per batch of up to {@link BATCH_SIZE}.
 *
 * SQL: `update send_log set status = v.status, attempts = send_log.attempts + v.attempts, ...
 * from (values ($1::text, $2::text, $3::int, $4::text), ...) as v(key, status, attempts, error)
 * where send_log.idempotency_key = v.key`
 */
export const recordOutcomes = async (db: Db, outcomes: ReadonlyArray<Outcome>): Promise<void> => {
  for (let start = 0; start < outcomes.length; start += BATCH_SIZE) {
    const values = sql.join(
      outcomes
        .slice(start, start + BATCH_SIZE)
        .map((o) => sql`(${o.key}::text, ${o.status}::text, ${o.attempts}::int, ${o.error}::text)`)
    )
    await sql`update send_log set
        status = v.status,
        attempts = send_log.attempts + v.attempts,
        last_error = v.error,
        last_attempt_at = now(),
        sent_at = case when v.status = 'sent' then now() else send_log.sent_at end
      from (values ${values}) as v(key, status, attempts, error)
      where send_log.idempotency_key = v.key`.execute(db)
  }
}

/** Rows per purpose and status; `deferred` counts the queued ones that have failed before. */
export const countByPurposeAndStatus = async (
  db: Db,
  purpose: string | undefined
): Promise<Array<{ purpose: string; status: string; n: number; deferred: number }>> => {
  let q = db
    .selectFrom("send_log")
    .select(["purpose", "status", sql<string>`count(*)`.as("n"), sql<string>`count(*) filter (where status = 'queued' and attempts > 0)`.as("deferred")])
  if (purpose !== undefined) q = q.where("purpose", "=", purpose)
  const rows = await q.groupBy(["purpose", "status"]).orderBy("purpose").orderBy("status").execute()
  return rows.map((r) => ({ purpose: r.purpose, status: r.status, n: Number(r.n), deferred: Number(r.deferred) }))
}

/** The latest rows with an error: failed for good, or deferred (queued again after a 4xx). */
export const latestErrors = async (db: Db, purpose: string | undefined, limit: number) => {
  let q = db
    .selectFrom("send_log")
    .select(["idempotency_key", "purpose", "recipient", "status", "attempts", "last_error", sql<string>`last_attempt_at::text`.as("last_attempt_at")])
    .where("last_error", "is not", null)
    .where("status", "in", ["failed", "queued"])
  if (purpose !== undefined) q = q.where("purpose", "=", purpose)
  return q.orderBy("last_attempt_at", "desc").orderBy("idempotency_key").limit(limit).execute()
}

/** The status of the given keys (those in the log). */
export const statusOfKeys = async (db: Db, keys: ReadonlyArray<string>): Promise<Map<string, string>> => {
  const out = new Map<string, string>()
  for (let start = 0; start < keys.length; start += BATCH_SIZE) {
    const rows = await db
      .selectFrom("send_log")
      .select(["idempotency_key", "status"])
      .where("idempotency_key", "in", keys.slice(start, start + BATCH_SIZE))
      .execute()
    for (const r of rows) out.set(r.idempotency_key, r.status)
  }
  return out
}

const make = (_db: Kysely<Tables>, _run: Run) => ({})

/** The send log's repository as a service. */
export class MailRepo extends Context.Service<MailRepo, ReturnType<typeof make>>()("convene/MailRepo") {
  static readonly layer = repositoryLayer(MailRepo, make)
}
