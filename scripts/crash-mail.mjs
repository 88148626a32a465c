#!/usr/bin/env node
// The kill -9 mail test (issue 13): TRIALS times, a real sending process (what `convene kit
// send` runs: queue MESSAGES messages, deliver them over pooled SMTP) is killed with SIGKILL at a
// random moment of its run, then the same send is run again to the end, against a real SMTP
// server (smtp-server) started here. Each trial checks that no Message-ID arrived twice and that
// every message is either delivered (logged 'sent', received once) or listed 'uncertain' (left
// in doubt by the kill: handed to the server, its answer never recorded).
// Trials alternate between PGlite (a folder of its own each time) and, when DATABASE_URL is
// set, PostgreSQL (in a schema of its own, dropped afterwards).
// Usage: node scripts/crash-mail.mjs [TRIALS=50] [MESSAGES=200] [SEED]   (after pnpm run build;
//        MESSAGES at least 20)
//        pnpm crash:mail
// Exit status 0 when every trial passed, 1 otherwise.
import { spawn } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
// effect, smtp-server and pg as @convene/core resolves them (pnpm keeps them out of the root)
const coreRequire = createRequire(join(root, "packages", "core", "package.json"))
const Effect = await import(pathToFileURL(coreRequire.resolve("effect/Effect")).href)
const dist = (path) => import(pathToFileURL(join(root, "packages", "core", "dist", path)).href)
const { sendMessages } = await dist("mail/index.js")
const { ConveneStore } = await dist("Store.js")

const FROM = "Global Dialogue <dialogue@assembly.example>"
const messagesOf = (n) =>
  Array.from({ length: n }, (_, i) => ({
    key: `crash:${String(i).padStart(5, "0")}`,
    purpose: "crash-test",
    to: { name: `Participant ${i}`, address: `p${i}@example.org` },
    locale: "hi-IN",
    subject: `वैश्विक संवाद का निमंत्रण #${i}`,
    text: `Message ${i}`,
    html: `<p>Message ${i}</p>`
  }))

// --- the child: one sending process, killed by the parent
if (process.argv[2] === "--child") {
  const { database, transport, count } = JSON.parse(process.argv[3])
  const program = sendMessages(messagesOf(count), transport, {
    retry: { attempts: 2, baseDelayMs: 10 },
    onProgress: (done, total) => process.stdout.write(`progress ${done} ${total}\n`)
  })
  const result = await Effect.runPromise(program.pipe(Effect.provide(ConveneStore.layer(database, { migrate: true }))))
  process.stdout.write(`done ${JSON.stringify(result)}\n`)
  process.exit(0)
}

// --- the parent
const { SMTPServer } = coreRequire("smtp-server")
const pg = coreRequire("pg")
const { openDatabase } = await dist("infra/index.js")

const trials = Number(process.argv[2] ?? 50)
const count = Number(process.argv[3] ?? 200)
let seed = Number(process.argv[4] ?? Date.now() % 2 ** 31)
const firstSeed = seed
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31

/** Message-IDs received (250 sent), in order. */
let received = []
const server = new SMTPServer({
  secure: false,
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onData(stream, _session, callback) {
    const chunks = []
    stream.on("data", (c) => chunks.push(c))
    stream.on("end", () => {
      // a little time per message, as a real server takes, so that kills land mid-transaction too
      setTimeout(() => {
        received.push(/^Message-ID:\s*(<[^>]+>)/im.exec(Buffer.concat(chunks).toString("latin1"))?.[1])
        callback()
      }, 1 + Math.floor(random() * 3))
    })
  }
})
// a client killed with SIGKILL resets its connections
server.on("error", () => {})
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve))
const transport = { smtpUrl: `smtp://127.0.0.1:${server.server.address().port}`, from: FROM }

const runChild = (database) => {
  const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), "--child", JSON.stringify({ database, transport, count })], { stdio: ["ignore", "pipe", "pipe"] })
  let stdout = ""
  let stderr = ""
  proc.stdout.on("data", (c) => (stdout += c.toString()))
  proc.stderr.on("data", (c) => (stderr += c.toString()))
  const exited = new Promise((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })))
  return { proc, exited }
}

const pgUrl = process.env.DATABASE_URL
const admin = pgUrl === undefined || pgUrl === "" ? undefined : new pg.Client({ connectionString: pgUrl })
await admin?.connect()
const schema = `convene_crash_${process.pid}`
if (admin !== undefined) await admin.query(`create schema ${schema}`)
const schemaUrl = (() => {
  if (admin === undefined) return undefined
  const u = new URL(pgUrl)
  u.searchParams.set("options", `-c search_path=${schema}`)
  return u.toString()
})()

const readLog = async (database) => {
  const opened = await openDatabase(database)
  try {
    return await opened.db.selectFrom("send_log").select(["idempotency_key", "message_id", "status"]).orderBy("idempotency_key").execute()
  } catch (e) {
    // killed before the first migration: no send log yet
    if (/send_log/.test(String(e))) return []
    throw e
  } finally {
    await opened.db.destroy()
  }
}

const tmp = await mkdtemp(join(tmpdir(), "convene-crash-mail-"))
const freshDatabase = async (trial) => {
  if (schemaUrl !== undefined && trial % 2 === 1) {
    await admin.query(`drop schema ${schema} cascade`)
    await admin.query(`create schema ${schema}`)
    return { name: "PostgreSQL", database: { url: schemaUrl } }
  }
  return { name: "PGlite", database: { pgliteDir: join(tmp, `db-${trial}`) } }
}

