/**
 * Simulated citizens' results for demos, rehearsals and benchmarks: a seeded, documented model
 * of what a site's tables count, what its participants put on their ballots and what its tables
 * recommend, with regional differences built in ({@link RESULTS_SIMULATION}) so that a report
 * run on them should find them. Pure and deterministic: the same seed, ballots and site give
 * the same {@link SiteResults} on every platform (no `Math.random`).
 */
import { type Ballots, type CountedQuestion, isCounted, optionIds, type RecommendationsQuestion, scalePoints } from "./Ballot.js"
import { m49Of } from "./Regions.js"
import type { BallotEntry, BallotValue, Recommendation, SiteResults, TableTally } from "./Results.js"
import { streamFor } from "./Simulation.js"

/** A site results are simulated for: what the model reads of it. */
export interface ResultsSimulationSite {
  readonly id: string
  /** ISO 3166-1 alpha-2: its UN M49 region decides the regional effects. */
  readonly country: string
  readonly capacity: number
  readonly format: string
  /** The site's locale: the language its tables write their recommendations in. */
  readonly locale: string
}

/**
 * The model and the effects it builds in. Shares and means are the expected values over the
 * participants of a region; each site adds its own random shift (`siteSpread`), so participants
 * of one site are alike (the clustering the report's intervals account for).
 *
 * - `single`: the FIRST option of every single-choice question gets `baseShare` of the votes
 *   (the other options share the rest), and `lean.share` in the `lean` region.
 * - `scale`: every scale question's mean is `baseMean` of the way up its scale, plus `shift.by`
 *   of its range in the `shift` region: 1.5 points on a 0–10 scale, 0.6 on a 1–5 scale.
 * - `multiple` and `ranking`: options are liked in their order in the ballot file (the first
 *   most), each site shuffling that a little; `fullChoices` of the voters use all their choices.
 */
export const RESULTS_SIMULATION = {
  /** Tables of about this many seats: `round(capacity / seatsPerTable)` tables, at least one. */
  seatsPerTable: 8,
  /** The share of its seats a site fills, drawn per site. */
  attendance: { min: 0.72, max: 0.96 },
  /** The share of those present who do not raise a hand for a tally question. */
  tallyAbstain: 0.04,
  /** The share of ballot answers left blank. */
  ballotBlank: 0.03,
  /** The standard deviation of a site's shift of a share or mean (as a share of the range). */
  siteSpread: 0.06,
  single: { baseShare: 0.5, lean: { region: "002", regionName: "Africa", share: 0.75 } },
  scale: { baseMean: 0.6, spread: 0.18, shift: { region: "150", regionName: "Europe", by: 0.15 } },
  multiple: { fullChoices: 0.7 },
  ranking: { complete: 0.85 },
  /** Tables write `per_table` recommendations, or one fewer with this probability. */
  recommendations: { fewer: 0.2, turnout: { min: 0.8, max: 1 } }
} as const

/** The effect on a single choice's first option: its share in the lean region, and elsewhere. */
export const SINGLE_CHOICE_LEAN = RESULTS_SIMULATION.single
/** The shift of a scale's mean in one region, as a share of the scale's range. */
export const SCALE_REGION_SHIFT = RESULTS_SIMULATION.scale

