/**
 * `convene recruit select`: a draw from files — the candidate pool (`candidates.csv`) and the
 * targets (`targets.csv`, as `recruit targets` writes them) — with a seed, and a record of it
 * (method, seed, the inputs' SHA-256, every candidate's probability, the panel) that anyone can
 * check later: the same files and seed give the same panel.
 */
import * as Effect from "effect/Effect"
import type { Codebook } from "../domain/Codebook.js"
import { featureOf, outsideCodebook } from "../domain/Codebook.js"
import { formatCsv, parseCsv } from "../domain/Csv.js"
import { InputError, type Problem } from "../domain/Errors.js"
import type { Candidate, Feature, Quota, SelectionProblem } from "../domain/Quotas.js"
import { TARGET_COLUMNS, type TargetBound } from "../domain/Targets.js"
import { readText, sha256 } from "../infra/Files.js"
import { select, type Selection, type SelectionMethod } from "./Draw.js"

/** Columns of the pool that are never features: identity, place, contact data and consent. */
const NOT_FEATURES = new Set(["id", "site", "site_id", "name", "email", "phone", "address", "consent", "locale"])
const YES = new Set(["yes", "y", "true", "1", "oui", "sí", "si"])

/** One candidate of the pool file. */
export interface PoolCandidate {
  readonly line: number
  readonly id: string
  readonly site: string | undefined
  readonly consent: boolean
  /** The `locale` column, when the pool has one and the cell is filled. */
  readonly locale?: string | undefined
  readonly features: Readonly<Record<string, string>>
  /** Name, email and phone, when the pool has those columns (never used by a draw). */
  readonly contact: { readonly name: string | null; readonly email: string | null; readonly phone: string | null }
}

/**
 * Reads candidates.csv: an `id` column, optionally `site` (or `site_id`) and `consent`
 * (yes/no; without the column everyone has consented), and one column per feature. Contact
 * columns (name, email, phone, address) may be present; they are never read. Values of a feature
 * the codebook declares must be its own, at FILE:LINE:COLUMN.
 */
export const parsePool = (text: string, file: string, codebook?: Codebook): { readonly candidates: Array<PoolCandidate>; readonly features: Array<string>; readonly columns: Array<string>; readonly problems: Array<Problem> } => {
  const parsed = parseCsv(text)
  const problems: Array<Problem> = parsed.problems.map((p) => ({ file, line: p.line, column: p.column, message: p.message }))
  const [header, ...body] = parsed.records
  if (header === undefined || !header.fields.map((f) => f.trim()).includes("id")) {
    return { candidates: [], features: [], columns: [], problems: [...problems, { file, line: 1, field: "header", message: "expected an id column, and one column per feature (e.g. id,site,consent,gender,age_band)" }] }
  }
  const names = header.fields.map((f) => f.trim())
  const at = (n: string) => names.indexOf(n)
  const siteAt = at("site") >= 0 ? at("site") : at("site_id")
  const features = names.filter((n) => !NOT_FEATURES.has(n) && n !== "")
  const candidates: Array<PoolCandidate> = []
  const seen = new Map<string, number>()
  for (const record of body) {
    if (record.fields.every((f) => f.trim() === "")) continue
    const cell = (i: number) => (i < 0 ? "" : (record.fields[i] ?? "").trim())
    const id = cell(at("id"))
    let bad = false
    if (id === "") {
      problems.push({ file, line: record.line, column: at("id") + 1, field: "id", message: "expected a candidate id" })
      bad = true
    } else if (seen.has(id)) {
      problems.push({ file, line: record.line, column: at("id") + 1, field: "id", message: `expected a unique id, "${id}" is already on line ${seen.get(id)}` })
      bad = true
    }
    seen.set(id, record.line)
    const values: Record<string, string> = {}
    for (const f of features) {
      const v = cell(at(f))
      const feature = featureOf(codebook, f)
      if (v !== "" && feature !== undefined && !feature.values.some((x) => x.id === v)) {
        problems.push({ file, line: record.line, column: at(f) + 1, field: f, message: outsideCodebook(feature, v) })
        bad = true
      }
      values[f] = v
    }
    const consentText = cell(at("consent")).toLowerCase()
    const orNull = (n: string) => cell(at(n)) || null
    if (!bad) {
      candidates.push({
        line: record.line,
        id,
        site: siteAt < 0 ? undefined : cell(siteAt) || undefined,
        consent: at("consent") < 0 || YES.has(consentText),
        locale: cell(at("locale")) || undefined,
        features: values,
        contact: { name: orNull("name"), email: orNull("email")?.toLowerCase() ?? null, phone: orNull("phone") }
      })
    }
  }
  return { candidates, features, columns: names, problems }
}

/** One row of targets.csv (the domain's {@link TargetBound}). */
export type TargetRow = TargetBound

/**
 * Reads targets.csv (`scope,feature,value,min,max`), every bad cell at FILE:LINE:COLUMN. The
 * Sortition Foundation's layouts are read too: `feature,value,min,max` (sortition-algorithms'
 * features file) and `category,name,min,max` (its stratification app's categories file), whose
 * rows all have the scope `all`.
 */
