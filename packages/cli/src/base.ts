/**
 * The one runtime every convene command shares: the global flags (--dir, --database-url,
 * --json), the workspace and database they select, and the single error renderer.
 */
import { Command, Flags } from "@oclif/core"
import { existsSync, readFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { parseEnv } from "node:util"
import type { DatabaseOptions } from "@convene/core/infra"
import type { Store } from "@convene/core/store"
import type { Workspace } from "@convene/core/infra"
import type * as Effect from "effect/Effect"

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

interface TaggedError {
  readonly _tag: string
  readonly message: string
  readonly problems?: ReadonlyArray<unknown>
}

const isTagged = (e: unknown): e is TaggedError =>
  typeof e === "object" && e !== null && "_tag" in e && ["InputError", "NotFound", "Conflict", "WorkspaceNotFound", "StoreError", "MailTransportError"].includes(String((e as { _tag: unknown })._tag))

/** The base of every convene command. */
export abstract class ConveneCommand extends Command {
  static override enableJsonFlag = true

  /**
   * Reads the workspace's `.env` (DATABASE_URL, SMTP_URL, MAIL_FROM, CONVENE_SURVEY_URL …) before
   * the flags are parsed, so that flags with an environment default see it. A variable already
   * set in the environment wins over the file.
   */
  override async init(): Promise<void> {
    const at = this.argv.indexOf("--dir")
    let dir = resolve(at >= 0 && this.argv[at + 1] !== undefined ? this.argv[at + 1]! : process.cwd())
    for (let i = 0; i < 12; i++) {
      if (existsSync(join(dir, "convene.yaml"))) {
        const file = join(dir, ".env")
        if (existsSync(file)) {
          const values = parseEnv(readFileSync(file, "utf8"))
          for (const [k, v] of Object.entries(values)) if (process.env[k] === undefined && v !== undefined) process.env[k] = v
        }
        break
      }
      const parent = dirname(dir)
      if (parent === dir) break
      dir = parent
    }
    await super.init()
  }

  /** Locates and reads the workspace named by --dir (or the nearest one). */
  protected async workspace(dir: string | undefined): Promise<Workspace> {
    const { openWorkspace } = await import("@convene/core/infra")
    return openWorkspace(dir ?? process.cwd())
  }

  /** Where the data is for this workspace and these flags. */
  protected async databaseOptions(ws: Workspace, url: string | undefined): Promise<DatabaseOptions> {
    const { resolveDatabaseOptions } = await import("@convene/core/infra")
    return resolveDatabaseOptions(ws.dir, url)
  }

  /** Runs an Effect that needs the database, opening (and migrating) it first and closing it after. */
  protected async withDatabase<A, E>(options: DatabaseOptions, program: Effect.Effect<A, E, Store>): Promise<A> {
    const [{ ConveneStore }, Eff] = await Promise.all([import("@convene/core/store"), import("effect/Effect")])
    const exit = await Eff.runPromiseExit(program.pipe(Eff.provide(ConveneStore.layer(options))))
    if (exit._tag === "Success") return exit.value
    const { squash } = await import("effect/Cause")
    throw squash(exit.cause)
  }

  /** Prints a table of rows (text output only). */
  protected table(rows: ReadonlyArray<Record<string, unknown>>, columns: ReadonlyArray<string>): void {
    if (rows.length === 0) return
    const cells = rows.map((r) => columns.map((c) => (r[c] === undefined || r[c] === null ? "" : String(r[c]))))
    const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => [...row[i]!].length)))
    const line = (values: ReadonlyArray<string>) => values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]! + (v.length - [...v].length)))).join("  ")
    this.log(line(columns.map((c) => c.toUpperCase())))
    for (const row of cells) this.log(line(row))
  }

  protected override toErrorJson(err: unknown): unknown {
    if (isTagged(err)) {
      return { error: { code: err._tag, message: err.message, ...(err.problems === undefined ? {} : { problems: err.problems }) } }
    }
    return super.toErrorJson(err)
  }

  protected override async catch(err: Parameters<Command["catch"]>[0]): Promise<unknown> {
    if (isTagged(err)) {
      if (this.jsonEnabled()) {
        this.logJson(this.toErrorJson(err))
        this.exit(err._tag === "StoreError" ? 3 : 2)
      }
      // one clear paragraph, then the problems one per line (FILE:LINE: field: expected …),
      // unwrapped so that editors and grep can jump to them
      process.stderr.write(`Error: ${err.message}\n`)
      this.exit(err._tag === "StoreError" ? 3 : 2)
    }
    return super.catch(err)
  }
}
