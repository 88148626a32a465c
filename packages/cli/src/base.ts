/**
 * The one runtime every convene command shares: the global flags (--dir, --database-url,
 * --json), the workspace and store they select, and the single error renderer.
 */
import { Command, Flags, type Interfaces } from "@oclif/core"
import { existsSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { parseEnv } from "node:util"
import type { Workspace } from "@convene/core/infra"
import { buildId } from "./Build.js"
import type { Store } from "@convene/core/store"
import type * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"

/** Today's date in the machine's own zone, `YYYY-MM-DD`. */
export const today = (): string => new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date())

/** The flags of every command that works inside a workspace. */
export const workspaceFlags = {
  dir: Flags.string({
    summary: "The dialogue workspace (default: the nearest folder upward holding convene.yaml).",
    helpGroup: "GLOBAL"
  }),
  "database-url": Flags.string({
    summary: "PostgreSQL URL (default: DATABASE_URL, else the embedded database in .convene/).",
    env: "DATABASE_URL",
    helpGroup: "GLOBAL"
  })
}

/** The values of {@link workspaceFlags} as parsed. */
export interface WorkspaceFlagValues {
  readonly dir?: string | undefined
  readonly "database-url"?: string | undefined
}

/** The value of `--dir PATH` or `--dir=PATH` in raw arguments (the last one wins, as oclif's). */
const dirArgument = (argv: ReadonlyArray<string>): string | undefined => {
  let dir: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === "--") break
    if (arg === "--dir" && argv[i + 1] !== undefined) dir = argv[++i]
    else if (arg.startsWith("--dir=")) dir = arg.slice("--dir=".length)
  }
  return dir
}

/** The base of every convene command. */
/**
 * Says on stderr, about once a second, why a command is waiting: the workspace's embedded
 * database is in use by another convene process (who, since when, how long before giving up).
 */
export const reportLockWait = (wait: { readonly holder: { readonly pid: number; readonly host?: string | undefined; readonly since?: string | undefined }; readonly waitedMs: number; readonly timeoutMs: number }): void => {
  const h = wait.holder
  const left = Math.max(0, Math.ceil((wait.timeoutMs - wait.waitedMs) / 1000))
  process.stderr.write(`Waiting for the workspace lock held by PID ${h.pid}${h.host === undefined ? "" : ` on ${h.host}`}${h.since === undefined ? "" : ` since ${h.since}`} (another convene command using the embedded database); giving up in ${left} s…\n`)
}

export abstract class ConveneCommand extends Command {
  static override enableJsonFlag = true

  /**
   * Loads the schema of this command's `--json` output (see json/contract.ts): its Type is what `run()`
   * returns, its Encoded side the JSON printed (snake_case keys). Loaded only with --json.
   * docs/json/ holds the JSON Schema made from it.
   */
  static output?: () => Promise<Schema.Top>

  /** The encoder of {@link output}, ready once init() has seen --json. */
  private encodeOutput?: (value: unknown) => unknown

  /** Loads the output schema when the command runs with --json (see {@link output}). */
  private async loadOutput(): Promise<void> {
    const load = (this.constructor as typeof ConveneCommand).output
    if (load === undefined || !this.jsonEnabled()) return
    const [schema, S] = await Promise.all([load(), import("effect/Schema")])
    this.encodeOutput = S.encodeUnknownSync(schema as Schema.Codec<unknown, unknown>)
  }

  /**
   * The JSON printed for a result: the result encoded through the command's output schema.
   * A result that does not fit its schema is convene's own bug: it is reported as such (exit 1)
   * rather than printed in a shape the documentation does not promise.
   */
  protected override toSuccessJson(result: unknown): unknown {
    if (this.encodeOutput === undefined) return result
    try {
      return this.encodeOutput(result)
    } catch (e) {
      process.exitCode = 1
      return { error: { code: "OutputContract", message: `convene's JSON output for \`${this.id?.replaceAll(":", " ")}\` does not fit its documented schema (a bug: please report it). ${String((e as Error).message ?? e)}`, problems: [] } }
    }
  }

  /**
   * Prints the JSON of a result or an error: the text oclif prints (two-space indented), written
   * at once. oclif's own `logJson` tokenizes the whole text to colour it, with a regular
   * expression per token (20 ms for a 133-site list, growing with the output); it is kept only
   * where a user's theme gives JSON colours.
   */
  override logJson(json: unknown): void {
    if (this.config.theme?.json !== undefined) return super.logJson(json)
    process.stdout.write(`${JSON.stringify(json, null, 2) ?? ""}\n`)
  }

  /**
   * Reads the workspace's `.env` (DATABASE_URL, SMTP_URL, MAIL_FROM, CONVENE_SURVEY_URL …) before
   * the flags are parsed, so that flags with an environment default see it. A variable already
   * set in the environment wins over the file. The workspace is found as every command finds it
   * (--dir, else the nearest folder upward holding convene.yaml); without one there is no file.
   */
  override async init(): Promise<void> {
    await this.loadOutput()
    // a command without --dir (init, schedule slot) works outside workspaces: loading core's
    // workspace lookup for it would only slow it down
    if (!("dir" in ((this.constructor as typeof ConveneCommand).flags ?? {}))) return super.init()
    const { findWorkspaceDir } = await import("@convene/core/infra")
    let dir: string | undefined
    try {
      dir = findWorkspaceDir(resolve(dirArgument(this.argv) ?? process.cwd()))
    } catch {
      // no workspace: the command reports it when it needs one
    }
    const file = dir === undefined ? undefined : join(dir, ".env")
    if (file !== undefined && existsSync(file)) {
      const values = parseEnv(readFileSync(file, "utf8"))
      for (const [k, v] of Object.entries(values)) if (process.env[k] === undefined && v !== undefined) process.env[k] = v
    }
    await super.init()
  }

