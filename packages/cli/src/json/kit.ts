/** The --json output of the kit and mail commands. */
import { Count, Files, Num, nullable, Obj, Path, Schema } from "./contract.js"
import { mailPreviewFields } from "./mail-preview.js"

/** A problem at its file and line, as `kit check` reports it. */
const Problem = Obj({
  file: Schema.optional(Schema.String),
  line: Schema.optional(Count),
  column: Schema.optional(Count),
  field: Schema.optional(Schema.String),
  message: Schema.String
})

/** The locale a kit was written in, and what fell back. */
const KitLocale = Obj({
  requested: Schema.String.annotate({ description: "The site's locale (or --locale)." }),
  used: Schema.String.annotate({ description: "The locale most messages come from." }),
  intl: Schema.String.annotate({ description: "The locale dates, times and numbers were formatted in." }),
  dir: Schema.Literals(["ltr", "rtl"]),
  fallbacks: Schema.Array(Obj({ locale: Schema.String, keys: Count })),
  missing: Schema.Array(Schema.String)
})

/** `kit build`: every kit (built or unchanged) and the zips written. */
export const built = Obj({
  out: Path.annotate({ description: "The kits folder." }),
  kits: Schema.Array(
    Obj({
      site: Schema.String,
      dir: Path,
      zip: Path,
      locale: KitLocale,
      files: Count.annotate({ description: "How many files the kit holds (its manifest included)." }),
      bytes: Count,
      skipped: Schema.Boolean.annotate({ description: "Unchanged since the last build: nothing was written." })
    })
  ),
  built: Count,
  skipped: Count,
  schedule: Schema.Literals(["stored", "stale", "computed"]).annotate({ description: "Where the kits' times came from: the stored plan, a stale one, or computed now (no plan stored)." }),
  warnings: Schema.Array(Schema.String),
  files: Files.annotate({ description: "The zips written by this run, one per kit built (a skipped kit writes nothing); each kit's files are in its dir." })
})

const Extra = Obj({ key: Schema.String, file: Schema.String, line: Count })
const Mismatched = Obj({ key: Schema.String, file: Schema.String, line: Count, message: Schema.String })

/** `kit check`: coverage per locale, fallbacks, ballots and problems. */
/** One entry of the adaptation register: a template or message a site changes. */
export const Adaptation = Obj({
  site: Schema.String,
  kind: Schema.Literals(["template", "message"]),
  item: Schema.String.annotate({ description: "A template path (kit/documents/tally-sheet.hbs) or a message as locale:key." }),
  at: Schema.String.annotate({ description: "The site's version, as FILE[:LINE]." }),
  status: Schema.Literals(["locked", "adaptable"]),
  change: Schema.Literals(["changed", "added"]),
  sha256: Schema.String,
  diff: Schema.String,
  approval: Schema.NullOr(Obj({ note: Schema.String, approved_at: Schema.String, by: Schema.String }))
})

export const checked = Obj({
  sourceLocale: Schema.String,
  coverage: Schema.Array(
    Obj({
      locale: Schema.String,
      percent: Num,
      translated: Count,
      total: Count,
      missing: Schema.Array(Schema.String),
      extra: Schema.Array(Extra),
      mismatched: Schema.Array(Mismatched),
      declared: Schema.Boolean,
      catalogs: Count
    })
  ),
  problems: Schema.Array(Problem),
  siteCatalogs: Schema.Array(Obj({ site: Schema.String, extra: Schema.Array(Extra), mismatched: Schema.Array(Mismatched) })),
  fallbacks: Schema.Array(Obj({ site: Schema.String, locale: Schema.String, used: Schema.String, kind: Schema.Literals(["region", "language"]) })),
  ballots: Obj({
    valid: Schema.Boolean,
    files: Schema.Array(Schema.String).annotate({ description: "The ballot files read, as shown in messages." }),
    questions: Count,
    coverage: Schema.Array(Obj({ locale: Schema.String, total: Count, translated: Count, percent: Num, missing: Schema.Array(Problem) })),
    unasked: Schema.Array(Schema.String)
  }),
  complete: Schema.Boolean.annotate({ description: "Nothing the dialogue's locales and sites use is missing (what --strict fails on)." }),
  warnings: Schema.Array(Schema.String).annotate({ description: "What does not make the check fail: no codebook (features: in convene.yaml), codebook labels missing in a declared locale, locked changes waiting for approval." }),
  adaptations: Schema.Array(Adaptation).annotate({ description: "The adaptation register: every template and message a site changes." })
})

