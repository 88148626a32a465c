// The confirmation of destructive commands, in-process: a y/N question on a terminal, --yes otherwise.
import { PassThrough } from "node:stream"
import { describe, expect, it } from "vitest"
import { confirm } from "../src/confirm.js"

/** A fake terminal whose user types `answer`; `asked` collects what was written to it. */
const terminal = (answer: string | undefined, isTTY = true) => {
  const input = Object.assign(new PassThrough(), { isTTY })
  const output = Object.assign(new PassThrough(), { isTTY })
  let asked = ""
  let answered = false
  output.on("data", (chunk: Buffer) => {
    asked += chunk.toString()
    if (answer !== undefined && !answered && asked.includes("[y/N]")) {
      answered = true
      input.write(`${answer}\n`)
    }
  })
  return { terminal: { input, output }, asked: () => asked }
}

const base = { what: "Participant p-1 has 53 survey answers in 2 waves, which would be deleted too.", question: "Remove participant p-1?", nothing: "Nothing was removed" }

describe("confirm", () => {
  it("goes on at once with --yes, asking nothing", async () => {
    const t = terminal(undefined)
    await expect(confirm({ ...base, yes: true, terminal: t.terminal })).resolves.toBeUndefined()
    expect(t.asked()).toBe("")
  })

  it("asks on a terminal, saying what would be deleted, and goes on for y or yes", async () => {
    for (const answer of ["y", "YES"]) {
      const t = terminal(answer)
      await expect(confirm({ ...base, yes: false, terminal: t.terminal })).resolves.toBeUndefined()
      expect(t.asked()).toContain("53 survey answers in 2 waves")
      expect(t.asked()).toContain("Remove participant p-1? [y/N]")
    }
  })

  it("refuses (exit 4) on any other answer, an empty one included", async () => {
    for (const answer of ["", "n", "maybe"]) {
      const error = await confirm({ ...base, yes: false, terminal: terminal(answer).terminal }).catch((e: unknown) => e)
      expect(error).toMatchObject({ _tag: "Refused", exitCode: 4 })
      expect((error as Error).message).toBe(`${base.what} Not confirmed. Nothing was removed. If this is what you want, confirm it with --yes.`)
    }
  })

  it("refuses without a terminal, naming --yes, and asks nothing", async () => {
    const t = terminal("y", false)
    const error = await confirm({ ...base, yes: false, terminal: t.terminal }).catch((e: unknown) => e)
    expect(error).toMatchObject({ _tag: "Refused", exitCode: 4 })
    expect((error as Error).message).toContain("Not on a terminal, so nobody could confirm it. Nothing was removed. If this is what you want, confirm it with --yes.")
    expect(t.asked()).toBe("")
  })
})
