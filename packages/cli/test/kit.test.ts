// `convene kit check|build` on the bundled example, through the built binary.
import { existsSync } from "node:fs"
import { mkdtemp, readFile, writeFile, mkdir } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { convene, conveneJson, dropTestStores, useTestStore } from "./run.js"

let ws: string
beforeAll(async () => {
  const tmp = await mkdtemp(join(tmpdir(), "convene-kit-cli-"))
  ws = join(tmp, "dialogue")
  expect((await convene(tmp, ["init", ws, "--example", "we-the-internet"])).code).toBe(0)
  await useTestStore(ws)
  for (const r of ["fellows", "sites"]) expect((await convene(ws, [r, "import", `${r}.csv`])).code).toBe(0)
  expect((await convene(ws, ["schedule", "plan"])).code).toBe(0)
}, 120_000)

describe("convene kit", () => {
  it("check: coverage per locale and the sites that fall back; --strict fails when something is missing", async () => {
    const r = await convene(ws, ["kit", "check", "--verbose"])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/fr\s+100\.0%/)
    expect(r.stdout).toMatch(/ar\s+100\.0%/)
    expect(r.stdout).toContain("sn-dakar (fr-SN → fr)")
    const strict = await convene(ws, ["kit", "check", "--strict"])
    expect(strict.code).toBe(1)
    const json = await conveneJson(ws, ["kit", "check"])
    expect(json.json.coverage.map((c: { locale: string }) => c.locale)).toEqual(expect.arrayContaining(["en", "fr", "es", "ar", "hi", "bn"]))
    // the example's ballots are translated into every locale of convene.yaml
    expect(r.stdout).toContain("Ballots: 5 questions in ballots/votes.yaml")
    expect(json.json.ballots.coverage.map((c: { locale: string; percent: number }) => `${c.locale} ${c.percent}`)).toEqual(["ar 100", "en 100", "es 100", "fr 100"])
  })

  it("check names a ballot label missing in ar and a question on an unknown block at FILE:LINE", async () => {
    const file = join(ws, "ballots", "votes.yaml")
    const votes = await readFile(file, "utf8")
    try {
      await writeFile(file, votes.replace(', ar: "لا" }', " }"))
      const missing = await convene(ws, ["kit", "check", "--strict"])
      expect(missing.code).toBe(1)
      const line = votes.split("\n").findIndex((l) => l.includes("{ id: no,")) + 1
      expect(missing.stdout).toContain(`ar missing: ballots/votes.yaml:${line}: access-right.options.1.label.ar: the option "no" of "access-right" has no ar label`)
      await writeFile(file, votes.replace("block: vote-3", "block: vote-9"))
      const unknown = await convene(ws, ["kit", "check"])
      expect(unknown.code).toBe(2)
      const blockLine = votes.split("\n").findIndex((l) => l.includes("block: vote-3")) + 1
      expect(unknown.stdout).toMatch(new RegExp(`ballots/votes\\.yaml:${blockLine}: .*vote-9`))
    } finally {
      await writeFile(file, votes)
    }
  })

  it("a blank workspace from init checks clean (exit 0 with --strict) and has an example ballot, translated, on its first vote; the second vote has none", async () => {
    const blank = join(await mkdtemp(join(tmpdir(), "convene-kit-blank-")), "blank")
    expect((await convene(tmpdir(), ["init", blank, "--title", "Our future with AI"])).code).toBe(0)
    expect(await readFile(join(blank, "ballots", "votes.yaml"), "utf8")).toContain("block: vote-1")
    // clean, even with --strict: convene's own partial hi and bn catalogs are used by no locale or site here
    const r = await conveneJson(blank, ["kit", "check", "--strict"])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.problems).toEqual([])
    expect(r.json.complete).toBe(true)
    expect(r.json.coverage.find((c: { locale: string }) => c.locale === "hi").missing.length).toBeGreaterThan(0)
    expect(r.json.ballots.questions).toBe(1)
    expect(r.json.ballots.coverage.every((c: { percent: number }) => c.percent === 100)).toBe(true)
    expect(r.json.ballots.unasked).toEqual(["vote-2"])
  })

  it("check names the file and line of a broken site override, and exits 2", async () => {
    const dir = join(ws, "sites", "sn-dakar", "templates", "kit", "partials", "content")
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, "local-context.hbs"), "<section>\n{{> content/no-such-partial}}\n</section>\n")
    const r = await convene(ws, ["kit", "check"])
    expect(r.code).toBe(2)
    expect(r.stdout).toMatch(/sites\/sn-dakar\/templates\/kit\/partials\/content\/local-context\.hbs:2: unknown partial "content\/no-such-partial"/)
    expect(r.stdout).toContain("\n1 problem in catalogs and templates:")
    const build = await convene(ws, ["kit", "build", "--site", "sn-dakar"])
    expect(build.code).toBe(2)
    expect(build.stderr).toContain("local-context.hbs:2")
    await writeFile(join(dir, "local-context.hbs"), "<section id=\"local-context\"><h2>{{t \"booklet.local_context\" country=site.country_name}}</h2><p>Exemples de Dakar : la Maison des jeunes de Médina.</p></section>\n")
    expect((await convene(ws, ["kit", "check"])).code).toBe(0)
  })

  it("build --site writes the folder, the zip and the manifest; again it skips", async () => {
    const r = await convene(ws, ["kit", "build", "--site", "sn-dakar"])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain("Built: out/kits/sn-dakar/")
    expect(r.stdout).toContain("in fr (asked: fr-SN)")
    const kit = join(ws, "out", "kits", "sn-dakar")
    for (const f of ["index.html", "facilitator-guide.html", "participant-booklet.html", "agenda.html", "consent-form.html", "questionnaire-pre.html", "questionnaire-post.html", "invitation-letter.html", "ballot-vote-2.html", "ballot-vote-3.html", "ballot-vote-4.html", "tally-sheet-vote-1.html", "recommendations-vote-4.html", "calendar.ics", "assets/kit.css", "manifest.json"]) {
      expect(existsSync(join(kit, f)), f).toBe(true)
    }
    expect(existsSync(join(ws, "out", "kits", "sn-dakar.zip"))).toBe(true)
    expect(await readFile(join(kit, "participant-booklet.html"), "utf8")).toContain("Exemples de Dakar")
    expect(existsSync(join(kit, "results-sheet.html"))).toBe(false)
    expect(await readFile(join(kit, "tally-sheet-vote-1.html"), "utf8")).toContain("L’accès à Internet doit-il être reconnu comme un droit humain")
    // self-contained: no external URL in any document or the styles
    for (const f of ["index.html", "facilitator-guide.html", "assets/kit.css"]) expect(await readFile(join(kit, f), "utf8")).not.toMatch(/https?:\/\//)
    const again = await conveneJson(ws, ["kit", "build", "--site", "sn-dakar"])
    expect(again.json.skipped).toBe(1)
  })

  it("build --all refuses the example's locked change until staff approve it, then reports built and skipped; bad flags are refused", async () => {
    // Nairobi adapts the instructions of Session 2, which are locked: nothing is built until approved
    const refused = await convene(ws, ["kit", "build", "--all"])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain("ke-nairobi en:agenda_blocks.digital-identity.instructions")
    const register = await conveneJson(ws, ["kit", "register"])
    expect(register.json.adaptations.map((a: { site: string; item: string; status: string }) => `${a.site} ${a.item} ${a.status}`)).toEqual([
      "gb-london en:booklet.welcome adaptable",
      "gb-london kit/partials/content/local-context.hbs adaptable",
      "ke-nairobi en:agenda_blocks.digital-identity.instructions locked",
      // written by the test before
      "sn-dakar kit/partials/content/local-context.hbs adaptable"
    ])
    const approved = await convene(ws, ["kit", "approve", "--site", "ke-nairobi", "agenda_blocks.digital-identity.instructions", "--note", "A local example, reviewed"])
    expect(approved.code, approved.stderr).toBe(0)
    const r = await conveneJson(ws, ["kit", "build", "--all"])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.built + r.json.skipped).toBe(133)
    expect(r.json.skipped).toBeGreaterThanOrEqual(1)
    const none = await convene(ws, ["kit", "build"])
    expect(none.code).toBe(2)
    expect(none.stderr).toContain("--site ID or --all")
    const badLocale = await convene(ws, ["kit", "build", "--site", "sn-dakar", "--locale", "xx_YY!"])
    expect(badLocale.code).toBe(2)
    const unknown = await convene(ws, ["kit", "build", "--site", "no-such-site"])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("no-such-site")
  }, 120_000)

  it("send --all writes one message per site to the outbox; again it sends nothing; mail status counts them", async () => {
    const r = await conveneJson(ws, ["kit", "send", "--all"])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.messages).toBe(133)
    expect(r.json.sent).toBe(133)
    const { readdir } = await import("node:fs/promises")
    expect((await readdir(join(ws, "out", "outbox"))).filter((f) => f.endsWith(".eml"))).toHaveLength(133)
    const again = await convene(ws, ["kit", "send", "--all"])
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toContain("0 sent to the outbox out/outbox/, 133 already sent before")
    const status = await conveneJson(ws, ["mail", "status"])
    expect(status.json.sent).toBe(133)
  }, 120_000)
})

afterAll(dropTestStores)
