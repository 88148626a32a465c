// The adaptation register (issue 17, section 1), on every test database: what each site changes,
// locked or adaptable under the default policy and a workspace's own, the silent changes that
// used to pass (an emptied tally sheet, a renamed session) now refused by kit check --strict and
// kit build until staff approve that exact version, a later edit needing a new approval, the
// approved deviations in the kit's manifest, and a policy pattern that matches nothing at its line.
import { readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { beforeEach, describe, expect, it } from "vitest"
import { classifier, globRegExp, shortDiff } from "../../src/domain/Adaptation.js"
import { decodeDialogueYaml } from "../../src/domain/Dialogue.js"
import type { InputError } from "../../src/domain/Errors.js"
import { adaptationRegister, approveAdaptation } from "../../src/kits/Adaptations.js"
import { checkKits } from "../../src/kits/KitCheck.js"
import { buildKits } from "../../src/kits/Kits.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { failWith, runWith, testDatabases } from "../support/databases.js"
import { useKitSuite } from "../support/kit-workspace.js"

describe("the adaptation policy (pure)", () => {
  it("matches template paths and message keys by glob, an adaptable pattern winning over a locked one", () => {
    expect(globRegExp("agenda_blocks.*", ".").test("agenda_blocks.welcome")).toBe(true)
    expect(globRegExp("agenda_blocks.*", ".").test("agenda_blocks.welcome.title")).toBe(false)
    expect(globRegExp("agenda_blocks.**", ".").test("agenda_blocks.welcome.title")).toBe(true)
    expect(globRegExp("kit/partials/*.hbs", "/").test("kit/partials/content/background.hbs")).toBe(false)
    const byDefault = classifier(undefined)
    expect(byDefault.template("kit/documents/tally-sheet.hbs")).toBe("locked")
    expect(byDefault.template("kit/partials/content/local-context.hbs")).toBe("adaptable")
    expect(byDefault.template("kit/documents/invitation-letter.hbs")).toBe("adaptable")
    expect(byDefault.key("agenda_blocks.digital-identity.title")).toBe("locked")
    expect(byDefault.key("invitation.greeting")).toBe("adaptable")
    const own = classifier({ locked: { templates: ["kit/**"] }, adaptable: { templates: ["kit/partials/content/*.hbs"], keys: ["topic.background_points.*"] } })
    expect(own.template("kit/documents/invitation-letter.hbs")).toBe("locked")
    expect(own.template("kit/partials/content/background.hbs")).toBe("adaptable")
    // keys keep the default's locked side, with the workspace's exceptions
    expect(own.key("topic.name")).toBe("locked")
    expect(own.key("topic.background_points.identity")).toBe("adaptable")
  })

  it("summarizes a change in a line", () => {
    expect(shortDiff("a\nb\nc\n", "a\nB\nc\n")).toBe("−1 +1 lines; line 2: “b” → “B”")
    expect(shortDiff("a\nb\n", "")).toBe("emptied: all 2 lines removed")
    expect(shortDiff("a\nb\n", "b\na\n")).toBe("−0 +0 lines; line 1: “a” → “b”")
  })
})

describe.each(testDatabases)("the adaptation register on $name", (testDb) => {
  const suite = useKitSuite(testDb)
  const setUp = suite.setUp
  let shape: ReturnType<typeof suite.shape>
  beforeEach(() => {
    shape = suite.shape()
  })

  // Dakar empties its tally sheet and renames Session 2: both locked; its welcome is adaptable
  const dakar = {
    "sites/sn-dakar/templates/kit/documents/tally-sheet.hbs": "",
    "sites/sn-dakar/locales/fr.yaml": 'agenda_blocks:\n  digital-identity:\n    title: "Séance 2 : nos identités"\nbooklet:\n  welcome: "Bienvenue à Dakar !"\n',
    "sites/gb-london/templates/kit/partials/content/local-context.hbs": "<section id=\"local-context\"><h2>London</h2></section>\n"
  }

  it("lists every change with its status, and refuses the silent ones in kit check --strict and kit build", async () => {
    const ws = await setUp(dakar)
    const register = await runWith(shape, adaptationRegister(ws))
    expect(register.map((a) => [a.site, a.item, a.status, a.change])).toEqual([
      ["gb-london", "kit/partials/content/local-context.hbs", "adaptable", "changed"],
      ["sn-dakar", "fr:agenda_blocks.digital-identity.title", "locked", "changed"],
      ["sn-dakar", "fr:booklet.welcome", "adaptable", "changed"],
      ["sn-dakar", "kit/documents/tally-sheet.hbs", "locked", "changed"]
    ])
    expect(register.find((a) => a.item === "kit/documents/tally-sheet.hbs")!.diff).toMatch(/^emptied/)
    expect(register.find((a) => a.item === "fr:agenda_blocks.digital-identity.title")!.at).toMatch(/sites\/sn-dakar\/locales\/fr\.yaml:3$/)
    const check = await runWith(shape, checkKits(ws))
    expect(check.complete).toBe(false)
    expect(check.warnings.join("\n")).toContain("2 changes to locked content without an approval (sn-dakar)")
    const refused = (await failWith(shape, buildKits(ws, { site: "sn-dakar" }))) as InputError
    expect(refused._tag).toBe("InputError")
    expect(refused.problems.map((p) => p.field)).toEqual(["sn-dakar fr:agenda_blocks.digital-identity.title", "sn-dakar kit/documents/tally-sheet.hbs"])
    // a site without locked changes is refused too when built with the others: nothing is built
    expect(((await failWith(shape, buildKits(ws))) as InputError)._tag).toBe("InputError")
    // London alone builds
    expect((await runWith(shape, buildKits(ws, { site: "gb-london" }))).built).toBe(1)
  })

  it("builds once staff approve the exact versions, lists them in the manifest, and needs a new approval after an edit", async () => {
    const ws = await setUp(dakar)
    const approved = await runWith(shape, approveAdaptation(ws, { site: "sn-dakar", item: "agenda_blocks.digital-identity.title", note: "Agreed with the method team", by: "staff:ana" }))
    expect(approved.approval).toMatchObject({ note: "Agreed with the method team", by: "staff:ana" })
    await runWith(shape, approveAdaptation(ws, { site: "sn-dakar", item: "kit/documents/tally-sheet.hbs", note: "Printed separately", by: "staff:ana" }))
    const built = await runWith(shape, buildKits(ws, { site: "sn-dakar" }))
    expect(built.built).toBe(1)
    const manifest = JSON.parse(await readFile(join(ws.dir, "out", "kits", "sn-dakar", "manifest.json"), "utf8"))
    expect(manifest.deviations.map((d: { item: string }) => d.item)).toEqual(["fr:agenda_blocks.digital-identity.title", "kit/documents/tally-sheet.hbs"])
    expect(manifest.deviations[0]).toMatchObject({ note: "Agreed with the method team", approved_by: "staff:ana", sha256: approved.sha256 })
    // the fellow edits the approved title: a new version, not approved
    await writeFile(join(ws.dir, "sites/sn-dakar/locales/fr.yaml"), 'agenda_blocks:\n  digital-identity:\n    title: "Séance 2 : nos identités numériques"\n')
    const after = await runWith(shape, adaptationRegister(ws))
    const title = after.find((a) => a.item === "fr:agenda_blocks.digital-identity.title")!
    expect(title.sha256).not.toBe(approved.sha256)
    expect(title.approval).toBeNull()
    expect(((await failWith(shape, buildKits(ws, { site: "sn-dakar" }))) as InputError).problems.map((p) => p.field)).toEqual(["sn-dakar fr:agenda_blocks.digital-identity.title"])
    // an item the site does not change cannot be approved
    const nothing = (await failWith(shape, approveAdaptation(ws, { site: "sn-dakar", item: "kit/documents/agenda.hbs", note: "x", by: "staff:ana" }))) as InputError
    expect(nothing.message).toContain("Site sn-dakar does not change kit/documents/agenda.hbs")
  })

  it("reports a policy pattern that matches nothing at its line in convene.yaml", async () => {
    const ws = await setUp()
    const text = ws.text.replace(/\nfeatures:/, "\nadaptation:\n  locked:\n    templates: [kit/documents/ballot.hbs, kit/documents/no-such.hbs]\n    keys: [agenda_blokcs.*]\nfeatures:")
    await writeFile(ws.file, text)
    const withPolicy: Workspace = { ...ws, text, dialogue: decodeDialogueYaml(text, "convene.yaml") }
    const check = await runWith(shape, checkKits(withPolicy))
    const line = text.split("\n").findIndex((l) => l.includes("no-such.hbs")) + 1
    expect(check.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`)).toEqual([
      expect.stringMatching(new RegExp(`^${line}: adaptation\\.locked\\.templates\\.1: "kit/documents/no-such\\.hbs" matches no template`)),
      expect.stringMatching(new RegExp(`^${line + 1}: adaptation\\.locked\\.keys\\.0: "agenda_blokcs\\.\\*" matches no message key`))
    ])
  })
})
