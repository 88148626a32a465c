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
