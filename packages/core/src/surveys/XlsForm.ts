/**
 * Writes an XLSForm (see `domain/XlsForm.ts`) as the .xlsx workbook that KoboToolbox and ODK
 * Central take: sheets `survey`, `choices` and `settings`, each with its column names on row 1.
 */
import { writeFile } from "node:fs/promises"
import { unzipSync, zipSync } from "fflate"
import writeXlsxFile, { type Row } from "write-excel-file/node"
import type { XlsFormSheets } from "../domain/XlsForm.js"

// A fixed time for every entry of the zip, so that two exports of the same form are equal byte
// for byte (write-excel-file stamps its entries with the time of writing).
const FIXED_DATE = new Date(Date.UTC(2026, 0, 1))

// Column widths in characters.
const widths: Record<string, number> = { type: 28, name: 28, list_name: 24, required: 10, constraint: 34, appearance: 12 }
const widthOf = (c: string): number => widths[c] ?? (c.startsWith("label::") || c.startsWith("constraint_message::") ? 48 : 24)

/**
 * The XLSForm as .xlsx bytes, the same bytes for the same sheets. Every value is written as text,
 * so that choice names such as `1` stay `1` and a version `1` is not read back as `1.0`.
 *
 * @example
 * const bytes = await xlsFormBuffer(xlsFormSheets(instrument, "pre", { likertLabels }))
 */
export const xlsFormBuffer = async (sheets: XlsFormSheets): Promise<Uint8Array> => {
  const workbook = (["survey", "choices", "settings"] as const).map((sheet) => {
    const columns = sheets.columns[sheet]
    const header: Row = columns.map((c) => ({ value: c, type: String, fontWeight: "bold" as const }))
    const rows: Array<Row> = sheets[sheet].map((row) => columns.map((c) => (row[c] ?? "") === "" ? null : { value: row[c]!, type: String }))
    return { sheet, data: [header, ...rows], columns: columns.map((c) => ({ width: widthOf(c) })), stickyRowsCount: 1 }
  })
  const written = new Uint8Array(await writeXlsxFile(workbook).toBuffer())
  // the same entries, in the same order, stamped with a fixed time
  return zipSync(unzipSync(written), { mtime: FIXED_DATE })
}

/**
 * Writes the XLSForm to `file` (an .xlsx path), replacing it.
 *
 * @example
 * await writeXlsForm("evaluation_pre.xlsx", xlsFormSheets(instrument, "pre", { likertLabels }))
 */
export const writeXlsForm = async (file: string, sheets: XlsFormSheets): Promise<void> => {
  await writeFile(file, await xlsFormBuffer(sheets))
}
