/**
 * `convene results publish`: after the embargo, the public results portal — a static site that
 * browses offline (a global page, one per region and per country in the country's languages,
 * the methods, open data) — written from the validated results and the registries. Republishing
 * unchanged input writes the same bytes. The pages are drawn by ResultsPortal.ts.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { join, resolve } from "node:path"
import type { Ballots } from "../domain/Ballot.js"
import { InputError } from "../domain/Errors.js"
import type { Participant, Site } from "../domain/Registry.js"
import { type Embargo, isReleased, releaseTime } from "../domain/Release.js"
import type { SiteQuestionTotals } from "../domain/Results.js"
import { type AnalysisSite, analyseResults, BOOTSTRAP_REPLICATES, DEFAULT_SEED, type ResultsAnalysis, type SiteRecommendation, type VoteGroupResult, type Weighting } from "../domain/ResultsAnalysis.js"
import { m49Of } from "../domain/Regions.js"
import { readText, removePath, writeFileIn } from "../infra/Files.js"
import type { Workspace } from "../infra/Workspace.js"
import { type KitRenderer, rendererFor } from "../kits/index.js"
import { listRegistry } from "../registries/index.js"
import { readBallots } from "./Ballots.js"
import { checkEmbargo } from "./EmbargoGate.js"
import { type SiteEntryCounts, ResultsRepo } from "./ResultsRepo.js"

/** What `results publish` needs. */
export interface ResultsPublishOptions {
  /** Output folder (default: the workspace's `out/portal/`, which `convene serve` serves). */
  readonly out?: string | undefined
  readonly weight?: Weighting | undefined
  readonly seed?: number | undefined
  readonly replicates?: number | undefined
}

/** A country with counted sites, the languages of its page and (when still held) until when. */
export interface PortalCountry {
  readonly code: string
  readonly region: string | null
  readonly locales: ReadonlyArray<string>
  readonly sites: number
}

/** The portal's manifest (`portal.json`): what it holds, read by `convene serve` before it serves a file. */
export interface PortalManifest {
  readonly dialogue: string
  /** When the global embargo ended. */
  readonly embargo_ends: string
  /** Countries whose results the portal holds (their sites counted). */
  readonly countries: ReadonlyArray<string>
  /** Countries released later, not in this portal yet: code → instant. */
  readonly held: Readonly<Record<string, string>>
  /** Every file written, relative to the portal's folder, `/`-separated. */
  readonly files: ReadonlyArray<string>
}

/** What the portal's pages are drawn from: the figures, the registries' counts and the texts. */
export interface PortalInput {
  readonly dialogue: { readonly id: string; readonly title: string }
  readonly sourceLocale: string
  readonly embargo: Embargo
  readonly ballots: Ballots
  /** The counted sites (validated, not mirror, not of a held country). */
  readonly sites: ReadonlyArray<AnalysisSite & { readonly locale: string; readonly region: string | null; readonly simulated: boolean }>
  readonly byCountry: ResultsAnalysis
  readonly byRegion: ResultsAnalysis
  /** The mirror dialogues on their own (validated ones), or null. */
  readonly mirror: VoteGroupResult | null
  readonly countries: ReadonlyArray<PortalCountry>
  /** Countries released later: code → instant, with how many validated sites wait. */
  readonly held: ReadonlyArray<{ readonly code: string; readonly until: string; readonly sites: number; readonly locales: ReadonlyArray<string> }>
  readonly totals: ReadonlyArray<SiteQuestionTotals>
  readonly entries: ReadonlyMap<string, SiteEntryCounts>
  readonly recommendations: ReadonlyArray<SiteRecommendation>
  /** The participants of the counted sites (only their site and profile fields are read). */
  readonly participants: ReadonlyArray<Pick<Participant, "site_id" | "gender" | "age_band" | "education" | "residence">>
  readonly renderer: KitRenderer
  readonly weight: Weighting
}

/** The portal's folder in a workspace when no `--out` is given. */
export const portalDir = (ws: Workspace): string => join(ws.dir, "out", "portal")

/**
 * Publishes the results portal into `out` (default `out/portal/`): refused before the embargo
 * ends; the validated results of every non-mirror site (mirror dialogues apart), countries with
 * a later release left out until their instant. Returns the files written and the manifest.
 *
 * @example
 * const { dir, manifest } = yield* resultsPublish(ws, { out: "portal" })
 * manifest.files // ["index.html", "countries/SN.html", …, "data/results.csv", "LICENSE.txt"]
 */
