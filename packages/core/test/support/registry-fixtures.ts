/**
 * A small registry shared by the storage tests of registries, the timeline and the schedule:
 * two fellows, three sites in two zones (one half-hour-and-quarter offset), two participants,
 * and the example dialogue; files written into a fresh folder per test file.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { decodeDialogueYaml } from "../../src/domain/Dialogue.js"
import { importRegistryFile } from "../../src/registries/Registries.js"
import { beforeAll, beforeEach } from "vitest"
import { type OpenTestDatabase, runWith, type TestDatabase, truncateAll, useTestDatabase } from "./databases.js"

export const fellowsCsv = `id,name,email,country,languages,organisation
f-sn-diallo,Awa Diallo,awa@example.org,SN,fr wo,"Jokko Labs, Dakar"
f-np-sharma,Ram Sharma,ram@example.np,NP,ne en,
`
export const sitesCsv = `id,name,city,country,timezone,locale,capacity,format,fellow_email,start_local
sn-dakar,Dakar assembly,Dakar,SN,Africa/Dakar,fr-SN,100,in-person,awa@example.org,
sn-thies,Thiès assembly,Thiès,SN,Africa/Dakar,fr-SN,60,hybrid,awa@example.org,10:00
np-kathmandu,Kathmandu assembly,Kathmandu,NP,Asia/Kathmandu,ne-NP,80,in-person,ram@example.np,
`
export const participantsCsv = `id,site_id,code,locale,email,gender,age_band,education,residence
p-1,sn-dakar,,fr-SN,a@example.org,woman,25-34,secondary,urban
p-2,sn-dakar,K7M2P9QX,,,man,65+,none,rural
`
export const dialogue = decodeDialogueYaml(
  await readFile(join(import.meta.dirname, "..", "..", "..", "..", "examples", "we-the-internet", "convene.yaml"), "utf8"),
  "convene.yaml"
)

/** A folder for a test file's CSVs, and a writer into it. */
export const registryFiles = async () => {
  const dir = await mkdtemp(join(tmpdir(), "convene-store-"))
  return { dir, file: async (name: string, text: string): Promise<string> => {
    const path = join(dir, name)
    await writeFile(path, text)
    return path
  } }
}

/** Imports the fellows, then the sites (written by `file`), into a test database; returns the sites' import summary. */
export const importFellowsAndSites = async (shape: OpenTestDatabase, file: (name: string, text: string) => Promise<string>) => {
  await runWith(shape, importRegistryFile("fellows", await file("fellows.csv", fellowsCsv)))
  return runWith(shape, importRegistryFile("sites", await file("sites.csv", sitesCsv)))
}

/**
 * A suite over the small registry: the test database opened once and emptied before each
 * test, a folder for the suite's CSVs. `current()` gives the open database; `file` writes a CSV;
 * `importAll` imports the fellows and sites.
 */
export const useRegistryFixture = (testDb: TestDatabase) => {
  const db = useTestDatabase(testDb)
  let files: Awaited<ReturnType<typeof registryFiles>> | undefined
  beforeAll(async () => {
    files = await registryFiles()
  })
  beforeEach(async () => truncateAll(db()))
  const file = (name: string, text: string): Promise<string> => files!.file(name, text)
  return { current: db, file, importAll: () => importFellowsAndSites(db(), file) }
}
