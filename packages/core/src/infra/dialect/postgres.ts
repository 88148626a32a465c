// PostgreSQL through node-postgres, for a shared server (DATABASE_URL or --database-url).
import { Kysely, PostgresDialect } from "kysely"
import { ConnectionError, InputError } from "../../domain/Errors.js"
import type { Tables } from "../Tables.js"

/** How long a connection attempt may wait for the server before giving up. */
const CONNECT_TIMEOUT_MS = 10_000

/** What a URL points at, for messages: `host:port/database as user`, never the password. */
export const describeTarget = (url: string): string => {
  try {
    const u = new URL(url)
    const socket = u.searchParams.get("host")
    const host = u.hostname === "" ? (socket ?? "localhost") : decodeURIComponent(u.hostname)
    const user = decodeURIComponent(u.username)
    const db = decodeURIComponent(u.pathname.replace(/^\//, "")) || user
    return `${host}:${u.port === "" ? "5432" : u.port}/${db}${user === "" ? "" : ` as ${user}`}`
  } catch {
    return "(an unparseable URL)"
  }
}

/**
 * Refuses a URL that is not PostgreSQL's (`mysql://…`, a file path, a typo) with the variable
 * named, before any connection is tried.
 */
export const checkPostgresUrl = (url: string): void => {
  let protocol: string | undefined
  try {
    protocol = new URL(url).protocol
  } catch {
    protocol = undefined
  }
  if (protocol === "postgres:" || protocol === "postgresql:") return
  const shown = protocol === undefined ? "a value that is not a URL" : `a ${protocol.slice(0, -1)}:// URL`
  throw new InputError({
    summary: `DATABASE_URL (or --database-url) is ${shown}: convene keeps its data in PostgreSQL. Give postgres://USER:PASSWORD@HOST:5432/DATABASE, or unset DATABASE_URL to use the embedded database in the workspace's .convene/ folder.`,
    problems: [{ field: "DATABASE_URL", message: `expected a postgres:// or postgresql:// URL, got ${shown}` }]
  })
}

/** Why a connection failed, in words, and what to do about it. */
const explain = (cause: unknown, url: string): { readonly reason: string; readonly hint: string } => {
  const e = cause as { code?: unknown; message?: unknown }
  const code = typeof e?.code === "string" ? e.code : ""
  const message = typeof e?.message === "string" ? e.message : String(cause)
  let u: URL | undefined
  try {
    u = new URL(url)
  } catch {
    u = undefined
  }
  const user = u === undefined ? "" : decodeURIComponent(u.username)
  const unset = "Or unset DATABASE_URL to use the embedded database in the workspace's .convene/ folder."
  switch (code) {
    case "ECONNREFUSED":
      return { reason: "nothing is listening there (connection refused)", hint: `Is PostgreSQL running? Start it (e.g. \`systemctl start postgresql\`, \`pg_ctl start\` or \`docker start …\`), or correct the host and port in DATABASE_URL. ${unset}` }
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return { reason: `the host name ${u?.hostname ?? ""} is not known`, hint: `Correct the host in DATABASE_URL. ${unset}` }
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return { reason: "the server does not answer", hint: `Check the host and port in DATABASE_URL, and that no firewall is in the way. ${unset}` }
    case "28P01":
      return { reason: `the password for user "${user}" was refused`, hint: "Correct the user and password in DATABASE_URL (a special character in the password must be percent-encoded, e.g. @ as %40)." }
    case "28000":
      return { reason: `the server does not let user "${user}" in`, hint: "Check the user in DATABASE_URL, and the server's pg_hba.conf." }
    case "3D000":
      return { reason: "the database does not exist", hint: `Create it (\`createdb ${u === undefined ? "DATABASE" : decodeURIComponent(u.pathname.slice(1)) || user}\`), or correct its name in DATABASE_URL.` }
    case "57P03":
      return { reason: "the server is starting up or shutting down", hint: "Try again in a moment." }
    default:
      if (/timeout/i.test(message)) return { reason: `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`, hint: `Check the host and port in DATABASE_URL, and that no firewall is in the way. ${unset}` }
      return { reason: message.replace(/:\/\/[^@\s]*@/g, "://***@"), hint: `Check DATABASE_URL. ${unset}` }
  }
}

/**
 * Connects to PostgreSQL at `url` with a small pool. The first connection is made at once, so
 * that an unreachable server, a wrong password or a missing database is reported here as a
 * {@link ConnectionError} (exit 3, with what was tried and how to fix it), and a URL that is not
 * PostgreSQL's as an {@link InputError} naming DATABASE_URL (exit 2).
 */
export const openPostgres = async (url: string): Promise<Kysely<Tables>> => {
  checkPostgresUrl(url)
  const { default: pg } = await import("pg")
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: CONNECT_TIMEOUT_MS })
  // an idle client that loses its server must not crash the process; the next query reports it
  pool.on("error", () => {})
  try {
    const client = await pool.connect()
    client.release()
  } catch (cause) {
    await pool.end().catch(() => {})
    throw new ConnectionError({ target: describeTarget(url), ...explain(cause, url), cause })
  }
  return new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) })
}
