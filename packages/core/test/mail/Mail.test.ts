// The mail service on every test database: a real SMTP server (smtp-server) read back with
// mailparser, retries and permanent failures, idempotency, the outbox, and sends killed with
// SIGKILL half-way then resumed.
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { sql } from "kysely"
import { simpleParser } from "mailparser"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { type DatabaseOptions, openDatabase } from "../../src/infra/Database.js"
import type { InputError, MailTransportError } from "../../src/domain/Errors.js"
import {
  DEFAULT_FROM,
  deliverQueued,
  enqueueMessages,
  mailStatus,
  messageIdFor,
  type OutgoingMessage,
  outboxDirOf,
  outboxFileName,
  resolveMailTransport,
  sendMessages
} from "../../src/mail/Mail.js"
import { crashMessages } from "../support/crash-messages.js"
import { failWith, runWith, testDatabases } from "../support/databases.js"
import { messageIdOf, startSmtp, type TestSmtp } from "../support/smtp.js"

const FROM = "Global Dialogue <dialogue@assembly.example>"
const fast = { retry: { attempts: 3, baseDelayMs: 10 } }

const message = (i: number, extra: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  key: `test:${i}`,
  purpose: "kit",
  to: `p${i}@example.org`,
  locale: "en",
  subject: `Kit ${i}`,
  text: `Hello ${i}`,
  html: `<p>Hello <b>${i}</b></p>`,
  ...extra
})

let tmp: string
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "convene-mail-"))
})

describe("resolveMailTransport", () => {
  it("writes to the workspace's outbox without SMTP_URL, and uses SMTP with it", () => {
    expect(resolveMailTransport("/ws", {})).toEqual({ outboxDir: join("/ws", "out", "outbox"), from: DEFAULT_FROM })
    expect(resolveMailTransport("/ws", { SMTP_URL: "smtp://u:p@mail.example.org:587", MAIL_FROM: FROM })).toEqual({
      smtpUrl: "smtp://u:p@mail.example.org:587",
      from: FROM
    })
  })

  it("names the variable that is unusable, without printing the password", () => {
    let error: InputError | undefined
    try {
      resolveMailTransport("/ws", { SMTP_URL: "http://u:secret@mail.example.org", MAIL_FROM: "nobody" })
    } catch (e) {
      error = e as InputError
    }
    expect(error?._tag).toBe("InputError")
    expect(error?.message).toContain('MAIL_FROM: expected an address such as "Assembly <hello@example.org>" or hello@example.org, got "nobody"')
    expect(error?.message).toContain("SMTP_URL: expected an smtp:// or smtps:// URL, got http://")
    expect(error?.message).not.toContain("secret")
  })

  it("derives a stable Message-ID from the key and the From domain, and a file name per key", () => {
    expect(messageIdFor("kit:sn-dakar", FROM)).toMatch(/^<[0-9a-f]{32}@assembly\.example>$/)
    expect(messageIdFor("kit:sn-dakar", FROM)).toBe(messageIdFor("kit:sn-dakar", FROM))
    expect(messageIdFor("kit:sn-thies", FROM)).not.toBe(messageIdFor("kit:sn-dakar", FROM))
    expect(outboxFileName("kit:sn-dakar:awa@example.org")).toMatch(/^kit-sn-dakar-awa-example\.org\.[0-9a-f]{16}\.eml$/)
    expect(outboxFileName("a/b")).not.toBe(outboxFileName("a:b"))
  })
})

