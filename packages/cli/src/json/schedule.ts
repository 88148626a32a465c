/**
 * The --json output of the schedule, timeline, db, init and serve commands. The plan's own
 * shapes (blocks, moments, warnings) are the domain's schemas (domain/SchedulePlan): their keys
 * are already snake_case, the same as schedule.json and the CSV columns.
 */
import { SchedulePlan } from "@convene/core/domain/SchedulePlan"
import { SCHEDULE_FORMATS } from "@convene/core/domain/Schedule"
import { ById, Count, Files, nullable, Obj, opt, Path, Schema } from "./contract.js"

/** A tz release and where its rules were read. */
const TzInfo = Obj({
  version: Schema.String.annotate({ description: "The IANA release, e.g. 2026f." }),
  source: Schema.String.annotate({ description: "Where the rules were read, e.g. moment-timezone 0.6.6 or system /usr/share/zoneinfo." })
})

const TzSource = Obj({ kind: Schema.Literals(["package", "system"]), version: Schema.String, source: Schema.String })

const Dialect = Schema.Literals(["pglite", "postgres"]).annotate({ description: "pglite: the embedded database in the workspace's .convene/; postgres: DATABASE_URL." })

/** `init`: the workspace created and every file written into it. */
export const init = Obj({
  dir: Path.annotate({ description: "The workspace created (absolute)." }),
  example: nullable(Schema.String).annotate({ description: "The bundled example copied, or null for a blank workspace." }),
  files: Files
})

/**
 * `serve` (and `survey serve`): one line printed on stdout once the server listens (the
 * server then runs until SIGINT/SIGTERM and prints nothing more on stdout; with --json the
 * request log goes to stderr).
 */
export const served = Obj({
  url: Schema.String.annotate({ description: "The server's base address, e.g. http://127.0.0.1:8080." }),
  host: Schema.String,
  port: Count,
  surveys: Schema.String.annotate({ description: "The survey forms, <token> standing for a participant's link token." }),
  results: Schema.String.annotate({ description: "The results forms, <token> standing for a site's link token." }),
  portal: Schema.String.annotate({ description: "The public results portal." }),
  live: nullable(Schema.String).annotate({ description: "The staff's live view, or null without a staff token." }),
  liveJson: nullable(Schema.String).annotate({ description: "The live view's data, or null without a staff token." }),
  healthz: Schema.String,
  asOf: nullable(Schema.String).annotate({ description: "The rehearsal instant of --as-of (ISO 8601), or null." })
})

/** `db migrate`: the migrations applied and the space given back, or with --dry-run those it would apply. */
export const migrated = Schema.Union([
  Obj({ dryRun: Schema.Literal(true), dialect: Dialect, location: Schema.String, wouldApply: Schema.Array(Schema.String) }),
  Obj({
    dialect: Dialect,
    location: Schema.String.annotate({ description: "The embedded database's folder, or the PostgreSQL URL without its password." }),
    applied: Schema.Array(Schema.String),
    reclaimed: nullable(Obj({ before: Count, after: Count, rewritten: Schema.Array(Schema.String) })).annotate({
      description: "The embedded database's size in bytes before and after VACUUM, and the tables rewritten; null on PostgreSQL."
    })
  })
])

/** `db status`: every migration and when it ran, and the time-zone data in use. */
export const dbStatus = Obj({
  dialect: Dialect,
  location: Schema.String,
  migrations: Schema.Array(Obj({ name: Schema.String, executed_at: nullable(Schema.String).annotate({ description: "ISO 8601, or null while pending." }) })),
  tz: Obj({
    package: TzSource,
    system: nullable(TzSource).annotate({ description: "The system's zoneinfo, or null when it has no known release." }),
    chosen: TzSource
  })
})

/** `schedule plan`: the plan stored, the tz data it was made with and the mirror sites left out. */
export const planned = Obj({
  ...SchedulePlan.fields,
  tz: TzInfo,
  mirrorLeftOut: Count.annotate({ description: "Mirror sites not planned (they meet later; --include-mirror plans them)." })
})

/** `schedule show`: the stored plan (with --site, that site only), whether it is stale and its tz release. */
export const shown = Obj({
  ...SchedulePlan.fields,
  stale: Schema.Boolean.annotate({ description: "Sites or the day in convene.yaml changed since the plan was made." }),
  tz: nullable(TzInfo).annotate({ description: "The tz release the plan was made with, or null for a plan made before convene recorded it." })
})

/** `schedule export`: the formats written and every file. */
export const exported = Obj({ formats: Schema.Array(Schema.Literals(SCHEDULE_FORMATS)), files: Files })

/** `schedule slot`: the best slots, each with every zone's local time. */
export const slots = Obj({
  date: Schema.String,
  minutes: Count,
  window: Obj({ start: Schema.String, end: Schema.String }),
  tz: TzInfo,
  slots: Schema.Array(
    Obj({
      start_utc: Schema.String,
      end_utc: Schema.String,
      inside: Count.annotate({ description: "Zones with the whole session inside their window." }),
      zones: Schema.Array(Obj({ zone: Schema.String, start_local: Schema.String, end_local: Schema.String, utc_offset: Schema.String, inside: Schema.Boolean }))
    })
  )
})

const Phase = Obj({ id: Schema.String, title: Schema.String, start: Schema.String, end: Schema.String })
const Milestone = Obj({ id: Schema.String, title: Schema.String, due: opt(Schema.String), due_relative: opt(Schema.String).annotate({ description: "Days from each site's own deliberation day, e.g. -10d." }) })

/** `timeline show`. */
export const timeline = Obj({
  as_of: Schema.String,
  current: nullable(Schema.String).annotate({ description: "The id of the current phase, or null outside every phase." }),
  position: Schema.Literals(["Before", "In", "Between", "After", "NoPhases"]),
  phases: Schema.Array(Phase),
  milestones: Schema.Array(Milestone)
})

const StateCounts = { done: Count, due: Count, overdue: Count }

/** `timeline status`: readiness per milestone, site and country. */
export const readiness = Obj({
  as_of: Schema.String,
  milestones: Schema.Array(Obj({ id: Schema.String, title: Schema.String, due: opt(Schema.String), due_relative: opt(Schema.String), done: Count, due_count: Count, overdue: Count })),
  sites: Schema.Array(
    Obj({
      site: Schema.String,
      country: Schema.String,
      ...StateCounts,
      milestones: ById(Schema.Literals(["done", "due", "overdue"])).annotate({ description: "Each milestone's state at the site, keyed by milestone id." })
    })
  ),
  countries: Schema.Array(Obj({ country: Schema.String, sites: Count, on_track: Count, ...StateCounts })),
  totals: Obj({ sites: Count, on_track: Count, ...StateCounts })
})

/** `timeline done`. */
export const recorded = Obj({
  milestone: Schema.String,
  sites: Schema.Array(Schema.String),
  done_on: nullable(Schema.String).annotate({ description: "The date recorded, or null with --undo." })
})
