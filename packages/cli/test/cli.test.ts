// The built binary on temporary workspaces: init, imports good and bad, export, timeline, db.
import { existsSync } from "node:fs"
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { convene, conveneJson, dropTestStores, useTestStore } from "./run.js"

let tmp: string
beforeAll(async () => {
  if (!existsSync(join(import.meta.dirname, "..", "lib", "commands"))) {
    throw new Error("The CLI is not built: run `pnpm run build` first (the test script does).")
  }
  tmp = await mkdtemp(join(tmpdir(), "convene-cli-"))
})
afterAll(dropTestStores)

describe("convene --help", () => {
  it("lists the topics, and every command has examples", async () => {
    const r = await convene(tmpdir(), ["--help"])
    expect(r.code).toBe(0)
    for (const topic of ["coalition", "fellows", "sites", "participants", "timeline", "db"]) expect(r.stdout).toContain(topic)
    const sub = await convene(tmpdir(), ["sites", "import", "--help"])
    expect(sub.stdout).toContain("EXAMPLES")
    expect(sub.stdout).toContain("convene sites import sites.csv")
  })
})

describe("convene schedule slot", () => {
  it("ranks UTC slots across zones, anywhere, and names bad zones", async () => {
    const r = await conveneJson(tmpdir(), ["schedule", "slot", "--zones", "Europe/Paris,Asia/Tokyo,America/Bogota", "--minutes", "120", "--date", "2027-03-10"])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.slots[0].inside).toBe(2)
    expect(r.json.slots[0].zones.map((z: { zone: string }) => z.zone)).toEqual(["Europe/Paris", "Asia/Tokyo", "America/Bogota"])
    const bad = await convene(tmpdir(), ["schedule", "slot", "--zones", "Europe/Paris,Mars/Base", "--minutes", "60"])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--zones: expected an IANA time zone such as Europe/Paris, got "Mars/Base"')
    // convene's tz data (2026f or newer), not Node's ICU (2026c): Havana stays on UTC-4 that winter
    const havana = await conveneJson(tmpdir(), ["schedule", "slot", "--zones", "America/Havana,America/Winnipeg", "--minutes", "60", "--window", "12:30-13:30", "--date", "2027-02-07", "--top", "2"])
    expect(havana.json.tz.version >= "2026f").toBe(true)
    expect(havana.json.slots.map((s: { start_utc: string; zones: Array<{ utc_offset: string }> }) => [s.start_utc, s.zones.map((z) => z.utc_offset)])).toEqual([
      ["2027-02-07T16:30:00Z", ["-04:00", "-05:00"]],
      ["2027-02-07T17:30:00Z", ["-04:00", "-05:00"]]
    ])
    // and --version names the release and where it came from
    const version = await convene(tmpdir(), ["--version"])
    expect(version.stdout).toMatch(/^@convene\/cli\/\S+ \S+ node-v\S+ tz-/)
    expect(version.stdout.trim().endsWith(` tz-${havana.json.tz.version} (${havana.json.tz.source})`)).toBe(true)
  })
})

describe("convene --locale", () => {
  it("refuses a tag that is not BCP 47 with exit 2 and the flag named, before opening anything", async () => {
    for (const args of [["survey", "report"], ["results", "report"]]) {
      const r = await convene(tmpdir(), [...args, "--locale", "xx-invalid-"])
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr).toContain('--locale: expected a BCP 47 language tag such as fr-SN, got "xx-invalid-"')
      expect(r.stderr).not.toContain("RangeError")
    }
  })
})

