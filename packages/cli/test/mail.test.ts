// `convene mail status` and `convene mail flush`, run as the built binary on a temporary
// workspace whose send log the SDK fills (as `convene kit send` would).
import { existsSync } from "node:fs"
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type DatabaseOptions, openDatabase } from "@convene/core/infra"
import { enqueueMessages, messageIdFor, outboxFileName } from "@convene/core/mail"
import { ConveneStore } from "@convene/core/store"
import * as Effect from "effect/Effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { convene, conveneJson, dropTestStores, useTestStore } from "./run.js"

const noMail = { SMTP_URL: "", MAIL_FROM: "" }

let dir: string
/** The workspace's store (PostgreSQL in CI, else the embedded database), filled from the SDK. */
let store: DatabaseOptions
beforeAll(async () => {
  if (!existsSync(join(import.meta.dirname, "..", "lib", "commands", "mail"))) {
    throw new Error("The CLI is not built: run `pnpm run build` first (the test script does).")
  }
  const tmp = await mkdtemp(join(tmpdir(), "convene-cli-mail-"))
  dir = join(tmp, "ws")
  expect((await convene(tmp, ["init", dir])).code).toBe(0)
  store = await useTestStore(dir)
})
afterAll(dropTestStores)

/** Queues messages in the workspace's store, as `kit send` does before delivering. */
const enqueue = (keys: ReadonlyArray<string>, purpose: string) =>
  Effect.runPromise(
    enqueueMessages(
      keys.map((key) => ({ key, purpose, to: `${key.replace(/\W/g, "")}@example.org`, locale: "ar", subject: "دعوة إلى الحوار العالمي", text: "نص", html: "<p>نص</p>" }))
    ).pipe(Effect.provide(ConveneStore.layer(store)))
  )

