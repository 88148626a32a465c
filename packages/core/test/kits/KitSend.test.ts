// `kit send` against a real SMTP server started in the test: one message per site in the
// site's language, the zip attached or linked, and nothing sent twice.
import { simpleParser } from "mailparser"
import { readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { sql } from "kysely"
import { buildKits, sendKits } from "../../src/kits/Kits.js"
import { deliverQueued } from "../../src/mail/Mail.js"
import { importRegistryFile } from "../../src/registries/Registries.js"
import { planSchedule } from "../../src/schedule/Schedules.js"
import { failWith, runWith, testDatabases, truncateAll } from "../support/databases.js"
import { fellowsCsv, kitWorkspace, sitesCsv } from "../support/kit-workspace.js"
import { startSmtp, type TestSmtp } from "../support/smtp.js"

describe.each(testDatabases)("kit send on $name", (testDb) => {
  let shape: Awaited<ReturnType<typeof testDb.open>>
  let smtp: TestSmtp
  beforeAll(async () => {
    shape = await testDb.open()
    smtp = await startSmtp()
  })
  afterAll(async () => {
    await smtp?.close()
    await shape?.dispose()
  })
  beforeEach(async () => {
    await truncateAll(shape)
    await sql`truncate send_log`.execute(shape.db)
    smtp.received.length = 0
    smtp.offered.clear()
  })

  it("mails each fellow their kit in the site's language, attached; again, nothing is sent", async () => {
    const ws = await kitWorkspace()
    await runWith(shape, importRegistryFile("fellows", join(ws.dir, "fellows.csv")))
    await runWith(shape, importRegistryFile("sites", join(ws.dir, "sites.csv")))
    await runWith(shape, planSchedule(ws.dialogue))
    const transport = { smtpUrl: smtp.url, from: "We, the Internet <kits@example.org>" }
    const first = await runWith(shape, sendKits(ws, { transport }))
    expect(first).toMatchObject({ messages: 5, sent: 5, failed: 0, attached: 5, linked: 0 })
    expect(smtp.received).toHaveLength(5)
    const mails = await Promise.all(smtp.received.map((raw) => simpleParser(raw)))
    const cairo = mails.find((m) => m.text?.includes("كريم") || (m.to as { text: string }).text.includes("karim@example.org"))!
    expect(cairo.subject).toMatch(/[\u0600-\u06FF]/)
    expect(cairo.html).toContain('dir="rtl"')
    expect(cairo.attachments.map((a) => [a.filename, a.contentType])).toEqual([["eg-cairo.zip", "application/zip"]])
    expect(cairo.attachments[0]!.content.subarray(0, 2).toString()).toBe("PK")
    const delhi = mails.find((m) => (m.to as { text: string }).text.includes("priya@example.org"))!
    expect(delhi.subject).toMatch(/[\u0900-\u097F]/)
    expect(delhi.text).toMatch(/[\u0900-\u097F]/)
    const again = await runWith(shape, sendKits(ws, { transport }))
    expect(again).toMatchObject({ messages: 5, sent: 0, alreadySent: 5 })
    expect(smtp.received).toHaveLength(5)
  })

  it("mails one recipient even when a fellow's name carries another address (issue 13)", async () => {
    const hostile = fellowsCsv.replace("f-sn,Awa Diallo,", 'f-sn,"Mallory, attacker@evil.example, x: y@evil.example;",')
    const ws = await kitWorkspace({ "fellows.csv": hostile })
    await runWith(shape, importRegistryFile("fellows", join(ws.dir, "fellows.csv")))
    await runWith(shape, importRegistryFile("sites", join(ws.dir, "sites.csv")))
    const result = await runWith(shape, sendKits(ws, { site: "sn-dakar", transport: { smtpUrl: smtp.url } }))
    expect(result).toMatchObject({ messages: 1, sent: 1 })
    expect([...smtp.offered.keys()]).toEqual(["awa@example.org"])
    const mail = await simpleParser(smtp.received[0]!)
    expect((mail.to as { value: Array<{ address: string; name: string }> }).value).toEqual([{ address: "awa@example.org", name: "Mallory, attacker@evil.example, x: y@evil.example;" }])
  })

  it("links kits over the attachment limit instead of attaching them", async () => {
    const ws = await kitWorkspace()
    await runWith(shape, importRegistryFile("fellows", join(ws.dir, "fellows.csv")))
    await runWith(shape, importRegistryFile("sites", join(ws.dir, "sites.csv")))
    const result = await runWith(shape, sendKits(ws, { site: "sn-dakar", transport: { smtpUrl: smtp.url }, maxAttachmentBytes: 1000, linkBase: "https://files.example.org/kits" }))
    expect(result).toMatchObject({ messages: 1, sent: 1, attached: 0, linked: 1 })
    const mail = await simpleParser(smtp.received[0]!)
    expect(mail.attachments).toEqual([])
    expect(mail.text).toContain("https://files.example.org/kits/sn-dakar.zip")
    expect(mail.subject).toContain("Dakar assembly")
  })

  // a send interrupted before the kits went out, the kits rebuilt (a site renamed), then resumed
  const interruptedThenRebuilt = async () => {
    const ws = await kitWorkspace()
    await runWith(shape, importRegistryFile("fellows", join(ws.dir, "fellows.csv")))
    await runWith(shape, importRegistryFile("sites", join(ws.dir, "sites.csv")))
    const locked = await startSmtp({ password: "right" })
    try {
      // the login is refused: every message stays queued, keyed with the kit version it was built from
      await failWith(shape, sendKits(ws, { transport: { smtpUrl: locked.url.replace("right", "wrong") } }))
    } finally {
      await locked.close()
    }
    const queued = await shape.db.selectFrom("send_log").select(["idempotency_key", "status"]).execute()
    expect(queued.map((r) => r.status)).toEqual(["queued", "queued", "queued", "queued", "queued"])
    await writeFile(join(ws.dir, "sites.csv"), sitesCsv.replace("sn-dakar,Dakar assembly,", "sn-dakar,Dakar citizens' assembly,"))
    await runWith(shape, importRegistryFile("sites", join(ws.dir, "sites.csv")))
    return { ws, queued }
  }

  it("a resumed `kit send` sends the rebuilt kit under its new key and sets the older version aside (issue 13)", async () => {
    const { ws, queued } = await interruptedThenRebuilt()
    const result = await runWith(shape, sendKits(ws, { transport: { smtpUrl: smtp.url } }))
    expect(result).toMatchObject({ messages: 5, sent: 5, superseded: 1, uncertain: 0 })
    const log = await shape.db.selectFrom("send_log").select(["idempotency_key", "status", "last_error"]).orderBy("idempotency_key").execute()
    const old = log.find((r) => r.idempotency_key.startsWith("kit:sn-dakar:") && queued.some((q) => q.idempotency_key === r.idempotency_key))!
    expect(old).toMatchObject({ status: "failed", last_error: expect.stringContaining("superseded: the kit was rebuilt") })
    const dakar = (await Promise.all(smtp.received.map((raw) => simpleParser(raw)))).find((m) => (m.to as { text: string }).text.includes("awa@example.org"))!
    expect(dakar.subject).toContain("Dakar citizens' assembly")
    // the zip attached is the one on disk now, the version the new key names
    expect(Buffer.compare(dakar.attachments[0]!.content, await readFile(join(ws.dir, "out", "kits", "sn-dakar.zip")))).toBe(0)
  })

  it("`mail flush` refuses a queued kit message whose zip was rebuilt since, naming why (issue 13)", async () => {
    const { ws } = await interruptedThenRebuilt()
    await runWith(shape, buildKits(ws))
    const flush = await runWith(shape, deliverQueued({ smtpUrl: smtp.url }, { retry: { attempts: 1 } }))
    expect(flush).toMatchObject({ total: 5, sent: 4, failed: 1 })
    expect(flush.failures).toEqual([
      expect.objectContaining({ key: expect.stringMatching(/^kit:sn-dakar:/), permanent: true, error: expect.stringContaining("sn-dakar.zip changed since the message was queued") })
    ])
    expect(smtp.received).toHaveLength(4)
  })
})
