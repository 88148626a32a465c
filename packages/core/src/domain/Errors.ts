/**
 * The errors convene reports to people. Each one says where the problem is (file, line,
 * field) and what was expected, so that a fellow can fix a spreadsheet without reading code.
 */
import * as Data from "effect/Data"
import { counted } from "./Plural.js"

/** One thing wrong with an input, located as precisely as the input allows. */
export interface Problem {
  readonly file?: string | undefined
  readonly line?: number | undefined
  readonly column?: number | undefined
  readonly field?: string | undefined
  readonly message: string
}

/**
 * Formats a problem as `FILE:LINE[:COLUMN]: field: message`, leaving out what is unknown.
 *
 * @example
 * formatProblem({ file: "sites.csv", line: 4, field: "timezone", message: "expected an IANA time zone" })
 * // "sites.csv:4: timezone: expected an IANA time zone"
 */
export const formatProblem = (p: Problem): string => {
  let where = p.file ?? ""
  if (p.line !== undefined) where += `${where === "" ? "line " : ":"}${p.line}`
  if (p.column !== undefined) where += `:${p.column}`
  const parts = [where, p.field, p.message].filter((s): s is string => s !== undefined && s !== "")
  return parts.join(": ")
}

/** The JSON an error is printed as with `--json`: `{ code, message, problems? }`. */
export interface ErrorJson {
  readonly code: string
  readonly message: string
  readonly problems?: ReadonlyArray<Problem>
}

/** What every error convene reports to people carries, besides its tag and message. */
export interface ConveneError {
  readonly _tag: string
  readonly message: string
  /** The exit status a command ends with: 3 when the database failed, 4 when refused for safety, 2 for everything else. */
  readonly exitCode: number
  /** The error as `--json` prints it. */
  readonly toErrorJson: () => ErrorJson
}

/** The `--json` shape of an error: its tag as `code`, its message, and its problems when it has some. */
const errorJson = (e: { readonly _tag: string; readonly message: string; readonly problems?: ReadonlyArray<Problem> }): ErrorJson => ({
  code: e._tag,
  message: e.message,
  ...(e.problems === undefined ? {} : { problems: e.problems })
})

/**
 * Gives a `Data.TaggedError` class what every error for people carries: the exit status and the
 * `--json` shape. Each error below is `extends ForPeople(Data.TaggedError(tag)<fields>, status)`.
 */
const ForPeople = <B extends new (...args: Array<any>) => { readonly _tag: string; readonly message: string }>(Base: B, exitCode: 2 | 3 | 4) =>
  class extends Base {
    /** The exit status a command ends with: 3 when the database failed, 4 when refused for safety, 2 for everything else. */
    get exitCode(): number {
      return exitCode
    }
    /** The error as `--json` prints it. */
    toErrorJson(): ErrorJson {
      return errorJson(this)
    }
  }

/**
 * Whether `e` is one of the errors below (InputError, NotFound, Conflict, WorkspaceNotFound,
 * StoreError, ConnectionError, MailTransportError, FileError, Refused): an error for people, with its own exit status and
 * JSON shape, rather than a defect.
 *
 * @example
 * if (isConveneError(err)) process.exitCode = err.exitCode // 2, or 3 for a StoreError or ConnectionError
 */
export const isConveneError = (e: unknown): e is ConveneError =>
  e instanceof Error &&
  typeof (e as Partial<ConveneError>)._tag === "string" &&
  typeof (e as Partial<ConveneError>).exitCode === "number" &&
  typeof (e as Partial<ConveneError>).toErrorJson === "function"

/** Bad input: a file, a flag or a configuration that cannot be used. Nothing was written. */
export class InputError extends ForPeople(Data.TaggedError("InputError")<{
  readonly summary: string
  readonly problems: ReadonlyArray<Problem>
}>, 2) {
  override get message(): string {
    return [this.summary, ...this.problems.map((p) => `  ${formatProblem(p)}`)].join("\n")
  }
}

/** A record that was asked for by id does not exist. */
export class NotFound extends ForPeople(Data.TaggedError("NotFound")<{
  readonly what: string
  readonly id: string
  readonly hint?: string | undefined
}>, 2) {
  override get message(): string {
    return `No ${this.what} with id "${this.id}".${this.hint === undefined ? "" : ` ${this.hint}`}`
  }
}

/** An operation that would leave the registries inconsistent, e.g. removing a fellow who runs sites. */
export class Conflict extends ForPeople(Data.TaggedError("Conflict")<{
  readonly reason: string
}>, 2) {
  override get message(): string {
    return this.reason
  }
}

