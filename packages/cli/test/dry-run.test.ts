// --dry-run on the commands that mail or simulate (issue 12): run as the built binary on the
// bundled example, each dry run is checked against a snapshot of every table and of the
// workspace's out/ folder taken before it, and its counts against what the real run then does.
import { createServer, type Server } from "node:net"
import { existsSync, readdirSync, statSync } from "node:fs"
import { mkdtemp } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, relative } from "node:path"
import { type DatabaseOptions, openDatabase } from "@convene/core/infra"
import { enqueueMessages } from "@convene/core/mail"
import { ConveneStore } from "@convene/core/store"
import * as Effect from "effect/Effect"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { convene, conveneJson, dropTestStores, useTestStore } from "./run.js"

const TABLES = [
  "coalition_partners", "fellows", "sites", "participants", "milestone_progress", "schedule_plans", "calendar_events", "send_log",
  "survey_keys", "survey_invitations", "survey_responses", "result_sites", "result_log", "result_links", "result_keys"
] as const

/** Every file under a folder, with its size and modification time. */
const files = (dir: string, base = dir, out: Array<string> = []): Array<string> => {
  if (!existsSync(dir)) return out
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    const stat = statSync(path)
    if (stat.isDirectory()) files(path, base, out)
    else out.push(`${relative(base, path)} ${stat.size} ${stat.mtimeMs}`)
  }
  return out
}

/** What a dry run must leave as it was: the row count of every table, the send log's keys and statuses, reminders, and the files under out/. */
const snapshot = async (ws: string) => {
  const opened = await openDatabase(store)
  try {
    const counts: Record<string, number> = {}
    for (const t of TABLES) counts[t] = Number((await opened.db.selectFrom(t).select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n)
    const log = (await opened.db.selectFrom("send_log").select(["idempotency_key", "status"]).orderBy("idempotency_key").execute()).map((r) => `${r.idempotency_key}=${r.status}`).join(",")
    const reminded = await opened.db.selectFrom("survey_invitations").select((eb) => eb.fn.countAll<string>().as("n")).where("reminded_at", "is not", null).executeTakeFirstOrThrow()
    return { counts, sendLog: log, reminded: Number(reminded.n), out: files(join(ws, "out")) }
  } finally {
    await opened.db.destroy()
  }
}

/** A TCP server on localhost that only counts the connections made to it: an SMTP_URL no dry run may open. */
let smtp: Server
let connections = 0
let smtpUrl = ""
const noMail = { SMTP_URL: "", MAIL_FROM: "", CONVENE_SURVEY_URL: "" }

let ws: string
/** The workspace's store (PostgreSQL in CI, else the embedded database), to read it from the SDK. */
let store: DatabaseOptions
let withEmail = 0
beforeAll(async () => {
  smtp = createServer((socket) => {
    connections++
    socket.destroy()
  })
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve))
  const address = smtp.address()
  smtpUrl = `smtp://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`
  const tmp = await mkdtemp(join(tmpdir(), "convene-dry-run-"))
  ws = join(tmp, "dialogue")
  expect((await convene(tmp, ["init", ws, "--example", "we-the-internet"])).code).toBe(0)
  store = await useTestStore(ws)
  for (const r of ["fellows", "sites", "participants"]) expect((await convene(ws, [r, "import", `${r}.csv`])).code).toBe(0)
  const list = await conveneJson(ws, ["participants", "list"])
  withEmail = (list.json as Array<{ email?: string }>).filter((p) => p.email !== undefined && p.email !== "").length
  expect(withEmail).toBeGreaterThan(5)
}, 400_000)

afterAll(async () => {
  await dropTestStores()
  await new Promise((resolve) => smtp.close(resolve))
})

