/**
 * The valid files the fuzz tests start from: the example workspace (`convene init --example
 * we-the-internet`), a blank workspace as `convene init` writes it, convene's built-in catalogs,
 * and the test fixtures (registries, paper answers, KoboToolbox exports of answers and results,
 * the three results CSVs).
 */
import { mkdtemp, readFile, readdir } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type Ballots, decodeBallots } from "../../src/domain/Ballot.js"
import { formatCsvField } from "../../src/domain/Csv.js"
import { decodeDialogueYaml } from "../../src/domain/Dialogue.js"
import { decodeInstrumentYaml, type Instrument, questionsFor, type WaveId } from "../../src/domain/Instrument.js"
import { decodeRegistryCsv, type RegistryName, registryFor } from "../../src/domain/Registry.js"
import { resultsCsvRows, resultsCsvText } from "../../src/domain/ResultsCsv.js"
import { simulateSiteResults } from "../../src/domain/ResultsSimulation.js"
import { xlsFormSheets } from "../../src/domain/XlsForm.js"
import { initWorkspace } from "../../src/infra/Workspace.js"
import { rawAnswer } from "../support/answers.js"
import { exampleDir, fellowsCsv as kitFellows, sitesCsv as kitSites } from "../support/kit-workspace.js"
import { koboCsvOf } from "../support/kobo-results.js"
import { fellowsCsv, participantsCsv, sitesCsv } from "../support/registry-fixtures.js"
import { participantsCsv as surveyParticipants } from "../support/survey-workspace.js"

const root = join(import.meta.dirname, "..", "..", "..", "..")
const read = (...path: Array<string>): Promise<string> => readFile(join(...path), "utf8")

/** A blank workspace as `convene init DIR` makes it. */
const blank = async (): Promise<string> => {
  const dir = join(await mkdtemp(join(tmpdir(), "convene-fuzz-")), "blank")
  await initWorkspace({ dir, today: "2026-11-30" })
  return dir
}
const blankDir = await blank()

export const dialogueText = await read(exampleDir, "convene.yaml")
export const dialogue = decodeDialogueYaml(dialogueText, "convene.yaml")
export const instrumentText = await read(exampleDir, "surveys", "evaluation.yaml")
export const instrument: Instrument = decodeInstrumentYaml(instrumentText, "evaluation.yaml")
export const ballotsText = await read(exampleDir, "ballots", "votes.yaml")
export const ballots: Ballots = decodeBallots([{ file: "ballots/votes.yaml", text: ballotsText }], dialogue)

/** `convene.yaml`: the example's and a blank workspace's. */
export const dialogueSeeds = [dialogueText, await read(blankDir, "convene.yaml")]
/**
 * The first `n` questions of the example instrument from question `from` on, with its header: a
 * valid instrument a fifth of the size (YAML parses at ~4 MB/s: small seeds keep 2,000 inputs fast,
 * and mutations hit structure rather than label text).
 */
const questionsSlice = (from: number, n: number): string => {
  const starts = [...instrumentText.matchAll(/^ {2}- id: /gm)].map((m) => m.index)
  return instrumentText.slice(0, starts[0]) + instrumentText.slice(starts[from], starts[from + n] ?? instrumentText.length)
}
/** Instruments: the example's, whole and in slices (a blank workspace has none, only a README). */
export const instrumentSeeds = [instrumentText, questionsSlice(0, 6), questionsSlice(10, 6), questionsSlice(24, 9)]
/** Ballots: the example's and a blank workspace's. */
export const ballotSeeds = [ballotsText, await read(blankDir, "ballots", "votes.yaml")]
/** Catalogs: the example's, and the first 150 lines of each of convene's built-in ones (48 kB whole). */
export const catalogSeeds = await (async () => {
  const out: Array<string> = []
  const examples = join(exampleDir, "locales")
  for (const f of (await readdir(examples)).filter((f) => f.endsWith(".yaml")).sort()) out.push(await read(examples, f))
  const builtIn = join(root, "templates", "locales")
  for (const f of (await readdir(builtIn)).filter((f) => f.endsWith(".yaml")).sort()) out.push((await read(builtIn, f)).split("\n").slice(0, 150).join("\n") + "\n")
  return out
})()

/** The header and first 15 rows of one of the example's registries (its files have up to 240 rows). */
const head = async (file: string): Promise<string> => (await read(exampleDir, file)).split("\n").slice(0, 16).join("\n") + "\n"

/** Registry CSVs by registry: the example's, the test fixtures', a blank workspace's header. */
export const registryCsvSeeds: Readonly<Record<RegistryName, ReadonlyArray<string>>> = {
  coalition: [await head("coalition.csv"), await read(blankDir, "coalition.csv")],
  fellows: [await head("fellows.csv"), fellowsCsv, kitFellows],
  sites: [await head("sites.csv"), sitesCsv, kitSites],
  participants: [await head("participants.csv"), participantsCsv, surveyParticipants]
}

