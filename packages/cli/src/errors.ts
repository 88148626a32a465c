/**
 * The one error contract of every convene command. With `--json`, every failure (convene's own
 * errors, oclif's parse errors, a mistyped command, a defect) is printed on stdout as
 * `{"error":{"code","message","problems"?}}`; without it, a short message goes to stderr. The
 * exit status says what kind of failure it was.
 */
import type { ErrorJson, Problem } from "@convene/core/domain/Errors"

/**
 * Exit statuses: 0 ok; 1 partial (some messages failed) or an unexpected failure; 2 bad input
 * (arguments, flags, files, configuration); 3 the database or a connection failed; 4 refused for
 * safety (an irreversible action that was not confirmed).
 */
export const ExitCode = { ok: 0, partial: 1, input: 2, database: 3, refused: 4 } as const

// oclif colours some of its messages (e.g. the reasons of a failed flag validation)
// eslint-disable-next-line no-control-regex
const plain = (s: string): string => s.replace(/\u001B\[[0-9;]*m/g, "")

/** oclif's parse messages end with a hint that belongs to humans only. */
const withoutHelpHint = (s: string): string => plain(s).replace(/\nSee more help with --help$/, "").trim()

interface OclifParseError {
  readonly message: string
  readonly constructor: { readonly name: string }
  readonly args?: ReadonlyArray<{ readonly name?: string; readonly description?: string } | string>
  readonly flags?: ReadonlyArray<string>
}

/**
 * The JSON of an error that oclif raised while parsing a command's arguments and flags: a
 * missing argument, an unknown flag, an unexpected argument, a value a flag refuses.
 *
 * @example
 * parseErrorJson(new NonExistentFlagsError({ flags: ["--nope"], parse: {} }))
 * // { code: "UnknownFlag", message: "Nonexistent flag: --nope", problems: [{ field: "--nope", message: "no such flag; see --help" }] }
 */
export const parseErrorJson = (err: Error): ErrorJson => {
  const e = err as unknown as OclifParseError
  const message = withoutHelpHint(e.message)
  switch (e.constructor.name) {
    case "RequiredArgsError": {
      const problems: Array<Problem> = (e.args ?? []).map((a) =>
        typeof a === "string" ? { field: a, message: "required" } : { field: a.name ?? "argument", message: `required${a.description === undefined ? "" : `: ${a.description}`}` }
      )
      const names = problems.map((p) => p.field!.toUpperCase())
      return { code: "MissingArgument", message: `Missing the required argument${names.length === 1 ? "" : "s"} ${names.join(", ")}.`, problems }
    }
    case "NonExistentFlagsError":
      return { code: "UnknownFlag", message, problems: (e.flags ?? []).map((f) => ({ field: f, message: "no such flag; see --help" })) }
    case "UnexpectedArgsError":
      return { code: "UnexpectedArgument", message, problems: (e.args ?? []).map((a) => ({ field: typeof a === "string" ? a : a.name ?? "argument", message: "unexpected argument; see --help" })) }
    default: {
      // "Parsing --minutes \n\tExpected an integer but received: abc" → "--minutes: expected an integer …"
      const parsing = /^Parsing (--[\w-]+)\s+([\s\S]*)$/.exec(message)
      const text = (parsing === null ? message : `${parsing[1]}: ${parsing[2]!.charAt(0).toLowerCase()}${parsing[2]!.slice(1)}`).replace(/\s+/g, " ")
      const field = /--[\w-]+/.exec(text)?.[0]
      return { code: "InvalidFlag", message: text, problems: [{ ...(field === undefined ? {} : { field }), message: text }] }
    }
  }
}

/** Prints an error the way every command does: JSON on stdout with `--json`, else `Error: …` on stderr. */
export const printError = (error: ErrorJson, json: boolean): void => {
  if (json) process.stdout.write(`${JSON.stringify({ error }, null, 2)}\n`)
  else process.stderr.write(`Error: ${error.message}\n`)
}
