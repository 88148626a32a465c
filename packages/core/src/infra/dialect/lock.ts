// The lock file that keeps a workspace's embedded database to one process at a time. It names its
// holder by more than a PID: a PID is reused (after a reboot, or in a container where convene
// ran as PID 1 and the next one is PID 1 again), so the lock also records the holder's start time
// (field 22 of /proc/PID/stat, clock ticks since boot) and the kernel's boot id. A lock whose
// holder is no longer that very process is taken over at once, through a takeover file created
// with O_EXCL, so that of several processes finding the same stale lock exactly one replaces it.
import { linkSync, readFileSync, readlinkSync, statSync, unlinkSync, writeFileSync } from "node:fs"
import { createHash } from "node:crypto"
import { hostname, uptime } from "node:os"

/** Who holds a lock: what its file says. `start` and `boot` are absent where /proc is not (macOS, Windows) and in locks written by convene before 0.x. */
export interface LockHolder {
  readonly pid: number
  /** Start time of the process, in clock ticks after boot (/proc/PID/stat field 22). */
  readonly start?: string | undefined
  /** /proc/sys/kernel/random/boot_id of the kernel it ran on. */
  readonly boot?: string | undefined
  /** The PID namespace it ran in (/proc/self/ns/pid), for messages. */
  readonly pidns?: string | undefined
  readonly host?: string | undefined
  /** When it took the lock (ISO 8601). */
  readonly since?: string | undefined
}

/** What a process waiting for the lock is told, about once a second. */
export interface LockWait {
  readonly holder: LockHolder
  readonly waitedMs: number
  readonly timeoutMs: number
}

export interface LockOptions {
  readonly timeoutMs: number
  /** Called while the lock is held by another live process: at once, then about every second. */
  readonly onWait?: ((wait: LockWait) => void) | undefined
  readonly pollMs?: number | undefined
}

const readText = (path: string): string | undefined => {
  try {
    return readFileSync(path, "utf8")
  } catch {
    return undefined
  }
}

/** A process's start time in clock ticks after boot, from /proc/PID/stat; undefined when it does not exist or /proc is not there. */
export const processStartTime = (pid: number): string | undefined => {
  const stat = readText(`/proc/${pid}/stat`)
  if (stat === undefined) return undefined
  // the command name (field 2) is in parentheses and may hold spaces and parentheses itself
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  return fields[22 - 3]
}

const bootId = (): string | undefined => readText("/proc/sys/kernel/random/boot_id")?.trim()

const pidNamespace = (): string | undefined => {
  try {
    return readlinkSync("/proc/self/ns/pid")
  } catch {
    return undefined
  }
}

/** This process as a lock holder. */
export const currentHolder = (since: Date = new Date()): LockHolder => ({
  pid: process.pid,
  start: processStartTime(process.pid),
  boot: bootId(),
  pidns: pidNamespace(),
  host: hostname(),
  since: since.toISOString()
})

/** Reads a lock file's text: the JSON this module writes, or the bare PID of older versions. */
export const parseHolder = (text: string): LockHolder | undefined => {
  const trimmed = text.trim()
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed) }
  try {
    const json = JSON.parse(trimmed) as Partial<LockHolder>
    if (typeof json.pid !== "number" || !Number.isInteger(json.pid) || json.pid <= 0) return undefined
    const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined)
    return { pid: json.pid, start: str(json.start), boot: str(json.boot), pidns: str(json.pidns), host: str(json.host), since: str(json.since) }
  } catch {
    return undefined
  }
}

const pidExists = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"
  }
}

/**
 * Whether the process a lock names still runs. With a boot id and a start time (Linux) that is
 * exact: another kernel since (a reboot) or another process under the same PID (a container's
 * PID 1 again, a PID reused) means the holder is gone. A lock of an older version holds only a
 * PID: its holder is gone when the process under that PID started after the lock was written.
 * Without /proc, the PID alone decides.
 */
export const holderAlive = (holder: LockHolder, lockWrittenAt?: Date): boolean => {
  const boot = bootId()
  if (holder.boot !== undefined && boot !== undefined && holder.boot !== boot) return false
  if (!pidExists(holder.pid)) return false
  const start = processStartTime(holder.pid)
  if (start === undefined) return true // no /proc: the PID is all there is to go by
  if (holder.start !== undefined) return holder.start === start
  if (lockWrittenAt === undefined) return true
  // an older lock: compare when the process under that PID started (100 ticks a second on
  // Linux, with a second's slack) with when the lock was written
  const startedAt = Date.now() - uptime() * 1000 + (Number(start) / 100) * 1000
  return startedAt <= lockWrittenAt.getTime() + 1000
}

