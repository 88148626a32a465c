/**
 * Writes an XLSForm (see `domain/XlsForm.ts`) as the .xlsx workbook that KoboToolbox and ODK
 * Central take: sheets `survey`, `choices` and `settings`, each with its column names on row 1.
 */
import { writeFile } from "node:fs/promises"
import ExcelJS from "exceljs"
import type { XlsFormSheets } from "../domain/XlsForm.js"

// A fixed date for the workbook's properties, so that they do not change from one export to
// the next. The zip entries still carry the time of writing: exceljs (through JSZip) offers no
// way to set it, so two exports of the same form are equal sheet by sheet, not byte for byte.
const FIXED_DATE = new Date(Date.UTC(2026, 0, 1))

const widths: Record<string, number> = { type: 28, name: 28, list_name: 24, required: 10, constraint: 34, appearance: 12 }

/**
 * The XLSForm as .xlsx bytes. Every value is written as text, so that choice names such as
 * `1` stay `1` and a version `1` is not read back as `1.0`.
 *
 * @example
 * const bytes = await xlsFormBuffer(xlsFormSheets(instrument, "pre", { likertLabels }))
 */
export const xlsFormBuffer = async (sheets: XlsFormSheets): Promise<Uint8Array> => {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = "convene"
  workbook.lastModifiedBy = "convene"
  workbook.created = FIXED_DATE
  workbook.modified = FIXED_DATE
  for (const sheet of ["survey", "choices", "settings"] as const) {
    const columns = sheets.columns[sheet]
    const ws = workbook.addWorksheet(sheet, { views: [{ state: "frozen", ySplit: 1 }] })
    ws.columns = columns.map((c) => ({ header: c, key: c, width: widths[c] ?? (c.startsWith("label::") || c.startsWith("constraint_message::") ? 48 : 24) }))
    ws.getRow(1).font = { bold: true }
    for (const row of sheets[sheet]) ws.addRow(columns.map((c) => row[c] ?? ""))
  }
  const buffer = await workbook.xlsx.writeBuffer()
  return new Uint8Array(buffer as unknown as ArrayBuffer)
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
