// A child process for the crash and concurrency tests: sends COUNT numbered messages through
// the mail service (mode "send", what `kit send` does), or delivers what is queued (mode
// "flush", what `mail flush` does), and prints its progress, so that a test can kill it with
// SIGKILL half-way or run two at once.
// Usage: node --import tsx send-child.ts '{"database":{...},"transport":{...},"count":1000,"mode":"send"}'
import * as Effect from "effect/Effect"
import type { DatabaseOptions } from "../../src/infra/Database.js"
import { deliverQueued, type MailTransportOptions, sendMessages } from "../../src/mail/Mail.js"
import { ConveneStore } from "../../src/Store.js"
import { crashMessages } from "./crash-messages.js"

const { database, transport, count, mode = "send" } = JSON.parse(process.argv[2]!) as {
  database: DatabaseOptions
  transport: MailTransportOptions
  count: number
  mode?: "send" | "flush"
}

const options = {
  retry: { attempts: 2, baseDelayMs: 10 },
  onProgress: (done: number, total: number) => process.stdout.write(`progress ${done} ${total}\n`)
}
const program = mode === "flush" ? deliverQueued(transport, options) : sendMessages(crashMessages(count), transport, options)
const result = await Effect.runPromise(program.pipe(Effect.provide(ConveneStore.layer(database))))
process.stdout.write(`done ${JSON.stringify(result)}\n`)
