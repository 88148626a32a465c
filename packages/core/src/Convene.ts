/**
 * The Promise facade of the SDK, for integrators who do not use Effect: one object that holds
 * the open database and the dialogue, with plain async methods over the Effect workflows.
 * Failures reject with the same tagged errors the workflows fail with (`InputError`, …).
 */
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { Database, type DatabaseOptions, pgliteDirOf } from "./infra/Database.js"
import { ConveneStore, type Store } from "./Store.js"
import { decodeDialogueYaml, Dialogue } from "./domain/Dialogue.js"
import { InputError, NotFound, type Problem, WorkspaceNotFound } from "./domain/Errors.js"
import type { RegistryEntities, RegistryName } from "./domain/Registry.js"
import type { SchedulePlan } from "./domain/Schedule.js"
import { buildKits, calendarOptionsFor, type KitBuildOptions, type KitBuildResult } from "./kits/index.js"
import { type MailTransportOptions, resolveMailTransport } from "./mail/index.js"
import { addRecord, exportRegistry, importRegistryFile, type ImportSummary, listRegistry, removeRecord, showRecord } from "./registries/index.js"
import { latestPlan, planSchedule, type ScheduleFormat, siteCalendar, writeSchedule } from "./schedule/index.js"
import { type ReportOptions, type SurveyReport, surveyReport } from "./report/index.js"
import { inviteToSurvey, type SurveyMailOptions } from "./surveys/index.js"
import {
  type Actor,
  importResults,
  reopenResults,
  resultsLog,
  resultsReport,
  type ResultsReportOptions,
  resultsStatus,
  type SiteSelection,
  validateResults
} from "./results/index.js"
import { openWorkspace, type Workspace } from "./infra/Workspace.js"

/** A dialogue as written in `convene.yaml`, before decoding: what `createConvene({ dialogue })` accepts as an object. */
export type DialogueInput = typeof Dialogue.Encoded

/**
 * What {@link createConvene} opens.
 *
 * The dialogue comes from, in order:
 * 1. `dialogue`: an object shaped like `convene.yaml`, or the path of a YAML file — no
 *    workspace is looked for (do not pass `dir` with it);
 * 2. the workspace found from `dir` upward (a folder holding `convene.yaml`); a `dir` without
 *    one rejects with {@link WorkspaceNotFound};
 * 3. the workspace found from the current folder upward, when `dir` is not given; when there
 *    is none, the object works without a dialogue: the registries do, while the schedule
 *    rejects with {@link InputError} asking for one.
 *
 * The data lives in, in order: `databaseUrl` when it is a non-empty string (PostgreSQL;
 * select a schema with `?options=-c search_path=NAME`), else `pgliteDir` (an embedded PGlite
 * folder, `memory://` for a throwaway one), else the workspace's own `.convene/db`. The facade
 * reads no environment variable: pass `databaseUrl: process.env.DATABASE_URL` to honour it.
 */
export interface ConveneOptions {
  /** Where to look for `convene.yaml`, from this folder upward (default: the current folder). */
  readonly dir?: string | undefined
  /** The dialogue without a workspace: a `convene.yaml`-shaped object, or the path of such a YAML file. */
  readonly dialogue?: DialogueInput | string | undefined
  /** A PostgreSQL URL. An empty string counts as not given, so `process.env.DATABASE_URL` can be passed as is. */
  readonly databaseUrl?: string | undefined
  /** An embedded PGlite folder, or `memory://`. */
  readonly pgliteDir?: string | undefined
  /**
   * Whether to migrate the database on open. By default the embedded PGlite is migrated and a
   * PostgreSQL is not: one with pending migrations rejects with `MigrationsPending` until
   * `convene db migrate` runs (or `migrateToLatest`). `true` migrates PostgreSQL too, for an
   * application that owns its schema; `false` neither migrates nor checks.
   */
  readonly migrate?: boolean | undefined
}