/** One regional difference built in, for the reader of a report to check it is recovered. */
export interface SimulatedResultEffect {
  readonly question: string
  readonly measure: "share" | "mean"
  /** For a share: the option. */
  readonly option?: string
  readonly region: string
  /** The region's code in UN M49 (e.g. 002 for Africa). */
  readonly regionCode: string
  /** The expected share or mean in the region, and in the rest of the world. */
  readonly inRegion: number
  readonly elsewhere: number
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000

/**
 * The regional effects {@link simulateSiteResults} builds in for these ballots: one per
 * single-choice question (its first option) and one per scale question.
 *
 * @example
 * simulatedResultEffects(ballots)
 * // [{ question: "access-right", measure: "share", option: "yes", region: "Africa", regionCode: "002", inRegion: 0.75, elsewhere: 0.5 },
 * //  { question: "platform-responsibility", measure: "mean", region: "Europe", regionCode: "150", inRegion: 7.5, elsewhere: 6 }]
 */
export const simulatedResultEffects = (ballots: Ballots): Array<SimulatedResultEffect> =>
  ballots.questions.flatMap((q): Array<SimulatedResultEffect> => {
    if (q.type === "single") {
      const lean = RESULTS_SIMULATION.single.lean
      return [{ question: q.id, measure: "share", option: q.options[0]!.id, region: lean.regionName, regionCode: lean.region, inRegion: lean.share, elsewhere: RESULTS_SIMULATION.single.baseShare }]
    }
    if (q.type === "scale") {
      const { low, range } = scaleRange(q)
      const s = RESULTS_SIMULATION.scale
      return [{ question: q.id, measure: "mean", region: s.shift.regionName, regionCode: s.shift.region, inRegion: round3(low + range * (s.baseMean + s.shift.by)), elsewhere: round3(low + range * s.baseMean) }]
    }
    return []
  })

// ── Drawing ─────────────────────────────────────────────────────────────────

type Next = () => number

/** A standard normal draw, Irwin–Hall style (sum of four uniforms): arithmetic only, so deterministic everywhere. */
const normal = (next: Next): number => (next() + next() + next() + next() - 2) * Math.sqrt(3)
const clamp = (x: number, min: number, max: number): number => (x < min ? min : x > max ? max : x)

/** One index drawn in proportion to `weights` (not necessarily summing to 1). */
const pickWeighted = (weights: ReadonlyArray<number>, next: Next): number => {
  const total = weights.reduce((a, b) => a + b, 0)
  let u = next() * total
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i]!
    if (u < 0) return i
  }
  return weights.length - 1
}

/** `k` distinct indexes drawn in proportion to `weights`, in the order drawn (Plackett–Luce). */
const drawOrdered = (weights: ReadonlyArray<number>, k: number, next: Next): Array<number> => {
  const left = weights.map((w, i) => ({ w, i }))
  const out: Array<number> = []
  while (out.length < k && left.length > 0) {
    const j = pickWeighted(left.map((x) => x.w), next)
    out.push(left[j]!.i)
    left.splice(j, 1)
  }
  return out
}

const scaleRange = (q: CountedQuestion & { readonly type: "scale" }): { low: number; range: number } => {
  const points = scalePoints(q).map(Number)
  return { low: points[0]!, range: points.at(-1)! - points[0]! }
}

/** How one site's participants answer one counted question: a draw of one participant's answer (undefined: no vote). */
type Voter = (next: Next) => BallotValue

/** A site's model of one question: the site's own shift is drawn once, from the site's stream. */
const voterFor = (q: CountedQuestion, region: string | undefined, next: Next): Voter => {
  const m = RESULTS_SIMULATION
  switch (q.type) {
    case "single": {
      const base = region === m.single.lean.region ? m.single.lean.share : m.single.baseShare
      const first = clamp(base + m.siteSpread * normal(next), 0.02, 0.98)
      const others = q.options.slice(1).map(() => Math.exp(0.3 * normal(next)))
      const sum = others.reduce((a, b) => a + b, 0)
      const weights = [first, ...others.map((w) => ((1 - first) * w) / sum)]
      return (n) => q.options[pickWeighted(weights, n)]!.id
    }
    case "scale": {
      const { low, range } = scaleRange(q)
      const mean = m.scale.baseMean + (region === m.scale.shift.region ? m.scale.shift.by : 0) + m.siteSpread * normal(next)
      return (n) => low + Math.round(range * clamp(mean + m.scale.spread * normal(n), 0, 1))
    }
    case "multiple": {
      const weights = q.options.map((_, i) => Math.exp(0.3 * normal(next)) / (1 + 0.35 * i))
      return (n) => {
        const k = q.max_choices === 1 || n() < m.multiple.fullChoices ? q.max_choices : 1 + Math.floor(n() * (q.max_choices - 1))
        return drawOrdered(weights, k, n).map((i) => q.options[i]!.id)
      }
    }
    case "ranking": {
      const weights = q.options.map((_, i) => Math.exp(0.4 * normal(next)) / (1 + 0.5 * i))
      const partial = Math.min(3, q.options.length)
      return (n) => drawOrdered(weights, n() < m.ranking.complete ? q.options.length : partial, n).map((i) => q.options[i]!.id)
    }
  }
}

// ── Recommendations ─────────────────────────────────────────────────────────

