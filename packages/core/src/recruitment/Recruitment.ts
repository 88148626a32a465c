/**
 * Recruitment in the store (issue 16, sections 2–4): the candidate pool imported all or nothing,
 * each site's draw (leximin by default) with its reserves and its record, the answers of the
 * people drawn (the confirmed become participants, a decline is replaced by the reserve that
 * keeps the quotas), and attendance on the day.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { type Codebook, featureOf, outsideCodebook } from "../domain/Codebook.js"
import { formatCsv } from "../domain/Csv.js"
import { Conflict, InputError, isConveneError, NotFound, type Problem } from "../domain/Errors.js"
import { type Participant, ParticipantId, type Site } from "../domain/Registry.js"
import { bestReplacement, type BrokenBound, brokenBounds, drawReserves, type Person } from "../domain/Reserves.js"
import { type SiteTargets, targetsForSite } from "../domain/Targets.js"
import { readText, sha256 } from "../infra/Files.js"
import { listRegistry, newParticipantCode, showRecord } from "../registries/index.js"
import { type DistributionCompute, seededRandom, select, type SelectionMethod } from "./Draw.js"
import { defaultDrawWorkers, distributionWorkers } from "./DistributionWorkers.js"
import { drawTexts, parsePool, parseTargets, peopleCsv, selectionProblemOf } from "./DrawFiles.js"
import { type DrawMember, type DrawStatus, RecruitmentRepo, type StoredCandidate, type StoredDraw } from "./RecruitmentRepo.js"

const isParticipantId = Schema.is(ParticipantId)

/** What importing a candidate pool did. */
export interface CandidatesImport {
  readonly file: string
  readonly rows: number
  readonly inserted: number
  readonly updated: number
  readonly unchanged: number
  readonly features: ReadonlyArray<string>
  readonly sites: number
  readonly consented: number
  readonly dryRun?: true
}

/**
 * Imports a candidate pool (candidates.csv: `id,site,consent`, optionally `locale`, contact
 * columns `name,email,phone`, and one column per feature), all or nothing: every bad cell is
 * reported at FILE:LINE:COLUMN (a value outside the codebook, an unknown site, a duplicate id, an
 * id that cannot become a participant id) and nothing is written. Contact data goes to a table of
 * its own. Importing the same file again changes nothing.
 *
 * @example
 * const summary = yield* importCandidates("candidates.csv", { codebook: ws.dialogue.features })
 * // { rows: 90, inserted: 90, updated: 0, unchanged: 0, features: ["gender", "age_band", …], sites: 3, consented: 88 }
 */
export const importCandidates = Effect.fn("Recruitment.importCandidates")(function*(path: string, options: { readonly codebook?: Codebook | undefined; readonly displayName?: string | undefined; readonly dryRun?: boolean | undefined } = {}) {
  const file = options.displayName ?? path
  const text = yield* readText(path)
  const pool = parsePool(text, file, options.codebook)
  const problems: Array<Problem> = [...pool.problems]
  const header = pool.columns
  const siteColumn = header.includes("site") ? header.indexOf("site") : header.indexOf("site_id")
  if (pool.problems.length === 0 && siteColumn < 0) problems.push({ file, line: 1, field: "header", message: "expected a site column: the id of the site each candidate volunteers for" })
  const sites = new Set((yield* listRegistry("sites")).map((s) => s.id as string))
  for (const c of pool.candidates) {
    if (!isParticipantId(c.id)) problems.push({ file, line: c.line, column: header.indexOf("id") + 1, field: "id", message: `expected a lowercase id of letters, digits and dashes (it becomes the participant id), got "${c.id}"` })
    if (siteColumn >= 0 && c.site === undefined) problems.push({ file, line: c.line, column: siteColumn + 1, field: "site", message: "expected the id of a registered site" })
    else if (c.site !== undefined && !sites.has(c.site)) problems.push({ file, line: c.line, column: siteColumn + 1, field: "site", message: `expected the id of a registered site, "${c.site}" is not in the sites registry (import sites first)` })
  }
  if (problems.length > 0) {
    const lines = new Set(problems.map((p) => p.line))
    return yield* new InputError({ summary: `${file}: ${lines.size} bad row${lines.size === 1 ? "" : "s"}; nothing was imported.`, problems: problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) })
  }
  const rows = pool.candidates.map((c) => ({ id: c.id, site_id: c.site!, consent: c.consent, locale: c.locale ?? null, features: c.features, contact: c.contact }))
  const counts = yield* RecruitmentRepo.use((repo) => repo.importCandidates(rows, { dryRun: options.dryRun === true }))
  const summary: CandidatesImport = {
    file,
    rows: rows.length,
    ...counts,
    features: pool.features,
    sites: new Set(rows.map((r) => r.site_id)).size,
    consented: rows.filter((r) => r.consent).length,
    ...(options.dryRun === true ? { dryRun: true as const } : {})
  }
  return summary
})