/** The Promise methods of one registry; records are typed by the registry. */
export interface RegistryClient<N extends RegistryName> {
  /** The registry's name: `sites`, `fellows`, `participants` or `coalition`. */
  readonly name: N
  /**
   * Imports a CSV file, or a JSON file (name ending in `.json`: an array of objects keyed by the
   * CSV columns), all or nothing: rejects with {@link InputError} listing every bad row.
   * Rows are upserted by id, so importing the same file again changes nothing.
   */
  readonly import: (file: string, options?: { readonly onProgress?: (done: number, total: number) => void }) => Promise<ImportSummary>
  /**
   * Imports records held in memory (e.g. from an API feed) exactly as a JSON file: all or
   * nothing, upserted by id. Problems name the item as `SOURCE: [3].timezone: expected …`,
   * where SOURCE is `options.source` (default: the registry's name).
   *
   * @example
   * await convene.sites.importRecords(feed.map(toSite), { source: "partner feed" })
   */
  readonly importRecords: (
    records: ReadonlyArray<Readonly<Record<string, unknown>>>,
    options?: { readonly source?: string; readonly onProgress?: (done: number, total: number) => void }
  ) => Promise<ImportSummary>
  /** Adds one record. Rejects with {@link InputError} (bad fields, unknown references) or `Conflict` (id taken). */
  readonly add: (record: Readonly<Record<string, unknown>>) => Promise<RegistryEntities[N]>
  /** Every record ordered by id; with `where`, only those whose columns equal the values given. */
  readonly list: (where?: Readonly<Record<string, string>>) => Promise<Array<RegistryEntities[N]>>
  /** One record by id. Rejects with {@link NotFound}. */
  readonly show: (id: string) => Promise<RegistryEntities[N]>
  /** Removes one record. Rejects with `Conflict` while other records still point at it. */
  readonly remove: (id: string) => Promise<RegistryEntities[N]>
  /** The registry as CSV or JSON text; importing it again changes nothing. */
  readonly export: (format: "csv" | "json") => Promise<string>
}

/** A plan as stored, and whether the sites or the dialogue changed since it was made. */
export interface StoredPlan {
  readonly plan: SchedulePlan
  readonly stale: boolean
  /** When the plan was stored, ISO UTC: the calendars' DTSTAMP. */
  readonly computedAt?: string | undefined
}

/** The schedule of the deliberation day. Every method needs a dialogue. */
export interface ScheduleClient {
  /**
   * Plans the day for every registered site (mirror sites only with `includeMirror`) and
   * stores the plan. Rejects with {@link InputError} when there is no site to plan.
   */
  readonly plan: (options?: { readonly includeMirror?: boolean }) => Promise<{ readonly plan: SchedulePlan; readonly mirrorLeftOut: number }>
  /** The latest stored plan. Rejects with {@link NotFound} when none was made. */
  readonly latest: () => Promise<StoredPlan>
  /** One site's calendar (RFC 5545 text) from the latest plan, in the site's own zone. */
  readonly siteCalendar: (siteId: string) => Promise<string>
  /**
   * Writes the latest plan into `dir` and returns the files: `schedule.json|csv|html`, or for
   * `ics` one `ics/<site>.ics` per site plus `ics/all-sites.ics` in UTC. With `site`, only that site.
   */
  readonly write: (options: { readonly format: ScheduleFormat; readonly dir: string; readonly site?: string | undefined }) => Promise<Array<string>>
}

/** Kits need a workspace (its templates and locales): without one they reject with {@link WorkspaceNotFound}. */
export interface KitsClient {
  /** Builds the kit of one site (`site`) or of every site into `out/kits/` (or `outDir`). */
  readonly build: (options?: KitBuildOptions) => Promise<KitBuildResult>
}

/** What `surveys.invite` needs: `transport` defaults to the workspace's outbox folder (`out/outbox/`). */
export type SurveyInviteOptions = Omit<SurveyMailOptions, "transport"> & { readonly transport?: MailTransportOptions | undefined }

/** Surveys need a workspace (its instruments): without one they reject with {@link WorkspaceNotFound}. */
export interface SurveysClient {
  /** Invites every participant with an address to a wave, once each. */
  readonly invite: (options: SurveyInviteOptions) => Promise<Effect.Success<ReturnType<typeof inviteToSurvey>>>
  /** The evaluation report: paired change per question and group, with suppression of small groups. */
  readonly report: (options?: ReportOptions) => Promise<SurveyReport>
}

/**
 * The citizens' results. They need a workspace (its ballots): without one the methods reject
 * with {@link WorkspaceNotFound}. `by` names who makes a change in the results log, e.g.
 * `staff:Ana Lima` (default `staff:sdk`).
 */
