// KoboToolbox CSV exports: answers collected with the XLSForm come back exactly as they were
// given, whatever the export's delimiter, groups and select_multiple layout; a bad export has
// every problem named at its line and column.
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { AnswerValue } from "../../src/domain/Answers.js"
import { formatProblem } from "../../src/domain/Errors.js"
import { decodeInstrumentYaml, type WaveId } from "../../src/domain/Instrument.js"
import { koboDelimiter, parseKoboCsv } from "../../src/domain/Kobo.js"
import { type XlsFormSheets, xlsFormSheets } from "../../src/domain/XlsForm.js"
import { CODE_ALPHABET } from "../../src/domain/Registry.js"

const root = join(import.meta.dirname, "..", "..", "..", "..")
const instrument = decodeInstrumentYaml(await readFile(join(root, "examples", "we-the-internet", "surveys", "evaluation.yaml"), "utf8"), "evaluation.yaml")
const byId = new Map(instrument.questions.map((q) => [q.id, q]))
const sheetsOf = (wave: WaveId): XlsFormSheets => xlsFormSheets(instrument, wave, { likertLabels: (_, points) => Array.from({ length: points }, (_, i) => `point ${i + 1}`) })

/** A submission as the enumerator entered it: raw values by question name. */
type Submission = { readonly code: string; readonly values: Record<string, string | Array<string>> }

interface ExportLayout {
  readonly delimiter: ";" | ","
  /** Questions whose name starts with a key are exported inside that group, as `group/name`. */
  readonly groups: Readonly<Record<string, string>>
  /** Kobo's "both" (default), "summary" (space-separated only) or "details" (0/1 per option only). */
  readonly multiple: "both" | "summary" | "details"
}

const koboLayout: ExportLayout = { delimiter: ";", groups: { "trust-": "group_trust", "know-": "group_knowledge" }, multiple: "both" }

/**
 * A KoboToolbox export of submissions to a form, with "XML values and headers": metadata first
 * and last, group paths in headers, every field quoted, CRLF line ends.
 */
const koboCsv = (sheets: XlsFormSheets, submissions: ReadonlyArray<Submission>, layout: ExportLayout = koboLayout): string => {
  type Col = { readonly header: string; readonly value: (s: Submission, i: number) => string }
  const path = (name: string): string => {
    const group = Object.entries(layout.groups).find(([prefix]) => name.startsWith(prefix))
    return group === undefined ? name : `${group[1]}/${name}`
  }
  const cols: Array<Col> = [
    { header: "start", value: (_, i) => `2027-04-0${1 + (i % 9)}T09:0${i % 10}:00.000+00:00` },
    { header: "end", value: (_, i) => `2027-04-0${1 + (i % 9)}T09:2${i % 10}:00.000+00:00` },
    { header: "today", value: (_, i) => `2027-04-0${1 + (i % 9)}` },
    { header: "deviceid", value: () => "enketo.kobotoolbox.org:Xo3ZbN1tF2yW" }
  ]
  for (const row of sheets.survey) {
    const name = row["name"]!
    const [type, list] = row["type"]!.split(" ")
    if (name === "participant_code") {
      cols.push({ header: name, value: (s) => s.code })
      continue
    }
    const raw = (s: Submission): string | Array<string> => s.values[name] ?? (type === "select_multiple" ? [] : "")
    if (type !== "select_multiple") {
      cols.push({ header: path(name), value: (s) => raw(s) as string })
      continue
    }
    if (layout.multiple !== "details") cols.push({ header: path(name), value: (s) => (raw(s) as Array<string>).join(" ") })
    if (layout.multiple !== "summary") {
      for (const choice of sheets.choices.filter((c) => c["list_name"] === list)) {
        const option = choice["name"]!
        // Kobo leaves every option blank when the question was not answered
        cols.push({ header: `${path(name)}/${option}`, value: (s) => (raw(s).length === 0 ? "" : raw(s).includes(option) ? "1" : "0") })
      }
    }
  }
  cols.push(
    { header: "meta/instanceID", value: (_, i) => `uuid:5d3c1c44-0000-4000-8000-${String(i).padStart(12, "0")}` },
    { header: "_id", value: (_, i) => String(1000 + i) },
    { header: "_uuid", value: (_, i) => `5d3c1c44-0000-4000-8000-${String(i).padStart(12, "0")}` },
    { header: "_submission_time", value: () => "2027-04-10T12:00:00" },
    { header: "_validation_status", value: () => "" },
    { header: "_notes", value: () => "" },
    { header: "_status", value: () => "submitted_via_web" },
    { header: "_submitted_by", value: () => "" },
    { header: "__version__", value: () => "vN3r7XbP9sKq2" },
    { header: "_tags", value: () => "" },
    { header: "_index", value: (_, i) => String(i + 1) }
  )
  const quote = (v: string): string => `"${v.replaceAll('"', '""')}"`
  const line = (cells: ReadonlyArray<string>): string => cells.map(quote).join(layout.delimiter)
  return [line(cols.map((c) => c.header)), ...submissions.map((s, i) => line(cols.map((c) => c.value(s, i))))].join("\r\n") + "\r\n"
}