/** The same registries as JSON, as `export --format json` writes them. */
export const registryJsonSeeds: Readonly<Record<RegistryName, ReadonlyArray<string>>> = Object.fromEntries(
  Object.entries(registryCsvSeeds).map(([name, texts]) => {
    const registry = registryFor(name as RegistryName)
    return [name, texts.map((t) => JSON.stringify(decodeRegistryCsv(registry, t, "seed.csv").rows.map((r) => r.entity), null, 2))]
  })
) as unknown as Record<RegistryName, ReadonlyArray<string>>

/** Codes of the survey fixture's participants (the survey database tests register them). */
const codes = ["GBAAAA22", "GBBBBB33", "SNAAAA22", "SNBBBB33", "EGAAAA22", "EGBBBB33", "INAAAA22", "INBBBB33"]

/** Paper answers of a wave: `code`, then a column per question, one row per participant. */
export const paperCsv = (wave: WaveId, rows: ReadonlyArray<string>): string => {
  const questions = questionsFor(instrument, wave)
  return `code,${questions.map((q) => q.id).join(",")}\n${rows.map((c, i) => `${c},${questions.map((q) => formatCsvField(rawAnswer(q, i))).join(",")}`).join("\n")}\n`
}

export const paperSeeds = [paperCsv("pre", codes), paperCsv("post", codes.slice(0, 3)), paperCsv("pre", [codes[0]!])]

/** A KoboToolbox export ("XML values and headers") of answers to the wave's XLSForm. */
const koboAnswersCsv = (wave: WaveId, rows: ReadonlyArray<string>, d: ";" | ","): string => {
  const sheets = xlsFormSheets(instrument, wave, { likertLabels: (_, points) => Array.from({ length: points }, (_, i) => `point ${i + 1}`) })
  const byId = new Map(instrument.questions.map((q) => [q.id, q]))
  const header = ["start", "end"]
  const cells: Array<Array<string>> = rows.map((_, i) => [`2027-04-0${1 + i}T09:00:00.000+00:00`, `2027-04-0${1 + i}T09:20:00.000+00:00`])
  for (const row of sheets.survey) {
    const name = row["name"]!
    const [type, list] = row["type"]!.split(" ")
    if (name === "participant_code") {
      header.push(name)
      rows.forEach((c, i) => cells[i]!.push(c))
      continue
    }
    const q = byId.get(name)
    if (q === undefined) continue
    header.push(name)
    rows.forEach((_, i) => cells[i]!.push(rawAnswer(q, i)))
    if (type === "select_multiple") {
      for (const choice of sheets.choices.filter((c) => c["list_name"] === list)) {
        header.push(`${name}/${choice["name"]}`)
        rows.forEach((_, i) => cells[i]!.push(rawAnswer(q, i).split(" ").includes(choice["name"]!) ? "1" : "0"))
      }
    }
  }
  header.push("meta/instanceID", "_id", "_uuid", "_submission_time", "_validation_status", "_index")
  rows.forEach((_, i) => cells[i]!.push(`uuid:5d3c1c44-0000-4000-8000-00000000000${i}`, String(1000 + i), `5d3c1c44-0000-4000-8000-00000000000${i}`, "2027-04-10T12:00:00", i === 1 ? "validation_status_approved" : "", String(i + 1)))
  const quote = (v: string): string => (d === ";" ? `"${v.replaceAll('"', '""')}"` : formatCsvField(v))
  return [header, ...cells].map((r) => r.map(quote).join(d)).join("\r\n") + "\r\n"
}

export const koboAnswersSeeds = [koboAnswersCsv("pre", codes, ";"), koboAnswersCsv("post", codes.slice(2, 6), ","), koboAnswersCsv("pre", [codes[3]!], ";")]

/** The sites of the kit fixture the results are simulated for. */
const resultSites = [
  { id: "sn-dakar", country: "SN", capacity: 30, format: "in-person", locale: "fr-SN" },
  { id: "gb-london", country: "GB", capacity: 16, format: "in-person", locale: "en-GB" }
]
const simulated = resultSites.map((s, i) => simulateSiteResults(ballots, s, 7 + i))
const csvRows = resultsCsvRows(ballots, simulated)

const dakarRows = resultsCsvRows(ballots, simulated.slice(0, 1))

/** The three results CSVs (tallies, ballots, recommendations) of two simulated sites, and of Dakar alone. */
export const resultsCsvSeeds = [csvRows, dakarRows].flatMap((rows) => [resultsCsvText("tallies", rows.tallies), resultsCsvText("ballots", rows.ballots), resultsCsvText("recommendations", rows.recommendations)])

/** KoboToolbox exports of the results form for the same sites. */
export const resultsKoboSeeds = [koboCsvOf(ballots, simulated), koboCsvOf(ballots, simulated.slice(0, 1), { delimiter: ",", expandedOnly: true }), koboCsvOf(ballots, simulated.slice(1), { ballotColumn: false })]