/** The record of a site's draw: what to publish so that anyone can check it. */
export interface SiteDrawRecord {
  readonly site: string
  readonly method: SelectionMethod
  readonly seed: string
  readonly size: number
  readonly pool: { readonly sha256: string; readonly candidates: number; readonly eligible: number }
  readonly targets: { readonly file: string; readonly sha256: string; readonly scope: string; readonly from: SiteTargets["from"]; readonly share: number; readonly quotas: ReadonlyArray<{ readonly feature: string; readonly value: string; readonly min: number; readonly max: number }> }
  readonly features: ReadonlyArray<string>
  readonly panel: ReadonlyArray<string>
  /** The reserves in order of call. */
  readonly reserves: ReadonlyArray<string>
  readonly probabilities: ReadonlyArray<{ readonly id: string; readonly probability: number; readonly selected: boolean }>
}

/** A stored draw and the files to write beside it (relative name → text; see `drawTexts`). */
export interface SiteDraw {
  readonly record: SiteDrawRecord
  readonly files: Readonly<Record<string, string>>
}

const targetsHelp = (site: Site, file: string): string =>
  `Site ${site.id} has no targets in ${file}: add rows with the scope ${site.id}, ${site.country} or all — for example \`convene recruit targets --census census.csv --size ${site.capacity} --out ${file}\`.`

/**
 * Draws one site's panel from its stored pool (the candidates who consented) with the targets
 * of targets.csv that apply to it (its own, its country's — split over the country's sites by
 * capacity with `splitCountry` — or `all`), stores
 * it with `reserves` reserves and every candidate's probability, and returns the record and its
 * files. The size defaults to the site's capacity. Refused when someone of the site's earlier
 * draw has confirmed (a new draw would silently undo their place).
 *
 * @example
 * const { record } = yield* drawSite({ site: "sn-dakar", targets: "targets.csv", seed: "2027-dakar", reserves: 5 })
 * record.panel.length // the site's capacity
 */