describe("convene mail", () => {
  it("status on an empty send log", async () => {
    const r = await conveneJson(dir, ["mail", "status"], noMail)
    expect(r.code, r.stderr).toBe(0)
    expect(r.json).toMatchObject({ transport: "outbox", destination: expect.stringMatching(/out[\\/]outbox$/), total: 0, queued: 0, sent: 0, failed: 0, latest_errors: [] })
    const text = await convene(dir, ["mail", "status"], noMail)
    expect(text.stdout).toContain("Mail goes to: outbox out/outbox.")
    expect(text.stdout).toContain("0 messages: 0 sent, 0 failed, 0 queued, 0 sending, 0 uncertain.")
  })

  it("flush writes the queued messages to the outbox, once, and status counts them", async () => {
    await enqueue(["kit:1", "kit:2", "kit:3"], "kit")
    const r = await conveneJson(dir, ["mail", "flush"], noMail)
    expect(r.code, r.stderr).toBe(0)
    expect(r.json).toMatchObject({ transport: "outbox", total: 3, sent: 3, failed: 0, deferred: 0 })
    const files = await readdir(join(dir, "out", "outbox"))
    expect(files.sort()).toEqual(["kit:1", "kit:2", "kit:3"].map(outboxFileName).sort())
    expect(await readFile(join(dir, "out", "outbox", outboxFileName("kit:1")), "utf8")).toContain("Subject: =?UTF-8?")
    const again = await convene(dir, ["mail", "flush"], noMail)
    expect(again.code).toBe(0)
    expect(again.stdout).toContain("Nothing to send: the send log holds no queued message.")
    const status = await conveneJson(dir, ["mail", "status", "--purpose", "kit"], noMail)
    expect(status.json).toMatchObject({ total: 3, sent: 3 })
  })

  it("flush exits 1 and keeps the message queued when the SMTP server cannot be reached; status shows why", async () => {
    await enqueue(["invite:p-1"], "survey-invite")
    // port 9 (discard) on localhost: nothing listens, the connection is refused at once
    const smtp = { SMTP_URL: "smtp://127.0.0.1:9", MAIL_FROM: "Assembly <hello@example.org>" }
    const r = await conveneJson(dir, ["mail", "flush", "--purpose", "survey-invite", "--rate", "2.5"], smtp)
    expect(r.code, r.stderr).toBe(1)
    expect(r.json).toMatchObject({ transport: "smtp", total: 1, sent: 0, deferred: 1, failures: [{ key: "invite:p-1", permanent: false }] })
    const text = await convene(dir, ["mail", "status"], smtp)
    expect(text.code).toBe(0)
    expect(text.stdout).toContain("Mail goes to: SMTP 127.0.0.1:9.")
    expect(text.stdout).toContain("4 messages: 3 sent, 0 failed, 1 queued (1 deferred after an error), 0 sending, 0 uncertain.")
    expect(text.stdout).toMatch(/invite:p-1\s+invitep1@example\.org\s+queued\s+4\s+.*ECONNREFUSED/)
    expect(text.stdout).toContain("`convene mail flush` sends them")
  })

  it("status lists uncertain messages; flush --mark-sent records one, --resend-uncertain sends the other (issue 13)", async () => {
    await enqueue(["invite:u-1", "invite:u-2"], "survey-invite")
    // as a run killed after handing both to the server leaves them: 'sending' under a lease no run holds
    const opened = await openDatabase(store)
    try {
      await opened.db
        .updateTable("send_log")
        .set({ status: "sending", lease_owner: "gone:1:dead", lease_until: new Date(Date.now() + 600_000), last_attempt_at: new Date() })
        .where("idempotency_key", "in", ["invite:u-1", "invite:u-2"])
        .execute()
    } finally {
      await opened.db.destroy()
    }
    const status = await conveneJson(dir, ["mail", "status"], noMail)
    expect(status.code, status.stderr).toBe(0)
    expect(status.json).toMatchObject({
      uncertain: 2,
      uncertain_messages: [
        { key: "invite:u-1", recipient: "inviteu1@example.org", message_id: messageIdFor("invite:u-1") },
        { key: "invite:u-2", recipient: "inviteu2@example.org", message_id: messageIdFor("invite:u-2") }
      ]
    })
    const marked = await convene(dir, ["mail", "flush", "--mark-sent", messageIdFor("invite:u-1")], noMail)
    expect(marked.stdout).toContain(`${messageIdFor("invite:u-1")} (invite:u-1): recorded as sent.`)
    expect(marked.stdout).toContain("1 message uncertain (handed to the server, no answer recorded)")
    expect(marked.code).toBe(1)
    const resent = await conveneJson(dir, ["mail", "flush", "--resend-uncertain"], noMail)
    expect(resent.code, resent.stderr).toBe(0)
    expect(resent.json).toMatchObject({ resent: 1, total: 1, sent: 1, uncertain: 0 })
    expect(await readFile(join(dir, "out", "outbox", outboxFileName("invite:u-2")), "utf8")).toContain(`Message-ID: ${messageIdFor("invite:u-2")}`)
  })

  it("names a bad --rate, SMTP_URL or MAIL_FROM", async () => {
    const rate = await convene(dir, ["mail", "flush", "--rate", "fast"], noMail)
    expect(rate.code).toBe(2)
    expect(rate.stderr).toContain('--rate: expected a number of messages per second above 0, such as 5 or 0.5, got "fast"')
    const url = await convene(dir, ["mail", "flush"], { SMTP_URL: "mail.example.org:25", MAIL_FROM: "nobody" })
    expect(url.code).toBe(2)
    expect(url.stderr).toContain("SMTP_URL: expected an smtp:// or smtps:// URL")
    expect(url.stderr).toContain('MAIL_FROM: expected an address such as "Assembly <hello@example.org>" or hello@example.org, got "nobody"')
  })

  it("reads the workspace's .env when the workspace is given as --dir=PATH or --dir PATH from another folder", async () => {
    const elsewhere = await mkdtemp(join(tmpdir(), "convene-cli-elsewhere-"))
    const ws = join(elsewhere, "dialogue")
    expect((await convene(elsewhere, ["init", ws])).code).toBe(0)
    await writeFile(join(ws, ".env"), "# where mail goes\nSMTP_URL=smtp://mail.from-dotenv.example:2525\n")
    for (const args of [[`--dir=${ws}`], ["--dir", ws]]) {
      const r = await convene(elsewhere, ["mail", "status", ...args])
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toContain("Mail goes to: SMTP mail.from-dotenv.example:2525.")
    }
  })

  it("has help with examples", async () => {
    const r = await convene(tmpdir(), ["mail", "flush", "--help"])
    expect(r.stdout).toContain("convene mail flush --rate 5")
    expect(r.stdout).toContain("Exit status: 0 when everything went out")
    expect(r.stdout).toContain("mail flush --resend-uncertain")
    expect(r.stdout).toContain("mail flush --mark-sent")
  })
})
