/**
 * The mail service behind `convene kit send`, `convene mail flush` and survey invitations:
 * messages go into the send log first (idempotent by key), then out over SMTP or into an
 * outbox folder of `.eml` files, each exactly once even when a run is killed half-way.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { mkdir, rename, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { InputError, MailTransportError, type Problem, StoreError } from "../domain/Errors.js"
import { sha256 } from "../infra/Files.js"
import type { StoredAttachment, StoredMessage } from "../infra/Tables.js"
import { BATCH_SIZE, MailRepo, type MailRepoShape, type NewSendLogRow, type Outcome, type PendingRow } from "./MailRepo.js"

/** A file sent with a message: read from `path` when it has one, else `content` (keep it small). */
export interface Attachment {
  readonly filename: string
  readonly path?: string
  readonly content?: string | Uint8Array
  readonly contentType?: string
}

/** A recipient with a display name, kept apart from the address. */
export interface MailRecipient {
  readonly name: string
  readonly address: string
}

/**
 * One message to send. `key` makes it idempotent: a message whose key is already in the send
 * log is not sent again. Both `text` and `html` are sent (multipart/alternative).
 */
export interface OutgoingMessage {
  /** Stable across runs, e.g. `kit:sn-dakar:awa@example.org`. */
  readonly key: string
  /** What it is for, e.g. `kit` or `survey-invite`: `mail status --purpose` groups by it. */
  readonly purpose: string
  /**
   * The recipient: an address, or an address with a display name given apart. Pass a name as
   * `{ name, address }`, never built into a string: a name such as `Mallory, eve@example.org,`
   * inside `"Name <address>"` would be read as a second recipient.
   */
  readonly to: string | MailRecipient
  /** BCP 47 tag of the message's language, sent as `Content-Language`. */
  readonly locale: string
  readonly subject: string
  readonly text: string
  readonly html: string
  readonly attachments?: ReadonlyArray<Attachment>
}

/**
 * Where messages go: an SMTP server (pooled connections, at most `rate` messages per second),
 * or a folder of `.eml` files. `from` defaults to {@link DEFAULT_FROM}.
 */
export type MailTransportOptions =
  | { readonly smtpUrl: string; readonly from?: string; readonly rate?: number }
  | { readonly outboxDir: string; readonly from?: string }

/** The From address when `MAIL_FROM` is not set. */
export const DEFAULT_FROM = "convene <convene@localhost>"

/** SMTP connections kept open at once. */
export const SMTP_CONNECTIONS = 5

/** The outbox folder of a workspace: `<workspace>/out/outbox/`. */
export const outboxDirOf = (workspaceDir: string): string => join(workspaceDir, "out", "outbox")

const redactUrl = (url: URL): string => {
  const copy = new URL(url.toString())
  if (copy.password !== "") copy.password = "***"
  return copy.toString()
}

const ADDRESS = /^[^\s<>@]+@[^\s<>@]+$/
const addressOf = (from: string): string | undefined => {
  const angle = /<([^<>]+)>\s*$/.exec(from)
  const address = (angle === null ? from : angle[1]!).trim()
  return ADDRESS.test(address) ? address : undefined
}

/**
 * Chooses the transport the way every command does: SMTP when `SMTP_URL` is set (e.g.
 * `smtp://user:pass@host:587`, or `smtps://` for TLS from the start), else the workspace's
 * outbox folder. `MAIL_FROM` gives the From address. Throws {@link InputError} naming the
 * variable when one is unusable.
 *
 * @example
 * resolveMailTransport("/dialogue", {}) // { outboxDir: "/dialogue/out/outbox", from: "convene <convene@localhost>" }
 * resolveMailTransport("/dialogue", { SMTP_URL: "smtp://mail.example.org:587", MAIL_FROM: "Assembly <hello@example.org>" })
 * // { smtpUrl: "smtp://mail.example.org:587", from: "Assembly <hello@example.org>" }
 */