export const drawSite = Effect.fn("Recruitment.drawSite")(function*(options: {
  readonly site: string
  readonly targets: string
  readonly seed: string
  readonly size?: number | undefined
  readonly reserves?: number | undefined
  readonly method?: SelectionMethod | undefined
  readonly codebook?: Codebook | undefined
  readonly displayName?: string | undefined
  /** A country's rows bound all its sites' panels together: split them over its sites by capacity. */
  readonly splitCountry?: boolean | undefined
  /** Where the distribution is computed, when not in this thread (see `drawSites`). */
  readonly compute?: DistributionCompute | undefined
}) {
  const targetsFile = options.displayName ?? options.targets
  const repo = yield* RecruitmentRepo
  const site: Site = yield* showRecord("sites", options.site)
  const earlier = yield* repo.draw(site.id)
  const confirmed = earlier?.members.filter((m) => m.status === "confirmed").length ?? 0
  if (confirmed > 0) return yield* new Conflict({ reason: `Site ${site.id} already has a draw with ${confirmed} confirmed ${confirmed === 1 ? "person" : "people"}; a new draw would undo their place. Record declines with \`convene recruit decline ID --replace\` instead.` })
  const targetsText = yield* readText(options.targets)
  const parsed = parseTargets(targetsText, targetsFile)
  if (parsed.problems.length > 0) return yield* new InputError({ summary: `${targetsFile}: the targets have problems; nobody was selected.`, problems: parsed.problems })
  const sameCountry = options.splitCountry === true ? (yield* listRegistry("sites", { country: site.country })).filter((s) => s.format !== "mirror" || s.id === site.id) : undefined
  const targets = targetsForSite(parsed.rows, site, sameCountry)
  if (targets === undefined) return yield* new InputError({ summary: targetsHelp(site, targetsFile), problems: [] })
  const pool = yield* repo.candidates(site.id)
  if (pool.length === 0) return yield* new InputError({ summary: `Site ${site.id} has no candidates: import its pool first (\`convene candidates import candidates.csv\`).`, problems: [] })
  const problems: Array<Problem> = []
  for (const b of targets.bounds) {
    const feature = featureOf(options.codebook, b.feature)
    if (feature !== undefined && !feature.values.some((v) => v.id === b.value)) problems.push({ file: targetsFile, line: b.line, field: "value", message: outsideCodebook(feature, b.value) })
    if (!pool.some((c) => b.feature in c.features)) problems.push({ file: targetsFile, line: b.line, field: "feature", message: `unknown feature "${b.feature}": the pool of ${site.id} has ${Object.keys(pool[0]!.features).join(", ") || "no features"}` })
  }
  if (problems.length > 0) return yield* new InputError({ summary: `${targetsFile}: targets that do not fit the pool of ${site.id}; nobody was selected.`, problems })
  const eligible = pool.filter((c) => c.consent)
  const size = options.size ?? site.capacity
  const problem = selectionProblemOf(eligible, targets.bounds, size, options.codebook)
  const selection = yield* select(problem, { seed: options.seed, method: options.method, compute: options.compute })
  const features = problem.features.map((f) => f.name)
  const chosen = new Set(selection.panel)
  const people = new Map(problem.candidates.map((c) => [c.id, c]))
  const reserves = drawReserves(
    selection.panel.map((id) => people.get(id)!),
    problem.candidates.filter((c) => !chosen.has(c.id)),
    features,
    Math.max(0, options.reserves ?? 0),
    seededRandom(`${selection.seed}/reserves`)
  )
  const record: SiteDrawRecord = {
    site: site.id,
    method: selection.method,
    seed: selection.seed,
    size,
    pool: { sha256: sha256(peopleCsv(problem)), candidates: pool.length, eligible: eligible.length },
    targets: { file: targetsFile, sha256: sha256(targetsText), scope: targets.scope, from: targets.from, share: Math.round(targets.share * 1e6) / 1e6, quotas: problem.quotas },
    features,
    panel: selection.panel,
    reserves,
    probabilities: selection.probabilities.map((p) => ({ id: p.id, probability: Math.round(p.probability * 1e6) / 1e6, selected: chosen.has(p.id) }))
  }
  const rank = new Map(reserves.map((id, i) => [id, i + 1]))
  const members: Array<DrawMember> = record.probabilities.map((p) => ({
    candidate_id: p.id,
    probability: p.probability,
    role: p.selected ? "panel" : rank.has(p.id) ? "reserve" : "pool",
    reserve_rank: rank.get(p.id) ?? null,
    status: p.selected || rank.has(p.id) ? "pending" : null,
    replaces: null
  }))
  yield* repo.saveDraw({ site_id: site.id, method: record.method, seed: record.seed, size, reserves: reserves.length, pool_sha256: record.pool.sha256, targets_sha256: record.targets.sha256, record, members })
  const files = { ...drawTexts(record, problem, targets.bounds), "reserves.csv": reserves.map((id, i) => `${i + 1},${id}`).reduce((s, l) => s + l + "\n", "rank,id\n") }
  const out: SiteDraw = { record, files }
  return out
})

/** What {@link drawSites} did: the sites drawn, and those that could not be, with why. */
export interface SitesDraw {
  readonly draws: ReadonlyArray<SiteDraw>
  readonly failures: ReadonlyArray<{ readonly site: string; readonly message: string }>
}

