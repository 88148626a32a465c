import { Flags } from "@oclif/core"
import { ConveneCommand, today } from "../../base.js"
import { counted } from "../../plural.js"

export default class ScheduleSlot extends ConveneCommand {
  static override summary = "Find the best UTC slots for an online session across time zones."
  static override description =
    "Ranks start times on a 15-minute UTC grid by how many zones have the whole session inside their local window, then by closeness to the middle of those windows; each slot lists every zone's local time. Slots that overlap a better one are left out. Works anywhere: no workspace needed. Offsets come from the newest tz data convene finds (see `convene --version`), the same as `schedule plan`'s."
  static override examples = [
    "<%= config.bin %> schedule slot --zones Europe/Paris,Asia/Tokyo,America/Bogota --minutes 120",
    "<%= config.bin %> schedule slot --zones Asia/Kolkata,Africa/Nairobi,America/Sao_Paulo --minutes 90 --window 07:00-22:00 --date 2027-03-29 --json"
  ]
  static override flags = {
    zones: Flags.string({ summary: "Comma-separated IANA time zones.", required: true }),
    minutes: Flags.integer({ summary: "Length of the session in minutes.", required: true, min: 1, max: 1440 }),
    window: Flags.string({ summary: "Acceptable local window HH:MM-HH:MM.", default: "08:00-21:00" }),
    date: Flags.string({ summary: "The date whose UTC offsets apply, YYYY-MM-DD (default: today)." }),
    top: Flags.integer({ summary: "How many slots to list.", default: 5, min: 1, max: 96 })
  }
  static override output = () => import("../../json/schedule.js").then((m) => m.slots)

  async run() {
    const { flags } = await this.parse(ScheduleSlot)
    const [{ findSlots }, { zoneRules }, { isTimeZone }, { InputError }, { checkDate }] = await Promise.all([
      import("@convene/core/domain/Slot"),
      import("@convene/core/tz"),
      import("@convene/core/domain/Values"),
      import("@convene/core/domain/Errors"),
      import("../../dates.js")
    ])
    const zones = flags.zones.split(",").map((z) => z.trim()).filter((z) => z !== "")
    const rules = zoneRules()
    const problems = zones.filter((z) => !isTimeZone(z) || rules.zone(z) === undefined).map((z) => ({ field: "--zones", message: `expected an IANA time zone such as Europe/Paris, got "${z}"` }))
    const window = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/.exec(flags.window)
    if (window === null) problems.push({ field: "--window", message: `expected HH:MM-HH:MM such as 08:00-21:00, got "${flags.window}"` })
    if (zones.length === 0) problems.push({ field: "--zones", message: "expected at least one time zone" })
    if (problems.length > 0) throw new InputError({ summary: "Cannot look for slots.", problems })
    const date = checkDate(flags.date ?? today(), "--date")
    const [start, end] = flags.window.split("-") as [string, string]
    const slots = findSlots({ zones, minutes: flags.minutes, window: { start, end }, date, top: flags.top, rules })
    this.log(`Best ${counted(slots.length, "slot")} of ${flags.minutes} min on ${date}, window ${flags.window} local (tz ${rules.version}):\n`)
    for (const [i, s] of slots.entries()) {
      this.log(`${i + 1}. ${s.start_utc.slice(11, 16)}–${s.end_utc.slice(11, 16)} UTC — ${s.inside} of ${zones.length} zones inside their window`)
      const width = Math.max(...s.zones.map((z) => z.zone.length))
      for (const z of s.zones) {
        this.log(`   ${z.inside ? "✓" : "✗"} ${z.zone.padEnd(width)}  ${z.start_local.slice(11)}–${z.end_local.slice(11)}  ${z.start_local.slice(0, 10)}  UTC${z.utc_offset}`)
      }
    }
    return { date, minutes: flags.minutes, window: { start, end }, tz: { version: rules.version, source: rules.source }, slots }
  }
}
