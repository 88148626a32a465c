/**
 * `convene results toolkit`: the action toolkits that carry the results to decision makers —
 * per country (and, with `--all` or `--region`, per UN M49 region) a folder and a zip with a
 * brief (A4 HTML in the place's language, PDF through Chromium with `--pdf`), a slide deck
 * (PPTX) and the place's open data extract. Reads the validated results, computes the analysis
 * by country and by region once (domain/ResultsAnalysis.ts), draws the evaluation highlights
 * from the survey report (its small-group suppression kept), and respects the embargo.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { type CountedQuestion, isCounted, optionIds, voteLabel } from "../domain/Ballot.js"
import { InputError } from "../domain/Errors.js"
import type { Site } from "../domain/Registry.js"
import { englishCountryName } from "../domain/Regions.js"
import { type Embargo, releaseTime } from "../domain/Release.js"
import type { GroupResult, SurveyReport } from "../domain/Report.js"
import { analyseResults, BOOTSTRAP_REPLICATES, DEFAULT_SEED, type Figure, type ResultsAnalysis, type VoteGroupResult, type Weighting } from "../domain/ResultsAnalysis.js"
import {
  countryPlace,
  type ExtractRecommendation,
  type ExtractSite,
  findRegion,
  participantProfile,
  type ParticipantProfile,
  regionPlaceOf,
  toolkitLocaleOf,
  type ToolkitPlace
} from "../domain/Toolkit.js"
import { isCountryCode } from "../domain/Values.js"
import { fileWork, makeDir } from "../infra/Files.js"
import type { Workspace } from "../infra/Workspace.js"
import { fontsFor, type KitFile, launchChromium, printKit, rendererFor, zipKit } from "../kits/index.js"
import { listRegistry } from "../registries/index.js"
import { SUPPRESSION_THRESHOLD, surveyReport } from "../report/index.js"
import { readBallots } from "./Ballots.js"
import { resultsEmbargo } from "./Embargo.js"
import { releaseText, watermarkUntil } from "./EmbargoGate.js"
import { ResultsRepo } from "./ResultsRepo.js"

/** What `results toolkit` needs: the places (countries, regions, or all), and how to write. */
export interface ResultsToolkitOptions {
  /** Countries (ISO 3166-1 alpha-2) to write a toolkit for. */
  readonly countries?: ReadonlyArray<string> | undefined
  /** UN M49 regions, by name or code ("Africa", "002"). */
  readonly regions?: ReadonlyArray<string> | undefined
  /** Every country with validated results, and every region. */
  readonly all?: boolean | undefined
  /** Print each brief to PDF through Chromium. */
  readonly pdf?: boolean | undefined
  readonly chromium?: string | undefined
  /** Output folder (default: the workspace's `out/toolkits/`). */
  readonly out?: string | undefined
  /** Before the embargo: write for staff, every file watermarked (refused otherwise). */
  readonly internal?: boolean | undefined
  readonly weight?: Weighting | undefined
  readonly seed?: number | undefined
  readonly replicates?: number | undefined
  /** Called after each toolkit is written. */
  readonly onProgress?: ((done: number, total: number, slug: string) => void) | undefined
}

/** A toolkit written: where, in which language, from how many sites. */
export interface WrittenToolkit {
  readonly kind: ToolkitPlace["kind"]
  readonly code: string
  readonly name: string
  readonly dir: string
  readonly zip: string
  readonly locale: string
  readonly dir_text: "ltr" | "rtl"
  readonly sites: number
  readonly files: ReadonlyArray<string>
  /** The watermark, when written before the place's embargo ended (with `--internal`). */
  readonly embargoed: string | null
}

/** What `results toolkit` did. */
export interface ResultsToolkitSummary {
  readonly out: string
  readonly toolkits: ReadonlyArray<WrittenToolkit>
  /** Countries left out of `--all` because their own release time has not come (without `--internal`). */
  readonly held: ReadonlyArray<{ readonly country: string; readonly until: string }>
  readonly embargo: Embargo
}

/** A figure of the place, its region and the world, side by side. */
export interface ToolkitFigures {
  readonly place: Figure
  readonly region: Figure | null
  readonly world: Figure
}