export const resolveMailTransport = (
  workspaceDir: string,
  env: Readonly<Record<string, string | undefined>> = process.env
): MailTransportOptions => {
  const problems: Array<Problem> = []
  const from = env["MAIL_FROM"] === undefined || env["MAIL_FROM"] === "" ? DEFAULT_FROM : env["MAIL_FROM"]
  if (addressOf(from) === undefined) {
    problems.push({ field: "MAIL_FROM", message: `expected an address such as "Assembly <hello@example.org>" or hello@example.org, got "${from}"` })
  }
  const smtpUrl = env["SMTP_URL"]
  if (smtpUrl !== undefined && smtpUrl !== "") {
    let url: URL | undefined
    try {
      url = new URL(smtpUrl)
    } catch {
      problems.push({ field: "SMTP_URL", message: "expected a URL such as smtp://user:pass@mail.example.org:587, got something that does not parse as a URL" })
    }
    if (url !== undefined && url.protocol !== "smtp:" && url.protocol !== "smtps:") {
      problems.push({ field: "SMTP_URL", message: `expected an smtp:// or smtps:// URL, got ${url.protocol}// (${redactUrl(url)})` })
    } else if (url !== undefined && url.hostname === "") {
      problems.push({ field: "SMTP_URL", message: `expected a host name, got ${redactUrl(url)}` })
    }
    if (problems.length > 0) throw new InputError({ summary: "The mail settings cannot be used.", problems })
    return { smtpUrl, from }
  }
  if (problems.length > 0) throw new InputError({ summary: "The mail settings cannot be used.", problems })
  return { outboxDir: outboxDirOf(workspaceDir), from }
}

/**
 * The Message-ID of a message: derived from its idempotency key and the From domain, so that a
 * message sent again after a crash carries the same Message-ID and receivers can drop the copy.
 *
 * @example
 * messageIdFor("kit:sn-dakar", "Assembly <hello@example.org>") // "<3f0c…(32 hex)@example.org>"
 */
export const messageIdFor = (key: string, from: string = DEFAULT_FROM): string => {
  const domain = addressOf(from)?.split("@")[1] ?? "convene"
  return `<${sha256(key).slice(0, 32)}@${domain}>`
}

/**
 * The outbox file of a message: the key made safe for file names, then a hash of the key (so
 * that two keys never share a file), e.g. `kit-sn-dakar-awa-example.org.5d41402abc4b2a76.eml`.
 */
export const outboxFileName = (key: string): string => {
  const readable = key.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-.]+/, "").slice(0, 80)
  return `${readable === "" ? "message" : readable}.${sha256(key).slice(0, 16)}.eml`
}

const toStoredAttachment = (a: Attachment): StoredAttachment => ({
  filename: a.filename,
  ...(a.path === undefined ? {} : { path: a.path }),
  ...(a.content === undefined
    ? {}
    : { content_base64: (typeof a.content === "string" ? Buffer.from(a.content, "utf8") : Buffer.from(a.content)).toString("base64") }),
  ...(a.contentType === undefined ? {} : { contentType: a.contentType })
})

