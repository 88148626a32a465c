/**
 * A survey workspace: the kit workspace (five sites, the example's catalogs) with the example's
 * instrument and a few participants in several locales, some without an e-mail address.
 */
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { decodeInstrumentYaml, type Instrument } from "../../src/domain/Instrument.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { importRegistryFile } from "../../src/registries/Registries.js"
import { type OpenTestDatabase, runWith } from "./databases.js"
import { exampleDir, kitWorkspace } from "./kit-workspace.js"

export const participantsCsv = `id,site_id,code,locale,email,gender,age_band,education,residence
p-gb-1,gb-london,GBAAAA22,,gb1@example.org,woman,25-34,tertiary,urban
p-gb-2,gb-london,GBBBBB33,,gb2@example.org,man,45-54,secondary,urban
p-sn-1,sn-dakar,SNAAAA22,fr-SN,sn1@example.org,woman,18-24,secondary,urban
p-sn-2,sn-dakar,SNBBBB33,,,man,65+,none,rural
p-eg-1,eg-cairo,EGAAAA22,ar-EG,eg1@example.org,woman,35-44,tertiary,urban
p-eg-2,eg-cairo,EGBBBB33,,eg2@example.org,man,25-34,secondary,urban
p-in-1,in-delhi,INAAAA22,hi-IN,in1@example.org,woman,25-34,tertiary,urban
p-in-2,in-delhi,INBBBB33,en-IN,,man,55-64,primary,rural
`

export const surveyWorkspace = async (): Promise<{ ws: Workspace; instrument: Instrument; instrumentText: string }> => {
  const instrumentText = await readFile(join(exampleDir, "surveys", "evaluation.yaml"), "utf8")
  const ws = await kitWorkspace({ "surveys/evaluation.yaml": instrumentText, "participants.csv": participantsCsv })
  return { ws, instrument: decodeInstrumentYaml(instrumentText, "evaluation.yaml"), instrumentText }
}

/** Imports the workspace's fellows, sites and participants into a test database. */
export const registerWorkspace = async (shape: OpenTestDatabase, ws: Workspace): Promise<void> => {
  for (const r of ["fellows", "sites", "participants"] as const) await runWith(shape, importRegistryFile(r, join(ws.dir, `${r}.csv`)))
}
