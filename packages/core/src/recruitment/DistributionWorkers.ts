/**
 * Worker threads that compute selection distributions in parallel, so that `recruit select --all`
 * draws as many sites at once as the machine has cores: the leximin of one site is minutes of
 * single-threaded solver work, and the sites are independent. Each worker has its own HiGHS; a job
 * is a profiled problem, sent by structured clone, and comes back as its distribution — the same
 * one, to the last digit, as computed in the main thread (the computation is deterministic).
 */
import { existsSync } from "node:fs"
import { availableParallelism } from "node:os"
import { join } from "node:path"
import { Worker } from "node:worker_threads"
import { coreDir } from "../infra/CoreDir.js"
import type { DistributionAnswer, DistributionJob } from "./DistributionWorker.js"
import type { Distribution } from "./Leximin.js"
import type { ProfiledProblem } from "./Profiles.js"

/** A pool of distribution workers: `compute` queues a job, `close` stops every worker. */
export interface DistributionWorkers {
  readonly size: number
  readonly compute: (problem: ProfiledProblem, method: "leximin" | "maximin") => Promise<Distribution>
  readonly close: () => Promise<void>
}

/** How many draws to run at once by default: one per core the process may use. */
export const defaultDrawWorkers = (): number => Math.max(1, availableParallelism())

/**
 * Starts `size` workers (from core's built `dist/recruitment/DistributionWorker.js`, found from
 * the package itself so that a bundled program such as the CLI finds it too).
 *
 * @example
 * const workers = distributionWorkers(2)
 * try {
 *   const [a, b] = await Promise.all([workers.compute(profile(p1), "leximin"), workers.compute(profile(p2), "leximin")])
 * } finally {
 *   await workers.close()
 * }
 */
export const distributionWorkers = (size: number): DistributionWorkers => {
  const file = join(coreDir(), "dist", "recruitment", "DistributionWorker.js")
  // a checkout of the sources that was never built has no worker to start: say so, not "module not found" from a thread
  if (!existsSync(file)) throw new Error(`The draw's worker thread is not built (${file} is missing): run \`pnpm run build\`, or draw one site at a time (workers: 1, \`--workers 1\`).`)
  const pending = new Map<number, { resolve: (d: Distribution) => void; reject: (e: Error) => void }>()
  const queue: Array<DistributionJob> = []
  const idle: Array<Worker> = []
  const busy = new Map<Worker, number>()
  let next = 0
  let closed = false
  const dispatch = (): void => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop()!
      const job = queue.shift()!
      busy.set(worker, job.id)
      worker.postMessage(job)
    }
  }
  const fail = (worker: Worker, error: Error): void => {
    const id = busy.get(worker)
    busy.delete(worker)
    if (id !== undefined) {
      pending.get(id)?.reject(error)
      pending.delete(id)
    }
  }
  const workers = Array.from({ length: Math.max(1, size) }, () => {
    const worker = new Worker(file)
    worker.on("message", (answer: DistributionAnswer) => {
      const waiting = pending.get(answer.id)
      pending.delete(answer.id)
      busy.delete(worker)
      if ("error" in answer) waiting?.reject(new Error(answer.error))
      else waiting?.resolve(answer.distribution)
      idle.push(worker)
      dispatch()
    })
    worker.on("error", (e) => fail(worker, e))
    worker.on("exit", (code) => {
      if (closed) return
      // a worker that stops is a fault: its job fails, and so does every job still queued
      const error = new Error(`a draw worker stopped (exit code ${code})`)
      fail(worker, error)
      for (const job of queue.splice(0)) {
        pending.get(job.id)?.reject(error)
        pending.delete(job.id)
      }
    })
    idle.push(worker)
    return worker
  })
  return {
    size: workers.length,
    compute: (problem, method) =>
      new Promise<Distribution>((resolve, reject) => {
        if (closed) return reject(new Error("the draw workers are closed"))
        const id = next++
        pending.set(id, { resolve, reject })
        queue.push({ id, problem, method })
        dispatch()
      }),
    close: async () => {
      closed = true
      await Promise.all(workers.map((w) => w.terminate()))
      for (const { reject } of pending.values()) reject(new Error("the draw workers were closed"))
      pending.clear()
    }
  }
}