/** No dialogue workspace (a folder holding `convene.yaml`) was found. */
export class WorkspaceNotFound extends ForPeople(Data.TaggedError("WorkspaceNotFound")<{
  readonly from: string
}>, 2) {
  override get message(): string {
    return `No convene.yaml found in ${this.from} or any folder above it. Run \`convene init DIR\` to create a dialogue workspace, or pass --dir.`
  }
}

/** The database could not be reached or refused an operation. Keeps the driver's error as `cause`. */
export class StoreError extends ForPeople(Data.TaggedError("StoreError")<{
  readonly operation: string
  readonly cause: unknown
}>, 3) {
  override get message(): string {
    const cause = this.cause instanceof Error ? this.cause.message : String(this.cause)
    return `Database error while ${this.operation}: ${cause}`
  }
}

/**
 * PostgreSQL could not be reached, or refused the connection: nothing listening, an unknown
 * host, no answer, a wrong password, a missing database. Says what was tried (`target`:
 * host:port/database and user, never the password) and how to fix it (`hint`). Keeps the
 * driver's error as `cause`.
 */
export class ConnectionError extends ForPeople(Data.TaggedError("ConnectionError")<{
  readonly target: string
  readonly reason: string
  readonly hint: string
  readonly cause?: unknown
}>, 3) {
  override get message(): string {
    return `Cannot connect to PostgreSQL at ${this.target}: ${this.reason}. ${this.hint}`
  }
}

/**
 * A shared PostgreSQL has migrations that have not run. convene migrates PostgreSQL only when
 * asked (`convene db migrate`, or `migrate: true` in the SDK), never as a side effect of another
 * command: on a database several people or servers use, a schema change is a deliberate step.
 * The embedded database migrates by itself. Exit status 3, as for a database that cannot be used.
 */
export class MigrationsPending extends ForPeople(Data.TaggedError("MigrationsPending")<{
  /** The database, its password removed. */
  readonly location: string
  /** The names of the migrations that have not run, oldest first. */
  readonly pending: ReadonlyArray<string>
}>, 3) {
  override get message(): string {
    const n = this.pending.length
    return `The database at ${this.location} needs ${counted(n, "migration")} (${this.pending.join(", ")}): run \`convene db migrate\` first (with the same DATABASE_URL or --database-url). convene changes a PostgreSQL schema only when asked; from the SDK, pass \`migrate: true\`.`
  }
}

/**
 * The mail transport as a whole refused to work: the SMTP server rejected the login or TLS, or
 * the outbox folder cannot be written. Nothing is lost: what was not sent stays queued.
 */
export class MailTransportError extends ForPeople(Data.TaggedError("MailTransportError")<{
  readonly transport: "smtp" | "outbox"
  readonly reason: string
  /** Messages that went out before the refusal. */
  readonly sent: number
  readonly hint: string
}>, 2) {
  override get message(): string {
    return `The ${this.transport === "smtp" ? "SMTP server" : "outbox"} refused to take mail: ${this.reason}${this.sent > 0 ? ` (${counted(this.sent, "message")} went out before)` : ""}. ${this.hint}`
  }
}

/**
 * An action refused for safety (exit status 4): it would reach people wrongly or could not be
 * undone, and was not confirmed. `what` says what was refused and why; `confirm` names the flag
 * that confirms it. Nothing was written or sent.
 *
 * @example
 * new Refused({ what: "--base-url http://localhost:8080 is on this machine: participants could not open their links.", confirm: "--allow-localhost" })
 */
export class Refused extends ForPeople(Data.TaggedError("Refused")<{
  readonly what: string
  readonly confirm: string
  /** What did not happen, e.g. "Nothing was removed" (default "Nothing was sent"). */
  readonly nothing?: string | undefined
  /** Why one might confirm it anyway, e.g. "a rehearsal" (the default); "" for none. */
  readonly purpose?: string | undefined
}>, 4) {
  override get message(): string {
    const purpose = this.purpose ?? "a rehearsal"
    return `${this.what} ${this.nothing ?? "Nothing was sent"}. If this is what you want${purpose === "" ? "" : ` (${purpose})`}, confirm it with ${this.confirm}.`
  }
}

/**
 * A file or folder could not be read or written (missing, not permitted, disk full). Keeps the
 * system error as `cause`; `path` is the file as the user named it.
 */
export class FileError extends ForPeople(Data.TaggedError("FileError")<{
  readonly operation: "read" | "write" | "list" | "remove"
  readonly path: string
  readonly cause: unknown
}>, 2) {
  override get message(): string {
    const code = (this.cause as { code?: unknown } | undefined)?.code
    const why = code === "ENOENT" ? "no such file or folder" : code === "EACCES" || code === "EPERM" ? "permission denied" : code === "ENOSPC" ? "the disk is full" : this.cause instanceof Error ? this.cause.message : String(this.cause)
    return `Cannot ${this.operation} ${this.path}: ${why}.`
  }
}
