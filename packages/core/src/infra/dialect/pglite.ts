// The embedded default: PostgreSQL compiled to WebAssembly (PGlite), data kept in a folder of
// the workspace. Nothing to install or configure. PGlite serves one process at a time, so the
// folder is guarded by a lock file: a second convene process waits for the first to finish
// (or takes over a lock whose process is gone) instead of corrupting the data.
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs"
import { join } from "node:path"
import { Kysely, PGliteDialect } from "kysely"
import type { Tables } from "../Tables.js"

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"
  }
}

/** Takes the folder's lock, waiting up to `timeoutMs` for another live process to release it. */
const lock = async (dataDir: string, timeoutMs: number): Promise<() => void> => {
  const file = join(dataDir, "..", "db.lock")
  const started = Date.now()
  for (;;) {
    try {
      const fd = openSync(file, "wx")
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return () => {
        try {
          if (readFileSync(file, "utf8") === String(process.pid)) unlinkSync(file)
        } catch {
          // already gone
        }
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e
    }
    let holder = Number.NaN
    try {
      holder = Number(readFileSync(file, "utf8"))
    } catch {
      continue // released between our two looks
    }
    if (!Number.isInteger(holder) || !isAlive(holder)) {
      // a lock left by a process that is gone (killed, crashed): take it over
      try {
        unlinkSync(file)
      } catch {
        // someone else took it over first
      }
      continue
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `the embedded database in ${dataDir} is in use by another convene process (pid ${holder}); wait for it to finish, or set DATABASE_URL to share a PostgreSQL server between processes`
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Opens (creating when needed) the PGlite database in `dataDir`; `memory://` for a throwaway one. */
export const openPGlite = async (dataDir: string, options: { readonly lockTimeoutMs?: number } = {}): Promise<Kysely<Tables>> => {
  const inMemory = dataDir.startsWith("memory://")
  let release = (): void => {}
  if (!inMemory) {
    mkdirSync(dataDir, { recursive: true })
    release = await lock(dataDir, options.lockTimeoutMs ?? 30_000)
  }
  try {
    const { PGlite } = await import("@electric-sql/pglite")
    const pglite = await PGlite.create(dataDir)
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
