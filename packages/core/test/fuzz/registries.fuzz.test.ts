// Fuzzing the registry importers (sites, fellows, participants, coalition; CSV and JSON) from the
// example workspace and the test fixtures: the decoders see 2,000 hostile inputs each, and the
// inputs they accept go on through the SDK's import into a database (PGlite), which must refuse
// them with a located error and unchanged tables, or import them. See harness.ts.
import { writeFile } from "node:fs/promises"
import { join } from "node:path"
import { sql } from "kysely"
import { describe, expect, it } from "vitest"
import { decodeRegistryCsv, decodeRegistryJson, type RegistryName, registryFor } from "../../src/domain/Registry.js"
import type { DatabaseShape } from "../../src/infra/Database.js"
import { importRegistryFile } from "../../src/registries/Registries.js"
import { runWith, testDatabases, truncateAll, useTestDatabase } from "../support/databases.js"
import { registryFiles } from "../support/registry-fixtures.js"
import { FuzzReport, fuzzDecoder, fuzzImport, fuzzTimeout } from "./harness.js"
import { registryCsvSeeds, registryJsonSeeds } from "./seeds.js"

const names: ReadonlyArray<RegistryName> = ["sites", "fellows", "participants", "coalition"]
const tables = ["coalition_partners", "fellows", "sites", "participants"]

/** The registry tables' contents, in a stable order. */
const snapshotOf = (db: DatabaseShape) => async (): Promise<string> => {
  const parts: Array<string> = []
  for (const t of tables) {
    const rows = await sql<{ r: string }>`select to_jsonb(x)::text as r from ${sql.table(t)} x order by 1`.execute(db.db)
    parts.push(`${t}:${rows.rows.map((r) => r.r).join("\n")}`)
  }
  return parts.join("\n")
}

// PGlite only: the fuzz tests check the importers' decoding and their all-or-nothing writes,
// which are the same SQL on PostgreSQL (the registries' own tests run there), and must stay fast
describe.each(testDatabases.filter((d) => d.name === "pglite"))("fuzz: registry imports on $name", (testDb) => {
  const db = useTestDatabase(testDb)

  it.each(names.flatMap((name) => [{ name, format: "csv" as const }, { name, format: "json" as const }]))(
    "$name.$format: hostile variants give located errors and write nothing, never a crash",
    async ({ name, format }) => {
      const registry = registryFor(name)
      const file = `${name}.${format}`
      const seeds = format === "csv" ? registryCsvSeeds[name] : registryJsonSeeds[name]
      const report = new FuzzReport(file, file)
      const accepted = fuzzDecoder(report, seeds, (text) => (format === "csv" ? decodeRegistryCsv(registry, text, file) : decodeRegistryJson(registry, text, file)).problems)
      // the accepted inputs go on through the SDK: the fellows and sites of the fixtures are
      // imported first, so that references resolve for some inputs and not for others
      const shape = db()
      await truncateAll(shape)
      const { dir } = await registryFiles()
      const path = join(dir, file)
      // (the example's and the kit fixture's: the survey fixture's participants are at the kit's sites)
      for (const [r, text] of [["fellows", registryCsvSeeds.fellows[0]!], ["fellows", registryCsvSeeds.fellows[2]!], ["sites", registryCsvSeeds.sites[0]!], ["sites", registryCsvSeeds.sites[2]!]] as const) {
        await writeFile(join(dir, "seed.csv"), text)
        await runWith(shape, importRegistryFile(r, join(dir, "seed.csv")))
      }
      for (const { n, mutant } of accepted.slice(0, MAX_IMPORTS)) {
        await writeFile(path, mutant.text)
        await fuzzImport(report, n, mutant, shape, importRegistryFile(name, path, { displayName: file }), snapshotOf(shape))
      }
      console.info(report.summary())
      expect(report.failures()).toEqual([])
      expect(report.refused).toBeGreaterThan(report.inputs / 3)
      expect(report.stored).toBeGreaterThan(0)
    },
    fuzzTimeout(10)
  )
})

/** Inputs per registry that go through the database (all of the accepted ones, up to this). */
const MAX_IMPORTS = Number(process.env["FUZZ_IMPORTS"] ?? 100)
