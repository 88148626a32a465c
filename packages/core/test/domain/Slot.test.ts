import { describe, expect, it } from "vitest"
import { findSlots } from "../../src/domain/Slot.js"
import { zoneRules } from "../../src/infra/TzData.js"

const rules = zoneRules()

describe("findSlots", () => {
  it("finds the slot where the most zones are inside their window, listing every zone's local time", () => {
    const slots = findSlots({ zones: ["Europe/Paris", "Asia/Tokyo", "America/Bogota"], minutes: 120, window: { start: "08:00", end: "21:00" }, date: "2027-03-10", rules })
    // Paris (+01) 07-20Z, Tokyo (+09) 23-12Z, Bogota (-05) 13-02Z: no two-hour slot fits all three
    expect(slots[0]!.inside).toBe(2)
    for (const slot of slots) {
      expect(slot.zones.map((z) => z.zone)).toEqual(["Europe/Paris", "Asia/Tokyo", "America/Bogota"])
      expect(slot.zones.filter((z) => z.inside)).toHaveLength(slot.inside)
    }
    // ranked, and never overlapping one another
    const starts = slots.map((s) => Date.parse(s.start_utc))
    for (const [i, a] of starts.entries()) for (const b of starts.slice(i + 1)) expect(Math.abs(a - b)).toBeGreaterThanOrEqual(120 * 60_000)
    expect(slots.map((s) => s.inside)).toEqual([...slots.map((s) => s.inside)].sort((a, b) => b - a))
  })

  it("finds a slot everyone can join when one exists, closest to the middle of the windows", () => {
    const [best] = findSlots({ zones: ["Europe/Paris", "Africa/Lagos", "Europe/London"], minutes: 60, window: { start: "09:00", end: "17:00" }, date: "2027-06-01", rules })
    expect(best!.inside).toBe(3)
    // windows 07-15Z (Paris, CEST), 08-16Z (Lagos), 08-16Z (London, BST); the sum of distances
    // from each window's middle (13:00 local) is least at 11:30Z: 1 h for Paris, 0 for the others
    expect(best!.start_utc).toBe("2027-06-01T11:30:00Z")
    expect(best!.zones[0]).toMatchObject({ start_local: "2027-06-01T13:30", utc_offset: "+02:00", inside: true })
  })

  it("handles half- and quarter-hour zones and the date line", () => {
    const [best] = findSlots({ zones: ["Asia/Kathmandu", "Asia/Kolkata", "Pacific/Kiritimati", "Pacific/Pago_Pago"], minutes: 30, window: { start: "08:00", end: "21:00" }, date: "2027-05-15", rules })
    expect(best!.zones.find((z) => z.zone === "Asia/Kathmandu")!.utc_offset).toBe("+05:45")
    expect(best!.zones.find((z) => z.zone === "Pacific/Pago_Pago")!.utc_offset).toBe("-11:00")
    expect(best!.inside).toBeGreaterThanOrEqual(2)
  })
})
