/** The --json output of the registry commands (coalition, fellows, sites, participants). */
import { registries, type RegistryName } from "@convene/core/domain/Registry"
import { Count, Files, Obj, opt, Schema } from "./contract.js"

const registryName = Schema.Literals(["coalition", "fellows", "sites", "participants"])

/** One record, as `list`, `show` and `add` print it: the registry's CSV columns. */
export const record = (name: RegistryName) => registries[name].schema as unknown as Schema.Codec<unknown, unknown>

/** `<registry> import`: what the import did (or, with --dry-run, would do). */
export const imported = Obj({
  registry: registryName,
  file: Schema.String,
  rows: Count,
  inserted: Count,
  updated: Count,
  unchanged: Count,
  dryRun: opt(Schema.Literal(true)),
  sample: opt(Schema.Array(Schema.String))
})

/** `<registry> export`: the files written (none with --stdout). */
export const exported = Obj({ formats: Schema.Array(Schema.Literals(["csv", "json"])), files: Files })

/** `<registry> list`. */
export const list = (name: RegistryName) => Schema.Array(record(name))

/** `<registry> remove`: the record and what went (or, with --dry-run, would go) with it. */
export const removed = (name: RegistryName) =>
  Obj({
    dryRun: Schema.Boolean,
    registry: registryName,
    record: record(name),
    cascade: Schema.Array(Obj({ table: Schema.String, rows: Count, waves: opt(Count) })),
    consequence: Schema.String,
    alsoDeletes: Schema.String
  })
