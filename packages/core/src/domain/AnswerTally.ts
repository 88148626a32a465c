/**
 * The answers counted for the impact report in one pass: each participant's responses (every
 * wave of one instrument) go in once, and out come, for the panel and the control group apart,
 * every answer's value per wave and question, and for every wave pair the participants who
 * answered both, their (before, after) values per question and the changes of their knowledge
 * index — the `values`, `paired`, `pairedValues` and `knowledge` of {@link ReportCounts}. Pure:
 * the report's repository reads the responses in pages, ordered by participant, and feeds them in.
 *
 * Values are compared and counted as PostgreSQL's `->>` writes them (see {@link jsonbText}), so
 * the counts are those the same question asked of the database would give.
 */
import type { ReportCounts } from "./Report.js"

/** What one wave pair counts: the paired questions (numeric and single choice) and the knowledge items. */
export interface TallyPair {
  readonly waves: readonly [string, string]
  /** The questions whose (before, after) values are counted. */
  readonly questions: ReadonlyArray<string>
  /** The knowledge items, each with its correct option, scored as the share answered correctly among those answered. */
  readonly knowledge: ReadonlyArray<{ readonly id: string; readonly correct: string }>
}

/** What to count: the questions, the multiple-choice ones among them (their values are lists of options) and the wave pairs. */
export interface TallySpec {
  /** The questions whose values are counted in every wave (those of the pairs are added). */
  readonly questions: ReadonlyArray<string>
  readonly multiple: ReadonlySet<string>
  readonly pairs: ReadonlyArray<TallyPair>
}

/** One role's counts: every value, and per wave pair (in the spec's order) the paired counts. */
export interface RoleTally {
  readonly values: ReportCounts["values"]
  readonly pairs: ReadonlyArray<Pick<ReportCounts, "paired" | "pairedValues" | "knowledge">>
}

/** A participant as the tally groups them: their site, their category (or null) and whether they are in the control group. */
export interface TalliedParticipant {
  readonly site_id: string
  readonly cat: string | null
  readonly control: boolean
}

/** The answers of one response: question id → value, as stored. */
export type Answers = Readonly<Record<string, unknown>>

// PostgreSQL's jsonb orders an object's keys by length, then bytewise
const jsonbKeyOrder = (a: string, b: string): number => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)