/** What tables recommend, by language (English when there is none). */
const RECOMMENDATIONS: Readonly<Record<string, ReadonlyArray<string>>> = {
  en: [
    "Make affordable Internet access a public service in every country.",
    "Require platforms to explain how their recommendation algorithms work.",
    "Give every person the right to have their personal data deleted.",
    "Create an independent global body to oversee Internet governance, with citizens in it.",
    "Teach digital skills and media literacy in every school.",
    "Ban the sale of personal data without explicit consent.",
    "Hold platforms responsible for removing disinformation quickly.",
    "Involve citizens in decisions about the Internet through regular assemblies like this one."
  ],
  fr: [
    "Faire de l’accès abordable à Internet un service public dans chaque pays.",
    "Obliger les plateformes à expliquer le fonctionnement de leurs algorithmes de recommandation.",
    "Donner à chacun le droit de faire effacer ses données personnelles.",
    "Créer un organe mondial indépendant, avec des citoyens, pour superviser la gouvernance d’Internet.",
    "Enseigner le numérique et l’éducation aux médias dans toutes les écoles.",
    "Interdire la vente de données personnelles sans consentement explicite.",
    "Rendre les plateformes responsables du retrait rapide de la désinformation.",
    "Associer les citoyens aux décisions sur Internet par des assemblées régulières comme celle-ci."
  ],
  es: [
    "Hacer del acceso asequible a Internet un servicio público en todos los países.",
    "Obligar a las plataformas a explicar cómo funcionan sus algoritmos de recomendación.",
    "Dar a toda persona el derecho a que se borren sus datos personales.",
    "Crear un organismo mundial independiente, con ciudadanos, que supervise la gobernanza de Internet.",
    "Enseñar competencias digitales y alfabetización mediática en todas las escuelas.",
    "Prohibir la venta de datos personales sin consentimiento explícito.",
    "Responsabilizar a las plataformas de retirar rápidamente la desinformación.",
    "Implicar a la ciudadanía en las decisiones sobre Internet mediante asambleas periódicas como esta."
  ],
  ar: [
    "جعل الوصول الميسور إلى الإنترنت خدمة عامة في كل بلد.",
    "إلزام المنصات بشرح طريقة عمل خوارزميات التوصية لديها.",
    "منح كل شخص الحق في حذف بياناته الشخصية.",
    "إنشاء هيئة عالمية مستقلة يشارك فيها المواطنون للإشراف على حوكمة الإنترنت.",
    "تعليم المهارات الرقمية والتربية الإعلامية في كل المدارس.",
    "حظر بيع البيانات الشخصية دون موافقة صريحة.",
    "تحميل المنصات مسؤولية إزالة المعلومات المضللة بسرعة.",
    "إشراك المواطنين في القرارات المتعلقة بالإنترنت عبر جمعيات منتظمة مثل هذه."
  ],
  pt: [
    "Tornar o acesso acessível à Internet um serviço público em todos os países.",
    "Obrigar as plataformas a explicar como funcionam os seus algoritmos de recomendação.",
    "Dar a todas as pessoas o direito de apagar os seus dados pessoais.",
    "Criar um órgão mundial independente, com cidadãos, para supervisionar a governança da Internet.",
    "Ensinar competências digitais e literacia mediática em todas as escolas.",
    "Proibir a venda de dados pessoais sem consentimento explícito."
  ]
}

/** The sentences a site's tables recommend from, by the language of `locale` (English when there is none). */
export const recommendationPool = (locale: string): ReadonlyArray<string> => RECOMMENDATIONS[locale.split("-")[0]!.toLowerCase()] ?? RECOMMENDATIONS["en"]!

// ── A site ──────────────────────────────────────────────────────────────────

/** Splits `capacity` seats over `round(capacity / seatsPerTable)` tables (at least one), the first ones getting the remainder. */
export const tableSeats = (capacity: number): Array<number> => {
  const tables = Math.max(1, Math.round(capacity / RESULTS_SIMULATION.seatsPerTable))
  const base = Math.floor(capacity / tables)
  return Array.from({ length: tables }, (_, i) => base + (i < capacity % tables ? 1 : 0))
}

/** A ballot id from its number: `b001`, `b002`, … (`b1000` and on past 999). */
export const simulatedBallotId = (n: number): string => `b${String(n).padStart(3, "0")}`

/**
 * A site's simulated results under {@link RESULTS_SIMULATION}: tables of about eight seats, each
 * with fewer people present than seats; per table, the counts of every tally question (every
 * option, zeros included; a few abstain); one ballot per person present (`b001`, …) answering
 * every ballot question (a few blanks); the tables' recommendations in the site's language and
 * the site's priority votes on them (at most `present × votes_per_participant`).
 * {@link checkSiteResults} finds nothing wrong with them.
 *
 * Each question draws from a stream of its own (seed, site, question), so adding a question to
 * the ballots leaves the answers to the others as they were.
 *
 * @example
 * const results = simulateSiteResults(ballots, { id: "sn-dakar", country: "SN", capacity: 100, format: "in-person", locale: "fr-SN" }, 1)
 * results.tallies.length // 13 tables
 * results.ballots[0] // { ballot: "b001", answers: { "data-protections": ["consent", "no-sale"], "platform-responsibility": 7, … } }
 */
