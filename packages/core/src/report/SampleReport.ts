/**
 * The representativeness of the evaluation's respondents, behind `convene report sample` and the
 * section of `survey report --census`: per participant feature, the census, the registered panel
 * and each wave's respondents, counted in SQL through {@link ReportRepo} and compared in
 * domain/Representativeness.ts.
 */
import * as Effect from "effect/Effect"
import { InputError } from "../domain/Errors.js"
import { groupOf, type ReportBy, reportWaves, SUPPRESSION_THRESHOLD } from "../domain/Report.js"
import { sampleFeatures, type SampleCounts, sampleReport, type SampleReport } from "../domain/Representativeness.js"
import type { Site } from "../domain/Registry.js"
import { type CensusShare, parseCensus } from "../domain/Targets.js"
import { displayPath, readText } from "../infra/Files.js"
import type { Workspace } from "../infra/Workspace.js"
import { listRegistry } from "../registries/index.js"
import { loadParticipantsInstrument } from "../surveys/index.js"
import { ReportRepo } from "./ReportRepo.js"

export type { SampleReport } from "../domain/Representativeness.js"

/** What the representativeness section needs. */
export interface SampleOptions {
  readonly instrument?: string | undefined
  /** `all` (default), `site`, `country`, `region`, `subregion` or `format`: the overall group and one per place. */
  readonly by?: ReportBy | undefined
  /** census.csv (`scope,feature,value,share`): without it, the section compares the respondents with the registered panel only. */
  readonly census?: string | undefined
  /** Pool the mirror dialogues with the panel sites (they are left out otherwise). */
  readonly includeMirror?: boolean | undefined
  readonly locale?: string | undefined
}

/**
 * The representativeness of the respondents of each wave of an instrument: per group and per
 * feature value, the census share (the group's most specific scope: site, country, `all`), the
 * registered panel and each wave's respondents (the control group left out), their ratio to the
 * census, the post-stratification weights, and the under-represented values flagged. Counts
 * from 1 to 4 are suppressed, with a second one where a single one would be given away.
 *
 * @example
 * const sample = yield* surveySample(ws, { census: "census.csv", by: "country" })
 * sample.groups[0].rows.filter((r) => r.under.length > 0) // the values the respondents under-represent
 */
export const surveySample = Effect.fn("SurveyReport.sample")(function*(ws: Workspace, options: SampleOptions = {}) {
  const { instrument } = yield* loadParticipantsInstrument(ws, options.instrument, "the sample report compares participants with the census.")
  const by: ReportBy = options.by ?? "all"
  if (by.startsWith("category:")) return yield* new InputError({ summary: "The representativeness section compares categories already: group it by site, country, region, subregion or format.", problems: [] })
  const locale = options.locale ?? instrument.locales[0]!
  const { waves } = reportWaves(instrument, ws.dialogue.evaluation.waves.map((w) => w.id))
  let census: Array<CensusShare> = []
  const censusFile = options.census === undefined ? null : displayPath(options.census)
  if (options.census !== undefined) {
    const parsed = parseCensus(yield* readText(options.census), censusFile!, ws.dialogue.features)
    if (parsed.problems.length > 0) return yield* new InputError({ summary: `${censusFile}: the census has problems.`, problems: parsed.problems })
    census = parsed.shares
  }
  const features = sampleFeatures(ws.dialogue.features)
  const repo = yield* ReportRepo
  const sites = new Map<string, Site>((yield* listRegistry("sites")).map((s: Site) => [s.id, s]))
  const counted = (id: string): Site | undefined => {
    const s = sites.get(id)
    return s === undefined || (s.format === "mirror" && options.includeMirror !== true) ? undefined : s
  }
  const countryNames = new Intl.DisplayNames([locale], { type: "region", fallback: "code" })
  const countryName = (c: string) => countryNames.of(c) ?? c

  interface Acc { key: string; label: string; scopes: Array<string>; registered: Map<string, Map<string, number>>; answered: Map<string, Map<string, Map<string, number>>> }
  const groups = new Map<string, Acc>()
  const accsOf = (site: Site): Array<Acc> => {
    const keys = [{ key: "all", label: "All participants", scopes: ["all"] }]
    if (by !== "all") {
      const g = groupOf(by, site, null, countryName)
      keys.push({ key: g.key, label: g.label, scopes: by === "site" ? [site.id, site.country, "all"] : by === "country" ? [site.country, "all"] : ["all"] })
    }
    return keys.map((k) => {
      let acc = groups.get(k.key)
      if (acc === undefined) groups.set(k.key, (acc = { ...k, registered: new Map(), answered: new Map() }))
      return acc
    })
  }
  const add = (m: Map<string, number>, v: string, n: number) => m.set(v, (m.get(v) ?? 0) + n)
  for (const f of features) {
    const [registered, answered] = yield* Effect.all([repo.registered(f, "panel"), repo.answered(instrument.id, f, "panel")], { concurrency: "unbounded" })
    for (const r of registered) {
      const site = counted(r.site_id)
      if (site === undefined) continue
      for (const acc of accsOf(site)) {
        if (!acc.registered.has(f)) acc.registered.set(f, new Map())
        add(acc.registered.get(f)!, r.cat ?? "", r.n)
      }
    }
    for (const r of answered) {
      const site = counted(r.site_id)
      if (site === undefined) continue
      for (const acc of accsOf(site)) {
        if (!acc.answered.has(f)) acc.answered.set(f, new Map())
        const byWave = acc.answered.get(f)!
        if (!byWave.has(r.wave)) byWave.set(r.wave, new Map())
        add(byWave.get(r.wave)!, r.cat ?? "", r.n)
      }
    }
  }
  const ordered = [...groups.values()].sort((a, b) => (a.key === "all" ? -1 : b.key === "all" ? 1 : a.label.localeCompare(b.label, locale)))
  return sampleReport({
    groups: ordered satisfies ReadonlyArray<SampleCounts>,
    census,
    censusFile,
    features,
    waves,
    codebook: ws.dialogue.features,
    locale,
    threshold: SUPPRESSION_THRESHOLD
  }) satisfies SampleReport as SampleReport
})
