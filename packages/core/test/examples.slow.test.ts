// The SDK examples (examples/sdk-*) run as an integrator runs them: `tsx index.ts` in their own
// folder, importing the built @convene/core by its package name. On an in-memory PGlite, and when
// DATABASE_URL is set on PostgreSQL too, in a schema made for the run and dropped after it.
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { readdir, readFile } from "node:fs/promises"
import { createRequire } from "node:module"
import { join } from "node:path"
import ICAL from "ical.js"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const root = join(import.meta.dirname, "..", "..", "..")
const url = process.env["DATABASE_URL"]
const hasPostgres = url !== undefined && url !== ""
if (!hasPostgres && process.env["CI"] !== undefined && process.env["CI"] !== "") {
  throw new Error("CI is set but DATABASE_URL is not: the examples must also run on PostgreSQL in CI.")
}

/** Runs an example with `tsx index.ts`, as its `start` script does, on the Node running the tests. */
const runExample = (name: string, databaseUrl: string | undefined) => {
  const dir = join(root, "examples", name)
  const tsx = createRequire(join(dir, "package.json")).resolve("tsx/cli")
  const env: NodeJS.ProcessEnv = { ...process.env }
  delete env["DATABASE_URL"]
  if (databaseUrl !== undefined) env["DATABASE_URL"] = databaseUrl
  const r = spawnSync(process.execPath, [tsx, "index.ts"], { cwd: dir, env, encoding: "utf8", timeout: 120_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, out: join(dir, "out") }
}

/** Each event's UID with its start in UTC, read back through ical.js with the file's VTIMEZONE. */
const startsOf = (ics: string): Map<string, string> => {
  const component = new ICAL.Component(ICAL.parse(ics))
  for (const tz of component.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(new ICAL.Timezone(tz))
  return new Map(component.getAllSubcomponents("vevent").map((ve) => {
    const event = new ICAL.Event(ve)
    return [event.uid, new Date(event.startDate.toUnixTime() * 1000).toISOString()]
  }))
}

const SITES = ["br-recife", "de-leipzig", "fj-suva", "in-pune", "mx-oaxaca", "np-kathmandu", "sn-dakar", "sn-thies"]

/** What both examples must show: the calendars in each site's zone, at the right instants. */
const expectCalendars = async (dir: string) => {
  const kathmandu = await readFile(join(dir, "np-kathmandu.ics"), "utf8")
  expect(kathmandu).toContain("DTSTART;TZID=Asia/Kathmandu:20270515T090000")
  // 09:00 in Kathmandu (UTC+05:45) is 03:15 UTC; 08:30 in Suva (UTC+12) is 20:30 UTC the day before
  expect(startsOf(kathmandu).get("open-data-pilot-np-kathmandu-welcome@convene")).toBe("2027-05-15T03:15:00.000Z")
  const suva = await readFile(join(dir, "fj-suva.ics"), "utf8")
  expect(startsOf(suva).get("open-data-pilot-fj-suva-welcome@convene")).toBe("2027-05-14T20:30:00.000Z")
}

const databases: Array<{ readonly name: string; readonly open: () => Promise<{ url: string | undefined; dispose: () => Promise<void> }> }> = [
  { name: "pglite", open: async () => ({ url: undefined, dispose: async () => {} }) },
  ...(hasPostgres
    ? [{
        name: "postgres",
        open: async () => {
          const schema = `convene_examples_${process.pid}_${Math.random().toString(36).slice(2, 10)}`
          const admin = new pg.Client({ connectionString: url })
          await admin.connect()
          await admin.query(`create schema ${schema}`)
          const u = new URL(url!)
          u.searchParams.set("options", `-c search_path=${schema}`)
          return {
            url: u.toString(),
            dispose: async () => {
              await admin.query(`drop schema ${schema} cascade`)
              await admin.end()
            }
          }
        }
      }]
    : [])
]

beforeAll(() => {
  if (!existsSync(join(root, "packages", "core", "dist", "index.js"))) {
    throw new Error("The examples import the built @convene/core: run `pnpm build` first.")
  }
})

describe.each(databases)("the SDK examples on $name", (database) => {
  let target: Awaited<ReturnType<typeof database.open>>
  beforeAll(async () => {
    target = await database.open()
  })
  afterAll(async () => target?.dispose())

  it("sdk-node registers the feed, plans the day and writes one calendar per site", async () => {
    const run = runExample("sdk-node", target.url)
    expect(run.stderr).toBe("")
    expect(run.status).toBe(0)
    expect(run.stdout).toContain(`Registered 7 fellows and 8 sites in 7 time zones (${database.name}; 8 new, 0 updated, 0 unchanged).`)
    expect(run.stdout).toContain('Refused as expected: timezone: expected an IANA time zone such as Africa/Dakar, got "Africa/Saint-Louis"')
    expect(run.stdout).toContain("Planned 2027-05-15 for 8 sites: the day runs from 2027-05-14T20:30:00Z to 2027-05-15T20:00:00Z (23.5 h).")
    expect(run.stdout).toContain("Wrote 8 calendars to out/.")
    expect((await readdir(run.out)).sort()).toEqual(SITES.map((s) => `${s}.ics`))
    await expectCalendars(run.out)
    if (database.name === "postgres") {
      // the data stays: a second run finds every site unchanged
      const again = runExample("sdk-node", target.url)
      expect(again.status).toBe(0)
      expect(again.stdout).toContain("(postgres; 0 new, 0 updated, 8 unchanged)")
    }
  })

  it("sdk-effect does the same with layers, and catches the bad feed by its tag", async () => {
    const run = runExample("sdk-effect", target.url)
    expect(run.stderr).toBe("")
    expect(run.status).toBe(0)
    expect(run.stdout).toContain(`Registered 7 fellows and 8 sites (${database.name}; `)
    expect(run.stdout).toContain("Refused as expected: bad-sites.json: 2 bad rows; nothing was imported.")
    expect(run.stdout).toContain("Planned 2027-05-15 for 8 sites")
    expect((await readdir(join(run.out, "ics"))).sort()).toEqual(["all-sites.ics", ...SITES.map((s) => `${s}.ics`)].sort())
    await expectCalendars(join(run.out, "ics"))
  })
})
