import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { formatCsv, parseCsv } from "../../src/domain/Csv.js"

describe("parseCsv", () => {
  it("reads quoted fields with commas, quotes and newlines, keeping each record's first line", () => {
    const text = 'id,name\r\na,"Dakar, ""Plateau"""\nb,"two\nlines"\nc,plain\n'
    const { records, problems } = parseCsv(text)
    expect(problems).toEqual([])
    expect(records).toEqual([
      { line: 1, fields: ["id", "name"] },
      { line: 2, fields: ["a", 'Dakar, "Plateau"'] },
      { line: 3, fields: ["b", "two\nlines"] },
      { line: 5, fields: ["c", "plain"] }
    ])
  })

  it("ignores a byte-order mark and blank lines", () => {
    expect(parseCsv("\uFEFFid\n\na\n\n").records).toEqual([
      { line: 1, fields: ["id"] },
      { line: 3, fields: ["a"] }
    ])
  })

  it("reports a quote that is never closed at the line and column where it opens", () => {
    const { problems } = parseCsv('id,name\na,"open\nb,c\n')
    expect(problems).toEqual([{ line: 2, column: 3, message: expect.stringContaining("unbalanced quotes") }])
  })

  it("reports text after a closing quote and a stray quote inside a field", () => {
    const { records, problems } = parseCsv('id,name\na,"x"y\nb,ab"c\nc,ok\n')
    expect(problems.map((p) => p.line)).toEqual([2, 3])
    expect(records.map((r) => r.fields[0])).toEqual(["id", "c"])
  })

  it("round-trips any table through formatCsv", () => {
    const cell = fc.string({ unit: fc.constantFrom("a", "é", ",", '"', "\n", "\r\n", " ", "ب", "1") })
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(fc.array(cell, { minLength: n, maxLength: n }), fc.array(fc.array(cell, { minLength: n, maxLength: n }), { maxLength: 8 }))), ([header, rows]) => {
        // a record whose every cell is empty is a blank line; it has no place in a registry file
        const kept = rows.filter((r) => r.length > 1 || r[0] !== "")
        const headerOk = header.length > 1 || header[0] !== ""
        fc.pre(headerOk)
        const parsed = parseCsv(formatCsv(header, kept))
        expect(parsed.problems).toEqual([])
        expect(parsed.records.map((r) => r.fields)).toEqual([header, ...kept])
      }),
      { numRuns: 300 }
    )
  })
})