describe("convene init", () => {
  it("creates a blank workspace: commented convene.yaml, header-only CSVs, surveys/, .env.example", async () => {
    const dir = join(tmp, "blank")
    const r = await convene(tmp, ["init", dir, "--title", "Our future with AI"])
    expect(r.code, r.stderr).toBe(0)
    const yaml = await readFile(join(dir, "convene.yaml"), "utf8")
    expect(yaml).toContain('title: "Our future with AI"')
    expect(yaml).toContain("id: our-future-with-ai")
    // a comment above every top-level field
    const lines = yaml.split("\n")
    for (const [i, line] of lines.entries()) {
      if (/^[a-z_]+:/.test(line)) expect(lines[i - 1], `no comment above "${line}"`).toMatch(/^#/)
    }
    expect(await readFile(join(dir, "sites.csv"), "utf8")).toBe("id,name,city,country,timezone,locale,capacity,format,fellow_email,start_local,date,date_reason,other_locales\n")
    expect(await readFile(join(dir, "participants.csv"), "utf8")).toMatch(/^id,site_id,code,/)
    expect(existsSync(join(dir, "surveys"))).toBe(true)
    expect(await readFile(join(dir, ".env.example"), "utf8")).toContain("DATABASE_URL=")
    // the blank workspace works at once
    const show = await conveneJson(dir, ["timeline", "show"])
    expect(show.json.phases).toHaveLength(8)
    const status = await conveneJson(dir, ["timeline", "status"])
    expect(status.json.totals.sites).toBe(0)
  })

  it("refuses a folder that is not empty, and an unknown example", async () => {
    const r = await convene(tmp, ["init", join(tmp, "blank")])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("not empty")
    const e = await convene(tmp, ["init", join(tmp, "nope"), "--example", "no-such-example"])
    expect(e.code).toBe(2)
    expect(e.stderr).toContain("Known examples: we-the-internet")
  })

  it("says where to start when run outside a workspace", async () => {
    const r = await convene(tmpdir(), ["sites", "list"])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("No convene.yaml found")
  })
})

describe("the we-the-internet example", () => {
  let dir: string
  beforeAll(async () => {
    dir = join(tmp, "wti")
    const r = await convene(tmp, ["init", "wti", "--example", "we-the-internet"])
    expect(r.code, r.stderr).toBe(0)
    await useTestStore(dir)
  })

  it("imports its four registries, and a re-import changes nothing", async () => {
    const counts: Record<string, number> = {}
    for (const registry of ["coalition", "fellows", "sites", "participants"]) {
      const r = await conveneJson(dir, [registry, "import", `${registry}.csv`])
      expect(r.code, JSON.stringify(r.json)).toBe(0)
      expect(r.json.inserted).toBe(r.json.rows)
      counts[registry] = r.json.rows
    }
    expect(counts["sites"]).toBeGreaterThanOrEqual(100)
    const again = await conveneJson(dir, ["sites", "import", "sites.csv"])
    expect(again.json).toMatchObject({ inserted: 0, updated: 0, unchanged: counts["sites"] })
    const text = await convene(dir, ["sites", "import", "sites.csv"])
    expect(text.stdout).toMatch(/sites\.csv: \d+ sites — 0 added, 0 updated, \d+ unchanged\./)
  })

  it("lists with filters, and names an unknown column", async () => {
    const india = await conveneJson<Array<{ country: string; format: string }>>(dir, ["sites", "list", "--where", "country=IN", "--where", "format=in-person"])
    expect(india.json.length).toBeGreaterThan(0)
    expect(india.json.every((s) => s.country === "IN" && s.format === "in-person")).toBe(true)
    const bad = await convene(dir, ["sites", "list", "--where", "town=Dakar"])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--where: expected one of the columns id, name, city')
  })

  it("meets the example's promise: 100+ sites, 70+ countries, 40+ zones incl. odd offsets", async () => {
    const { json: sites } = await conveneJson<Array<{ country: string; timezone: string }>>(dir, ["sites", "list"])
    expect(sites.length).toBeGreaterThanOrEqual(100)
    expect(new Set(sites.map((s) => s.country)).size).toBeGreaterThanOrEqual(70)
    const zones = new Set(sites.map((s) => s.timezone))
    expect(zones.size).toBeGreaterThanOrEqual(40)
    for (const z of ["Asia/Kolkata", "Asia/Kathmandu", "Australia/Adelaide", "Pacific/Kiritimati", "Pacific/Pago_Pago"]) expect(zones).toContain(z)
  })

  it("rejects a bad file as a whole, reporting FILE:LINE: field for every bad row", async () => {
    const good = (await readFile(join(dir, "sites.csv"), "utf8")).split("\n")
    const bad = [
      good[0],
      "zz-1,Bad country,X,XX,Africa/Dakar,fr-SN,100,in-person,nobody@example.org,,,,",
      "zz-2,Bad zone,X,SN,Mars/Olympus,fr-SN,100,in-person,nobody@example.org,,,,",
      "zz-3,Bad locale,X,SN,Africa/Dakar,fr_SN,100,in-person,nobody@example.org,,,,",
      "zz-4,Too big,X,SN,Africa/Dakar,fr-SN,20000,in-person,nobody@example.org,,,,",
      "zz-4,Duplicate,X,SN,Africa/Dakar,fr-SN,100,in-person,nobody@example.org,,,,",
      "zz-5,Bad email,X,SN,Africa/Dakar,fr-SN,100,in-person,nobody-at-example.org,,,,",
      'zz-6,"Unbalanced,X,SN,Africa/Dakar,fr-SN,100,in-person,nobody@example.org,,,,',
      ""
    ].join("\n")
    await writeFile(join(dir, "bad-sites.csv"), bad)
    const before = (await conveneJson(dir, ["sites", "list"])).json.length
    const r = await convene(dir, ["sites", "import", "bad-sites.csv"])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("nothing was imported")
    for (const expected of [
      "bad-sites.csv:2: country: expected an ISO 3166-1 alpha-2 country code",
      "bad-sites.csv:3: timezone: expected an IANA time zone",
      "bad-sites.csv:4: locale: expected a BCP 47 language tag",
      "bad-sites.csv:5: capacity: expected a whole number from 1 to 10000",
      'bad-sites.csv:6: id: expected a unique value, "zz-4" is already on line 5',
      "bad-sites.csv:7: fellow_email: expected an email address",
      "bad-sites.csv:8:6: unbalanced quotes",
      'bad-sites.csv:2: fellow_email: expected the email of a registered fellow, "nobody@example.org" is not in the fellows registry'
    ]) {
      expect(r.stderr).toContain(expected)
    }
    expect((await conveneJson(dir, ["sites", "list"])).json.length).toBe(before)
    const json = await conveneJson(dir, ["sites", "import", "bad-sites.csv"])
    expect(json.code).toBe(2)
    expect(json.json.error.code).toBe("InputError")
    expect(json.json.error.problems.length).toBeGreaterThanOrEqual(8)
  })

  it("reports a wrong header", async () => {
    await writeFile(join(dir, "bad-header.csv"), "id,name,town\nx,y,z\n")
    const r = await convene(dir, ["fellows", "import", "bad-header.csv"])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("bad-header.csv:1: header: expected id,name,email,country,languages,organisation")
  })

  it("exports, and the export imports back exactly", async () => {
    for (const registry of ["coalition", "fellows", "sites", "participants"]) {
      const csv = await convene(dir, [registry, "export", "--out", "exported"])
      expect(csv.code, csv.stderr).toBe(0)
      const json = await convene(dir, [registry, "export", "--format", "json", "--out", "exported"])
      expect(json.code, json.stderr).toBe(0)
      const back = await conveneJson(dir, [registry, "import", `exported/${registry}.csv`])
      expect(back.json).toMatchObject({ inserted: 0, updated: 0 })
      const backJson = await conveneJson(dir, [registry, "import", `exported/${registry}.json`])
      expect(backJson.json).toMatchObject({ inserted: 0, updated: 0 })
    }
    const stdout = await convene(dir, ["sites", "export", "--stdout"])
    expect(stdout.stdout).toBe(await readFile(join(dir, "exported", "sites.csv"), "utf8"))
  })

  it("adds, shows and removes a site", async () => {
    const fellow = (await conveneJson(dir, ["fellows", "list"])).json[0]
    const add = await convene(dir, ["sites", "add", "--id", "zz-test", "--name", "Test site", "--city", "Apia", "--country", "WS", "--timezone", "Pacific/Apia", "--locale", "sm-WS", "--capacity", "40", "--format", "in-person", "--fellow-email", fellow.email])
    expect(add.code, add.stderr).toBe(0)
    const show = await conveneJson(dir, ["sites", "show", "zz-test"])
    expect(show.json).toMatchObject({ id: "zz-test", timezone: "Pacific/Apia", capacity: 40 })
    const again = await convene(dir, ["sites", "add", "--id", "zz-test", "--name", "T", "--city", "A", "--country", "WS", "--timezone", "Pacific/Apia", "--locale", "sm-WS", "--capacity", "40", "--format", "in-person", "--fellow-email", fellow.email])
    expect(again.code).toBe(2)
    expect(again.stderr).toContain("already exists")
    // not on a terminal: refused without --yes (exit 4), nothing removed
    const refused = await convene(dir, ["sites", "remove", "zz-test"])
    expect(refused.code, refused.stderr).toBe(4)
    expect(refused.stderr).toContain("Site zz-test has nothing that would be deleted with it. Not on a terminal")
    expect(refused.stderr).toContain("--yes")
    const dry = await conveneJson(dir, ["sites", "remove", "zz-test", "--dry-run"])
    expect(dry.json).toMatchObject({ dry_run: true, registry: "sites", record: { id: "zz-test" }, cascade: [] })
    expect((await convene(dir, ["sites", "remove", "zz-test", "--yes"])).code).toBe(0)
    const gone = await convene(dir, ["sites", "show", "zz-test"])
    expect(gone.code).toBe(2)
    expect(gone.stderr).toContain('No site with id "zz-test"')
  })

  it("shows the timeline, records progress and reports readiness", async () => {
    const show = await convene(dir, ["timeline", "show", "--as-of", "2027-05-15"])
    expect(show.stdout).toMatch(/▶\s+deliberation-day/)
    expect(show.stdout).toContain("Current phase: Deliberation day.")
    const sites = (await conveneJson<Array<{ id: string; country: string }>>(dir, ["sites", "list"])).json
    const [a, b] = sites
    const done = await convene(dir, ["timeline", "done", "fellow-onboarded", "--site", a!.id, "--site", b!.id, "--on", "2027-02-01"])
    expect(done.code, done.stderr).toBe(0)
    const unknown = await convene(dir, ["timeline", "done", "party", "--site", a!.id])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("expected one of fellow-onboarded")
    const status = await conveneJson(dir, ["timeline", "status", "--as-of", "2027-03-01"])
    expect(status.json.totals.sites).toBe(sites.length)
    expect(status.json.milestones[0]).toMatchObject({ id: "fellow-onboarded", done: 2, overdue: sites.length - 2 })
    const row = status.json.sites.find((s: { site: string }) => s.site === a!.id)
    expect(row.milestones["fellow-onboarded"]).toBe("done")
    const text = await convene(dir, ["timeline", "status", "--as-of", "2027-03-01"])
    expect(text.stdout).toMatch(/\d+ sites in \d+ countries: 2 on track; milestones 2 done, \d+ due, \d+ overdue\./)
    const badDate = await convene(dir, ["timeline", "status", "--as-of", "2027-13-01"])
    expect(badDate.code).toBe(2)
    expect(badDate.stderr).toContain("--as-of: expected a calendar date YYYY-MM-DD")
  })

  it("plans the day, shows it per site and exports JSON and CSV", async () => {
    const plan = await conveneJson(dir, ["schedule", "plan"])
    expect(plan.code, plan.stderr).toBe(0)
    const sites = plan.json.sites as Array<{ id: string; timezone: string; blocks: Array<{ start_utc: string; start_local: string; utc_offset: string }> }>
    // follow-the-sun: sorted by UTC start, Kiritimati (+14) first
    const starts = sites.map((s) => s.blocks[0]!.start_utc)
    expect([...starts].sort()).toEqual(starts)
    expect(sites[0]!.timezone).toBe("Pacific/Kiritimati")
    const ktm = sites.find((s) => s.timezone === "Asia/Kathmandu")!
    expect(ktm.blocks[0]!.utc_offset).toBe("+05:45")
    const show = await convene(dir, ["schedule", "show", "--site", ktm.id])
    expect(show.stdout).toContain("+05:45")
    const exported = await convene(dir, ["schedule", "export", "--format", "json", "--out", "schedule"])
    expect(exported.code, exported.stderr).toBe(0)
    const json = JSON.parse(await readFile(join(dir, "schedule", "schedule.json"), "utf8"))
    expect(json.day).toBe("2027-05-15")
    expect(json.sites[0].blocks[0].start_utc).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/)
    expect(json.sites[0].blocks[0].start_local).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/)
    const ics = await conveneJson(dir, ["schedule", "export", "--format", "ics", "--out", "schedule"])
    expect(ics.code, ics.stderr).toBe(0)
    expect(ics.json.files).toHaveLength(sites.length + 1)
    const ktmIcs = await readFile(join(dir, "schedule", "ics", `${ktm.id}.ics`), "utf8")
    expect(ktmIcs).toContain("TZID:Asia/Kathmandu")
    expect(ktmIcs).toContain(`DTSTART;TZID=Asia/Kathmandu:${ktm.blocks[0]!.start_local.replace(/[-:]/g, "")}00`)
    const html = await convene(dir, ["schedule", "export", "--format", "html", "--out", "schedule"])
    expect(html.code, html.stderr).toBe(0)
    expect(await readFile(join(dir, "schedule", "schedule.html"), "utf8")).toContain("<svg")
    const csv = await convene(dir, ["schedule", "export", "--format", "csv", "--out", "schedule"])
    expect(csv.code).toBe(0)
    expect((await readFile(join(dir, "schedule", "schedule.csv"), "utf8")).split("\n")[0]).toBe("site,timezone,block,kind,start_local,end_local,start_utc,end_utc,utc_offset")
  })
})