/** `kit approve`: the change approved, with its approval. */
export const approved = Adaptation

/** `kit register`: the register, and the files written. */
export const register = Obj({ adaptations: Schema.Array(Adaptation), files: Files })

const Transport = Schema.Literals(["smtp", "outbox"])

/** One message a dry run would send. */
const Sample = { key: Schema.String, to: Schema.String, subject: Schema.String, locale: Schema.String, attachments: Count }

/** What a dry run says of a batch of messages (kit send --dry-run). */
const MailPreview = { dryRun: Schema.Literal(true), ...mailPreviewFields }

const Failure = Obj({ key: Schema.String, recipient: Schema.String, permanent: Schema.Boolean, uncertain: Schema.Boolean, error: Schema.String })

/** What a delivery run did. */
const Delivery = {
  transport: Transport,
  total: Count,
  sent: Count,
  failed: Count,
  deferred: Count,
  uncertain: Count,
  failures: Schema.Array(Failure),
  files: Files.annotate({ description: "Into the outbox: the .eml files this run wrote (over SMTP: none)." }),
  seconds: Num
}

/** `kit send`: the messages and what became of them; with --dry-run, what would be done. */
export const sent = Schema.Union([
  Obj({ ...MailPreview, built: Count, attached: Count, linked: Count, noFellow: Schema.Array(Schema.String), superseded: Count }),
  Obj({
    messages: Count,
    built: Count,
    attached: Count,
    linked: Count,
    noFellow: Schema.Array(Schema.String).annotate({ description: "Sites without a registered fellow: no message." }),
    superseded: Count,
    queued: Count,
    known: Count,
    alreadySent: Count,
    ...Delivery
  })
])

const Counts = { queued: Count, deferred: Count, sending: Count, uncertain: Count, sent: Count, failed: Count }

/** `mail status`: the send log at a glance. */
export const status = Obj({
  transport: Transport,
  destination: Schema.String.annotate({ description: "The SMTP host and port (no credentials), or the outbox folder." }),
  ...Counts,
  total: Count,
  byPurpose: Schema.Array(Obj({ purpose: Schema.String, ...Counts })),
  uncertainMessages: Schema.Array(
    Obj({
      key: Schema.String,
      purpose: Schema.String,
      recipient: Schema.String,
      subject: Schema.String,
      messageId: Schema.String,
      attempts: Count,
      lastAttemptAt: nullable(Schema.String),
      queuedAt: Schema.String,
      error: Schema.String
    })
  ),
  latestErrors: Schema.Array(
    Obj({ key: Schema.String, purpose: Schema.String, recipient: Schema.String, status: Schema.String, attempts: Count, error: Schema.String, at: nullable(Schema.String) })
  )
})

const Confirmed = Obj({
  id: Schema.String,
  key: Schema.optional(Schema.String),
  result: Schema.Literals(["confirmed", "already-sent", "not-uncertain", "unknown"])
})

/** `mail flush`: what was delivered and settled; with --dry-run, what would be. */
export const flushed = Schema.Union([
  Obj({
    dryRun: Schema.Literal(true),
    transport: Transport,
    destination: Schema.String,
    wouldSend: Count,
    deferred: Count,
    uncertain: Count,
    wouldResend: Count,
    wouldConfirm: Schema.Array(Confirmed),
    sample: Schema.Array(Obj({ ...Sample, attempts: Count }))
  }),
  Obj({ ...Delivery, confirmed: Schema.Array(Confirmed), resent: Count })
])
