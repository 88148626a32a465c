// The embedded database's lock file: its holder is named by PID, start time and boot id, so a
// lock naming a PID that now belongs to another process (a container's PID 1 again, a reused
// PID) is taken over at once; a live holder is waited for, with word of who it is; and of
// several processes racing for one stale lock, exactly one gets it.
import { spawn } from "node:child_process"
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs"
import { mkdtemp } from "node:fs/promises"
import { tmpdir, uptime } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { acquireLock, currentHolder, type LockWait, LockTimeout, processStartTime } from "../../src/infra/dialect/lock.js"

const onLinux = existsSync("/proc/self/stat")
const bootId = onLinux ? readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() : undefined

const lockIn = async (): Promise<string> => join(await mkdtemp(join(tmpdir(), "convene-lock-")), "db.lock")

/** A lock as this version writes it, for `pid`, with the start time given. */
const lockOf = (pid: number, start: string | undefined, boot = bootId): string => JSON.stringify({ pid, start, boot, host: "old-container", since: "2026-11-30T00:00:00.000Z" })

describe.skipIf(!onLinux)("the workspace lock (Linux: /proc; skipped elsewhere, where the PID alone decides)", () => {
  it("takes over at once a lock naming a live but unrelated PID: same PID, another start time", async () => {
    const file = await lockIn()
    // the test runner's parent is alive, but it is not the process that wrote this lock
    const ppidStart = processStartTime(process.ppid)!
    writeFileSync(file, lockOf(process.ppid, String(Number(ppidStart) + 12345)))
    const waits: Array<LockWait> = []
    // a timeout of 0: any wait at all would fail
    const { release, tookOver } = await acquireLock(file, { timeoutMs: 0, onWait: (w) => waits.push(w) })
    expect(waits).toEqual([])
    expect(tookOver).toMatchObject({ pid: process.ppid, host: "old-container" })
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ pid: process.pid, start: processStartTime(process.pid), boot: bootId })
    release()
    expect(existsSync(file)).toBe(false)
  })

  it("takes over a lock written by convene as PID 1 of a container, and a lock from before a reboot", async () => {
    const file = await lockIn()
    writeFileSync(file, lockOf(1, String(Number(processStartTime(1)) + 1)))
    ;(await acquireLock(file, { timeoutMs: 0 })).release()
    writeFileSync(file, lockOf(process.ppid, processStartTime(process.ppid), "00000000-0000-0000-0000-000000000000"))
    ;(await acquireLock(file, { timeoutMs: 0 })).release()
    expect(readdirSync(join(file, ".."))).toEqual([])
  })

  it("takes over a bare-PID lock of an older version when that PID started after the lock was written", async () => {
    const file = await lockIn()
    writeFileSync(file, String(process.ppid))
    const beforeBoot = new Date(Date.now() - uptime() * 1000 - 3_600_000)
    utimesSync(file, beforeBoot, beforeBoot)
    ;(await acquireLock(file, { timeoutMs: 0 })).release()
    // written now, by a PID that runs: its holder, as far as anyone can tell
    writeFileSync(file, String(process.ppid))
    await expect(acquireLock(file, { timeoutMs: 150, pollMs: 10 })).rejects.toBeInstanceOf(LockTimeout)
  })

  it("waits for a live holder, saying who it is, then gives up naming it", async () => {
    const file = await lockIn()
    writeFileSync(file, lockOf(process.ppid, processStartTime(process.ppid)))
    const waits: Array<LockWait> = []
    const error = await acquireLock(file, { timeoutMs: 1200, pollMs: 20, onWait: (w) => waits.push(w) }, "the embedded database in /ws/.convene/db").catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LockTimeout)
    expect((error as Error).message).toBe(`the embedded database in /ws/.convene/db is in use by another convene process (PID ${process.ppid} on old-container since 2026-11-30T00:00:00.000Z); wait for it to finish, or set DATABASE_URL to share a PostgreSQL server between processes`)
    // at once, then about every second
    expect(waits.length).toBeGreaterThanOrEqual(2)
    expect(waits[0]).toMatchObject({ holder: { pid: process.ppid }, timeoutMs: 1200 })
    expect(waits[1]!.waitedMs - waits[0]!.waitedMs).toBeGreaterThanOrEqual(1000)
    // the lock was left alone
    expect(JSON.parse(readFileSync(file, "utf8")).pid).toBe(process.ppid)
  })

  it("gives each stale lock to exactly one of several processes racing for it", async () => {
    // 4 processes race through the same 300 stale locks, one after the other
    const dir = await mkdtemp(join(tmpdir(), "convene-lock-race-"))
    const count = 300
    const stale = lockOf(process.ppid, String(Number(processStartTime(process.ppid)) + 777))
    for (let i = 0; i < count; i++) writeFileSync(join(dir, `${i}.lock`), stale)
    const children = Array.from({ length: 4 }, () => {
      const proc = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "..", "support", "lock-child.ts"), dir, String(count)], { stdio: ["pipe", "pipe", "inherit"] })
      let out = ""
      const waitFor = (word: string) => new Promise<void>((resolve) => {
        const check = () => void (out.includes(word) ? resolve() : undefined)
        proc.stdout.on("data", check)
        check()
      })
      proc.stdout.on("data", (d: Buffer) => void (out += d.toString()))
      return { proc, ready: waitFor("ready\n"), done: waitFor("done\n"), exited: new Promise<void>((resolve) => proc.on("exit", () => resolve())), out: () => out }
    })
    await Promise.all(children.map((c) => c.ready))
    for (const c of children) c.proc.stdin.write("go\n")
    await Promise.all(children.map((c) => c.done))
    expect(children.map((c) => c.out()).join("")).not.toContain("error")
    const winners = new Map<number, Array<number>>()
    for (const c of children) for (const m of c.out().matchAll(/^won (\d+)$/gm)) winners.set(Number(m[1]), [...(winners.get(Number(m[1])) ?? []), c.proc.pid!])
    const twice = [...winners].filter(([, pids]) => pids.length > 1)
    expect(twice, `locks won by two processes: ${twice.map(([i]) => i).join(", ")}`).toEqual([])
    expect(winners.size).toBe(count)
    for (const [i, [pid]] of winners) expect(JSON.parse(readFileSync(join(dir, `${i}.lock`), "utf8")).pid).toBe(pid)
    for (const c of children) c.proc.stdin.end()
    await Promise.all(children.map((c) => c.exited))
    // every winner released its locks; no takeover or temporary file is left behind
    expect(readdirSync(dir)).toEqual([])
  })

  it("writes its holder whole: PID, start time, boot id, host, since", () => {
    const me = currentHolder(new Date("2026-11-30T12:00:00Z"))
    expect(me).toMatchObject({ pid: process.pid, start: processStartTime(process.pid), boot: bootId, since: "2026-11-30T12:00:00.000Z" })
    expect(me.start).toMatch(/^\d+$/)
  })
})
