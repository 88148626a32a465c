/**
 * The results day as it happens, for staff (`/live` on `convene serve`): every expected site in
 * follow-the-sun order with its state by the clock and its results status, coverage per region
 * and country, and the provisional shares of the sites that have reported. The plan is computed
 * once; each refresh reads what changed since the last (statuses, and the stored per-site counts
 * of the sites that changed), and the shares come from the report's analysis
 * (domain/ResultsAnalysis.ts).
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { Ballots } from "../domain/Ballot.js"
import type { Site } from "../domain/Registry.js"
import { countryNamer, m49Of } from "../domain/Regions.js"
import { type Embargo, releaseTime } from "../domain/Release.js"
import type { SiteQuestionTotals } from "../domain/Results.js"
import { analyseResults, DEFAULT_SEED, type VoteQuestionResult } from "../domain/ResultsAnalysis.js"
import type { Workspace } from "../infra/Workspace.js"
import { listRegistry } from "../registries/index.js"
import { planSites } from "../schedule/index.js"
import { resultsEmbargo } from "./Embargo.js"
import { ResultsRepo, type SiteResultStatus } from "./ResultsRepo.js"

/**
 * Where a site stands on the day. A site whose results are submitted or validated is in that
 * state whatever the hour; otherwise the clock decides: before its first block, during its day,
 * or after its last block with nothing submitted (a draft is entered, not reported: it shows as
 * `in_session` or `not_reported` with `draft: true`).
 */
export type LiveState = "not_started" | "in_session" | "not_reported" | "submitted" | "validated"

/** The states in the order of the day. */
export const LIVE_STATES: ReadonlyArray<LiveState> = ["not_started", "in_session", "not_reported", "submitted", "validated"]

/**
 * Bootstrap replicates of the provisional figures: none. The sites that report first are those
 * of the early time zones, not a sample of the world: an interval would claim a precision the
 * provisional shares do not have. Their coverage says how far to trust them.
 */
export const LIVE_REPLICATES = 0

/**
 * A refresh re-reads the sites changed this long before the latest change it saw: a write whose
 * transaction took its time before committing (another server on the same PostgreSQL) is not
 * missed.
 */
export const LIVE_OVERLAP_MS = 15_000

/** An expected site (not a mirror dialogue) as the live view needs it, with its planned day. */
export interface LivePlannedSite {
  readonly site_id: string
  readonly name: string
  readonly country: string
  /** Its UN M49 region (`m49:002`, "Africa"). */
  readonly region: { readonly key: string; readonly label: string }
  readonly timezone: string
  readonly format: string
  /** The start of its first block and the end of its last, as ISO instants ("" when it has no block). */
  readonly day_starts: string
  readonly day_ends: string
}

/** What does not change while the server runs: the expected sites in follow-the-sun order, the embargo. */
export interface LivePlan {
  readonly dialogue: { readonly id: string; readonly title: string; readonly source_locale: string }
  readonly sites: ReadonlyArray<LivePlannedSite>
  readonly embargo: Embargo
}

/** What one refresh reads: the clock, the statuses, the per-site counts of the reported sites. */
export interface LiveSnapshot {
  readonly now: number
  readonly statuses: ReadonlyArray<SiteResultStatus>
  readonly totals: ReadonlyArray<SiteQuestionTotals>
  /** Changes with the statuses or counts (not with the clock): what is derived from them alone can be kept. */
  readonly version: number
  /**
   * When it was read, on the write path's timeline (epoch ms of the real time, as the rows are
   * stamped): the next refresh reads the rows changed from a little before it.
   */
  readonly read_at: number
}

/** One site on the live page. */
export interface LiveSite {
  readonly site_id: string
  readonly name: string
  readonly country: string
  readonly region: string
  readonly timezone: string
  readonly day_starts: string
  readonly day_ends: string
  readonly state: LiveState
  /** Results entered and saved, not submitted. */
  readonly draft: boolean
  readonly simulated: boolean
  /** When its results last changed (ISO), null when nothing was entered. */
  readonly updated_at: string | null
}