/** A JSON number as PostgreSQL's numeric writes it: never in exponent notation. */
const numericText = (n: number): string => {
  const text = String(n)
  const e = text.indexOf("e")
  if (e < 0) return text
  const negative = n < 0
  const [int, frac = ""] = text.slice(negative ? 1 : 0, e).split(".")
  const digits = int! + frac
  const point = int!.length + Number(text.slice(e + 1))
  const plain = point <= 0 ? `0.${"0".repeat(-point)}${digits}` : point >= digits.length ? digits + "0".repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`
  return (negative ? "-" : "") + plain
}

const jsonbValue = (v: unknown): string => {
  if (v === null) return "null"
  if (typeof v === "string") return JSON.stringify(v)
  if (typeof v === "number") return numericText(v)
  if (typeof v === "boolean") return String(v)
  if (Array.isArray(v)) return `[${v.map(jsonbValue).join(", ")}]`
  const o = v as Record<string, unknown>
  return `{${Object.keys(o).sort(jsonbKeyOrder).map((k) => `${JSON.stringify(k)}: ${jsonbValue(o[k])}`).join(", ")}}`
}

/**
 * A stored answer as PostgreSQL's `->>` (and `jsonb_each_text`) gives it: a string as itself, a
 * number in plain decimal notation, true/false, an array or object as jsonb prints it, and JSON
 * null (or no answer) as null.
 *
 * @example
 * jsonbText("agree") // "agree"
 * jsonbText(1e-7)    // "0.0000001"
 * jsonbText(["a", "b"]) // '["a", "b"]'
 */
export const jsonbText = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === "string" ? v : jsonbValue(v))

/**
 * A value as a dictionary key: a string or a number as itself (hashed without being written
 * out; 3 and "3" get codes of their own and are merged when read), anything else as its text.
 */
type Key = string | number
const textOf = (k: Key): string => (typeof k === "string" ? k : numericText(k))

/** Codes in a response's code array: the question is not answered, or answered with JSON null. */
const ABSENT = -1
const NULL = -2

/** Pairs of codes as one number: before × 2^24 + after (codes stay far below 2^24). */
const PAIR = 2 ** 24

/** Counts by text (3 and "3" write the same) in first-seen order. */
const byText = (entries: Iterable<readonly [Key, number]>): Map<string, number> => {
  const out = new Map<string, number>()
  for (const [k, n] of entries) {
    const text = textOf(k)
    out.set(text, (out.get(text) ?? 0) + n)
  }
  return out
}

interface PairState {
  /** group → participants who answered both waves */
  readonly paired: Map<number, number>
  /** group → question's place in the pair → (before code × PAIR + after code) → n */
  readonly values: Map<number, Array<Map<number, number>>>
  /** group → rounded change → sums */
  readonly knowledge: Map<number, Map<number, { n: number; preSum: number; postSum: number }>>
}

interface RoleState {
  /** group → wave → question's place → code → n */
  readonly values: Map<number, Map<string, Array<Array<number>>>>
  readonly pairs: Array<PairState>
}

/**
 * A tally to feed participant by participant (`add`), then read (`result`). Only the questions
 * of `spec.questions` (and of its pairs) are counted: every answer is coded once per question
 * (a dictionary of the values met), and counted by code.
 *
 * @example
 * const tally = answerTally({ questions: ["trust"], multiple: new Set(), pairs: [{ waves: ["pre", "post"], questions: ["trust"], knowledge: [] }] })
 * tally.add({ site_id: "sn-dakar", cat: null, control: false }, new Map([["pre", { trust: 3 }], ["post", { trust: 4 }]]))
 * tally.result().panel.pairs[0].pairedValues // [{ site_id: "sn-dakar", cat: null, question: "trust", pre: "3", post: "4", n: 1 }]
 */
export const answerTally = (spec: TallySpec) => {
  const questions = [...new Set([...spec.questions, ...spec.pairs.flatMap((p) => [...p.questions, ...p.knowledge.map((k) => k.id)])])]
  const place = new Map(questions.map((q, i) => [q, i]))
  const Q = questions.length
  // per question: value → code, code → value
  const codes = questions.map(() => new Map<Key, number>())
  const keys: Array<Array<Key>> = questions.map(() => [])
  const pairPlaces = spec.pairs.map((p) => p.questions.map((q) => place.get(q)!))
  const knowledge = spec.pairs.map((p) => p.knowledge.map((k) => ({ at: place.get(k.id)!, correct: k.correct })))
  // per question, per code: whether its text is the knowledge item's correct option
  const correctOf = new Map(spec.pairs.flatMap((p) => p.knowledge.map((k) => [place.get(k.id)!, k.correct] as const)))
  const isCorrect: Array<Array<boolean>> = questions.map(() => [])

  const groups: Array<{ readonly site_id: string; readonly cat: string | null }> = []
  const groupIndex = new Map<string, number>()
  const roleState = (): RoleState => ({ values: new Map(), pairs: spec.pairs.map(() => ({ paired: new Map(), values: new Map(), knowledge: new Map() })) })
  const panel = roleState()
  const control = roleState()

  const codeOf = (q: number, v: unknown): number => {
    if (v === undefined) return ABSENT
    if (v === null) return NULL
    const k: Key = typeof v === "string" || typeof v === "number" ? v : jsonbText(v)!
    const dict = codes[q]!
    let c = dict.get(k)
    if (c === undefined) {
      c = keys[q]!.length
      dict.set(k, c)
      keys[q]!.push(k)
      const correct = correctOf.get(q)
      if (correct !== undefined) isCorrect[q]![c] = textOf(k) === correct
    }
    return c
  }

  /** The knowledge index of one response: the share of the items answered correctly among those answered (present, even as null), or null when none is. */
  const knowledgeIndex = (coded: Int32Array, items: ReadonlyArray<{ readonly at: number }>): number | null => {
    let answered = 0
    let correct = 0
    for (const { at } of items) {
      const c = coded[at]!
      if (c === ABSENT) continue
      answered++
      if (c >= 0 && isCorrect[at]![c] === true) correct++
    }
    return answered === 0 ? null : correct / answered
  }

  const add = (participant: TalliedParticipant, responses: ReadonlyMap<string, Answers>): void => {
    const key = participant.cat === null ? participant.site_id : `${participant.site_id}\u0000${participant.cat}`
    let g = groupIndex.get(key)
    if (g === undefined) {
      g = groups.length
      groups.push({ site_id: participant.site_id, cat: participant.cat })
      groupIndex.set(key, g)
    }
    const state = participant.control ? control : panel
    let byWave = state.values.get(g)
    if (byWave === undefined) state.values.set(g, (byWave = new Map()))
    const coded = new Map<string, Int32Array>()
    for (const [wave, answers] of responses) {
      let counts = byWave.get(wave)
      if (counts === undefined) byWave.set(wave, (counts = questions.map(() => [])))
      const row = new Int32Array(Q)
      for (let q = 0; q < Q; q++) {
        const c = (row[q] = codeOf(q, answers[questions[q]!]))
        if (c >= 0) {
          const h = counts[q]!
          h[c] = (h[c] ?? 0) + 1
        }
      }
      coded.set(wave, row)
    }
    for (let i = 0; i < spec.pairs.length; i++) {
      const pair = spec.pairs[i]!
      const before = coded.get(pair.waves[0])
      const after = coded.get(pair.waves[1])
      if (before === undefined || after === undefined) continue
      const s = state.pairs[i]!
      s.paired.set(g, (s.paired.get(g) ?? 0) + 1)
      const places = pairPlaces[i]!
      if (places.length > 0) {
        let byQuestion = s.values.get(g)
        if (byQuestion === undefined) s.values.set(g, (byQuestion = places.map(() => new Map())))
        for (let j = 0; j < places.length; j++) {
          const pre = before[places[j]!]!
          const post = after[places[j]!]!
          if (pre < 0 || post < 0) continue
          const h = byQuestion[j]!
          const k = pre * PAIR + post
          h.set(k, (h.get(k) ?? 0) + 1)
        }
      }
      const items = knowledge[i]!
      if (items.length > 0) {
        const pre = knowledgeIndex(before, items)
        const post = knowledgeIndex(after, items)
        if (pre === null || post === null) continue
        // the change rounded to 9 decimals, as the report's SQL did: a histogram key
        const diff = Math.round((post - pre) * 1e9) / 1e9
        let byDiff = s.knowledge.get(g)
        if (byDiff === undefined) s.knowledge.set(g, (byDiff = new Map()))
        let sums = byDiff.get(diff)
        if (sums === undefined) byDiff.set(diff, (sums = { n: 0, preSum: 0, postSum: 0 }))
        sums.n++
        sums.preSum += pre
        sums.postSum += post
      }
    }
  }

  const read = (state: RoleState): RoleTally => {
    const values: Array<ReportCounts["values"][number]> = []
    for (const [g, byWave] of state.values) {
      const { site_id, cat } = groups[g]!
      for (const [wave, counts] of byWave) {
        counts.forEach((h, q) => {
          const question = questions[q]!
          const multiple = spec.multiple.has(question)
          const entries: Array<readonly [Key, number]> = []
          h.forEach((n, c) => entries.push([keys[q]![c]!, n]))
          for (const [text, n] of byText(entries)) {
            let value: string | ReadonlyArray<string> = text
            if (multiple && text.startsWith("[")) {
              try {
                const parsed: unknown = JSON.parse(text)
                if (Array.isArray(parsed)) value = parsed.map(String)
              } catch {
                // not a list after all: counted as the text it is
              }
            }
            values.push({ site_id, cat, wave, question, value, n })
          }
        })
      }
    }
    const pairs = state.pairs.map((s, i) => ({
      paired: [...s.paired].map(([g, n]) => ({ ...groups[g]!, n })),
      pairedValues: [...s.values].flatMap(([g, byQuestion]) =>
        byQuestion.flatMap((h, j) => {
          const q = pairPlaces[i]![j]!
          // (before, after) by their texts: codes whose values write the same are merged
          const merged = new Map<string, number>()
          for (const [k, n] of h) {
            const key = `${textOf(keys[q]![Math.floor(k / PAIR)]!)}\u0000${textOf(keys[q]![k % PAIR]!)}`
            merged.set(key, (merged.get(key) ?? 0) + n)
          }
          return [...merged].map(([key, n]) => {
            const cut = key.indexOf("\u0000")
            return { ...groups[g]!, question: questions[q]!, pre: key.slice(0, cut), post: key.slice(cut + 1), n }
          })
        })
      ),
      knowledge: [...s.knowledge].flatMap(([g, byDiff]) => [...byDiff].map(([diff, sums]) => ({ ...groups[g]!, diff, ...sums })))
    }))
    return { values, pairs }
  }

  return {
    add,
    /** The counts so far, for the panel (everyone but the control group) and the control group. */
    result: (): { readonly panel: RoleTally; readonly control: RoleTally } => ({ panel: read(panel), control: read(control) })
  }
}

/** A tally being fed: see {@link answerTally}. */
export type AnswerTally = ReturnType<typeof answerTally>