describe("--dry-run", () => {
  it("survey invite: counts and a sample, a refusal reported, nothing stored or sent, no SMTP connection; then the real run agrees", async () => {
    const before = await snapshot(ws)
    const dry = await conveneJson(ws, ["survey", "invite", "--wave", "pre", "--dry-run"], { ...noMail, SMTP_URL: smtpUrl })
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.json).toMatchObject({ dry_run: true, transport: "smtp", participants: withEmail, would_send: withEmail, would_queue: withEmail, already_sent: 0, link_base: "http://localhost:8080/s/" })
    // over SMTP the default address would be refused: said, not failed
    expect(dry.json.would_be_refused).toMatchObject({ confirm: "--allow-localhost" })
    expect(dry.json.would_be_refused.message).toContain("is on this machine")
    expect(dry.json.sample).toHaveLength(5)
    expect(dry.json.sample[0].to).toMatch(/@/)
    expect(dry.json.sample[0].subject).not.toBe("")
    expect(connections).toBe(0)
    expect(await snapshot(ws)).toEqual(before)
    // the real run over SMTP is refused, as the dry run said
    const refused = await convene(ws, ["survey", "invite", "--wave", "pre"], { ...noMail, SMTP_URL: smtpUrl })
    expect(refused.code).toBe(4)

    const text = await convene(ws, ["survey", "invite", "--wave", "pre", "--base-url", "https://survey.example.org", "--dry-run"], noMail)
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toContain(`Dry run: ${withEmail} invitations would be sent to the outbox out/outbox/ (${withEmail} new)`)
    expect(text.stdout).toContain("Links: https://survey.example.org/s/<token>")
    expect(text.stdout).not.toContain("Would be refused")
    expect(await snapshot(ws)).toEqual(before)

    const real = await conveneJson(ws, ["survey", "invite", "--wave", "pre", "--base-url", "https://survey.example.org"], noMail)
    expect(real.code, real.stderr).toBe(0)
    expect(real.json.sent).toBe(dry.json.would_send)
    const after = await snapshot(ws)
    const again = await conveneJson(ws, ["survey", "invite", "--wave", "pre", "--base-url", "https://survey.example.org", "--dry-run"], noMail)
    expect(again.json).toMatchObject({ dry_run: true, would_send: 0, would_queue: 0, already_sent: withEmail, sample: [] })
    expect(await snapshot(ws)).toEqual(after)
  }, 300_000)

  it("survey remind: says who would be reminded; records no reminder and sends nothing", async () => {
    const before = await snapshot(ws)
    const dry = await conveneJson(ws, ["survey", "remind", "--wave", "pre", "--base-url", "https://survey.example.org", "--dry-run"], noMail)
    expect(dry.code, dry.stderr).toBe(0)
    // everyone invited above, nobody answered
    expect(dry.json).toMatchObject({ dry_run: true, participants: withEmail, would_send: withEmail, already_sent: 0 })
    expect(dry.json.sample[0].key).toMatch(/^survey-remind:/)
    expect(await snapshot(ws)).toEqual(before)
    expect(before.reminded).toBe(0)
  }, 300_000)

  it("results invite: a localhost address reported, counts from the send log, no link or message stored", async () => {
    const before = await snapshot(ws)
    const dry = await conveneJson(ws, ["results", "invite", "--site", "sn-dakar", "--base-url", "http://localhost:8080", "--dry-run"], noMail)
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.json).toMatchObject({ dry_run: true, sites: 1, would_send: 1, already_sent: 0, link_base: "http://localhost:8080/results/" })
    expect(dry.json.would_be_refused.confirm).toBe("--allow-localhost")
    expect(await snapshot(ws)).toEqual(before)
    expect(before.counts["result_links"]).toBe(0)
    const real = await conveneJson(ws, ["results", "invite", "--site", "sn-dakar", "--base-url", "https://survey.example.org"], noMail)
    expect(real.json).toMatchObject({ sites: 1, sent: 1 })
    const again = await conveneJson(ws, ["results", "invite", "--site", "sn-dakar", "--base-url", "https://survey.example.org", "--dry-run"], noMail)
    expect(again.json).toMatchObject({ dry_run: true, would_send: 0, already_sent: 1 })
    expect(again.json.would_be_refused).toBeUndefined()
  }, 300_000)

  it("kit send: the kit would be built and mailed; no kit written, nothing queued; after the real run, nothing would be", async () => {
    const before = await snapshot(ws)
    const dry = await conveneJson(ws, ["kit", "send", "--site", "sn-dakar", "--dry-run"], { ...noMail, SMTP_URL: smtpUrl })
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.json).toMatchObject({ dry_run: true, transport: "smtp", built: 1, messages: 1, would_send: 1, attached: 1, linked: 0, already_sent: 0 })
    expect(dry.json.sample[0]).toMatchObject({ attachments: 1 })
    expect(connections).toBe(0)
    expect(existsSync(join(ws, "out", "kits"))).toBe(false)
    expect(await snapshot(ws)).toEqual(before)
    const real = await conveneJson(ws, ["kit", "send", "--site", "sn-dakar"], noMail)
    expect(real.code, real.stderr).toBe(0)
    expect(real.json).toMatchObject({ built: 1, sent: 1 })
    const after = await snapshot(ws)
    const again = await conveneJson(ws, ["kit", "send", "--site", "sn-dakar", "--dry-run"], noMail)
    expect(again.json).toMatchObject({ dry_run: true, built: 0, would_send: 0, already_sent: 1 })
    expect(await snapshot(ws)).toEqual(after)
  }, 300_000)

  it("mail flush: what would be sent and settled; the send log and the outbox unchanged", async () => {
    await Effect.runPromise(
      enqueueMessages(
        ["dry:1", "dry:2", "dry:3"].map((key) => ({ key, purpose: "dry-test", to: `${key.replace(/\W/g, "")}@example.org`, locale: "en", subject: `Test ${key}`, text: "t", html: "<p>t</p>" }))
      ).pipe(Effect.provide(ConveneStore.layer(store)))
    )
    const before = await snapshot(ws)
    const dry = await conveneJson(ws, ["mail", "flush", "--purpose", "dry-test", "--dry-run"], { ...noMail, SMTP_URL: smtpUrl })
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.json).toMatchObject({ dry_run: true, transport: "smtp", would_send: 3, deferred: 0, uncertain: 0, would_resend: 0 })
    expect(dry.json.sample.map((m: { key: string }) => m.key)).toEqual(["dry:1", "dry:2", "dry:3"])
    const all = await conveneJson(ws, ["mail", "flush", "--dry-run"], noMail)
    expect(all.json.would_send).toBe(3)
    const marks = await conveneJson(ws, ["mail", "flush", "--mark-sent", "dry:1", "no-such-key", "--dry-run"], noMail)
    expect(marks.json.would_confirm).toEqual([
      { id: "dry:1", key: "dry:1", result: "not-uncertain" },
      { id: "no-such-key", result: "unknown" }
    ])
    const text = await convene(ws, ["mail", "flush", "--purpose", "dry-test", "--dry-run"], noMail)
    expect(text.stdout).toContain("Dry run: 3 messages with purpose dry-test would be sent to the outbox out/outbox/. Nothing was sent or changed.")
    expect(connections).toBe(0)
    expect(await snapshot(ws)).toEqual(before)
    const real = await conveneJson(ws, ["mail", "flush", "--purpose", "dry-test"], noMail)
    expect(real.json).toMatchObject({ total: 3, sent: 3 })
  }, 300_000)

  it("survey simulate: the same counts as the real run, nothing registered or stored, no CSV written", async () => {
    const before = await snapshot(ws)
    const target = before.counts["participants"]! + 40
    const dry = await conveneJson(ws, ["survey", "simulate", "--participants", String(target), "--seed", "3", "--dry-run"])
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.json).toMatchObject({ dry_run: true, registered: 40, participants: target })
    expect(dry.json.answers).toBeGreaterThan(0)
    expect(existsSync(join(ws, "out", "simulate"))).toBe(false)
    expect(await snapshot(ws)).toEqual(before)
    const real = await conveneJson(ws, ["survey", "simulate", "--participants", String(target), "--seed", "3"])
    expect(real.code, real.stderr).toBe(0)
    expect(real.json.dry_run).toBeUndefined()
    expect(real.json.registered).toBe(dry.json.registered)
    expect(real.json.responses).toEqual(dry.json.responses)
    expect(real.json.answers).toBe(dry.json.answers)
    // run again: everybody answered; the dry run says so too
    const again = await conveneJson(ws, ["survey", "simulate", "--participants", String(target), "--seed", "3", "--dry-run"])
    expect(again.json.answers).toBe(0)
  }, 400_000)

  it("db migrate on an up-to-date database: nothing to apply, and says so", async () => {
    const r = await conveneJson(ws, ["db", "migrate", "--dry-run"])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json).toMatchObject({ dry_run: true, dialect: "url" in store ? "postgres" : "pglite", would_apply: [] })
  }, 120_000)
})