const checkMessage = (m: OutgoingMessage, i: number): Array<Problem> => {
  const problems: Array<Problem> = []
  const field = (name: string) => `messages[${i}].${name}`
  if (typeof m.key !== "string" || m.key.trim() === "") problems.push({ field: field("key"), message: "expected a non-empty idempotency key" })
  if (typeof m.purpose !== "string" || m.purpose.trim() === "") problems.push({ field: field("purpose"), message: "expected a purpose such as kit or survey-invite" })
  if (typeof m.to === "object" && m.to !== null) {
    if (typeof m.to.address !== "string" || !ADDRESS.test(m.to.address)) problems.push({ field: field("to.address"), message: `expected one e-mail address, got "${String(m.to.address)}"` })
    if (typeof m.to.name !== "string" || /[\r\n]/.test(m.to.name)) problems.push({ field: field("to.name"), message: "expected a display name on one line" })
  } else if (typeof m.to !== "string" || addressOf(m.to) === undefined || /[,;:]/.test(m.to.replace(/<[^<>]*>\s*$/, ""))) {
    // "Name <address>" with a comma, semicolon or colon in the name is a list or a group of recipients
    problems.push({ field: field("to"), message: `expected one e-mail address (pass { name, address } for a display name), got "${String(m.to)}"` })
  }
  if (typeof m.subject !== "string" || /[\r\n]/.test(m.subject)) problems.push({ field: field("subject"), message: "expected a subject on one line" })
  for (const [j, a] of (m.attachments ?? []).entries()) {
    if (a.path === undefined && a.content === undefined) {
      problems.push({ field: field(`attachments[${j}]`), message: `expected a path or content for ${a.filename}` })
    }
  }
  return problems
}

/** What enqueueing did: `queued` new messages, `known` keys already in the log (of which `alreadySent` went out). */
export interface EnqueueSummary {
  readonly queued: number
  readonly known: number
  readonly alreadySent: number
}

/**
 * Puts messages into the send log, in batches. A key already there is left alone and counted
 * as `known`: enqueueing the same batch twice queues it once. Fails with {@link InputError}
 * listing every malformed message (nothing is queued then).
 *
 * @example
 * const { queued, known } = yield* enqueueMessages([{ key: "invite:p-1", purpose: "survey-invite",
 *   to: "a@example.org", locale: "fr-SN", subject: "Invitation", text: "…", html: "<p>…</p>" }])
 */
export const enqueueMessages = Effect.fn("Mail.enqueue")(function*(
  messages: ReadonlyArray<OutgoingMessage>,
  options: { readonly from?: string } = {}
) {
  const problems = messages.flatMap(checkMessage)
  if (problems.length > 0) {
    return yield* new InputError({ summary: `${problems.length} problem(s) in the messages to send; nothing was queued.`, problems })
  }
  const from = options.from ?? DEFAULT_FROM
  const seen = new Set<string>()
  const rows: Array<NewSendLogRow> = []
  for (const m of messages) {
    if (seen.has(m.key)) continue
    seen.add(m.key)
    const named = typeof m.to === "object"
    const message: StoredMessage = {
      text: m.text,
      html: m.html,
      attachments: (m.attachments ?? []).map(toStoredAttachment),
      ...(named ? { to_name: m.to.name } : {})
    }
    rows.push({
      idempotency_key: m.key,
      purpose: m.purpose,
      recipient: named ? m.to.address : m.to,
      locale: m.locale,
      subject: m.subject,
      message,
      message_id: messageIdFor(m.key, from)
    })
  }
  const repo = yield* MailRepo
  const inserted = yield* repo.insertMessages(rows)
  const known = messages.length - inserted.length
  let alreadySent = 0
  if (inserted.length < rows.length) {
    const fresh = new Set(inserted)
    const knownKeys = rows.filter((r) => !fresh.has(r.idempotency_key)).map((r) => r.idempotency_key)
    const statuses = yield* repo.statusOfKeys(knownKeys)
    for (const s of statuses.values()) if (s === "sent") alreadySent++
  }
  return { queued: inserted.length, known, alreadySent } satisfies EnqueueSummary
})

/** How a delivery run retries a 4xx reply or a lost connection within the run. */
export interface RetryPolicy {
  /** Attempts per message in one run, the first included (default 4). */
  readonly attempts?: number
  /** Wait before the first retry; doubled for each next one (default 500 ms: 0.5 s, 1 s, 2 s). */
  readonly baseDelayMs?: number
}

