/**
 * The mail service behind `convene kit send`, `convene mail flush` and survey invitations:
 * messages go into the send log first (idempotent by key), then out over SMTP or into an
 * outbox folder of `.eml` files. Into the outbox, each exactly once even when a run is killed
 * half-way; over SMTP never twice on its own: a message whose fate a crash left unknown is
 * listed as 'uncertain' for the operator to resend or confirm.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { randomUUID } from "node:crypto"
import { mkdir, readFile, rename, writeFile } from "node:fs/promises"
import { readFileSync } from "node:fs"
import { hostname } from "node:os"
import { join } from "node:path"
import { InputError, MailTransportError, type Problem, StoreError } from "../domain/Errors.js"
import { sha256 } from "../infra/Files.js"
import type { StoredAttachment, StoredMessage } from "../infra/Tables.js"
import { BATCH_SIZE, MailRepo, type MailRepoShape, type NewSendLogRow, type Outcome, type PendingRow } from "./MailRepo.js"
import { counted } from "../domain/Plural.js"

/**
 * A file sent with a message: read from `path` when it has one, else `content` (keep it small).
 * A file by path is pinned when queued (its SHA-256, computed then unless given as `sha256`): if
 * it changes before the message goes out, the message is not sent (it fails, saying so).
 */
export interface Attachment {
  readonly filename: string
  readonly path?: string
  readonly content?: string | Uint8Array
  readonly contentType?: string
  /** The SHA-256 (hex) of the file at `path` as it must be sent. */
  readonly sha256?: string
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

const toStoredAttachment = (a: Attachment, hashOf: (path: string) => string | undefined): StoredAttachment => ({
  filename: a.filename,
  ...(a.path === undefined ? {} : { path: a.path }),
  ...(() => {
    const pinned = a.path === undefined ? undefined : (a.sha256 ?? hashOf(a.path))
    return pinned === undefined ? {} : { sha256: pinned }
  })(),
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
    return yield* new InputError({ summary: `${counted(problems.length, "problem")} in the messages to send; nothing was queued.`, problems })
  }
  const from = options.from ?? DEFAULT_FROM
  const seen = new Set<string>()
  const rows: Array<NewSendLogRow> = []
  // each file once, however many messages carry it; one that cannot be read fails when sent
  const hashes = new Map<string, string | undefined>()
  const hashOf = (path: string): string | undefined => {
    if (!hashes.has(path)) {
      try {
        hashes.set(path, sha256(readFileSync(path)))
      } catch {
        hashes.set(path, undefined)
      }
    }
    return hashes.get(path)
  }
  for (const m of messages) {
    if (seen.has(m.key)) continue
    seen.add(m.key)
    const named = typeof m.to === "object"
    const message: StoredMessage = {
      text: m.text,
      html: m.html,
      attachments: (m.attachments ?? []).map((a) => toStoredAttachment(a, hashOf)),
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
  /** true: rejected for good (5xx), status failed; false: deferred, still queued for `mail flush`, or uncertain. */
  readonly permanent: boolean
  /** true: the connection was lost with no reply, so it may have gone out: status uncertain, not sent again on its own. */
  readonly uncertain: boolean
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
  /** Still failing after the run's retries (4xx, a connection that could not be opened): queued for `mail flush`. */
  readonly deferred: number
  /**
   * Messages of this run's scope (its keys, or its purpose) now in doubt: handed to the server by
   * a run that died (or lost its connection) before the answer. Never sent again on their own:
   * `mail status` lists them, `mail flush --resend-uncertain` or `--mark-sent` settles them.
   */
  readonly uncertain: number
  /** The first 50 failures and deferrals. */
  readonly failures: ReadonlyArray<DeliveryFailure>
  /** Into the outbox: the `.eml` files this run wrote, absolute paths (over SMTP: none). */
  readonly files: ReadonlyArray<string>
  readonly seconds: number
}

interface Sender {
  readonly kind: "smtp" | "outbox"
  /** Whether a message is marked 'sending' before hand-over (SMTP: a crash leaves it in doubt). */
  readonly marksSending: boolean
  /** Messages handed over at once: over SMTP one per pooled connection, so at most one each is in doubt. */
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
  attachments: Array<{ filename: string; content?: Buffer; contentType?: string }>
}

/** A file attached by path that is no longer the one the message was queued with. */
class AttachmentChangedError extends Error {
  constructor(readonly path: string) {
    super(
      `the attachment ${path} changed since the message was queued (it was rebuilt): not sent, so that the message never carries another version than the one it was queued with. Queue the current version again (for kits: \`convene kit send\`)`
    )
  }
}

/** A message that could not be prepared (its attachment unreadable…): nothing went out. */
class NotPreparedError extends Error {
  constructor(override readonly cause: unknown) {
    const err = (typeof cause === "object" && cause !== null ? cause : {}) as { code?: string; path?: string; message?: string }
    super(err.path !== undefined ? `attachment ${err.path}: ${err.message ?? String(cause)}` : (err.message ?? String(cause)))
  }
}

const mailOptions = async (row: PendingRow, from: string): Promise<NodemailerMail> => {
  if (row.message.purged === true) throw new Error(`the body of ${row.idempotency_key} is no longer kept (it was sent or failed before)`)
  const attachments: NodemailerMail["attachments"] = []
  for (const a of row.message.attachments) {
    let content: Buffer | undefined
    if (a.path !== undefined) {
      // read whole, then checked: the bytes sent are the bytes hashed
      content = await readFile(a.path)
      if (a.sha256 !== undefined && sha256(content) !== a.sha256) throw new AttachmentChangedError(a.path)
    } else if (a.content_base64 !== undefined) content = Buffer.from(a.content_base64, "base64")
    attachments.push({ filename: a.filename, ...(content === undefined ? {} : { content }), ...(a.contentType === undefined ? {} : { contentType: a.contentType }) })
  }
  return {
    from,
    // a display name goes to nodemailer as a structured address, which it encodes as one recipient
    to: row.message.to_name === undefined ? row.recipient : { name: row.message.to_name, address: row.recipient },
    subject: row.subject,
    text: row.message.text,
    html: row.message.html,
    messageId: row.message_id,
    headers: { "Content-Language": row.locale },
    attachments
  }
}

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
    // one message per connection: its outcome is recorded before the next is handed over
    concurrency: SMTP_CONNECTIONS,
    send: async (row) => {
      // what fails before the hand-over (an attachment that cannot be read) cannot have been taken
      const mail = await mailOptions(row, from).catch((e: unknown) => {
        throw e instanceof AttachmentChangedError ? e : new NotPreparedError(e)
      })
      await transporter.sendMail(mail)
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
    // the file name is the key's: writing it again replaces it, so nothing is ever in doubt
    marksSending: false,
    concurrency: 8,
    send: async (row) => {
      // a file is only ever written whole: nothing here is in doubt
      const raw = await mailOptions(row, from)
        .then((mail) => new MailComposer(mail).compile().build())
        .catch((e: unknown) => {
          throw e instanceof AttachmentChangedError ? e : new NotPreparedError(e)
        })
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

type Verdict = { readonly kind: "permanent" | "transient" | "doubt" | "transport"; readonly error: string }

const CONFIGURATION_CODES = new Set(["EAUTH", "ENOAUTH", "EOAUTH2", "ETLS", "EREQUIRETLS", "ECONFIG", "EPROXY"])
const UNREADABLE_FILE = new Set(["ENOENT", "EISDIR", "EACCES", "EFILEACCESS"])
/** Failures that happen before any connection carries the message: it cannot have been taken. */
const NEVER_CONNECTED = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL|Connection timeout|Greeting never received/

/**
 * What a failed attempt means. A 5xx reply is the message's own and final (nodemailer's
 * `permanent`, which leaves out 503); a 4xx reply may pass later; a refused login or TLS, or an
 * outbox that cannot be written, stops the whole run. A connection that could not be opened may
 * be retried; one lost with no reply may have been lost after the server took the message, so
 * the message is in doubt and not sent again on its own.
 */
const judge = (e: unknown): Verdict => {
  if (e instanceof OutboxWriteError) return { kind: "transport", error: e.message }
  if (e instanceof AttachmentChangedError || e instanceof NotPreparedError) return { kind: "permanent", error: e.message }
  const err = (typeof e === "object" && e !== null ? e : { message: String(e) }) as SmtpError
  const text = (err.response ?? err.message ?? String(e)).trim()
  if (CONFIGURATION_CODES.has(err.code ?? "") || (err.command ?? "").startsWith("AUTH")) return { kind: "transport", error: text }
  if (typeof err.responseCode === "number") {
    const permanent = err.permanent ?? (err.responseCode >= 500 && err.responseCode < 600 && err.responseCode !== 503)
    return { kind: permanent ? "permanent" : "transient", error: text }
  }
  // an attachment that cannot be read will not become readable by retrying now
  if (UNREADABLE_FILE.has(err.code ?? "") && err.path !== undefined) return { kind: "permanent", error: `attachment ${err.path}: ${text}` }
  const described = err.code === undefined ? text : `${err.code}: ${text}`
  if (NEVER_CONNECTED.test(`${err.code ?? ""} ${text}`) || err.code === "EDNS" || err.command === "API") return { kind: "transient", error: described }
  return { kind: "doubt", error: described }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** The keys still queued, page by page, shared by the workers of a run (each key given out once). */
class KeyFeed {
  private buffer: Array<string> = []
  private after: string | undefined
  private chunk = 0
  private done = false
  private loading: Promise<void> | undefined
  constructor(
    private readonly load: (after: string | undefined, keys: ReadonlyArray<string> | undefined) => Promise<Array<string>>,
    private readonly keyChunks: ReadonlyArray<ReadonlyArray<string>> | undefined
  ) {}
  async next(): Promise<string | undefined> {
    while (this.buffer.length === 0 && !this.done) {
      this.loading ??= this.fill().finally(() => (this.loading = undefined))
      await this.loading
    }
    return this.buffer.shift()
  }
  private async fill(): Promise<void> {
    if (this.keyChunks !== undefined) {
      const keys = this.keyChunks[this.chunk++]
      if (keys === undefined) this.done = true
      else this.buffer.push(...(await this.load(undefined, keys)))
      return
    }
    const page = await this.load(this.after, undefined)
    if (page.length === 0) this.done = true
    else {
      this.after = page.at(-1)
      this.buffer.push(...page)
    }
  }
}

/** A delivery run's id, as its leases name it: readable (host, process) and unique. */
const newRunId = (): string => `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`

/**
 * The delivery loop. It is promise-based because nodemailer's pool is; each send-log statement
 * is the repository's Effect, run by `store` (which rejects with its StoreError). `seconds` is
 * left for the caller, which times the run on Effect's Clock.
 *
 * Each of `concurrency` workers takes one queued message under the run's lease (over SMTP it is
 * then 'sending', durably, before DATA), hands it over, and records the outcome before taking
 * the next: a crash leaves at most one message per worker (per SMTP connection) in doubt.
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
  const count = async (status: "queued" | "uncertain") => {
    if (keyChunks === undefined) return store(repo.countStatus({ purpose: options.purpose }, status))
    let n = 0
    for (const keys of keyChunks) n += await store(repo.countStatus({ purpose: options.purpose, keys }, status))
    return n
  }
  const kind = "smtpUrl" in transport ? "smtp" : "outbox"
  const owner = newRunId()
  const endRun = await store(repo.startRun(owner))
  let sent = 0
  let failed = 0
  let deferred = 0
  let inDoubt = 0
  const failures: Array<DeliveryFailure> = []
  const files: Array<string> = []
  let stop: Verdict | undefined
  let total = 0
  let storeFailure: unknown
  try {
    // what a run that is gone left 'sending' is in doubt: listed, never sent again on its own
    await store(repo.markInDoubt())
    total = await count("queued")
    if (total > 0) {
      const sender =
        "smtpUrl" in transport ? await smtpSender(transport.smtpUrl, from, options.rate ?? transport.rate) : await outboxSender(transport.outboxDir, from)
      const attempts = Math.max(1, options.retry?.attempts ?? 4)
      const baseDelayMs = options.retry?.baseDelayMs ?? 500
      const feed = new KeyFeed(
        (after, keys) => store(repo.pendingKeys({ purpose: options.purpose, keys }, after, BATCH_SIZE)),
        keyChunks
      )
      const halted = () => stop !== undefined || signal.aborted || storeFailure !== undefined

      const settle = async (row: PendingRow, outcome: Outcome) => {
        await store(repo.recordOutcome(outcome, owner))
        if (outcome.status === "sent") {
          sent++
          if (!("smtpUrl" in transport)) files.push(join(transport.outboxDir, outboxFileName(row.idempotency_key)))
        } else {
          if (outcome.status === "failed") failed++
          else if (outcome.status === "uncertain") inDoubt++
          else deferred++
          if (failures.length < 50) {
            failures.push({ key: row.idempotency_key, recipient: row.recipient, permanent: outcome.status === "failed", uncertain: outcome.status === "uncertain", error: outcome.error ?? "" })
          }
        }
        options.onProgress?.(sent + failed + deferred + inDoubt, total)
      }

      // one message, retried within the run with exponential backoff while it surely did not go out
      const deliverOne = async (row: PendingRow): Promise<void> => {
        for (let attempt = 1; ; attempt++) {
          try {
            await sender.send(row)
          } catch (error) {
            const verdict = judge(error)
            if (verdict.kind === "transport") {
              stop ??= verdict
              await store(repo.release(row.idempotency_key, owner))
              return
            }
            if (verdict.kind === "permanent") return settle(row, { key: row.idempotency_key, status: "failed", attempts: attempt, error: verdict.error })
            if (verdict.kind === "doubt") return settle(row, { key: row.idempotency_key, status: "uncertain", attempts: attempt, error: verdict.error })
            if (attempt >= attempts || halted()) return settle(row, { key: row.idempotency_key, status: "queued", attempts: attempt, error: verdict.error })
            await sleep(baseDelayMs * 2 ** (attempt - 1))
            continue
          }
          return settle(row, { key: row.idempotency_key, status: "sent", attempts: attempt, error: null })
        }
      }

      const worker = async (): Promise<void> => {
        try {
          while (!halted()) {
            const key = await feed.next()
            if (key === undefined || halted()) return
            const row = await store(repo.claim(key, owner, sender.marksSending ? "sending" : "queued"))
            // taken by another run meanwhile, or no longer queued
            if (row === undefined) continue
            await deliverOne(row)
          }
        } catch (cause) {
          storeFailure ??= cause
        }
      }
      try {
        await Promise.all(Array.from({ length: sender.concurrency }, worker))
      } finally {
        await sender.close()
      }
    }
  } finally {
    await endRun()
  }
  if (storeFailure !== undefined) {
    throw storeFailure instanceof StoreError ? storeFailure : new StoreError({ operation: "delivering queued mail", cause: storeFailure })
  }
  if (stop !== undefined) {
    throw new MailTransportError({
      transport: kind,
      reason: stop.error,
      sent,
      hint: kind === "smtp" ? SMTP_HINT : OUTBOX_HINT
    })
  }
  const uncertain = await count("uncertain")
  return { transport: kind, total, sent, failed, deferred, uncertain, failures, files, seconds: 0 }
}

/**
 * Delivers what the send log holds as queued. Over SMTP each message is marked 'sending' (under
 * the run's lease) just before it is handed over and 'sent' as soon as the server answers `250`,
 * before the next message goes on that connection; a 4xx reply or a connection that could not
 * be opened is retried with exponential backoff, then left queued (attempts and last_error
 * recorded); a 5xx reply marks it failed for good. A message whose fate is unknown (the
 * connection lost with no reply, or left 'sending' by a run that is gone) becomes 'uncertain':
 * it is never sent again on its own (see {@link resendUncertain} and {@link confirmSent}).
 * Concurrent runs, in this process or others, on PGlite or PostgreSQL, never take the same
 * message. Fails with {@link MailTransportError} when the server refuses the login or TLS (or
 * the outbox cannot be written): the rest stays queued.
 *
 * @example
 * const summary = yield* deliverQueued({ smtpUrl: "smtp://mail.example.org:587", rate: 10 }, { purpose: "kit" })
 * // { transport: "smtp", total: 133, sent: 131, failed: 1, deferred: 1, uncertain: 0, failures: [...], seconds: 14.2 }
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

/** One message a dry run would send: its recipient, subject and language (no body: it may hold links). */
export interface MailSample {
  readonly key: string
  readonly to: string
  readonly subject: string
  readonly locale: string
  readonly attachments: number
}

/**
 * What {@link sendMessages} would do with these messages, worked out without writing or
 * sending anything (a dry run): how many keys are new (`wouldQueue`), how many would go out
 * in this run (`wouldSend`: the new ones and those of these keys still queued), and how many
 * the send log already holds as sent, uncertain (never sent again on their own) or failed.
 */
export interface MailPreview {
  readonly dryRun: true
  /** Where they would go: `smtp` or `outbox` (no connection is opened). */
  readonly transport: "smtp" | "outbox"
  /** The SMTP host and port (no credentials), or the outbox folder. */
  readonly destination: string
  /** Distinct messages (keys) of the run. */
  readonly messages: number
  readonly wouldQueue: number
  readonly wouldSend: number
  readonly alreadySent: number
  /** Already in the send log as queued (an earlier run stopped, or deferred): sent by this run. */
  readonly alreadyQueued: number
  /** In the send log as uncertain or being sent: not sent again on their own (`mail status`). */
  readonly uncertain: number
  /** In the send log as failed for good: not sent again. */
  readonly failed: number
  /** The first messages that would be sent (up to 5). */
  readonly sample: ReadonlyArray<MailSample>
}

/** Where a transport delivers, for people: the SMTP host and port, or the outbox folder. */
export const destinationOf = (transport: MailTransportOptions): string => ("smtpUrl" in transport ? new URL(transport.smtpUrl).host : transport.outboxDir)

/**
 * The dry run of {@link sendMessages}: checks the messages as enqueueing does (an
 * {@link InputError} lists the malformed ones), reads the send log's status of their keys, and
 * says what a real run would queue and send. Writes nothing, opens no connection.
 *
 * @example
 * const preview = yield* previewMessages(messages, resolveMailTransport(ws.dir))
 * // { dryRun: true, transport: "outbox", messages: 41, wouldQueue: 40, wouldSend: 40, alreadySent: 1, sample: [...] }
 */
export const previewMessages = Effect.fn("Mail.preview")(function*(messages: ReadonlyArray<OutgoingMessage>, transport: MailTransportOptions) {
  const problems = messages.flatMap(checkMessage)
  if (problems.length > 0) {
    return yield* new InputError({ summary: `${counted(problems.length, "problem")} in the messages to send; nothing would be queued.`, problems })
  }
  const unique = new Map<string, OutgoingMessage>()
  for (const m of messages) if (!unique.has(m.key)) unique.set(m.key, m)
  const repo = yield* MailRepo
  const statuses = yield* repo.statusOfKeys([...unique.keys()])
  let alreadySent = 0
  let alreadyQueued = 0
  let uncertain = 0
  let failed = 0
  const sample: Array<MailSample> = []
  for (const m of unique.values()) {
    const status = statuses.get(m.key)
    if (status === "sent") alreadySent++
    else if (status === "queued") alreadyQueued++
    else if (status === "uncertain" || status === "sending") uncertain++
    else if (status === "failed") failed++
    if ((status === undefined || status === "queued") && sample.length < 5) {
      sample.push({ key: m.key, to: typeof m.to === "object" ? m.to.address : m.to, subject: m.subject, locale: m.locale, attachments: m.attachments?.length ?? 0 })
    }
  }
  const wouldQueue = unique.size - statuses.size
  return {
    dryRun: true,
    transport: "smtpUrl" in transport ? "smtp" : "outbox",
    destination: destinationOf(transport),
    messages: unique.size,
    wouldQueue,
    wouldSend: wouldQueue + alreadyQueued,
    alreadySent,
    alreadyQueued,
    uncertain,
    failed,
    sample
  } satisfies MailPreview
})

/** The send log's counts for one purpose (or all). */
export interface MailCounts {
  readonly queued: number
  /** Queued again after a 4xx reply or a lost connection. */
  readonly deferred: number
  /** Being handed over now by a run that is going. */
  readonly sending: number
  /** Handed to the server by a run that died (or lost its connection) before the answer: maybe delivered. */
  readonly uncertain: number
  readonly sent: number
  readonly failed: number
}

/** A message in doubt, for the operator to check in the mail server's log. */
export interface UncertainMessage {
  readonly key: string
  readonly purpose: string
  readonly recipient: string
  readonly subject: string
  readonly messageId: string
  readonly attempts: number
  /** When it was last handed over (PostgreSQL timestamp text, UTC offset included). */
  readonly lastAttemptAt: string | null
  readonly queuedAt: string
  readonly error: string
}

/** The send log at a glance. */
export interface MailStatus extends MailCounts {
  readonly total: number
  readonly byPurpose: ReadonlyArray<MailCounts & { readonly purpose: string }>
  /** The messages in doubt (up to `uncertainLimit`, oldest first). */
  readonly uncertainMessages: ReadonlyArray<UncertainMessage>
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

const emptyCounts = (): { -readonly [K in keyof MailCounts]: number } => ({ queued: 0, deferred: 0, sending: 0, uncertain: 0, sent: 0, failed: 0 })

const uncertainOf = (r: {
  idempotency_key: string
  purpose: string
  recipient: string
  subject: string
  message_id: string
  attempts: number
  last_error: string | null
  last_attempt_at: string
  queued_at: string
}): UncertainMessage => ({
  key: r.idempotency_key,
  purpose: r.purpose,
  recipient: r.recipient,
  subject: r.subject,
  messageId: r.message_id,
  attempts: r.attempts,
  lastAttemptAt: r.last_attempt_at,
  queuedAt: r.queued_at,
  error: r.last_error ?? ""
})

/**
 * Counts by status (and purpose), the messages in doubt and the latest errors. A message left
 * 'sending' by a run that is gone is counted (and recorded) as uncertain.
 *
 * @example
 * const status = yield* mailStatus({ purpose: "kit" })
 * // { queued: 0, deferred: 0, sending: 0, uncertain: 2, sent: 129, failed: 2, total: 133,
 * //   byPurpose: [...], uncertainMessages: [{ key, recipient, messageId, lastAttemptAt, ... }], latestErrors: [...] }
 */
export const mailStatus = Effect.fn("Mail.status")(function*(
  options: { readonly purpose?: string; readonly errors?: number; readonly uncertainLimit?: number } = {}
) {
  const repo = yield* MailRepo
  yield* repo.markInDoubt()
  const groups = yield* repo.countByPurposeAndStatus(options.purpose)
  const errors = yield* repo.latestErrors(options.purpose, options.errors ?? 10)
  const uncertain = yield* repo.uncertainRows({ purpose: options.purpose }, options.uncertainLimit ?? 1000)
  const all = emptyCounts()
  const byPurpose = new Map<string, ReturnType<typeof emptyCounts>>()
  for (const g of groups) {
    const counts = byPurpose.get(g.purpose) ?? emptyCounts()
    byPurpose.set(g.purpose, counts)
    const status = g.status as "queued" | "sending" | "uncertain" | "sent" | "failed"
    counts[status] += g.n
    all[status] += g.n
    counts.deferred += g.deferred
    all.deferred += g.deferred
  }
  return {
    ...all,
    total: all.queued + all.sending + all.uncertain + all.sent + all.failed,
    byPurpose: [...byPurpose].map(([purpose, counts]) => ({ purpose, ...counts })),
    uncertainMessages: uncertain.map(uncertainOf),
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

/**
 * Queues the messages in doubt again, to be sent with the same Message-ID (receivers that
 * deduplicate by it drop a second copy): what `mail flush --resend-uncertain` does before it
 * delivers. Only those of `purpose`, or only `keys`, when given. Returns their keys.
 *
 * @example
 * const keys = yield* resendUncertain({ purpose: "survey-invite" })
 * const summary = yield* deliverQueued(transport, { keys })
 */
export const resendUncertain = Effect.fn("Mail.resendUncertain")(function*(options: { readonly purpose?: string } = {}) {
  const repo = yield* MailRepo
  yield* repo.markInDoubt()
  return yield* repo.requeueUncertain({ purpose: options.purpose })
})

/** What {@link confirmSent} did with one id. */
export interface ConfirmedMessage {
  /** The id as given: an idempotency key or a Message-ID (with or without `<>`). */
  readonly id: string
  readonly key: string | undefined
  /** `confirmed`: it was uncertain and is now sent; `already-sent`; `not-uncertain` (queued, failed…); `unknown`. */
  readonly result: "confirmed" | "already-sent" | "not-uncertain" | "unknown"
}

/**
 * Records messages in doubt as sent, on the operator's word (e.g. after finding them in the
 * mail server's log): `mail flush --mark-sent ID…`. Each id is a key or a Message-ID. Only
 * uncertain messages change; the others are reported as they are.
 *
 * @example
 * yield* confirmSent(["<3f0c…@example.org>", "kit:sn-dakar:awa@example.org:5d41402abc4b2a76"])
 * // [{ id: "<3f0c…@example.org>", key: "invite:…", result: "confirmed" }, { ..., result: "already-sent" }]
 */
export const confirmSent = Effect.fn("Mail.confirmSent")(function*(ids: ReadonlyArray<string>) {
  const repo = yield* MailRepo
  yield* repo.markInDoubt()
  const found = yield* repo.confirmSent(ids)
  return found.map((f): ConfirmedMessage => ({
    id: f.id,
    key: f.key,
    result: f.status === undefined ? "unknown" : f.status === "uncertain" ? "confirmed" : f.status === "sent" ? "already-sent" : "not-uncertain"
  }))
})

/** What `mail flush --dry-run` reports: what a flush would send, settle or leave, nothing done. */
export interface FlushPreview {
  readonly dryRun: true
  readonly transport: "smtp" | "outbox"
  readonly destination: string
  /** Queued messages (of `purpose`) a flush would try to send, the uncertain ones requeued by `resendUncertain` included. */
  readonly wouldSend: number
  /** Of the queued ones, those that failed before (4xx, no connection) and would be retried. */
  readonly deferred: number
  /** Messages in doubt (uncertain, or left 'sending' by a run that stopped): sent again only with --resend-uncertain. */
  readonly uncertain: number
  /** How many of them --resend-uncertain would queue again (0 without it). */
  readonly wouldResend: number
  /** What --mark-sent would do with each id given. */
  readonly wouldConfirm: ReadonlyArray<ConfirmedMessage>
  /** The first queued messages (up to 5). */
  readonly sample: ReadonlyArray<MailSample & { readonly attempts: number }>
}

/**
 * The dry run of a flush (with `resendUncertain` or `markSent` as `mail flush` takes them):
 * counts what would be sent, retried or settled, and shows the first queued messages. Reads the
 * send log only; opens no connection, writes no file.
 *
 * @example
 * const preview = yield* previewFlush(resolveMailTransport(ws.dir), { purpose: "kit" })
 * // { dryRun: true, transport: "outbox", wouldSend: 12, deferred: 1, uncertain: 0, ... }
 */
export const previewFlush = Effect.fn("Mail.previewFlush")(function*(
  transport: MailTransportOptions,
  options: { readonly purpose?: string; readonly resendUncertain?: boolean; readonly markSent?: ReadonlyArray<string> } = {}
) {
  const repo = yield* MailRepo
  const counts = emptyCounts()
  for (const g of yield* repo.countByPurposeAndStatus(options.purpose)) {
    const status = g.status as "queued" | "sending" | "uncertain" | "sent" | "failed"
    counts[status] += g.n
    counts.deferred += g.deferred
  }
  const found = options.markSent === undefined || options.markSent.length === 0 ? [] : yield* repo.lookup(options.markSent)
  const wouldConfirm = found.map((f): ConfirmedMessage => ({
    id: f.id,
    key: f.key,
    result: f.status === undefined ? "unknown" : f.status === "uncertain" || f.status === "sending" ? "confirmed" : f.status === "sent" ? "already-sent" : "not-uncertain"
  }))
  // 'sending' rows of a live run are not taken by another; those of a dead run become uncertain
  const uncertain = counts.uncertain + counts.sending
  const wouldResend = options.resendUncertain === true ? uncertain : 0
  const rows = yield* repo.queuedSample(options.purpose === undefined ? {} : { purpose: options.purpose }, 5)
  return {
    dryRun: true,
    transport: "smtpUrl" in transport ? "smtp" : "outbox",
    destination: destinationOf(transport),
    wouldSend: counts.queued + wouldResend,
    deferred: counts.deferred,
    uncertain,
    wouldResend: wouldResend,
    wouldConfirm: wouldConfirm,
    sample: rows.map((r) => ({ key: r.idempotency_key, to: r.recipient, subject: r.subject, locale: r.locale, attachments: Number(r.attachments), attempts: r.attempts }))
  } satisfies FlushPreview
})

/**
 * Sets aside the queued messages whose key starts with `prefix`, other than `keep`: older
 * versions of a message that changed (a kit rebuilt since), marked failed with `reason` and
 * never sent. Returns their keys. Messages already handed over (sending, uncertain) are left.
 *
 * @example
 * yield* supersedeQueued("kit:sn-dakar:awa@example.org:", "kit:sn-dakar:awa@example.org:5d41402abc4b2a76", "superseded: the kit was rebuilt")
 * // ["kit:sn-dakar:awa@example.org:0cc175b9c0f1b6a8"]
 */
export const supersedeQueued = Effect.fn("Mail.supersedeQueued")(function*(prefix: string, keep: string, reason: string) {
  const repo = yield* MailRepo
  return yield* repo.supersede(prefix, keep, reason)
})

/**
 * How many queued messages {@link supersedeQueued} would set aside: the dry run of `kit send`.
 *
 * @example
 * yield* countSupersedable("kit:sn-dakar:awa@example.org:", "kit:sn-dakar:awa@example.org:5d41402abc4b2a76") // 1
 */
export const countSupersedable = Effect.fn("Mail.countSupersedable")(function*(prefix: string, keep: string) {
  const repo = yield* MailRepo
  return yield* repo.countSupersedable(prefix, keep)
})