/** What the import must read: numbers as numbers, options in the instrument's order, text trimmed. */
const expectedAnswers = (s: Submission): Record<string, AnswerValue> => {
  const out: Record<string, AnswerValue> = {}
  for (const [name, raw] of Object.entries(s.values)) {
    const q = byId.get(name)!
    if (Array.isArray(raw)) {
      if (raw.length > 0 && "options" in q) out[name] = q.options.map((o) => o.id).filter((id) => raw.includes(id))
    } else if (raw.trim() !== "") {
      out[name] = q.type === "text" || q.type === "single" || q.type === "knowledge" ? raw.trim() : Number(raw)
    }
  }
  return out
}

const codeArb = fc.string({ unit: fc.constantFrom(...CODE_ALPHABET), minLength: 8, maxLength: 8 })
const textArb = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('He said "enough; let us vote"', "line one\r\nline two", "  padded  ", "لا أعرف، ربما", "a;b,c")
)

/** Submissions that the form would accept, built from its sheets alone. */
const submissionsArb = (sheets: XlsFormSheets): fc.Arbitrary<Array<Submission>> => {
  const fields: Record<string, fc.Arbitrary<string | Array<string>>> = {}
  for (const row of sheets.survey.slice(1)) {
    const [type, list] = row["type"]!.split(" ")
    const names = sheets.choices.filter((c) => c["list_name"] === list).map((c) => c["name"]!)
    const blank: Array<fc.Arbitrary<string | Array<string>>> = row["required"] === "yes" ? [] : [fc.constant(type === "select_multiple" ? [] : "")]
    let arb: fc.Arbitrary<string | Array<string>>
    if (type === "select_one") arb = fc.constantFrom(...names)
    else if (type === "select_multiple") arb = fc.shuffledSubarray(names, { minLength: 1 })
    else if (type === "decimal") {
      const [, min, max] = /^\. >= (\S+) and \. <= (\S+)$/.exec(row["constraint"]!)!
      arb = fc.integer({ min: Number(min) * 10, max: Number(max) * 10 }).map((n) => String(n / 10))
    } else arb = textArb
    fields[row["name"]!] = blank.length > 0 ? fc.oneof(arb, ...blank) : arb
  }
  return fc.uniqueArray(fc.record({ code: codeArb, values: fc.record(fields) }), { selector: (s) => s.code, minLength: 1, maxLength: 6 })
}

