/**
 * Simulated survey answers for demos and benchmarks: a seeded, documented model of how citizens
 * answer an evaluation survey before and after a deliberation, so that a report run on them
 * should recover the effects listed by {@link simulatedEffects}. Pure and deterministic: the
 * same seed and participant give the same answers on every platform (no `Math.random`).
 */
import type { Answers, AnswerValue } from "./Answers.js"
import { type Instrument, type Question, type WaveId } from "./Instrument.js"
import { CODE_ALPHABET } from "./Registry.js"

// ── Seeded randomness ───────────────────────────────────────────────────────

/** A 32-bit hash of a string (FNV-1a, then murmur3's finalizer to spread the bits). */
export const hash32 = (text: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return fmix(h)
}

const fmix = (x: number): number => {
  let h = x >>> 0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/**
 * mulberry32: a tiny PRNG with 32 bits of state, integer arithmetic only, so the sequence is
 * the same on every platform. Returns uniforms in [0, 1).
 *
 * @example
 * const next = mulberry32(42)
 * next() // 0.6011037519201636, always
 */
export const mulberry32 = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A uniform stream for a seed and a path of keys, e.g. `streamFor(1, "site", "sn-dakar")`. */
export const streamFor = (seed: number, ...keys: ReadonlyArray<string>): (() => number) => mulberry32(hash32(`${seed}\u0000${keys.join("\u0000")}`))

/** A standard normal draw, Irwin–Hall style (sum of four uniforms): arithmetic only, so deterministic everywhere. */
const normal = (next: () => number): number => (next() + next() + next() + next() - 2) * Math.sqrt(3)

const logistic = (x: number): number => 1 / (1 + Math.exp(-x))

const clamp = (x: number, min: number, max: number): number => (x < min ? min : x > max ? max : x)

/** One index drawn from weights that sum to 1. */
const pick = (weights: ReadonlyArray<number>, u: number): number => {
  let acc = 0
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i]!
    if (u < acc) return i
  }
  return weights.length - 1
}

// ── The model ───────────────────────────────────────────────────────────────

/**
 * The effect sizes the simulation builds in. Shifts are in points of the question's own scale
 * as written for a 5-point (attitudes), 7-point (efficacy) or 0–10 (trust) item and rescaled
 * for other scales; knowledge shifts are in log-odds of a correct answer. Mirror sites get
 * `mirrorFactor` of each pre→post effect; `followupFactor` of it remains at the followup wave.
 * The control group (participants with role control) gets none of it: a flat control.
 */
export const simulationModel = {
  response: { pre: 0.85, postAfterPre: 0.75, postAfterPreMirror: 0.65, postWithoutPre: 0.2, followupAfterPost: 0.6, followupWithoutPost: 0.1 },
  /** Share of optional (not required) closed questions left blank. */
  optionalBlank: 0.03,
  /** Share of respondents who write something in an optional free-text question. */
  textAnswered: 0.35,
  source: { web: 0.7, paper: 0.2, kobo: 0.1 },
  mirrorFactor: 0.5,
  followupFactor: 0.6,
  knowledge: { postLogOdds: 0.75, dontKnowWhenWrongPre: 0.45, dontKnowWhenWrongPost: 0.3, samePre: 0.7 },
  efficacyInternal: { mean: 4.0, post: 0.35 },
  efficacyExternal: { mean: 3.4, post: 0.15 },
  trust: { post: 0 },
  attitude: { postMin: -0.2, postMax: 0.35 },
  choice: { dontKnowPostFactor: 0.5, gainingPost: 0.06, keepPre: 0.5 },
  evaluation: { meanShare: 0.78, mirrorShare: -0.06 }
} as const

/** What a question measures in the simulation, read from its type, its waves and its id. */
export type SimulatedRole =
  | "knowledge"
  | "trust"
  | "efficacy-internal"
  | "efficacy-external"
  | "attitude"
  | "evaluation"
  | "choice"
  | "multiple"
  | "number"
  | "text"

/** The role of a question: knowledge items by type; scales asked before the day by id (`trust…`, `efficacy-…`), else attitudes; scales asked only after it are views on the deliberation. */
export const roleOf = (q: Question): SimulatedRole => {
  switch (q.type) {
    case "knowledge":
      return "knowledge"
    case "text":
      return "text"
    case "number":
      return "number"
    case "multiple":
      return "multiple"
    case "single":
      return "choice"
    default:
      if (!q.waves.includes("pre")) return "evaluation"
      if (/trust/.test(q.id)) return "trust"
      if (/understand|qualified|internal|competen/.test(q.id)) return "efficacy-internal"
      if (/efficacy|influence|listened|external|say/.test(q.id)) return "efficacy-external"
      return "attitude"
  }
}

