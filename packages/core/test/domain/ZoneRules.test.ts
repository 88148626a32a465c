// The zone rules convene computes with, checked against the raw tz data by means that share no
// code with convene's readers: moment-timezone's own unpacker for the package's data, and the
// system's `zdump` (the C library's reading of the TZif files) for the system's zoneinfo.
import { execFileSync } from "node:child_process"
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import moment from "moment-timezone"
import { describe, expect, it } from "vitest"
import { offsetMinutes, resolveLocal, toLocal } from "../../src/domain/Zone.js"
import { newerTz, packedZoneNames, parsePosixTz, parseTzif, type PackedTzData, type ZoneRules } from "../../src/domain/ZoneRules.js"
import { loadZoneRules, packageRules, systemRules, systemTzSource, tzSources, zoneRules } from "../../src/infra/TzData.js"

const FROM = Date.parse("2026-01-01T00:00:00Z")
const TO = Date.parse("2029-01-01T00:00:00Z")
const MINUTE = 60_000

const packed = (await import("moment-timezone/data/packed/latest.json", { with: { type: "json" } })).default as PackedTzData
const packageNames = packedZoneNames(packed)

/** Every transition of a zone in 2026–2028, by moment-timezone's own unpacking of the package's data. */
const momentTransitions = (name: string): Array<{ at: number; before: number; after: number }> => {
  const z = moment.tz.zone(name)
  if (z === null) throw new Error(`moment-timezone has no ${name}`)
  const out = []
  for (let i = 0; i < z.untils.length - 1; i++) {
    const at = z.untils[i]!
    if (at >= FROM && at < TO) out.push({ at, before: 0 - Math.round(z.offsets[i]!), after: 0 - Math.round(z.offsets[i + 1]!) })
  }
  return out
}

/**
 * What `zdump -i` (its tabular output) says of the zones in 2026–2028: the offset in force on
 * 2026-01-01T00:00Z, then each transition's new local time and offset.
 */
const zdumpTables = (dir: string, names: ReadonlyArray<string>) => {
  const out = new Map<string, { start: number; transitions: Array<{ at: number; before: number; after: number }> }>()
  const minutes = (o: string): number => {
    const m = /^([+-])(\d\d)(\d\d)?(\d\d)?$/.exec(o)
    if (m === null) throw new Error(`zdump offset ${o}`)
    return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0) + Math.round(Number(m[4] ?? 0) / 60))
  }
  for (let i = 0; i < names.length; i += 200) {
    const text = execFileSync("zdump", ["-i", "-c", "2026,2029", ...names.slice(i, i + 200)], { env: { ...process.env, TZDIR: dir }, encoding: "utf8", maxBuffer: 64 << 20 })
    let current: { start: number; transitions: Array<{ at: number; before: number; after: number }> } | undefined
    let offset = 0
    for (const line of text.split("\n")) {
      const zone = /^TZ="(.+)"$/.exec(line)
      if (zone !== null) {
        current = { start: NaN, transitions: [] }
        out.set(zone[1]!, current)
        continue
      }
      const f = line.split("\t")
      if (current === undefined || f.length < 3) continue
      if (f[0] === "-") {
        offset = current.start = minutes(f[2]!)
        continue
      }
      const [h = "0", mi = "0", se = "0"] = f[1]!.split(":")
      const after = minutes(f[2]!)
      const at = Date.parse(`${f[0]}T00:00:00Z`) + ((Number(h) * 60 + Number(mi)) * 60 + Number(se)) * 1000 - after * MINUTE
      current.transitions.push({ at, before: offset, after })
      offset = after
    }
  }
  return out
}

/** Checks rules against zdump's reading of the system's files near every transition. */
const checkAgainstZdump = (rules: ZoneRules, dir: string): number => {
  const names = packageNames.filter((n) => existsSync(`${dir}/${n}`))
  const tables = zdumpTables(dir, names)
  expect(tables.size).toBeGreaterThan(300)
  let checked = 0
  for (const [name, t] of tables) {
    expect(offsetMinutes(rules, name, FROM), `${name} on 2026-01-01`).toBe(t.start)
    for (const x of t.transitions) {
      expect(offsetMinutes(rules, name, x.at - MINUTE), `${name} before ${new Date(x.at).toISOString()}`).toBe(x.before)
      expect(offsetMinutes(rules, name, x.at), `${name} at ${new Date(x.at).toISOString()}`).toBe(x.after)
      checked++
    }
  }
  return checked
}