describe("the embedded database (a workspace with no DATABASE_URL)", () => {
  let dir: string
  beforeAll(async () => {
    dir = join(tmp, "wti-embedded")
    const r = await convene(tmp, ["init", "wti-embedded", "--example", "we-the-internet"])
    expect(r.code, r.stderr).toBe(0)
  })

  it("lets two commands share the embedded database one after the other, and survives a stale lock", async () => {
    const [a, b] = await Promise.all([conveneJson(dir, ["coalition", "import", "coalition.csv"]), conveneJson(dir, ["fellows", "import", "fellows.csv"])])
    expect(a.code, a.stderr).toBe(0)
    expect(b.code, b.stderr).toBe(0)
    // a lock left by a process that was killed (pid 2^22 + 1 is above Linux's pid_max)
    await writeFile(join(dir, ".convene", "db.lock"), String(4194305))
    const r = await conveneJson(dir, ["db", "status"])
    expect(r.code, r.stderr).toBe(0)
    expect(existsSync(join(dir, ".convene", "db.lock"))).toBe(false)
    // a lock held by a live process (this one): the command says whom it waits for, and goes on once it is released
    await writeFile(join(dir, ".convene", "db.lock"), String(process.pid))
    const waiting = convene(dir, ["sites", "list", "--json"])
    await new Promise((resolve) => setTimeout(resolve, 2500))
    await rm(join(dir, ".convene", "db.lock"))
    const w = await waiting
    expect(w.code, w.stderr).toBe(0)
    expect(w.stderr).toContain(`Waiting for the workspace lock held by PID ${process.pid}`)
  })

  it("lists the migrations", async () => {
    const r = await conveneJson(dir, ["db", "status"])
    expect(r.json.dialect).toBe("pglite")
    expect(r.json.migrations[0]).toMatchObject({ name: "2026-11-22T00-registries" })
    // and the time-zone data in use, with where it came from
    expect(r.json.tz.chosen.version).toMatch(/^\d{4}[a-z]+$/)
    expect(r.json.tz.package.source).toMatch(/^moment-timezone /)
    expect((await conveneJson(dir, ["db", "migrate"])).json.applied).toEqual([])
  })
})

