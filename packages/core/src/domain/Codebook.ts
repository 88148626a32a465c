/**
 * The codebook: the participant features a dialogue uses for selection and reporting (gender,
 * age band, education, residence, and any it adds), each with its allowed values and their labels
 * per locale. Declared under `features:` in `convene.yaml`; every value a registry holds for a
 * declared feature must be one of its values, so that sites, countries and waves compare by the
 * same categories ("woman" everywhere, never "F" at one site and "woman" at another).
 */
import * as Schema from "effect/Schema"
import type { Problem } from "./Errors.js"

/** A feature's id: lowercase letters, digits and underscores, as the registry's columns (`age_band`). */
export const FeatureId = Schema.String.check(
  Schema.isPattern(/^[a-z][a-z0-9_]{0,62}$/, { message: "expected a feature id of lowercase letters, digits and underscores, such as age_band" })
)

/** A value's id, as files hold it: `woman`, `16-24`, `65+`. */
export const FeatureValueId = Schema.String.check(
  Schema.isPattern(/^[^\s,"][^,"\n\r\t]{0,62}$/, { message: "expected a value of at most 63 characters, without commas, quotes or leading spaces, such as 16-24" })
)

/** Labels per locale, e.g. `{ en: Woman, fr: Femme }`. */
export const FeatureLabels = Schema.Record(Schema.String, Schema.String.check(Schema.isNonEmpty({ message: "expected a label" })))
export type FeatureLabels = typeof FeatureLabels.Type

/** One allowed value of a feature. */
export const FeatureValue = Schema.Struct({
  id: FeatureValueId,
  label: Schema.optionalKey(FeatureLabels)
})
export type FeatureValue = typeof FeatureValue.Type

const uniqueValues = Schema.makeFilter((values: ReadonlyArray<FeatureValue>) => {
  const seen = new Set<string>()
  for (const v of values) {
    if (seen.has(v.id)) return `expected each value once, "${v.id}" appears twice`
    seen.add(v.id)
  }
  return true
})

/** One feature: its id, its labels, and its allowed values in the order reports list them. */
export const Feature = Schema.Struct({
  id: FeatureId,
  label: Schema.optionalKey(FeatureLabels),
  values: Schema.Array(FeatureValue).check(Schema.isMinLength(1, { message: "expected at least one value" }), uniqueValues)
})
export type Feature = typeof Feature.Type

/** The features of a dialogue, in order. */
export const Codebook = Schema.Array(Feature).check(
  Schema.makeFilter((features: ReadonlyArray<Feature>) => {
    const seen = new Set<string>()
    for (const f of features) {
      if (seen.has(f.id)) return `expected each feature once, "${f.id}" appears twice`
      seen.add(f.id)
    }
    return true
  })
)
export type Codebook = typeof Codebook.Type

/** The participant registry's columns that hold features (the codebook may declare others). */
export const PARTICIPANT_FEATURE_COLUMNS = ["gender", "age_band", "education", "residence"] as const

/** The feature of that id, if the codebook declares it. */
export const featureOf = (codebook: Codebook | undefined, id: string): Feature | undefined => codebook?.find((f) => f.id === id)

/** A feature's label in `locale` (then its language, then English, then its id). */
export const featureLabel = (feature: Pick<Feature, "id" | "label">, locale: string): string => labelOf(feature.label, locale) ?? feature.id

/** A value's label in `locale` (then its language, then English, then its id). */
export const valueLabel = (feature: Feature, value: string, locale: string): string =>
  labelOf(feature.values.find((v) => v.id === value)?.label, locale) ?? value

const labelOf = (labels: FeatureLabels | undefined, locale: string): string | undefined =>
  labels === undefined ? undefined : labels[locale] ?? labels[locale.split("-")[0]!] ?? labels["en"] ?? Object.values(labels)[0]

/** The problem of a value outside its feature, for `FILE:LINE:COLUMN: feature: …`. */
export const outsideCodebook = (feature: Feature, value: string): string => {
  const allowed = feature.values.map((v) => v.id)
  const shown = allowed.length <= 12 ? allowed.join(", ") : `${allowed.slice(0, 12).join(", ")}, … (${allowed.length} in all)`
  const near = allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase())
  return `expected one of ${shown} (the codebook in convene.yaml), got ${JSON.stringify(value)}${near !== undefined && near !== value ? `: did you mean "${near}"?` : ""}`
}

/**
 * Checks the feature values of registry rows against the codebook: one problem per value that a
 * declared feature does not allow, at the row's line and the column's position in the header.
 * Empty values are left alone (the columns are optional), as are features the codebook does not
 * declare.
 */
export const checkFeatureValues = (
  codebook: Codebook | undefined,
  rows: ReadonlyArray<{ readonly line: number; readonly values: Readonly<Record<string, unknown>> }>,
  columns: ReadonlyArray<string>,
  file?: string,
  header?: ReadonlyArray<string>
): Array<Problem> => {
  if (codebook === undefined) return []
  const problems: Array<Problem> = []
  for (const column of columns) {
    const feature = featureOf(codebook, column)
    if (feature === undefined) continue
    const allowed = new Set(feature.values.map((v) => v.id))
    const at = header?.indexOf(column)
    for (const row of rows) {
      const v = row.values[column]
      if (v === undefined || v === null || v === "" || allowed.has(String(v))) continue
      problems.push({ ...(file === undefined ? {} : { file, line: row.line }), ...(at !== undefined && at >= 0 ? { column: at + 1 } : {}), field: column, message: outsideCodebook(feature, String(v)) })
    }
  }
  return problems
}
