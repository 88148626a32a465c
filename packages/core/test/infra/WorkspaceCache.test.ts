/**
 * The workspace cache (infra/WorkspaceCache.ts): what opening a workspace decodes is read back
 * from `.convene/workspace-cache.json` only while the files, the build and the runtime are the
 * same, gives the same workspace as decoding, and never fails an open.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { beforeEach, describe, expect, it } from "vitest"
import { InputError } from "../../src/domain/Errors.js"
import { openWorkspace, type Workspace } from "../../src/infra/Workspace.js"
import { isPlainJson, WORKSPACE_CACHE_FILE } from "../../src/infra/WorkspaceCache.js"
import { exampleDir } from "../support/kit-workspace.js"

/** What a command sees of a workspace: the dialogue, and the site files' sessions and facilitators. */
const seen = (ws: Workspace) => ({
  dialogue: ws.dialogue,
  sessions: [...(ws.sessions?.bySite ?? new Map())].map(([site, d]) => [site, d.file, d.session]),
  countries: [...(ws.sessions?.byCountry ?? new Map())].map(([country, d]) => [country, d.site]),
  facilitators: ws.facilitators
})

describe("the workspace cache", () => {
  let dir: string
  const cacheFile = () => join(dir, ".convene", WORKSPACE_CACHE_FILE)
  beforeEach(async () => {
    dir = join(await mkdtemp(join(tmpdir(), "convene-wscache-")), "ws")
    await cp(exampleDir, dir, { recursive: true, filter: (src) => !/[\\/](\.convene|out)$/.test(src) })
  })

  it("gives the workspace that decoding gives, and is read back while nothing changes", async () => {
    const decoded = await openWorkspace(dir)
    expect(decoded.sessions?.byCountry.get("MX")?.site).toBe("mx-oaxaca")
    expect(decoded.facilitators?.length).toBeGreaterThan(0)
    const first = await openWorkspace(dir, { cacheBuild: "build-a" })
    expect(seen(first)).toEqual(seen(decoded))
    const stored = JSON.parse(await readFile(cacheFile(), "utf8")) as { key: Array<string>; value: { dialogue: { title: string } } }
    // the cached value is the one read: a title changed in the cache alone shows through
    stored.value.dialogue.title = "From the cache"
    await writeFile(cacheFile(), JSON.stringify(stored))
    expect((await openWorkspace(dir, { cacheBuild: "build-a" })).dialogue.title).toBe("From the cache")
    // another build never reads it, and without a build nothing is cached
    expect((await openWorkspace(dir, { cacheBuild: "build-b" })).dialogue.title).toBe(decoded.dialogue.title)
    expect((await openWorkspace(dir)).dialogue.title).toBe(decoded.dialogue.title)
  })

  it("decodes again when convene.yaml or a site file changes, and reports their errors", async () => {
    await openWorkspace(dir, { cacheBuild: "b" })
    const yaml = await readFile(join(dir, "convene.yaml"), "utf8")
    await writeFile(join(dir, "convene.yaml"), yaml.replace(/^title: .*$/m, "title: A new title"))
    expect((await openWorkspace(dir, { cacheBuild: "b" })).dialogue.title).toBe("A new title")

    const site = join(dir, "sites", "mx-oaxaca", "site.yaml")
    const before = (await openWorkspace(dir, { cacheBuild: "b" })).sessions?.byCountry.get("MX")?.session.blocks.length
    expect(before).toBe(2)
    await writeFile(site, `${await readFile(site, "utf8")}\nfacilitators: 3\n`)
    await expect(openWorkspace(dir, { cacheBuild: "b" })).rejects.toThrow(InputError)
    await writeFile(join(dir, "convene.yaml"), "title: [unclosed\n")
    const error = await openWorkspace(dir, { cacheBuild: "b" }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).problems[0]?.file).toMatch(/convene\.yaml$/)
    await writeFile(join(dir, "convene.yaml"), yaml)
    await writeFile(site, (await readFile(site, "utf8")).replace("\nfacilitators: 3\n", ""))
    expect((await openWorkspace(dir, { cacheBuild: "b" })).sessions?.byCountry.get("MX")?.session.blocks.length).toBe(before)
  })

  it("treats a torn or foreign cache as a miss, and opens where it cannot write", async () => {
    const decoded = seen(await openWorkspace(dir))
    await openWorkspace(dir, { cacheBuild: "b" })
    await writeFile(cacheFile(), '{"key":["1","b"')
    expect(seen(await openWorkspace(dir, { cacheBuild: "b" }))).toEqual(decoded)
    await writeFile(cacheFile(), "[]")
    expect(seen(await openWorkspace(dir, { cacheBuild: "b" }))).toEqual(decoded)
    // `.convene` is a file: nothing can be written there, and the open still succeeds
    await rm(join(dir, ".convene"), { recursive: true })
    await writeFile(join(dir, ".convene"), "")
    expect(seen(await openWorkspace(dir, { cacheBuild: "b" }))).toEqual(decoded)
  })
})

describe("isPlainJson", () => {
  it("accepts what JSON gives back unchanged, and nothing else", () => {
    expect(isPlainJson({ a: [1, "x", true, null, { b: 2.5 }], c: {} })).toBe(true)
    expect(isPlainJson(Object.create(null))).toBe(true)
    for (const value of [{ a: undefined }, [1, , 3], { m: new Map() }, new Date(0), { n: Number.NaN }, { n: Infinity }, -0, { f: () => 1 }, 1n, new (class Site {})()]) {
      expect(isPlainJson(value), String(value)).toBe(false)
    }
  })
})
