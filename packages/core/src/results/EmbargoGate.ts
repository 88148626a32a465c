/**
 * The embargo where the results leave convene: before it ends a report is written only for
 * staff, every page and file watermarked, and the public portal not at all. "Now" is Effect's
 * Clock, so that `--as-of` (withClockAsOf) rehearses either side of the instant.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { InputError } from "../domain/Errors.js"
import type { Site } from "../domain/Registry.js"
import { type Embargo, isReleased, releaseTime } from "../domain/Release.js"
import type { Workspace } from "../infra/Workspace.js"
import { resultsEmbargo } from "./Embargo.js"

/** An output written before the embargo ends: until when, and the watermark on every page and file. */
export interface Embargoed {
  readonly until: string
  readonly watermark: string
}

const iso = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`

const hours = (minutes: number): string => (minutes % 60 === 0 ? `${minutes / 60} h` : minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`)

/** A release instant (epoch ms) as written in messages and watermarks; in words when no site's day is planned yet. */
export const releaseText = (ms: number): string => (Number.isFinite(ms) ? iso(ms) : "the last site's day is planned and over")

/** The instant the embargo (the world's, or a country's) ends, as {@link releaseText} writes it. */
export const embargoUntil = (embargo: Embargo, country?: string): string => releaseText(releaseTime(embargo, country))

/**
 * The watermark of every page and file written before a release instant, for staff: the
 * report, the toolkits.
 *
 * @example
 * watermarkUntil("2027-05-16T05:00:00Z") // "EMBARGOED until 2027-05-16T05:00:00Z — internal, do not publish"
 */
export const watermarkUntil = (until: string): string => `EMBARGOED until ${until} — internal, do not publish`

/** The watermark of an output written before the embargo (the world's, or a country's) ends. */
export const embargoWatermark = (embargo: Embargo, country?: string): string => watermarkUntil(embargoUntil(embargo, country))

/** How the embargo's end was set, in words. */
export const embargoRule = (embargo: Embargo): string =>
  embargo.rule.kind === "at"
    ? "the instant set in convene.yaml (results.release.at)"
    : embargo.rule.last_site === undefined
    ? "no site has a planned day yet"
    : `${embargo.rule.minutes === 0 ? "as soon as" : `${hours(embargo.rule.minutes)} after`} the last site's day ends: ${embargo.rule.last_site} at ${embargo.rule.last_day_ends}`

/**
 * Checks the embargo for an output: after it ends, `null` (write freely); before, an
 * {@link InputError} naming the instant and how to rehearse, unless `internal` (a report for
 * staff), which gets the watermark to put on every page and file. `publish` is never internal.
 *
 * @example
 * const embargoed = yield* checkEmbargo(ws, sites, { output: "report", internal: true })
 * embargoed?.watermark // "EMBARGOED until 2027-05-16T05:00:00Z — internal, do not publish"
 */
export const checkEmbargo = Effect.fn("Results.embargo.check")(function*(
  ws: Workspace,
  sites: ReadonlyArray<Site>,
  options: { readonly output: "report" | "publish"; readonly internal?: boolean | undefined }
) {
  const embargo = yield* resultsEmbargo(ws, sites)
  const now = yield* Clock.currentTimeMillis
  if (isReleased(embargo, now)) return { embargo, embargoed: null as Embargoed | null }
  if (options.output === "report" && options.internal === true) return { embargo, embargoed: { until: embargoUntil(embargo), watermark: embargoWatermark(embargo) } as Embargoed | null }
  const rehearse = embargo.ends === "" ? "" : ` To rehearse the day after, pass --as-of ${embargo.ends}.`
  return yield* new InputError({
    summary: options.output === "report"
      ? `The results are under embargo until ${embargoUntil(embargo)} (${embargoRule(embargo)}); it is now ${iso(now)}. Nothing may leave convene before then: staff can write an internal report with --internal, every page and file watermarked "EMBARGOED until …".${rehearse}`
      : `results publish: the results are under embargo until ${embargoUntil(embargo)} (${embargoRule(embargo)}); it is now ${iso(now)}. The public portal is written only after the embargo ends (for staff before then: results report --internal).${rehearse}`,
    problems: []
  })
})
