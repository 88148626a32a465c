// XLSForm export: the example instrument's waves written as .xlsx and read back the way a form
// server would, checking the structure KoboToolbox and ODK Central need. No XLSForm converter
// (pyxform) runs offline from npm, so these checks stand in for one.
import { mkdtemp, readFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import ExcelJS from "exceljs" // reading back only: a devDependency, the SDK writes with write-excel-file
import fc from "fast-check"
import { unzipSync } from "fflate"
import * as Exit from "effect/Exit"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import { parseCatalog } from "../../src/domain/Catalog.js"
import { formatProblem, InputError } from "../../src/domain/Errors.js"
import { decodeInstrumentYaml, type Instrument, questionsFor, type WaveId } from "../../src/domain/Instrument.js"
import { ParticipantCode } from "../../src/domain/Registry.js"
import { Locale } from "../../src/domain/Values.js"
import { isXmlName, PARTICIPANT_CODE_PATTERN, xlsFormSheets, type XlsFormOptions } from "../../src/domain/XlsForm.js"
import { newParticipantCode } from "../../src/registries/Registries.js"
import { writeXlsForm, xlsFormBuffer } from "../../src/surveys/XlsForm.js"

const root = join(import.meta.dirname, "..", "..", "..", "..")
const instrumentText = await readFile(join(root, "examples", "we-the-internet", "surveys", "evaluation.yaml"), "utf8")
const instrument = decodeInstrumentYaml(instrumentText, "evaluation.yaml")

/** The Likert labels of the built-in catalogs, as the export command passes them. */
const catalogs = new Map(
  await Promise.all(
    ["en", "fr", "es", "ar"].map(async (l) => [l, parseCatalog(await readFile(join(root, "templates", "locales", `${l}.yaml`), "utf8"), `${l}.yaml`, l, "built-in")] as const)
  )
)
const likertLabels: XlsFormOptions["likertLabels"] = (locale, points) => {
  const entries = catalogs.get(locale)!.entries
  return Array.from({ length: points }, (_, i) => entries.get(`questionnaire.${points === 5 ? "likert" : "likert7"}.${i + 1}`)!.text)
}

type Sheet = { readonly header: Array<string>; readonly rows: Array<Record<string, string>> }

/** Reads a workbook back with exceljs: each sheet's header row and its rows by column name. */
const readBack = async (file: string): Promise<Map<string, Sheet>> => {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.readFile(file)
  const sheets = new Map<string, Sheet>()
  workbook.eachSheet((ws) => {
    const header: Array<string> = []
    ws.getRow(1).eachCell({ includeEmpty: false }, (cell, col) => (header[col - 1] = String(cell.value)))
    const rows: Array<Record<string, string>> = []
    for (let r = 2; r <= ws.rowCount; r++) {
      const row = ws.getRow(r)
      const record: Record<string, string> = {}
      header.forEach((h, i) => {
        const value = row.getCell(i + 1).value
        if (value !== null && value !== undefined && value !== "") {
          expect(typeof value, `${ws.name}!${h}${r} is written as text`).toBe("string")
          record[h] = value as string
        }
      })
      if (Object.keys(record).length > 0) rows.push(record)
    }
    sheets.set(ws.name, { header, rows })
  })
  return sheets
}

const problemsOf = (f: () => unknown): Array<string> => {
  try {
    f()
  } catch (e) {
    if (e instanceof InputError) return e.problems.map(formatProblem)
    throw e
  }
  throw new Error("expected an InputError")
}

const languages = ["English (en)", "French (fr)", "Spanish (es)", "Arabic (ar)"]

describe("xlsFormSheets and writeXlsForm", () => {
  it.each<WaveId>(["pre", "post"])("writes a well-formed XLSForm of the %s wave of the example", async (wave) => {
    const dir = await mkdtemp(join(tmpdir(), "convene-xlsform-"))
    const file = join(dir, `evaluation_${wave}.xlsx`)
    await writeXlsForm(file, xlsFormSheets(instrument, wave, { likertLabels }))
    const sheets = await readBack(file)

    expect([...sheets.keys()]).toEqual(["survey", "choices", "settings"])
    const survey = sheets.get("survey")!
    const choices = sheets.get("choices")!
    const settings = sheets.get("settings")!
    const labels = languages.map((l) => `label::${l}`)
    expect(survey.header).toEqual(["type", "name", ...labels, "required", "constraint", ...languages.map((l) => `constraint_message::${l}`), "appearance"])
    expect(choices.header).toEqual(["list_name", "name", ...labels])
    expect(settings.header).toEqual(["form_title", "form_id", "version", "default_language"])

    // one row per question, after the participant code
    const asked = questionsFor(instrument, wave)
    expect(survey.rows).toHaveLength(1 + asked.length)
    expect(survey.rows.map((r) => r["name"])).toEqual(["participant_code", ...asked.map((q) => q.id)])
    const names = survey.rows.map((r) => r["name"]!)
    expect(new Set(names).size).toBe(names.length)
    for (const name of names) expect(isXmlName(name), name).toBe(true)

    // required where the instrument says, and the code always
    expect(survey.rows[0]).toMatchObject({ type: "text", required: "yes" })
    for (const q of asked) expect(survey.rows.find((r) => r["name"] === q.id)!["required"] === "yes", q.id).toBe(q.required === true)

    // every select has a list of at least two choices with unique names
    for (const row of survey.rows) {
      const [type, list] = row["type"]!.split(" ")
      if (type !== "select_one" && type !== "select_multiple") continue
      const items = choices.rows.filter((c) => c["list_name"] === list)
      expect(items.length, `choices of ${list}`).toBeGreaterThanOrEqual(2)
      expect(new Set(items.map((c) => c["name"])).size).toBe(items.length)
      for (const c of items) expect(c["name"]).toMatch(/^\S+$/) // select_multiple answers are space-separated
    }
    // every list is used (no stray choices)
    const used = new Set(survey.rows.map((r) => r["type"]!.split(" ")[1]).filter((l) => l !== undefined))
    for (const c of choices.rows) expect(used.has(c["list_name"]!), c["list_name"]).toBe(true)

    // every label column is filled on every question and choice
    for (const row of [...survey.rows, ...choices.rows]) for (const l of labels) expect(row[l], `${row["name"]} ${l}`).toBeTruthy()
    // a constraint always comes with its message in every language
    for (const row of survey.rows.filter((r) => r["constraint"] !== undefined)) {
      for (const l of languages) expect(row[`constraint_message::${l}`], `${row["name"]} ${l}`).toBeTruthy()
    }

    expect(settings.rows).toEqual([{ form_title: `We, the Internet: evaluation survey (${wave})`, form_id: `evaluation_${wave}`, version: "1", default_language: "English (en)" }])
  })

  it("maps each question type to its XLSForm type, with labels from the catalogs", () => {
    const sheets = xlsFormSheets(instrument, "pre", { likertLabels })
    const row = (name: string) => sheets.survey.find((r) => r["name"] === name)!
    expect(row("participant_code")).toMatchObject({ type: "text", "label::French (fr)": "Code participant", "label::Arabic (ar)": "رمز المشارك", constraint: `regex(., '${PARTICIPANT_CODE_PATTERN}')` })
    expect(row("internet-positive")).toMatchObject({ type: "select_one likert_5", appearance: "likert" })
    expect(row("efficacy-understand")).toMatchObject({ type: "select_one likert_7", appearance: "likert" })
    expect(row("trust-parliament")).toMatchObject({ type: "select_one scale_0_10", appearance: "likert" })
    expect(row("internet-use")).toMatchObject({ type: "select_one internet-use", "label::Spanish (es)": "¿Con qué frecuencia utiliza usted Internet?" })
    expect(row("know-icann")).toMatchObject({ type: "select_one know-icann" })
    expect(row("hours-online")).toMatchObject({ type: "decimal", constraint: ". >= 0 and . <= 24", "constraint_message::English (en)": "Enter a number from 0 to 24." })
    const post = xlsFormSheets(instrument, "post", { likertLabels })
    expect(post.survey.find((r) => r["name"] === "helped-most")).toMatchObject({ type: "select_multiple helped-most" })
    expect(post.survey.find((r) => r["name"] === "learned")).toMatchObject({ type: "text", required: "", constraint: "string-length(.) <= 4000", appearance: "multiline" })

    const list = (name: string) => sheets.choices.filter((c) => c["list_name"] === name)
    expect(list("scale_0_10").map((c) => c["name"])).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"])
    expect(list("likert_5").map((c) => c["name"])).toEqual(["1", "2", "3", "4", "5"])
    expect(list("likert_5").map((c) => c["label::French (fr)"])).toEqual(likertLabels("fr", 5))
    expect(list("likert_7").map((c) => c["label::Arabic (ar)"])).toEqual(likertLabels("ar", 7))
    expect(list("internet-use")[0]).toEqual({
      list_name: "internet-use",
      name: "several-times-a-day",
      "label::English (en)": "Several times a day",
      "label::French (fr)": "Plusieurs fois par jour",
      "label::Spanish (es)": "Varias veces al día",
      "label::Arabic (ar)": "عدة مرات في اليوم"
    })
  })

  it("checks a participant code exactly as the registry does", () => {
    const pattern = new RegExp(PARTICIPANT_CODE_PATTERN)
    // the registry trims and upper-cases (ASCII letters only) before it checks; the form takes
    // what a participant types, without the surrounding spaces
    const decodes = (s: string) => Exit.isSuccess(Schema.decodeUnknownExit(ParticipantCode)(s))
    for (let i = 0; i < 50; i++) expect(pattern.test(newParticipantCode())).toBe(true)
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."AZaz09-_ éO1ßıſ"), maxLength: 40 }), (s) => pattern.test(s) === (s === s.trim() && decodes(s))),
      { numRuns: 2000 }
    )
  })

  it("names every language by its English name and code, and falls back to English words", () => {
    const senegal: Instrument = { ...instrument, locales: ["fr-SN", "wo"].map((l) => Schema.decodeUnknownSync(Locale)(l)), title: { "fr-SN": "Évaluation", wo: "Évaluation" } }
    const sheets = xlsFormSheets(senegal, "post", { likertLabels: (_, points) => Array.from({ length: points }, (_, i) => `L${i + 1}`) })
    expect(sheets.columns.choices).toEqual(["list_name", "name", "label::French, Senegal (fr-SN)", "label::Wolof (wo)"])
    expect(sheets.settings[0]!["default_language"]).toBe("French, Senegal (fr-SN)")
    const code = sheets.survey[0]!
    expect(code["label::French, Senegal (fr-SN)"]).toBe("Code participant")
    expect(code["label::Wolof (wo)"]).toBe("Participant code")
    // labels the instrument lacks in a locale fall back (labelIn) rather than leave a cell empty
    expect(sheets.survey[1]!["label::Wolof (wo)"]).toBe(instrument.questions.find((q) => q.waves.includes("post"))!.label["en"])

    const named = xlsFormSheets(instrument, "pre", { likertLabels, languageName: (l) => new Intl.DisplayNames([l], { type: "language" }).of(l)! })
    expect(named.columns.choices).toContain("label::français (fr)")
  })

  it("refuses question ids that are not XML names, and Likert labels of the wrong length", () => {
    const bad: Instrument = { ...instrument, questions: [...instrument.questions, { id: "2027-vote", type: "text", label: { en: "a", fr: "a", es: "a", ar: "a" }, waves: ["pre"] }] }
    expect(problemsOf(() => xlsFormSheets(bad, "pre", { likertLabels }))).toEqual([
      `questions.${instrument.questions.length}.id: expected an id that starts with a letter: "2027-vote" becomes an XML element name in the form`
    ])
    expect(problemsOf(() => xlsFormSheets(instrument, "pre", { likertLabels: (l, p) => (l === "es" && p === 7 ? likertLabels(l, 5) : likertLabels(l, p)) }))).toEqual([
      "questionnaire.likert7: expected 7 Likert labels in es, got 5"
    ])
    const noQuestions: Instrument = { ...instrument, questions: instrument.questions.filter((q) => !q.waves.includes("followup")) }
    expect(problemsOf(() => xlsFormSheets(noQuestions, "followup", { likertLabels }))).toEqual(["waves: expected at least one question asked in the followup wave"])
  })

  it("writes the same bytes for the same instrument, with the header row frozen", async () => {
    const a = await xlsFormBuffer(xlsFormSheets(instrument, "post", { likertLabels }))
    const b = await xlsFormBuffer(xlsFormSheets(instrument, "post", { likertLabels }))
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true)
    // every zip entry is stamped 2026-01-01 (an MS-DOS date, in local time as fflate writes it), not the time of writing
    const fixed = new Date(Date.UTC(2026, 0, 1))
    const dosDate = ((fixed.getFullYear() - 1980) << 9) | ((fixed.getMonth() + 1) << 5) | fixed.getDate()
    const view = new DataView(a.buffer, a.byteOffset, a.byteLength)
    const stamps: Array<number> = []
    for (let at = 0; view.getUint32(at, true) === 0x04034b50; at += 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true) + view.getUint32(at + 18, true)) stamps.push(view.getUint16(at + 12, true))
    expect(stamps.length).toBeGreaterThan(5)
    expect(new Set(stamps)).toEqual(new Set([dosDate]))
    const entries = unzipSync(a)
    for (const sheet of [1, 2, 3]) expect(new TextDecoder().decode(entries[`xl/worksheets/sheet${sheet}.xml`]), `sheet ${sheet}`).toMatch(/<pane [^>]*ySplit="1"[^>]*state="frozen"/)
    expect(new TextDecoder().decode(entries["xl/workbook.xml"])).toMatch(/name="survey".*name="choices".*name="settings"/s)
  })
})