const hasZdump = (() => {
  try {
    execFileSync("zdump", ["--version"], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
})()

const hasZic = (() => {
  try {
    execFileSync("zic", ["--version"], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
})()

/** Checks rules against moment-timezone's reading of the same data around every transition. */
const checkAgainstMoment = (rules: ZoneRules, names: ReadonlyArray<string>): number => {
  let checked = 0
  for (const name of names) {
    for (const t of momentTransitions(name)) {
      expect(offsetMinutes(rules, name, t.at - MINUTE), `${name} before ${new Date(t.at).toISOString()}`).toBe(t.before)
      expect(offsetMinutes(rules, name, t.at), `${name} at ${new Date(t.at).toISOString()}`).toBe(t.after)
      // an hour after the change, local time maps back to that one instant
      const later = t.at + 60 * MINUTE
      const local = new Date(later + t.after * MINUTE).toISOString()
      const r = resolveLocal(rules, name, { date: local.slice(0, 10), time: local.slice(11, 16) })
      if (r._tag === "Exact") expect(r.utcMs, `${name} ${local} local`).toBe(later)
      else if (r._tag === "Overlap") expect([r.utcMs, r.later]).toContain(later)
      checked++
    }
    // and mid-year, where most zones have no transition at all
    const mid = Date.parse("2027-07-01T12:00:00Z")
    expect(offsetMinutes(rules, name, mid), `${name} 2027-07-01`).toBe(0 - Math.round(moment.tz.zone(name)!.utcOffset(mid)))
  }
  return checked
}

describe("the zone rules in use", () => {
  const rules = zoneRules()

  it("are the newest of the package's and the system's tz data", () => {
    const sources = tzSources()
    expect(rules.version).toBe(sources.chosen.version)
    expect(rules.version).toMatch(/^\d{4}[a-z]+$/)
    expect(newerTz(sources.package.version, rules.version)).toBe(false)
    if (sources.system !== undefined) expect(newerTz(sources.system.version, rules.version)).toBe(false)
    // the package's release, read from the data itself
    expect(sources.package.version).toBe(packed.version)
    expect(sources.package.version).toBe(moment.tz.dataVersion)
  })

  it("agree with the raw data near every transition of every zone in 2026–2028", () => {
    if (rules.source.startsWith("system ")) {
      // the system's files are in use: zdump reads the same files with the C library's code
      expect(hasZdump, "zdump is needed to check the system's zoneinfo").toBe(true)
      expect(checkAgainstZdump(rules, systemTzSource()!.dir)).toBeGreaterThan(500)
    } else {
      expect(checkAgainstMoment(rules, packageNames)).toBeGreaterThan(500)
    }
  })

  it("know IANA 2026f's winter in Havana and Winnipeg (ICU 2026c does not)", () => {
    expect(newerTz(rules.version, "2026e")).toBe(true)
    // Cuba stays on UTC-4 from March 2026 to November 2027: 12:30 in Havana is 16:30Z
    const r = resolveLocal(rules, "America/Havana", { date: "2027-02-07", time: "12:30" })
    expect(r).toEqual({ _tag: "Exact", utcMs: Date.parse("2027-02-07T16:30:00Z") })
    expect(moment.tz("2027-02-07 12:30", "America/Havana").toISOString()).toBe("2027-02-07T16:30:00.000Z")
    // Manitoba keeps UTC-5 after 2026-11-01, under its other names too
    for (const zone of ["America/Winnipeg", "Canada/Central", "America/Rainy_River"]) {
      expect(offsetMinutes(rules, zone, Date.parse("2027-01-15T12:00:00Z")), zone).toBe(-300)
    }
    expect(toLocal(rules, "America/Winnipeg", Date.parse("2027-02-07T17:30:00Z"))).toMatchObject({ time: "12:30", offset: -300 })
  })
})

describe.skipIf(!hasZic)("choosing the source (needs zic to compile a zone)", () => {
  it("takes the system's zoneinfo when its release is newer than the package's, and the package otherwise", () => {
    const dir = mkdtempSync(join(tmpdir(), "convene-tzdir-"))
    mkdirSync(join(dir, "Europe"))
    // a zoneinfo folder with one zone, compiled by zic, and a release far in the future
    writeFileSync(join(dir, "test.zic"), "Zone Test/Zone 3:00 - +03\nLink Test/Zone Europe/Test\n")
    execFileSync("zic", ["-d", dir, join(dir, "test.zic")])
    writeFileSync(join(dir, "tzdata.zi"), "# version 2099a\n")
    copyFileSync(join(dir, "Test/Zone"), join(dir, "Europe/Paris"))
    const newer = tzSources({ TZDIR: dir })
    expect(newer.chosen).toEqual({ kind: "system", version: "2099a", source: `system ${dir}` })
    const rules = systemRules(dir, "2099a")
    expect(offsetMinutes(rules, "Europe/Test", Date.parse("2027-01-15T00:00Z"))).toBe(180)
    expect(offsetMinutes(rules, "Europe/Paris", Date.parse("2027-01-15T00:00Z"))).toBe(180)
    // loaded as the process would with that TZDIR: the folder's zones, and the package's for a zone it lacks
    const loaded = loadZoneRules({ TZDIR: dir })
    expect([loaded.version, loaded.source]).toEqual(["2099a", `system ${dir}`])
    expect(offsetMinutes(loaded, "Europe/Paris", Date.parse("2027-01-15T00:00Z"))).toBe(180)
    expect(offsetMinutes(loaded, "Asia/Kathmandu", Date.parse("2027-01-15T00:00Z"))).toBe(345)
    writeFileSync(join(dir, "tzdata.zi"), "# version 2001a\n")
    expect(loadZoneRules({ TZDIR: dir }).source).toMatch(/^moment-timezone /)
    expect(tzSources({ TZDIR: dir }).chosen.kind).toBe("package")
    // no release to tell: not used
    writeFileSync(join(dir, "tzdata.zi"), "# no version here\n")
    expect(tzSources({ TZDIR: dir }).system).toBeUndefined()
    expect(tzSources({ TZDIR: join(dir, "missing") }).chosen.kind).toBe("package")
  })
})

describe("the package's data (moment-timezone)", () => {
  it("is read as moment-timezone reads it, for every zone and link", () => {
    const rules = packageRules()
    expect(rules.version).toBe(packed.version)
    // every zone and link in the file: unpacked by convene, compared with moment-timezone's own unpacking
    expect(checkAgainstMoment(rules, packageNames)).toBeGreaterThan(500)
  })
})

describe.skipIf(!hasZdump || systemTzSource() === undefined)("the system's zoneinfo (TZif, RFC 8536)", () => {
  it("is read as zdump reads it, near every transition of every zone in 2026–2028", () => {
    const system = systemTzSource()!
    const rules = systemRules(system.dir, system.version)
    expect(checkAgainstZdump(rules, system.dir)).toBeGreaterThan(500)
  })

  it("finds a name the folder lacks under the zone it links to, and never leaves the folder", () => {
    const system = systemTzSource()!
    const rules = systemRules(system.dir, system.version, () => new Map([["Test/Alias", "Europe/Paris"]]))
    expect(rules.zone("Test/Alias")).toEqual(rules.zone("Europe/Paris"))
    expect(rules.zone("../../etc/passwd")).toBeUndefined()
    expect(rules.zone("/etc/passwd")).toBeUndefined()
    expect(rules.zone("zone.tab")).toBeUndefined()
  })
})

/** A TZif version 2 file with no transitions: everything comes from the footer. */
const footerOnly = (tz: string): Uint8Array => {
  const header = (typecnt: number, charcnt: number) => {
    const b = new Uint8Array(44)
    b.set([0x54, 0x5a, 0x69, 0x66, 0x32])
    const v = new DataView(b.buffer)
    v.setUint32(20 + 4 * 4, typecnt)
    v.setUint32(20 + 5 * 4, charcnt)
    return b
  }
  // one local time type (UTC offset 0), one abbreviation character (NUL)
  const data = new Uint8Array([0, 0, 0, 0, 0, 0, 0])
  const footer = new TextEncoder().encode(`\n${tz}\n`)
  const parts = [header(1, 1), data, header(1, 1), data, footer]
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

describe("POSIX TZ footers (slim TZif files)", () => {
  it.each([
    ["Europe/Paris", "CET-1CEST,M3.5.0,M10.5.0/3"],
    ["Australia/Lord_Howe", "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0"],
    ["America/Nuuk", "<-02>2<-01>,M3.5.0/-1,M10.5.0/0"],
    ["America/Santiago", "<-04>4<-03>,M9.1.6/24,M4.1.6/24"],
    ["Pacific/Chatham", "<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45"],
    ["Asia/Kolkata", "IST-5:30"]
  ])("%s's rule %s gives the transitions of the package's data in 2026–2028", (zone, tz) => {
    const table = parseTzif(footerOnly(tz))
    const rules: ZoneRules = { version: "test", source: "test", zone: (n) => (n === zone ? table : undefined) }
    expect(checkAgainstMoment(rules, [zone])).toBeGreaterThanOrEqual(zone === "Asia/Kolkata" ? 0 : 6)
  })

  it("reads permanent daylight time and rejects what it cannot read", () => {
    const table = parseTzif(footerOnly("EST5EDT,0/0,J365/25"))
    const rules: ZoneRules = { version: "test", source: "test", zone: () => table }
    for (const at of ["2027-01-01T12:00:00Z", "2027-07-01T12:00:00Z", "2027-12-31T12:00:00Z"]) expect(offsetMinutes(rules, "x", Date.parse(at))).toBe(-240)
    expect(() => parsePosixTz("CET-1CEST,M3.5.0")).toThrow(/end of daylight time/)
    expect(() => parseTzif(new TextEncoder().encode("not a tzif file at all, not at all, no......."))).toThrow(/TZif magic/)
    expect(() => parseTzif(footerOnly("CET-1CEST,M3.5.0,M10.5.0/3").subarray(0, 50))).toThrow(/truncated/)
  })
})
