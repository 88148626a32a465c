// A real SMTP server for tests (smtp-server on an ephemeral port): it records every message it
// accepts and can answer a recipient with a chosen error, e.g. 451 twice then accept.
import { SMTPServer } from "smtp-server"
import type { AddressInfo } from "node:net"

/** A reply to give a recipient instead of accepting it. */
export interface Refusal {
  readonly code: number
  readonly message: string
}

export interface TestSmtpOptions {
  /** Called on every RCPT TO with the address and how many times it was offered (1 for the first). */
  readonly refuse?: (recipient: string, attempt: number) => Refusal | undefined
  /** Milliseconds to wait before accepting each message (to slow a run down). */
  readonly delayMs?: number
  /** A password to require (AUTH over plain text allowed); any other is refused with 535. */
  readonly password?: string
}

export interface TestSmtp {
  readonly url: string
  readonly port: number
  /** Raw messages accepted (250 sent), in order. */
  readonly received: Array<Buffer>
  /** How many times each recipient was offered in RCPT TO. */
  readonly offered: Map<string, number>
  readonly close: () => Promise<void>
}

export const startSmtp = async (options: TestSmtpOptions = {}): Promise<TestSmtp> => {
  const received: Array<Buffer> = []
  const offered = new Map<string, number>()
  const server = new SMTPServer({
    secure: false,
    authOptional: options.password === undefined,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.password === options.password) return callback(null, { user: auth.username })
      const err = Object.assign(new Error("Authentication credentials invalid"), { responseCode: 535 })
      return callback(err)
    },
    onRcptTo(address, _session, callback) {
      const n = (offered.get(address.address) ?? 0) + 1
      offered.set(address.address, n)
      const refusal = options.refuse?.(address.address, n)
      if (refusal !== undefined) return callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }))
      return callback()
    },
    onData(stream, _session, callback) {
      const chunks: Array<Buffer> = []
      stream.on("data", (c: Buffer) => chunks.push(c))
      stream.on("end", () => {
        const accept = () => {
          received.push(Buffer.concat(chunks))
          callback()
        }
        if (options.delayMs === undefined) accept()
        else setTimeout(accept, options.delayMs)
      })
    }
  })
  // a client killed with SIGKILL resets its connections: expected in the crash tests
  server.on("error", () => {})
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()))
  const port = (server.server.address() as AddressInfo).port
  const auth = options.password === undefined ? "" : `tester:${encodeURIComponent(options.password)}@`
  return {
    url: `smtp://${auth}127.0.0.1:${port}`,
    port,
    received,
    offered,
    close: () => new Promise((resolve) => server.close(() => resolve()))
  }
}

/** The Message-ID header of a raw message. */
export const messageIdOf = (raw: Buffer | string): string | undefined =>
  /^Message-ID:\s*(<[^>]+>)/im.exec(raw.toString("latin1"))?.[1]
