// Runs the built `convene` binary as a user would: a child process in a workspace folder.
import type { DatabaseOptions } from "@convene/core/infra"
import { pgliteDirOf } from "@convene/core/infra"
import pg from "pg"
import { execFile } from "node:child_process"
import { join, relative, resolve, sep } from "node:path"

export const bin = join(import.meta.dirname, "..", "bin", "run.js")

export interface RunResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** The workspaces given a store of their own by `useTestStore`, by folder. */
const stores = new Map<string, { readonly env: Record<string, string>; readonly schema?: string }>()

/** The folder a command works in: its `--dir`, else its working directory. */
const workspaceOf = (cwd: string, args: ReadonlyArray<string>): string => {
  const at = args.findIndex((a) => a === "--dir" || a.startsWith("--dir="))
  if (at === -1) return resolve(cwd)
  const value = args[at]!.startsWith("--dir=") ? args[at]!.slice("--dir=".length) : args[at + 1] ?? "."
  return resolve(cwd, value)
}

/** The environment of the store registered for the workspace a command works in (or inside), if any. */
const storeEnvOf = (cwd: string, args: ReadonlyArray<string>): Record<string, string> => {
  const dir = workspaceOf(cwd, args)
  for (const [ws, store] of stores) {
    const rel = relative(ws, dir)
    if (rel === "" || (!rel.startsWith("..") && !rel.startsWith(sep))) return store.env
  }
  return {}
}

const testDatabaseUrl = process.env["DATABASE_URL"]
let schemas = 0

/**
 * Gives the workspace in `dir` (already made by `convene init`) a store of its own for the rest
 * of the test file: with DATABASE_URL set (CI), a fresh PostgreSQL schema, migrated by
 * `convene db migrate`; without it, the workspace's embedded database, as a user has it. Every
 * later `convene(…)` in that workspace runs on it, unless its env names DATABASE_URL itself.
 * The embedded open costs about 1.5 s of CPU per command, a PostgreSQL connection a few
 * milliseconds: the long command sequences of the CLI tests run on PostgreSQL in CI, while the
 * embedded database's own behaviour (the lock, the folder) is tested on it explicitly, and the
 * storage layer on both in @convene/core's tests. Returns the options for opening the same store
 * from the SDK (to seed data).
 */
export const useTestStore = async (dir: string): Promise<DatabaseOptions> => {
  const ws = resolve(dir)
  if (testDatabaseUrl === undefined || testDatabaseUrl === "") {
    stores.set(ws, { env: { DATABASE_URL: "" } })
    return { pgliteDir: pgliteDirOf(ws) }
  }
  const schema = `convene_test_${process.pid}_${++schemas}`
  const admin = new pg.Client({ connectionString: testDatabaseUrl })
  await admin.connect()
  try {
    await admin.query(`drop schema if exists ${schema} cascade; create schema ${schema}`)
  } finally {
    await admin.end()
  }
  const url = new URL(testDatabaseUrl)
  url.searchParams.set("options", `-c search_path=${schema}`)
  const env = { DATABASE_URL: url.toString() }
  stores.set(ws, { env, schema })
  const migrated = await convene(ws, ["db", "migrate"], env)
  if (migrated.code !== 0) throw new Error(`convene db migrate on a test schema failed (exit ${migrated.code}):\n${migrated.stdout}\n${migrated.stderr}`)
  return { url: url.toString() }
}

/** Drops the PostgreSQL schemas `useTestStore` made (call in afterAll). */
export const dropTestStores = async (): Promise<void> => {
  const schemaNames = [...stores.values()].flatMap((s) => (s.schema === undefined ? [] : [s.schema]))
  stores.clear()
  if (schemaNames.length === 0 || testDatabaseUrl === undefined) return
  const admin = new pg.Client({ connectionString: testDatabaseUrl })
  await admin.connect()
  try {
    for (const schema of schemaNames) await admin.query(`drop schema if exists ${schema} cascade`)
  } finally {
    await admin.end()
  }
}

/**
 * Runs `convene ...args` in `cwd`: on the store `useTestStore` gave its workspace, else on the
 * embedded database, unless env says otherwise (a variable given as undefined is unset).
 */
export const convene = (cwd: string, args: ReadonlyArray<string>, env: Record<string, string | undefined> = {}): Promise<RunResult> =>
  new Promise((resolve) => {
    const merged: Record<string, string | undefined> = { ...process.env, DATABASE_URL: "", NO_COLOR: "1", ...storeEnvOf(cwd, args), ...env }
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

/** The environment variables that point a process at the store of the workspace in `dir` (see `useTestStore`). */
export const storeEnv = (dir: string): Record<string, string> => storeEnvOf(dir, [])
