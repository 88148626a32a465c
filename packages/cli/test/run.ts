// Runs the built `convene` binary as a user would: a child process in a workspace folder.
import { execFile } from "node:child_process"
import { join } from "node:path"

export const bin = join(import.meta.dirname, "..", "bin", "run.js")

export interface RunResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs `convene ...args` in `cwd` on the embedded database unless env says otherwise (a variable given as undefined is unset). */
export const convene = (cwd: string, args: ReadonlyArray<string>, env: Record<string, string | undefined> = {}): Promise<RunResult> =>
  new Promise((resolve) => {
    const merged: Record<string, string | undefined> = { ...process.env, DATABASE_URL: "", NO_COLOR: "1", ...env }
    for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k]
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd, env: merged, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr })
    )
  })

/** Runs a command with --json and parses its output. */
export const conveneJson = async <A = any>(cwd: string, args: ReadonlyArray<string>, env: Record<string, string> = {}): Promise<{ readonly code: number; readonly json: A; readonly stderr: string }> => {
  const r = await convene(cwd, [...args, "--json"], env)
  try {
    return { code: r.code, json: JSON.parse(r.stdout) as A, stderr: r.stderr }
  } catch {
    throw new Error(`convene ${args.join(" ")} --json did not print JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`)
  }
}
