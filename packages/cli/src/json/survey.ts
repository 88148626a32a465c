/**
 * The --json output of the survey commands (survey simulate, import, export, invite, remind,
 * report; `survey serve` is `serve`, whose output is in schedule.ts). The report's schema describes the whole {@link SurveyReport} of
 * @convene/core/domain/Report, figure by figure.
 */
import { WaveId } from "@convene/core/domain/Instrument"
import { Count, Files, ById, nullable, Num, Obj, opt, Schema } from "./contract.js"
import { mailPreviewFields } from "./mail-preview.js"

const Str = Schema.String

// ---------------------------------------------------------------------------------------------
// survey simulate
// ---------------------------------------------------------------------------------------------

/** Responses simulated for one wave, by source. */
const simulatedWave = Obj({
  web: Count,
  paper: Count,
  kobo: Count,
  total: Count,
  skippedExisting: Count.annotate({ description: "Participants who had already answered the wave: left as they were." })
})

/** One pre → post effect built into the simulation. */
const simulatedEffect = Obj({
  question: Str,
  role: Schema.Literals(["knowledge", "trust", "efficacy-internal", "efficacy-external", "attitude", "evaluation", "choice", "multiple", "number", "text"]),
  post: Num.annotate({ description: "The change at the panel sites (not mirror dialogues), in `unit`." }),
  postMirror: Num.annotate({ description: "The change at mirror sites, in `unit`." }),
  option: opt(Str.annotate({ description: "For a single choice: the option that gains the share." })),
  unit: Schema.Literals(["points", "log-odds", "share"])
})

/** `survey simulate`: what was (with --dry-run, would be) registered and stored. */
export const simulated = Obj({
  warning: Str.annotate({ description: "These answers are made up: never report them as results." }),
  simulated: Schema.Literal(true),
  dryRun: opt(Schema.Literal(true)),
  instrument: Str,
  seed: Count,
  waves: Schema.Array(WaveId),
  participants: Count,
  registered: Count.annotate({ description: "Simulated participants registered by this run (with --dry-run: that would be)." }),
  participantsFile: opt(Str.annotate({ description: "The CSV the simulated participants were imported from (with --dry-run: where it would be written)." })),
  responses: ById(simulatedWave).annotate({ description: "Responses stored, keyed by wave." }),
  answers: Count,
  effects: Schema.Array(simulatedEffect),
  files: Files
})

// ---------------------------------------------------------------------------------------------
// survey import
// ---------------------------------------------------------------------------------------------

/** `survey import`: what the import stored (with --dry-run, would store). */
export const imported = Obj({
  dryRun: opt(Schema.Literal(true)),
  file: Str,
  instrument: Str,
  wave: Str,
  rows: Count,
  imported: Count,
  skippedExisting: Count,
  skippedUnapproved: Count,
  answers: Count,
  blank: Count,
  sample: opt(Schema.Array(Str).annotate({ description: "With --dry-run: the participant codes of the first responses that would be stored." }))
})

// ---------------------------------------------------------------------------------------------
// survey export
// ---------------------------------------------------------------------------------------------

/** `survey export`: the files written, in the order of --format. */
export const exported = Obj({
  formats: Schema.Array(Schema.Literals(["csv", "xlsform"])),
  files: Files,
  instrument: Str,
  wave: nullable(Str).annotate({ description: "The wave exported (--wave), or null: every wave (csv only)." }),
  rows: opt(Count.annotate({ description: "csv: the answers written (one row each)." })),
  questions: opt(Count.annotate({ description: "xlsform: the questions of the wave in the form." })),
  locales: opt(Schema.Array(Str).annotate({ description: "xlsform: the locales of the form's labels." }))
})

// ---------------------------------------------------------------------------------------------
// survey invite, survey remind
// ---------------------------------------------------------------------------------------------

/** What invite and remind report in both runs, real and dry. */
const waveFields = {
  instrument: Str,
  wave: Str,
  participants: Count.annotate({ description: "invite: participants with an address; remind (and invite --resend-links): those invited who have not answered." }),
  alreadyInvited: Count.annotate({ description: "invite: of `participants`, those invited to the wave before." }),
  withoutEmail: Count.annotate({ description: "invite: participants without an e-mail address (they answer on paper)." }),
  resentLinks: Schema.Boolean
}

