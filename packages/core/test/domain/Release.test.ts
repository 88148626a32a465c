// The embargo: after the last site's day has ended in its own zone (across the date line too),
// or at a fixed instant; later for some countries; both sides of the instant.
import { describe, expect, it } from "vitest"
import { decodeDialogueYaml } from "../../src/domain/Dialogue.js"
import type { InputError } from "../../src/domain/Errors.js"
import { embargoOf, isReleased, releaseTime } from "../../src/domain/Release.js"
import { planDay } from "../../src/domain/Schedule.js"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { exampleDir } from "../support/kit-workspace.js"
import { zoneRules } from "../../src/infra/TzData.js"

const rules = zoneRules()

// the example without its own results section, which the tests below write in turn
const yaml = readFileSync(join(exampleDir, "convene.yaml"), "utf8").replace(/\n(#[^\n]*\n)*results:\n[\s\S]*$/, "\n")
const dialogue = decodeDialogueYaml(yaml, "convene.yaml")
// Apia (UTC+13) meets first on the day, Honolulu (UTC−10) last: 23 hours apart, across the date line
const plan = planDay({
  rules,
  day: dialogue.deliberation_day,
  agenda: dialogue.agenda,
  moments: [],
  sites: [
    { id: "ws-apia", timezone: "Pacific/Apia", start_local: undefined },
    { id: "sn-dakar", timezone: "Africa/Dakar", start_local: "10:00" },
    { id: "us-honolulu", timezone: "Pacific/Honolulu", start_local: undefined }
  ]
})
const countries: Record<string, string> = { "ws-apia": "WS", "sn-dakar": "SN", "us-honolulu": "US" }
const ends = plan.sites.map((p) => ({ site_id: p.id, country: countries[p.id]!, day_ends: p.blocks.at(-1)!.end_utc }))

describe("the embargo", () => {
  it("ends as the last site's day ends in its own zone, plus the delay, across the date line", () => {
    // the agenda runs 09:00 to 17:00; Honolulu is UTC−10, so its day ends at 03:00Z the next day
    const honolulu = ends.find((e) => e.site_id === "us-honolulu")!
    expect(honolulu.day_ends).toMatch(/^2027-05-16T03:00(:00)?(\.000)?Z$/)
    const apia = ends.find((e) => e.site_id === "ws-apia")!
    // Apia, UTC+13, finished at 17:00 local, 04:00Z on the 15th: 23 hours before Honolulu
    expect(Date.parse(apia.day_ends)).toBe(Date.parse("2027-05-15T04:00:00Z"))
    const embargo = embargoOf({ after_last_site: "2h" }, ends)
    expect(embargo.ends).toBe("2027-05-16T05:00:00Z")
    expect(embargo.rule).toMatchObject({ kind: "after_last_site", minutes: 120, last_site: "us-honolulu" })
    expect(isReleased(embargo, Date.parse("2027-05-16T04:59:59Z"))).toBe(false)
    expect(isReleased(embargo, Date.parse("2027-05-16T05:00:00Z"))).toBe(true)
    // by default, as soon as the last day ends
    expect(embargoOf(undefined, ends).ends).toBe("2027-05-16T03:00:00Z")
  })

  it("lets a national dialogue on a later date hold back its own country's results, not the world's", () => {
    const withOaxaca = [...ends, { site_id: "mx-oaxaca", country: "MX", day_ends: "2027-05-22T23:00:00Z", own_date: true }]
    const embargo = embargoOf({ after_last_site: "2h" }, withOaxaca)
    expect(embargo.ends).toBe("2027-05-16T05:00:00Z")
    expect(embargo.countries).toEqual({ MX: "2027-05-23T01:00:00Z" })
    expect([isReleased(embargo, Date.parse("2027-05-17T00:00:00Z")), isReleased(embargo, Date.parse("2027-05-17T00:00:00Z"), "MX")]).toEqual([true, false])
  })

  it("takes a fixed instant, and keeps a country's results until its own later instant", () => {
    const embargo = embargoOf({ at: "2027-05-16T12:00Z", countries: { SN: "2027-05-17T09:00Z", US: "2027-05-16T08:00Z" }, licence: "CC BY 4.0" }, ends)
    expect(embargo.ends).toBe("2027-05-16T12:00:00Z")
    // an earlier country instant does not shorten the global embargo
    expect(embargo.countries).toEqual({ SN: "2027-05-17T09:00:00Z" })
    const noon = Date.parse("2027-05-16T12:00:00Z")
    expect([isReleased(embargo, noon), isReleased(embargo, noon, "SN"), isReleased(embargo, noon, "US")]).toEqual([true, false, true])
    expect(releaseTime(embargo, "SN")).toBe(Date.parse("2027-05-17T09:00:00Z"))
    expect(embargo.licence).toBe("CC BY 4.0")
  })

  it("holds everything while no site's day is planned", () => {
    const embargo = embargoOf({ after_last_site: "1h" }, [])
    expect(isReleased(embargo, Date.parse("2099-01-01T00:00:00Z"))).toBe(false)
  })

  it("is declared in convene.yaml, with its problems located", () => {
    const ok = decodeDialogueYaml(`${yaml}\nresults:\n  release:\n    after_last_site: 1h30m\n    licence: CC BY 4.0\n    press_contact: { name: Press office, email: press@example.org }\n`, "convene.yaml")
    expect(ok.results?.release).toMatchObject({ after_last_site: "1h30m", licence: "CC BY 4.0" })
    expect(embargoOf(ok.results?.release, ends).ends).toBe("2027-05-16T04:30:00Z")
    const fields = (extra: string): Array<string | undefined> => {
      try {
        decodeDialogueYaml(`${yaml}\nresults:\n  release:\n${extra}`, "convene.yaml")
      } catch (e) {
        return (e as InputError).problems.map((p) => p.field)
      }
      return []
    }
    expect(fields("    after_last_site: two hours\n")).toEqual(["results.release.after_last_site"])
    expect(fields("    after_last_site: 2h\n    at: 2027-05-16T12:00Z\n    countries: { XX: 2027-05-17T00:00Z }\n")).toEqual(["results.release.at", "results.release.countries.XX"])
  })
})