const isDontKnow = (optionId: string): boolean => /^(dont-know|do-not-know|dk|unsure|not-sure|no-answer|prefer-not)/.test(optionId)

/** Range of a closed numeric question: likert5 1–5, likert7 1–7, scale 0–10. */
const rangeOf = (q: Question): { min: number; max: number } =>
  q.type === "likert5" ? { min: 1, max: 5 } : q.type === "likert7" ? { min: 1, max: 7 } : q.type === "scale" ? { min: 0, max: 10 } : q.type === "number" ? { min: q.min, max: q.max } : { min: 0, max: 1 }

/** How many points of the question's scale one point of its reference scale is (5-point attitudes, 7-point efficacy, 0–10 trust). */
const rescale = (q: Question, role: SimulatedRole): number => {
  const { min, max } = rangeOf(q)
  const reference = role === "trust" ? 10 : role === "efficacy-internal" || role === "efficacy-external" ? 6 : 4
  return (max - min) / reference
}

/** The attitude shift of one question, in points of a 5-point scale, drawn from the seed. */
const attitudeShift = (seed: number, questionId: string): number => {
  const u = streamFor(seed, "attitude", questionId)()
  return Math.round((simulationModel.attitude.postMin + u * (simulationModel.attitude.postMax - simulationModel.attitude.postMin)) * 100) / 100
}

/** The option of a single-choice question that gains share after the day, drawn from the seed. */
const gainingOption = (seed: number, q: Question & { readonly options: ReadonlyArray<{ readonly id: string }> }): string => {
  const candidates = q.options.filter((o) => !isDontKnow(o.id))
  return candidates[Math.floor(streamFor(seed, "gaining", q.id)() * candidates.length)]!.id
}

/** One built-in pre→post effect, for the reader of a report to check it is recovered. */
export interface SimulatedEffect {
  readonly question: string
  readonly role: SimulatedRole
  /** Points of the question's scale (log-odds for knowledge items, share for a choice option). */
  readonly post: number
  readonly postMirror: number
  /** For a single choice: the option that gains `post` of the share from the others, plus the half of its share "I don't know" loses. */
  readonly option?: string
  readonly unit: "points" | "log-odds" | "share"
}

/**
 * The effects {@link simulateAnswers} builds in for an instrument and seed: one line per question
 * asked both before and after the day (pre→post, at in-person, online and hybrid sites; mirror
 * sites get `postMirror`). Questions asked after the day only are views on the deliberation,
 * skewed positive (about 78 % of the way up their scale, less at mirror sites).
 *
 * @example
 * simulatedEffects(instrument, 1).find((e) => e.role === "knowledge")
 * // { question: "know-internet-users", role: "knowledge", post: 0.75, postMirror: 0.375, unit: "log-odds" }
 */