export interface ResultsClient {
  /** Imports a tallies, ballots or recommendations CSV (or a KoboToolbox export), all or nothing; rejects with {@link InputError} naming FILE:LINE:COLUMN. */
  readonly import: (file: string, options?: { readonly site?: string; readonly format?: "csv" | "kobo"; readonly by?: Actor }) => Promise<Effect.Success<ReturnType<typeof importResults>>>
  /** The progress of entry: sites expected, submitted, validated, missing and overdue. */
  readonly status: (options?: { readonly by?: "site" | "country" | "region"; readonly includeMirror?: boolean }) => Promise<Effect.Success<ReturnType<typeof resultsStatus>>>
  /** Validates one site's results, or every submitted site's. */
  readonly validate: (selection: SiteSelection, options?: { readonly by?: Actor }) => Promise<Effect.Success<ReturnType<typeof validateResults>>>
  /** Moves a site's results back to draft, with a reason kept in the log. */
  readonly reopen: (site: string, reason: string, options?: { readonly by?: Actor }) => Promise<Effect.Success<ReturnType<typeof reopenResults>>>
  /** The append-only audit log, oldest first. */
  readonly log: (site?: string) => Promise<Effect.Success<ReturnType<typeof resultsLog>>>
  /** Writes the results report (HTML, CSV, JSON) and returns its files and figures. */
  readonly report: (options?: ResultsReportOptions) => Promise<Effect.Success<ReturnType<typeof resultsReport>>>
}

/** An open dialogue: the database (migrated), the dialogue, and Promise methods over the workflows. */
export interface Convene extends AsyncDisposable {
  /** The workspace, when one was opened. */
  readonly workspace: Workspace | undefined
  /** The dialogue, from the workspace or the `dialogue` option; undefined when neither gave one. */
  readonly dialogue: Dialogue | undefined
  /** Which database is open: its kind and where (a URL's password is hidden). */
  readonly database: { readonly dialect: "pglite" | "postgres"; readonly location: string }
  /** The methods of any registry by name. */
  readonly registry: <N extends RegistryName>(name: N) => RegistryClient<N>
  readonly sites: RegistryClient<"sites">
  readonly fellows: RegistryClient<"fellows">
  readonly participants: RegistryClient<"participants">
  readonly coalition: RegistryClient<"coalition">
  readonly schedule: ScheduleClient
  readonly kits: KitsClient
  readonly surveys: SurveysClient
  readonly results: ResultsClient
  /**
   * Runs any Effect workflow of the SDK on this object's database: the way out when a workflow
   * has no Promise method here.
   */
  readonly run: <A, E>(effect: Effect.Effect<A, E, Store>) => Promise<A>
  /** Closes the database. Calls after it reject; closing twice does nothing. */
  readonly close: () => Promise<void>
}

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/**
 * Decodes a dialogue given as an object (the shape of `convene.yaml`). Throws
 * {@link InputError} naming every bad field, e.g. `dialogue: deliberation_day.date: expected …`.
 *
 * @example
 * const dialogue = decodeDialogue({ id: "pilot", title: "Pilot", source_locale: "en", locales: ["en"], … }, "dialogue")
 */
export const decodeDialogue = (value: unknown, source: string): Dialogue => {
  const result = Schema.decodeUnknownResult(Dialogue)(value, { errors: "all" })
  if (result._tag === "Success") return result.success
  const problems: Array<Problem> = formatter(result.failure.issue).issues.map((issue) => ({
    file: source,
    field: (issue.path ?? []).map(String).join(".") || undefined,
    message: issue.message === "Missing key" ? "expected a value (required)" : issue.message.replace(/^Expected/, "expected")
  }))
  throw new InputError({ summary: `${source} does not describe a valid dialogue.`, problems })
}

const dialogueFrom = async (input: DialogueInput | string): Promise<Dialogue> => {
  if (typeof input !== "string") return decodeDialogue(input, "the dialogue option")
  const text = await readFile(input, "utf8").catch((cause: NodeJS.ErrnoException) => {
    throw new InputError({ summary: `Cannot read the dialogue ${input}: ${cause.code === "ENOENT" ? "no such file" : String(cause)}.`, problems: [] })
  })
  return decodeDialogueYaml(text, input)
}

/** The workspace and dialogue the options select (see {@link ConveneOptions}). */
const locate = async (options: ConveneOptions): Promise<{ readonly workspace: Workspace | undefined; readonly dialogue: Dialogue | undefined }> => {
  if (options.dialogue !== undefined) {
    if (options.dir !== undefined) {
      throw new InputError({
        summary: "Give either `dir` (a workspace holding convene.yaml) or `dialogue` (a dialogue without a workspace), not both.",
        problems: [{ field: "dir", message: "expected no dir when dialogue is given" }]
      })
    }
    return { workspace: undefined, dialogue: await dialogueFrom(options.dialogue) }
  }
  try {
    const workspace = await openWorkspace(options.dir ?? process.cwd())
    return { workspace, dialogue: workspace.dialogue }
  } catch (e) {
    if (e instanceof WorkspaceNotFound && options.dir === undefined) return { workspace: undefined, dialogue: undefined }
    throw e
  }
}

