/**
 * The --json output of the results commands (simulate, import, validate, status, log, export,
 * report, publish, reopen, toolkit, invite). The Type side of each schema is what the command's
 * `run()` returns (the SDK's names); the JSON has snake_case keys (see contract.ts).
 */
import { RESULTS_FORMATS, RESULTS_WEIGHTINGS } from "@convene/core/domain/ResultsAnalysis"
import { ResultStatus, SiteResults } from "@convene/core/domain/Results"
import { ById, Count, Files, nullable, Num, Obj, opt, Path, Schema } from "./contract.js"
import { mailPreviewFields } from "./mail-preview.js"

/** A key that may be absent, or present as `undefined` on the Type side (dropped from the JSON). */
const maybe = <S extends Schema.Top>(schema: S) => Schema.optional(schema)

const Part = Schema.Literals(["tallies", "ballots", "recommendations"])
const Instant = Schema.String.annotate({ description: "An ISO 8601 instant in UTC, e.g. 2027-05-16T05:00:00Z." })
const Weighting = Schema.Literals(RESULTS_WEIGHTINGS)

// ─── simulate ───────────────────────────────────────────────────────────────────────────────

/** A regional difference the simulation builds in, for checking a report against. */
const SimulatedEffect = Obj({
  question: Schema.String,
  measure: Schema.Literals(["share", "mean"]),
  option: opt(Schema.String.annotate({ description: "For a share: the option whose share is shifted." })),
  region: Schema.String,
  regionCode: Schema.String.annotate({ description: "The region's UN M49 code, e.g. 002 for Africa." }),
  inRegion: Num.annotate({ description: "The expected share (0–1) or mean in the region." }),
  elsewhere: Num.annotate({ description: "The expected share (0–1) or mean in the rest of the world." })
})

/** `results simulate`: what was (or, with --dry-run, would be) simulated and stored. */
export const simulated = Obj({
  warning: Schema.String.annotate({ description: "Always present: these results are made up, not voted by anyone." }),
  simulated: Schema.Literal(true),
  seed: Count,
  sites: Count.annotate({ description: "Sites whose results were simulated and stored (as submitted)." }),
  skipped: Count.annotate({ description: "Sites left as they were because they already had results." }),
  tables: Count,
  present: Count,
  ballots: Count,
  recommendations: Count,
  effects: Schema.Array(SimulatedEffect),
  dryRun: opt(Schema.Literal(true)),
  sample: opt(Schema.Array(Schema.String).annotate({ description: "With --dry-run: the first sites that would be simulated (at most 5)." }))
})

// ─── import, validate, reopen ───────────────────────────────────────────────────────────────

/** `results import`: what the import replaced (or, with --dry-run, would replace). */
export const imported = Obj({
  file: Schema.String.annotate({ description: "The file read, as given (relative to the working folder when inside it)." }),
  part: Part.annotate({ description: "What the file holds (kobo: the first part it replaced)." }),
  parts: Schema.Array(Part).annotate({ description: "Every part replaced in each site's draft: the one part of a CSV; a Kobo export's table sheets and ballots." }),
  rows: Count,
  sites: Schema.Array(Schema.String),
  unapproved: Count.annotate({ description: "kobo: submissions marked \"Not approved\" in KoboToolbox, left out." }),
  dryRun: opt(Schema.Literal(true))
})

/** `results validate`: the sites validated by this run. */
export const validated = Obj({ validated: Schema.Array(Schema.String) })

/** `results reopen`: whether the site went back to draft, and from what. */
export const reopened = Obj({
  site: Schema.String,
  reopened: Schema.Boolean.annotate({ description: "false when the results were already a draft." }),
  from: ResultStatus
})

// ─── status ─────────────────────────────────────────────────────────────────────────────────

const ProgressGroup = Obj({
  group: Schema.String,
  expected: Count,
  draft: Count,
  submitted: Count,
  validated: Count,
  missing: Count,
  overdue: Count,
  present: Count,
  ballots: Count
})

/** `results status`: the sites expected and where their results stand. */
export const status = Obj({
  as_of: Instant,
  by: Schema.Literals(["site", "country", "region"]),
  total: ProgressGroup,
  groups: Schema.Array(ProgressGroup),
  sites: Schema.Array(
    Obj({
      site_id: Schema.String,
      name: Schema.String,
      country: Schema.String,
      region: Schema.String,
      format: Schema.String,
      status: Schema.Literals(["draft", "submitted", "validated", "missing"]),
      day_ends: Schema.String.annotate({ description: "When the site's day ends (the end of its last agenda block), an ISO instant; empty when it has no planned day." }),
      overdue: Schema.Boolean,
      simulated: Schema.Boolean,
      present: Count,
      ballots: Count
    })
  )
})

// ─── log ────────────────────────────────────────────────────────────────────────────────────