// each kill lands at a random point of the delivery: once the child has reported a random
// number of outcomes (0 to MESSAGES - 10), plus a random 0–5 ms, so that it falls anywhere in a
// message's cycle (taking it, handing it over, waiting for the answer, recording it)
console.log(`Node ${process.version}: ${trials} trials of ${count} messages over pooled SMTP, killed with SIGKILL at a random moment of the delivery (seed ${firstSeed})`)
const totals = { trials: 0, midDelivery: 0, duplicates: 0, uncertain: 0, uncertainReceived: 0, lost: 0, failedTrials: 0, maxInDoubt: 0 }
const byDb = new Map()
for (let trial = 1; trial <= trials; trial++) {
  received = []
  const { name, database } = await freshDatabase(trial)
  const killAt = Math.floor(random() * (count - 10))
  const extraMs = Math.floor(random() * 6)
  const first = runChild(database)
  let timer
  let progress = ""
  first.proc.stdout.on("data", (c) => {
    progress = (progress + c.toString()).slice(-200)
    const done = Number([...progress.matchAll(/progress (\d+)/g)].at(-1)?.[1] ?? -1)
    if (timer === undefined && done >= killAt) timer = setTimeout(() => first.proc.kill("SIGKILL"), extraMs)
  })
  const ended = await first.exited
  clearTimeout(timer)
  const killed = ended.signal === "SIGKILL"
  // PostgreSQL still runs a statement the child sent just before it died (a claim): let it end
  // before reading what the kill left in doubt
  if ("url" in database) await new Promise((resolve) => setTimeout(resolve, 500))
  const atKill = await readLog(database)
  const sentAtKill = atKill.filter((r) => r.status === "sent").length
  const inDoubt = new Set(atKill.filter((r) => r.status === "sending").map((r) => r.message_id))
  const receivedAtKill = received.length
  const resumed = await runChild(database).exited
  const problems = []
  if (resumed.code !== 0) problems.push(`the resumed run failed (${resumed.code}): ${resumed.stderr.slice(0, 300)}`)
  const log = await readLog(database)
  const times = new Map()
  for (const id of received) times.set(id, (times.get(id) ?? 0) + 1)
  const duplicates = [...times.values()].filter((n) => n > 1).length
  if (duplicates > 0) problems.push(`${duplicates} Message-ID(s) received more than once`)
  if (log.length !== count) problems.push(`${log.length} messages in the send log, expected ${count}`)
  let uncertain = 0
  let uncertainReceived = 0
  let lost = 0
  for (const r of log) {
    if (r.status === "sent") {
      if (times.get(r.message_id) !== 1) problems.push(`${r.idempotency_key} is logged sent but was received ${times.get(r.message_id) ?? 0} times`)
    } else if (r.status === "uncertain") {
      uncertain++
      if ((times.get(r.message_id) ?? 0) > 0) uncertainReceived++
      if (!inDoubt.has(r.message_id)) problems.push(`${r.idempotency_key} is uncertain but was not in doubt at the kill`)
    } else {
      lost++
      problems.push(`${r.idempotency_key} ended ${r.status}: neither delivered nor listed uncertain`)
    }
  }
  const mid = killed && (receivedAtKill > 0 || sentAtKill > 0) && sentAtKill < count
  totals.trials++
  if (mid) totals.midDelivery++
  totals.duplicates += duplicates
  totals.uncertain += uncertain
  totals.uncertainReceived += uncertainReceived
  totals.lost += lost
  totals.maxInDoubt = Math.max(totals.maxInDoubt, inDoubt.size)
  if (problems.length > 0) totals.failedTrials++
  const d = byDb.get(name) ?? { trials: 0, uncertain: 0, duplicates: 0 }
  d.trials++
  d.uncertain += uncertain
  d.duplicates += duplicates
  byDb.set(name, d)
  console.log(
    `  ${String(trial).padStart(3)} ${name.padEnd(10)} kill after ${String(killAt).padStart(4)} outcomes + ${extraMs} ms${killed ? "" : " (ended first)"}: ${String(sentAtKill).padStart(4)} logged sent, ${inDoubt.size} in doubt; after resume: ${duplicates} duplicates, ${uncertain} uncertain (${uncertainReceived} of them received)${problems.length > 0 ? `  FAIL: ${problems.slice(0, 3).join("; ")}` : ""}`
  )
  if ("pgliteDir" in database) await rm(database.pgliteDir, { recursive: true, force: true })
}

if (admin !== undefined) {
  await admin.query(`drop schema ${schema} cascade`)
  await admin.end()
}
await rm(tmp, { recursive: true, force: true })
await new Promise((resolve) => server.close(resolve))
console.log(
  `${totals.trials} trials (${totals.midDelivery} killed mid-delivery): ${totals.duplicates} duplicates, ${totals.lost} lost, ${totals.uncertain} listed uncertain (${totals.uncertainReceived} of which the server had taken), at most ${totals.maxInDoubt} in doubt at a kill; ${totals.failedTrials} failed trials`
)
for (const [name, d] of byDb) console.log(`  ${name}: ${d.trials} ${d.trials === 1 ? "trial" : "trials"}, ${d.duplicates} duplicates, ${d.uncertain} uncertain`)
process.exit(totals.failedTrials === 0 ? 0 : 1)
