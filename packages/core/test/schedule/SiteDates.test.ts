// A site's own date (issue 17, section 2): a national dialogue on another day or a mirror is
// planned on its date without synchronized moments, DST on that date is handled as on the global
// day, a date outside the phases is warned about, relative milestones follow each site's day (a
// mirror is not overdue before it), the registry refuses a date without a reason, and the kit
// and its invitation carry the site's date.
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { decodeDialogueYaml, type Milestone } from "../../src/domain/Dialogue.js"
import { decodeRegistryCsv, sitesRegistry } from "../../src/domain/Registry.js"
import { dueOn, readiness } from "../../src/domain/Timeline.js"
import { checkKits } from "../../src/kits/KitCheck.js"
import { buildKits } from "../../src/kits/Kits.js"
import { planSchedule, planSites } from "../../src/schedule/Schedules.js"
import { runWith, testDatabases } from "../support/databases.js"
import { exampleDir, sitesCsv, useKitSuite } from "../support/kit-workspace.js"

const dialogue = decodeDialogueYaml(await readFile(join(exampleDir, "convene.yaml"), "utf8"), "convene.yaml")

describe("planning sites on their own dates", () => {
  const sites = [
    { id: "sn-dakar", timezone: "Africa/Dakar" },
    { id: "mx-oaxaca", timezone: "America/Mexico_City", date: "2027-05-22", date_reason: "national" },
    { id: "gb-leeds", timezone: "Europe/London", start_local: "01:30", date: "2027-03-28", date_reason: "national" },
    { id: "gh-accra", timezone: "Africa/Accra", date: "2028-03-01", date_reason: "mirror" }
  ] as const

  it("plans each site on its date, without moments, the global day's span and moments unchanged", () => {
    const plan = planSites(dialogue, sites as never)
    expect(plan.sites.map((s) => [s.id, s.date ?? plan.day])).toEqual([
      ["sn-dakar", "2027-05-15"],
      ["gb-leeds", "2027-03-28"],
      ["mx-oaxaca", "2027-05-22"],
      ["gh-accra", "2028-03-01"]
    ])
    const oaxaca = plan.sites.find((s) => s.id === "mx-oaxaca")!
    expect(oaxaca).toMatchObject({ date: "2027-05-22", date_reason: "national", moments: [] })
    // 09:00 in Mexico City (UTC−6, no DST since 2022)
    expect(oaxaca.blocks[0]).toMatchObject({ start_local: "2027-05-22T09:00", start_utc: "2027-05-22T15:00:00Z", utc_offset: "-06:00" })
    // only the global day's site counts in the moments and the span
    expect(plan.moments.every((m) => m.joining + m.not_joining.length === 1)).toBe(true)
    expect(plan.span.start_utc.slice(0, 10)).toBe("2027-05-15")
  })

  it("handles DST on a site's own date, and warns of a date outside the phases", () => {
    const plan = planSites(dialogue, sites as never)
    // 01:30 does not exist in London on 2027-03-28 (clocks go forward at 01:00)
    const leeds = plan.sites.find((s) => s.id === "gb-leeds")!
    expect(leeds.warnings.map((w) => w.code)).toContain("dst-gap")
    expect(leeds.blocks[0]).toMatchObject({ start_local: "2027-03-28T02:30", utc_offset: "+01:00" })
    const accra = plan.sites.find((s) => s.id === "gh-accra")!
    expect(accra.warnings).toContainEqual({ code: "date-outside-phases", site: "gh-accra", message: "the site's own date 2028-03-01 is outside the dialogue's phases (2026-09-01 to 2028-01-31)" })
    expect(plan.warnings.filter((w) => w.code === "date-outside-phases").map((w) => w.site)).toEqual(["gh-accra"])
  })
})

describe("milestones relative to each site's day", () => {
  const held: Milestone = { id: "deliberation-held", title: "Deliberation held", due_relative: "0d" } as Milestone
  const kit: Milestone = { id: "kit-built", title: "Kit built", due_relative: "-10d" } as Milestone
  const fixed: Milestone = { id: "venue-booked", title: "Venue booked", due: "2027-03-31" } as Milestone

  it("are due from the site's own date, the global day, or not yet for a mirror without a date", () => {
    expect(dueOn(kit, "2027-05-22")).toBe("2027-05-12")
    expect(dueOn(kit, "2027-03-05")).toBe("2027-02-23")
    expect(dueOn(fixed, "2027-05-22")).toBe("2027-03-31")
    expect(dueOn(held, undefined)).toBeUndefined()
    const sites = [
      { id: "sn-dakar", country: "SN" },
      { id: "mx-oaxaca", country: "MX", date: "2027-05-22" },
      { id: "gh-accra", country: "GH", format: "mirror" },
      { id: "ke-kisumu", country: "KE", format: "mirror", date: "2027-06-20" }
    ]
    const r = readiness(sites, [held, kit, fixed], [], "2027-05-16", "2027-05-15")
    const state = (site: string) => r.sites.find((s) => s.site === site)!.milestones
    expect(state("sn-dakar")).toEqual({ "deliberation-held": "overdue", "kit-built": "overdue", "venue-booked": "overdue" })
    // Oaxaca meets on the 22nd: its kit was due on the 12th, its deliberation is still ahead
    expect(state("mx-oaxaca")).toEqual({ "deliberation-held": "due", "kit-built": "overdue", "venue-booked": "overdue" })
    // mirrors are not overdue before their day (or while they have none)
    expect(state("gh-accra")).toEqual({ "deliberation-held": "due", "kit-built": "due", "venue-booked": "overdue" })
    expect(state("ke-kisumu")).toEqual({ "deliberation-held": "due", "kit-built": "due", "venue-booked": "overdue" })
  })

  it("a milestone needs exactly one of due and due_relative, at its line", () => {
    const text = (await_: string) => readFile(join(exampleDir, "convene.yaml"), "utf8").then((t) => t.replace("{ id: kit-built, title: \"Kit built\", due_relative: -10d }", await_))
    return Promise.all([
      text("{ id: kit-built, title: \"Kit built\" }").then((t) => expect(() => decodeDialogueYaml(t, "convene.yaml")).toThrow(/timeline\.milestones\.4\.due: expected a due date/)),
      text("{ id: kit-built, title: \"Kit built\", due_relative: ten days }").then((t) => expect(() => decodeDialogueYaml(t, "convene.yaml")).toThrow(/expected days relative to the deliberation day/)),
      text("{ id: kit-built, title: \"Kit built\", due: 2027-05-05, due_relative: -10d }").then((t) => expect(() => decodeDialogueYaml(t, "convene.yaml")).toThrow(/expected either due or due_relative, not both/))
    ])
  })
})

