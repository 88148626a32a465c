/**
 * RFC 4180 CSV, read and written without IO. Reading keeps the physical line on which each
 * record starts, so that every error can name `FILE:LINE`.
 */

/** One record of a CSV file with the 1-based line on which it starts. */
export interface CsvRecord {
  readonly line: number
  readonly fields: ReadonlyArray<string>
}

/** A problem in the CSV syntax itself, before any field is looked at. */
export interface CsvSyntaxProblem {
  readonly line: number
  readonly column: number
  readonly message: string
}

/** The records of a CSV text; `problems` is empty when the syntax is sound. */
export interface ParsedCsv {
  readonly records: ReadonlyArray<CsvRecord>
  readonly problems: ReadonlyArray<CsvSyntaxProblem>
}

/**
 * Parses CSV text: comma-separated (or `delimiter`, e.g. `;` as KoboToolbox exports), fields optionally in double quotes with `""` for a quote,
 * CRLF or LF line ends, a leading byte-order mark ignored, blank lines skipped.
 *
 * @example
 * parseCsv('id,name\nsn-dakar,"Dakar, Plateau"\n').records
 * // [{ line: 1, fields: ["id", "name"] }, { line: 2, fields: ["sn-dakar", "Dakar, Plateau"] }]
 */
export const parseCsv = (input: string, options: { readonly delimiter?: string } = {}): ParsedCsv => {
  const records: Array<CsvRecord> = []
  const problems = eachCsvRecord(input, options, (fields, line) => void records.push({ line, fields }))
  return { records, problems }
}

/**
 * Parses CSV text as {@link parseCsv} does, handing each record to `visit` as it is read instead
 * of collecting them: a file of a million rows is never held as a million records at once.
 * Returns the syntax problems; reading stops at an unclosed quote.
 *
 * @example
 * const problems = eachCsvRecord(text, {}, (fields, line) => rows.push(fields[0]))
 */
export const eachCsvRecord = (input: string, options: { readonly delimiter?: string }, visit: (fields: ReadonlyArray<string>, line: number) => void): Array<CsvSyntaxProblem> => {
  const d = options.delimiter ?? ","
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input
  const problems: Array<CsvSyntaxProblem> = []
  const length = text.length
  let i = 0
  let line = 1
  let lineStart = 0

  while (i < length) {
    const recordLine = line
    const fields: Array<string> = []
    let blank = true
    let badRecord = false
    // one record
    for (;;) {
      if (text[i] === '"') {
        blank = false
        const openLine = line
        const openColumn = i - lineStart + 1
        i++
        let value = ""
        let closed = false
        while (i < length) {
          const ch = text[i]!
          if (ch === '"') {
            if (text[i + 1] === '"') {
              value += '"'
              i += 2
              continue
            }
            i++
            closed = true
            break
          }
          if (ch === "\n") {
            line++
            lineStart = i + 1
          }
          value += ch
          i++
        }
        if (!closed) {
          problems.push({
            line: openLine,
            column: openColumn,
            message: "unbalanced quotes: the quoted field that opens here is never closed"
          })
          return problems
        }
        fields.push(value)
        const next = text[i]
        if (next !== undefined && next !== d && next !== "\n" && next !== "\r") {
          if (!badRecord) {
            problems.push({
              line,
              column: i - lineStart + 1,
              message: `unbalanced quotes: expected ${d === "," ? "a comma" : `"${d}"`} or the end of the line after a closing quote`
            })
          }
          badRecord = true
          while (i < length && text[i] !== d && text[i] !== "\n" && text[i] !== "\r") i++
        }
      } else {
        let end = i
        while (end < length && text[end] !== d && text[end] !== "\n" && text[end] !== "\r") end++
        const value = text.slice(i, end)
        const quoteAt = value.indexOf('"')
        if (quoteAt >= 0 && !badRecord) {
          problems.push({
            line,
            column: i - lineStart + quoteAt + 1,
            message: "unbalanced quotes: a quote inside an unquoted field (quote the whole field and double the inner quote)"
          })
          badRecord = true
        }
        if (value.trim() !== "") blank = false
        fields.push(value)
        i = end
      }
      const sep = text[i]
      if (sep === d) {
        blank = false
        i++
        continue
      }
      if (sep === "\r") i++
      if (text[i] === "\n") i++
      line++
      lineStart = i
      break
    }
    if (!blank && !badRecord) visit(fields, recordLine)
  }
  return problems
}

const needsQuotes = /[",\r\n]|^\s|\s$/

// A cell that a spreadsheet would read as a formula (OWASP, "CSV Injection"): it starts with
// = + - @, a tab or a CR — after any apostrophes, so that neutralising can be undone exactly.
const formulaLike = /^'*[=+\-@\t\r]/
// a number, or a UTC offset such as +05:45 (the schedule's): values that cannot call anything
const plainNumber = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$|^[+-]\d{2}:\d{2}$/

/**
 * Neutralises a cell that a spreadsheet would run as a formula, as OWASP advises for CSV
 * files: one apostrophe is put in front of a value starting with `=`, `+`, `-`, `@`, a tab or a
 * carriage return (`=HYPERLINK(…)` → `'=HYPERLINK(…)`), so that Excel, LibreOffice and Google
 * Sheets show it as text. A plain number (`-2`, `+0.5`, `-1e3`) stays a number, and a UTC
 * offset (`+05:45`, `-03:00`) stays as it is. A value that already starts with apostrophes
 * before such a character gets one more, so that {@link restoreCsvCell} gives back exactly the
 * value written.
 *
 * @example
 * neutraliseCsvCell("=1+1") // "'=1+1"
 * neutraliseCsvCell("-2") // "-2"
 * neutraliseCsvCell("'=1+1") // "''=1+1"
 */
export const neutraliseCsvCell = (value: string): string =>
  formulaLike.test(value) && !plainNumber.test(value) ? `'${value}` : value

/**
 * Undoes {@link neutraliseCsvCell}: a cell that starts with an apostrophe followed (after any
 * further apostrophes) by `=`, `+`, `-`, `@`, a tab or a CR loses its first apostrophe. Every
 * other cell is returned as it is.
 *
 * @example
 * restoreCsvCell("'=1+1") // "=1+1"
 * restoreCsvCell("''=1+1") // "'=1+1"
 * restoreCsvCell("'tis") // "'tis"
 */
export const restoreCsvCell = (cell: string): string =>
  cell.startsWith("'") && formulaLike.test(cell) ? cell.slice(1) : cell

/**
 * Writes one field: neutralised against formula injection ({@link neutraliseCsvCell}), then
 * quoted when it must be.
 */
export const formatCsvField = (value: string): string => {
  const cell = neutraliseCsvCell(value)
  return needsQuotes.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell
}

/**
 * Writes rows as CSV with LF line ends and a final newline; every field goes through
 * {@link formatCsvField}, so no cell can run as a spreadsheet formula.
 *
 * @example
 * formatCsv(["id", "name"], [["sn-dakar", "Dakar, Plateau"]]) // 'id,name\nsn-dakar,"Dakar, Plateau"\n'
 */
export const formatCsv = (header: ReadonlyArray<string>, rows: Iterable<ReadonlyArray<string>>): string => {
  let out = header.map(formatCsvField).join(",") + "\n"
  for (const row of rows) out += row.map(formatCsvField).join(",") + "\n"
  return out
}