/** A real run: what was queued and delivered. */
const mailedWave = Obj({
  ...waveFields,
  queued: Count.annotate({ description: "Messages new to the send log." }),
  known: Count.annotate({ description: "Messages the send log already held (their key)." }),
  alreadySent: Count,
  transport: Schema.Literals(["smtp", "outbox"]),
  total: Count.annotate({ description: "Messages pending when delivery began." }),
  sent: Count,
  failed: Count,
  deferred: Count,
  uncertain: Count,
  failures: Schema.Array(Obj({ key: Str, recipient: Str, permanent: Schema.Boolean, uncertain: Schema.Boolean, error: Str })).annotate({ description: "The first 50 failures and deferrals." }),
  files: Files.annotate({ description: "Into the outbox: the .eml files this run wrote (over SMTP: none)." }),
  seconds: Num
})

/** A dry run (--dry-run): what a run would do; nothing stored or sent. */
const previewedWave = Obj({
  dryRun: Schema.Literal(true),
  ...waveFields,
  linkBase: Str.annotate({ description: "Where the links would point: <base-url>/s/." }),
  wouldBeRefused: opt(Obj({ message: Str, confirm: Str }).annotate({ description: "The real run would be refused (exit 4): why, and the flag that confirms it." })),
  ...mailPreviewFields
})

/** `survey invite` and `survey remind`: a real run, or (with `dryRun: true`) a dry run. */
export const mailed = Schema.Union([previewedWave, mailedWave])

// ---------------------------------------------------------------------------------------------
// survey report
// ---------------------------------------------------------------------------------------------

const share = Obj({ value: Str, label: Str, count: Count, share: Num })

/** The paired comparison pre → post of a numeric or ordinal question (or the knowledge index). */
const pairedFields = {
  n: Count,
  meanPre: Num,
  meanPost: Num,
  meanChange: Num,
  ci95: nullable(Schema.Tuple([Num, Num])).annotate({ description: "95% confidence interval of the mean change; null with too few or constant differences." }),
  t: nullable(Num),
  df: nullable(Count),
  pT: nullable(Num).annotate({ description: "p-value of the paired t-test, in full precision." }),
  wilcoxon: Obj({ v: Num, p: nullable(Num), method: Schema.Literals(["exact", "normal"]), zeros: Count }),
  dz: nullable(Num).annotate({ description: "Cohen's d_z." }),
  rankBiserial: nullable(Num).annotate({ description: "Matched-pairs rank-biserial correlation." }),
  sdChange: nullable(Num).annotate({ description: "Standard deviation of the changes; null with one pair." })
}
const paired = Obj(pairedFields)
const suppressedMark = Obj({ suppressed: Schema.Literal(true) })

const sampleSummary = Obj({ n: Count, mean: Num, sd: Num })

const questionWave = Obj({ n: Count, suppressed: Schema.Boolean, shares: Schema.Array(share), mean: nullable(Num), median: nullable(Num) })

const questionResult = Obj({
  id: Str,
  type: Schema.Literals(["likert5", "likert7", "scale", "single", "multiple", "number", "text", "knowledge"]),
  label: Str,
  waves: ById(questionWave).annotate({ description: "Keyed by wave." }),
  paired: Schema.Union([paired, suppressedMark, Obj({ unpaired: Schema.Literal(true) }), Schema.Null]).annotate({ description: "Pre → post, when both waves ask it; {suppressed: true} when hidden, {unpaired: true} when only one wave asks it." }),
  shift: nullable(Schema.Array(Obj({ value: Str, label: Str, pre: Num, post: Num, change: Num }))).annotate({ description: "Single-choice and knowledge questions: shares among those who answered both waves." }),
  binaryChange: opt(nullable(sampleSummary).annotate({ description: "Binary questions (two options, knowledge items): each pair's change coded −1, 0, +1, summarised." })),
  mcnemar: nullable(Obj({ b: Count, c: Count, statistic: nullable(Num), p: nullable(Num), exactP: nullable(Num), method: Schema.Literals(["exact", "chi-square"]) })),
  freeText: nullable(ById(Schema.Array(Obj({ text: Str, count: Count })))).annotate({ description: "Text questions: the answers with their counts, keyed by wave." })
})