  /**
   * Locates and reads the workspace named by --dir (or the nearest one), for commands without a
   * database; what it decodes is cached in `.convene/` for this build (infra/WorkspaceCache.ts).
   */
  protected async workspace(dir: string | undefined): Promise<Workspace> {
    const { openWorkspace } = await import("@convene/core/infra")
    return openWorkspace(dir ?? process.cwd(), { cacheBuild: buildId() })
  }

  /**
   * Opens the workspace named by the flags (--dir, or the nearest one) and its store (the
   * database of --database-url, DATABASE_URL or the workspace's embedded one; the embedded one is
   * migrated on open, a PostgreSQL with pending migrations refused until `convene db migrate`),
   * runs the Effect `program` makes of the workspace, and closes the store. A failure is thrown
   * as the error itself, for {@link catch} to render.
   *
   * @example
   * const sites = await this.runInWorkspace(flags, async (ws) => (await import("@convene/core/registries")).listRegistry("sites"))
   */
  protected async runInWorkspace<A, E>(
    flags: WorkspaceFlagValues,
    program: (ws: Workspace) => Effect.Effect<A, E, Store> | Promise<Effect.Effect<A, E, Store>>
  ): Promise<A> {
    const ws = await this.workspace(flags.dir)
    const [{ resolveDatabaseOptions }, { ConveneStore }, Eff, { squash }] = await Promise.all([
      import("@convene/core/infra"),
      import("@convene/core/store"),
      import("effect/Effect"),
      import("effect/Cause")
    ])
    const effect = await program(ws)
    const exit = await Eff.runPromiseExit(effect.pipe(Eff.provide(ConveneStore.layer(resolveDatabaseOptions(ws.dir, flags["database-url"], { onLockWait: reportLockWait })))))
    if (exit._tag === "Success") return exit.value
    throw squash(exit.cause)
  }

  /**
   * Runs an Effect that needs no store (files, pure work); a failure is thrown as the error
   * itself, for {@link catch} to render, as {@link runInWorkspace} does.
   */
  protected async runEffect<A, E>(effect: Effect.Effect<A, E, never>): Promise<A> {
    const [Eff, { squash }] = await Promise.all([import("effect/Effect"), import("effect/Cause")])
    const exit = await Eff.runPromiseExit(effect)
    if (exit._tag === "Success") return exit.value
    throw squash(exit.cause)
  }

  /** Prints a table of rows (text output only). */
  protected table(rows: ReadonlyArray<Record<string, unknown>>, columns: ReadonlyArray<string>): void {
    if (rows.length === 0 || this.jsonEnabled()) return
    const cells = rows.map((r) => columns.map((c) => (r[c] === undefined || r[c] === null ? "" : String(r[c]))))
    const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => [...row[i]!].length)))
    const line = (values: ReadonlyArray<string>) => values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]! + (v.length - [...v].length)))).join("  ")
    this.log(line(columns.map((c) => c.toUpperCase())))
    for (const row of cells) this.log(line(row))
  }

  /**
   * Renders every error one way (see errors.ts): convene's own errors with their exit status,
   * oclif's parse errors (missing argument, unknown flag, bad value) as input errors (2), and
   * anything else as an unexpected failure (1). With --json the error is
   * `{"error":{"code","message","problems"}}` on stdout, never oclif's parse object.
   */
  protected override async catch(err: Parameters<Command["catch"]>[0]): Promise<unknown> {
    const e = err as Error & { code?: unknown; oclif?: { exit?: number } }
    // this.exit(n) inside a command: nothing to print
    if (e.code === "EEXIT") throw err
    const [{ isConveneError }, { ExitCode, parseErrorJson, printError }] = await Promise.all([import("@convene/core/domain/Errors"), import("./errors.js")])
    const json = this.jsonEnabled()
    if (isConveneError(err)) {
      // one clear paragraph, then the problems one per line (FILE:LINE: field: expected …),
      // unwrapped so that editors and grep can jump to them
      printError(err.toErrorJson(), json)
      this.exit(err.exitCode)
    }
    if (this.parseFailed) {
      printError(parseErrorJson(err), json)
      if (!json) process.stderr.write(`See \`${this.config.bin} ${this.id?.replaceAll(":", " ") ?? ""} --help\`.\n`)
      this.exit(ExitCode.input)
    }
    if (json) {
      printError({ code: "UnexpectedError", message: err.message }, true)
      this.exit(e.oclif?.exit ?? ExitCode.partial)
    }
    return super.catch(err)
  }

  /** Whether the error being caught came from parsing the arguments and flags. */
  private parseFailed = false

  /** Parses as oclif does, remembering a failure so that {@link catch} reports it as bad input. */
  protected override async parse<F extends Record<string, any>, B extends Record<string, any>, A extends Record<string, any>>(
    options?: Interfaces.Input<F, B, A>,
    argv?: Array<string>
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    try {
      return await super.parse(options, argv)
    } catch (err) {
      this.parseFailed = true
      throw err
    }
  }
}