const databaseFor = (options: ConveneOptions, workspace: Workspace | undefined): DatabaseOptions => {
  if (options.databaseUrl !== undefined && options.databaseUrl !== "") return { url: options.databaseUrl }
  if (options.pgliteDir !== undefined && options.pgliteDir !== "") return { pgliteDir: options.pgliteDir === "memory://" ? options.pgliteDir : resolve(options.pgliteDir) }
  if (workspace !== undefined) return { pgliteDir: pgliteDirOf(workspace.dir) }
  throw new InputError({
    summary: "Say where the data lives: there is no workspace (convene.yaml) to keep it in.",
    problems: [{ field: "databaseUrl", message: 'expected a PostgreSQL URL, or pgliteDir: a folder or "memory://"' }]
  })
}

/**
 * Opens a dialogue for Promise-based code: finds the workspace (or takes the `dialogue` given),
 * opens the database once, migrating the embedded one (a PostgreSQL only with `migrate: true`).
 * Close it with `close()` (or `await using`).
 * Every method rejects with the SDK's tagged errors — `InputError`, `NotFound`, `Conflict`,
 * `WorkspaceNotFound`, `StoreError` — so `e instanceof InputError` and `e._tag` both work.
 *
 * @example
 * // inside a workspace (convene.yaml in the current folder or above), data in .convene/db
 * const convene = await createConvene({})
 * await convene.sites.import("sites.csv")
 * const { plan } = await convene.schedule.plan()
 * await convene.close()
 *
 * @example
 * // no workspace: the dialogue given, PostgreSQL when DATABASE_URL is set, else in memory
 * await using convene = await createConvene({
 *   dialogue: "dialogue.yaml",
 *   databaseUrl: process.env.DATABASE_URL,
 *   pgliteDir: "memory://",
 *   migrate: true // this application owns its PostgreSQL schema (else: `convene db migrate` first)
 * })
 * await convene.fellows.import("fellows.json")
 * await convene.sites.import("sites.json")
 * await convene.schedule.plan()
 * const ics = await convene.schedule.siteCalendar("sn-dakar")
 * try {
 *   await convene.sites.add({ id: "Bad Id" })
 * } catch (e) {
 *   if (e instanceof InputError) console.error(e.message) // names each bad field
 * }
 */
