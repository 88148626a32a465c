// Rewriting files in place (the calendar export's 10,000 files): the result is exactly the new
// content, whether the old file was longer, shorter or missing, for text and bytes.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { rewriteFileSync } from "../../src/infra/Files.js"

describe("rewriteFileSync", () => {
  const dir = mkdtempSync(join(tmpdir(), "convene-files-"))

  it("creates a missing file", () => {
    const file = join(dir, "new.ics")
    expect(rewriteFileSync(file, "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")).toBe(file)
    expect(readFileSync(file, "utf8")).toBe("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
  })

  it("leaves nothing of a longer old file, and keeps the file (its inode) rather than replacing it", () => {
    const file = join(dir, "shorter.ics")
    writeFileSync(file, "x".repeat(50_000))
    const inode = statSync(file).ino
    rewriteFileSync(file, "Zoë — 東京\n")
    expect(readFileSync(file, "utf8")).toBe("Zoë — 東京\n")
    expect(statSync(file).size).toBe(Buffer.byteLength("Zoë — 東京\n"))
    expect(statSync(file).ino).toBe(inode)
  })

  it("writes past the end of a shorter old file, text or bytes", () => {
    const file = join(dir, "longer.bin")
    writeFileSync(file, "abc")
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => i % 251)
    rewriteFileSync(file, bytes)
    expect(new Uint8Array(readFileSync(file))).toEqual(bytes)
  })

  it("fails on a folder it cannot write into, as writeFileSync does", () => {
    expect(() => rewriteFileSync(join(dir, "missing-folder", "a.ics"), "x")).toThrow(/ENOENT/)
  })
})
