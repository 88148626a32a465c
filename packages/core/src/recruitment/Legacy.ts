/**
 * The greedy draw of the Sortition Foundation's original stratification app
 * (`find_random_sample_legacy`): pick the feature value furthest from its min relative to the
 * people left, take a random person with it, drop everyone in a value that reached its max, and
 * start again when a min can no longer be met. It meets the quotas but is not fair: some people's
 * chances are far below what the quotas allow. Kept to compare with, and to reproduce old draws.
 */
import { quotaTable, type SelectionProblem } from "../domain/Quotas.js"

interface Category {
  readonly feature: string
  readonly value: string
  readonly min: number
  readonly max: number
  selected: number
  remaining: number
}

/** One attempt; undefined when it ran into a quota it can no longer meet (the app then starts over). */
const attempt = (problem: SelectionProblem, random: () => number): Array<string> | undefined => {
  const table = quotaTable(problem)
  const categories: Array<Category> = table.features.flatMap((f) => f.values.map((v) => ({ feature: f.name, value: v.value, min: v.min, max: v.max, selected: 0, remaining: v.count })))
  const of = new Map(categories.map((c) => [`${c.feature}\u0000${c.value}`, c]))
  const features = table.features.map((f) => f.name)
  const catsOf = (id: string): Array<Category> => features.map((f) => of.get(`${f}\u0000${people.get(id)![f]}`)!)
  const people = new Map([...problem.candidates].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((c) => [c.id, c.features]))
  const selected: Array<string> = []
  const remove = (id: string, isSelected: boolean): boolean => {
    for (const c of catsOf(id)) {
      if (isSelected) c.selected++
      c.remaining--
      if (c.remaining === 0 && c.selected < c.min) return false
    }
    people.delete(id)
    return true
  }
  for (let n = 0; n < problem.size; n++) {
    let ratio = -100
    let pick: Category | undefined
    for (const c of categories) {
      if (c.selected < c.min && c.remaining < c.min - c.selected) return undefined
      if (c.remaining !== 0 && c.max !== 0) {
        const r = (c.min - c.selected) / c.remaining
        if (r > 1) return undefined
        if (r > ratio) {
          ratio = r
          pick = c
        }
      }
    }
    if (pick === undefined) return undefined
    let k = Math.floor(random() * pick.remaining)
    let chosen: string | undefined
    for (const [id, f] of people) {
      if (f[pick.feature] === pick.value && k-- === 0) {
        chosen = id
        break
      }
    }
    if (chosen === undefined) return undefined
    const cats = catsOf(chosen)
    if (!remove(chosen, true)) return undefined
    selected.push(chosen)
    for (const c of cats) {
      if (c.selected === c.max) {
        for (const [id, f] of [...people]) {
          if (f[c.feature] === c.value && !remove(id, false)) return undefined
        }
      }
    }
    if (n < problem.size - 1 && people.size === 0) return undefined
  }
  return categories.every((c) => c.selected >= c.min && c.selected <= c.max) ? selected.sort() : undefined
}

/**
 * A panel drawn by the legacy greedy algorithm with `random` (a seeded generator), retrying up to
 * `attempts` times as the app does; undefined when every attempt failed.
 */
export const legacyPanel = (problem: SelectionProblem, random: () => number, attempts = 100): Array<string> | undefined => {
  for (let i = 0; i < attempts; i++) {
    const panel = attempt(problem, random)
    if (panel !== undefined) return panel
  }
  return undefined
}
