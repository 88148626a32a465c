/**
 * A survey workspace: the kit workspace (five sites, the example's catalogs) with the example's
 * instrument and a few participants in several locales, some without an e-mail address.
 */
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { decodeInstrumentYaml, type Instrument } from "../../src/domain/Instrument.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { importRegistryFile } from "../../src/registries/Registries.js"
import { sql } from "kysely"
import { beforeEach } from "vitest"
import { inviteToSurvey } from "../../src/surveys/Surveys.js"
import { type OpenTestDatabase, runWith, type TestDatabase, truncateAll, useTestDatabase } from "./databases.js"
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

/** What a survey suite's tests work on, fresh before each test. */
export interface SurveySuite {
  readonly shape: OpenTestDatabase
  readonly ws: Workspace
  readonly instrument: Instrument
}

/**
 * A suite over the survey workspace: the test database opened once, then before each test the
 * tables emptied (the send log and survey key too), a new workspace made and its registries
 * imported. Call the returned function inside a test (or a later hook) for the current set.
 */
export const useSurveyWorkspace = (testDb: TestDatabase): (() => SurveySuite) => {
  const db = useTestDatabase(testDb)
  let current: SurveySuite | undefined
  beforeEach(async () => {
    const shape = db()
    await truncateAll(shape)
    await sql`truncate send_log, survey_keys`.execute(shape.db)
    const { ws, instrument } = await surveyWorkspace()
    await registerWorkspace(shape, ws)
    current = { shape, ws, instrument }
  })
  return () => {
    if (current === undefined) throw new Error("the survey workspace is made before each test")
    return current
  }
}

/** The outbox folder a suite's invitations are written to. */
export const outboxOf = (ws: Workspace): string => join(ws.dir, "out", "outbox")

/** Invites the workspace's participants to a wave (links on https://survey.example.org), into the outbox. */
export const inviteAll = (shape: OpenTestDatabase, ws: Workspace, wave = "pre") =>
  runWith(shape, inviteToSurvey(ws, { wave, baseUrl: "https://survey.example.org/", transport: { outboxDir: outboxOf(ws) } }))