/** One option of a question in a toolkit: the place's figure against its region's and the world's. */
export interface ToolkitOption extends ToolkitFigures {
  readonly id: string
  readonly label: string
  readonly count: number
}

/** One counted question in a toolkit, labels in the toolkit's language. */
export interface ToolkitQuestion {
  readonly id: string
  readonly type: CountedQuestion["type"]
  readonly label: string
  /** What the options' figures are: shares of voters, or (rankings) Borda points per voter. */
  readonly measure: "share" | "borda"
  readonly voters: { readonly place: number; readonly region: number | null; readonly world: number }
  readonly options: ReadonlyArray<ToolkitOption>
  /** Scales: the mean point. */
  readonly mean: ToolkitFigures | null
  readonly scale: { readonly low: number; readonly high: number } | null
}

/** The evaluation highlights of a place, from the survey report (its suppression kept). */
export type ToolkitEvaluation =
  | { readonly kind: "none" }
  | { readonly kind: "suppressed"; readonly threshold: number }
  | {
    readonly kind: "shown"
    readonly instrument: string
    readonly waves: ReadonlyArray<{ readonly wave: string; readonly answered: number; readonly registered: number; readonly rate: number | null }>
    readonly knowledge: { readonly n: number; readonly pre: number; readonly post: number; readonly change: number; readonly ci95: readonly [number, number] | null } | null
    readonly changes: ReadonlyArray<{ readonly label: string; readonly n: number; readonly pre: number; readonly post: number; readonly change: number }>
  }

/** Everything one toolkit shows, computed before anything is written. */
export interface ToolkitContent {
  readonly place: ToolkitPlace
  /** The place's name in the toolkit's language, and its region's (countries only). */
  readonly placeName: string
  readonly regionName: string | null
  readonly locale: { readonly requested: string; readonly used: string; readonly intl: string; readonly dir: "ltr" | "rtl" }
  readonly dialogue: { readonly id: string; readonly title: string; readonly date: string }
  readonly embargoed: { readonly until: string; readonly watermark: string } | null
  /** Counted sites of the place whose results were written by `results simulate`. */
  readonly simulated: number
  readonly sites: ReadonlyArray<ExtractSite>
  readonly countries: number
  readonly tookPart: { readonly sites: number; readonly tables: number; readonly present: number; readonly ballots: number }
  readonly profile: ParticipantProfile
  readonly evaluation: ToolkitEvaluation
  readonly questions: ReadonlyArray<ToolkitQuestion>
  readonly recommendations: ReadonlyArray<{ readonly question: string; readonly label: string; readonly items: ReadonlyArray<{ readonly text: string; readonly site: string; readonly table: number; readonly votes: number }> }>
  readonly weight: Weighting
  readonly replicates: number
  readonly licence: string | null
  readonly press: { readonly name: string; readonly email: string } | null
}

/** Translates the toolkit's own texts (`toolkit.*` in the catalogs), falling back to English. */
export type ToolkitText = (key: string, values?: Record<string, unknown>) => string

/** Recommendations per question shown in a brief and its deck. */
export const TOOLKIT_RECOMMENDATIONS = 5

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z")

const plural = new Intl.PluralRules("en")
const inWords = (n: number, one: string, other = `${one}s`): string => `${n} ${plural.select(n) === "one" ? one : other}`


const fail = (summary: string, problems: ReadonlyArray<{ readonly message: string }> = []) => new InputError({ summary, problems: [...problems] })

/**
 * Writes the action toolkits: for each place, `<out>/<slug>/` (brief.html with its assets,
 * brief.pdf with `pdf`, slides.pptx, data/results.csv, data/results.json,
 * data/recommendations.csv, data/README.txt) and `<out>/<slug>.zip` holding the same files
 * under `<slug>/`. The same input gives the same bytes.
 *
 * Refuses before the embargo unless `internal` (every file then watermarked "EMBARGOED until …
 * — internal, do not publish"); a country with a later release time of its own is held until
 * then (left out of `all`, refused when asked by name). A country without validated results
 * is refused, saying so.
 *
 * @example
 * const { toolkits } = yield* resultsToolkits(ws, { countries: ["SN"] })
 * toolkits[0].files // ["brief.html", "slides.pptx", "data/results.csv", …]
 */
