/**
 * The candidates of a selection problem grouped into profiles: people who share a value for every
 * constrained feature are interchangeable for the quotas, so the solvers work on profiles (how
 * many of each to take) and a panel takes its members uniformly within each profile. This keeps
 * the MILPs small and gives interchangeable people the same chance, as leximin does anyway.
 */
import { quotaTable, type SelectionProblem } from "../domain/Quotas.js"

/** People with the same value of every constrained feature. `ids` in code order. */
export interface Profile {
  readonly values: Readonly<Record<string, string>>
  readonly ids: ReadonlyArray<string>
}

/** One quota that can bind, over the profiles that have its value. */
export interface QuotaRow {
  readonly feature: string
  readonly value: string
  readonly min: number
  readonly max: number
  /** Indices into `profiles`. */
  readonly members: ReadonlyArray<number>
}

/** A selection problem in profiles, everything in code order so that solving it is deterministic. */
export interface ProfiledProblem {
  readonly size: number
  readonly profiles: ReadonlyArray<Profile>
  readonly rows: ReadonlyArray<QuotaRow>
}

const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Groups a (checked) selection problem's candidates into profiles over the features that have a
 * quota that can bind, and lists those quotas as rows.
 */
export const profile = (problem: SelectionProblem): ProfiledProblem => {
  const table = quotaTable(problem)
  const binding = table.features.map((f) => ({
    name: f.name,
    values: f.values.filter((v) => v.min > 0 || v.max < Math.min(problem.size, v.count))
  }))
  const used = binding.filter((f) => f.values.length > 0).map((f) => f.name)
  const groups = new Map<string, Array<string>>()
  for (const c of [...problem.candidates].sort((a, b) => byCode(a.id, b.id))) {
    const key = used.map((f) => c.features[f] ?? "").join("\u0000")
    const g = groups.get(key)
    if (g === undefined) groups.set(key, [c.id])
    else g.push(c.id)
  }
  const keys = [...groups.keys()].sort(byCode)
  const profiles: Array<Profile> = keys.map((key) => {
    const parts = key.split("\u0000")
    return { values: Object.fromEntries(used.map((f, i) => [f, parts[i] ?? ""])), ids: groups.get(key)! }
  })
  const rows: Array<QuotaRow> = []
  for (const f of binding) {
    for (const v of f.values) {
      const members = profiles.flatMap((p, i) => (p.values[f.name] === v.value ? [i] : []))
      rows.push({ feature: f.name, value: v.value, min: v.min, max: v.max, members })
    }
  }
  return { size: problem.size, profiles, rows }
}
