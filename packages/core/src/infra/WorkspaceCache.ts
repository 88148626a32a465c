/**
 * A cache of what opening a workspace decodes (`convene.yaml` and every `sites/<id>/site.yaml`),
 * in `.convene/workspace-cache.json`, so that a command does not parse and decode the same YAML
 * again: on the example workspace that is ~70–100 ms of every command's start on a cold process
 * (docs/performance.md, "The workspace cache, time zones and `--json`").
 *
 * The cache is keyed by everything the decoding depends on: the build of convene that
 * decoded it (a caller-given identity, so that a rebuilt decoder never reads an older build's
 * output), Node's version and ICU data (time zones and locales are checked through `Intl`), and
 * each file's name as reported in errors and its text. A value is cached only if it is made of
 * plain JSON data, so that reading it back gives the very value the decoder returned. Reading and
 * writing the cache never fail a command: an unreadable, stale or torn cache is a miss, and a
 * folder that cannot be written is left alone.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"

/** The cache file, in the workspace's `.convene/` folder. */
export const WORKSPACE_CACHE_FILE = "workspace-cache.json"

/** The files a workspace's decoding reads: their names as errors report them, and their texts. */
export type CachedInputs = ReadonlyArray<readonly [name: string, text: string]>

const FORMAT = 1

/**
 * The key of a decoding: the build, the runtime's version and ICU data, and the inputs' names and
 * texts, kept whole (compared, not hashed: exact, and cheaper than loading a hash function).
 */
export const workspaceCacheKey = (build: string, inputs: CachedInputs): ReadonlyArray<string> => [
  String(FORMAT),
  build,
  process.version,
  process.versions.icu ?? "",
  process.versions.tz ?? "",
  ...inputs.flat()
]

const sameKey = (a: unknown, b: ReadonlyArray<string>): boolean =>
  Array.isArray(a) && a.length === b.length && a.every((x, i) => x === b[i])

/**
 * True when `value` is plain JSON data that `JSON.parse(JSON.stringify(value))` gives back
 * unchanged: objects with the plain prototype, arrays, strings, booleans, null and finite
 * numbers (not -0); no Map, Date, class instance, undefined property or array hole.
 */
export const isPlainJson = (value: unknown): boolean => {
  const stack: Array<unknown> = [value]
  while (stack.length > 0) {
    const v = stack.pop()
    if (v === null || typeof v === "string" || typeof v === "boolean") continue
    if (typeof v === "number") {
      if (!Number.isFinite(v) || Object.is(v, -0)) return false
      continue
    }
    if (typeof v !== "object") return false
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        if (!(i in v)) return false
        stack.push(v[i])
      }
      continue
    }
    const proto = Object.getPrototypeOf(v)
    if (proto !== Object.prototype && proto !== null) return false
    if (Object.getOwnPropertySymbols(v).length > 0) return false
    for (const key of Object.keys(v)) {
      const item = (v as Record<string, unknown>)[key]
      if (item === undefined) return false
      stack.push(item)
    }
  }
  return true
}

/** The cached value for `key` in the workspace's `.convene/` folder, or undefined (a miss). */
export const readWorkspaceCache = (convene: string, key: ReadonlyArray<string>): unknown => {
  try {
    const cached = JSON.parse(readFileSync(join(convene, WORKSPACE_CACHE_FILE), "utf8")) as { key?: unknown; value?: unknown }
    return sameKey(cached.key, key) ? cached.value : undefined
  } catch {
    return undefined
  }
}

/**
 * Stores `value` for `key` in the workspace's `.convene/` folder, if it is plain JSON data
 * ({@link isPlainJson}). Written to a temporary file and renamed, so that a reader sees the old
 * cache or the new one, never a part. Returns whether it was stored.
 */
export const writeWorkspaceCache = (convene: string, key: ReadonlyArray<string>, value: unknown): boolean => {
  if (!isPlainJson(value)) return false
  const file = join(convene, WORKSPACE_CACHE_FILE)
  const temporary = `${file}.${process.pid}.tmp`
  try {
    mkdirSync(convene, { recursive: true })
    writeFileSync(temporary, JSON.stringify({ key, value }))
    renameSync(temporary, file)
    return true
  } catch {
    try {
      rmSync(temporary, { force: true })
    } catch {
      // nothing was written there
    }
    return false
  }
}