const databaseUrl = process.env["DATABASE_URL"]
describe.skipIf(databaseUrl === undefined || databaseUrl === "")("db migrate --dry-run on PostgreSQL (skipped without DATABASE_URL)", () => {
  it("lists every pending migration of a fresh schema and creates nothing in it", async () => {
    const schema = `convene_cli_dry_migrate_${process.pid}`
    const admin = new pg.Client({ connectionString: databaseUrl })
    await admin.connect()
    await admin.query(`drop schema if exists ${schema} cascade; create schema ${schema}`)
    try {
      const u = new URL(databaseUrl!)
      u.searchParams.set("options", `-c search_path=${schema}`)
      const env = { DATABASE_URL: u.toString() }
      const dry = await conveneJson(ws, ["db", "migrate", "--dry-run"], env)
      expect(dry.code, dry.stderr).toBe(0)
      expect(dry.json.dry_run).toBe(true)
      expect(dry.json.would_apply.length).toBeGreaterThan(3)
      const tables = await admin.query(`select count(*)::int as n from information_schema.tables where table_schema = $1`, [schema])
      expect(tables.rows[0].n).toBe(0)
      const real = await conveneJson(ws, ["db", "migrate"], env)
      expect(real.json.applied).toEqual(dry.json.would_apply)
      const after = await conveneJson(ws, ["db", "migrate", "--dry-run"], env)
      expect(after.json.would_apply).toEqual([])
    } finally {
      await admin.query(`drop schema if exists ${schema} cascade`)
      await admin.end()
    }
  }, 300_000)
})
