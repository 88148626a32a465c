// The Promise facade, as an integrator without Effect uses it: on PGlite and, when DATABASE_URL
// is set, on PostgreSQL (in a schema of its own, see support/databases.ts).
import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Effect from "effect/Effect"
import { type Convene, type ConveneOptions, createConvene, Database, type DialogueInput, InputError, NotFound, WorkspaceNotFound } from "../src/index.js"
import { testDatabases } from "./support/databases.js"

const dialogue: DialogueInput = {
  id: "pilot",
  title: "Pilot assembly",
  source_locale: "en",
  locales: ["en", "fr"],
  deliberation_day: { date: "2027-05-15", start_local: "09:00", window: { start: "08:00", end: "21:00" } },
  agenda: [
    { id: "welcome", title: "Welcome", minutes: 30, kind: "plenary" },
    { id: "session-1", title: "Session 1", minutes: 90, kind: "table-discussion" },
    { id: "vote-1", title: "Vote", minutes: 15, kind: "vote" }
  ],
  sync_moments: [{ id: "greeting", title: "Global greeting", minutes: 15, at: "auto" }],
  timeline: { phases: [], milestones: [] },
  evaluation: { waves: [] }
}

const fellows = [
  { id: "f-sn-diallo", name: "Awa Diallo", email: "awa@example.org", country: "SN", languages: "fr wo" },
  { id: "f-np-sharma", name: "Ram Sharma", email: "ram@example.np", country: "NP", languages: "ne en" }
]
const sites = [
  { id: "sn-dakar", name: "Dakar assembly", city: "Dakar", country: "SN", timezone: "Africa/Dakar", locale: "fr-SN", capacity: 100, format: "in-person", fellow_email: "awa@example.org" },
  { id: "np-kathmandu", name: "Kathmandu assembly", city: "Kathmandu", country: "NP", timezone: "Asia/Kathmandu", locale: "ne-NP", capacity: 80, format: "online", fellow_email: "ram@example.np", start_local: "10:00" }
]

let dir: string
const json = async (name: string, value: unknown): Promise<string> => {
  const path = join(dir, name)
  await writeFile(path, JSON.stringify(value, null, 2))
  return path
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "convene-facade-"))
})