/** `results log`: the append-only log, oldest first. */
export const log = Obj({
  entries: Schema.Array(
    Obj({
      id: Count,
      site_id: Schema.String,
      at: Schema.DateFromString.annotate({ description: "When, an ISO 8601 instant (UTC)." }),
      actor: Schema.String.annotate({ description: "Who: link:SITE (the fellow's link), staff:NAME, or simulation." }),
      action: Schema.String.annotate({ description: "What: e.g. import:tallies, web:submit, simulate, validate, reopen." }),
      status_before: nullable(ResultStatus),
      status_after: nullable(ResultStatus),
      reason: nullable(Schema.String),
      before: nullable(SiteResults).annotate({ description: "The site's results before the change (null when the change did not touch them)." }),
      after: nullable(SiteResults).annotate({ description: "The site's results after the change (null when the change did not touch them)." })
    })
  )
})

// ─── export ─────────────────────────────────────────────────────────────────────────────────

/** `results export`: the files written for each format asked. */
export const exported = Obj({
  formats: Schema.Array(Schema.Literals(["xlsform", "csv"])),
  files: Files,
  questions: Count.annotate({ description: "The vote questions of the ballots." }),
  xlsform: opt(
    Obj({
      file: Path,
      site: nullable(Schema.String).annotate({ description: "The site the form fills in by default (--site), or null." })
    })
  ),
  csv: opt(
    Obj({
      dir: Path,
      sites: Count.annotate({ description: "The sites whose stored results were exported." }),
      rows: Obj({ tallies: opt(Count), ballots: opt(Count), recommendations: opt(Count) }).annotate({ description: "The rows of each file written (a file with no rows is not written)." })
    })
  )
})

// ─── report ─────────────────────────────────────────────────────────────────────────────────

/** A figure with its 95% interval; null when it cannot be computed. */
const Estimate = { value: nullable(Num), low: nullable(Num), high: nullable(Num) }

/** A group's figure minus the global one, with the interval of the difference. */
const Comparison = Obj({ diff: nullable(Num), low: nullable(Num), high: nullable(Num) })

/** A figure: its estimate and, for a group (not the global figures), the comparison with the global one. */
const Figure = Obj({ ...Estimate, vs_global: maybe(Comparison) })

const OptionResult = Obj({
  id: Schema.String,
  label: Schema.String,
  count: Num.annotate({ description: "Votes for it, summed over the group's sites." }),
  share: Figure.annotate({ description: "The share (0–1) of voters choosing it (a ranking: ranking it at all), weighted." }),
  mean_rank: maybe(Figure.annotate({ description: "Rankings: the mean rank among the ballots that ranked it (1 = first), weighted." })),
  borda: maybe(
    Obj({ points: Num, per_voter: Figure }).annotate({ description: "Rankings: Borda points (n options: rank r gives n − r, unranked 0) summed over the group's ballots, and per voter (weighted)." })
  )
})

const QuestionResult = Obj({
  id: Schema.String,
  type: Schema.Literals(["single", "multiple", "scale", "ranking"]),
  collect: Schema.Literals(["ballot", "tally"]),
  block: Schema.String,
  label: Schema.String,
  n: Obj({ sites: Count, countries: Count, voters: Count }),
  options: Schema.Array(OptionResult),
  mean: maybe(Figure.annotate({ description: "Scales: the mean point, weighted." })),
  median: maybe(nullable(Num).annotate({ description: "Scales: the median point of the weighted distribution (no interval)." }))
})

/** One group of sites (or the global figures, or the mirror dialogues). */
const GroupResult = Obj({
  key: Schema.String,
  label: Schema.String,
  sites: Count,
  countries: Count,
  questions: Schema.Array(QuestionResult)
})

const RankedRecommendation = Obj({
  site_id: Schema.String,
  question: Schema.String,
  table: Count,
  number: Count,
  text: Schema.String,
  votes: Count,
  site_name: Schema.String,
  country: Schema.String,
  site_share: nullable(Num).annotate({ description: "Its votes over all the priority votes of its site on that question." })
})

const RecommendationsResult = Obj({
  question: Schema.String,
  label: Schema.String,
  items: Schema.Array(RankedRecommendation).annotate({ description: "Every recommendation, the most voted first." }),
  countries: Schema.Array(
    Obj({
      country: Schema.String,
      label: Schema.String,
      votes: Count,
      sites: Schema.Array(Obj({ site_id: Schema.String, name: Schema.String, votes: Count, items: Schema.Array(RankedRecommendation) }))
    })
  )
})

/** Where the income groups come from (--by income). */
const IncomeSource = Obj({
  publisher: Schema.String,
  title: Schema.String,
  url: Schema.String,
  fiscalYear: Schema.String,
  date: Schema.String,
  thresholds: ById(Schema.String).annotate({ description: "Income group → the GNI per capita (current US$, Atlas method) bounding it." })
})

/** The analysis: every question per group, each group against the global figures, and the recommendations. */
const Analysis = Obj({
  by: Schema.String.annotate({ description: "The grouping: none, country, region, subregion, format, income or group:FILE." }),
  weight: Weighting,
  seed: Count,
  replicates: Count.annotate({ description: "Bootstrap replicates over sites." }),
  confidence: Num,
  minSitesForInterval: Count.annotate({ description: "A figure over fewer sites has no interval." }),
  global: GroupResult,
  groups: Schema.Array(GroupResult),
  recommendations: Schema.Array(RecommendationsResult),
  income: maybe(IncomeSource)
})

