/**
 * The shapes of a planned deliberation day — what `schedule plan` stores as JSON and every
 * export reads — as schemas, the one source of their types. The planner is in Schedule.ts.
 */
import * as Schema from "effect/Schema"
import { BlockKind } from "./Dialogue.js"

/** One block of one site's day. */
export const PlannedBlock = Schema.Struct({
  id: Schema.String,
  title: Schema.String,
  kind: BlockKind,
  /** `YYYY-MM-DDTHH:MM` in the site's zone. */
  start_local: Schema.String,
  end_local: Schema.String,
  /** ISO 8601 ending in `Z`. */
  start_utc: Schema.String,
  end_utc: Schema.String,
  /** The UTC offset in force at the block's start, e.g. `+05:45`. */
  utc_offset: Schema.String,
  /** Set on the blocks of the site's national session (`sites/<id>/site.yaml`), not the shared agenda's. */
  national: Schema.optionalKey(Schema.Literal(true))
})
export type PlannedBlock = typeof PlannedBlock.Type

/** A warning about one site (and block, when it concerns one). */
export const ScheduleWarning = Schema.Struct({
  code: Schema.Literals(["dst-gap", "dst-overlap", "outside-window", "past-midnight", "other-date", "dst-transition", "moment-outside-session", "date-outside-phases"]),
  site: Schema.String,
  block: Schema.optional(Schema.String),
  message: Schema.String
})
export type ScheduleWarning = typeof ScheduleWarning.Type

/** A synchronized moment as one site lives it. */
export const SiteMoment = Schema.Struct({
  id: Schema.String,
  start_local: Schema.String,
  end_local: Schema.String,
  utc_offset: Schema.String,
  /** Whether the whole moment falls inside the site's window on the day and inside its own session (its first block's start to its last block's end). */
  joins: Schema.Boolean
})
export type SiteMoment = typeof SiteMoment.Type

/** One site's planned day. */
export const SitePlan = Schema.Struct({
  id: Schema.String,
  timezone: Schema.String,
  /** The site's own date, when it does not meet on the global day (no synchronized moments then). */
  date: Schema.optionalKey(Schema.String),
  /** Why: `national` (a national dialogue on another day) or `mirror`. */
  date_reason: Schema.optionalKey(Schema.Literals(["national", "mirror"])),
  blocks: Schema.Array(PlannedBlock),
  moments: Schema.Array(SiteMoment),
  warnings: Schema.Array(ScheduleWarning)
})
export type SitePlan = typeof SitePlan.Type

/** A synchronized moment, placed. */
export const PlannedMoment = Schema.Struct({
  id: Schema.String,
  title: Schema.String,
  minutes: Schema.Number,
  /** `auto` when convene chose the instant, `fixed` when the dialogue did. */
  mode: Schema.Literals(["auto", "fixed"]),
  start_utc: Schema.String,
  end_utc: Schema.String,
  joining: Schema.Number,
  not_joining: Schema.Array(Schema.String)
})
export type PlannedMoment = typeof PlannedMoment.Type

/**
 * The whole plan: what `schedule plan` stores (as JSON) and every export reads. The fields are
 * declared in the order the planner writes them, which decoding keeps.
 */
export const SchedulePlan = Schema.Struct({
  day: Schema.String,
  window: Schema.Struct({ start: Schema.String, end: Schema.String }),
  /** Sites on the global day in follow-the-sun order (by UTC start, then id), then the sites on their own dates, by date. */
  sites: Schema.Array(SitePlan),
  moments: Schema.Array(PlannedMoment),
  span: Schema.Struct({ start_utc: Schema.String, end_utc: Schema.String, hours: Schema.Number }),
  /** Sites in session during each UTC hour of the span. */
  hourly: Schema.Array(Schema.Struct({ hour_utc: Schema.String, sites: Schema.Number })),
  warnings: Schema.Array(ScheduleWarning)
})
export type SchedulePlan = typeof SchedulePlan.Type