export const parseTargets = (text: string, file: string): { readonly rows: Array<TargetRow>; readonly problems: Array<Problem> } => {
  const parsed = parseCsv(text)
  const problems: Array<Problem> = parsed.problems.map((p) => ({ file, line: p.line, column: p.column, message: p.message }))
  const [header, ...body] = parsed.records
  const given = header?.fields.map((f) => f.trim()) ?? []
  // the Sortition Foundation's names for feature and value
  const names = given.includes("category") && given.includes("name") && !given.includes("feature") ? given.map((n) => (n === "category" ? "feature" : n === "name" ? "value" : n)) : given
  const unscoped = !names.includes("scope") && ["feature", "value", "min", "max"].every((c) => names.includes(c))
  const missing = TARGET_COLUMNS.filter((c) => !names.includes(c) && !(unscoped && c === "scope"))
  if (header === undefined || missing.length > 0) return { rows: [], problems: [...problems, { file, line: header?.line ?? 1, field: "header", message: `expected ${TARGET_COLUMNS.join(",")} (or the Sortition Foundation's feature,value,min,max)${missing.length > 0 ? `; missing ${missing.join(", ")}` : ""}` }] }
  const rows: Array<TargetRow> = []
  for (const record of body) {
    if (record.fields.every((f) => f.trim() === "")) continue
    const cell = (c: string) => (unscoped && c === "scope" ? "all" : (record.fields[names.indexOf(c)] ?? "").trim())
    const count = (c: "min" | "max"): number | undefined => {
      const t = cell(c)
      if (/^\d{1,6}$/.test(t)) return Number(t)
      problems.push({ file, line: record.line, column: names.indexOf(c) + 1, field: c, message: `expected a whole number of people, got ${JSON.stringify(t)}` })
      return undefined
    }
    const [min, max] = [count("min"), count("max")]
    for (const c of ["scope", "feature", "value"]) if (cell(c) === "") problems.push({ file, line: record.line, column: names.indexOf(c) + 1, field: c, message: "expected a value" })
    if (min !== undefined && max !== undefined && min > max) problems.push({ file, line: record.line, field: "min", message: `expected min ≤ max, got ${min} > ${max}` })
    else if (min !== undefined && max !== undefined && cell("scope") !== "" && cell("feature") !== "" && cell("value") !== "") rows.push({ line: record.line, scope: cell("scope"), feature: cell("feature"), value: cell("value"), min, max })
  }
  return { rows, problems }
}

/**
 * The selection problem of a draw: the eligible candidates described by the features the bounds
 * name (values from the codebook when it declares the feature, else those seen), the bounds as
 * quotas, and the panel size.
 */
export const selectionProblemOf = (
  eligible: ReadonlyArray<{ readonly id: string; readonly features: Readonly<Record<string, string>> }>,
  bounds: ReadonlyArray<{ readonly feature: string; readonly value: string; readonly min: number; readonly max: number }>,
  size: number,
  codebook?: Codebook
): SelectionProblem => {
  const used = [...new Set(bounds.map((r) => r.feature))]
  const features: Array<Feature> = used.map((f) => {
    const declared = featureOf(codebook, f)
    const values = declared?.values.map((v) => v.id) ?? [...new Set([...bounds.filter((r) => r.feature === f).map((r) => r.value), ...eligible.map((c) => c.features[f] ?? "")])].filter((v) => v !== "")
    return { name: f, values }
  })
  const quotas: Array<Quota> = bounds.map((r) => ({ feature: r.feature, value: r.value, min: r.min, max: r.max }))
  const candidates: Array<Candidate> = eligible.map((c) => ({ id: c.id, features: Object.fromEntries(used.map((f) => [f, c.features[f] ?? ""])) }))
  return { candidates, features, quotas, size }
}

/**
 * The files of a draw, relative name → text: `panel.csv` (ids and the features used, no contact
 * data), `probabilities.csv` (`id,probability,selected`), `draw.json` (the record), and the inputs
 * in the Sortition Foundation's layouts, `sortition-foundation/features.csv`
 * (`feature,value,min,max`) and `sortition-foundation/people.csv` (`id` and the features of the
 * eligible candidates), to check the draw with their tools.
 */
export const drawTexts = (
  record: { readonly panel: ReadonlyArray<string>; readonly probabilities: ReadonlyArray<{ readonly id: string; readonly probability: number; readonly selected: boolean }> },
  problem: SelectionProblem,
  bounds: ReadonlyArray<{ readonly feature: string; readonly value: string; readonly min: number; readonly max: number }>
): Record<string, string> => {
  const used = problem.features.map((f) => f.name)
  const byId = new Map(problem.candidates.map((c) => [c.id, c]))
  const featuresOf = (id: string) => used.map((f) => byId.get(id)?.features[f] ?? "")
  return {
    "panel.csv": formatCsv(["id", ...used], record.panel.map((id) => [id, ...featuresOf(id)])),
    "probabilities.csv": formatCsv(["id", "probability", "selected"], record.probabilities.map((p) => [p.id, p.probability.toFixed(6), p.selected ? "yes" : "no"])),
    "draw.json": JSON.stringify(record, null, 2) + "\n",
    "sortition-foundation/features.csv": formatCsv(["feature", "value", "min", "max"], bounds.map((t) => [t.feature, t.value, String(t.min), String(t.max)])),
    "sortition-foundation/people.csv": peopleCsv(problem)
  }
}

