// A child process for the crash test of the embedded database: opens DIR, inserts COUNT
// participants in one transaction (as an import does), says "inserted", and waits, inside the
// transaction, to be killed. Usage: node --import tsx import-child.ts DIR COUNT
import { sql } from "kysely"
import { migrateToLatest, openDatabase } from "../../src/infra/Database.js"

const [dir, count] = [process.argv[2]!, Number(process.argv[3])]
const opened = await openDatabase({ pgliteDir: dir })
await migrateToLatest(opened.db)
await opened.db.transaction().execute(async (tx) => {
  for (let i = 0; i < count; i += 1000) {
    const rows = Array.from({ length: Math.min(1000, count - i) }, (_, j) => ({ id: `p-killed-${i + j}`, site_id: "sn-dakar", code: `KILLED${String(i + j).padStart(6, "0")}`, email: `p${i + j}@killed.example` }))
    await tx.insertInto("participants").values(rows).execute()
  }
  await sql`checkpoint`.execute(tx)
  process.stdout.write("inserted\n")
  await new Promise(() => {}) // killed here, the transaction open
})