describe("parseKoboCsv", () => {
  it.each<[WaveId, ExportLayout]>([
    ["pre", koboLayout],
    ["post", koboLayout],
    ["post", { delimiter: ",", groups: {}, multiple: "summary" }],
    ["post", { delimiter: ";", groups: { "helped-": "group_day" }, multiple: "details" }]
  ])("reads back every answer of a %s export (%o)", (wave, layout) => {
    const sheets = sheetsOf(wave)
    fc.assert(
      fc.property(submissionsArb(sheets), (submissions) => {
        const text = koboCsv(sheets, submissions, layout)
        expect(koboDelimiter(text)).toBe(layout.delimiter)
        const { rows, problems } = parseKoboCsv(text, "export.csv", instrument, wave)
        expect(problems).toEqual([])
        expect(rows.map((r) => r.code)).toEqual(submissions.map((s) => s.code))
        expect(rows.map((r) => r.answers)).toEqual(submissions.map(expectedAnswers))
      }),
      { numRuns: 60 }
    )
  })

  it("keeps each submission's first line, even after a multi-line answer", () => {
    const sheets = sheetsOf("post")
    const values = { learned: "first\nsecond\nthird", "trust-parliament": "7" }
    const text = koboCsv(sheets, [
      { code: "AAAA2222", values },
      { code: "BBBB3333", values: { "helped-most": ["global-moments", "briefing-material"] } }
    ])
    const { rows, problems } = parseKoboCsv(text, "export.csv", instrument, "post")
    expect(problems).toEqual([])
    expect(rows).toEqual([
      { line: 2, code: "AAAA2222", answers: { learned: "first\nsecond\nthird", "trust-parliament": 7 } },
      { line: 5, code: "BBBB3333", answers: { "helped-most": ["briefing-material", "global-moments"] } }
    ])
  })

  it("reports every problem of a bad export with its line and column", () => {
    const sheets = sheetsOf("pre")
    const good = { "internet-use": "never", "hours-online": "3.5", "data-control": "each-person" }
    const text = koboCsv(sheets, [
      { code: "AAAA2222", values: good },
      { code: "BBBB3333", values: { ...good, "data-control": "everyone" } },
      { code: "CCCC4444", values: { ...good, "hours-online": "30" } },
      { code: "aaaa2222", values: good },
      { code: "DD", values: good }
    ]).replace('"deviceid"', '"favourite-colour"').replace('"_index"\r\n', '"_index";"voice"\r\n')
    const header = text.split("\r\n", 1)[0]!.split(";").map((h) => JSON.parse(h) as string)
    const column = (name: string): number => header.indexOf(name) + 1
    const { rows, problems } = parseKoboCsv(text, "pre.csv", instrument, "pre")
    expect(problems.map(formatProblem)).toEqual([
      `pre.csv:1:${column("favourite-colour")}: favourite-colour: unknown column "favourite-colour": expected participant_code, a question id of the pre wave of evaluation or a KoboToolbox metadata column`,
      `pre.csv:1:${column("voice")}: voice: the question "voice" is not asked in the pre wave (it is in post)`,
      `pre.csv:3:${column("data-control")}: data-control: expected one of each-person, companies, national-government, international-body, dont-know, got "everyone"`,
      `pre.csv:4:${column("hours-online")}: hours-online: expected a number from 0 to 24, got "30"`,
      `pre.csv:5:${column("participant_code")}: participant_code: the code AAAA2222 is already on line 2`,
      `pre.csv:6:${column("participant_code")}: participant_code: expected a code of 4 to 32 letters, digits or dashes, got "DD"`
    ])
    // rows with a sound code keep the answers that decode
    expect(rows.map((r) => [r.line, r.code])).toEqual([[2, "AAAA2222"], [3, "BBBB3333"], [4, "CCCC4444"]])
    expect(rows[1]!.answers).toEqual({ "internet-use": "never", "hours-online": 3.5 })
  })

  it("requires the participant_code column, naming the header line", () => {
    const text = koboCsv(sheetsOf("pre"), [{ code: "AAAA2222", values: {} }]).replace('"participant_code"', '"code_participant"')
    expect(parseKoboCsv(`\n${text}`, "pre.csv", instrument, "pre").problems.map(formatProblem)).toEqual([
      `pre.csv:2:5: code_participant: unknown column "code_participant": expected participant_code, a question id of the pre wave of evaluation or a KoboToolbox metadata column`,
      'pre.csv:2: expected a "participant_code" column with each participant\'s code (export from KoboToolbox with "XML values and headers")'
    ])
  })

  it("accepts an export with only some of the wave's questions, and hints at label headers", () => {
    const { rows, problems } = parseKoboCsv("participant_code,trust-media\nK7M2Q9XA,9\nP4W8N3ZB,\n", "pre.csv", instrument, "pre")
    expect(problems).toEqual([])
    expect(rows).toEqual([
      { line: 2, code: "K7M2Q9XA", answers: { "trust-media": 9 } },
      { line: 3, code: "P4W8N3ZB", answers: {} }
    ])
    expect(parseKoboCsv('participant_code;"How often do you use the Internet?"\nK7M2Q9XA;never\n', "pre.csv", instrument, "pre").problems.map(formatProblem)).toEqual([
      'pre.csv:1:2: How often do you use the Internet?: unknown column "How often do you use the Internet?": expected participant_code, a question id of the pre wave of evaluation or a KoboToolbox metadata column (export with "XML values and headers", not labels)'
    ])
  })

  it("reads an ODK Central export: comma-separated, its own metadata columns", () => {
    const text = [
      "SubmissionDate,start,end,participant_code,trust-media,helped-most,meta-instanceID,KEY,SubmitterID,SubmitterName,AttachmentsPresent,AttachmentsExpected,Status,ReviewState,DeviceID,Edits,FormVersion",
      "2027-04-10T12:00:00.000Z,2027-04-10T09:00:00.000Z,2027-04-10T09:20:00.000Z,K7M2Q9XA,9,table-discussion briefing-material,uuid:1,uuid:1,5,site-sn,0,0,,,collect:abc,0,1"
    ].join("\n")
    const { rows, problems } = parseKoboCsv(text, "post.csv", instrument, "post")
    expect(problems).toEqual([])
    expect(rows).toEqual([{ line: 2, code: "K7M2Q9XA", answers: { "trust-media": 9, "helped-most": ["briefing-material", "table-discussion"] } }])
  })

  it("leaves out submissions a reviewer marked \"Not approved\", and counts them, unless asked to keep them (issue 13)", () => {
    const text = [
      "participant_code;trust-media;_validation_status;_id",
      "K7M2Q9XA;9;Approved;1",
      "P4W8N3ZB;3;Not approved;2",
      "Q5R7T2VC;4;validation_status_not_approved;3",
      "H3J6K8MN;5;On hold;4",
      "W2X4Y6ZA;6;;5"
    ].join("\n")
    const kept = parseKoboCsv(text, "post.csv", instrument, "post")
    expect(kept.problems).toEqual([])
    expect(kept.rows.map((r) => r.code)).toEqual(["K7M2Q9XA", "H3J6K8MN", "W2X4Y6ZA"])
    expect(kept.unapproved).toBe(2)
    const all = parseKoboCsv(text, "post.csv", instrument, "post", { includeUnapproved: true })
    expect(all.rows).toHaveLength(5)
    expect(all.unapproved).toBe(0)
  })

  it("reports a bad 0/1 option cell, a repeated column, a long record and an empty file", () => {
    const text = "participant_code;helped-most/voice;helped-most/table-discussion;trust-media;g/trust-media\nK7M2Q9XA;1;yes;5;5\nP4W8N3ZB;0;1;5;5;extra\n"
    expect(parseKoboCsv(text, "post.csv", instrument, "post").problems.map(formatProblem)).toEqual([
      'post.csv:1:2: helped-most/voice: unknown option "voice" of helped-most: expected one of briefing-material, table-discussion, expert-videos, global-moments, participants-stories, none-in-particular (was the form changed in KoboToolbox?)',
      'post.csv:1:5: g/trust-media: the column "trust-media" is repeated (first in column 4)',
      'post.csv:2:3: helped-most: expected 1 or 0 (whether "table-discussion" was chosen), got "yes"',
      "post.csv:3: expected 5 fields, got 6"
    ])
    expect(parseKoboCsv("\n", "post.csv", instrument, "post").problems.map(formatProblem)).toEqual([
      "post.csv:1: the file is empty: expected a header line with participant_code and question names"
    ])
  })

  it("detects the delimiter outside quotes on the header line", () => {
    expect(koboDelimiter('"a;b","c"\n1;2;3;4\n')).toBe(",")
    expect(koboDelimiter('\uFEFF"start";"end";"participant_code"\r\n')).toBe(";")
    expect(koboDelimiter("participant_code\n")).toBe(",")
  })
})