describe.each(testDatabases)("createConvene on $name", (testDb) => {
  // PostgreSQL: a schema of its own, through the URL the support module gives; PGlite: in memory
  let target: Awaited<ReturnType<typeof testDb.open>> | undefined
  let database: ConveneOptions
  beforeAll(async () => {
    if (testDb.name === "postgres") {
      target = await testDb.open()
      database = { databaseUrl: target.url }
    } else {
      database = { pgliteDir: "memory://" }
    }
  })
  afterAll(async () => target?.dispose())

  describe("without a workspace", () => {
    let convene: Convene
    beforeAll(async () => {
      convene = await createConvene({ ...database, dialogue })
    })
    afterAll(async () => convene?.close())

    it("opens the database and the dialogue given", () => {
      expect(convene.workspace).toBeUndefined()
      expect(convene.dialogue?.id).toBe("pilot")
      expect(convene.database.dialect).toBe(testDb.name)
    })

    it("rejects with NotFound before any plan exists", async () => {
      const error = await convene.schedule.latest().then(() => undefined, (e: unknown) => e)
      expect(error).toBeInstanceOf(NotFound)
    })

    it("imports a JSON feed, all or nothing", async () => {
      const f = await convene.fellows.import(await json("fellows.json", fellows))
      expect(f).toMatchObject({ registry: "fellows", rows: 2, inserted: 2 })
      const s = await convene.sites.import(await json("sites.json", sites))
      expect(s).toMatchObject({ registry: "sites", rows: 2, inserted: 2 })
      expect((await convene.sites.import(join(dir, "sites.json"))).unchanged).toBe(2)
      expect((await convene.sites.list()).map((x) => x.id)).toEqual(["np-kathmandu", "sn-dakar"])
      expect((await convene.sites.list({ country: "SN" })).map((x) => x.id)).toEqual(["sn-dakar"])
      expect(await convene.registry("fellows").show("f-np-sharma")).toMatchObject({ email: "ram@example.np" })
    })

    it("rejects a bad feed with the InputError itself, naming each bad item, and imports nothing", async () => {
      const bad = await json("bad-sites.json", [
        { ...sites[0], id: "sn-thies", name: "Thiès assembly" },
        { ...sites[1], id: "np-pokhara", timezone: "Asia/Pokhara" },
        { ...sites[1], id: "np-lalitpur", fellow_email: "nobody@example.org" }
      ])
      const error = await convene.sites.import(bad).then(() => undefined, (e: unknown) => e)
      // the tagged error, not a wrapper around it
      expect(error).toBeInstanceOf(InputError)
      expect((error as InputError)._tag).toBe("InputError")
      expect(Object.getPrototypeOf(error)).toBe(InputError.prototype)
      const problems = (error as InputError).problems.map((p) => `${p.field}`)
      expect(problems).toContain("[1].timezone")
      expect(problems).toContain("fellow_email")
      expect((error as InputError).message).toContain("nothing was imported")
      expect((await convene.sites.list()).map((x) => x.id)).toEqual(["np-kathmandu", "sn-dakar"])
    })

    it("imports records held in memory the same way, naming bad items by source", async () => {
      const partners = [
        { id: "unesco", name: "UNESCO", kind: "un-agency" },
        { id: "jokko-labs", name: "Jokko Labs", kind: "ngo", country: "SN" }
      ]
      expect(await convene.coalition.importRecords(partners, { source: "partner feed" })).toMatchObject({ file: "partner feed", rows: 2, inserted: 2 })
      const error = await convene.coalition.importRecords([...partners, { id: "x", name: "X", kind: "club" }], { source: "partner feed" }).then(() => undefined, (e: unknown) => e)
      expect(error).toBeInstanceOf(InputError)
      expect((error as InputError).problems).toEqual([expect.objectContaining({ file: "partner feed", field: "[2].kind" })])
      expect(await convene.coalition.list()).toHaveLength(2)
    })

    it("rejects a bad record with InputError and a taken id with Conflict", async () => {
      await expect(convene.sites.add({ id: "Not A Slug" })).rejects.toBeInstanceOf(InputError)
      await expect(convene.fellows.add(fellows[0]!)).rejects.toMatchObject({ _tag: "Conflict" })
    })

    it("plans the day, reads it back, and gives each site its calendar in its own zone", async () => {
      const { plan, mirrorLeftOut } = await convene.schedule.plan()
      expect(mirrorLeftOut).toBe(0)
      expect(plan.day).toBe("2027-05-15")
      expect(plan.sites.map((s) => s.id).sort()).toEqual(["np-kathmandu", "sn-dakar"])
      const dakar = plan.sites.find((s) => s.id === "sn-dakar")!
      expect(dakar.blocks[0]).toMatchObject({ id: "welcome", start_local: "2027-05-15T09:00", start_utc: "2027-05-15T09:00:00Z" })

      const latest = await convene.schedule.latest()
      expect(latest.stale).toBe(false)
      expect(latest.plan).toEqual(plan)

      const ics = await convene.schedule.siteCalendar("np-kathmandu")
      expect(ics.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true)
      expect(ics).toContain("TZID:Asia/Kathmandu")
      // Kathmandu starts at 10:00 local, UTC+05:45
      expect(ics).toContain("DTSTART;TZID=Asia/Kathmandu:20270515T100000")
      expect(ics).toContain("SUMMARY:Welcome")
      await expect(convene.schedule.siteCalendar("nowhere")).rejects.toBeInstanceOf(NotFound)
    })

    it("writes one calendar per site", async () => {
      const out = join(dir, `out-${testDb.name}`)
      const files = await convene.schedule.write({ format: "ics", dir: out })
      expect(files.map((f) => f.slice(out.length + 1)).sort()).toEqual(["ics/all-sites.ics", "ics/np-kathmandu.ics", "ics/sn-dakar.ics"])
      expect(await readFile(join(out, "ics", "sn-dakar.ics"), "utf8")).toBe(await convene.schedule.siteCalendar("sn-dakar"))
    })

    it("says when the plan is stale", async () => {
      await convene.sites.add({ id: "sn-thies", name: "Thiès assembly", city: "Thiès", country: "SN", timezone: "Africa/Dakar", locale: "fr-SN", capacity: 60, format: "hybrid", fellow_email: "awa@example.org" })
      expect((await convene.schedule.latest()).stale).toBe(true)
      expect(await convene.sites.remove("sn-thies")).toMatchObject({ id: "sn-thies" })
      expect((await convene.schedule.latest()).stale).toBe(false)
    })

    it("runs any Effect workflow on its database", async () => {
      const n = await convene.run(Database.use(({ db }) => Effect.promise(() => db.selectFrom("sites").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow())))
      expect(Number(n.n)).toBe(2)
    })

    it("has kits, surveys and results reject with WorkspaceNotFound", async () => {
      await expect(convene.kits.build()).rejects.toBeInstanceOf(WorkspaceNotFound)
      await expect(convene.surveys.report()).rejects.toBeInstanceOf(WorkspaceNotFound)
      await expect(convene.results.report()).rejects.toBeInstanceOf(WorkspaceNotFound)
    })
  })

  it("opens a workspace found from dir, and reads its dialogue", async () => {
    const ws = join(dir, `ws-${testDb.name}`)
    await cp(join(import.meta.dirname, "..", "..", "..", "examples", "we-the-internet", "convene.yaml"), join(ws, "convene.yaml"), { recursive: true })
    await using convene = await createConvene({ ...database, dir: join(ws) })
    expect(convene.workspace?.dir).toBe(ws)
    expect(convene.dialogue?.id).toBe("we-the-internet")
  })

  it("takes in results and reports where they stand, through the results client", async () => {
    const ws = join(dir, `results-${testDb.name}`)
    const example = join(import.meta.dirname, "..", "..", "..", "examples", "we-the-internet")
    await cp(join(example, "convene.yaml"), join(ws, "convene.yaml"))
    await cp(join(example, "ballots"), join(ws, "ballots"), { recursive: true })
    await writeFile(join(ws, "tallies.csv"), "site,table,present,question,option,count\nsn-dakar,1,9,access-right,yes,7\nsn-dakar,1,9,access-right,no,2\n")
    await using convene = await createConvene({ ...database, dir: ws })
    await convene.fellows.importRecords(fellows)
    await convene.sites.importRecords(sites)
    expect(await convene.results.import(join(ws, "tallies.csv"), { by: "staff:Ana" })).toMatchObject({ part: "tallies", rows: 2, sites: ["sn-dakar"] })
    const status = await convene.results.status()
    expect(status.sites.find((x) => x.site_id === "sn-dakar")).toMatchObject({ status: "draft", present: 9 })
    expect((await convene.results.validate({ site: "sn-dakar" })).map((c) => c.to)).toEqual(["validated"])
    const log = await convene.results.log("sn-dakar")
    expect(log.map((e) => [e.action, e.actor])).toEqual([["import tallies", "staff:Ana"], ["validate", "staff:sdk"]])
    await expect(convene.results.reopen("sn-dakar", "")).rejects.toBeInstanceOf(InputError)
  })

  it("takes the dialogue as the path of a YAML file", async () => {
    await using convene = await createConvene({ ...database, dialogue: join(import.meta.dirname, "..", "..", "..", "examples", "we-the-internet", "convene.yaml") })
    expect(convene.dialogue?.deliberation_day.date).toBe("2027-05-15")
  })

  it("closes once, and rejects calls after close", async () => {
    const convene = await createConvene({ ...database, dialogue })
    await convene.close()
    await convene.close()
    await expect(convene.sites.list()).rejects.toThrow(/closed/)
  })
})

