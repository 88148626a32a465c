/**
 * A worker thread that computes selection distributions (the leximin or the maximin of a profiled
 * problem) for {@link distributionWorkers}: one job at a time, each answered with the
 * distribution or the error's message. Its own HiGHS instance, loaded on the first job.
 */
import { parentPort } from "node:worker_threads"
import { type Distribution, leximin, maximin } from "./Leximin.js"
import type { ProfiledProblem } from "./Profiles.js"
import { highs } from "./Solver.js"

/** A job: which problem, by which method. */
export interface DistributionJob {
  readonly id: number
  readonly problem: ProfiledProblem
  readonly method: "leximin" | "maximin"
}

/** The answer to a job: its distribution, or why there is none. */
export type DistributionAnswer = { readonly id: number; readonly distribution: Distribution } | { readonly id: number; readonly error: string }

parentPort?.on("message", (job: DistributionJob) => {
  highs()
    .then((h) => (job.method === "leximin" ? leximin(h, job.problem) : maximin(h, job.problem)))
    .then(
      (distribution) => parentPort!.postMessage({ id: job.id, distribution } satisfies DistributionAnswer),
      (e: unknown) => parentPort!.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) } satisfies DistributionAnswer)
    )
})