/** The report (the same as the --format json file, with snake_case keys). */
const Report = Obj({
  dialogue: Obj({ id: Schema.String, title: Schema.String }),
  locale: Schema.String,
  dir: Schema.Literals(["ltr", "rtl"]),
  counted: Obj({ sites: Count, countries: Count, statuses: Schema.Array(ResultStatus) }),
  leftOut: Schema.Array(
    Obj({ reason: Schema.Literals(["draft", "submitted", "mirror", "no_results", "not_registered"]), count: Count, sites: Schema.Array(Schema.String) })
  ),
  simulatedSites: Count.annotate({ description: "Counted sites whose results were written by `convene results simulate`: not real votes." }),
  analysis: Analysis,
  mirror: nullable(GroupResult).annotate({ description: "The mirror dialogues on their own, when they are not pooled and some have results." }),
  methods: Schema.Array(Schema.String).annotate({ description: "The methods note, one paragraph each, in the report's locale." }),
  embargoed: nullable(Obj({ until: Schema.String, watermark: Schema.String })).annotate({ description: "Written before the embargo ended (--internal): until when, and the watermark; null after it." })
})

/** `results report`: the files written and the report. */
export const report = Obj({ formats: Schema.Array(Schema.Literals(RESULTS_FORMATS)), files: Files, report: Report })

// ─── publish ────────────────────────────────────────────────────────────────────────────────

/** `results publish`: the portal written. */
export const published = Obj({
  dir: Path,
  files: Files,
  embargoEnds: Instant.annotate({ description: "When the global embargo ended." }),
  countries: Schema.Array(Obj({ code: Schema.String, region: nullable(Schema.String), locales: Schema.Array(Schema.String), sites: Count })),
  held: Schema.Array(
    Obj({ code: Schema.String, until: Instant, sites: Count, locales: Schema.Array(Schema.String) }).annotate({ description: "A country released later: not in this portal yet." })
  ),
  sites: Count,
  mirror: Count.annotate({ description: "Mirror dialogues with validated results, reported apart." }),
  simulatedSites: Count
})

// ─── toolkit ────────────────────────────────────────────────────────────────────────────────

const EmbargoRule = Schema.Union([
  Obj({ kind: Schema.Literal("after_last_site"), minutes: Count, last_site: maybe(Schema.String), last_day_ends: maybe(Schema.String) }),
  Obj({ kind: Schema.Literal("at"), at: Schema.String })
])

/** `results toolkit`: the toolkits written. */
export const toolkits = Obj({
  out: Path,
  files: Files.annotate({ description: "Every file written: each toolkit's files, then its zip." }),
  toolkits: Schema.Array(
    Obj({
      kind: Schema.Literals(["country", "region"]),
      code: Schema.String.annotate({ description: "ISO country code, or UN M49 region code." }),
      name: Schema.String,
      dir: Path,
      zip: Path,
      locale: Schema.String,
      dir_text: Schema.Literals(["ltr", "rtl"]),
      sites: Count,
      files: Files,
      embargoed: nullable(Schema.String).annotate({ description: "The watermark, when written before the place's embargo ended (--internal)." })
    })
  ),
  held: Schema.Array(Obj({ country: Schema.String, until: Instant })),
  embargo: Obj({
    ends: Instant,
    rule: EmbargoRule,
    countries: ById(Instant).annotate({ description: "Countries released later than the rest: country code → instant." }),
    licence: maybe(Schema.String),
    press_contact: maybe(Obj({ name: Schema.String, email: Schema.String }))
  })
})

// ─── invite ─────────────────────────────────────────────────────────────────────────────────

const Invitation = Obj({ site_id: Schema.String, fellow: Schema.String, email: Schema.String, locale: Schema.String, subject: Schema.String })

/** The real run: what the send log and the transport did. */
const InviteSent = Obj({
  dryRun: Schema.Literal(false),
  baseUrl: Schema.String,
  sites: Count,
  invitations: Schema.Array(Invitation),
  queued: Count,
  alreadySent: Count,
  sent: Count,
  failed: Count,
  deferred: Count,
  uncertain: Count.annotate({ description: "Links handed to the SMTP server by an earlier run that stopped before the answer: not sent again on their own (convene mail status)." }),
  files: Files.annotate({ description: "Into the outbox: the .eml files this run wrote (over SMTP: none)." })
})

/** --dry-run: the messages, and what the send log would do with them. */
const InvitePreview = Obj({
  dryRun: Schema.Literal(true),
  ...mailPreviewFields,
  baseUrl: Schema.String,
  sites: Count,
  invitations: Schema.Array(Invitation),
  linkBase: Schema.String.annotate({ description: "Where the links would point: <base-url>/results/ followed by each site's token." }),
  wouldBeRefused: opt(Obj({ message: Schema.String, confirm: Schema.String }).annotate({ description: "The refusal the real run would meet (exit 4), and the flag that confirms it." }))
})

/** `results invite`: the run (dryRun false) or its dry run (dryRun true). */
export const invited = Schema.Union([InviteSent, InvitePreview])
