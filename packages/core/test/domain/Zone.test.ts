import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { formatOffset, offsetMinutes, resolveLocal, toLocal } from "../../src/domain/Zone.js"
import { zoneRules } from "../../src/infra/TzData.js"

// the rules convene uses: the newest tz data found (moment-timezone's, or the system's when newer)
const rules = zoneRules()

// Every zone name in Node's ICU data, plus the current names ICU lists under old ones (all in the tz data too).
const zones = [...Intl.supportedValuesOf("timeZone"), "Asia/Kolkata", "Europe/Kyiv", "UTC", "Pacific/Kanton"]

describe("offsetMinutes", () => {
  it.each([
    ["Asia/Kolkata", "2027-05-15T00:00Z", 330],
    ["Asia/Kathmandu", "2027-05-15T00:00Z", 345],
    ["Australia/Adelaide", "2027-05-15T00:00Z", 570], // southern winter: +09:30
    ["Australia/Adelaide", "2027-01-15T00:00Z", 630], // southern summer: +10:30
    ["Pacific/Chatham", "2027-05-15T00:00Z", 765],
    ["Pacific/Kiritimati", "2027-05-15T00:00Z", 840],
    ["Pacific/Pago_Pago", "2027-05-15T00:00Z", -660],
    ["America/St_Johns", "2027-01-15T00:00Z", -210],
    ["Asia/Tehran", "2027-05-15T00:00Z", 210],
    ["Pacific/Apia", "2027-05-15T00:00Z", 780] // no DST since 2021
  ])("%s at %s is %i minutes", (zone, at, expected) => {
    expect(offsetMinutes(rules, zone, Date.parse(at))).toBe(expected)
  })
  it("formats offsets", () => {
    expect([345, -660, 0, -210, 840].map(formatOffset)).toEqual(["+05:45", "-11:00", "+00:00", "-03:30", "+14:00"])
  })
})

describe("resolveLocal", () => {
  it("shifts a time in a spring-forward gap forward by the gap", () => {
    const r = resolveLocal(rules, "Europe/Paris", { date: "2027-03-28", time: "02:30" })
    expect(r).toMatchObject({ _tag: "Gap", shiftedTo: { date: "2027-03-28", time: "03:30" }, gapMinutes: 60 })
    expect(new Date(r.utcMs).toISOString()).toBe("2027-03-28T01:30:00.000Z")
  })
  it("takes the earlier instant in a fall-back overlap", () => {
    const r = resolveLocal(rules, "America/New_York", { date: "2027-11-07", time: "01:30" })
    expect(r._tag).toBe("Overlap")
    expect(new Date(r.utcMs).toISOString()).toBe("2027-11-07T05:30:00.000Z")
    if (r._tag === "Overlap") expect(new Date(r.later).toISOString()).toBe("2027-11-07T06:30:00.000Z")
  })
  it("handles a midnight gap (America/Santiago) and a skipped day (Pacific/Apia, 2011-12-30)", () => {
    expect(resolveLocal(rules, "America/Santiago", { date: "2026-09-06", time: "00:00" })).toMatchObject({ _tag: "Gap", shiftedTo: { time: "01:00" } })
    expect(resolveLocal(rules, "Pacific/Apia", { date: "2011-12-30", time: "09:00" })).toMatchObject({ _tag: "Gap", shiftedTo: { date: "2011-12-31", time: "09:00" }, gapMinutes: 1440 })
  })
  it("handles Lord Howe's half-hour DST (Australia/Lord_Howe)", () => {
    expect(resolveLocal(rules, "Australia/Lord_Howe", { date: "2027-10-03", time: "02:15" })).toMatchObject({ _tag: "Gap", gapMinutes: 30 })
  })
})

const dateArb = fc.date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2037-12-31T00:00:00Z"), noInvalidDate: true })

describe("properties over every zone and random dates", () => {
  it("UTC -> local -> UTC round-trips (up to overlaps, which map back to the same local time)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...zones), dateArb, (zone, date) => {
        const utcMs = Math.floor(date.getTime() / 60_000) * 60_000
        const local = toLocal(rules, zone, utcMs)
        const back = resolveLocal(rules, zone, local)
        expect(back._tag).not.toBe("Gap")
        if (back._tag === "Exact") expect(back.utcMs).toBe(utcMs)
        else if (back._tag === "Overlap") expect([back.utcMs, back.later]).toContain(utcMs)
      }),
      { numRuns: 3000 }
    )
  })
  it("local -> UTC -> local round-trips, except that a gap time moves forward by exactly the gap", () => {
    fc.assert(
      fc.property(fc.constantFrom(...zones), dateArb, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), (zone, date, h, m) => {
        const local = { date: date.toISOString().slice(0, 10), time: `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}` }
        const r = resolveLocal(rules, zone, local)
        const again = toLocal(rules, zone, r.utcMs)
        if (r._tag === "Gap") {
          expect(r.gapMinutes).toBeGreaterThan(0)
          expect({ date: again.date, time: again.time }).toEqual(r.shiftedTo)
        } else expect({ date: again.date, time: again.time }).toEqual(local)
      }),
      { numRuns: 3000 }
    )
  })
})