/** Options of {@link deliverQueued}. */
export interface DeliverOptions {
  /** Only messages with this purpose. */
  readonly purpose?: string
  /** Only these keys (what {@link sendMessages} passes). */
  readonly keys?: ReadonlyArray<string>
  /** Messages per second over SMTP (overrides the transport's `rate`); the outbox ignores it. */
  readonly rate?: number
  readonly retry?: RetryPolicy
  /** Called after each message's outcome; `total` is what was pending when the run began. */
  readonly onProgress?: (done: number, total: number) => void
}

/** One message that did not go out in this run. */
export interface DeliveryFailure {
  readonly key: string
  readonly recipient: string
  /** true: rejected for good (5xx), status failed; false: deferred, still queued for `mail flush`. */
  readonly permanent: boolean
  readonly error: string
}

/** What a delivery run did. */
export interface DeliverySummary {
  readonly transport: "smtp" | "outbox"
  /** Messages pending when the run began. */
  readonly total: number
  readonly sent: number
  /** Rejected for good (5xx): status failed, not retried. */
  readonly failed: number
  /** Still failing after the run's retries (4xx, connection errors): queued for `mail flush`. */
  readonly deferred: number
  /** The first 50 failures and deferrals. */
  readonly failures: ReadonlyArray<DeliveryFailure>
  readonly seconds: number
}

interface Sender {
  readonly kind: "smtp" | "outbox"
  /** Whether rows are marked 'sending' before hand-over (SMTP: a crash leaves them in doubt). */
  readonly marksSending: boolean
  readonly concurrency: number
  readonly send: (row: PendingRow) => Promise<void>
  readonly close: () => Promise<void>
}

type NodemailerMail = {
  from: string
  to: string | { name: string; address: string }
  subject: string
  text: string
  html: string
  messageId: string
  headers: Record<string, string>
  attachments: Array<{ filename: string; path?: string; content?: Buffer; contentType?: string }>
}

const mailOptions = (row: PendingRow, from: string): NodemailerMail => ({
  from,
  // a display name goes to nodemailer as a structured address, which it encodes as one recipient
  to: row.message.to_name === undefined ? row.recipient : { name: row.message.to_name, address: row.recipient },
  subject: row.subject,
  text: row.message.text,
  html: row.message.html,
  messageId: row.message_id,
  headers: { "Content-Language": row.locale },
  attachments: row.message.attachments.map((a) => ({
    filename: a.filename,
    ...(a.path === undefined ? {} : { path: a.path }),
    ...(a.content_base64 === undefined ? {} : { content: Buffer.from(a.content_base64, "base64") }),
    ...(a.contentType === undefined ? {} : { contentType: a.contentType })
  }))
})

/** nodemailer's pool paces to `rateLimit` messages per `rateDelta` ms; a fractional rate widens the window. */
const rateOptions = (rate: number | undefined): { rateLimit?: number; rateDelta?: number } => {
  if (rate === undefined || !(rate > 0) || !Number.isFinite(rate)) return {}
  const rateLimit = Math.max(1, Math.floor(rate))
  return { rateLimit, rateDelta: Math.round((1000 * rateLimit) / rate) }
}

const smtpSender = async (smtpUrl: string, from: string, rate: number | undefined): Promise<Sender> => {
  const { createTransport } = await import("nodemailer")
  const transporter = createTransport({ pool: true, url: smtpUrl, maxConnections: SMTP_CONNECTIONS, ...rateOptions(rate) })
  return {
    kind: "smtp",
    marksSending: true,
    // a few more than the connections, so that each connection has the next message waiting
    concurrency: SMTP_CONNECTIONS * 4,
    send: async (row) => {
      await transporter.sendMail(mailOptions(row, from))
    },
    close: async () => transporter.close()
  }
}

