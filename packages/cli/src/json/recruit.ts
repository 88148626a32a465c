/** The --json output of the recruitment commands. */
import { ById, Count, Files, Num, Obj, opt, Schema } from "./contract.js"

/** `recruit targets`: the targets computed, and the file written (none with --stdout). */
export const targets = Obj({
  census: Schema.String.annotate({ description: "The census file read, as given." }),
  size: Count,
  tolerance: Num,
  scopes: Schema.Array(Schema.String),
  targets: Schema.Array(Obj({ scope: Schema.String, feature: Schema.String, value: Schema.String, share: Num, ideal: Num, min: Count, max: Count })),
  files: Files
})

/** `recruit select`: the record of the draw (what draw.json holds), and the files written. */
export const selected = Obj({
  method: Schema.Literals(["leximin", "maximin", "legacy"]),
  seed: Schema.String,
  size: Count,
  scope: Schema.String,
  site: Schema.NullOr(Schema.String),
  pool: Obj({ file: Schema.String, sha256: Schema.String, candidates: Count, eligible: Count }),
  targets: Obj({ file: Schema.String, sha256: Schema.String, quotas: Count }),
  features: Schema.Array(Schema.String),
  panel: Schema.Array(Schema.String),
  probabilities: Schema.Array(Obj({ id: Schema.String, probability: Num, selected: Schema.Boolean })),
  files: Files
})

const Quota = Obj({ feature: Schema.String, value: Schema.String, min: Count, max: Count })

/** `recruit select --site|--all`: one stored draw per site (what its draw.json holds), and the files written. */
export const siteDraw = Obj({
  site: Schema.String,
  method: Schema.Literals(["leximin", "maximin", "legacy"]),
  seed: Schema.String,
  size: Count,
  pool: Obj({ sha256: Schema.String, candidates: Count, eligible: Count }),
  targets: Obj({ file: Schema.String, sha256: Schema.String, scope: Schema.String, from: Schema.Literals(["site", "country", "all"]), share: Num, quotas: Schema.Array(Quota) }),
  features: Schema.Array(Schema.String),
  panel: Schema.Array(Schema.String),
  reserves: Schema.Array(Schema.String),
  probabilities: Schema.Array(Obj({ id: Schema.String, probability: Num, selected: Schema.Boolean })),
  files: Files
})

/** `recruit select --site|--all`: the draws, the sites that could not be drawn (with --all), every file written. */
export const drawn = Obj({
  draws: Schema.Array(siteDraw),
  failures: Schema.Array(Obj({ site: Schema.String, message: Schema.String })),
  files: Files
})

/** `recruit select`: stored draws (--site, --all), or a draw from files (--pool). */
export const selectedAny = Schema.Union([drawn, selected])

/** `candidates import`. */
export const candidatesImported = Obj({
  file: Schema.String,
  rows: Count,
  inserted: Count,
  updated: Count,
  unchanged: Count,
  features: Schema.Array(Schema.String),
  sites: Count,
  consented: Count,
  dryRun: opt(Schema.Literal(true))
})

/** `candidates list`: per site counts, and with --site its candidates (never contact data). */
export const candidatesList = Obj({
  sites: Schema.Array(Obj({ site_id: Schema.String, candidates: Count, consented: Count })),
  candidates: Schema.Array(Obj({ id: Schema.String, site_id: Schema.String, consent: Schema.Boolean, locale: Schema.NullOr(Schema.String), features: ById(Schema.String) }))
})

/** `recruit confirm`. */
export const confirmed = Obj({
  confirmed: Schema.Array(Obj({ id: Schema.String, site: Schema.String, code: Schema.String })),
  already: Schema.Array(Schema.String)
})

const Broken = Obj({ feature: Schema.String, value: Schema.String, side: Schema.Literals(["min", "max"]), limit: Count, count: Count })

/** `recruit decline`. */
export const declined = Obj({
  declined: Schema.String,
  site: Schema.String,
  participantRemoved: Schema.Boolean,
  replacement: Schema.NullOr(Obj({ id: Schema.String, broken: Schema.Array(Broken) })),
  noReserveLeft: opt(Schema.Literal(true))
})

/** `recruit status`. */
export const status = Obj({
  sites: Schema.Array(Obj({
    site: Schema.String,
    method: Schema.String,
    seed: Schema.String,
    drawn_at: Schema.String,
    size: Count,
    pending: Count,
    confirmed: Count,
    declined: Count,
    reserves_left: Count,
    reserves_called: Count,
    broken: Schema.Array(Broken),
    people: Schema.Array(Obj({ id: Schema.String, role: Schema.String, status: Schema.String, reserve_rank: Schema.NullOr(Count), replaces: Schema.NullOr(Schema.String), probability: Num }))
  }))
})

/** `recruit report`: per group (site or country), the draws, totals per step, and per feature value census, bounds, counts and flags. */
export const report = Obj({
  by: Schema.Literals(["site", "country"]),
  census: Schema.NullOr(Schema.String),
  groups: Schema.Array(Obj({
    group: Schema.String,
    draws: Schema.Array(Obj({ site: Schema.String, method: Schema.String, seed: Schema.String, size: Count, targets: Schema.String })),
    totals: Obj({ pool: Count, selected: Count, confirmed: Count, pending: Count, attended: Schema.NullOr(Count) }),
    rows: Schema.Array(Obj({
      group: Schema.String,
      feature: Schema.String,
      value: Schema.String,
      label: Schema.String,
      census: Schema.NullOr(Num),
      min: Count,
      max: Count,
      counts: Obj({ pool: Count, selected: Count, confirmed: Count, attended: Schema.NullOr(Count) }),
      flags: Schema.Array(Schema.Literals(["pool", "selected", "confirmed", "attended"]))
    }))
  })),
  files: Files
})

/** `attendance import`. */
export const attendanceImported = Obj({
  file: Schema.String,
  rows: Count,
  present: Count,
  absent: Count,
  inserted: Count,
  updated: Count,
  unchanged: Count,
  dryRun: opt(Schema.Literal(true))
})

/** `recruit export`: the sites exported and the files written. */
export const exported = Obj({ sites: Schema.Array(Schema.String), files: Files })