describe("the site registry", () => {
  it("takes a date with its reason, and refuses one without the other at its line", () => {
    const header = "id,name,city,country,timezone,locale,capacity,format,fellow_email,start_local,date,date_reason"
    const csv = `${header}\nmx-oaxaca,Oaxaca,Oaxaca,MX,America/Mexico_City,es-MX,80,in-person,a@example.org,,2027-05-22,national\nmx-puebla,Puebla,Puebla,MX,America/Mexico_City,es-MX,80,in-person,a@example.org,,2027-05-22,\nmx-leon,León,León,MX,America/Mexico_City,es-MX,80,in-person,a@example.org,,,weekly\n`
    const decoded = decodeRegistryCsv(sitesRegistry, csv, "sites.csv")
    expect(decoded.rows.map((r) => [r.entity.id, r.entity.date, r.entity.date_reason])).toEqual([["mx-oaxaca", "2027-05-22", "national"]])
    expect(decoded.problems.map((p) => `${p.line}: ${p.field}`)).toEqual(["3: date_reason", "4: date_reason"])
  })
})

describe.each(testDatabases)("a site's own date and languages in its kit on $name", (testDb) => {
  const { shape: db, setUp } = useKitSuite(testDb)

  it("plans and builds the kit of a national dialogue on its own date", async () => {
    const [head, ...rows] = sitesCsv.trim().split("\n")
    const withDates = [`${head},date,date_reason`, ...rows.map((r) => (r.startsWith("in-delhi,") ? `${r},2027-05-29,national` : `${r},,`))].join("\n") + "\n"
    const ws = await setUp({ "sites.csv": withDates }, false)
    const shape = db()
    const { plan } = await runWith(shape, planSchedule(ws.dialogue))
    expect(plan.sites.find((s) => s.id === "in-delhi")).toMatchObject({ date: "2027-05-29", moments: [] })
    await runWith(shape, buildKits(ws, { site: "in-delhi", locale: "en" }))
    const invitation = await readFile(join(ws.dir, "out", "kits", "in-delhi", "invitation-letter.html"), "utf8")
    expect(invitation).toContain("Saturday, May 29, 2027")
    expect(invitation).not.toContain("May 15, 2027")
  })

  it("builds a trilingual site's kit in each of its locales, and checks every one", async () => {
    const [head, ...rows] = sitesCsv.trim().split("\n")
    const trilingual = [`${head},other_locales`, ...rows.map((r) => (r.startsWith("sn-dakar,") ? `${r},wo-SN en` : `${r},`))].join("\n") + "\n"
    const ws = await setUp({ "sites.csv": trilingual })
    const shape = db()
    const built = await runWith(shape, buildKits(ws, { site: "sn-dakar" }))
    expect(built.built).toBe(1)
    const kit = join(ws.dir, "out", "kits", "sn-dakar")
    expect(await readFile(join(kit, "index.html"), "utf8")).toContain('lang="fr-SN"')
    expect(await readFile(join(kit, "en", "index.html"), "utf8")).toContain('lang="en"')
    expect(await readFile(join(kit, "wo-SN", "facilitator-guide.html"), "utf8")).toContain("<html")
    const manifest = JSON.parse(await readFile(join(kit, "manifest.json"), "utf8"))
    expect(manifest.other_locales).toEqual(["wo-SN", "en"])
    expect(manifest.files.some((f: { path: string }) => f.path === "en/invitation-letter.html")).toBe(true)
    // again: nothing changed, skipped
    expect((await runWith(shape, buildKits(ws, { site: "sn-dakar" }))).skipped).toBe(1)
    // kit check covers every locale: Wolof has no catalog, so its kit falls back to English
    const check = await runWith(shape, checkKits(ws))
    expect(check.fallbacks).toContainEqual({ site: "sn-dakar", locale: "wo-SN", used: "en", kind: "language" })
    expect(check.fallbacks).toContainEqual({ site: "sn-dakar", locale: "fr-SN", used: "fr", kind: "region" })
  })
})
