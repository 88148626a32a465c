/** The --json output of the recruitment commands. */
import { Count, Files, Num, Obj, Schema } from "./contract.js"

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
