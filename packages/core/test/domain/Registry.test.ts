import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { formatProblem } from "../../src/domain/Errors.js"
import {
  decodeRegistryCsv,
  decodeRegistryJson,
  encodeRegistryCsv,
  fellowsRegistry,
  participantsRegistry,
  type Site,
  sitesRegistry
} from "../../src/domain/Registry.js"

const header = "id,name,city,country,timezone,locale,capacity,format,fellow_email,start_local"
const good = "sn-dakar,Dakar assembly,Dakar,SN,Africa/Dakar,fr-SN,100,in-person,awa@example.org,"

const problemsOf = (text: string) => decodeRegistryCsv(sitesRegistry, text, "sites.csv").problems.map(formatProblem)

describe("decodeRegistryCsv (sites)", () => {
  it("decodes a good file into typed sites", () => {
    const { rows, problems } = decodeRegistryCsv(sitesRegistry, `${header}\n${good}\nnp-ktm,"Kathmandu, Nepal",Kathmandu,NP,Asia/Kathmandu,ne-NP,80,hybrid,RAM@example.np,10:00\n`, "sites.csv")
    expect(problems).toEqual([])
    expect(rows.map((r) => r.line)).toEqual([2, 3])
    expect(rows[1]!.entity).toEqual({
      id: "np-ktm",
      name: "Kathmandu, Nepal",
      city: "Kathmandu",
      country: "NP",
      timezone: "Asia/Kathmandu",
      locale: "ne-NP",
      capacity: 80,
      format: "hybrid",
      fellow_email: "ram@example.np",
      start_local: "10:00"
    })
  })

  it.each([
    ["an unknown country code", good.replace(",SN,", ",XX,"), 'sites.csv:2: country: expected an ISO 3166-1 alpha-2 country code such as SN, got "XX"'],
    ["an invalid IANA zone", good.replace("Africa/Dakar", "Africa/Atlantis"), 'sites.csv:2: timezone: expected an IANA time zone such as Africa/Dakar, got "Africa/Atlantis"'],
    ["an offset instead of a zone", good.replace("Africa/Dakar", "+05:30"), 'sites.csv:2: timezone: expected an IANA time zone such as Africa/Dakar, got "+05:30"'],
    ["an invalid BCP 47 locale", good.replace("fr-SN", "fr_SN"), 'sites.csv:2: locale: expected a BCP 47 language tag such as fr-SN, got "fr_SN"'],
    ["capacity 0", good.replace(",100,", ",0,"), "sites.csv:2: capacity: expected a whole number from 1 to 10000"],
    ["capacity 10001", good.replace(",100,", ",10001,"), "sites.csv:2: capacity: expected a whole number from 1 to 10000"],
    ["a fractional capacity", good.replace(",100,", ",12.5,"), "sites.csv:2: capacity:"],
    ["a bad email", good.replace("awa@example.org", "awa.example.org"), 'sites.csv:2: fellow_email: expected an email address, got "awa.example.org"'],
    ["an unknown format", good.replace("in-person", "outdoor"), "sites.csv:2: format: expected"],
    ["a bad start time", good + "9h", "sites.csv:2: start_local: expected a local time HH:MM"],
    ["a missing required value", good.replace("Dakar assembly", ""), "sites.csv:2: name: expected a value"]
  ])("reports %s with file, line and field", (_what, row, expected) => {
    const problems = problemsOf(`${header}\n${row}\n`)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain(expected)
  })

  it("reports a duplicate id on the second line", () => {
    expect(problemsOf(`${header}\n${good}\n${good}\n`)).toEqual(['sites.csv:3: id: expected a unique value, "sn-dakar" is already on line 2'])
  })

  it("refuses a line break in a name and a control character anywhere, naming file, line and field (issue 13)", () => {
    const broken = good.replace("Dakar assembly", '"Dakar\nassembly"')
    expect(problemsOf(`${header}\n${broken}\n`)).toEqual(["sites.csv:2: name: expected a name on one line (without a line break or a tab)"])
    const nul = good.replace(",Dakar,SN,", ",Dak\u0000ar,SN,")
    expect(problemsOf(`${header}\n${nul}\n`)).toEqual(["sites.csv:2: city: expected text without control characters (such as a NUL byte)"])
  })

  it("reports a wrong header and reads no rows", () => {
    const { rows, problems } = decodeRegistryCsv(sitesRegistry, `id,name,town,country\n${good}\n`, "sites.csv")
    expect(rows).toEqual([])
    expect(problems.map(formatProblem)).toEqual([expect.stringMatching(/^sites\.csv:1: header: expected id,name,city,.*missing columns city, timezone.*; unknown column town$/)])
  })

  it("reports unbalanced quotes", () => {
    expect(problemsOf(`${header}\n${good}\nx,"Dakar,Dakar,SN\n`)).toEqual(["sites.csv:3:3: unbalanced quotes: the quoted field that opens here is never closed"])
  })

  it("reports a row with the wrong number of fields", () => {
    expect(problemsOf(`${header}\nsn-dakar,Dakar\n`)).toEqual(["sites.csv:2: expected 10 fields as in the header, found 2"])
  })

  it("reports every bad row, not just the first", () => {
    const text = `${header}\n${good}\n${good.replace("sn-dakar", "a").replace(",SN,", ",ZZ,")}\n${good.replace("sn-dakar", "b").replace(",100,", ",-3,")}\n`
    expect(problemsOf(text).map((p) => p.split(":")[1])).toEqual(["3", "4"])
  })

  it("accepts the columns in any order", () => {
    const { problems, rows } = decodeRegistryCsv(
      sitesRegistry,
      "capacity,id,name,city,country,timezone,locale,format,fellow_email\n50,x,X,X,FR,Europe/Paris,fr-FR,online,a@b.fr\n",
      "s.csv"
    )
    expect(problems).toEqual([])
    expect(rows[0]!.entity.capacity).toBe(50)
  })
})

