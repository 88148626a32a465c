/**
 * A small kit workspace built from inline files: the example dialogue and its catalogs, five
 * sites in five locales (one a mirror site), and whatever overrides a test adds.
 */
import { cp, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { beforeEach } from "vitest"
import { readSiteFiles } from "../../src/infra/SiteFiles.js"
import { decodeDialogueYaml } from "../../src/domain/Dialogue.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { importRegistryFile } from "../../src/registries/Registries.js"
import { planSchedule } from "../../src/schedule/Schedules.js"
import { runWith, type TestDatabase, truncateAll, useTestDatabase } from "./databases.js"

export const exampleDir = join(import.meta.dirname, "..", "..", "..", "..", "examples", "we-the-internet")

export const fellowsCsv = `id,name,email,country,languages,organisation
f-gb,Ada Lovelace,ada@example.org,GB,en,
f-sn,Awa Diallo,awa@example.org,SN,fr wo,"Jokko Labs, Dakar"
f-eg,Karim Mansour,karim@example.org,EG,ar en,
f-in,Priya Sharma,priya@example.org,IN,hi en,
f-ws,Lagi Tuimavave,lagi@example.org,WS,sm en,
`
export const sitesCsv = `id,name,city,country,timezone,locale,capacity,format,fellow_email,start_local
gb-london,London assembly,London,GB,Europe/London,en-GB,120,in-person,ada@example.org,
sn-dakar,Dakar assembly,Dakar,SN,Africa/Dakar,fr-SN,100,in-person,awa@example.org,10:00
eg-cairo,القاهرة: جمعية المواطنين,Cairo,EG,Africa/Cairo,ar-EG,90,hybrid,karim@example.org,
in-delhi,Delhi assembly,New Delhi,IN,Asia/Kolkata,hi-IN,80,online,priya@example.org,
ws-apia,Apia mirror dialogue,Apia,WS,Pacific/Apia,sm-WS,40,mirror,lagi@example.org,
`

/** Writes files (path → text) under `dir`. */
export const writeTree = async (dir: string, files: Readonly<Record<string, string>>): Promise<void> => {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true })
    await writeFile(join(dir, path), text)
  }
}

/** A new workspace folder with the example dialogue and catalogs, plus `files`. */
export const kitWorkspace = async (files: Readonly<Record<string, string>> = {}): Promise<Workspace> => {
  const dir = await mkdtemp(join(tmpdir(), "convene-kit-"))
  const yaml = await readFile(join(exampleDir, "convene.yaml"), "utf8")
  await writeTree(dir, { "convene.yaml": yaml, "fellows.csv": fellowsCsv, "sites.csv": sitesCsv, ...files })
  await cp(join(exampleDir, "locales"), join(dir, "locales"), { recursive: true })
  const dialogue = decodeDialogueYaml(yaml, "convene.yaml")
  const { sessions, facilitators } = await readSiteFiles(dir, dialogue)
  return { dir, file: join(dir, "convene.yaml"), text: yaml, dialogue, sessions, facilitators }
}

/**
 * A kit suite on one test database: the database opened before the suite and emptied before each
 * test; `setUp(files)` makes a kit workspace with `files`, imports its fellows and sites and (by
 * default) plans the day. `shape()` is the open database.
 */
export const useKitSuite = (testDb: TestDatabase) => {
  const db = useTestDatabase(testDb)
  beforeEach(async () => truncateAll(db()))
  const setUp = async (files: Readonly<Record<string, string>> = {}, plan = true): Promise<Workspace> => {
    const ws = await kitWorkspace(files)
    await runWith(db(), importRegistryFile("fellows", join(ws.dir, "fellows.csv")))
    await runWith(db(), importRegistryFile("sites", join(ws.dir, "sites.csv")))
    if (plan) await runWith(db(), planSchedule(ws.dialogue, { sessions: ws.sessions }))
    return ws
  }
  return { shape: db, setUp }
}