export const resultsToolkits = Effect.fn("Results.toolkit")(function*(ws: Workspace, options: ResultsToolkitOptions) {
  const wantedCountries = [...new Set((options.countries ?? []).map((c) => c.trim().toUpperCase()))]
  const wantedRegions = options.regions ?? []
  if (options.all !== true && wantedCountries.length === 0 && wantedRegions.length === 0) {
    return yield* fail("results toolkit: name the places: --country CC, --region NAME, or --all (every country with validated results, and every region).")
  }
  for (const c of wantedCountries) if (!isCountryCode(c)) return yield* fail(`--country: expected an ISO 3166-1 alpha-2 country code such as SN, got "${c}".`)

  const { ballots } = yield* readBallots(ws.dir, ws.dialogue)
  const questions = ballots.questions.filter(isCounted)
  if (questions.length === 0) return yield* fail("The workspace has no vote questions: add them in ballots/*.yaml (docs/results.md).")

  // the counted sites: validated, registered, not mirror dialogues (as the report counts them)
  const sites = yield* listRegistry("sites")
  const known = new Map<string, Site>(sites.map((s) => [s.id, s]))
  const statuses = yield* ResultsRepo.use((repo) => repo.statuses())
  const status = new Map(statuses.map((s) => [s.site_id, s]))
  const counted = statuses.filter((s) => s.status === "validated" && known.get(s.site_id)?.format !== "mirror" && known.has(s.site_id)).map((s) => known.get(s.site_id)!)
  const countedCountries: Array<string> = [...new Set(counted.map((s) => String(s.country)))].sort()

  for (const c of wantedCountries) {
    if (countedCountries.includes(c)) continue
    const own = sites.filter((s) => s.country === c && s.format !== "mirror")
    const waiting = own.map((s) => status.get(s.id)?.status).filter((x) => x !== undefined)
    return yield* fail(
      own.length === 0
        ? `${c} has no validated results: no site of the registry is in ${c}.`
        : `${c} has no validated results: ${inWords(own.length, "site")} registered, ${waiting.length} with results entered (${waiting.filter((w) => w === "draft").length} draft, ${waiting.filter((w) => w === "submitted").length} submitted), none validated. Validate them first (convene results validate --site ID).`
    )
  }
  const regions: Array<ToolkitPlace> = []
  for (const r of wantedRegions) {
    const found = findRegion(r, countedCountries)
    if (found === undefined) return yield* fail(`--region ${r}: no country of that UN M49 region (by name, e.g. Africa, or code, e.g. 002) has validated results.`)
    if (!regions.some((x) => x.code === found.code)) regions.push(found)
  }
  if (options.all === true) {
    if (counted.length === 0) return yield* fail("No site has validated results: no toolkit to write. Validate results first (convene results validate --site ID | --all-submitted).")
    for (const c of countedCountries) {
      const r = regionPlaceOf(c)
      if (r !== undefined && !regions.some((x) => x.code === r.code)) regions.push(r)
    }
    regions.sort((a, b) => (a.code < b.code ? -1 : 1))
  }
  const countryList = options.all === true ? countedCountries : wantedCountries

  // the embargo: the world's, then each country's own later release
  const embargo = yield* resultsEmbargo(ws, sites)
  const now = yield* Clock.currentTimeMillis
  const until = (country?: string) => releaseTime(embargo, country)
  const untilText = releaseText
  const rehearse = (t: number) => (Number.isFinite(t) ? ` To rehearse the day after, pass --as-of ${iso(t)}.` : "")
  if (options.internal !== true && now < until()) {
    return yield* fail(`The results are under embargo until ${untilText(until())}; it is now ${iso(now)}. Toolkits are for the public: before then they are written only with --internal, every file watermarked "EMBARGOED until … — internal, do not publish".${rehearse(until())}`)
  }
  const held: Array<{ country: string; until: string }> = []
  const countries: Array<string> = []
  for (const c of countryList) {
    if (options.internal !== true && now < until(c)) {
      if (options.all !== true) return yield* fail(`${c}'s results are held until ${untilText(until(c))} (results.release.countries in convene.yaml); it is now ${iso(now)}. Write its toolkit then, or for staff now with --internal.${rehearse(until(c))}`)
      held.push({ country: c, until: untilText(until(c)) })
    } else countries.push(c)
  }
  const heldSet = new Set(held.map((h) => h.country))

  // the figures: by country and by region, once for every toolkit
  const countedIds = counted.map((s) => s.id)
  const totals = yield* ResultsRepo.use((repo) => repo.siteTotals(countedIds))
  const stored = yield* ResultsRepo.use((repo) => repo.recommendations(countedIds))
  const entries = new Map((yield* ResultsRepo.use((repo) => repo.entryCounts())).map((e) => [e.site_id, e]))
  const weight = options.weight ?? "ballots"
  const replicates = options.replicates ?? BOOTSTRAP_REPLICATES
  const base = { questions: ballots.questions, sites: counted, totals, recommendations: stored, weight, seed: options.seed ?? DEFAULT_SEED, replicates, locale: ws.dialogue.source_locale, sourceLocale: ws.dialogue.source_locale }
  const byCountry = yield* Effect.sync(() => analyseResults({ ...base, by: "country" })).pipe(Effect.withSpan("Results.toolkit.analysis.country"))
  const byRegion = yield* Effect.sync(() => analyseResults({ ...base, by: "region", recommendations: [] })).pipe(Effect.withSpan("Results.toolkit.analysis.region"))

  const participants = yield* listRegistry("participants")
  const renderer = yield* rendererFor(ws)
  const english = renderer.messagesFor("", "en")

  // the survey report per grouping and language, read only when a toolkit needs it
  const surveys = new Map<string, SurveyReport | null>()
  const surveyFor = (by: "country" | "region", locale: string) =>
    Effect.gen(function*() {
      const key = `${by} ${locale}`
      if (surveys.has(key)) return surveys.get(key)!
      const result = yield* Effect.result(surveyReport(ws, { by, locale }))
      if (result._tag === "Failure" && result.failure._tag === "StoreError") return yield* result.failure
      const report = result._tag === "Success" ? result.success : null
      surveys.set(key, report)
      return report
    })

  const out = resolve(options.out ?? join(ws.dir, "out", "toolkits"))
  yield* makeDir(out)
  const writer = yield* Effect.tryPromise({ try: () => import("./ResultsToolkitOutput.js"), catch: (cause) => fail(`The toolkit writer could not be loaded: ${String(cause)}`) })
  const places = [...countries.map((c) => countryPlace(c, c)), ...regions]
  const written: Array<WrittenToolkit> = []
  const printing = options.pdf === true ? yield* launchChromium(options.chromium) : undefined

  for (const place of places) {
    // a held country's sites stay out of its region's extract and lists (the region's figures pool them, as the world's do)
    const placeSites = counted.filter((s) => (place.kind === "country" ? s.country === place.code : regionPlaceOf(s.country)?.code === place.code))
    const listedSites = place.kind === "country" ? placeSites : placeSites.filter((s) => !heldSet.has(s.country))
    const requested = toolkitLocaleOf(placeSites, ws.dialogue.source_locale)
    const local = renderer.messagesFor("", requested)
    const t: ToolkitText = (key, values = {}) => (local.messages.has(`toolkit.${key}`) ? local.messages : english.messages).format(`toolkit.${key}`, values)
    const release = place.kind === "country" ? until(place.code) : until()
    const embargoed = now < release ? { until: untilText(release), watermark: watermarkUntil(untilText(release)) } : null
    const language = local.used
    const regionOf = place.kind === "country" ? regionPlaceOf(place.code) : undefined
    const names = new Intl.DisplayNames([local.lang, "en"], { type: "region", fallback: "code" })
    const evaluationReport = yield* surveyFor(place.kind, language)
    const content: ToolkitContent = {
      place: place.kind === "country" ? { ...place, name: englishCountryName(place.code) } : place,
      placeName: names.of(place.code) ?? place.name,
      regionName: regionOf === undefined ? null : names.of(regionOf.code) ?? regionOf.name,
      locale: { requested, used: local.used, intl: local.lang, dir: local.dir },
      dialogue: { id: ws.dialogue.id, title: ws.dialogue.title, date: ws.dialogue.deliberation_day.date },
      embargoed,
      simulated: placeSites.filter((s) => status.get(s.id)?.simulated === true).length,
      sites: listedSites.map((s) => ({ id: s.id, name: s.name, city: s.city, country: s.country, format: s.format })),
      countries: new Set(listedSites.map((s) => s.country)).size,
      tookPart: tookPartOf(placeSites, entries),
      profile: participantProfile(participants.filter((p) => placeSites.some((s) => s.id === p.site_id)), SUPPRESSION_THRESHOLD),
      evaluation: evaluationOf(evaluationReport, place.kind === "country" ? `country:${place.code}` : `region:m49:${place.code}`),
      questions: questionsOf(questions, byCountry, byRegion, place, language, ws.dialogue.source_locale),
      recommendations: recommendationsOf(byCountry, listedSites, ballots.questions, language, ws.dialogue.source_locale),
      weight,
      replicates,
      licence: embargo.licence ?? null,
      press: embargo.press_contact ?? null
    }
    const extract = {
      sites: content.sites,
      totals: totals.filter((x) => listedSites.some((s) => s.id === x.site_id)),
      recommendations: stored.filter((r) => listedSites.some((s) => s.id === r.site_id)) as ReadonlyArray<ExtractRecommendation>,
      questions: questions.map((q) => ({ id: q.id, options: optionIds(q) }))
    }
    const files: Array<KitFile> = yield* Effect.tryPromise({
      try: () => writer.toolkitFiles(content, extract, t, fontsFor(local.used)),
      catch: (cause) => fail(`The toolkit of ${place.name} could not be drawn: ${String(cause instanceof Error ? cause.message : cause)}`)
    })
    const dir = join(out, place.slug)
    const zip = join(out, `${place.slug}.zip`)
    yield* fileWork("write", dir, () => {
      for (const f of files) {
        const path = join(dir, f.path)
        mkdirSync(dirname(path), { recursive: true })
        writeFileSync(path, f.content)
      }
      if (printing === undefined) rmSync(join(dir, "brief.pdf"), { force: true })
    })
    if (printing !== undefined) {
      const [pdf] = yield* printKit(printing, dir, ["brief.html"])
      if (pdf !== undefined) {
        files.push({ path: "brief.pdf", content: pdf.content })
        yield* fileWork("write", dir, () => writeFileSync(join(dir, "brief.pdf"), pdf.content))
      }
    }
    const zipped = zipKit(place.slug, files)
    yield* fileWork("write", zip, () => writeFileSync(zip, zipped))
    written.push({ kind: place.kind, code: place.code, name: content.place.name, dir, zip, locale: local.used, dir_text: local.dir, sites: placeSites.length, files: files.map((f) => f.path), embargoed: embargoed?.watermark ?? null })
    options.onProgress?.(written.length, places.length, place.slug)
  }
  return { out, toolkits: written, held, embargo } satisfies ResultsToolkitSummary
}, Effect.scoped)