/**
 * Draws the panels of many sites (`recruit select --all`), `workers` at a time: each site's
 * distribution is computed in a worker thread of its own (the leximin of one site is long,
 * single-threaded solver work; the sites are independent), while reading the pool and storing the
 * draw stay here. Each site draws with the seed `SEED/<site>`, so that the panels are the same
 * whatever the number of workers. A site that cannot be drawn (no targets, quotas no panel meets)
 * is listed in `failures` and the others are drawn; any other failure stops the draw. `onDrawn`
 * hears each site as it is done. A panel is stored as soon as its site is drawn.
 *
 * @example
 * const { draws, failures } = yield* drawSites({ sites: ["sn-dakar", "eg-cairo"], targets: "targets.csv", seed: "2027", reserves: 5, workers: 2 })
 */
export const drawSites = Effect.fn("Recruitment.drawSites")(function*(options: Omit<Parameters<typeof drawSite>[0], "site" | "compute"> & {
  readonly sites: ReadonlyArray<string>
  /** How many sites to draw at once (default: one per core); 1 draws in this thread. */
  readonly workers?: number | undefined
  readonly onDrawn?: ((site: string, done: number, total: number) => void) | undefined
}) {
  const { sites, workers: asked, onDrawn, ...common } = options
  const workers = Math.max(1, Math.min(asked ?? defaultDrawWorkers(), sites.length))
  const useWorkers = workers > 1 && (common.method ?? "leximin") !== "legacy"
  let done = 0
  const drawAll = (compute: DistributionCompute | undefined) =>
    Effect.forEach(sites, (site) =>
      Effect.result(drawSite({ ...common, site, seed: `${options.seed}/${site}`, compute })).pipe(
        Effect.tap(() => Effect.sync(() => onDrawn?.(site, ++done, sites.length)))
      ), { concurrency: workers })
  const results = useWorkers
    ? yield* Effect.acquireUseRelease(Effect.sync(() => distributionWorkers(workers)), (pool) => drawAll(pool.compute), (pool) => Effect.promise(() => pool.close()))
    : yield* drawAll(undefined)
  const draws: Array<SiteDraw> = []
  const failures: Array<{ site: string; message: string }> = []
  for (const [i, result] of results.entries()) {
    if (result._tag === "Success") draws.push(result.success)
    // what stops one site is reported with it; anything else (the database gone) stops the command
    else if (isConveneError(result.failure)) failures.push({ site: sites[i]!, message: result.failure.message })
    else return yield* Effect.fail(result.failure)
  }
  return { draws, failures } satisfies SitesDraw as SitesDraw
})

/** The sites that have candidates, in id order: what `recruit select --all` draws. */
export const sitesWithCandidates = Effect.fn("Recruitment.sitesWithCandidates")(function*() {
  const sizes = yield* RecruitmentRepo.use((repo) => repo.poolSizes())
  return sizes.filter((s) => s.consented > 0).map((s) => s.site_id)
})

const memberOf = (draw: StoredDraw, id: string): DrawMember | undefined => draw.members.find((m) => m.candidate_id === id)

/**
 * The draws that hold some candidates, with every candidate of those sites (to check the
 * quotas of a replacement); fails with NotFound for an unknown candidate.
 */
const drawsOf = Effect.fn("Recruitment.drawsOf")(function*(ids: ReadonlyArray<string>) {
  const repo = yield* RecruitmentRepo
  const named = yield* repo.candidatesByIds(ids)
  const siteOf = new Map(named.map((c) => [c.id, c.site_id]))
  const draws = new Map<string, StoredDraw>()
  for (const id of ids) {
    const site = siteOf.get(id)
    if (site === undefined) return yield* new NotFound({ what: "candidate", id, hint: "`convene recruit status` lists the people drawn." })
    if (!draws.has(site)) {
      const draw = yield* repo.draw(site)
      if (draw === undefined) return yield* new Conflict({ reason: `Site ${site} has no draw yet: \`convene recruit select --site ${site}\` draws its panel.` })
      draws.set(site, draw)
    }
  }
  const candidates = new Map<string, StoredCandidate>()
  for (const site of draws.keys()) for (const c of yield* repo.candidates(site)) candidates.set(c.id, c)
  return { siteOf, draws, candidates }
})