export const resultsPublish = Effect.fn("Results.publish")(function*(ws: Workspace, options: ResultsPublishOptions = {}) {
  const registered = yield* listRegistry("sites")
  const { embargo } = yield* checkEmbargo(ws, registered, { output: "publish" })
  const now = yield* Clock.currentTimeMillis
  const { ballots } = yield* readBallots(ws.dir, ws.dialogue)
  if (ballots.questions.length === 0) return yield* new InputError({ summary: "results publish: the workspace has no vote questions (ballots/*.yaml, see docs/results.md).", problems: [] })

  const known = new Map<string, Site>(registered.map((s) => [s.id, s]))
  const statuses = yield* ResultsRepo.use((repo) => repo.statuses())
  const validated = statuses.filter((s) => s.status === "validated" && known.has(s.site_id))
  const simulated = new Set(validated.filter((s) => s.simulated).map((s) => s.site_id))
  const heldSites = new Map<string, Array<Site>>()
  const counted: Array<Site> = []
  const mirror: Array<Site> = []
  for (const st of validated) {
    const site = known.get(st.site_id)!
    if (site.format === "mirror") mirror.push(site)
    else if (!isReleased(embargo, now, site.country)) heldSites.set(site.country, [...(heldSites.get(site.country) ?? []), site])
    else counted.push(site)
  }
  if (counted.length === 0) {
    return yield* new InputError({
      summary: validated.length === 0
        ? "results publish: no site has validated results, so there is nothing to publish. Validate them first (convene results validate --site ID | --all-submitted)."
        : `results publish: the only validated results are of mirror dialogues or of countries released later (${[...heldSites.keys()].join(", ")}): nothing to publish yet.`,
      problems: []
    })
  }

  const ids = [...counted, ...mirror].map((s) => s.id)
  const totals = yield* ResultsRepo.use((repo) => repo.siteTotals(ids))
  const recommendations = yield* ResultsRepo.use((repo) => repo.recommendations(counted.map((s) => s.id)))
  const entries = new Map<string, SiteEntryCounts>((yield* ResultsRepo.use((repo) => repo.entryCounts())).map((c) => [c.site_id, c]))
  const countedIds = new Set<string>(counted.map((s) => s.id))
  const participants = (yield* listRegistry("participants")).filter((p) => countedIds.has(p.site_id)).map((p) => ({ site_id: p.site_id, gender: p.gender, age_band: p.age_band, education: p.education, residence: p.residence }))

  const weight = options.weight ?? "ballots"
  const base = { questions: ballots.questions, totals, weight, seed: options.seed ?? DEFAULT_SEED, replicates: options.replicates ?? BOOTSTRAP_REPLICATES, locale: ws.dialogue.source_locale, sourceLocale: ws.dialogue.source_locale }
  const byCountry = yield* Effect.sync(() => analyseResults({ ...base, sites: counted, recommendations, by: "country" })).pipe(Effect.withSpan("Results.publish.byCountry"))
  const byRegion = yield* Effect.sync(() => analyseResults({ ...base, sites: counted, recommendations: [], by: "region" })).pipe(Effect.withSpan("Results.publish.byRegion"))
  const mirrorResult = mirror.length === 0 ? null : (yield* Effect.sync(() => analyseResults({ ...base, sites: mirror, recommendations: [], by: "none" }))).global

  const regionOf = (country: string): string | null => m49Of(country)?.region.code ?? null
  const localesOf = (sites: ReadonlyArray<Site>): Array<string> => {
    // the most common locale of the country's sites first (ties by name): it is the country page's first language
    const n = new Map<string, number>()
    for (const s of sites) n.set(s.locale, (n.get(s.locale) ?? 0) + 1)
    return [...n].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([l]) => l)
  }
  const byCountryCode = new Map<string, Array<Site>>()
  for (const s of counted) byCountryCode.set(s.country, [...(byCountryCode.get(s.country) ?? []), s])
  const countries: Array<PortalCountry> = [...byCountryCode].sort((a, b) => a[0].localeCompare(b[0])).map(([code, sites]) => ({ code, region: regionOf(code), locales: localesOf(sites), sites: sites.length }))
  const held = [...heldSites].sort((a, b) => a[0].localeCompare(b[0])).map(([code, sites]) => ({ code, until: new Date(releaseTime(embargo, code)).toISOString().replace(/\.000Z$/, "Z"), sites: sites.length, locales: localesOf(sites) }))

  const input: PortalInput = {
    dialogue: { id: ws.dialogue.id, title: ws.dialogue.title },
    sourceLocale: ws.dialogue.source_locale,
    embargo,
    ballots,
    sites: counted.map((s) => ({ id: s.id, name: s.name, country: s.country, format: s.format, locale: s.locale, region: regionOf(s.country), simulated: simulated.has(s.id) })).sort((a, b) => a.id.localeCompare(b.id)),
    byCountry,
    byRegion,
    mirror: mirrorResult,
    countries,
    held,
    totals: totals.filter((t) => countedIds.has(t.site_id)),
    entries,
    recommendations,
    participants,
    renderer: yield* rendererFor(ws),
    weight
  }
  const portal = yield* Effect.tryPromise({ try: () => import("./ResultsPortal.js"), catch: (cause) => new InputError({ summary: `The portal writer could not be loaded: ${String(cause)}`, problems: [] }) })
  const files = yield* Effect.sync(() => portal.portalFiles(input)).pipe(Effect.withSpan("Results.publish.pages"))

  const dir = resolve(options.out ?? portalDir(ws))
  // files of an earlier publication that this one no longer has (a country now absent) go
  const previous = yield* readText(join(dir, "portal.json")).pipe(Effect.map((text) => (JSON.parse(text) as PortalManifest).files), Effect.orElseSucceed(() => [] as ReadonlyArray<string>))
  const manifest: PortalManifest = {
    dialogue: ws.dialogue.id,
    embargo_ends: embargo.ends,
    countries: countries.map((c) => c.code),
    held: Object.fromEntries(held.map((h) => [h.code, h.until])),
    files: [...files.keys(), "portal.json"].sort()
  }
  const written = new Set(manifest.files)
  for (const stale of previous) if (!written.has(stale) && !stale.includes("..")) yield* removePath(join(dir, stale))
  for (const [path, content] of files) yield* writeFileIn(join(dir, path), content)
  yield* writeFileIn(join(dir, "portal.json"), `${JSON.stringify(manifest, null, 2)}\n`)
  return { dir, manifest, countries, held, sites: counted.length, mirror: mirror.length, simulatedSites: counted.filter((s) => simulated.has(s.id)).length }
})