/** Sites, tables, people present and ballots of some sites, from their entries. */
const tookPartOf = (sites: ReadonlyArray<Site>, entries: ReadonlyMap<string, { readonly tables: number; readonly present: number; readonly ballots: number }>) => {
  let tables = 0
  let present = 0
  let ballots = 0
  for (const s of sites) {
    const e = entries.get(s.id)
    tables += e?.tables ?? 0
    present += e?.present ?? 0
    ballots += e?.ballots ?? 0
  }
  return { sites: sites.length, tables, present, ballots }
}

/** The evaluation highlights of a group of the survey report: response, knowledge, the largest paired changes. */
const evaluationOf = (report: SurveyReport | null, key: string): ToolkitEvaluation => {
  if (report === null) return { kind: "none" }
  const group: GroupResult | undefined = report.pools.find((p) => p.pool === "main")?.groups.find((g) => g.key === key)
  if (group === undefined) return { kind: "none" }
  if (group.suppressed) return { kind: "suppressed", threshold: report.suppressionThreshold }
  const waves = report.waves.map((w) => {
    const r = group.response.waves[w]
    return { wave: w, answered: r?.answered ?? 0, registered: r?.registered ?? 0, rate: r?.rate ?? null }
  })
  const k = group.knowledge
  const knowledge = k === null || "suppressed" in k ? null : { n: k.n, pre: k.meanPre, post: k.meanPost, change: k.meanChange, ci95: k.ci95 }
  const changes = group.questions
    .flatMap((q) => (q.paired !== null && "meanChange" in q.paired ? [{ label: q.label, n: q.paired.n, pre: q.paired.meanPre, post: q.paired.meanPost, change: q.paired.meanChange }] : []))
    .sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || a.label.localeCompare(b.label))
    .slice(0, 3)
  if (waves.every((w) => w.answered === 0)) return { kind: "none" }
  return { kind: "shown", instrument: report.instrument.title, waves, knowledge, changes }
}