const PARTICIPANT_COLUMNS = ["gender", "age_band", "education", "residence"] as const

/** The participant a confirmed candidate becomes: same id, the site, a code, the locale, email and the four registry features. */
const participantOf = (c: StoredCandidate, email: string | null, code: string): Participant => {
  const entity: Record<string, unknown> = { id: c.id, site_id: c.site_id, code }
  if (c.locale !== null) entity["locale"] = c.locale
  if (email !== null) entity["email"] = email
  for (const k of PARTICIPANT_COLUMNS) if (c.features[k] !== undefined && c.features[k] !== "") entity[k] = c.features[k]
  return entity as unknown as Participant
}

/** What a confirmation did. */
export interface Confirmation {
  readonly confirmed: ReadonlyArray<{ readonly id: string; readonly site: string; readonly code: string }>
  readonly already: ReadonlyArray<string>
}

/**
 * Confirms people drawn onto a panel: each becomes a participant of their site (same id, a new
 * pseudonymous code, their locale, email and registry features), all in one transaction. A
 * reserve not yet called in, or someone who declined, is refused; confirming again changes nothing.
 *
 * @example
 * const { confirmed } = yield* confirmCandidates(["c-sn-dakar-004", "c-sn-dakar-017"])
 */
export const confirmCandidates = Effect.fn("Recruitment.confirm")(function*(ids: ReadonlyArray<string>) {
  const repo = yield* RecruitmentRepo
  const { siteOf, draws, candidates } = yield* drawsOf(ids)
  const problems: Array<Problem> = []
  const bySite = new Map<string, Array<string>>()
  const already: Array<string> = []
  for (const id of [...new Set(ids)]) {
    const site = siteOf.get(id)!
    const m = memberOf(draws.get(site)!, id)
    if (m === undefined || m.role === "pool") problems.push({ field: id, message: `was not drawn for the panel of ${site}` })
    else if (m.role === "reserve") problems.push({ field: id, message: `is reserve no. ${m.reserve_rank} of ${site}, not yet called in (\`convene recruit decline ID --replace\` calls the best-fitting reserve)` })
    else if (m.status === "declined") problems.push({ field: id, message: "declined; a decline cannot be undone by confirming (draw the site again if nobody has confirmed)" })
    else if (m.status === "confirmed") already.push(id)
    else bySite.set(site, [...(bySite.get(site) ?? []), id])
  }
  if (problems.length > 0) return yield* new InputError({ summary: "Nobody was confirmed:", problems })
  const toAdd = [...bySite.values()].flat()
  const existing = new Map((yield* repo.participantsWhere("id", toAdd)).map((p) => [p.id, p]))
  for (const id of toAdd) {
    const p = existing.get(id)
    if (p !== undefined && p.site_id !== siteOf.get(id)) problems.push({ field: id, message: `is already a participant of ${p.site_id}` })
  }
  if (problems.length > 0) return yield* new Conflict({ reason: `Nobody was confirmed: ${problems.map((p) => `${p.field} ${p.message}`).join("; ")}.` })
  const contacts = yield* repo.contacts(toAdd)
  const used = new Set<string>()
  const confirmed: Array<{ id: string; site: string; code: string }> = []
  for (const [site, members] of bySite) {
    const participants = members.map((id) => {
      let code = existing.get(id)?.code
      while (code === undefined || used.has(code)) code = newParticipantCode()
      used.add(code)
      confirmed.push({ id, site, code })
      return participantOf(candidates.get(id)!, contacts.get(id)?.email ?? null, code)
    })
    yield* repo.answer(site, members.map((id) => ({ candidate_id: id, status: "confirmed" as DrawStatus })), { add: participants, remove: [] })
  }
  const out: Confirmation = { confirmed: confirmed.sort((a, b) => (a.id < b.id ? -1 : 1)), already }
  return out
})