const describe = (h: LockHolder): string =>
  `PID ${h.pid}${h.host === undefined || h.host === hostname() ? "" : ` on ${h.host}`}${h.since === undefined ? "" : ` since ${h.since}`}`

/** A lock taken: how to release it, and whose stale lock it replaced (its holder died holding it). */
export interface HeldLock {
  readonly release: () => void
  readonly tookOver: LockHolder | undefined
}

/** The error when the lock stays held past the timeout. */
export class LockTimeout extends Error {
  constructor(readonly file: string, readonly holder: LockHolder, what: string) {
    super(`${what} is in use by another convene process (${describe(holder)}); wait for it to finish, or set DATABASE_URL to share a PostgreSQL server between processes`)
  }
}

let tempCount = 0

/**
 * Creates `path` holding `text`, or returns false when it exists. The text is written to a file
 * of our own first and linked into place, so that nobody ever reads the lock half-written.
 */
const createExclusive = (path: string, text: string): boolean => {
  const temp = `${path}.${process.pid}.${tempCount++}.tmp`
  writeFileSync(temp, text)
  try {
    linkSync(temp, path)
    return true
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === "EEXIST") return false
    // a file system without hard links: create with O_EXCL, then write
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "ENOSYS") throw e
    try {
      writeFileSync(path, text, { flag: "wx" })
      return true
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === "EEXIST") return false
      throw e2
    }
  } finally {
    unlinkQuietly(temp)
  }
}

const unlinkQuietly = (path: string): void => {
  try {
    unlinkSync(path)
  } catch {
    // already gone
  }
}

/**
 * Replaces the stale lock whose text is `stale` by ours, or does nothing when another process
 * does it first. The takeover files are named after the stale text, and created with O_EXCL: of
 * several processes that found this same stale lock, one gets to replace it; it checks, while it
 * holds the takeover file, that the lock still says `stale` before removing it (nobody else can
 * remove that lock meanwhile: its holder is gone, and the others wait on the takeover file). A
 * takeover file left by a process that died in those few milliseconds is passed over for the
 * next number. Returns true when the lock is ours.
 */
const takeOver = (file: string, stale: string, mine: string): boolean => {
  const key = createHash("sha256").update(stale).digest("hex").slice(0, 16)
  for (let n = 0; n < 8; n++) {
    const marker = `${file}.takeover-${key}-${n}`
    if (!createExclusive(marker, mine)) {
      const other = readText(marker)
      const holder = other === undefined ? undefined : parseHolder(other)
      // another process is taking it over right now: let it
      if (other === undefined || holder === undefined || holderAlive(holder)) return false
      continue
    }
    try {
      if (readText(file) !== stale) return false
      unlinkSync(file)
      return createExclusive(file, mine)
    } finally {
      unlinkQuietly(marker)
    }
  }
  return false
}

/**
 * Takes the lock `file` for this process, waiting up to `timeoutMs` while another live process
 * holds it (telling `onWait` about it), and taking over at once a lock whose holder is gone.
 * Returns the function that releases it, and the holder of the lock it took over, if it did.
 *
 * @example
 * const { release } = await acquireLock("/ws/.convene/db.lock", { timeoutMs: 30_000, onWait: (w) => console.error(`waiting for PID ${w.holder.pid}`) }, "the embedded database")
 */
export const acquireLock = async (file: string, options: LockOptions, what = "the lock"): Promise<HeldLock> => {
  const started = Date.now()
  const mine = JSON.stringify(currentHolder())
  const pollMs = options.pollMs ?? 100
  let told = -Infinity
  let tookOver: LockHolder | undefined
  for (;;) {
    if (createExclusive(file, mine)) break
    const text = readText(file)
    if (text === undefined) continue // released between our two looks
    const holder = parseHolder(text)
    let writtenAt: Date | undefined
    try {
      writtenAt = statSync(file).mtime
    } catch {
      continue
    }
    if (holder === undefined || !holderAlive(holder, writtenAt)) {
      if (takeOver(file, text, mine)) {
        tookOver = holder ?? { pid: 0 }
        break
      }
      continue
    }
    const waited = Date.now() - started
    // a timeout of 0 tries once
    if (waited >= options.timeoutMs) throw new LockTimeout(file, holder, what)
    if (options.onWait !== undefined && waited - told >= 1000) {
      told = waited
      options.onWait({ holder, waitedMs: waited, timeoutMs: options.timeoutMs })
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs))
  }
  return {
    release: () => {
      if (readText(file) === mine) unlinkQuietly(file)
    },
    tookOver
  }
}
