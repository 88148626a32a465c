// kit check: coverage per locale, missing, extra and mismatched keys, sites that fall back, and
// broken overrides named by file and line. The sites come from every test database.
import { join } from "node:path"
import { beforeEach, describe, expect, it } from "vitest"
import type { InputError } from "../../src/domain/Errors.js"
import { checkKits } from "../../src/kits/KitCheck.js"
import { buildKits } from "../../src/kits/Kits.js"
import { failWith, runWith, testDatabases } from "../support/databases.js"
import { exampleDir, useKitSuite } from "../support/kit-workspace.js"
import { readFile } from "node:fs/promises"

describe.each(testDatabases)("kit check on $name", (testDb) => {
  const suite = useKitSuite(testDb)
  const setUp = suite.setUp
  let shape: ReturnType<typeof suite.shape>
  beforeEach(() => {
    shape = suite.shape()
  })

  it("kit check: coverage per locale, missing, extra and mismatched keys, and sites that fall back", async () => {
    const ws = await setUp({
      "locales/de.yaml": 'kit:\n  title: "Dialog-Kit"\n  site_line: "{site}, {city}"\n  typo_key: "Tippfehler"\n'
    })
    const report = await runWith(shape, checkKits(ws))
    const de = report.coverage.find((c) => c.locale === "de")!
    expect(de.translated).toBe(2)
    expect(de.missing).toContain("guide.heading")
    expect(de.percent).toBeLessThan(5)
    expect(de.extra).toEqual([expect.objectContaining({ key: "kit.typo_key", line: 4 })])
    expect(de.mismatched).toEqual([expect.objectContaining({ key: "kit.site_line", line: 3 })])
    expect(de.mismatched[0]!.message).toContain("country")
    const fr = report.coverage.find((c) => c.locale === "fr")!
    expect(fr.missing).toEqual([])
    expect(fr.percent).toBe(100)
    expect(report.fallbacks).toContainEqual({ site: "sn-dakar", locale: "fr-SN", used: "fr", kind: "region" })
    expect(report.fallbacks).toContainEqual({ site: "ws-apia", locale: "sm-WS", used: "en", kind: "language" })
    expect(report.complete).toBe(false)
  })

  it("kit check names the file and line of a broken override and of an unknown partial", async () => {
    const ws = await setUp({
      "templates/kit/partials/content/background.hbs": "<section>\n{{#if topic}}\n<p>unclosed\n",
      "sites/sn-dakar/templates/kit/partials/content/local-context.hbs": "<section>\n{{> content/local-examples}}\n{{t \"booklet.no_such_key\"}}\n</section>\n",
      "sites/sn-dakar/locales/fr.yaml": "booklet:\n  local_context: \"Au {pays}\"\n"
    })
    const report = await runWith(shape, checkKits(ws))
    const lines = report.problems.map((p) => `${p.file?.split("/").slice(-3).join("/")}:${p.line}: ${p.message}`)
    expect(lines).toContainEqual(expect.stringMatching(/content\/background\.hbs:\d+: syntax error/))
    expect(lines).toContainEqual(expect.stringMatching(/content\/local-context\.hbs:2: unknown partial "content\/local-examples"/))
    expect(lines).toContainEqual(expect.stringMatching(/content\/local-context\.hbs:3: unknown message key "booklet\.no_such_key"/))
    expect(report.siteCatalogs).toEqual([
      expect.objectContaining({ site: "sn-dakar", mismatched: [expect.objectContaining({ key: "booklet.local_context", line: 2 })] })
    ])
    const error = await failWith(shape, buildKits(ws, { site: "gb-london" })) as InputError
    expect(error._tag).toBe("InputError")
    expect(error.message).toMatch(/background\.hbs:\d+/)
  })

  it("kit check covers the ballots: the example translates every label; a missing ar label is named at its line", async () => {
    const votes = await readFile(join(exampleDir, "ballots", "votes.yaml"), "utf8")
    const complete = await runWith(shape, checkKits(await setUp({ "ballots/votes.yaml": votes })))
    expect(complete.ballots.questions).toBe(5)
    expect(complete.ballots.files).toEqual([expect.stringMatching(/ballots\/votes\.yaml$/)])
    expect(complete.ballots.coverage.map((c) => [c.locale, c.percent])).toEqual([["ar", 100], ["en", 100], ["es", 100], ["fr", 100]])
    expect(complete.ballots.unasked).toEqual([])
    // the Arabic label of the option "no" of access-right, dropped
    const dropped = votes.replace(', ar: "لا" }', " }")
    const lineOf = dropped.split("\n").findIndex((l) => l.includes("{ id: no,")) + 1
    const report = await runWith(shape, checkKits(await setUp({ "ballots/votes.yaml": dropped })))
    const ar = report.ballots.coverage.find((c) => c.locale === "ar")!
    expect(ar.translated).toBe(ar.total - 1)
    expect(ar.percent).toBeLessThan(100)
    expect(ar.missing).toEqual([expect.objectContaining({ line: lineOf, field: "access-right.options.1.label.ar" })])
    expect(ar.missing[0]!.file).toMatch(/ballots\/votes\.yaml$/)
    expect(report.ballots.coverage.find((c) => c.locale === "fr")!.missing).toEqual([])
    expect(report.problems).toEqual([])
    expect(report.complete).toBe(false)
  })

  it("kit check reports an unknown block and a duplicate question id at their file and line, instead of failing", async () => {
    const ws = await setUp({
      "ballots/a.yaml": "questions:\n  - id: q1\n    block: vote-9\n    type: single\n    collect: tally\n    label: { en: \"Q1?\" }\n    options:\n      - { id: yes, label: { en: \"Yes\" } }\n      - { id: no, label: { en: \"No\" } }\n",
      "ballots/b.yaml": "questions:\n  - id: q2\n    block: vote-1\n    type: single\n    collect: tally\n    label: { en: \"Q2?\" }\n    options:\n      - { id: yes, label: { en: \"Yes\" } }\n      - { id: no, label: { en: \"No\" } }\n  - id: q2\n    block: vote-2\n    type: single\n    collect: ballot\n    label: { en: \"Again?\" }\n    options:\n      - { id: yes, label: { en: \"Yes\" } }\n      - { id: no, label: { en: \"No\" } }\n"
    })
    const report = await runWith(shape, checkKits(ws))
    const lines = report.problems.map((p) => `${p.file?.split("/").slice(-2).join("/")}:${p.line}: ${p.message}`)
    expect(lines).toContainEqual(expect.stringMatching(/^ballots\/a\.yaml:3: .*vote-9/))
    expect(lines).toContainEqual(expect.stringMatching(/^ballots\/b\.yaml:10: .*q2/))
    expect(report.ballots.coverage).toEqual([])
    expect(report.complete).toBe(false)
    // the build refuses the same files, naming the same places
    const error = await failWith(shape, buildKits(ws, { site: "gb-london" })) as InputError
    expect(error.message).toMatch(/a\.yaml:3/)
  })
})