/** The place's questions against its region and the world, labels in the toolkit's language. */
const questionsOf = (
  questions: ReadonlyArray<CountedQuestion>,
  byCountry: ResultsAnalysis,
  byRegion: ResultsAnalysis,
  place: ToolkitPlace,
  locale: string,
  sourceLocale: string
): Array<ToolkitQuestion> => {
  const group = (a: ResultsAnalysis, key: string): VoteGroupResult | undefined => a.groups.find((g) => g.key === key)
  const placeGroup = place.kind === "country" ? group(byCountry, place.code) : group(byRegion, `m49:${place.code}`)
  const regionKey = place.kind === "country" ? regionPlaceOf(place.code)?.code : undefined
  const regionGroup = regionKey === undefined ? undefined : group(byRegion, `m49:${regionKey}`)
  const label = (labels: Record<string, string>) => voteLabel(labels, locale, sourceLocale)
  return questions.map((q, qi) => {
    const world = byCountry.global.questions[qi]!
    const mine = placeGroup?.questions[qi]
    const region = regionGroup?.questions[qi]
    const ranking = q.type === "ranking"
    const fig = (o: { share: Figure; borda?: { per_voter: Figure } | undefined } | undefined): Figure => (o === undefined ? { value: null, low: null, high: null } : ranking ? o.borda!.per_voter : o.share)
    const optionLabels = q.type === "scale" ? new Map<string, string>() : new Map(q.options.map((o) => [o.id, label(o.label)]))
    return {
      id: q.id,
      type: q.type,
      label: label(q.label),
      measure: ranking ? "borda" : "share",
      voters: { place: mine?.n.voters ?? 0, region: region?.n.voters ?? null, world: world.n.voters },
      options: world.options.map((o, j) => ({
        id: o.id,
        label: optionLabels.get(o.id) ?? o.id,
        count: mine?.options[j]?.count ?? 0,
        place: fig(mine?.options[j]),
        region: region === undefined ? null : fig(region.options[j]),
        world: fig(o)
      })),
      mean: q.type === "scale" ? { place: mine?.mean ?? { value: null, low: null, high: null }, region: region?.mean ?? null, world: world.mean ?? { value: null, low: null, high: null } } : null,
      scale: q.type === "scale" ? (q.scale === "0-10" ? { low: 0, high: 10 } : { low: 1, high: 5 }) : null
    }
  })
}

/** The place's most voted recommendations per recommendations question. */
const recommendationsOf = (
  a: ResultsAnalysis,
  sites: ReadonlyArray<Site>,
  questions: ReadonlyArray<{ readonly id: string; readonly label: Record<string, string> }>,
  locale: string,
  sourceLocale: string
): ToolkitContent["recommendations"] => {
  const ids = new Set<string>(sites.map((s) => s.id))
  return a.recommendations.flatMap((r) => {
    const items = r.items.filter((i) => ids.has(i.site_id)).slice(0, TOOLKIT_RECOMMENDATIONS)
    if (items.length === 0) return []
    const q = questions.find((x) => x.id === r.question)
    return [{ question: r.question, label: q === undefined ? r.label : voteLabel(q.label, locale, sourceLocale), items: items.map((i) => ({ text: i.text, site: i.site_name, table: i.table, votes: i.votes })) }]
  })
}
