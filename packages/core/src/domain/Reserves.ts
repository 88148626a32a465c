/**
 * Reserves for a drawn panel, and the replacement of a panel member who declines. Pure: the
 * random numbers come from the caller's seeded generator.
 *
 * A reserve list is drawn so that a decline can be replaced without breaking a quota: each
 * reserve shadows one panel member (taken in a seeded random order), and is a candidate off the
 * panel who shares as many of that member's feature values as any other, chosen at random among
 * the equally close. A decline is then replaced by the unused reserve that keeps every quota (or
 * breaks the fewest), closest to the person who declined, earliest in the list.
 */
import { type Bound, quotaTable, type SelectionProblem } from "./Quotas.js"

/** One person as the quotas see them. */
export interface Person {
  readonly id: string
  readonly features: Readonly<Record<string, string>>
}

const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** How many of `features` two people share. */
const closeness = (a: Person, b: Person, features: ReadonlyArray<string>): number => features.reduce((n, f) => n + (a.features[f] === b.features[f] ? 1 : 0), 0)

/**
 * Draws `count` reserves in order of call from the candidates off the panel (`others`). Panel
 * members are visited in a random order (and again, in a new order, when every member has a
 * shadow); each gets the closest candidate still free, chosen at random among ties.
 *
 * @example
 * drawReserves(panel, others, ["gender", "age_band"], 5, seededRandom("2027/dakar/reserves"))
 * // ["c-sn-dakar-071", "c-sn-dakar-012", …] 5 ids, the first to call first
 */
export const drawReserves = (panel: ReadonlyArray<Person>, others: ReadonlyArray<Person>, features: ReadonlyArray<string>, count: number, random: () => number): Array<string> => {
  const free = [...others].sort((a, b) => byCode(a.id, b.id))
  const members = [...panel].sort((a, b) => byCode(a.id, b.id))
  const out: Array<string> = []
  while (out.length < count && free.length > 0 && members.length > 0) {
    // a new random order of the panel for each round
    const order = [...members]
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[order[i], order[j]] = [order[j]!, order[i]!]
    }
    for (const member of order) {
      if (out.length >= count || free.length === 0) break
      let best = -1
      const ties: Array<number> = []
      free.forEach((c, i) => {
        const k = closeness(member, c, features)
        if (k > best) {
          best = k
          ties.length = 0
        }
        if (k === best) ties.push(i)
      })
      const pick = ties[Math.floor(random() * ties.length)]!
      out.push(free[pick]!.id)
      free.splice(pick, 1)
    }
  }
  return out
}

/** The bounds a group breaks, with how far: `over` people above a max, or below a min. */
export interface BrokenBound extends Bound {
  readonly count: number
}

/** The quota bounds a group of people breaks under a problem's quotas (its size is not checked). */
export const brokenBounds = (problem: Pick<SelectionProblem, "features" | "quotas" | "size">, group: ReadonlyArray<Person>): Array<BrokenBound> => {
  const out: Array<BrokenBound> = []
  for (const f of quotaTable({ ...problem, candidates: [] }).features) {
    for (const v of f.values) {
      const n = group.reduce((s, p) => s + (p.features[f.name] === v.value ? 1 : 0), 0)
      if (n < v.min) out.push({ feature: f.name, value: v.value, side: "min", limit: v.min, count: n })
      if (n > v.max) out.push({ feature: f.name, value: v.value, side: "max", limit: v.max, count: n })
    }
  }
  return out
}

const shortfall = (broken: ReadonlyArray<BrokenBound>): number => broken.reduce((s, b) => s + Math.abs(b.count - b.limit), 0)

/** The reserve chosen to replace a decline, and the bounds the panel breaks with them in (none, at best). */
export interface Replacement {
  readonly id: string
  readonly broken: ReadonlyArray<BrokenBound>
}

/**
 * The best reserve to replace `declined`: among `reserves` (unused, in order of call), the one
 * with whom `remaining` (the panel without the person who declined) breaks the fewest quota
 * bounds by the least, then who shares most feature values with the person who declined, then
 * the earliest. Undefined when there is no reserve left.
 */
export const bestReplacement = (
  problem: Pick<SelectionProblem, "features" | "quotas" | "size">,
  remaining: ReadonlyArray<Person>,
  declined: Person,
  reserves: ReadonlyArray<Person>
): Replacement | undefined => {
  const features = problem.features.map((f) => f.name)
  let best: { readonly id: string; readonly broken: Array<BrokenBound>; readonly miss: number; readonly close: number } | undefined
  for (const r of reserves) {
    const broken = brokenBounds(problem, [...remaining, r])
    const miss = shortfall(broken)
    const close = closeness(declined, r, features)
    if (best === undefined || miss < best.miss || (miss === best.miss && close > best.close)) best = { id: r.id, broken, miss, close }
  }
  return best === undefined ? undefined : { id: best.id, broken: best.broken }
}
