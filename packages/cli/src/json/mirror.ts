/** The --json output of the mirror commands. */
import { Count, Files, nullable, Obj, Path, Schema } from "./contract.js"

/** One registration of a mirror dialogue (the organiser's contact included: staff output only). */
export const Registration = Obj({
  id: Count,
  status: Schema.Literals(["unconfirmed", "pending", "approved", "rejected"]).annotate({ description: "unconfirmed until the e-mail link is followed, then pending until staff decide." }),
  name: Schema.String.annotate({ description: "The organiser's name." }),
  email: Schema.String.annotate({ description: "The organiser's e-mail (lower-cased)." }),
  place: Schema.String,
  country: Schema.String,
  timezone: Schema.String,
  locale: Schema.String,
  date: Schema.String.annotate({ description: "The mirror's own date, YYYY-MM-DD." }),
  participants: Count,
  consented_at: Schema.String,
  created_at: Schema.String,
  confirmed_at: nullable(Schema.String),
  decided_at: nullable(Schema.String),
  note: nullable(Schema.String),
  site_id: nullable(Schema.String).annotate({ description: "The site created on approval." })
})

/** `mirror list`: the registrations, oldest first. */
export const listed = Obj({ mirrors: Schema.Array(Registration) })

/** `mirror approve`: the site, the kit and the organiser's mail (nothing with --dry-run). */
export const approved = Obj({
  registration: Registration,
  site: Schema.String,
  dryRun: Schema.Boolean,
  zip: nullable(Path),
  attached: nullable(Schema.Boolean).annotate({ description: "Whether the kit went attached (else linked); null on a dry run." }),
  sent: Count.annotate({ description: "Messages sent now (0 when an earlier run already sent the kit)." }),
  files: Files.annotate({ description: "The outbox files written (no SMTP)." })
})

/** `mirror reject`: the registration as rejected. */
export const rejected = Obj({ registration: Registration })
