// The embedded database gives back the space of an import killed half-way: the next process to
// open it after the crash runs VACUUM (the space is reused, not added to), and reclaimSpace
// (`convene db migrate`) shrinks the folder with VACUUM FULL.
import { spawn } from "node:child_process"
import { readdirSync, statSync } from "node:fs"
import { mkdtemp } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type Kysely, sql } from "kysely"
import { describe, expect, it } from "vitest"
import { migrateToLatest, openDatabase, reclaimSpace } from "../../src/infra/Database.js"

const bytesIn = (dir: string): number =>
  readdirSync(dir, { recursive: true, withFileTypes: true }).reduce((sum, e) => (e.isFile() ? sum + statSync(join(e.parentPath, e.name)).size : sum), 0)

const heapPages = async (db: Kysely<any>): Promise<number> =>
  Number((await sql<{ pages: string }>`select pg_relation_size('participants') / current_setting('block_size')::int as pages`.execute(db)).rows[0]!.pages)

describe("reclaiming the embedded database's dead space", () => {
  it("vacuums after an import killed half-way, and db migrate's VACUUM FULL shrinks the folder", async () => {
    const dir = join(await mkdtemp(join(tmpdir(), "convene-reclaim-")), "db")
    const setup = await openDatabase({ pgliteDir: dir })
    await migrateToLatest(setup.db)
    await setup.db.insertInto("fellows").values({ id: "f-1", name: "Awa", email: "awa@example.org", country: "SN", languages: "fr" }).execute()
    await setup.db.insertInto("sites").values({ id: "sn-dakar", name: "Dakar", city: "Dakar", country: "SN", timezone: "Africa/Dakar", locale: "fr-SN", capacity: 100, format: "in-person", fellow_email: "awa@example.org" }).execute()
    await setup.db.destroy()
    const clean = bytesIn(join(dir, "base"))

    // an import of 25,000 participants killed with SIGKILL inside its transaction
    const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "..", "support", "import-child.ts"), dir, "25000"], { stdio: ["ignore", "pipe", "inherit"] })
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => void (d.toString().includes("inserted") ? resolve() : undefined))
      child.on("exit", (code) => reject(new Error(`the import child exited (${code}) before it inserted`)))
    })
    child.kill("SIGKILL")
    await new Promise((resolve) => child.once("exit", resolve))
    const killed = bytesIn(join(dir, "base"))
    expect(killed).toBeGreaterThan(clean + 2_000_000)

    // the next process finds the lock of a dead process: recovery rolls the import back, and a
    // VACUUM marks its rows' space free
    const after = await openDatabase({ pgliteDir: dir })
    const stats = await sql<{ n: string; vacuumed: Date | null }>`select (select count(*) from participants) as n, last_vacuum as vacuumed from pg_stat_user_tables where relname = 'participants'`.execute(after.db)
    expect(Number(stats.rows[0]!.n)).toBe(0)
    expect(stats.rows[0]!.vacuumed).not.toBeNull()
    // the import's rows were the table's last pages: the VACUUM cut them off the file
    expect(await heapPages(after.db)).toBe(0)
    const vacuumed = bytesIn(join(dir, "base"))
    expect(vacuumed).toBeLessThan(killed)

    // the indexes keep their dead entries' pages until VACUUM FULL rewrites them
    const reclaimed = (await reclaimSpace(after))!
    expect(reclaimed.rewritten).toEqual(["participants"])
    expect(reclaimed.before).toBeGreaterThan(reclaimed.after)
    expect(bytesIn(join(dir, "base"))).toBeLessThan(vacuumed)
    expect(bytesIn(join(dir, "base"))).toBeLessThan(clean + 1_000_000)
    // once compact, nothing more is rewritten
    expect((await reclaimSpace(after))!.rewritten).toEqual([])
    // nothing lost
    expect((await after.db.selectFrom("sites").select("id").execute()).map((r) => r.id)).toEqual(["sn-dakar"])
    await after.db.destroy()
  })

  it("leaves PostgreSQL (its autovacuum does it) and in-memory databases to themselves", async () => {
    const url = process.env["DATABASE_URL"]
    for (const options of [{ pgliteDir: "memory://" }, ...(url === undefined || url === "" ? [] : [{ url }])]) {
      const opened = await openDatabase(options)
      expect(await reclaimSpace(opened)).toBeUndefined()
      await opened.db.destroy()
    }
  })
})