/** The coverage of a region or country: expected sites, and how many reported and were validated. */
export interface LiveCoverageGroup {
  readonly key: string
  readonly label: string
  readonly expected: number
  readonly submitted: number
  readonly validated: number
}

/** How much of the world the provisional figures cover. */
export interface LiveCoverageWarning {
  readonly sites: number
  readonly expected_sites: number
  readonly regions: number
  readonly expected_regions: number
}

/** A question's provisional figures: the analysis's global result, with what it covers. */
export interface LiveQuestion extends VoteQuestionResult {
  readonly coverage: LiveCoverageWarning
}

/** The live picture of the results day (the `/live.json` body). */
export interface LiveResults {
  readonly as_of: string
  readonly dialogue: { readonly id: string; readonly title: string }
  readonly locale: string
  /** The embargo: `holds` while the results may not be published. */
  readonly embargo: {
    readonly ends: string
    readonly holds: boolean
    /** `EMBARGOED until <ends>` while the embargo holds, else null. */
    readonly notice: string | null
    readonly countries: Readonly<Record<string, string>>
  }
  /** Sites per state, and drafts among the unreported. */
  readonly counts: Readonly<Record<LiveState, number>> & { readonly draft: number; readonly expected: number }
  readonly coverage: {
    readonly expected: number
    readonly submitted: number
    readonly validated: number
    readonly regions: { readonly expected: number; readonly validated: number }
    readonly countries: { readonly expected: number; readonly validated: number }
    readonly by_region: ReadonlyArray<LiveCoverageGroup>
    readonly by_country: ReadonlyArray<LiveCoverageGroup>
  }
  /** Shares of the submitted and validated sites' votes (weighted by ballots), not yet final. */
  readonly provisional: {
    readonly statuses: ReadonlyArray<"submitted" | "validated">
    readonly coverage: LiveCoverageWarning
    readonly countries: number
    readonly replicates: number
    readonly questions: ReadonlyArray<LiveQuestion>
  }
  /** Every expected site, in follow-the-sun order (by the start of its day in UTC). */
  readonly sites: ReadonlyArray<LiveSite>
}

const regionOf = (country: string): { key: string; label: string } => {
  const place = m49Of(country)
  return place === undefined ? { key: "m49:none", label: "(not placed by UN M49)" } : { key: `m49:${place.region.code}`, label: place.region.name }
}

/**
 * The live view's plan: every expected site (mirror dialogues meet later and are left out) in
 * follow-the-sun order with its planned day, and the embargo.
 *
 * @example
 * const plan = yield* livePlan(ws)
 * plan.sites[0] // { site_id: "ws-apia", day_starts: "2027-05-14T19:00:00Z", … }
 */
export const livePlan = Effect.fn("Results.livePlan")(function*(ws: Workspace, registered?: ReadonlyArray<Site>) {
  const all = registered ?? (yield* listRegistry("sites"))
  const sites = all.filter((s) => s.format !== "mirror")
  const byId = new Map<string, Site>(sites.map((s) => [s.id, s]))
  const plan = planSites(ws.dialogue, sites, undefined, undefined, ws.sessions)
  const planned = plan.sites.flatMap((p): Array<LivePlannedSite> => {
    const s = byId.get(p.id)
    if (s === undefined) return []
    return [{ site_id: s.id, name: s.name, country: s.country, region: regionOf(s.country), timezone: s.timezone, format: s.format, day_starts: p.blocks[0]?.start_utc ?? "", day_ends: p.blocks.at(-1)?.end_utc ?? "" }]
  })
  const embargo = yield* resultsEmbargo(ws, all)
  return { dialogue: { id: ws.dialogue.id, title: ws.dialogue.title, source_locale: ws.dialogue.source_locale }, sites: planned, embargo } satisfies LivePlan
})

/**
 * One refresh of the live view: the clock (Effect's, so `--as-of` rehearses), the results status
 * of every site, and the stored per-site counts of the sites that reported. Given the previous
 * snapshot, only what changed since is read (a quiet minute costs two small reads).
 */
