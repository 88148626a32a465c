// The send-log migration of issue 13 on every test database: run down to the migration before
// it, fill the log as the earlier version left it, and migrate again.
import { sql } from "kysely"
import { Migrator } from "kysely/migration"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { migrateToLatest } from "../../src/infra/Database.js"
import { migrationProvider } from "../../src/infra/migrations/index.js"
import { testDatabases } from "../support/databases.js"

describe.each(testDatabases)("the 2026-11-30T01-mail migration on $name", (testDb) => {
  let shape: Awaited<ReturnType<typeof testDb.open>>
  beforeAll(async () => {
    shape = await testDb.open()
  })
  afterAll(async () => shape?.dispose())

  it("purges the bodies of messages already sent or failed, and turns those left 'sending' into 'uncertain'", async () => {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(shape.db)
    const migrator = new Migrator({ db: shape.db, provider: migrationProvider, migrationTableSchema: rows[0]!.schema })
    const down = await migrator.migrateTo("2026-11-30T00-results")
    expect(down.error).toBeUndefined()
    const body = (token: string) => JSON.stringify({ text: `https://survey.example.org/s/${token}`, html: `<a href="https://survey.example.org/s/${token}">`, attachments: [], to_name: "Awa" })
    await sql`insert into send_log (idempotency_key, purpose, recipient, locale, subject, message, message_id, status) values
      ('a', 'survey-invite', 'a@example.org', 'fr', 'Invitation', ${body("sent-token")}::jsonb, '<a@x>', 'sent'),
      ('b', 'survey-invite', 'b@example.org', 'fr', 'Invitation', ${body("failed-token")}::jsonb, '<b@x>', 'failed'),
      ('c', 'survey-invite', 'c@example.org', 'fr', 'Invitation', ${body("sending-token")}::jsonb, '<c@x>', 'sending'),
      ('d', 'survey-invite', 'd@example.org', 'fr', 'Invitation', ${body("queued-token")}::jsonb, '<d@x>', 'queued')`.execute(shape.db)
    await migrateToLatest(shape.db)
    const log = await shape.db.selectFrom("send_log").select(["idempotency_key", "status", "message", "subject"]).orderBy("idempotency_key").execute()
    expect(log.map((r) => [r.idempotency_key, r.status])).toEqual([
      ["a", "sent"],
      ["b", "failed"],
      ["c", "uncertain"],
      ["d", "queued"]
    ])
    expect(log[0]!.message).toEqual({ text: "", html: "", attachments: [], purged: true, to_name: "Awa" })
    expect(log[1]!.message).toEqual({ text: "", html: "", attachments: [], purged: true, to_name: "Awa" })
    // what is still to be sent (or settled) keeps its body
    expect(log[2]!.message.text).toContain("sending-token")
    expect(log[3]!.message.text).toContain("queued-token")
    expect(JSON.stringify(log)).not.toMatch(/sent-token|failed-token/)
  })
})
