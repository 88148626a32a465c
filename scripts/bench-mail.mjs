#!/usr/bin/env node
// Mail benchmark: queue 10,000 messages (text + HTML, UTF-8 subject) and deliver them over
// pooled SMTP to a local smtp-server started here, on PGlite (memory://) and, when DATABASE_URL
// is set, on PostgreSQL (in a schema of its own, dropped afterwards). Target: > 300 messages/s.
// Usage: node scripts/bench-mail.mjs [MESSAGES]   (after pnpm run build)
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
// smtp-server and effect as @convene/core resolves them (pnpm keeps them out of the root)
const coreRequire = createRequire(join(root, "packages", "core", "package.json"))
const Effect = await import(pathToFileURL(coreRequire.resolve("effect/Effect")).href)
const { SMTPServer } = coreRequire("smtp-server")
const pg = coreRequire("pg")
const { ConveneStore, enqueueMessages, deliverQueued } = await import("../packages/core/dist/index.js")

const count = Number(process.argv[2] ?? 10_000)
let received = 0
const server = new SMTPServer({
  secure: false,
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onData(stream, _session, callback) {
    stream.on("data", () => {})
    stream.on("end", () => {
      received++
      callback()
    })
  }
})
server.on("error", () => {})
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve))
const transport = { smtpUrl: `smtp://127.0.0.1:${server.server.address().port}`, from: "Global Dialogue <dialogue@assembly.example>" }

const messages = Array.from({ length: count }, (_, i) => ({
  key: `bench:${i}`,
  purpose: "bench",
  to: `participant-${i}@example.org`,
  locale: i % 2 === 0 ? "hi-IN" : "ar",
  subject: i % 2 === 0 ? "वैश्विक संवाद का निमंत्रण" : "دعوة إلى الحوار العالمي",
  text: `Dear participant ${i},\n\nYou are invited to the global dialogue.\n`,
  html: `<p>Dear participant ${i},</p><p>You are invited to the <b>global dialogue</b>.</p>`
}))

const run = async (label, options) => {
  received = 0
  const program = Effect.gen(function*() {
    const t0 = performance.now()
    const queued = yield* enqueueMessages(messages, { from: transport.from })
    const t1 = performance.now()
    const delivered = yield* deliverQueued(transport, { purpose: "bench" })
    const t2 = performance.now()
    return { queued, delivered, enqueueMs: t1 - t0, deliverMs: t2 - t1 }
  })
  const { queued, delivered, enqueueMs, deliverMs } = await Effect.runPromise(program.pipe(Effect.provide(ConveneStore.layer(options, { migrate: true }))))
  if (queued.queued !== count || delivered.sent !== count || received !== count) {
    throw new Error(`${label}: expected ${count} queued, sent and received; got ${queued.queued}, ${delivered.sent}, ${received}`)
  }
  const total = enqueueMs + deliverMs
  console.log(`  ${label.padEnd(12)} queue ${enqueueMs.toFixed(0).padStart(6)} ms   deliver ${deliverMs.toFixed(0).padStart(6)} ms (${Math.round(count / (deliverMs / 1000))} msg/s)   end to end ${Math.round(count / (total / 1000))} msg/s  (target > 300)`)
}

console.log(`Node ${process.version}: ${count} messages over pooled SMTP (5 connections) to a local smtp-server`)
await run("PGlite", { pgliteDir: "memory://" })
const url = process.env.DATABASE_URL
if (url !== undefined && url !== "") {
  const schema = `convene_bench_${process.pid}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`create schema ${schema}`)
  try {
    const u = new URL(url)
    u.searchParams.set("options", `-c search_path=${schema}`)
    await run("PostgreSQL", { url: u.toString() })
  } finally {
    await admin.query(`drop schema ${schema} cascade`)
    await admin.end()
  }
} else {
  console.log("  (PostgreSQL skipped: DATABASE_URL is not set)")
}
await new Promise((resolve) => server.close(resolve))