describe("createConvene's options", () => {
  it("rejects an invalid dialogue object with InputError naming each field, before opening any database", async () => {
    const error = await createConvene({
      pgliteDir: "memory://",
      dialogue: { ...dialogue, deliberation_day: { ...dialogue.deliberation_day, date: "15/05/2027" }, agenda: [] }
    }).then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(InputError)
    const fields = (error as InputError).problems.map((p) => p.field)
    expect(fields).toEqual(expect.arrayContaining(["deliberation_day.date", "agenda"]))
  })

  it("rejects a dialogue file that does not exist", async () => {
    await expect(createConvene({ pgliteDir: "memory://", dialogue: join(dir, "missing.yaml") })).rejects.toThrow(/no such file/)
  })

  it("rejects dir and dialogue together", async () => {
    await expect(createConvene({ pgliteDir: "memory://", dir, dialogue })).rejects.toBeInstanceOf(InputError)
  })

  it("rejects a dir without a workspace", async () => {
    await expect(createConvene({ pgliteDir: "memory://", dir })).rejects.toBeInstanceOf(WorkspaceNotFound)
  })

  it("asks where the data lives when there is no workspace", async () => {
    await expect(createConvene({ dialogue })).rejects.toThrow(/Say where the data lives/)
  })

  it("rejects an unreachable database with ConnectionError (exit status 3)", async () => {
    await expect(createConvene({ dialogue, databaseUrl: "postgres://nobody@127.0.0.1:1/none" })).rejects.toMatchObject({ _tag: "ConnectionError", exitCode: 3 })
  })

  it("works without a dialogue for the registries, and asks for one to plan", async () => {
    const cwd = process.cwd()
    process.chdir(dir) // no convene.yaml here or above (a temp folder)
    try {
      await using convene = await createConvene({ pgliteDir: "memory://" })
      expect(convene.dialogue).toBeUndefined()
      expect(await convene.sites.list()).toEqual([])
      const error = await convene.schedule.plan().then(() => undefined, (e: unknown) => e)
      expect(error).toBeInstanceOf(InputError)
      expect((error as InputError).message).toMatch(/needs a dialogue/)
    } finally {
      process.chdir(cwd)
    }
  })
})
