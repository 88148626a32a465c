// One step of the JSON contract test: a command run with --json in the contract workspace, and
// what its output must be (the command's schema in docs/json/, or the error schema).

/** What a run printed. */
export interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** One command line of the contract test, run in order in one shared workspace. */
export interface Case {
  /** The command and its arguments, without --json (the test adds it). */
  readonly args: ReadonlyArray<string>
  /** The exit statuses accepted (default: 0). */
  readonly exit?: number | ReadonlyArray<number>
  /** The output is an error: checked against error.schema.json rather than the command's. */
  readonly error?: boolean
  /** Extra environment (e.g. CONVENE_SURVEY_URL); undefined unsets a variable. */
  readonly env?: Record<string, string | undefined>
  /** Runs something first in the workspace (write a file, …). */
  readonly before?: (dir: string) => Promise<void>
  /**
   * Runs the command some other way (a server started and stopped): returns what it printed.
   * `env` selects the database the test runs on (DATABASE_URL), to be passed to the process.
   */
  readonly run?: (dir: string, args: ReadonlyArray<string>, env: Record<string, string>) => Promise<Ran>
  /** Further checks on the parsed JSON. */
  readonly check?: (json: any, dir: string) => void | Promise<void>
}
