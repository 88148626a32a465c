// A child process for the lock race: says "ready", waits for "go" on stdin, then tries once
// (no waiting) to take each of the lock files DIR/0.lock … DIR/(COUNT-1).lock in turn, prints
// "won N" for each it gets and "done" at the end, and holds what it won until its stdin closes.
// Usage: node --import tsx lock-child.ts DIR COUNT
import { join } from "node:path"
import { acquireLock, LockTimeout } from "../../src/infra/dialect/lock.js"

const [dir, count] = [process.argv[2]!, Number(process.argv[3])]
process.stdout.write("ready\n")
process.stdin.once("data", async () => {
  const releases: Array<() => void> = []
  for (let i = 0; i < count; i++) {
    try {
      releases.push((await acquireLock(join(dir, `${i}.lock`), { timeoutMs: 0, pollMs: 1 })).release)
      process.stdout.write(`won ${i}\n`)
    } catch (e) {
      if (!(e instanceof LockTimeout)) process.stdout.write(`error ${String(e)}\n`)
    }
  }
  process.stdout.write("done\n")
  process.stdin.once("end", () => {
    for (const release of releases) release()
    process.exit(0)
  })
  process.stdin.resume()
})
