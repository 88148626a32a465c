// `convene results toolkit` through the built binary on the bundled example: refused before the
// embargo, watermarked with --internal, then one toolkit per country with validated results and
// per region with --all (folders and zips, the brief in each country's language, the deck, the
// open data); a country without validated results refused, saying so.
import { existsSync } from "node:fs"
import { mkdtemp, readdir, readFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createRequire } from "node:module"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { convene, conveneJson, dropTestStores, useTestStore } from "./run.js"

// fflate is core's zip library (the CLI does not depend on it): read the zips with it
const { strFromU8, unzipSync } = createRequire(join(import.meta.dirname, "..", "..", "core", "package.json"))("fflate") as {
  readonly unzipSync: (zip: Uint8Array) => Record<string, Uint8Array>
  readonly strFromU8: (bytes: Uint8Array) => string
}

const AFTER = "2027-06-01T00:00:00Z"
const DURING = "2027-05-15T12:00:00Z"
let ws: string
beforeAll(async () => {
  const tmp = await mkdtemp(join(tmpdir(), "convene-results-toolkit-"))
  ws = join(tmp, "dialogue")
  expect((await convene(tmp, ["init", ws, "--example", "we-the-internet"])).code).toBe(0)
  await useTestStore(ws)
  for (const r of ["fellows", "sites", "participants"]) expect((await convene(ws, [r, "import", `${r}.csv`])).code).toBe(0)
  expect((await convene(ws, ["results", "simulate", "--seed", "2"])).code).toBe(0)
  // every site validated, then Brazil's reopened: back to draft
  expect((await convene(ws, ["results", "validate", "--all-submitted"])).code).toBe(0)
  for (const id of ["br-sao-paulo", "br-recife", "br-manaus"]) expect((await convene(ws, ["results", "reopen", "--site", id, "--reason", "recount"])).code).toBe(0)
}, 300_000)

describe("convene results toolkit", () => {
  it("refuses before the embargo, and writes for staff with --internal, watermarked", async () => {
    const refused = await convene(ws, ["results", "toolkit", "--country", "SN", "--as-of", DURING])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain("under embargo until 2027-05-16T")
    expect(refused.stderr).toContain("--internal")
    const internal = await conveneJson(ws, ["results", "toolkit", "--country", "SN", "--internal", "--as-of", DURING, "--out", "internal"])
    expect(internal.code, internal.stderr).toBe(0)
    const brief = await readFile(join(ws, "internal", "sn", "brief.html"), "utf8")
    expect(brief).toContain('class="embargoed"')
    expect(brief).toMatch(/EMBARGOED until 2027-05-16T\d\d:\d\d:\d\dZ — internal, do not publish/)
  }, 120_000)

  it("says so when a country has no validated results", async () => {
    const r = await convene(ws, ["results", "toolkit", "--country", "BR", "--as-of", AFTER])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("BR has no validated results: 3 sites registered, 3 with results entered (3 draft, 0 submitted), none validated.")
    const none = await convene(ws, ["results", "toolkit", "--as-of", AFTER])
    expect(none.code).toBe(2)
    expect(none.stderr).toContain("--country CC")
  }, 120_000)

  it("writes one toolkit per country with validated results, and per region, with --all", async () => {
    const r = await conveneJson(ws, ["results", "toolkit", "--all", "--as-of", AFTER])
    expect(r.code, r.stderr).toBe(0)
    const countries = r.json.toolkits.filter((k: { kind: string }) => k.kind === "country")
    const sites = (await conveneJson<Array<{ country: string; format: string }>>(ws, ["sites", "list"])).json
    const expected = [...new Set(sites.filter((s) => s.format !== "mirror" && s.country !== "BR").map((s) => s.country))].sort()
    expect(countries.map((k: { code: string }) => k.code)).toEqual(expected)
    expect(r.json.toolkits.filter((k: { kind: string }) => k.kind === "region").map((k: { name: string }) => k.name)).toEqual(["Africa", "Oceania", "Americas", "Asia", "Europe"]) // by M49 code
    const out = join(ws, "out", "toolkits")
    const entries = await readdir(out)
    for (const k of r.json.toolkits) {
      expect(existsSync(k.zip)).toBe(true)
      // --json: every file as an absolute path, each toolkit's then its zip
      expect(k.files).toContain(join(k.dir, "brief.html"))
      expect(r.json.files).toContain(k.zip)
      expect(entries).toContain(k.zip.split("/").at(-1))
    }
    expect(existsSync(join(out, "br"))).toBe(false)
    // Senegal in French, Egypt in Arabic right to left, with the deck and the data in the zip
    expect(await readFile(join(out, "sn", "brief.html"), "utf8")).toMatch(/^<!doctype html><html lang="fr-SN" dir="ltr">/)
    expect(await readFile(join(out, "eg", "brief.html"), "utf8")).toMatch(/^<!doctype html><html lang="ar-EG" dir="rtl">/)
    const zip = unzipSync(await readFile(join(out, "sn.zip")))
    const deck = unzipSync(zip["sn/slides.pptx"]!)
    expect(strFromU8(deck["ppt/slides/slide1.xml"]!)).toContain("Sénégal : ce que les citoyens ont dit")
    expect(Object.keys(deck).filter((n) => /^ppt\/charts\/chart\d+\.xml$/.test(n))).toHaveLength(4)
    const csv = strFromU8(zip["sn/data/results.csv"]!)
    expect(csv.split("\n")[0]).toBe("country,country_name,site_id,site_name,city,format,question,option,votes,voters")
    expect(csv).not.toMatch(/@/)
    expect(r.json.toolkits.every((k: { embargoed: string | null }) => k.embargoed === null)).toBe(true)
  }, 300_000)
})

afterAll(dropTestStores)
