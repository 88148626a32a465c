import { Flags } from "@oclif/core"
import { join, relative, resolve } from "node:path"
import { SCHEDULE_FORMATS } from "@convene/core/domain/Schedule"
import type { Workspace } from "@convene/core/infra"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { distinct, formatsFlag } from "../../formats-flag.js"

export default class ScheduleExport extends ConveneCommand {
  static override summary = "Write the stored plan as calendars (ICS), CSV, JSON or an HTML chart."
  static override description = [
    "ics: one file per site (out/schedule/ics/<site>.ics) with events in the site's own IANA zone and a matching VTIMEZONE written from convene's tz data, plus all-sites.ics in UTC; written with ical-generator; each event has a stable UID, a SEQUENCE raised when its time, title or description changes (so calendar apps update it), the site as LOCATION, and its title and description (the session's guidance, local and UTC times) in the site's language, from the kit's catalogs — in all-sites.ics too.",
    "json: {day, window, tz: {version, source}, sites: [{id, timezone, blocks: [{id, start_local, end_local, start_utc, end_utc, utc_offset}], moments, warnings}], moments, span, hourly}; local times are YYYY-MM-DDTHH:MM, UTC times ISO 8601 ending in Z.",
    "csv: one row per site and block.",
    "html: a self-contained follow-the-sun chart.",
    "Several formats at once: --format ics,csv,json,html (or the flag repeated)."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> schedule export --format ics",
    "<%= config.bin %> schedule export --format html && open out/schedule/schedule.html",
    "<%= config.bin %> schedule export --format csv --site sn-dakar --out exports/",
    "<%= config.bin %> schedule export --format ics,csv,json,html --json   # {formats, files}"
  ]
  static override flags = {
    ...workspaceFlags,
    format: formatsFlag(SCHEDULE_FORMATS, undefined, "File format; several as a comma list, e.g. ics,csv,json,html."),
    site: Flags.string({ summary: "Only this site." }),
    out: Flags.string({ summary: "Output folder (default: the workspace's out/schedule/)." })
  }
  static override output = () => import("../../json/schedule.js").then((m) => m.exported)

  async run() {
    const { flags } = await this.parse(ScheduleExport)
    const formats = distinct(flags.format)
    const { latestPlan, tzWarning, writeSchedule } = await import("@convene/core/schedule")
    const { calendarOptionsFor } = await import("@convene/core/kits")
    const { listRegistry } = await import("@convene/core/registries")
    const Effect = await import("effect/Effect")
    let ws!: Workspace
    const { plan, stale, tz, newerTz, calendar } = await this.runInWorkspace(flags, (opened) => {
      ws = opened
      return Effect.gen(function*() {
        // calendars need every site (LOCATION, language): read once, for the staleness check too
        const sites = formats.includes("ics") ? yield* listRegistry("sites") : undefined
        const latest = yield* latestPlan(ws.dialogue, sites, ws.sessions)
        // SEQUENCE, LAST-MODIFIED, LOCATION and the titles in each site's language
        const calendar = formats.includes("ics") ? yield* calendarOptionsFor(ws, latest.plan, latest.computedAt, sites) : undefined
        return { ...latest, calendar }
      })
    })
    if (stale) this.warn("The stored plan is out of date: sites or the day in convene.yaml changed since it was made. Run `convene schedule plan` again.")
    const tzStale = tzWarning(tz, newerTz)
    if (tzStale !== undefined) this.warn(tzStale)
    const dir = resolve(flags.out ?? join(ws.dir, "out", "schedule"))
    const files: Array<string> = []
    for (const format of formats) {
      const written = await writeSchedule({ plan, format, dir, dialogue: ws.dialogue, site: flags.site, tz, calendar })
      const shown = written.length <= 3 ? written.map((f) => relative(process.cwd(), f) || f).join(", ") : `${written.length} files in ${relative(process.cwd(), dir) || dir}`
      this.log(`Wrote ${shown}`)
      files.push(...written)
    }
    return { formats, files }
  }
}