export const simulateSiteResults = (ballots: Ballots, site: ResultsSimulationSite, seed: number): SiteResults => {
  const m = RESULTS_SIMULATION
  const region = m49Of(site.country)?.region.code
  const next = streamFor(seed, "results", site.id)
  const attendance = m.attendance.min + (m.attendance.max - m.attendance.min) * next()
  const present = tableSeats(Math.max(1, site.capacity)).map((seats) => clamp(Math.round(seats * attendance + 0.7 * normal(next)), 1, seats))
  const counted = ballots.questions.filter(isCounted)

  // tallies: per table, per tally question, the hands raised for each option
  const tallyCounts = present.map((): Record<string, Record<string, number>> => ({}))
  for (const q of counted.filter((x) => x.collect === "tally")) {
    const stream = streamFor(seed, "results", site.id, "tally", q.id)
    const voter = voterFor(q, region, stream)
    const ids = optionIds(q)
    present.forEach((p, t) => {
      const counts: Record<string, number> = Object.fromEntries(ids.map((o) => [o, 0]))
      for (let i = 0; i < p; i++) {
        if (stream() < m.tallyAbstain) continue
        const vote = voter(stream)
        for (const o of Array.isArray(vote) ? vote : [String(vote)]) counts[o]!++
      }
      tallyCounts[t]![q.id] = counts
    })
  }
  const tallies: Array<TableTally> = present.map((p, t) => ({ table: t + 1, present: p, counts: tallyCounts[t]! }))

  // ballots: one per person present, every ballot question answered but a few
  const people = present.reduce((a, b) => a + b, 0)
  const answers = Array.from({ length: people }, (): Record<string, BallotValue> => ({}))
  for (const q of counted.filter((x) => x.collect === "ballot")) {
    const stream = streamFor(seed, "results", site.id, "ballot", q.id)
    const voter = voterFor(q, region, stream)
    for (const a of answers) {
      if (stream() < m.ballotBlank) continue
      a[q.id] = voter(stream)
    }
  }
  const ballotEntries: Array<BallotEntry> = answers.map((a, i) => ({ ballot: simulatedBallotId(i + 1), answers: a }))

  const recommendations = ballots.questions
    .filter((q): q is RecommendationsQuestion => q.type === "recommendations")
    .flatMap((q) => simulateRecommendations(q, site, present, seed))

  return { site_id: site.id, tallies, ballots: ballotEntries, recommendations }
}

/** The tables' recommendations for one question, and the site's priority votes spread over them. */
const simulateRecommendations = (q: RecommendationsQuestion, site: ResultsSimulationSite, present: ReadonlyArray<number>, seed: number): Array<Recommendation> => {
  const m = RESULTS_SIMULATION.recommendations
  const stream = streamFor(seed, "results", site.id, "recommendations", q.id)
  const pool = recommendationPool(site.locale)
  const perTable = q.per_table ?? 3
  const written: Array<{ table: number; number: number; text: string; appeal: number }> = []
  present.forEach((_, t) => {
    const n = perTable > 1 && stream() < m.fewer ? perTable - 1 : perTable
    // distinct sentences at one table; a table writing more than the pool holds numbers the repeats
    const order = drawOrdered(pool.map(() => 1), Math.min(n, pool.length), stream)
    for (let k = 0; k < n; k++) {
      const base = pool[order[k % order.length]!]!
      written.push({ table: t + 1, number: k + 1, text: k < order.length ? base : `${base} (${k + 1})`, appeal: Math.exp(0.8 * normal(stream)) })
    }
  })
  const people = present.reduce((a, b) => a + b, 0)
  const turnout = m.turnout.min + (m.turnout.max - m.turnout.min) * stream()
  const cast = Math.floor(people * q.votes_per_participant * turnout)
  const votes = written.map(() => 0)
  const weights = written.map((w) => w.appeal)
  for (let i = 0; i < cast; i++) votes[pickWeighted(weights, stream)]!++
  return written.map((w, i) => ({ question: q.id, table: w.table, number: w.number, text: w.text, votes: votes[i]! }))
}