export const readLiveSnapshot = Effect.fn("Results.liveSnapshot")(function*(plan: LivePlan, previous?: LiveSnapshot) {
  const now = yield* Clock.currentTimeMillis
  const expected = new Set(plan.sites.map((s) => s.site_id))
  const isReported = (s: SiteResultStatus) => expected.has(s.site_id) && s.status !== "draft"
  // the rows are stamped with the real time by the write path (`new Date()`), not the rehearsed
  // one: the refresh reads them on that timeline, whatever `--as-of` makes of the Clock
  const readAt = Date.now()
  const since = previous === undefined ? undefined : new Date(previous.read_at - LIVE_OVERLAP_MS)
  const read = yield* ResultsRepo.use((repo) => repo.statuses(since))
  if (previous === undefined) {
    const reported = read.filter(isReported).map((s) => s.site_id)
    const totals = reported.length === 0 ? [] : yield* ResultsRepo.use((repo) => repo.siteTotals(reported))
    return { now, statuses: read, totals, version: 0, read_at: readAt } satisfies LiveSnapshot
  }
  const before = new Map(previous.statuses.map((s) => [s.site_id, s]))
  const changed = read.filter((s) => {
    const was = before.get(s.site_id)
    return was === undefined || was.status !== s.status || was.updated_at.getTime() !== s.updated_at.getTime()
  })
  if (changed.length === 0) return { ...previous, now, read_at: readAt } satisfies LiveSnapshot
  for (const s of changed) before.set(s.site_id, s)
  const ids = new Set(changed.map((s) => s.site_id))
  const reread = changed.filter(isReported).map((s) => s.site_id)
  const fresh = reread.length === 0 ? [] : yield* ResultsRepo.use((repo) => repo.siteTotals(reread))
  return {
    now,
    statuses: [...before.values()],
    totals: [...previous.totals.filter((t) => !ids.has(t.site_id)), ...fresh],
    version: previous.version + 1,
    read_at: readAt
  } satisfies LiveSnapshot
})

/** A site's state at `now` (epoch ms), from its planned day and its results status. */
export const liveStateOf = (site: Pick<LivePlannedSite, "day_starts" | "day_ends">, status: SiteResultStatus["status"] | undefined, now: number): LiveState => {
  if (status === "submitted" || status === "validated") return status
  if (site.day_starts !== "" && now < Date.parse(site.day_starts)) return "not_started"
  if (site.day_ends === "" || now < Date.parse(site.day_ends)) return "in_session"
  return "not_reported"
}

/** The provisional figures of a snapshot: they depend on its statuses and counts, not on the clock. */
export type LiveProvisional = LiveResults["provisional"]

/**
 * The provisional shares of the submitted and validated sites (weighted by ballots), each
 * question with the sites and regions it covers. The costly part of the live picture: the
 * server keeps it while the snapshot's `version` stays the same.
 */
export const liveProvisional = (plan: LivePlan, ballots: Ballots, snapshot: LiveSnapshot, options: { readonly locale: string; readonly replicates?: number | undefined }): LiveProvisional => {
  const reported = new Set(snapshot.statuses.filter((s) => s.status === "submitted" || s.status === "validated").map((s) => s.site_id))
  const counted = plan.sites.filter((p) => reported.has(p.site_id))
  const expectedRegions = new Set(plan.sites.map((p) => p.region.key)).size
  const replicates = options.replicates ?? LIVE_REPLICATES
  const analysis = analyseResults({
    questions: ballots.questions,
    sites: counted.map((p) => ({ id: p.site_id, name: p.name, country: p.country, format: p.format })),
    totals: snapshot.totals,
    recommendations: [],
    by: "none",
    weight: "ballots",
    seed: DEFAULT_SEED,
    replicates,
    locale: options.locale,
    sourceLocale: plan.dialogue.source_locale
  })
  const regionOfSite = new Map(counted.map((p) => [p.site_id, p.region.key]))
  const questions: Array<LiveQuestion> = analysis.global.questions.map((q) => {
    // the regions whose sites counted voters on this question
    const regions = new Set<string>()
    for (const t of snapshot.totals) {
      const r = regionOfSite.get(t.site_id)
      if (t.question === q.id && t.voters > 0 && r !== undefined) regions.add(r)
    }
    return { ...q, coverage: { sites: q.n.sites, expected_sites: plan.sites.length, regions: regions.size, expected_regions: expectedRegions } }
  })
  return {
    statuses: ["submitted", "validated"],
    coverage: { sites: counted.length, expected_sites: plan.sites.length, regions: new Set(counted.map((p) => p.region.key)).size, expected_regions: expectedRegions },
    countries: new Set(counted.map((p) => p.country)).size,
    replicates,
    questions
  }
}