export const simulatedEffects = (instrument: Instrument, seed: number): Array<SimulatedEffect> => {
  const m = simulationModel
  const out: Array<SimulatedEffect> = []
  for (const q of instrument.questions) {
    if (!q.waves.includes("pre") || !q.waves.some((w) => w !== "pre")) continue
    const role = roleOf(q)
    const add = (post: number, unit: SimulatedEffect["unit"], option?: string) =>
      out.push({ question: q.id, role, post: round3(post), postMirror: round3(post * m.mirrorFactor), unit, ...(option === undefined ? {} : { option }) })
    switch (role) {
      case "knowledge":
        add(m.knowledge.postLogOdds, "log-odds")
        break
      case "trust":
        add(m.trust.post * rescale(q, role), "points")
        break
      case "efficacy-internal":
        add(m.efficacyInternal.post * rescale(q, role), "points")
        break
      case "efficacy-external":
        add(m.efficacyExternal.post * rescale(q, role), "points")
        break
      case "attitude":
        add(attitudeShift(seed, q.id) * rescale(q, role), "points")
        break
      case "choice":
        if (q.type === "single") add(m.choice.gainingPost, "share", gainingOption(seed, q))
        break
      default:
        break
    }
  }
  return out
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000

// ── Participants and their answers ──────────────────────────────────────────

/** A participant the simulation answers for, with what their site says about them. */
export interface SimulatedParticipant {
  readonly id: string
  readonly site_id: string
  readonly country: string
  /** The site's format: in-person, online, hybrid or mirror. */
  readonly format: string
  /** The participant's locale, else their site's: picks the language of free-text answers. */
  readonly locale?: string | null | undefined
  readonly education?: string | null | undefined
  /** `control`: answers the waves without deliberating, so no effect is built in; anything else is the panel. */
  readonly role?: string | null | undefined
}

/** Where a response came from, as recorded with it. */
export type ResponseSource = "web" | "paper" | "kobo"

/** One simulated response: a participant's answers to one wave. */
export interface SimulatedResponse {
  readonly wave: WaveId
  readonly participant_id: string
  readonly answers: Answers
  readonly source: ResponseSource
}

/** What to simulate. */
export interface SimulationOptions {
  readonly seed: number
  readonly waves: ReadonlyArray<WaveId>
}

const WAVE_ORDER: ReadonlyArray<WaveId> = ["pre", "post", "followup"]

/** Site- and country-level offsets, drawn once per site from the seed, and the choice distributions they imply. */
interface SiteTraits {
  readonly mirror: boolean
  /** The share of each pre→post effect its participants get: 1, `mirrorFactor` at a mirror, 0 in the control group. */
  readonly factor: number
  readonly online: boolean
  readonly trust: number
  readonly knowledge: number
  readonly efficacy: number
  readonly evaluation: number
  readonly number: number
  readonly country: string
  readonly choices: Map<string, ChoiceModel>
  readonly attitudes: Map<string, number>
}

/**
 * A single-choice question at one site: the shares at each wave asking it, and for each wave
 * after the first, how answers move: a participant keeps their previous answer with
 * probability `keep`, else draws from `redraw`, which makes the wave's shares come out.
 */
interface ChoiceModel {
  readonly shares: ReadonlyMap<WaveId, ReadonlyArray<number>>
  readonly moves: ReadonlyMap<WaveId, { readonly keep: number; readonly redraw: ReadonlyArray<number> }>
}

const EDUCATION_KNOWLEDGE: Readonly<Record<string, number>> = { none: -0.5, primary: -0.25, secondary: 0, tertiary: 0.4 }

/** Per-question constants drawn from the seed: base means, difficulties, option weights. */
interface QuestionModel {
  readonly q: Question
  readonly role: SimulatedRole
  readonly salt: number
  readonly waves: ReadonlyArray<WaveId>
  readonly base: number
  readonly multipleShares: ReadonlyArray<number>
  readonly attitudeShift: number
  /** Knowledge items: the wrong options other than "I don't know", and that one. */
  readonly wrong: ReadonlyArray<{ readonly id: string }>
  readonly dontKnow: { readonly id: string } | undefined
}

const questionModels = (instrument: Instrument, seed: number): Array<QuestionModel> =>
  instrument.questions.map((q) => {
    const role = roleOf(q)
    const next = streamFor(seed, "question", q.id)
    const base = role === "knowledge" ? -0.6 + 1.2 * next() : role === "trust" ? 4 + 2.5 * next() : role === "attitude" ? 2.6 + 1.4 * next() : next()
    const multipleShares = q.type === "multiple" ? q.options.map((o) => (/^none/.test(o.id) ? 0.05 : 0.15 + 0.4 * next())) : []
    const options = "options" in q ? q.options : []
    return {
      q,
      role,
      salt: hash32(q.id),
      waves: WAVE_ORDER.filter((w) => q.waves.includes(w)),
      base,
      multipleShares,
      attitudeShift: role === "attitude" ? attitudeShift(seed, q.id) : 0,
      wrong: options.filter((o) => (q.type !== "knowledge" || o.id !== q.correct) && !isDontKnow(o.id)),
      dontKnow: options.find((o) => isDontKnow(o.id))
    }
  })

/** Shares after the day: "I don't know" loses half its share (times `factor`), which goes to the gaining option, and that option takes `gainingPost` (times `factor`) more from the others in proportion. */
const shiftedShares = (options: ReadonlyArray<{ readonly id: string }>, pre: ReadonlyArray<number>, gaining: string, factor: number): Array<number> => {
  const m = simulationModel.choice
  const g = options.findIndex((o) => o.id === gaining)
  const post = pre.slice()
  options.forEach((o, i) => {
    if (!isDontKnow(o.id)) return
    const lost = pre[i]! * (1 - m.dontKnowPostFactor) * factor
    post[i] = pre[i]! - lost
    post[g] = post[g]! + lost
  })
  const others = options.reduce((a, o, i) => (i === g || isDontKnow(o.id) ? a : a + post[i]!), 0)
  const gain = Math.min(m.gainingPost * factor, others / 2)
  options.forEach((o, i) => {
    if (i !== g && !isDontKnow(o.id) && others > 0) post[i] = post[i]! - gain * (post[i]! / others)
  })
  post[g] = post[g]! + gain
  return post
}

/** How to move from shares `from` to shares `to` while keeping as many answers as allowed. */
const move = (from: ReadonlyArray<number>, to: ReadonlyArray<number>): { keep: number; redraw: Array<number> } => {
  const keep = Math.min(simulationModel.choice.keepPre, ...from.map((p, i) => (p > 0 ? to[i]! / p : 1)))
  const redraw = to.map((p, i) => Math.max(0, (p - keep * from[i]!) / (1 - keep)))
  const total = redraw.reduce((a, b) => a + b, 0)
  return { keep, redraw: redraw.map((r) => r / total) }
}

const choiceModel = (seed: number, q: Question & { readonly options: ReadonlyArray<{ readonly id: string }> }, country: string, factor: number): ChoiceModel => {
  const weights = streamFor(seed, "choice", q.id)
  const local = streamFor(seed, "choice", q.id, country)
  // Dirichlet(1)-like shares for the question, tilted per country, "I don't know" kept small
  const raw = q.options.map((o) => {
    const w = -Math.log(1 - weights()) * Math.exp(0.4 * normal(local))
    return isDontKnow(o.id) ? w * 0.25 : w
  })
  const total = raw.reduce((a, b) => a + b, 0)
  const pre = raw.map((w) => w / total)
  const gaining = gainingOption(seed, q)
  const waves = WAVE_ORDER.filter((w) => q.waves.includes(w))
  const shares = new Map<WaveId, ReadonlyArray<number>>(waves.map((w) => [w, q.waves.includes("pre") && w !== "pre" ? shiftedShares(q.options, pre, gaining, effectAt(w, factor)) : pre]))
  const moves = new Map(waves.slice(1).map((w, i) => [w, move(shares.get(waves[i]!)!, shares.get(w)!)]))
  return { shares, moves }
}

const siteTraits = (seed: number, models: ReadonlyArray<QuestionModel>, site: string, country: string, format: string, control: boolean): SiteTraits => {
  const c = streamFor(seed, "country", country)
  const s = streamFor(seed, "site", site)
  const mirror = format === "mirror"
  // the control group lives in the same place (the same site and country offsets) but does not deliberate
  const factor = control ? 0 : mirror ? simulationModel.mirrorFactor : 1
  const choices = new Map<string, ChoiceModel>()
  const attitudes = new Map<string, number>()
  for (const m of models) {
    if (m.q.type === "single") choices.set(m.q.id, choiceModel(seed, m.q, country, factor))
    if (m.role === "attitude") attitudes.set(m.q.id, 0.3 * normal(streamFor(seed, "attitude", m.q.id, country)))
  }
  return {
    mirror,
    factor,
    online: format === "online",
    trust: 0.9 * normal(c) + 0.3 * normal(s),
    knowledge: 0.35 * normal(c) + 0.35 * normal(s),
    efficacy: 0.2 * normal(c) + 0.2 * normal(s),
    evaluation: 0.05 * normal(s),
    number: 0.04 * normal(c),
    country,
    choices,
    attitudes
  }
}

/** The person-level latent traits, standard normal. */
interface Person {
  readonly knowledge: number
  readonly trust: number
  readonly efficacyInternal: number
  readonly efficacyExternal: number
  readonly experience: number
  readonly answered: ReadonlyMap<WaveId, ResponseSource>
}

const person = (seed: number, p: SimulatedParticipant, site: SiteTraits): Person => {
  const next = streamFor(seed, "participant", p.id)
  const knowledge = normal(next)
  const trust = normal(next)
  const efficacyInternal = normal(next)
  const efficacyExternal = 0.4 * efficacyInternal + Math.sqrt(1 - 0.16) * normal(next)
  const experience = normal(next)
  const r = simulationModel.response
  const pre = next() < r.pre
  const post = next() < (pre ? (site.mirror ? r.postAfterPreMirror : r.postAfterPre) : r.postWithoutPre)
  const followup = next() < (post ? r.followupAfterPost : r.followupWithoutPost)
  const answered = new Map<WaveId, ResponseSource>()
  for (const [wave, yes] of [["pre", pre], ["post", post], ["followup", followup]] as const) {
    const u = next()
    const source: ResponseSource = site.online || u < simulationModel.source.web ? "web" : u < simulationModel.source.web + simulationModel.source.paper ? "paper" : "kobo"
    if (yes) answered.set(wave, source)
  }
  return { knowledge, trust, efficacyInternal, efficacyExternal, experience, answered }
}

/** How much of the pre→post effect applies at a wave, for participants who get `factor` of it. */
const effectAt = (wave: WaveId, factor: number): number =>
  (wave === "pre" ? 0 : wave === "post" ? 1 : simulationModel.followupFactor) * factor

const language = (locale: string | null | undefined): string => (locale ?? "en").split("-")[0]!.toLowerCase()

/** The answers of one question at every wave that asks it (drawn together so waves stay correlated). */
type Sink = Partial<Record<WaveId, Record<string, AnswerValue>>>

const put = (sink: Sink, wave: WaveId, id: string, value: AnswerValue | undefined): void => {
  const answers = sink[wave]
  if (answers !== undefined && value !== undefined) answers[id] = value
}

const answersTo = (m: QuestionModel, p: SimulatedParticipant, site: SiteTraits, who: Person, pid: number, sink: Sink): void => {
  const next = mulberry32(fmix(pid ^ m.salt))
  const q = m.q
  const optionalBlank = (): boolean => q.required !== true && next() < simulationModel.optionalBlank
  switch (m.role) {
    case "knowledge": {
      if (q.type !== "knowledge") break
      const k = simulationModel.knowledge
      const edu = EDUCATION_KNOWLEDGE[p.education ?? ""] ?? 0
      const { wrong, dontKnow } = m
      let u = next()
      for (const wave of m.waves) {
        if (wave !== m.waves[0] && next() >= k.samePre) u = next()
        const blank = optionalBlank()
        const wrongDraw = next()
        const wrongPick = next()
        const correct = u < logistic(m.base + who.knowledge + edu + site.knowledge + k.postLogOdds * effectAt(wave, site.factor))
        const dk = wave === "pre" ? k.dontKnowWhenWrongPre : k.dontKnowWhenWrongPost
        const value = correct ? q.correct : dontKnow !== undefined && (wrongDraw < dk || wrong.length === 0) ? dontKnow.id : (wrong[Math.floor(wrongPick * wrong.length)] ?? dontKnow ?? q.options[0]!).id
        put(sink, wave, q.id, blank ? undefined : value)
      }
      break
    }
    case "trust":
    case "efficacy-internal":
    case "efficacy-external":
    case "attitude":
    case "evaluation": {
      const { min, max } = rangeOf(q)
      const unit = rescale(q, m.role)
      const range = max - min
      let mean: number
      let loading: number
      let noise: number
      let shift = 0
      const latent = m.role === "trust" ? who.trust : m.role === "efficacy-internal" ? who.efficacyInternal : m.role === "efficacy-external" ? who.efficacyExternal : m.role === "evaluation" ? who.experience : normal(next)
      switch (m.role) {
        case "trust":
          mean = min + (m.base + site.trust) * unit
          loading = 1.6 * unit
          noise = 1.2 * unit
          shift = simulationModel.trust.post * unit
          break
        case "efficacy-internal":
        case "efficacy-external": {
          const e = m.role === "efficacy-internal" ? simulationModel.efficacyInternal : simulationModel.efficacyExternal
          mean = min + (e.mean - 1 + site.efficacy) * unit
          loading = 1.1 * unit
          noise = 0.8 * unit
          shift = e.post * unit
          break
        }
        case "attitude":
          mean = min + (m.base - 1 + (site.attitudes.get(q.id) ?? 0)) * unit
          loading = 0.8 * unit
          noise = 0.7 * unit
          shift = m.attitudeShift * unit
          break
        default:
          mean = min + range * (simulationModel.evaluation.meanShare + site.evaluation + (site.mirror ? simulationModel.evaluation.mirrorShare : 0))
          loading = 0.12 * range
          noise = 0.12 * range
      }
      for (const wave of m.waves) {
        const e = normal(next)
        const blank = optionalBlank()
        const waveShift = m.role === "evaluation" ? (wave === "followup" ? -0.04 * range : 0) : shift * effectAt(wave, site.factor)
        // (+ 0 turns a rounded -0 into 0)
        put(sink, wave, q.id, blank ? undefined : clamp(Math.round(mean + loading * latent + waveShift + noise * e), min, max) + 0)
      }
      break
    }
    case "choice": {
      const model = site.choices.get(q.id)
      if (model === undefined || q.type !== "single") break
      let previous: number | undefined
      for (const wave of m.waves) {
        const u = next()
        const stay = next()
        const blank = optionalBlank()
        const moves = model.moves.get(wave)
        const i = previous === undefined || moves === undefined ? pick(model.shares.get(wave)!, u) : stay < moves.keep ? previous : pick(moves.redraw, u)
        previous = i
        put(sink, wave, q.id, blank ? undefined : q.options[i]!.id)
      }
      break
    }
    case "multiple": {
      if (q.type !== "multiple") break
      for (const wave of m.waves) {
        const draws = q.options.map((_, i) => next() < m.multipleShares[i]!)
        const blank = optionalBlank()
        const none = q.options.findIndex((o) => /^none/.test(o.id))
        let chosen = q.options.filter((o, i) => draws[i] && i !== none).map((o) => o.id)
        if (none >= 0 && draws[none]) chosen = [q.options[none]!.id]
        if (chosen.length === 0) {
          // a required question gets the option most often chosen
          const top = m.multipleShares.indexOf(Math.max(...m.multipleShares.filter((_, i) => i !== none)))
          chosen = [q.options[top]!.id]
        }
        put(sink, wave, q.id, blank ? undefined : chosen)
      }
      break
    }
    case "number": {
      if (q.type !== "number") break
      const range = q.max - q.min
      const whole = Number.isInteger(q.min) && Number.isInteger(q.max)
      const level = 0.2 + site.number + 0.12 * normal(next)
      for (const wave of m.waves) {
        const raw = clamp(q.min + range * (level + 0.03 * normal(next)), q.min, q.max)
        const blank = optionalBlank()
        put(sink, wave, q.id, blank ? undefined : (whole ? Math.round(raw) : Math.round(raw * 10) / 10) + 0)
      }
      break
    }
    case "text": {
      const pool = textPool(q.id, language(p.locale))

      for (const wave of m.waves) {
        const writes = next() < (q.required === true ? 1 : simulationModel.textAnswered)
        const which = next()
        put(sink, wave, q.id, writes ? pool[Math.floor(which * pool.length)]! : undefined)
      }
      break
    }
  }
}

/**
 * Simulated answers of `participants` to the waves asked, with attrition (not everyone answers
 * every wave), item non-response on optional questions, and the effects of
 * {@link simulatedEffects}. Each participant's answers depend only on the seed, their id, site,
 * country, format, locale and education: the same inputs always give the same responses.
 *
 * @example
 * const responses = simulateAnswers(instrument, [{ id: "p-1", site_id: "sn-dakar", country: "SN", format: "in-person", locale: "fr-SN" }], { seed: 1, waves: ["pre", "post"] })
 * // [{ wave: "pre", participant_id: "p-1", source: "web", answers: { "trust-parliament": 4, … } }, …]
 */
export const simulateAnswers = (instrument: Instrument, participants: ReadonlyArray<SimulatedParticipant>, options: SimulationOptions): Array<SimulatedResponse> =>
  simulator(instrument, options)(participants)

/**
 * {@link simulateAnswers} for participants given in several chunks: what depends on the seed,
 * the instrument and a site only is computed once. The answers are the same either way.
 */
export const simulator = (instrument: Instrument, options: SimulationOptions): ((participants: ReadonlyArray<SimulatedParticipant>) => Array<SimulatedResponse>) => {
  const models = questionModels(instrument, options.seed)
  const sites = new Map<string, SiteTraits>()
  const waves = WAVE_ORDER.filter((w) => options.waves.includes(w) && models.some((m) => m.waves.includes(w)))
  const asked = models.filter((m) => waves.some((w) => m.waves.includes(w)))
  return (participants) => {
    const out: Array<SimulatedResponse> = []
    for (const p of participants) {
      const control = p.role === "control"
      const key = `${p.site_id}\u0000${p.country}\u0000${p.format}\u0000${control}`
      let site = sites.get(key)
      if (site === undefined) {
        site = siteTraits(options.seed, models, p.site_id, p.country, p.format, control)
        sites.set(key, site)
      }
      const who = person(options.seed, p, site)
      const sink: Sink = {}
      for (const w of waves) if (who.answered.has(w)) sink[w] = {}
      if (Object.keys(sink).length === 0) continue
      const pid = hash32(`${options.seed}\u0000answers\u0000${p.id}`)
      for (const m of asked) answersTo(m, p, site, who, pid, sink)
      for (const w of waves) {
        const answers = sink[w]
        if (answers !== undefined) out.push({ wave: w, participant_id: p.id, answers, source: who.answered.get(w)! })
      }
    }
    return out
  }
}

// ── Simulated participants ──────────────────────────────────────────────────


/** A site simulated participants are spread over, in proportion to its capacity. */
export interface SimulationSite {
  readonly id: string
  readonly capacity: number
}

/** A simulated participant's registry row: no e-mail address, a code derived from the seed. */
export interface SimulatedRegistration {
  readonly id: string
  readonly site_id: string
  readonly code: string
  readonly gender: string
  readonly age_band: string
  readonly education: string
  readonly residence: string
  /** `control` for the share drawn into the control group; absent for the panel. */
  readonly role?: "control"
}

/** The id prefix of a site's simulated participants (ids stay within 63 characters). */
export const simulatedIdPrefix = (siteId: string): string => `sim-${siteId.slice(0, 52)}-`

const GENDER = [["woman", 0.48], ["man", 0.47], ["non-binary", 0.02], ["undisclosed", 0.03]] as const
const AGE = [["16-24", 0.16], ["25-34", 0.19], ["35-44", 0.18], ["45-54", 0.16], ["55-64", 0.15], ["65+", 0.16]] as const
const EDUCATION = [["none", 0.1], ["primary", 0.2], ["secondary", 0.42], ["tertiary", 0.28]] as const
const RESIDENCE = [["urban", 0.65], ["rural", 0.35]] as const

const category = (table: ReadonlyArray<readonly [string, number]>, u: number): string => table[pick(table.map((t) => t[1]), u)]![0]

/**
 * `count` new participants spread over `sites` by capacity (largest remainders, ties by site
 * order), numbered per site after `nextNumber` (the highest number already used under each
 * {@link simulatedIdPrefix}), each with a code derived from the seed that is not in `taken`
 * (codes are added to `taken`).
 *
 * @example
 * planSimulatedParticipants({ seed: 1, count: 3, sites: [{ id: "sn-dakar", capacity: 100 }], nextNumber: new Map(), taken: new Set() })
 * // [{ id: "sim-sn-dakar-00001", site_id: "sn-dakar", code: "…", gender: "woman", … }, …]
 */
export const planSimulatedParticipants = (input: {
  readonly seed: number
  readonly count: number
  readonly sites: ReadonlyArray<SimulationSite>
  readonly nextNumber: ReadonlyMap<string, number>
  readonly taken: Set<string>
  /** The share (0 to 1) of them drawn, by the seed, into the control group (role control). */
  readonly controlShare?: number | undefined
}): Array<SimulatedRegistration> => {
  const total = input.sites.reduce((a, s) => a + s.capacity, 0)
  if (input.count <= 0 || total <= 0) return []
  const quotas = input.sites.map((s, i) => {
    const exact = (input.count * s.capacity) / total
    return { site: s, i, n: Math.floor(exact), rest: exact - Math.floor(exact) }
  })
  let left = input.count - quotas.reduce((a, q) => a + q.n, 0)
  for (const q of [...quotas].sort((a, b) => b.rest - a.rest || a.i - b.i)) {
    if (left === 0) break
    q.n++
    left--
  }
  const out: Array<SimulatedRegistration> = []
  const used = new Map(input.nextNumber)
  for (const q of quotas) {
    const prefix = simulatedIdPrefix(q.site.id)
    let n = used.get(prefix) ?? 0
    for (let k = 0; k < q.n; k++) {
      n++
      const id = `${prefix}${String(n).padStart(5, "0")}`
      const next = streamFor(input.seed, "registration", id)
      let code = ""
      for (let attempt = 0; code === "" || input.taken.has(code); attempt++) {
        const c = attempt === 0 ? next : streamFor(input.seed, "code", id, String(attempt))
        code = ""
        for (let j = 0; j < 8; j++) code += CODE_ALPHABET[Math.floor(c() * CODE_ALPHABET.length)]
      }
      input.taken.add(code)
      const person: SimulatedRegistration = { id, site_id: q.site.id, code, gender: category(GENDER, next()), age_band: category(AGE, next()), education: category(EDUCATION, next()), residence: category(RESIDENCE, next()) }
      // drawn from a stream of its own: the same seed gives the same people with or without a control group
      out.push((input.controlShare ?? 0) > 0 && streamFor(input.seed, "control", id)() < input.controlShare! ? { ...person, role: "control" } : person)
    }
    used.set(prefix, n)
  }
  return out
}

// ── Free text ───────────────────────────────────────────────────────────────

type Pools = Readonly<Record<"learned" | "change" | "comment", ReadonlyArray<string>>>

const TEXT: Readonly<Record<string, Pools>> = {
  en: {
    learned: [
      "That decisions about the Internet are made by many different organisations, not by one.",
      "How much personal data companies collect, and that I can ask them to delete it.",
      "That people in other countries worry about the same things as we do.",
      "What end-to-end encryption really means.",
      "Listening to people who disagree with me helped me understand my own view.",
      "How false information spreads, and why it is hard to stop without limiting free speech.",
      "That citizens can have a say in how the Internet is run."
    ],
    change: [
      "More time for the discussions at the tables.",
      "Fewer videos and more time to ask the experts questions.",
      "Start a little later in the morning.",
      "The booklet was long: a short summary would help.",
      "Better sound during the global moments.",
      "Smaller tables, so that everyone gets to speak.",
      "Nothing, it was very well organised."
    ],
    comment: ["Thank you for inviting me.", "I hope the results will really be used.", "It was interesting to hear so many different opinions."]
  },
  fr: {
    learned: [
      "Que les décisions sur Internet sont prises par beaucoup d’organisations différentes.",
      "La quantité de données personnelles que les entreprises collectent sur nous.",
      "Que les gens d’autres pays ont les mêmes inquiétudes que nous.",
      "Ce que veut vraiment dire le chiffrement de bout en bout.",
      "Écouter ceux qui ne sont pas d’accord m’a aidé à comprendre mon propre avis.",
      "Que les citoyens peuvent avoir leur mot à dire sur la gouvernance d’Internet."
    ],
    change: [
      "Plus de temps pour les discussions en table.",
      "Moins de vidéos et plus de temps pour poser des questions aux experts.",
      "Commencer un peu plus tard le matin.",
      "Le livret était long : un résumé court aiderait.",
      "Des tables plus petites, pour que chacun puisse parler.",
      "Rien, c’était très bien organisé."
    ],
    comment: ["Merci de m’avoir invité.", "J’espère que les résultats seront vraiment utilisés."]
  },
  es: {
    learned: [
      "Que las decisiones sobre Internet las toman muchas organizaciones distintas.",
      "Cuántos datos personales recogen las empresas sobre nosotros.",
      "Que en otros países a la gente le preocupan las mismas cosas que a nosotros.",
      "Qué significa de verdad el cifrado de extremo a extremo.",
      "Escuchar a quienes no piensan como yo me ayudó a entender mi propia opinión.",
      "Que la ciudadanía puede opinar sobre cómo se gobierna Internet."
    ],
    change: [
      "Más tiempo para los debates en las mesas.",
      "Menos vídeos y más tiempo para preguntar a los expertos.",
      "Empezar un poco más tarde por la mañana.",
      "El cuadernillo era largo: un resumen corto ayudaría.",
      "Mesas más pequeñas, para que todos puedan hablar.",
      "Nada, estuvo muy bien organizado."
    ],
    comment: ["Gracias por invitarme.", "Espero que los resultados se usen de verdad."]
  },
  ar: {
    learned: [
      "أن القرارات المتعلقة بالإنترنت تتخذها منظمات كثيرة ومختلفة.",
      "حجم البيانات الشخصية التي تجمعها الشركات عنا.",
      "أن الناس في البلدان الأخرى يقلقون من الأمور نفسها التي تقلقنا.",
      "المعنى الحقيقي للتشفير من طرف إلى طرف.",
      "الاستماع إلى من يخالفونني الرأي ساعدني على فهم رأيي.",
      "أن للمواطنين رأيًا في طريقة إدارة الإنترنت."
    ],
    change: [
      "مزيد من الوقت للنقاش على الطاولات.",
      "عدد أقل من مقاطع الفيديو ووقت أطول لطرح الأسئلة على الخبراء.",
      "أن يبدأ اليوم في وقت متأخر قليلًا.",
      "كان الكتيّب طويلًا: ملخص قصير سيكون مفيدًا.",
      "طاولات أصغر حتى يتمكن الجميع من الكلام.",
      "لا شيء، كان التنظيم ممتازًا."
    ],
    comment: ["شكرًا على دعوتي.", "آمل أن تُستخدم النتائج فعلًا."]
  },
  pt: {
    learned: [
      "Que as decisões sobre a Internet são tomadas por muitas organizações diferentes.",
      "Quantos dados pessoais as empresas recolhem sobre nós.",
      "Que as pessoas de outros países se preocupam com as mesmas coisas que nós.",
      "O que significa de verdade a criptografia de ponta a ponta.",
      "Ouvir quem discorda de mim me ajudou a entender a minha própria opinião."
    ],
    change: [
      "Mais tempo para as conversas nas mesas.",
      "Menos vídeos e mais tempo para fazer perguntas aos especialistas.",
      "Começar um pouco mais tarde de manhã.",
      "Mesas menores, para que todos possam falar.",
      "Nada, foi muito bem organizado."
    ],
    comment: ["Obrigado pelo convite.", "Espero que os resultados sejam realmente usados."]
  }
}

const POOLS = new Map(
  Object.entries(TEXT).map(([lang, pools]) => [lang, { learned: pools.learned, change: pools.change, comment: [...pools.comment, ...pools.change.slice(-1)] }] as const)
)

/** The sentences a free-text question is answered from: by language (English when there is none), by what the question asks. */
export const textPool = (questionId: string, lang: string): ReadonlyArray<string> => {
  const pools = POOLS.get(lang) ?? POOLS.get("en")!
  return /learn/.test(questionId) ? pools.learned : /change|improve|better|suggest|differ/.test(questionId) ? pools.change : pools.comment
}