const outboxSender = async (outboxDir: string, from: string): Promise<Sender> => {
  const { default: MailComposer } = await import("nodemailer/lib/mail-composer")
  try {
    await mkdir(outboxDir, { recursive: true })
  } catch (cause) {
    // a folder that cannot be made is an outbox that cannot be written: the transport refuses
    throw new MailTransportError({ transport: "outbox", reason: new OutboxWriteError(outboxDir, cause).message, sent: 0, hint: OUTBOX_HINT })
  }
  return {
    kind: "outbox",
    // the file name is the key's: writing it again replaces it, so nothing needs marking first
    marksSending: false,
    concurrency: 16,
    send: async (row) => {
      const raw = await new MailComposer(mailOptions(row, from)).compile().build()
      const name = outboxFileName(row.idempotency_key)
      const tmp = join(outboxDir, `.${name}.tmp`)
      try {
        await writeFile(tmp, raw)
        await rename(tmp, join(outboxDir, name))
      } catch (cause) {
        throw new OutboxWriteError(outboxDir, cause)
      }
    },
    close: async () => {}
  }
}

const SMTP_HINT = "Check SMTP_URL (user, password, port, smtp:// or smtps://). The rest stays queued for `convene mail flush`."
const OUTBOX_HINT = "Check the outbox folder. The rest stays queued for `convene mail flush`."

class OutboxWriteError extends Error {
  constructor(readonly dir: string, override readonly cause: unknown) {
    super(`cannot write to the outbox ${dir}: ${cause instanceof Error ? cause.message : String(cause)}`)
  }
}

interface SmtpError {
  readonly code?: string
  readonly responseCode?: number
  readonly response?: string
  readonly permanent?: boolean
  readonly command?: string
  readonly path?: string
  readonly message?: string
}

type Verdict = { readonly kind: "permanent" | "transient" | "transport"; readonly error: string }

const CONFIGURATION_CODES = new Set(["EAUTH", "ENOAUTH", "EOAUTH2", "ETLS", "EREQUIRETLS", "ECONFIG", "EPROXY"])
const UNREADABLE_FILE = new Set(["ENOENT", "EISDIR", "EACCES", "EFILEACCESS"])

/**
 * What a failed attempt means. A 5xx reply is the message's own and final (nodemailer's
 * `permanent`, which leaves out 503); a 4xx reply or a lost connection may pass later; a refused
 * login or TLS, or an outbox that cannot be written, stops the whole run.
 */
const judge = (e: unknown): Verdict => {
  if (e instanceof OutboxWriteError) return { kind: "transport", error: e.message }
  const err = (typeof e === "object" && e !== null ? e : { message: String(e) }) as SmtpError
  const text = (err.response ?? err.message ?? String(e)).trim()
  if (CONFIGURATION_CODES.has(err.code ?? "") || (err.command ?? "").startsWith("AUTH")) return { kind: "transport", error: text }
  if (typeof err.responseCode === "number") {
    const permanent = err.permanent ?? (err.responseCode >= 500 && err.responseCode < 600 && err.responseCode !== 503)
    return { kind: permanent ? "permanent" : "transient", error: text }
  }
  // an attachment that cannot be read will not become readable by retrying now
  if (UNREADABLE_FILE.has(err.code ?? "") && err.path !== undefined) return { kind: "permanent", error: `attachment ${err.path}: ${text}` }
  return { kind: "transient", error: err.code === undefined ? text : `${err.code}: ${text}` }
}

/** Lets at most `n` messages be in flight. */
class Slots {
  private free: number
  private readonly waiting: Array<() => void> = []
  constructor(n: number) {
    this.free = n
  }
  take(): Promise<void> {
    if (this.free > 0) {
      this.free--
      return Promise.resolve()
    }
    return new Promise((resolve) => this.waiting.push(resolve))
  }
  give(): void {
    const next = this.waiting.shift()
    if (next !== undefined) next()
    else this.free++
  }
}

/**
 * Outcomes written in batches: while one UPDATE runs, the next outcomes gather, and the next
 * UPDATE writes them all. A message is recorded only after it went out.
 */
