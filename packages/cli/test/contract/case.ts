// One step of the JSON contract test: a command run with --json in the contract workspace, and
// what its output must be (the command's schema in docs/json/, or the error schema).
import { spawn } from "node:child_process"
import { bin } from "../run.js"

/** What a run printed. */
export interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** One command line of the contract test, run in order in one shared workspace. */
export interface Case {
  /** The command and its arguments, without --json (the test adds it). */
  readonly args: ReadonlyArray<string>
  /** The exit statuses accepted (default: 0). */
  readonly exit?: number | ReadonlyArray<number>
  /** The output is an error: checked against error.schema.json rather than the command's. */
  readonly error?: boolean
  /** Extra environment (e.g. CONVENE_SURVEY_URL); undefined unsets a variable. */
  readonly env?: Record<string, string | undefined>
  /** Runs something first in the workspace (write a file, …). */
  readonly before?: (dir: string) => Promise<void>
  /**
   * Runs the command some other way (a server started and stopped): returns what it printed.
   * `env` selects the database the test runs on (DATABASE_URL), to be passed to the process.
   */
  readonly run?: (dir: string, args: ReadonlyArray<string>, env: Record<string, string>) => Promise<Ran>
  /** Further checks on the parsed JSON. */
  readonly check?: (json: any, dir: string) => void | Promise<void>
}

/** Starts the server with --json, waits for its one JSON line, checks /healthz answers, stops it with SIGINT. */
export const serveOnce = (dir: string, args: ReadonlyArray<string>, env: Record<string, string>): Promise<Ran> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: dir, env: { ...process.env, DATABASE_URL: "", NO_COLOR: "1", ...env } })
    let stdout = ""
    let stderr = ""
    let stopping = false
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`serve printed no JSON line within 120 s:\n${stdout}\n${stderr}`))
    }, 120_000)
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString()
      if (stopping || !stdout.includes("\n")) return
      stopping = true
      let url = ""
      try {
        url = (JSON.parse(stdout.slice(0, stdout.indexOf("\n"))) as { url: string }).url
      } catch {
        // the test reports stdout as not JSON
      }
      // the server answers before it is stopped
      void fetch(`${url}/healthz`).then((r) => r.text(), (e: Error) => `no answer: ${e.message}`).then((health) => {
        if (health.trim() !== "ok") stderr += `\n/healthz answered ${health}`
        child.kill("SIGINT")
      })
    })
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()))
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ code: code ?? 1, stdout, stderr })
    })
  })