describe.each(testDatabases)("mail on $name", (testDb) => {
  let shape: Awaited<ReturnType<typeof testDb.open>>
  let smtp: TestSmtp | undefined
  beforeAll(async () => {
    shape = await testDb.open()
  })
  afterAll(async () => shape?.dispose())
  beforeEach(async () => {
    await smtp?.close()
    smtp = undefined
    await sql`truncate send_log`.execute(shape.db)
  })

  const rows = () => shape.db.selectFrom("send_log").selectAll().orderBy("idempotency_key").execute()

  it("sends text and HTML, attachments and UTF-8 subjects in Arabic and Hindi over SMTP", async () => {
    smtp = await startSmtp()
    const zip = join(tmp, "kit-sn-dakar.zip")
    const zipBytes = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 1, 2, 3, 250, 251, 252])
    await writeFile(zip, zipBytes)
    const messages = [
      message(1, { locale: "ar", subject: "دعوة إلى الحوار العالمي", text: "مرحبا بكم في الحوار", html: "<p dir=\"rtl\">مرحبا بكم في الحوار</p>" }),
      message(2, {
        locale: "hi-IN",
        subject: "वैश्विक संवाद का निमंत्रण",
        text: "संवाद में आपका स्वागत है",
        html: "<p>संवाद में आपका स्वागत है</p>",
        attachments: [
          { filename: "kit-sn-dakar.zip", path: zip, contentType: "application/zip" },
          { filename: "agenda.txt", content: "09:00 ouverture — पहला सत्र\n" }
        ]
      })
    ]
    const result = await runWith(shape, sendMessages(messages, { smtpUrl: smtp.url, from: FROM }, fast))
    expect(result).toMatchObject({ queued: 2, known: 0, transport: "smtp", total: 2, sent: 2, failed: 0, deferred: 0 })
    expect(smtp.received).toHaveLength(2)
    const parsed = await Promise.all(smtp.received.map((raw) => simpleParser(raw)))
    const byTo = new Map(parsed.map((p) => [p.to && !Array.isArray(p.to) ? p.to.value[0]!.address : "", p]))
    const arabic = byTo.get("p1@example.org")!
    expect(arabic.subject).toBe("دعوة إلى الحوار العالمي")
    expect(arabic.text?.trim()).toBe("مرحبا بكم في الحوار")
    expect(arabic.html).toContain('<p dir="rtl">مرحبا بكم في الحوار</p>')
    expect(arabic.messageId).toBe(messageIdFor("test:1", FROM))
    expect(arabic.from?.text).toBe('"Global Dialogue" <dialogue@assembly.example>')
    expect(arabic.headers.get("content-language")).toBe("ar")
    expect(arabic.headers.get("content-type")).toMatchObject({ value: "multipart/alternative" })
    const hindi = byTo.get("p2@example.org")!
    expect(hindi.subject).toBe("वैश्विक संवाद का निमंत्रण")
    expect(hindi.text?.trim()).toBe("संवाद में आपका स्वागत है")
    expect(hindi.html).toContain("<p>संवाद में आपका स्वागत है</p>")
    expect(hindi.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ["kit-sn-dakar.zip", "application/zip"],
      ["agenda.txt", "text/plain"]
    ])
    expect(Buffer.compare(hindi.attachments[0]!.content, zipBytes)).toBe(0)
    expect(hindi.attachments[1]!.content.toString("utf8")).toBe("09:00 ouverture — पहला सत्र\n")
    const log = await rows()
    expect(log.map((r) => [r.idempotency_key, r.status, r.attempts, r.last_error])).toEqual([
      ["test:1", "sent", 1, null],
      ["test:2", "sent", 1, null]
    ])
    expect(log.every((r) => r.sent_at !== null)).toBe(true)
    // attachments with a path are logged by path, not by content
    expect(log[1]!.message.attachments[0]).toEqual({ filename: "kit-sn-dakar.zip", path: zip, contentType: "application/zip" })
  })

  it("retries a 451 with backoff until it is delivered; records a 550 as failed and never retries it", async () => {
    smtp = await startSmtp({
      refuse: (to, attempt) =>
        to === "flaky@example.org" && attempt <= 2
          ? { code: 451, message: "Greylisted, try again later" }
          : to === "gone@example.org"
            ? { code: 550, message: "No such user here" }
            : undefined
    })
    const messages = [message(1), message(2, { to: "flaky@example.org" }), message(3, { to: "gone@example.org" })]
    const result = await runWith(shape, sendMessages(messages, { smtpUrl: smtp.url, from: FROM }, fast))
    expect(result).toMatchObject({ total: 3, sent: 2, failed: 1, deferred: 0 })
    expect(result.failures).toEqual([{ key: "test:3", recipient: "gone@example.org", permanent: true, error: expect.stringContaining("550") }])
    expect(smtp.offered.get("flaky@example.org")).toBe(3)
    expect(smtp.offered.get("gone@example.org")).toBe(1)
    expect(smtp.received).toHaveLength(2)
    const log = await rows()
    expect(log.map((r) => [r.recipient, r.status, r.attempts])).toEqual([
      ["p1@example.org", "sent", 1],
      ["flaky@example.org", "sent", 3],
      ["gone@example.org", "failed", 1]
    ])
    expect(log[2]!.last_error).toMatch(/^550 .*No such user here/)
    // a flush later does not touch the permanent failure
    const flush = await runWith(shape, deliverQueued({ smtpUrl: smtp.url, from: FROM }, fast))
    expect(flush).toMatchObject({ total: 0, sent: 0 })
    expect(smtp.offered.get("gone@example.org")).toBe(1)
    const status = await runWith(shape, mailStatus())
    expect(status).toMatchObject({ queued: 0, sending: 0, sent: 2, failed: 1, total: 3 })
    expect(status.latestErrors).toEqual([expect.objectContaining({ key: "test:3", recipient: "gone@example.org", status: "failed", attempts: 1 })])
  })

  it("leaves a message queued after the run's retries (4xx, refused connection) and `flush` delivers it later", async () => {
    let refusing = true
    smtp = await startSmtp({ refuse: (to) => (refusing && to === "busy@example.org" ? { code: 452, message: "Mailbox full, later" } : undefined) })
    const first = await runWith(shape, sendMessages([message(1), message(2, { to: "busy@example.org", purpose: "survey-invite" })], { smtpUrl: smtp.url, from: FROM }, fast))
    expect(first).toMatchObject({ sent: 1, failed: 0, deferred: 1 })
    expect(first.failures).toEqual([{ key: "test:2", recipient: "busy@example.org", permanent: false, error: expect.stringContaining("452") }])
    expect(smtp.offered.get("busy@example.org")).toBe(3)
    const status = await runWith(shape, mailStatus())
    expect(status).toMatchObject({ queued: 1, deferred: 1, sent: 1 })
    expect(status.byPurpose).toEqual([
      { purpose: "kit", queued: 0, deferred: 0, sending: 0, sent: 1, failed: 0 },
      { purpose: "survey-invite", queued: 1, deferred: 1, sending: 0, sent: 0, failed: 0 }
    ])
    expect(status.latestErrors[0]).toMatchObject({ key: "test:2", status: "queued", attempts: 3, error: expect.stringContaining("Mailbox full") })

    // the server is down: connection refused is transient too
    const port = smtp.port
    await smtp.close()
    smtp = undefined
    const down = await runWith(shape, deliverQueued({ smtpUrl: `smtp://127.0.0.1:${port}`, from: FROM }, { retry: { attempts: 2, baseDelayMs: 5 } }))
    expect(down).toMatchObject({ total: 1, sent: 0, deferred: 1 })
    expect(down.failures[0]!.error).toMatch(/ECONNREFUSED|ECONNECTION|ESOCKET/)

    refusing = false
    smtp = await startSmtp()
    const later = await runWith(shape, deliverQueued({ smtpUrl: smtp.url, from: FROM }, { purpose: "survey-invite", ...fast }))
    expect(later).toMatchObject({ total: 1, sent: 1, deferred: 0 })
    const log = await rows()
    expect(log.map((r) => [r.idempotency_key, r.status, r.attempts, r.last_error])).toEqual([
      ["test:1", "sent", 1, null],
      ["test:2", "sent", 6, null]
    ])
  })

  it("stops the run when the server refuses the login, and keeps everything queued", async () => {
    smtp = await startSmtp({ password: "right" })
    const error = (await failWith(
      shape,
      sendMessages([message(1), message(2)], { smtpUrl: smtp.url.replace("right", "wrong"), from: FROM }, fast)
    )) as MailTransportError
    expect(error._tag).toBe("MailTransportError")
    expect(error.message).toContain("535")
    expect(smtp.received).toHaveLength(0)
    expect((await rows()).map((r) => r.status)).toEqual(["queued", "queued"])
    const ok = await runWith(shape, deliverQueued({ smtpUrl: smtp.url, from: FROM }, fast))
    expect(ok).toMatchObject({ total: 2, sent: 2 })
  })

  it("paces SMTP to --rate messages per second", async () => {
    smtp = await startSmtp()
    const started = performance.now()
    const result = await runWith(shape, sendMessages(Array.from({ length: 10 }, (_, i) => message(i)), { smtpUrl: smtp.url, from: FROM, rate: 5 }, fast))
    expect(result.sent).toBe(10)
    // 5 at once, the next 5 a second later
    expect(performance.now() - started).toBeGreaterThan(950)
  })

  it("sends the same batch once, however often it is sent", async () => {
    smtp = await startSmtp()
    const batch = Array.from({ length: 25 }, (_, i) => message(i))
    const first = await runWith(shape, sendMessages(batch, { smtpUrl: smtp.url, from: FROM }, fast))
    expect(first).toMatchObject({ queued: 25, known: 0, sent: 25 })
    const again = await runWith(shape, sendMessages(batch, { smtpUrl: smtp.url, from: FROM }, fast))
    expect(again).toMatchObject({ queued: 0, known: 25, alreadySent: 25, total: 0, sent: 0 })
    const enqueued = await runWith(shape, enqueueMessages([...batch, message(99)], { from: FROM }))
    expect(enqueued).toEqual({ queued: 1, known: 25, alreadySent: 25 })
    expect(smtp.received).toHaveLength(25)
    expect(new Set(smtp.received.map(messageIdOf)).size).toBe(25)
  })

  it("refuses malformed messages and queues none of them", async () => {
    const error = (await failWith(shape, enqueueMessages([message(1), message(2, { to: "not an address", key: "" })]))) as InputError
    expect(error._tag).toBe("InputError")
    expect(error.problems.map((p) => p.field)).toEqual(["messages[1].key", "messages[1].to"])
    expect(await rows()).toEqual([])
  })

  it("refuses a recipient string that names more than one recipient, and a bad structured one (issue 13)", async () => {
    const error = (await failWith(
      shape,
      enqueueMessages([
        message(1, { to: "Mallory, attacker@evil.example, <awa@example.org>" }),
        message(2, { to: "x: a@evil.example; <awa@example.org>" }),
        message(3, { to: { name: "Awa\r\nBcc: eve@evil.example", address: "awa@example.org" } }),
        message(4, { to: { name: "Awa", address: "a@b.org, eve@evil.example" } }),
        message(5, { to: { name: "Awa Diallo, Dakar", address: "awa@example.org" } })
      ])
    )) as InputError
    expect(error.problems.map((p) => p.field)).toEqual(["messages[0].to", "messages[1].to", "messages[2].to.name", "messages[3].to.address"])
    expect(await rows()).toEqual([])
  })

  it("writes .eml files to the workspace's outbox without SMTP_URL, readable by mailparser, once per key", async () => {
    const ws = await mkdtemp(join(tmp, "ws-"))
    const transport = resolveMailTransport(ws, {})
    const messages = [message(1, { locale: "ar", subject: "دعوة إلى الحوار العالمي", attachments: [{ filename: "notes.txt", content: "ملاحظات" }] }), message(2)]
    const result = await runWith(shape, sendMessages(messages, transport))
    expect(result).toMatchObject({ transport: "outbox", sent: 2 })
    const files = (await readdir(outboxDirOf(ws))).sort()
    expect(files).toEqual([outboxFileName("test:1"), outboxFileName("test:2")].sort())
    const mail = await simpleParser(await readFile(join(outboxDirOf(ws), outboxFileName("test:1"))))
    expect(mail.subject).toBe("دعوة إلى الحوار العالمي")
    expect(mail.text?.trim()).toBe("Hello 1")
    expect(mail.html).toContain("<p>Hello <b>1</b></p>")
    expect(mail.messageId).toBe(messageIdFor("test:1", DEFAULT_FROM))
    expect(mail.attachments.map((a) => [a.filename, a.content.toString("utf8")])).toEqual([["notes.txt", "ملاحظات"]])
    const before = await stat(join(outboxDirOf(ws), outboxFileName("test:2")))
    const again = await runWith(shape, sendMessages(messages, transport))
    expect(again).toMatchObject({ known: 2, sent: 0 })
    expect((await readdir(outboxDirOf(ws))).length).toBe(2)
    expect((await stat(join(outboxDirOf(ws), outboxFileName("test:2")))).mtimeMs).toBe(before.mtimeMs)
  })

  // --- crash and resume: a child process sends, is killed with SIGKILL half-way, then runs again

  const child = (database: DatabaseOptions, transport: object, count: number) => {
    const proc = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "..", "support", "send-child.ts"), JSON.stringify({ database, transport, count })], {
      cwd: import.meta.dirname,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stderr = ""
    proc.stderr.on("data", (c: Buffer) => (stderr += c.toString()))
    return { proc, stderr: () => stderr }
  }

  /** Runs the child until it reports `killAt` outcomes, then SIGKILLs it. Returns the last progress seen. */
  const runAndKill = (proc: ChildProcess, killAt: number, stderr: () => string): Promise<number> =>
    new Promise((resolve, reject) => {
      let seen = 0
      let buffer = ""
      proc.stdout!.on("data", (c: Buffer) => {
        buffer += c.toString()
        for (const m of buffer.matchAll(/progress (\d+)/g)) seen = Number(m[1])
        buffer = buffer.slice(buffer.lastIndexOf("\n") + 1)
        if (seen >= killAt && proc.exitCode === null) proc.kill("SIGKILL")
      })
      proc.on("exit", (code, signal) => (signal === "SIGKILL" ? resolve(seen) : reject(new Error(`the child ended (${code}) before it was killed: ${stderr()}`))))
    })

  const runToEnd = (proc: ChildProcess, stderr: () => string): Promise<string> =>
    new Promise((resolve, reject) => {
      let out = ""
      proc.stdout!.on("data", (c: Buffer) => (out += c.toString()))
      proc.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`the resumed child failed (${code}): ${stderr()}`))))
    })

  /** The database the child uses, and a way to read it once the child is gone. */
  const childDatabase = async (): Promise<DatabaseOptions> => {
    if (shape.url !== undefined) return { url: shape.url }
    return { pgliteDir: await mkdtemp(join(tmp, "db-")) }
  }
  const readLog = async (database: DatabaseOptions) => {
    if ("url" in database) return rows()
    const opened = await openDatabase(database)
    try {
      return await opened.db.selectFrom("send_log").selectAll().orderBy("idempotency_key").execute()
    } finally {
      await opened.db.destroy()
    }
  }

  it("writes exactly one .eml file per message when a send killed with SIGKILL is run again", { timeout: 120_000 }, async () => {
    const count = 1000
    const database = await childDatabase()
    const outboxDir = join(await mkdtemp(join(tmp, "ws-")), "out", "outbox")
    const transport = { outboxDir, from: FROM }
    const first = child(database, transport, count)
    const seen = await runAndKill(first.proc, 150, first.stderr)
    const afterKill = await readLog(database)
    const sentBefore = afterKill.filter((r) => r.status === "sent").length
    const filesBefore = (await readdir(outboxDir)).filter((f) => f.endsWith(".eml")).length
    // really half-way: some out, not all
    expect(seen).toBeGreaterThanOrEqual(150)
    expect(afterKill).toHaveLength(count)
    expect(sentBefore).toBeLessThan(count)
    expect(filesBefore).toBeGreaterThanOrEqual(sentBefore)
    expect(filesBefore).toBeLessThan(count)

    const second = child(database, transport, count)
    const out = await runToEnd(second.proc, second.stderr)
    const summary = JSON.parse(out.slice(out.indexOf("done ") + 5)) as { known: number; sent: number; total: number }
    expect(summary).toMatchObject({ known: count, total: count - sentBefore, sent: count - sentBefore })

    const files = (await readdir(outboxDir)).sort()
    const keys = crashMessages(count).map((m) => m.key)
    expect(files).toEqual(keys.map(outboxFileName).sort())
    for (const key of keys) {
      const raw = await readFile(join(outboxDir, outboxFileName(key)), "utf8")
      expect(messageIdOf(raw), key).toBe(messageIdFor(key, FROM))
    }
    const sample = await simpleParser(await readFile(join(outboxDir, outboxFileName("crash:0777"))))
    expect([sample.subject, sample.text?.trim(), sample.to && !Array.isArray(sample.to) ? sample.to.text : ""]).toEqual([
      "वैश्विक संवाद का निमंत्रण #777",
      "Message 777",
      "p777@example.org"
    ])
    const log = await readLog(database)
    expect(log).toHaveLength(count)
    expect(log.every((r) => r.status === "sent" && r.sent_at !== null)).toBe(true)
    console.info(`outbox crash test on ${testDb.name}: killed after ${sentBefore} logged as sent and ${filesBefore} files written; resumed ${summary.sent}`)
  })

  it("over SMTP, resends after SIGKILL only the messages left 'sending' (in doubt), each under its one Message-ID", { timeout: 120_000 }, async () => {
    const count = 300
    smtp = await startSmtp({ delayMs: 3 })
    const database = await childDatabase()
    const transport = { smtpUrl: smtp.url, from: FROM }
    const first = child(database, transport, count)
    await runAndKill(first.proc, 60, first.stderr)
    const afterKill = await readLog(database)
    const inDoubt = new Set(afterKill.filter((r) => r.status === "sending").map((r) => r.message_id))
    const sentBefore = afterKill.filter((r) => r.status === "sent").length
    expect(sentBefore).toBeGreaterThan(0)
    expect(sentBefore).toBeLessThan(count)

    const second = child(database, transport, count)
    await runToEnd(second.proc, second.stderr)
    const ids = smtp.received.map(messageIdOf)
    const times = new Map<string | undefined, number>()
    for (const id of ids) times.set(id, (times.get(id) ?? 0) + 1)
    // every message arrived, under the Message-ID of its key
    expect(new Set(ids)).toEqual(new Set(crashMessages(count).map((m) => messageIdFor(m.key, FROM))))
    // a message arrived twice only if the crash left it in doubt ('sending': handed over, 250 not yet logged)
    const twice = [...times].filter(([, n]) => n > 1)
    for (const [id, n] of twice) {
      expect(n, `${id} arrived ${n} times`).toBe(2)
      expect(inDoubt.has(id!), `${id} arrived twice but was not in doubt`).toBe(true)
    }
    expect(inDoubt.size).toBeLessThanOrEqual(100 + 20)
    const log = await readLog(database)
    expect(log.every((r) => r.status === "sent")).toBe(true)
    console.info(
      `SMTP crash test on ${testDb.name}: ${sentBefore} logged as sent at the kill, ${inDoubt.size} in doubt, ${twice.length} delivered twice (receivers drop them by Message-ID)`
    )
  })
})
