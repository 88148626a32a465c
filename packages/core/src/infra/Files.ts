/**
 * File IO as Effects: every failure becomes a {@link FileError} naming the path, never a crash.
 * Workflows read and write through these, not through `node:fs` inside `Effect.promise`.
 */
import * as Effect from "effect/Effect"
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises"
import { dirname, relative } from "node:path"
import { FileError } from "../domain/Errors.js"

/**
 * Runs a promise-returning file operation, turning its failure into a {@link FileError}.
 *
 * @example
 * const text = yield* fileOp("read", "convene.yaml", () => readFile("convene.yaml", "utf8"))
 */
export const fileOp = <A>(operation: FileError["operation"], path: string, run: () => Promise<A>): Effect.Effect<A, FileError> =>
  Effect.tryPromise({ try: run, catch: (cause) => new FileError({ operation, path, cause }) })

/** A UTF-8 text file. */
export const readText = (path: string): Effect.Effect<string, FileError> => fileOp("read", path, () => readFile(path, "utf8"))

/** Writes a file, creating its folder first. */
export const writeFileIn = (path: string, content: string | Uint8Array): Effect.Effect<void, FileError> =>
  fileOp("write", path, async () => {
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, content)
  })

/** Creates a folder and its parents. */
export const makeDir = (path: string): Effect.Effect<void, FileError> => fileOp("write", path, () => mkdir(path, { recursive: true }).then(() => undefined))

/** The names in a folder; an absent folder has none. */
export const listDir = (path: string): Effect.Effect<Array<string>, FileError> =>
  fileOp("list", path, () => readdir(path).catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? [] : Promise.reject(e))))

/** Removes a file or folder; an absent one is fine. */
export const removePath = (path: string): Effect.Effect<void, FileError> => fileOp("remove", path, () => rm(path, { recursive: true, force: true }))

/** Shows paths relative to the working folder in messages. */
export const displayPath = (file: string): string => {
  const rel = relative(process.cwd(), file)
  return rel === "" || rel.startsWith("..") ? file : rel
}