const databaseUrl = process.env["DATABASE_URL"]
describe.skipIf(databaseUrl === undefined || databaseUrl === "")("--database-url (PostgreSQL; skipped without DATABASE_URL)", () => {
  it("keeps the registries in PostgreSQL", async () => {
    const schema = `convene_cli_${process.pid}`
    const admin = new pg.Client({ connectionString: databaseUrl })
    await admin.connect()
    await admin.query(`drop schema if exists ${schema} cascade; create schema ${schema}`)
    try {
      const u = new URL(databaseUrl!)
      u.searchParams.set("options", `-c search_path=${schema}`)
      const dir = join(tmp, "wti-postgres")
      expect((await convene(tmp, ["init", dir, "--example", "we-the-internet"])).code).toBe(0)
      const migrate = await conveneJson(dir, ["db", "migrate", "--database-url", u.toString()])
      expect(migrate.json).toMatchObject({ dialect: "postgres", applied: ["2026-11-22T00-registries", "2026-11-22T01-schedule-plans", "2026-11-25T00-send-log", "2026-11-25T01-surveys", "2026-11-30T00-results", "2026-11-30T01-mail", "2026-11-30T03-codes", "2026-11-30T04-schedule-tz", "2026-11-30T05-calendar", "2026-12-01T00-recruitment", "2026-12-01T01-kit-approvals", "2026-12-01T02-site-dates", "2026-12-01T03-site-locales", "2026-12-01T05-mirrors", "2026-12-01T06-participant-roles", "2026-12-01T07-organiser-surveys"] })
      const r = await conveneJson(dir, ["fellows", "import", "fellows.csv", "--database-url", u.toString()])
      expect(r.code).toBe(0)
      const { rows } = await admin.query(`select count(*)::int as n from ${schema}.fellows`)
      expect(rows[0].n).toBe(r.json.rows)
    } finally {
      await admin.query(`drop schema if exists ${schema} cascade`)
      await admin.end()
    }
  })
})