const groupResult = Obj({
  key: Str,
  label: Str,
  suppressed: Schema.Boolean,
  response: Obj({
    waves: ById(Obj({ registered: Count, invited: Count, answered: Count, rate: nullable(Num) })).annotate({ description: "Keyed by wave; empty when the group is suppressed." }),
    paired: nullable(Count)
  }),
  knowledge: Schema.Union([Obj({ ...pairedFields, items: Count }), suppressedMark, Schema.Null]).annotate({ description: "The knowledge index (share of knowledge items correct), pre → post." }),
  questions: Schema.Array(questionResult)
})

const pool = Schema.Literals(["main", "mirror", "control"]).annotate({ description: "main: the panel sites; mirror: the mirror dialogues apart; control: the control group (role control)." })

/** One question's difference-in-differences in one group. */
const diffInDiff = Schema.Union([
  Obj({
    question: Str.annotate({ description: "The question id, or knowledge_index." }),
    label: Str,
    measure: Schema.Literals(["mean_change", "binary_change"]),
    panel: Obj({ n: Count, change: Num }),
    control: Obj({ n: Count, change: Num }),
    did: Num.annotate({ description: "Panel change − control change." }),
    welch: nullable(Obj({ se: Num, df: Num, p: Num, ci95: Schema.Tuple([Num, Num]) })).annotate({ description: "Welch's standard error, degrees of freedom, p-value and 95% interval; null when neither group's changes vary." })
  }),
  Obj({ question: Str, label: Str, suppressed: Schema.Literal(true) })
])
const groupDiD = Obj({ key: Str, label: Str, suppressed: Schema.Boolean, questions: Schema.Array(diffInDiff) })

/** A group's paired figures for one more wave pair. */
const pairGroup = Obj({
  key: Str,
  label: Str,
  suppressed: Schema.Boolean,
  paired: nullable(Count),
  knowledge: Schema.Union([Obj({ ...pairedFields, items: Count }), suppressedMark, Schema.Null]),
  questions: Schema.Array(Obj({
    id: Str,
    type: Str,
    label: Str,
    paired: Schema.Union([paired, suppressedMark, Obj({ unpaired: Schema.Literal(true) }), Schema.Null]),
    shift: nullable(Schema.Array(Obj({ value: Str, label: Str, pre: Num, post: Num, change: Num }))),
    mcnemar: nullable(Obj({ b: Count, c: Count, statistic: nullable(Num), p: nullable(Num), exactP: nullable(Num), method: Schema.Literals(["exact", "chi-square"]) })),
    binaryChange: opt(nullable(sampleSummary))
  }))
})

const sampleCell = Schema.Union([Obj({ n: Count, share: Num }), suppressedMark])
/** The representativeness section (`--census`, or a codebook): census, panel and respondents per feature value. */
export const sampleReport = Obj({
  census: nullable(Str).annotate({ description: "The census file, or null without one." }),
  features: Schema.Array(Str),
  waves: Schema.Array(Str),
  threshold: Count,
  groups: Schema.Array(Obj({
    key: Str,
    label: Str,
    scope: nullable(Str).annotate({ description: "The census scope used: a site id, a country code or all." }),
    totals: Obj({ registered: Count, waves: ById(Count) }),
    rows: Schema.Array(Obj({
      feature: Str,
      value: Str,
      label: Str,
      census: nullable(Num),
      registered: sampleCell,
      waves: ById(sampleCell),
      ratio: ById(nullable(Num)).annotate({ description: "Per wave: respondents' share / census share." }),
      weight: ById(nullable(Num)).annotate({ description: "Per wave: the post-stratification weight, census share / respondents' share, capped at 5." }),
      under: Schema.Array(Str).annotate({ description: "The waves whose respondents under-represent the value (ratio below 0.8)." })
    }))
  }))
})

