/**
 * Runs the form server (survey forms and results forms) on a port until SIGINT or SIGTERM, on
 * the workspace's database.
 * Several instances can serve one PostgreSQL database behind a load balancer: they share
 * nothing but the database (rate limits are per instance).
 */
import type { serve } from "@hono/node-server"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { AddressInfo } from "node:net"
import type { Instrument } from "../domain/Instrument.js"
import type { Site } from "../domain/Registry.js"
import type { Workspace } from "../infra/Workspace.js"
import { rendererFor, templatesFor } from "../kits/index.js"
import { listRegistry } from "../registries/index.js"
import { InputError } from "../domain/Errors.js"
import { ballotsWithSessions, livePlan, portalDir, readBallots, type ResultsRepo, resultsEmbargo, resultsLinkKey } from "../results/index.js"
import { readInstruments, type SurveyRepo, surveyTokenKey } from "../surveys/index.js"
import { resolveMailTransport } from "../mail/index.js"
import { type MirrorServices } from "../mirrors/index.js"
import { staffTokenProblem } from "./LiveView.js"
import { surveyApp, type SurveyServerContext, type SurveyServerOptions } from "./SurveyServer.js"

/** Where to listen, and how the server behaves. */
export interface ServeOptions extends SurveyServerOptions {
  readonly port: number
  readonly host?: string | undefined
  /** The folder of the published results portal (default: the workspace's `out/portal/`), served at `/portal/` after the embargo. */
  readonly portalDir?: string | undefined
  /** Called once the server listens, with its address. */
  readonly onListening?: ((address: { readonly host: string; readonly port: number }) => void) | undefined
  /** Stop when this resolves instead of on SIGINT/SIGTERM (tests). */
  readonly until?: Promise<void> | undefined
}

/**
 * What the form server reads at start: instruments, ballots, sites, templates, catalogs, the
 * survey and results keys; with `live`, the plan of the day and the embargo for the staff's
 * live view; and the repositories it was given, kept to run each request's lookup and store.
 */
export const surveyServerContext = Effect.fn("SurveyServe.context")(function*(ws: Workspace, options: { readonly live?: boolean | undefined; readonly portalDir?: string | undefined } = {}) {
  const loaded = yield* readInstruments(ws.dir)
  const renderer = yield* rendererFor(ws)
  const key = yield* surveyTokenKey()
  const { ballots } = yield* readBallots(ws.dir, ws.dialogue)
  const registered = yield* listRegistry("sites")
  const sites = new Map<string, Site>(registered.map((s: Site) => [s.id, s]))
  const resultsKey = yield* resultsLinkKey()
  const services = yield* Effect.context<SurveyRepo | ResultsRepo>()
  const instruments = new Map<string, Instrument>(loaded.map((l) => [l.instrument.id, l.instrument]))
  // the mirror registration's workflows (register, confirm, approve) with every repository they use
  const mirrorServices = yield* Effect.context<MirrorServices>()
  const transport = yield* Effect.try({ try: () => resolveMailTransport(ws.dir), catch: (e) => (e instanceof InputError ? e : new InputError({ summary: String(e), problems: [] })) })
  const run = <A, E, R extends SurveyRepo | ResultsRepo>(effect: Effect.Effect<A, E, R>): Promise<A> => Effect.runPromise(Effect.provideContext(effect as Effect.Effect<A, E, SurveyRepo | ResultsRepo>, services))
  return {
    run,
    dialogue: ws.dialogue,
    renderer,
    instruments,
    key,
    css: templatesFor(renderer.sources, undefined).get("survey/survey.css")?.text ?? "",
    // the results form takes each site's national questions too; the live view counts the global ones
    mirror: { ws, key, transport, run: <A, E>(effect: Effect.Effect<A, E, MirrorServices>): Promise<A> => Effect.runPromise(Effect.provideContext(effect, mirrorServices)) },
    results: { run, ballots: yield* ballotsWithSessions(ws, ballots, registered), sites, key: resultsKey },
    live: options.live === true ? { run, ballots, plan: yield* livePlan(ws, registered) } : undefined,
    portal: { dir: options.portalDir ?? portalDir(ws), embargo: yield* resultsEmbargo(ws, registered), renderer, dialogue: ws.dialogue }
  } satisfies SurveyServerContext
})

/**
 * Serves `/s/<token>` and `/results/<token>` (and, with a staff token, `/live` and `/live.json`)
 * until stopped. Returns when the server has closed. A staff token shorter than 24 characters
 * fails with an {@link InputError} before anything listens.
 *
 * @example
 * yield* serveSurveys(ws, { port: 8080, log: console.log })
 */
export const serveSurveys = (ws: Workspace, options: ServeOptions) =>
  Effect.scoped(
    Effect.gen(function*() {
      // a short staff token is refused before anything is served
      const problem = options.staffToken === undefined ? undefined : staffTokenProblem(options.staffToken)
      if (problem !== undefined) return yield* new InputError({ summary: `The live view cannot start: ${problem}.`, problems: [] })
      const context = yield* surveyServerContext(ws, { live: options.staffToken !== undefined, portalDir: options.portalDir })
      // the wave windows are checked on Effect's clock: `withClockAsOf` (survey serve --as-of) rehearses a later day
      const clock = yield* Clock.Clock
      const app = surveyApp(context, { now: () => new Date(clock.currentTimeMillisUnsafe()), ...options })
      // the HTTP server (with node:http and its dependencies) loads only when a server starts
      const { serve: listen } = yield* Effect.promise(() => import("@hono/node-server"))
      const server = yield* Effect.acquireRelease(
        Effect.callback<ReturnType<typeof serve>>((resume) => {
          const s = listen({ fetch: app.fetch, port: options.port, hostname: options.host ?? "127.0.0.1" }, (info: AddressInfo) => {
            options.onListening?.({ host: info.address, port: info.port })
            resume(Effect.succeed(s))
          })
        }),
        (s) => Effect.callback<void>((resume) => {
          s.close(() => resume(Effect.void))
          // idle keep-alive connections would hold close() open
          ;(s as unknown as { closeAllConnections?: () => void }).closeAllConnections?.()
        })
      )
      void server
      yield* Effect.callback<void>((resume) => {
        if (options.until !== undefined) {
          void options.until.then(() => resume(Effect.void))
          return
        }
        const stop = () => resume(Effect.void)
        process.once("SIGINT", stop)
        process.once("SIGTERM", stop)
        return Effect.sync(() => {
          process.off("SIGINT", stop)
          process.off("SIGTERM", stop)
        })
      })
    })
  )