/** What a decline did: the reserve called in (if asked), and the bounds the panel breaks with them. */
export interface Decline {
  readonly declined: string
  readonly site: string
  /** Whether a participant (confirmed earlier) was removed. */
  readonly participantRemoved: boolean
  readonly replacement: { readonly id: string; readonly broken: ReadonlyArray<BrokenBound> } | null
  /** Set when --replace was asked and no reserve was left. */
  readonly noReserveLeft?: true
}

const personOf = (c: StoredCandidate, features: ReadonlyArray<string>): Person => ({ id: c.id, features: Object.fromEntries(features.map((f) => [f, c.features[f] ?? ""])) })

/**
 * Records that someone drawn onto a panel declined. With `replace`, calls in the reserve with
 * whom the panel keeps every quota (or breaks the fewest), closest to the person who declined,
 * earliest in the list. Someone who had confirmed is removed from the participants, unless they
 * have already answered a survey (refused). One transaction.
 *
 * @example
 * const { replacement } = yield* declineCandidate("c-sn-dakar-017", { replace: true })
 * // { id: "c-sn-dakar-052", broken: [] }
 */
export const declineCandidate = Effect.fn("Recruitment.decline")(function*(id: string, options: { readonly replace?: boolean | undefined } = {}) {
  const repo = yield* RecruitmentRepo
  const { siteOf, draws, candidates } = yield* drawsOf([id])
  const site = siteOf.get(id)!
  const draw = draws.get(site)!
  const m = memberOf(draw, id)
  if (m === undefined || m.role !== "panel") return yield* new InputError({ summary: `${id} is not on the panel of ${site}${m?.role === "reserve" ? ` (reserve no. ${m.reserve_rank}, not called in)` : ""}: nothing to decline.`, problems: [] })
  if (m.status === "declined") return yield* new Conflict({ reason: `${id} has already declined.` })
  let participantRemoved = false
  if (m.status === "confirmed") {
    const answered = (yield* repo.responsesOf([id])).get(id) ?? 0
    if (answered > 0) return yield* new Conflict({ reason: `${id} confirmed and has ${answered} survey response${answered === 1 ? "" : "s"}; a decline would delete them. Remove the participant explicitly (\`convene participants remove ${id}\`) if that is what you want.` })
    participantRemoved = true
  }
  const record = draw.record as SiteDrawRecord
  const features = record.features
  let replacement: Decline["replacement"] = null
  let noReserveLeft = false
  const changes: Array<{ candidate_id: string; status: DrawStatus; role?: "panel"; replaces?: string }> = [{ candidate_id: id, status: "declined" }]
  if (options.replace === true) {
    const remaining = draw.members.filter((x) => x.role === "panel" && x.status !== "declined" && x.candidate_id !== id).map((x) => personOf(candidates.get(x.candidate_id)!, features))
    const reserves = draw.members.filter((x) => x.role === "reserve" && x.status === "pending").sort((a, b) => (a.reserve_rank ?? 0) - (b.reserve_rank ?? 0)).map((x) => personOf(candidates.get(x.candidate_id)!, features))
    const quotaProblem = { features: features.map((f) => ({ name: f, values: [...new Set(record.targets.quotas.filter((q) => q.feature === f).map((q) => q.value))] })), quotas: record.targets.quotas, size: record.size }
    const best = bestReplacement(quotaProblem, remaining, personOf(candidates.get(id)!, features), reserves)
    if (best === undefined) noReserveLeft = true
    else {
      replacement = best
      changes.push({ candidate_id: best.id, status: "pending", role: "panel", replaces: id })
    }
  }
  yield* repo.answer(site, changes, { add: [], remove: participantRemoved ? [id] : [] })
  const out: Decline = { declined: id, site, participantRemoved, replacement, ...(noReserveLeft ? { noReserveLeft: true as const } : {}) }
  return out
})

/** One site's recruitment: its draw, the answers so far, and whether the panel still meets the quotas. */
export interface SiteRecruitment {
  readonly site: string
  readonly method: string
  readonly seed: string
  readonly drawn_at: string
  readonly size: number
  readonly pending: number
  readonly confirmed: number
  readonly declined: number
  readonly reserves_left: number
  readonly reserves_called: number
  /** The quota bounds the current panel (everyone drawn or called in who has not declined) breaks. */
  readonly broken: ReadonlyArray<BrokenBound>
  readonly people: ReadonlyArray<{ readonly id: string; readonly role: string; readonly status: string; readonly reserve_rank: number | null; readonly replaces: string | null; readonly probability: number }>
}