/** The whole impact report, as `--format json` holds it (with snake_case keys here). */
const surveyReport = Obj({
  instrument: Obj({ id: Str, version: Count, title: Str }),
  dialogue: Str,
  by: Str.annotate({ description: "all, site, country, region, subregion, format or category:<name>." }),
  waves: Schema.Array(Str),
  pairedWaves: nullable(Schema.Tuple([Str, Str])),
  includeMirror: Schema.Boolean,
  suppressionThreshold: Count,
  locale: Str,
  dir: opt(Schema.Literals(["ltr", "rtl"]).annotate({ description: "The direction of the report's language (rtl for Arabic)." })),
  country: opt(Str.annotate({ description: "A per-country report (--split country): the country's ISO code." })),
  pools: Schema.Array(Obj({ pool, groups: Schema.Array(groupResult) })),
  did: opt(nullable(Schema.Array(groupDiD)).annotate({ description: "The difference-in-differences of the paired waves per group the panel and the control group share; null without a control group." })),
  otherPairs: opt(Schema.Array(Obj({ waves: Schema.Tuple([Str, Str]), pools: Schema.Array(Obj({ pool, groups: Schema.Array(pairGroup) })), did: nullable(Schema.Array(groupDiD)) })).annotate({ description: "Every other wave pair (pre → followup, post → followup)." })),
  sample: opt(sampleReport),
  weighted: opt(Obj({
    feature: Str,
    weights: ById(ById(Num)).annotate({ description: "Per wave: value → weight (census share / respondents' share, capped at 5)." }),
    waves: ById(Schema.Array(Obj({
      question: Str,
      label: Str,
      n: Count,
      weightedN: Num,
      mean: opt(Obj({ unweighted: Num, weighted: nullable(Num) })),
      shares: opt(Schema.Array(Obj({ value: Str, unweighted: Num, weighted: nullable(Num) })))
    }))).annotate({ description: "Per wave: each question's estimate, unweighted and post-stratified." }),
    pairs: Schema.Array(Obj({ waves: Schema.Tuple([Str, Str]), questions: Schema.Array(Obj({ question: Str, label: Str, n: Count, unweighted: Num, weighted: nullable(Num) })) }))
  }).annotate({ description: "The overall group's estimates post-stratified on one feature (--weight census:<feature>)." })),
  methods: Str,
  simulatedResponses: Count.annotate({ description: "Responses written by `survey simulate`: not real answers." }),
  responses: Count
})

/** `report sample`: the files written and the representativeness section. */
export const sampled = Obj({
  formats: Schema.Array(Schema.Literals(["html", "csv", "json"])),
  files: Files,
  sample: sampleReport
})

const byRole = Obj({ all: Count, fellow: Count, facilitator: Count })

/** The organisers' report (an instrument with respondents: organisers): @convene/core/domain/OrganiserReport. */
const organiserReport = Obj({
  kind: Schema.Literal("organisers"),
  dialogue: Str,
  instrument: Obj({ id: Str, version: Count, title: Str }),
  locale: Str,
  waves: Schema.Array(Str),
  response: Schema.Array(Obj({
    wave: Str,
    listed: byRole.annotate({ description: "Respondents listed: fellows who run a site, facilitators in the site files." }),
    invited: byRole,
    answered: byRole,
    sources: ById(Count).annotate({ description: "Answers by source: web, paper, kobo." })
  })),
  questions: Schema.Array(Obj({
    wave: Str,
    question: Str,
    label: Str,
    type: Str,
    groups: Schema.Array(Obj({
      role: Schema.Literals(["all", "fellow", "facilitator"]),
      n: Count,
      mean: nullable(Num),
      median: nullable(Num),
      answers: Schema.Array(Obj({ value: Str, label: Str, n: Count, share: Num }))
    }))
  })),
  freeText: Schema.Array(Obj({
    wave: Str,
    question: Str,
    label: Str,
    answers: Schema.Array(Obj({ role: Schema.Literals(["fellow", "facilitator"]), country: Str, text: Str }))
  })).annotate({ description: "Every free-text answer, with the writer's role and country (never a name)." })
})

/** `survey report`: the files written, in the order of --format, and the report itself. */
export const reported = Obj({
  formats: Schema.Array(Schema.Literals(["html", "csv", "json"])),
  files: Files,
  report: Schema.Union([surveyReport, organiserReport]).annotate({ description: "The impact report; for an organisers' questionnaire (respondents: organisers), the organisers' report (kind: organisers)." }),
  countries: opt(Schema.Array(Obj({
    country: Str.annotate({ description: "ISO 3166-1 alpha-2 code." }),
    locale: Str.annotate({ description: "The locale its sites speak (the most common)." }),
    language: Str.annotate({ description: "The catalog language the report is written in (fr for fr-SN; the dialogue's source locale without a catalog)." }),
    files: Files
  })).annotate({ description: "--split country: each country's report files (report-<instrument>-<CC>.<format>), in its language." }))
})
