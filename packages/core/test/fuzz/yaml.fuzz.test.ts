// Fuzzing the YAML importers — `convene.yaml`, instruments (surveys/*.yaml), catalogs
// (locales/*.yaml) and ballots (ballots/*.yaml) — from the example and blank workspaces: no
// crash, no hang, every problem at FILE:LINE. See harness.ts for what is checked, and
// docs/testing.md for `pnpm fuzz`.
import { describe, expect, it } from "vitest"
import { decodeBallots } from "../../src/domain/Ballot.js"
import { parseCatalog } from "../../src/domain/Catalog.js"
import { decodeDialogueYaml } from "../../src/domain/Dialogue.js"
import { decodeInstrumentYaml } from "../../src/domain/Instrument.js"
import { FuzzReport, fuzzDecoder, fuzzTimeout } from "./harness.js"
import { ballotSeeds, catalogSeeds, dialogue, dialogueSeeds, instrumentSeeds } from "./seeds.js"

const cases = [
  { name: "convene.yaml", file: "convene.yaml", seeds: dialogueSeeds, decode: (text: string) => void decodeDialogueYaml(text, "convene.yaml") },
  { name: "instrument", file: "surveys/evaluation.yaml", seeds: instrumentSeeds, decode: (text: string) => void decodeInstrumentYaml(text, "surveys/evaluation.yaml") },
  { name: "catalog", file: "locales/fr.yaml", seeds: catalogSeeds, decode: (text: string) => void parseCatalog(text, "locales/fr.yaml", "fr", "workspace") },
  { name: "ballots", file: "ballots/votes.yaml", seeds: ballotSeeds, decode: (text: string) => void decodeBallots([{ file: "ballots/votes.yaml", text }], dialogue) }
]

describe("fuzz: YAML importers", () => {
  it.each(cases)("$name: hostile variants of valid files give located errors, never a crash", ({ name, file, seeds, decode }) => {
    const report = new FuzzReport(name, file)
    fuzzDecoder(report, seeds, (text) => {
      decode(text)
      return []
    })
    console.info(report.summary())
    expect(report.failures()).toEqual([])
    // the mutations must leave some inputs valid and make most invalid, or the test tests nothing
    expect(report.refused).toBeGreaterThan(report.inputs / 2)
  }, fuzzTimeout(5))
})
