// The embedded default: PostgreSQL compiled to WebAssembly (PGlite), data kept in a folder of
// the workspace. Nothing to install or configure. PGlite serves one process at a time, so the
// folder is guarded by a lock file (./lock.ts): a second convene process waits for the first to
// finish (or takes over a lock whose process is gone) instead of corrupting the data.
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import { Kysely, PGliteDialect } from "kysely"
import type { Tables } from "../Tables.js"
import { acquireLock, type LockWait } from "./lock.js"

/** Opens (creating when needed) the PGlite database in `dataDir`; `memory://` for a throwaway one. */
export const openPGlite = async (
  dataDir: string,
  options: { readonly lockTimeoutMs?: number | undefined; readonly onLockWait?: ((wait: LockWait) => void) | undefined } = {}
): Promise<Kysely<Tables>> => {
  const inMemory = dataDir.startsWith("memory://")
  let release = (): void => {}
  let crashed = false
  if (!inMemory) {
    mkdirSync(dataDir, { recursive: true })
    const held = await acquireLock(join(dataDir, "..", "db.lock"), { timeoutMs: options.lockTimeoutMs ?? 30_000, onWait: options.onLockWait }, `the embedded database in ${dataDir}`)
    release = held.release
    crashed = held.tookOver !== undefined
  }
  try {
    const { PGlite } = await import("@electric-sql/pglite")
    const pglite = await PGlite.create(dataDir)
    // the last process died holding the database, most likely in the middle of a write (an
    // import killed half-way): start-up recovery rolled it back, and its rows stay behind as dead
    // space until a VACUUM makes it reusable; without one, each killed import grew the folder
    if (crashed) await pglite.exec("VACUUM")
    const db = new Kysely<Tables>({ dialect: new PGliteDialect({ pglite }) })
    // release the lock when the database is closed
    const destroy = db.destroy.bind(db)
    db.destroy = async () => {
      try {
        await destroy()
      } finally {
        release()
      }
    }
    return db
  } catch (e) {
    release()
    throw e
  }
}
