/**
 * The machine contract of `--json`: every command declares the schema of what it prints, as an
 * effect/Schema whose Type is what the command returns (the SDK's own names, camelCase) and whose
 * Encoded side is the JSON (snake_case keys, the same words as the CSV columns).
 *
 * - The command's result is encoded through its schema before it is printed, so the printed JSON
 *   is always what the schema says: keys the schema does not name are dropped.
 * - `scripts/json-schemas.mjs` writes each schema's JSON Schema into docs/json/, and the contract
 *   test runs every command with --json and validates what it prints against that file.
 *
 * This module is loaded only when a command runs with --json (see ConveneCommand.init).
 */
import * as Schema from "effect/Schema"

/** `alreadySent` → `already_sent`; a name without capitals is kept. */
export const snakeCase = (key: string): string => key.replace(/[A-Z]/g, (c, at: number) => `${at === 0 ? "" : "_"}${c.toLowerCase()}`)

/**
 * A JSON object with the given fields, written with snake_case keys: the field `alreadySent` is
 * printed as `already_sent`. Fields already in snake_case (the registries' columns) are kept.
 *
 * @example
 * const Summary = Obj({ sent: Count, alreadySent: Count })
 * Schema.encodeUnknownSync(Summary)({ sent: 3, alreadySent: 1 }) // { sent: 3, already_sent: 1 }
 */
export const Obj = <const F extends Schema.Struct.Fields>(fields: F): Schema.Codec<Schema.Struct.Type<F>, unknown> => {
  const struct = Schema.Struct(fields)
  const mapping: Record<string, string> = {}
  for (const key of Object.keys(fields)) if (snakeCase(key) !== key) mapping[key] = snakeCase(key)
  return (Object.keys(mapping).length === 0 ? struct : struct.pipe(Schema.encodeKeys(mapping as never))) as never
}

/** A count: a whole number, 0 or more. */
export const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

/** A finite number (a rate, a share, a statistic). */
export const Num = Schema.Finite

/** A path on disk, absolute. */
export const Path = Schema.String.annotate({ description: "An absolute path." })

/** The files a command wrote, absolute paths. Every command that writes files has this key. */
export const Files = Schema.Array(Path)

/** A value that may be absent from the JSON. */
export const opt = <S extends Schema.Top>(schema: S): Schema.optionalKey<S> => Schema.optionalKey(schema)

/** A value that may be JSON null. */
export const nullable = <S extends Schema.Top>(schema: S): Schema.NullOr<S> => Schema.NullOr(schema)

/** A JSON object keyed by ids (sites, locales, question ids …): its keys are data, kept as they are. */
export const ById = <S extends Schema.Top>(value: S) => Schema.Record(Schema.String, value)

export { Schema }

/**
 * The one error shape, printed on stdout by every command that fails with --json (see
 * errors.ts): a code (e.g. InputError, NotFound, UnknownFlag, ConnectionError, Refused), one
 * message for people, and the problems one by one (FILE:LINE:COLUMN and field when known).
 */
export const errorJson = Schema.Struct({
  error: Schema.Struct({
    code: Schema.String,
    message: Schema.String,
    problems: Schema.optionalKey(
      Schema.Array(
        Schema.Struct({
          file: Schema.optionalKey(Schema.String),
          line: Schema.optionalKey(Count),
          column: Schema.optionalKey(Count),
          field: Schema.optionalKey(Schema.String),
          message: Schema.String
        })
      )
    )
  })
})