class OutcomeWriter {
  private queue: Array<Outcome> = []
  private running: Promise<void> | undefined
  failure: unknown
  constructor(private readonly record: (outcomes: ReadonlyArray<Outcome>) => Promise<void>) {}
  add(outcome: Outcome): void {
    this.queue.push(outcome)
    this.running ??= this.drain()
  }
  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0 && this.failure === undefined) {
        const batch = this.queue.splice(0, BATCH_SIZE)
        await this.record(batch)
      }
    } catch (cause) {
      this.failure = cause
    } finally {
      this.running = undefined
    }
  }
  async flush(): Promise<void> {
    while (this.running !== undefined) await this.running
    if (this.queue.length > 0 && this.failure === undefined) {
      this.running = this.drain()
      await this.running
    }
    if (this.failure !== undefined) {
      throw this.failure instanceof StoreError ? this.failure : new StoreError({ operation: "recording sent messages in the send log", cause: this.failure })
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Rows marked 'sending' per UPDATE, a little ahead of hand-over: all a crash can leave in doubt. */
const SENDING_WINDOW = 100

/**
 * The delivery loop. It is promise-based because nodemailer's pool and the slots are; each
 * send-log statement is the repository's Effect, run by `store` (which rejects with its
 * StoreError). `seconds` is left for the caller, which times the run on Effect's Clock.
 */
const deliver = async (
  repo: MailRepoShape,
  store: <A>(statement: Effect.Effect<A, StoreError>) => Promise<A>,
  transport: MailTransportOptions,
  options: DeliverOptions,
  signal: AbortSignal
): Promise<DeliverySummary> => {
  const from = transport.from ?? DEFAULT_FROM
  const keyChunks: Array<Array<string>> | undefined =
    options.keys === undefined
      ? undefined
      : (() => {
          const keys = [...new Set(options.keys)].sort()
          const chunks: Array<Array<string>> = []
          for (let i = 0; i < keys.length; i += BATCH_SIZE) chunks.push(keys.slice(i, i + BATCH_SIZE))
          return chunks
        })()
  let total = 0
  if (keyChunks === undefined) total = await store(repo.countPending({ purpose: options.purpose }))
  else for (const keys of keyChunks) total += await store(repo.countPending({ purpose: options.purpose, keys }))

  const kind = "smtpUrl" in transport ? "smtp" : "outbox"
  if (total === 0) return { transport: kind, total, sent: 0, failed: 0, deferred: 0, failures: [], seconds: 0 }
  const sender =
    "smtpUrl" in transport ? await smtpSender(transport.smtpUrl, from, options.rate ?? transport.rate) : await outboxSender(transport.outboxDir, from)
  const writer = new OutcomeWriter((outcomes) => store(repo.recordOutcomes(outcomes)))
  const attempts = Math.max(1, options.retry?.attempts ?? 4)
  const baseDelayMs = options.retry?.baseDelayMs ?? 500
  const slots = new Slots(sender.concurrency)
  const inFlight = new Set<Promise<void>>()
  const failures: Array<DeliveryFailure> = []
  let sent = 0
  let failed = 0
  let deferred = 0
  let stop: Verdict | undefined
  // keys marked 'sending' in this run and not settled: at the end, only those never handed over
  // or refused with the whole transport, so they go back to 'queued' without being in doubt
  const unsettled = new Set<string>()

  const settle = (row: PendingRow, outcome: Outcome) => {
    writer.add(outcome)
    unsettled.delete(row.idempotency_key)
    if (outcome.status === "sent") sent++
    else {
      if (outcome.status === "failed") failed++
      else deferred++
      if (failures.length < 50) failures.push({ key: row.idempotency_key, recipient: row.recipient, permanent: outcome.status === "failed", error: outcome.error ?? "" })
    }
    options.onProgress?.(sent + failed + deferred, total)
  }

  // one message, retried within the run with exponential backoff; holds a slot only while sending
  const deliverOne = async (row: PendingRow): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      let error: unknown
      let ok = false
      try {
        await sender.send(row)
        ok = true
      } catch (e) {
        error = e
      } finally {
        slots.give()
      }
      if (ok) return settle(row, { key: row.idempotency_key, status: "sent", attempts: attempt, error: null })
      const verdict = judge(error)
      if (verdict.kind === "transport") {
        stop ??= verdict
        return
      }
      if (verdict.kind === "permanent") return settle(row, { key: row.idempotency_key, status: "failed", attempts: attempt, error: verdict.error })
      if (attempt >= attempts || stop !== undefined || signal.aborted) {
        return settle(row, { key: row.idempotency_key, status: "queued", attempts: attempt, error: verdict.error })
      }
      await sleep(baseDelayMs * 2 ** (attempt - 1))
      await slots.take()
      if (stop !== undefined || signal.aborted) {
        slots.give()
        return settle(row, { key: row.idempotency_key, status: "queued", attempts: attempt, error: verdict.error })
      }
    }
  }

  const halted = () => stop !== undefined || signal.aborted || writer.failure !== undefined
  try {
    const pages = async function*(): AsyncGenerator<Array<PendingRow>> {
      if (keyChunks !== undefined) {
        for (const keys of keyChunks) yield await store(repo.pendingPage({ purpose: options.purpose, keys }, undefined, BATCH_SIZE))
        return
      }
      let after: string | undefined
      for (;;) {
        const page = await store(repo.pendingPage({ purpose: options.purpose }, after, BATCH_SIZE))
        if (page.length === 0) return
        yield page
        after = page.at(-1)!.idempotency_key
      }
    }
    outer: for await (const page of pages()) {
      for (let w = 0; w < page.length; w += SENDING_WINDOW) {
        const window = page.slice(w, w + SENDING_WINDOW)
        if (halted()) break outer
        if (sender.marksSending) {
          const keys = window.map((r) => r.idempotency_key)
          await store(repo.markSending(keys))
          for (const k of keys) unsettled.add(k)
        }
        for (const row of window) {
          await slots.take()
          if (halted()) {
            slots.give()
            break outer
          }
          const task: Promise<void> = deliverOne(row).finally(() => inFlight.delete(task))
          inFlight.add(task)
        }
      }
    }
  } finally {
    while (inFlight.size > 0) await Promise.all([...inFlight])
    await sender.close()
    await writer.flush()
    if (unsettled.size > 0) await store(repo.releaseSending([...unsettled]))
  }
  if (stop !== undefined) {
    throw new MailTransportError({
      transport: kind,
      reason: stop.error,
      sent,
      hint: kind === "smtp" ? SMTP_HINT : OUTBOX_HINT
    })
  }
  return { transport: sender.kind, total, sent, failed, deferred, failures, seconds: 0 }
}

