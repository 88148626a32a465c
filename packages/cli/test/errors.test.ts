// One error contract: help, -h, "did you mean", and oclif's own parse errors as
// {"error":{"code","message","problems"}} with exit 2. A few spawns of the built binary; the
// suggestion and the parse-error mapping are checked in-process. Connection errors in full are
// tested in core (test/infra/Database.test.ts); here only that a command reports them.
import { spawn } from "node:child_process"
import { mkdtemp } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Errors } from "@oclif/core"
import { describe, expect, it } from "vitest"
import { parseErrorJson } from "../src/errors.js"
import { closestCommand } from "../src/hooks/not-found.js"
import { bin, convene } from "./run.js"

const ids = ["sites:list", "sites:show", "sites:add", "survey:invite", "schedule:plan", "sites", "survey", "schedule"]

/** The error printed with --json: exactly {error:{code,message,problems?}}, nothing of oclif's parse object. */
const errorOf = (stdout: string): { code: string; message: string; problems?: Array<{ field?: string; message: string }> } => {
  const parsed = JSON.parse(stdout) as { error: { code: string; message: string; problems?: Array<{ field?: string; message: string }> } }
  expect(Object.keys(parsed)).toEqual(["error"])
  for (const key of Object.keys(parsed.error)) expect(["code", "message", "problems"]).toContain(key)
  return parsed.error
}

describe("did you mean", () => {
  it("finds the closest command of as many words, or a topic, or nothing for noise", () => {
    expect(closestCommand(["sitse", "list"], ids)).toBe("sites list")
    expect(closestCommand(["survey", "invit"], ids)).toBe("survey invite")
    expect(closestCommand(["shedule"], ids)).toBe("schedule")
    expect(closestCommand(["xyzzyqwerty"], ids)).toBeUndefined()
  })
})

describe("oclif's parse errors as convene errors", () => {
  it("names the flag of a value it refuses, without the help hint or the parse object", () => {
    const e = parseErrorJson(new Errors.CLIError("Parsing --minutes \n\tExpected an integer but received: abc\nSee more help with --help"))
    expect(e).toEqual({ code: "InvalidFlag", message: "--minutes: expected an integer but received: abc", problems: [{ field: "--minutes", message: "--minutes: expected an integer but received: abc" }] })
  })
})

describe("help, -h and mistyped commands", () => {
  it("`help TOPIC` and -h work, and a mistyped command gets a suggestion at once, without waiting for input", async () => {
    const help = await convene(tmpdir(), ["help", "sites"])
    expect(help.code, help.stderr).toBe(0)
    expect(help.stdout).toContain("sites list")
    const h = await convene(tmpdir(), ["sites", "show", "-h"])
    expect(h.code, h.stderr).toBe(0)
    expect(h.stdout).toContain("The site's id, e.g. sn-dakar")
    // stdin is a pipe here, as in CI: no prompt
    const typo = await convene(tmpdir(), ["sitse", "list"])
    expect(typo.code).toBe(2)
    expect(typo.stderr).toContain('Did you mean "convene sites list"?')
    const typoJson = await convene(tmpdir(), ["sitse", "list", "--json"])
    expect(typoJson.code).toBe(2)
    expect(errorOf(typoJson.stdout)).toMatchObject({ code: "CommandNotFound", problems: [{ field: "command" }] })
  })

  it("prints a missing argument, an unknown flag and a bad value as {error:{code,message,problems}} with exit 2", async () => {
    const missing = await convene(tmpdir(), ["sites", "show", "--json"])
    expect(missing.code).toBe(2)
    expect(missing.stdout.length).toBeLessThan(2000)
    expect(errorOf(missing.stdout)).toEqual({ code: "MissingArgument", message: "Missing the required argument ID.", problems: [{ field: "id", message: expect.stringContaining("required: The site's id") }] })
    const unknown = await convene(tmpdir(), ["sites", "list", "--nope", "--json"])
    expect(unknown.code).toBe(2)
    expect(errorOf(unknown.stdout)).toEqual({ code: "UnknownFlag", message: "Nonexistent flag: --nope", problems: [{ field: "--nope", message: "no such flag; see --help" }] })
    const bad = await convene(tmpdir(), ["sites", "export", "--format", "xlsx", "--json"])
    expect(bad.code).toBe(2)
    expect(errorOf(bad.stdout)).toMatchObject({ code: "InvalidFlag", problems: [{ field: "--format" }] })
    // without --json: a short message on stderr, nothing on stdout
    const human = await convene(tmpdir(), ["sites", "list", "--nope"])
    expect(human.code).toBe(2)
    expect(human.stdout).toBe("")
    expect(human.stderr).toBe("Error: Nonexistent flag: --nope\nSee `convene sites list --help`.\n")
  })
})

describe("a reader that leaves early", () => {
  it("`convene --help | head -1` ends quietly with exit 0, without Node's unsettled top-level await warning", async () => {
    const child = spawn(process.execPath, [bin, "--help"], { env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] })
    let stderr = ""
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()))
    // read the first chunk, then close the pipe as head does
    child.stdout.once("data", () => child.stdout.destroy())
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve))
    expect(stderr).toBe("")
    expect(code).toBe(0)
  })
})

describe("database connection errors", () => {
  it("exit 3 naming what was tried against an unreachable PostgreSQL, exit 2 naming DATABASE_URL for a URL that is not PostgreSQL's", async () => {
    const { initWorkspace } = await import("@convene/core/infra")
    const { dir } = await initWorkspace({ dir: join(await mkdtemp(join(tmpdir(), "convene-conn-")), "ws"), today: "2026-11-30" })
    const down = await convene(dir, ["db", "status", "--json"], { DATABASE_URL: "postgres://convene:s3cret-pw@127.0.0.1:1/assembly" })
    expect(down.code).toBe(3)
    const e = errorOf(down.stdout)
    expect(e.code).toBe("ConnectionError")
    expect(e.message).toContain("Cannot connect to PostgreSQL at 127.0.0.1:1/assembly as convene: nothing is listening there")
    expect(down.stdout + down.stderr).not.toContain("s3cret-pw")
    const mysql = await convene(dir, ["sites", "list"], { DATABASE_URL: "mysql://root:pw@127.0.0.1:3306/x" })
    expect(mysql.code).toBe(2)
    expect(mysql.stderr).toContain("Error: DATABASE_URL (or --database-url) is a mysql:// URL")
    expect(mysql.stdout).toBe("")
  })
})
