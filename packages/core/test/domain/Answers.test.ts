// The one answer decoder: free text keeps its line breaks but refuses control characters such
// as a NUL byte, which the database would refuse with no place named (issue 13).
import { describe, expect, it } from "vitest"
import { decodeAnswer } from "../../src/domain/Answers.js"
import type { Question } from "../../src/domain/Instrument.js"

const comment = { id: "comment", type: "text", label: { en: "Comment" }, waves: ["post"] } as unknown as Question

describe("decodeAnswer (text)", () => {
  it("keeps text with line breaks and tabs", () => {
    expect(decodeAnswer(comment, "first line\nsecond\tline")).toEqual({ ok: true, value: "first line\nsecond\tline" })
  })

  it("refuses a NUL byte or another control character, saying which and where", () => {
    expect(decodeAnswer(comment, "abc\u0000def")).toEqual({ ok: false, expected: "text without control characters, got U+0000 at character 4" })
    expect(decodeAnswer(comment, "bell\u0007")).toEqual({ ok: false, expected: "text without control characters, got U+0007 at character 5" })
  })
})