/**
 * Delivers what the send log holds as queued, or left 'sending' by an interrupted run. Over
 * SMTP each message is marked 'sending' just before it is handed over and 'sent' after the
 * server's 250; a 4xx reply or a lost connection is retried with exponential backoff, then left
 * queued (attempts and last_error recorded); a 5xx reply marks it failed for good. Fails with
 * {@link MailTransportError} when the server refuses the login or TLS (or the outbox cannot be
 * written): the rest stays queued.
 *
 * @example
 * const summary = yield* deliverQueued({ smtpUrl: "smtp://mail.example.org:587", rate: 10 }, { purpose: "kit" })
 * // { transport: "smtp", total: 133, sent: 131, failed: 1, deferred: 1, failures: [...], seconds: 14.2 }
 */
export const deliverQueued = Effect.fn("Mail.deliverQueued")(function*(transport: MailTransportOptions, options: DeliverOptions = {}) {
  const repo = yield* MailRepo
  // the send-log statements run as Effects of this fiber's context (tracing included)
  const store = Effect.runPromiseWith(yield* Effect.context<never>())
  const started = yield* Clock.currentTimeNanos
  const summary = yield* Effect.tryPromise({
    try: (signal) => deliver(repo, store, transport, options, signal),
    catch: (cause) =>
      cause instanceof StoreError || cause instanceof MailTransportError ? cause : new StoreError({ operation: "delivering queued mail", cause })
  })
  if (summary.total === 0) return summary
  const ended = yield* Clock.currentTimeNanos
  return { ...summary, seconds: Number(ended - started) / 1e9 } satisfies DeliverySummary
})