describe("other registries", () => {
  it("fellows: languages must be BCP 47 tags and emails unique within the file", () => {
    const text = "id,name,email,country,languages,organisation\nf1,A,a@x.org,SN,fr wo,\nf2,B,A@x.org,SN,fr zz_ZZ,\n"
    const problems = decodeRegistryCsv(fellowsRegistry, text, "fellows.csv").problems.map(formatProblem)
    expect(problems).toEqual([
      'fellows.csv:3: email: expected a unique value, "a@x.org" is already on line 2',
      'fellows.csv:3: languages: expected space-separated BCP 47 language tags such as "fr wo", got "zz_ZZ"'
    ])
  })

  it("participants: the code is optional and must be unique", () => {
    const text = "id,site_id,code,locale,email,gender,age_band,education,residence\np1,s,,fr-SN,,woman,25-34,none,rural\np2,s,ABCD2345,,,,,,\np3,s,ABCD2345,,,,,,\n"
    const { rows, problems } = decodeRegistryCsv(participantsRegistry, text, "p.csv")
    expect(rows.map((r) => r.entity.id)).toEqual(["p1", "p2"])
    expect(rows[0]!.entity.code).toBeUndefined()
    expect(problems.map(formatProblem)).toEqual(['p.csv:4: code: expected a unique value, "ABCD2345" is already on line 3'])
  })

  it("JSON import names the item and the line it starts on", () => {
    const { problems } = decodeRegistryJson(sitesRegistry, JSON.stringify([{ id: "a", name: "A" }]), "sites.json")
    expect(problems.map(formatProblem)).toContain("sites.json:1: [0].city: expected a value (city or place)")
  })

  it("JSON import keeps each item's line for the checks against the database (issue 13)", () => {
    const site = (id: string) => ({ id, name: "A", city: "B", country: "SN", timezone: "Africa/Dakar", locale: "fr-SN", capacity: 10, format: "in-person", fellow_email: "awa@example.org" })
    const text = `[\n  ${JSON.stringify(site("a"))},\n\n  ${JSON.stringify({ ...site("b"), name: 'with " and , [ { inside' })}\n]\n`
    const { rows, problems } = decodeRegistryJson(sitesRegistry, text, "sites.json")
    expect(problems).toEqual([])
    expect(rows.map((r) => [r.entity.id, r.line])).toEqual([["a", 2], ["b", 4]])
  })
})

// Generators of valid sites: any such site written as CSV must read back equal.
const zones = ["Asia/Kolkata", "Asia/Kathmandu", "Australia/Adelaide", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/St_Johns", "UTC", "Europe/Kyiv"]
const siteArb: fc.Arbitrary<Site> = fc.record(
  {
    id: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/),
    name: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() === s && s !== ""),
    city: fc.constantFrom("Dakar", "São Paulo", "القاهرة", 'Quote "City"', "Comma, Town", "Line\nBreak"),
    country: fc.constantFrom("SN", "BR", "EG", "NP", "KI", "WS"),
    timezone: fc.constantFrom(...zones),
    locale: fc.constantFrom("fr-SN", "pt-BR", "ar-EG", "ne-NP", "en", "zh-Hant-TW"),
    capacity: fc.integer({ min: 1, max: 10000 }),
    format: fc.constantFrom("in-person", "online", "hybrid", "mirror"),
    fellow_email: fc.emailAddress().map((e) => e.toLowerCase()).filter((e) => /^[^\s@<>(),;:"\[\]]+@[^\s@<>(),;:"\[\]]+\.[A-Za-z0-9-]{2,}$/.test(e)),
    start_local: fc.option(fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`), { nil: undefined })
  },
  { requiredKeys: ["id", "name", "city", "country", "timezone", "locale", "capacity", "format", "fellow_email"] }
) as unknown as fc.Arbitrary<Site>

describe("CSV round trip (property)", () => {
  it("encodeRegistryCsv then decodeRegistryCsv gives back the same sites", () => {
    fc.assert(
      fc.property(fc.uniqueArray(siteArb, { selector: (s) => s.id, maxLength: 12 }), (sites) => {
        const clean = sites.map((s) => Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as Site)
        const { rows, problems } = decodeRegistryCsv(sitesRegistry, encodeRegistryCsv(sitesRegistry, clean), "sites.csv")
        expect(problems).toEqual([])
        expect(rows.map((r) => r.entity)).toEqual(clean)
      }),
      { numRuns: 200 }
    )
  })
})
