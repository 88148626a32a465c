/**
 * The dialogue definition, `convene.yaml`: what every site shares — the day, the agenda, the
 * synchronized moments, the timeline and the evaluation waves. Decoding reports `file:line`.
 */
import * as Schema from "effect/Schema"
import { AdaptationPolicy } from "./Adaptation.js"
import { Codebook } from "./Codebook.js"
import { MirrorConfig } from "./Mirror.js"
import { decodeYaml } from "./Yaml.js"
import { Email, isCountryCode, LocalDate, LocalTime, Locale, Slug } from "./Values.js"

const Title = Schema.String.check(Schema.isNonEmpty({ message: "expected a title" }))

/** The kinds of agenda block every site runs. */
export const BlockKind = Schema.Literals(["plenary", "table-discussion", "vote", "break"])
export type BlockKind = typeof BlockKind.Type

/** One block of the shared agenda, e.g. 45 minutes of table discussion. */
export const AgendaBlock = Schema.Struct({
  id: Slug,
  title: Title,
  minutes: Schema.Number.check(
    Schema.isInt({ message: "expected whole minutes" }),
    Schema.isBetween({ minimum: 1, maximum: 720 }, { message: "expected 1 to 720 minutes" })
  ),
  kind: BlockKind
})
export type AgendaBlock = typeof AgendaBlock.Type

const UtcInstant = Schema.String.check(
  Schema.makeFilter(
    (s: string) =>
      (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z$/.test(s) && !Number.isNaN(Date.parse(s))) ||
      `expected "auto" or a UTC instant such as 2027-05-15T12:00Z, got ${JSON.stringify(s)}`
  )
)

/** A moment every site shares at one UTC instant, either fixed or chosen by convene (`auto`). */
export const SyncMoment = Schema.Struct({
  id: Slug,
  title: Title,
  minutes: Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 720 })),
  at: Schema.Union([Schema.Literal("auto"), UtcInstant])
})
export type SyncMoment = typeof SyncMoment.Type

/** The acceptable local time window for any block, e.g. 08:00 to 21:00. */
export const LocalWindow = Schema.Struct({ start: LocalTime, end: LocalTime })
export type LocalWindow = typeof LocalWindow.Type

/** The synchronized deliberation day: one local calendar date for every site. */
export const DeliberationDay = Schema.Struct({
  date: LocalDate,
  start_local: LocalTime,
  window: LocalWindow
})
export type DeliberationDay = typeof DeliberationDay.Type

/** A phase of the process, e.g. onboarding, from one date to another (both inclusive). */
export const Phase = Schema.Struct({
  id: Slug,
  title: Title,
  start: LocalDate,
  end: LocalDate
}).check(Schema.makeFilter((p) => p.start <= p.end || { path: ["end"], issue: `expected a date on or after start (${p.start})` }))
export type Phase = typeof Phase.Type

/** A milestone every site must reach by its due date, e.g. venue booked. */
/** Days before (`-10d`) or after (`+7d`, `7d`) a site's deliberation day; `0d` is the day itself. */
export const RelativeDays = Schema.String.check(
  Schema.makeFilter((s: string) => /^[+-]?\d{1,3}d$/.test(s) || `expected days relative to the deliberation day, such as -10d, 0d or +7d, got ${JSON.stringify(s)}`)
)

/**
 * A milestone every site must reach: by a fixed date (`due`), or relative to each site's own
 * deliberation day (`due_relative: -10d`), so that a site on another date (a national dialogue,
 * a mirror) is not overdue before its day.
 */
export const Milestone = Schema.Struct({
  id: Slug,
  title: Title,
  due: Schema.optionalKey(LocalDate),
  due_relative: Schema.optionalKey(RelativeDays)
}).check(Schema.makeFilter((m) =>
  (m.due === undefined) !== (m.due_relative === undefined) ||
  { path: ["due"], issue: m.due === undefined ? "expected a due date (due: YYYY-MM-DD) or an offset from the deliberation day (due_relative: -10d)" : "expected either due or due_relative, not both" }
))
export type Milestone = typeof Milestone.Type

/** An evaluation wave: pre (ex-ante), post (ex-post) or followup, open between two dates. */
export const Wave = Schema.Struct({
  id: Schema.Literals(["pre", "post", "followup"]),
  opens: LocalDate,
  closes: LocalDate
}).check(Schema.makeFilter((w) => w.opens <= w.closes || { path: ["closes"], issue: `expected a date on or after opens (${w.opens})` }))
export type Wave = typeof Wave.Type

/** A duration in hours and minutes, e.g. `2h`, `90m`, `1h30m`. */
export const Duration = Schema.String.check(
  Schema.makeFilter((s: string) => (/^(?:(\d{1,3})h)?(?:(\d{1,4})m)?$/.test(s) && s !== "") || `expected a duration such as 2h, 90m or 1h30m, got ${JSON.stringify(s)}`)
)