/**
 * The live picture from the plan and one snapshot, in a locale (question, option and country
 * labels). Pure: the server computes it once per snapshot and locale, and passes the
 * provisional figures it kept when the snapshot's version did not change.
 *
 * @example
 * const live = liveResults(plan, ballots, snapshot, { locale: "fr" })
 * live.provisional.questions[0].options[0].share.value // 0.64
 */
export const liveResults = (
  plan: LivePlan,
  ballots: Ballots,
  snapshot: LiveSnapshot,
  options: { readonly locale: string; readonly replicates?: number | undefined; readonly provisional?: LiveProvisional | undefined }
): LiveResults => {
  const { now } = snapshot
  const statusOf = new Map(snapshot.statuses.map((s) => [s.site_id, s]))
  const countryName = countryNamer(options.locale)
  const sites: Array<LiveSite> = plan.sites.map((p) => {
    const st = statusOf.get(p.site_id)
    return {
      site_id: p.site_id,
      name: p.name,
      country: p.country,
      region: p.region.label,
      timezone: p.timezone,
      day_starts: p.day_starts,
      day_ends: p.day_ends,
      state: liveStateOf(p, st?.status, now),
      draft: st?.status === "draft",
      simulated: st?.simulated ?? false,
      updated_at: st === undefined ? null : st.updated_at.toISOString()
    }
  })
  const counts = { not_started: 0, in_session: 0, not_reported: 0, submitted: 0, validated: 0, draft: 0, expected: sites.length }
  for (const s of sites) {
    counts[s.state]++
    if (s.draft) counts.draft++
  }

  const group = (keyOf: (p: LivePlannedSite) => { key: string; label: string }): Array<LiveCoverageGroup> => {
    const groups = new Map<string, { key: string; label: string; expected: number; submitted: number; validated: number }>()
    plan.sites.forEach((p, i) => {
      const k = keyOf(p)
      const g = groups.get(k.key) ?? { ...k, expected: 0, submitted: 0, validated: 0 }
      groups.set(k.key, g)
      g.expected++
      if (sites[i]!.state === "submitted") g.submitted++
      if (sites[i]!.state === "validated") g.validated++
    })
    return [...groups.values()].sort((a, b) => a.label.localeCompare(b.label, options.locale))
  }
  const byRegion = group((p) => p.region)
  const byCountry = group((p) => ({ key: p.country, label: countryName(p.country) }))

  const releasedAt = releaseTime(plan.embargo)
  return {
    as_of: new Date(now).toISOString(),
    dialogue: { id: plan.dialogue.id, title: plan.dialogue.title },
    locale: options.locale,
    embargo: {
      ends: plan.embargo.ends,
      holds: now < releasedAt,
      notice: now < releasedAt ? `EMBARGOED until ${plan.embargo.ends === "" ? "the last site's day is planned" : plan.embargo.ends}` : null,
      countries: plan.embargo.countries
    },
    counts,
    coverage: {
      expected: sites.length,
      submitted: counts.submitted,
      validated: counts.validated,
      regions: { expected: byRegion.length, validated: byRegion.filter((g) => g.validated > 0).length },
      countries: { expected: byCountry.length, validated: byCountry.filter((g) => g.validated > 0).length },
      by_region: byRegion,
      by_country: byCountry
    },
    // submitted and validated sites together, every voter the same
    provisional: options.provisional ?? liveProvisional(plan, ballots, snapshot, options),
    sites
  }
}