/**
 * Queues messages and delivers them (and any left over from an interrupted run of the same
 * keys): what `convene kit send` calls. Running it again with the same keys sends nothing twice.
 *
 * @example
 * const transport = resolveMailTransport(ws.dir)
 * const result = yield* sendMessages(messages, transport, { rate: 5 })
 * // { queued: 133, known: 0, alreadySent: 0, transport: "smtp", sent: 133, failed: 0, deferred: 0, ... }
 */
export const sendMessages = Effect.fn("Mail.send")(function*(
  messages: ReadonlyArray<OutgoingMessage>,
  transport: MailTransportOptions,
  options: Omit<DeliverOptions, "keys"> = {}
) {
  const enqueued = yield* enqueueMessages(messages, transport.from === undefined ? {} : { from: transport.from })
  const delivered = yield* deliverQueued(transport, { ...options, keys: messages.map((m) => m.key) })
  return { ...enqueued, ...delivered }
})

/** The send log's counts for one purpose (or all). */
export interface MailCounts {
  readonly queued: number
  /** Queued again after a 4xx reply or a lost connection. */
  readonly deferred: number
  /** Being handed over now, or left by an interrupted run (`mail flush` sends them again). */
  readonly sending: number
  readonly sent: number
  readonly failed: number
}

/** The send log at a glance. */
export interface MailStatus extends MailCounts {
  readonly total: number
  readonly byPurpose: ReadonlyArray<MailCounts & { readonly purpose: string }>
  /** The latest messages that met an error: failed for good, or deferred. */
  readonly latestErrors: ReadonlyArray<{
    readonly key: string
    readonly purpose: string
    readonly recipient: string
    readonly status: string
    readonly attempts: number
    readonly error: string
    readonly at: string | null
  }>
}

const emptyCounts = (): { -readonly [K in keyof MailCounts]: number } => ({ queued: 0, deferred: 0, sending: 0, sent: 0, failed: 0 })

/**
 * Counts by status (and purpose) and the latest errors.
 *
 * @example
 * const status = yield* mailStatus({ purpose: "kit" })
 * // { queued: 0, deferred: 0, sending: 0, sent: 131, failed: 2, total: 133, byPurpose: [...], latestErrors: [...] }
 */
export const mailStatus = Effect.fn("Mail.status")(function*(options: { readonly purpose?: string; readonly errors?: number } = {}) {
  const repo = yield* MailRepo
  const groups = yield* repo.countByPurposeAndStatus(options.purpose)
  const errors = yield* repo.latestErrors(options.purpose, options.errors ?? 10)
  const all = emptyCounts()
  const byPurpose = new Map<string, ReturnType<typeof emptyCounts>>()
  for (const g of groups) {
    const counts = byPurpose.get(g.purpose) ?? emptyCounts()
    byPurpose.set(g.purpose, counts)
    const status = g.status as "queued" | "sending" | "sent" | "failed"
    counts[status] += g.n
    all[status] += g.n
    counts.deferred += g.deferred
    all.deferred += g.deferred
  }
  return {
    ...all,
    total: all.queued + all.sending + all.sent + all.failed,
    byPurpose: [...byPurpose].map(([purpose, counts]) => ({ purpose, ...counts })),
    latestErrors: errors.map((e) => ({
      key: e.idempotency_key,
      purpose: e.purpose,
      recipient: e.recipient,
      status: e.status,
      attempts: e.attempts,
      error: e.last_error ?? "",
      at: e.last_attempt_at
    }))
  } satisfies MailStatus
})