/** The eligible candidates in the Sortition Foundation's respondents layout: id and one column per feature, in id order. */
export const peopleCsv = (problem: SelectionProblem): string => {
  const used = problem.features.map((f) => f.name)
  const sorted = [...problem.candidates].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return formatCsv(["id", ...used], sorted.map((c) => [c.id, ...used.map((f) => c.features[f] ?? "")]))
}

/** What a draw from files did: the record to publish, and the panel. */
export interface DrawRecord {
  readonly method: SelectionMethod
  readonly seed: string
  readonly size: number
  readonly scope: string
  readonly site: string | null
  readonly pool: { readonly file: string; readonly sha256: string; readonly candidates: number; readonly eligible: number }
  readonly targets: { readonly file: string; readonly sha256: string; readonly quotas: number }
  readonly features: ReadonlyArray<string>
  readonly panel: ReadonlyArray<string>
  readonly probabilities: ReadonlyArray<{ readonly id: string; readonly probability: number; readonly selected: boolean }>
}

/** A draw from files: its record, and the files to write beside it (relative name → text). */
export interface DrawFromFiles {
  readonly record: DrawRecord
  /**
   * `panel.csv` (ids and the features used, no contact data), `probabilities.csv`
   * (`id,probability,selected`), `draw.json` (the record), and the inputs in the Sortition
   * Foundation's layouts, `sortition-foundation/features.csv` (`feature,value,min,max`) and
   * `sortition-foundation/people.csv` (`id` and the features of the eligible candidates), to
   * check the draw with their tools.
   */
  readonly files: Readonly<Record<string, string>>
}

/**
 * Draws a panel of `size` from the pool file with the targets of `scope` (default `all`), by
 * `method` (default leximin) with `seed`. Only candidates who consented (and, with `site`, of that
 * site) are eligible. Fails with {@link InputError} on bad files, or `InfeasibleQuotas` naming a
 * minimal set of conflicting bounds when no panel meets the targets; nobody is selected then.
 */
export const drawFromFiles = Effect.fn("Recruitment.drawFromFiles")(function*(options: {
  readonly pool: string
  readonly targets: string
  readonly size: number
  readonly seed: string
  readonly scope?: string | undefined
  readonly site?: string | undefined
  readonly method?: SelectionMethod | undefined
  readonly codebook?: Codebook | undefined
  readonly displayNames?: { readonly pool?: string; readonly targets?: string } | undefined
}) {
  const poolFile = options.displayNames?.pool ?? options.pool
  const targetsFile = options.displayNames?.targets ?? options.targets
  const scope = options.scope ?? "all"
  const [poolText, targetsText] = yield* Effect.all([readText(options.pool), readText(options.targets)])
  const pool = parsePool(poolText, poolFile, options.codebook)
  const targets = parseTargets(targetsText, targetsFile)
  const problems = [...pool.problems, ...targets.problems]
  const quotasRows = targets.rows.filter((r) => r.scope === scope)
  if (problems.length === 0 && quotasRows.length === 0) {
    const scopes = [...new Set(targets.rows.map((r) => r.scope))]
    problems.push({ file: targetsFile, field: "scope", message: `expected targets for the scope "${scope}"; the file has ${scopes.length === 0 ? "none" : scopes.join(", ")} (--scope)` })
  }
  const used = [...new Set(quotasRows.map((r) => r.feature))]
  for (const f of used) if (!pool.features.includes(f)) problems.push({ file: poolFile, line: 1, field: "header", message: `expected a column for the feature ${f}, which the targets of ${scope} bound` })
  if (problems.length > 0) return yield* new InputError({ summary: "The draw's files have problems; nobody was selected.", problems })
  const eligible = pool.candidates.filter((c) => c.consent && (options.site === undefined || c.site === options.site))
  const problem = selectionProblemOf(eligible, quotasRows, options.size, options.codebook)
  const selection: Selection = yield* select(problem, { seed: options.seed, method: options.method })
  const chosen = new Set(selection.panel)
  const record: DrawRecord = {
    method: selection.method,
    seed: selection.seed,
    size: options.size,
    scope,
    site: options.site ?? null,
    pool: { file: poolFile, sha256: sha256(poolText), candidates: pool.candidates.length, eligible: eligible.length },
    targets: { file: targetsFile, sha256: sha256(targetsText), quotas: problem.quotas.length },
    features: used,
    panel: selection.panel,
    probabilities: selection.probabilities.map((p) => ({ id: p.id, probability: Math.round(p.probability * 1e6) / 1e6, selected: chosen.has(p.id) }))
  }
  const result: DrawFromFiles = { record, files: drawTexts(record, problem, quotasRows) }
  return result
})