/**
 * Where recruitment stands, per site with a draw (or one site): pending, confirmed and declined
 * panel members, reserves left and called, and the quota bounds the current panel breaks.
 */
export const recruitmentStatus = Effect.fn("Recruitment.status")(function*(siteId?: string) {
  const repo = yield* RecruitmentRepo
  const sites = siteId === undefined ? yield* repo.drawnSites() : [siteId]
  const out: Array<SiteRecruitment> = []
  for (const site of sites) {
    const draw = yield* repo.draw(site)
    if (draw === undefined) {
      if (siteId !== undefined) return yield* new NotFound({ what: "draw for site", id: site, hint: `\`convene recruit select --site ${site}\` draws its panel.` })
      continue
    }
    const record = draw.record as SiteDrawRecord
    const candidates = new Map((yield* repo.candidates(site)).map((c) => [c.id, c]))
    const panel = draw.members.filter((m) => m.role === "panel")
    const current = panel.filter((m) => m.status !== "declined").map((m) => personOf(candidates.get(m.candidate_id)!, record.features))
    const quotaProblem = { features: record.features.map((f) => ({ name: f, values: [...new Set(record.targets.quotas.filter((q) => q.feature === f).map((q) => q.value))] })), quotas: record.targets.quotas, size: record.size }
    out.push({
      site,
      method: draw.method,
      seed: draw.seed,
      drawn_at: draw.drawn_at,
      size: draw.size,
      pending: panel.filter((m) => m.status === "pending").length,
      confirmed: panel.filter((m) => m.status === "confirmed").length,
      declined: panel.filter((m) => m.status === "declined").length,
      reserves_left: draw.members.filter((m) => m.role === "reserve" && m.status === "pending").length,
      reserves_called: panel.filter((m) => m.replaces !== null).length,
      broken: brokenBounds(quotaProblem, current),
      people: draw.members.filter((m) => m.role !== "pool").map((m) => ({ id: m.candidate_id, role: m.role, status: m.status ?? "", reserve_rank: m.reserve_rank, replaces: m.replaces, probability: m.probability }))
    })
  }
  return out
})

/**
 * A stored draw as files (relative name → text), from the store as it is now: `draw.json` (the
 * record published at the draw), `probabilities.csv` (`id,probability,selected` for every
 * eligible candidate) and `answers.csv` (everyone drawn or kept in reserve: role, status, reserve
 * rank, whom they replace). Fails with NotFound when the site has no draw.
 *
 * @example
 * const files = yield* exportDraw("sn-dakar")
 * files["answers.csv"] // "id,role,status,reserve_rank,replaces,probability\nc-sn-dakar-002,panel,confirmed,,,0.314…"
 */
export const exportDraw = Effect.fn("Recruitment.exportDraw")(function*(siteId: string) {
  const draw = yield* RecruitmentRepo.use((repo) => repo.draw(siteId))
  if (draw === undefined) return yield* new NotFound({ what: "draw for site", id: siteId, hint: `\`convene recruit select --site ${siteId}\` draws its panel.` })
  const record = draw.record as SiteDrawRecord
  const files: Record<string, string> = {
    "draw.json": JSON.stringify(record, null, 2) + "\n",
    "probabilities.csv": formatCsv(["id", "probability", "selected"], record.probabilities.map((p) => [p.id, p.probability.toFixed(6), p.selected ? "yes" : "no"])),
    "answers.csv": formatCsv(
      ["id", "role", "status", "reserve_rank", "replaces", "probability"],
      draw.members.filter((m) => m.role !== "pool").map((m) => [m.candidate_id, m.role, m.status ?? "", m.reserve_rank === null ? "" : String(m.reserve_rank), m.replaces ?? "", m.probability.toFixed(6)])
    )
  }
  return files
})
