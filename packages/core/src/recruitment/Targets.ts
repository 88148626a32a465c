/**
 * `convene recruit targets`: census shares (`census.csv`) to the min/max targets of a panel
 * (`targets.csv`), checked against the workspace's codebook. The arithmetic is in
 * `domain/Targets.ts`.
 */
import * as Effect from "effect/Effect"
import type { Codebook } from "../domain/Codebook.js"
import { formatCsv } from "../domain/Csv.js"
import { InputError } from "../domain/Errors.js"
import { parseCensus, type Target, TARGET_COLUMNS, targetsFromCensus } from "../domain/Targets.js"
import { readText } from "../infra/Files.js"

/** What `censusTargets` computed. */
export interface CensusTargets {
  readonly census: string
  readonly size: number
  readonly tolerance: number
  readonly scopes: ReadonlyArray<string>
  readonly targets: ReadonlyArray<Target>
}

/**
 * Reads census.csv at `path` and computes the targets of a panel of `size`. Fails with
 * {@link InputError} listing every bad row at FILE:LINE:COLUMN (nothing is computed then), or on
 * a size or tolerance out of range.
 *
 * @example
 * const t = yield* censusTargets("census.csv", { size: 40, codebook: ws.dialogue.features })
 * targetsCsv(t.targets) // "scope,feature,value,min,max\nSN,gender,woman,20,21\n…"
 */
export const censusTargets = Effect.fn("Recruitment.censusTargets")(function*(
  path: string,
  options: { readonly size: number; readonly tolerance?: number | undefined; readonly codebook?: Codebook | undefined; readonly displayName?: string | undefined }
) {
  const file = options.displayName ?? path
  const tolerance = options.tolerance ?? 0
  if (!Number.isInteger(options.size) || options.size < 1 || options.size > 100_000) {
    return yield* new InputError({ summary: `--size: expected a panel size from 1 to 100000, got ${options.size}.`, problems: [] })
  }
  if (!(tolerance >= 0 && tolerance < 1)) {
    return yield* new InputError({ summary: `--tolerance: expected a share from 0 to below 1 (0.05 is five percentage points), got ${tolerance}.`, problems: [] })
  }
  const text = yield* readText(path)
  const { shares, problems } = parseCensus(text, file, options.codebook)
  if (problems.length > 0) {
    const lines = new Set(problems.map((p) => p.line))
    return yield* new InputError({ summary: `${file}: ${lines.size} bad ${lines.size === 1 ? "line" : "lines"}; no targets were computed.`, problems })
  }
  if (shares.length === 0) return yield* new InputError({ summary: `${file}: no shares: expected rows of ${"scope,feature,value,share"}.`, problems: [] })
  const targets = targetsFromCensus(shares, options.size, tolerance)
  const result: CensusTargets = { census: file, size: options.size, tolerance, scopes: [...new Set(targets.map((t) => t.scope))], targets }
  return result
})

/** Targets as targets.csv (`scope,feature,value,min,max`), the layout the draw reads. */
export const targetsCsv = (targets: ReadonlyArray<Target>): string =>
  formatCsv(TARGET_COLUMNS, targets.map((t) => [t.scope, t.feature, t.value, String(t.min), String(t.max)]))
