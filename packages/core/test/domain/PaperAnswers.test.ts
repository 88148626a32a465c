// Paper answers typed into CSV: good rows come back decoded, a bad cell is named at its line
// and column, and a header naming an unknown column stops the reading.
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { formatProblem } from "../../src/domain/Errors.js"
import { decodeInstrumentYaml, questionsFor } from "../../src/domain/Instrument.js"
import { paperRows } from "../../src/domain/PaperAnswers.js"
import { rawAnswer } from "../support/answers.js"

const root = join(import.meta.dirname, "..", "..", "..", "..")
const instrument = decodeInstrumentYaml(await readFile(join(root, "examples", "we-the-internet", "surveys", "evaluation.yaml"), "utf8"), "evaluation.yaml")
const pre = questionsFor(instrument, "pre")
const scale = pre.find((q) => q.type === "scale")!
const single = pre.find((q) => q.type === "single")!

describe("paper answers", () => {
  it("decodes good rows, codes in upper case, blank cells left out", () => {
    const text = `code,${scale.id},${single.id}\nsnaaaa22,7,${rawAnswer(single)}\nGBAAAA22,,\n`
    const parsed = paperRows(text, "paper.csv", instrument, "pre")
    expect(parsed.problems).toEqual([])
    expect(parsed.questions).toBe(2)
    expect(parsed.rows).toEqual([
      { line: 2, code: "SNAAAA22", codeColumn: 1, answers: { [scale.id]: 7, [single.id]: rawAnswer(single) } },
      { line: 3, code: "GBAAAA22", codeColumn: 1, answers: {} }
    ])
  })

  it("reports a bad cell as FILE:LINE:COLUMN", () => {
    const text = `code,${single.id},${scale.id}\nSNAAAA22,${rawAnswer(single)},11\n`
    const parsed = paperRows(text, "paper.csv", instrument, "pre")
    expect(parsed.problems.map(formatProblem)).toEqual([`paper.csv:2:3: ${scale.id}: expected a whole number from 0 to 10, got "11"`])
  })

  it("reports an unknown column and reads no row", () => {
    const parsed = paperRows(`code,no-such-question\nSNAAAA22,1\n`, "paper.csv", instrument, "pre")
    expect(parsed.rows).toEqual([])
    expect(parsed.problems.map(formatProblem)).toEqual(['paper.csv:1:2: unknown column "no-such-question": expected code or a question id of evaluation'])
  })

  it("names line 1 of an empty file (issue 13)", () => {
    expect(paperRows("", "paper.csv", instrument, "pre").problems.map(formatProblem)).toEqual(["paper.csv:1: the file is empty: expected a header line (code, then question ids)"])
  })
})