export const createConvene = async (options: ConveneOptions = {}): Promise<Convene> => {
  const { workspace, dialogue } = await locate(options)
  const runtime = ManagedRuntime.make(ConveneStore.layer(databaseFor(options, workspace), { migrate: options.migrate }))
  // open (and migrate) now, so that an unreachable or unmigrated database rejects here and not at first use
  const shape = await runtime.runPromise(Database.useSync((opened) => opened)).catch(async (e: unknown) => {
    await runtime.dispose()
    throw e
  })
  let closed = false

  const run = <A, E>(effect: Effect.Effect<A, E, Store>): Promise<A> =>
    closed ? Promise.reject(new Error("This convene object is closed: create a new one with createConvene().")) : runtime.runPromise(effect)

  const needDialogue = (): Dialogue => {
    if (dialogue !== undefined) return dialogue
    throw new InputError({
      summary: "The schedule needs a dialogue (its day and agenda), and none was found: open a workspace (`dir`), or pass `dialogue` to createConvene.",
      problems: [{ field: "dialogue", message: "expected a convene.yaml-shaped object or the path of a YAML file" }]
    })
  }
  const needWorkspace = (): Workspace => {
    if (workspace !== undefined) return workspace
    throw new WorkspaceNotFound({ from: resolve(options.dir ?? process.cwd()) })
  }
  /** Runs `f` so that a tagged error thrown before any Effect runs (no dialogue…) is a rejection, not a throw. */
  const attempt = async <A>(f: () => Promise<A>): Promise<A> => f()

  const clients = new Map<RegistryName, RegistryClient<RegistryName>>()
  const registry = <N extends RegistryName>(name: N): RegistryClient<N> => {
    const known = clients.get(name)
    if (known !== undefined) return known as unknown as RegistryClient<N>
    const client: RegistryClient<N> = {
      name,
      import: (file, importOptions = {}) =>
        run(importRegistryFile(name, resolve(file), { displayName: file, codebook: dialogue?.features, ...(importOptions.onProgress === undefined ? {} : { onProgress: importOptions.onProgress }) })),
      importRecords: async (records, importOptions = {}) => {
        // the file import is the one all-or-nothing path (decode, references, uniqueness): feed it
        const folder = await mkdtemp(join(tmpdir(), "convene-records-"))
        try {
          const file = join(folder, `${name}.json`)
          await writeFile(file, JSON.stringify(records))
          return await run(importRegistryFile(name, file, { displayName: importOptions.source ?? name, codebook: dialogue?.features, ...(importOptions.onProgress === undefined ? {} : { onProgress: importOptions.onProgress }) }))
        } finally {
          await rm(folder, { recursive: true, force: true })
        }
      },
      add: (record) => run(addRecord(name, { ...record }, { codebook: dialogue?.features })),
      list: (where = {}) => run(listRegistry(name, where)),
      show: (id) => run(showRecord(name, id)),
      remove: (id) => run(removeRecord(name, id)) as Promise<RegistryEntities[N]>,
      export: (format) => run(exportRegistry(name, format))
    }
    clients.set(name, client as unknown as RegistryClient<RegistryName>)
    return client
  }

  const latest = (): Promise<StoredPlan> => attempt(() => run(latestPlan(needDialogue(), undefined, workspace?.sessions)))
  // in a workspace: LOCATION, the titles in each site's language, SEQUENCE and LAST-MODIFIED (recorded)
  const calendarOf = (plan: SchedulePlan, computedAt: string | undefined) =>
    workspace === undefined ? Promise.resolve({ stamp: computedAt }) : run(calendarOptionsFor(workspace, plan, computedAt))

  const schedule: ScheduleClient = {
    plan: (planOptions = {}) => attempt(() => run(planSchedule(needDialogue(), { sessions: workspace?.sessions, ...planOptions }))),
    latest,
    siteCalendar: async (siteId) => {
      const d = needDialogue()
      const { plan, computedAt } = await latest()
      const site = plan.sites.find((s) => s.id === siteId)
      if (site === undefined) throw new NotFound({ what: "site in the latest plan", id: siteId, hint: "Plan again (schedule.plan()) after adding sites." })
      return siteCalendar(plan, site, { ...(await calendarOf(plan, computedAt)), dialogueId: d.id, title: d.title })
    },
    write: async (writeOptions) => {
      const d = needDialogue()
      const { plan, computedAt } = await latest()
      const calendar = writeOptions.format === "ics" ? await calendarOf(plan, computedAt) : undefined
      return writeSchedule({ plan, format: writeOptions.format, dir: resolve(writeOptions.dir), dialogue: d, site: writeOptions.site, calendar })
    }
  }

  const kits: KitsClient = {
    build: (buildOptions = {}) => attempt(() => run(buildKits(needWorkspace(), buildOptions)))
  }

  const surveys: SurveysClient = {
    invite: (inviteOptions) =>
      attempt(() => {
        const ws = needWorkspace()
        return run(inviteToSurvey(ws, { ...inviteOptions, transport: inviteOptions.transport ?? resolveMailTransport(ws.dir, {}) }))
      }),
    report: (reportOptions = {}) => attempt(() => run(surveyReport(needWorkspace(), reportOptions)))
  }

  const actor = (by: Actor | undefined): Actor => by ?? "staff:sdk"
  const results: ResultsClient = {
    import: (file, o = {}) => attempt(() => run(importResults({ workspace: needWorkspace(), file: resolve(file), site: o.site, format: o.format, actor: actor(o.by) }))),
    status: (o = {}) => attempt(() => run(resultsStatus(needWorkspace(), { by: o.by ?? "site", includeMirror: o.includeMirror }))),
    validate: (selection, o = {}) => attempt(() => run(validateResults(selection, actor(o.by)))),
    reopen: (site, reason, o = {}) => attempt(() => run(reopenResults(site, reason, actor(o.by)))),
    log: (site) => attempt(() => run(resultsLog(site))),
    report: (o = {}) => attempt(() => run(resultsReport(needWorkspace(), o)))
  }

  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    await runtime.dispose()
  }

  return {
    workspace,
    dialogue,
    database: { dialect: shape.dialect, location: shape.location },
    registry,
    sites: registry("sites"),
    fellows: registry("fellows"),
    participants: registry("participants"),
    coalition: registry("coalition"),
    schedule,
    kits,
    surveys,
    results,
    run,
    close,
    [Symbol.asyncDispose]: close
  }
}