/** The minutes of a {@link Duration}: `"1h30m"` → 90. */
export const durationMinutes = (d: string): number => {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?$/.exec(d)
  return m === null ? 0 : Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)
}

/**
 * When the results may be published: a set time after the last site's day has ended in its own
 * zone (`after_last_site`), or a fixed instant (`at`); a later instant for some countries; the
 * open data's licence and the press contact.
 */
export const ResultsRelease = Schema.Struct({
  after_last_site: Schema.optionalKey(Duration),
  at: Schema.optionalKey(UtcInstant),
  /** ISO country code → a later release instant for that country's own results. */
  countries: Schema.optionalKey(Schema.Record(Schema.String, UtcInstant)),
  /** e.g. `CC BY 4.0` */
  licence: Schema.optionalKey(Schema.String.check(Schema.isNonEmpty({ message: "expected a licence, e.g. CC BY 4.0" }))),
  press_contact: Schema.optionalKey(Schema.Struct({ name: Title, email: Email }))
}).check(
  Schema.makeFilter((r) => {
    const issues: Array<Schema.FilterIssue> = []
    if (r.after_last_site !== undefined && r.at !== undefined) issues.push({ path: ["at"], issue: "expected either after_last_site or at, not both" })
    for (const code of Object.keys(r.countries ?? {})) {
      if (!isCountryCode(code)) issues.push({ path: ["countries", code], issue: `expected an ISO 3166-1 alpha-2 country code such as SN, got ${JSON.stringify(code)}` })
    }
    return issues
  })
)
export type ResultsRelease = typeof ResultsRelease.Type

const uniqueIds = <A extends { readonly id: string }>(what: string) =>
  Schema.makeFilter((items: ReadonlyArray<A>) => {
    const seen = new Set<string>()
    const issues: Array<Schema.FilterIssue> = []
    items.forEach((item, i) => {
      if (seen.has(item.id)) issues.push({ path: [i, "id"], issue: `expected a unique ${what} id, "${item.id}" is repeated` })
      seen.add(item.id)
    })
    return issues
  })

/**
 * The whole dialogue definition, as written in `convene.yaml`.
 *
 * @example
 * const dialogue = decodeDialogueYaml(text, "convene.yaml")
 * dialogue.deliberation_day.date // "2027-05-15"
 */
export const Dialogue = Schema.Struct({
  id: Slug,
  title: Title,
  source_locale: Locale,
  locales: Schema.Array(Locale),
  deliberation_day: DeliberationDay,
  agenda: Schema.Array(AgendaBlock).check(
    Schema.isMinLength(1, { message: "expected at least one agenda block" }),
    uniqueIds("agenda block"),
    Schema.makeFilter((blocks) => {
      const total = blocks.reduce((sum, b) => sum + b.minutes, 0)
      return total <= 24 * 60 || `expected an agenda of at most 24 hours, got ${Math.floor(total / 60)} h ${total % 60} min`
    })
  ),
  sync_moments: Schema.Array(SyncMoment).check(uniqueIds("synchronized moment")),
  timeline: Schema.Struct({
    phases: Schema.Array(Phase).check(uniqueIds("phase")),
    milestones: Schema.Array(Milestone).check(uniqueIds("milestone"))
  }),
  evaluation: Schema.Struct({
    waves: Schema.Array(Wave).check(uniqueIds("wave"))
  }),
  /** The citizens' results: when they may be published (default: as the last site's day ends). */
  results: Schema.optionalKey(Schema.Struct({ release: Schema.optionalKey(ResultsRelease) })),
  /**
   * The codebook: the participant features used for selection and reporting, with their allowed
   * values and labels per locale (see `domain/Codebook.ts`). Without it, feature values are free text.
   */
  features: Schema.optionalKey(Codebook),
  /**
   * Which kit templates and message keys sites may adapt and which are locked (see
   * `domain/Adaptation.ts`); without it, the default policy.
   */
  adaptation: Schema.optionalKey(AdaptationPolicy),
  /**
   * Self-service mirror dialogues (see `domain/Mirror.ts`): approve confirmed registrations
   * without staff (`auto_approve`), and the last day their results are accepted (`submission_deadline`).
   */
  mirror: Schema.optionalKey(MirrorConfig)
})
export type Dialogue = typeof Dialogue.Type

/**
 * Parses and decodes `convene.yaml`. Every problem names its line and the field's path
 * (e.g. `convene.yaml:14: timeline.phases.2.end: expected a calendar date YYYY-MM-DD`).
 * Throws {@link InputError}.
 */
export const decodeDialogueYaml = (text: string, file: string): Dialogue => decodeYaml(Dialogue, text, file, "a valid dialogue")
