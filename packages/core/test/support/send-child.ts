// A child process for the crash tests: sends COUNT numbered messages through the mail service
// and prints its progress, so that the test can kill it with SIGKILL half-way.
// Usage: node --import tsx send-child.ts '{"database":{...},"transport":{...},"count":1000}'
import * as Effect from "effect/Effect"
import type { DatabaseOptions } from "../../src/infra/Database.js"
import { type MailTransportOptions, sendMessages } from "../../src/mail/Mail.js"
import { ConveneStore } from "../../src/Store.js"
import { crashMessages } from "./crash-messages.js"

const { database, transport, count } = JSON.parse(process.argv[2]!) as {
  database: DatabaseOptions
  transport: MailTransportOptions
  count: number
}

const program = sendMessages(crashMessages(count), transport, {
  retry: { attempts: 2, baseDelayMs: 10 },
  onProgress: (done, total) => process.stdout.write(`progress ${done} ${total}\n`)
})
const result = await Effect.runPromise(program.pipe(Effect.provide(ConveneStore.layer(database))))
process.stdout.write(`done ${JSON.stringify(result)}\n`)
