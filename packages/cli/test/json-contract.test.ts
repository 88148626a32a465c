// The machine contract of --json (docs/json.md): every convene command, run with --json in one
// example workspace, prints what its JSON Schema in docs/json/ says (errors: error.schema.json),
// with snake_case keys; the schemas are current with the code; and no command is left out.
// With DATABASE_URL (CI) the workspace's store is a fresh PostgreSQL schema, migrated first by
// `db migrate`: the contract is the same on both stores, and a command costs a fraction of an
// embedded open (the ~100 commands took 5.5 min on the embedded database). Without it, the
// embedded database.
import { Ajv2020 } from "ajv/dist/2020.js"
import pg from "pg"
import { execFile } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { mkdtemp } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Case, Ran } from "./contract/case.js"
import { registryCases } from "./contract/registries.js"
import { resultsCases } from "./contract/results.js"
import { surveyCases } from "./contract/survey.js"
import { scheduleCases } from "./contract/schedule.js"
import { kitCases } from "./contract/kit.js"
import { recruitCases } from "./contract/recruit.js"
import { mirrorCases } from "./contract/mirror.js"
import { convene } from "./run.js"

const root = join(import.meta.dirname, "..", "..", "..")
const docs = join(root, "docs", "json")
const manifest = JSON.parse(readFileSync(join(import.meta.dirname, "..", "oclif.manifest.json"), "utf8")) as {
  commands: Record<string, { pluginName: string }>
}
const commandIds = Object.entries(manifest.commands).filter(([, c]) => c.pluginName === "@convene/cli").map(([id]) => id)

/** The groups of cases, in the order they run (later groups use what earlier ones made). */
const groups: ReadonlyArray<readonly [string, ReadonlyArray<Case>]> = [["registries", registryCases], ["schedule+timeline+db+init", scheduleCases], ["kit+mail", kitCases], ["survey", surveyCases], ["results", resultsCases], ["recruitment", recruitCases], ["mirror", mirrorCases]]

const ajv = new Ajv2020({ allErrors: true, strict: false })
const validators = new Map<string, ReturnType<typeof ajv.compile>>()
const validator = (name: string) => {
  let v = validators.get(name)
  if (v === undefined) {
    v = ajv.compile(JSON.parse(readFileSync(join(docs, `${name}.schema.json`), "utf8")))
    validators.set(name, v)
  }
  return v
}

/** The command id of an argument list (`["sites","list","--where",…]` → `sites:list`). */
const commandOf = (args: ReadonlyArray<string>): string => {
  const words = args.filter((a) => !a.startsWith("-"))
  for (let n = Math.min(words.length, 3); n > 0; n--) {
    const id = words.slice(0, n).join(":")
    if (commandIds.includes(id)) return id
  }
  throw new Error(`no command for ${args.join(" ")}`)
}

/** Every key of every object in a JSON value, except the keys of maps keyed by data (ids). */
const camelKeys = (value: unknown, path = "$"): Array<string> => {
  if (Array.isArray(value)) return value.flatMap((v, i) => camelKeys(v, `${path}[${i}]`))
  if (value === null || typeof value !== "object") return []
  return Object.entries(value).flatMap(([k, v]) => [...(/^[a-z]+[A-Z]/.test(k) ? [`${path}.${k}`] : []), ...camelKeys(v, `${path}.${k}`)])
}

const databaseUrl = process.env["DATABASE_URL"]
const schema = `convene_contract_${process.pid}`
/** The store every case runs on: a fresh PostgreSQL schema with DATABASE_URL, else the embedded database. */
let dbEnv: Record<string, string> = { DATABASE_URL: "" }

let tmp: string
beforeAll(async () => {
  if (!existsSync(join(import.meta.dirname, "..", "lib", "commands"))) {
    throw new Error("The CLI is not built: run `pnpm run build` first (the test script does).")
  }
  tmp = await mkdtemp(join(tmpdir(), "convene-contract-"))
  if (databaseUrl !== undefined && databaseUrl !== "") {
    const admin = new pg.Client({ connectionString: databaseUrl })
    await admin.connect()
    await admin.query(`drop schema if exists ${schema} cascade; create schema ${schema}`)
    await admin.end()
    const url = new URL(databaseUrl)
    url.searchParams.set("options", `-c search_path=${schema}`)
    dbEnv = { DATABASE_URL: url.toString() }
  }
})

afterAll(async () => {
  if (dbEnv["DATABASE_URL"] === "" || databaseUrl === undefined) return
  const admin = new pg.Client({ connectionString: databaseUrl })
  await admin.connect()
  await admin.query(`drop schema if exists ${schema} cascade`)
  await admin.end()
})

describe("the JSON contract", () => {
  it("docs/json/ holds a current schema for every command (node scripts/json-schemas.mjs --check)", async () => {
    const r = await promisify(execFile)(process.execPath, [join(root, "scripts", "json-schemas.mjs"), "--check"]).catch((e: { stdout: string; stderr: string }) => e)
    expect(r.stderr).toBe("")
  })

  it("every command prints JSON that fits its schema, with snake_case keys, and no command is left out", { timeout: 900_000 }, async () => {
    const dir = join(tmp, "wti")
    expect((await convene(tmp, ["init", "wti", "--example", "we-the-internet"])).code).toBe(0)
    // PostgreSQL is migrated only by `db migrate` (every other command refuses pending migrations)
    if (dbEnv["DATABASE_URL"] !== "") expect((await convene(dir, ["db", "migrate"], dbEnv)).code).toBe(0)
    const covered = new Set<string>()
    const failures: Array<string> = []
    for (const [group, cases] of groups) {
      for (const c of cases) {
        const args = [...c.args, "--json"]
        const line = `${group}: convene ${args.join(" ")}`
        await c.before?.(dir)
        const ran: Ran = c.run === undefined ? await convene(dir, args, { ...dbEnv, ...c.env }) : await c.run(dir, args, dbEnv)
        const id = commandOf(c.args)
        const exits = c.exit === undefined ? [0] : typeof c.exit === "number" ? [c.exit] : c.exit
        if (!exits.includes(ran.code)) {
          failures.push(`${line}: exit ${ran.code}, expected ${exits.join(" or ")}\n${ran.stdout.slice(0, 600)}\n${ran.stderr.slice(0, 600)}`)
          continue
        }
        let json: unknown
        try {
          json = JSON.parse(ran.stdout)
        } catch {
          failures.push(`${line}: stdout is not JSON:\n${ran.stdout.slice(0, 600)}`)
          continue
        }
        const validate = validator(c.error === true ? "error" : id.replaceAll(":", "-"))
        if (!validate(json)) failures.push(`${line}: does not fit its schema:\n${ajv.errorsText(validate.errors, { separator: "\n" })}\n${ran.stdout.slice(0, 600)}`)
        const camel = c.error === true ? [] : camelKeys(json)
        if (camel.length > 0) failures.push(`${line}: camelCase keys: ${camel.slice(0, 5).join(", ")}`)
        try {
          await c.check?.(json, dir)
        } catch (e) {
          failures.push(`${line}: ${(e as Error).message}`)
        }
        if (c.error !== true) covered.add(id)
      }
    }
    expect(failures, failures.join("\n\n")).toEqual([])
    expect(commandIds.filter((id) => !covered.has(id)), "commands the contract test never ran successfully with --json").toEqual([])
  })
})
