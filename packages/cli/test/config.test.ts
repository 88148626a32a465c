// One precedence for every setting: a flag, else the environment, else the workspace's .env,
// else the default (docs/configuration.md). Run as the built binary, from outside the workspace.
import { mkdtemp, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import pg from "pg"
import { beforeAll, describe, expect, it } from "vitest"
import { convene, conveneJson } from "./run.js"

// nothing listens on port 9 (discard): each URL fails at once, and the error names the one used
const url = (name: string) => `postgres://u@127.0.0.1:9/${name}`

let elsewhere: string
let ws: string
beforeAll(async () => {
  elsewhere = await mkdtemp(join(tmpdir(), "convene-cli-config-"))
  ws = join(elsewhere, "dialogue")
  expect((await convene(elsewhere, ["init", ws])).code).toBe(0)
  await writeFile(join(ws, ".env"), `DATABASE_URL=${url("from-dotenv")}\n`)
})

describe("configuration precedence", () => {
  it("takes DATABASE_URL from the flag, else the environment, else .env, else the embedded database", async () => {
    const dotenv = await convene(elsewhere, ["db", "status", `--dir=${ws}`], { DATABASE_URL: undefined })
    expect(dotenv.code, dotenv.stderr).toBe(3)
    expect(dotenv.stderr).toContain("127.0.0.1:9/from-dotenv")
    const env = await convene(elsewhere, ["db", "status", "--dir", ws], { DATABASE_URL: url("from-env") })
    expect(env.code).toBe(3)
    expect(env.stderr).toContain("127.0.0.1:9/from-env")
    const flag = await convene(elsewhere, ["db", "status", "--dir", ws, "--database-url", url("from-flag")], { DATABASE_URL: url("from-env") })
    expect(flag.code).toBe(3)
    expect(flag.stderr).toContain("127.0.0.1:9/from-flag")
    // set but empty in the environment: not given, and the .env is not read for it
    const empty = await convene(elsewhere, ["db", "status", `--dir=${ws}`], { DATABASE_URL: "" })
    expect(empty.code, empty.stderr).toBe(0)
    expect(empty.stdout).toContain(`pglite: ${join(ws, ".convene", "db")}`)
  })
})

const databaseUrl = process.env["DATABASE_URL"]
describe.skipIf(databaseUrl === undefined || databaseUrl === "")("migrations on PostgreSQL (skipped without DATABASE_URL)", () => {
  it("a command on a schema with pending migrations stops with exit 3 and says to run `convene db migrate`; after it, the command runs", async () => {
    const schema = `convene_cli_migrate_${process.pid}`
    const admin = new pg.Client({ connectionString: databaseUrl })
    await admin.connect()
    await admin.query(`drop schema if exists ${schema} cascade; create schema ${schema}`)
    try {
      const u = new URL(databaseUrl!)
      u.searchParams.set("options", `-c search_path=${schema}`)
      const env = { DATABASE_URL: u.toString() }
      const refused = await conveneJson(elsewhere, ["sites", "list", "--dir", ws], env)
      expect(refused.code).toBe(3)
      expect(refused.json.error.code).toBe("MigrationsPending")
      expect(refused.json.error.message).toContain("run `convene db migrate` first")
      const tables = await admin.query(`select count(*)::int as n from information_schema.tables where table_schema = $1`, [schema])
      expect(tables.rows[0].n).toBe(0)
      expect((await convene(elsewhere, ["db", "migrate", "--dir", ws], env)).code).toBe(0)
      const listed = await conveneJson(elsewhere, ["sites", "list", "--dir", ws], env)
      expect(listed.code, listed.stderr).toBe(0)
      expect(listed.json).toEqual([])
    } finally {
      await admin.query(`drop schema if exists ${schema} cascade`)
      await admin.end()
    }
  })
})
