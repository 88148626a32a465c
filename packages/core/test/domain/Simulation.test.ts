// Simulated survey answers: deterministic, always valid answers, and the built-in effects,
// attrition and differences between sites come out of a few thousand simulated participants.
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { type AnswerValue, decodeAnswer } from "../../src/domain/Answers.js"
import { decodeInstrumentYaml, type Question, questionsFor } from "../../src/domain/Instrument.js"
import { CODE_ALPHABET, ParticipantId } from "../../src/domain/Registry.js"
import {
  mulberry32,
  planSimulatedParticipants,
  roleOf,
  simulateAnswers,
  simulatedEffects,
  type SimulatedParticipant,
  type SimulatedResponse,
  simulationModel
} from "../../src/domain/Simulation.js"
import { newParticipantCode } from "../../src/registries/Registries.js"
import * as Schema from "effect/Schema"

const example = join(import.meta.dirname, "..", "..", "..", "..", "examples", "we-the-internet", "surveys", "evaluation.yaml")
const instrument = decodeInstrumentYaml(readFileSync(example, "utf8"), "evaluation.yaml")
const byId = new Map(instrument.questions.map((q) => [q.id, q]))

const SITES = [
  { site_id: "gb-london", country: "GB", format: "in-person", locale: "en-GB" },
  { site_id: "sn-dakar", country: "SN", format: "in-person", locale: "fr-SN" },
  { site_id: "eg-cairo", country: "EG", format: "hybrid", locale: "ar-EG" },
  { site_id: "in-delhi", country: "IN", format: "online", locale: "hi-IN" },
  { site_id: "mx-cdmx", country: "MX", format: "in-person", locale: "es-MX" },
  { site_id: "ws-apia", country: "WS", format: "mirror", locale: "sm-WS" }
] as const
const EDUCATION = ["none", "primary", "secondary", "tertiary"]

const people = (n: number, sites: ReadonlyArray<(typeof SITES)[number]> = SITES): Array<SimulatedParticipant> =>
  Array.from({ length: n }, (_, i) => {
    const s = sites[i % sites.length]!
    return { id: `p-${s.site_id}-${String(i).padStart(5, "0")}`, ...s, education: EDUCATION[i % 4] }
  })

const N = 6000
const all = simulateAnswers(instrument, people(N), { seed: 7, waves: ["pre", "post"] })

/** Responses by participant and wave. */
const index = (responses: ReadonlyArray<SimulatedResponse>) => {
  const out = new Map<string, Map<string, SimulatedResponse>>()
  for (const r of responses) {
    const m = out.get(r.participant_id) ?? new Map<string, SimulatedResponse>()
    m.set(r.wave, r)
    out.set(r.participant_id, m)
  }
  return out
}
const byParticipant = index(all)
const siteOf = (id: string) => id.split("-").slice(1, 3).join("-")
const isMirror = (id: string) => siteOf(id) === "ws-apia"

const mean = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0) / xs.length

/** Share of knowledge answers that are correct, over the responses given. */
const knowledgeShare = (responses: ReadonlyArray<SimulatedResponse>) => {
  const items = instrument.questions.filter((q) => q.type === "knowledge")
  let right = 0
  let total = 0
  for (const r of responses) {
    for (const q of items) {
      if (q.type !== "knowledge" || r.answers[q.id] === undefined) continue
      total++
      if (r.answers[q.id] === q.correct) right++
    }
  }
  return right / total
}

/** Paired post − pre differences of a numeric question, for participants who answered both. */
const pairedDiffs = (questionId: string, keep: (id: string) => boolean) => {
  const diffs: Array<number> = []
  for (const [id, waves] of byParticipant) {
    if (!keep(id)) continue
    const pre = waves.get("pre")?.answers[questionId]
    const post = waves.get("post")?.answers[questionId]
    if (typeof pre === "number" && typeof post === "number") diffs.push(post - pre)
  }
  return diffs
}

const raw = (v: AnswerValue): string | ReadonlyArray<string> => (typeof v === "number" ? String(v) : v)

describe("simulated answers", () => {
  it("are the same for the same seed, differ for another, and do not depend on who else is simulated", () => {
    const few = people(300)
    const a = simulateAnswers(instrument, few, { seed: 3, waves: ["pre", "post"] })
    expect(simulateAnswers(instrument, few, { seed: 3, waves: ["pre", "post"] })).toEqual(a)
    expect(simulateAnswers(instrument, few, { seed: 4, waves: ["pre", "post"] })).not.toEqual(a)
    // one participant alone, or the list reversed: the same answers
    const tenth = few[10]!
    const alone = simulateAnswers(instrument, [tenth], { seed: 3, waves: ["pre", "post"] })
    expect(alone).toEqual(a.filter((r) => r.participant_id === tenth.id))
    const reversed = simulateAnswers(instrument, [...few].reverse(), { seed: 3, waves: ["pre", "post"] })
    expect(new Set(reversed.map((r) => JSON.stringify(r)))).toEqual(new Set(a.map((r) => JSON.stringify(r))))
    // asking for one wave gives that wave's answers unchanged
    expect(simulateAnswers(instrument, few, { seed: 3, waves: ["post"] })).toEqual(a.filter((r) => r.wave === "post"))
    // the generator itself is fixed: a change to it changes every stored demo
    const next = mulberry32(42)
    expect([next(), next(), next()].map((x) => x.toFixed(6))).toEqual(["0.601104", "0.448291", "0.852466"])
  })

  it("gives only answers that decode, to questions of the wave, every required one answered", () => {
    expect(all.length).toBeGreaterThan(N)
    const bad: Array<string> = []
    let checked = 0
    for (const r of all) {
      const asked = questionsFor(instrument, r.wave)
      for (const q of asked) {
        const v = r.answers[q.id]
        if (v === undefined) {
          if (q.required === true) bad.push(`${r.participant_id} ${r.wave} ${q.id}: required, not answered`)
          continue
        }
        const check = decodeAnswer(q, raw(v), { enforceRequired: true })
        checked++
        if (!check.ok || JSON.stringify(check.value) !== JSON.stringify(v) || Object.is(v, -0)) bad.push(`${r.participant_id} ${r.wave} ${q.id} = ${JSON.stringify(v)}: ${JSON.stringify(check)}`)
      }
      for (const id of Object.keys(r.answers)) if (!asked.some((q) => q.id === id)) bad.push(`${r.participant_id} ${r.wave}: ${id} is not asked`)
    }
    expect(bad.slice(0, 10)).toEqual([])
    expect(checked).toBeGreaterThan(all.length * 20)
  })

  it("has attrition within the model's ranges, and a few who answer after the day only", () => {
    const answeredPre = [...byParticipant.values()].filter((w) => w.has("pre")).length
    const both = [...byParticipant.values()].filter((w) => w.has("pre") && w.has("post")).length
    const postOnly = [...byParticipant.values()].filter((w) => !w.has("pre") && w.has("post")).length
    expect(answeredPre / N).toBeGreaterThan(0.82)
    expect(answeredPre / N).toBeLessThan(0.88)
    expect(both / answeredPre).toBeGreaterThan(0.69)
    expect(both / answeredPre).toBeLessThan(0.77)
    expect(postOnly / N).toBeGreaterThan(0.01)
    expect(postOnly / N).toBeLessThan(0.05)
  })

  it("builds in the effects a deliberative poll reports: more knowledge, a little more efficacy, stable trust", () => {
    const notMirror = (id: string) => !isMirror(id)
    const pre = all.filter((r) => r.wave === "pre" && notMirror(r.participant_id))
    const post = all.filter((r) => r.wave === "post" && notMirror(r.participant_id))
    const gain = knowledgeShare(post) - knowledgeShare(pre)
    expect(gain).toBeGreaterThan(0.1)
    expect(gain).toBeLessThan(0.2)
    const efficacy = mean([...pairedDiffs("efficacy-understand", notMirror), ...pairedDiffs("efficacy-qualified", notMirror)])
    expect(efficacy).toBeGreaterThan(0.2)
    expect(efficacy).toBeLessThan(0.5)
    const trust = pairedDiffs("trust-parliament", notMirror)
    expect(Math.abs(mean(trust))).toBeLessThan(0.15)
    // discretized with noise: ties and zero differences, as in real data
    expect(trust.filter((d) => d === 0).length / trust.length).toBeGreaterThan(0.1)
    expect(trust.some((d) => d !== 0)).toBe(true)
    // each attitude moves by the shift simulatedEffects announces (±0.1)
    for (const e of simulatedEffects(instrument, 7).filter((x) => x.role === "attitude")) {
      expect(Math.abs(mean(pairedDiffs(e.question, notMirror)) - e.post), e.question).toBeLessThan(0.1)
    }
  })

  it("moves single-choice shares toward the announced option, and away from I don't know", () => {
    const effects = simulatedEffects(instrument, 7).filter((e) => e.role === "choice")
    expect(effects.map((e) => e.question).sort()).toEqual(["data-control", "governance-who"])
    for (const e of effects) {
      const share = (wave: string, option: string) => {
        const rs = all.filter((r) => r.wave === wave && !isMirror(r.participant_id))
        return rs.filter((r) => r.answers[e.question] === option).length / rs.length
      }
      expect(share("post", e.option!) - share("pre", e.option!), e.question).toBeGreaterThan(e.post * 0.6)
      expect(share("post", "dont-know")).toBeLessThan(share("pre", "dont-know"))
    }
  })

  it("gives mirror sites smaller effects, and sites different baselines", () => {
    const gainAt = (keep: (id: string) => boolean) =>
      knowledgeShare(all.filter((r) => r.wave === "post" && keep(r.participant_id))) - knowledgeShare(all.filter((r) => r.wave === "pre" && keep(r.participant_id)))
    const mirrorGain = gainAt(isMirror)
    const otherGain = gainAt((id) => !isMirror(id))
    expect(mirrorGain).toBeLessThan(otherGain)
    expect(mirrorGain).toBeGreaterThan(0)
    const trustAt = (site: string) => mean(all.filter((r) => r.wave === "pre" && siteOf(r.participant_id) === site).map((r) => r.answers["trust-government"] as number))
    const trusts = SITES.map((s) => trustAt(s.site_id))
    expect(Math.max(...trusts) - Math.min(...trusts)).toBeGreaterThan(0.5)
  })

  it("rates the day positively, writes free text only sometimes and in the participant's language", () => {
    const post = all.filter((r) => r.wave === "post")
    for (const q of instrument.questions.filter((x) => roleOf(x) === "evaluation")) {
      const max = q.type === "scale" ? 10 : 5
      const min = q.type === "scale" ? 0 : 1
      expect(mean(post.map((r) => r.answers[q.id] as number)), q.id).toBeGreaterThan(min + (max - min) * 0.65)
    }
    const learned = post.filter((r) => r.answers["learned"] !== undefined)
    expect(learned.length / post.length).toBeGreaterThan(simulationModel.textAnswered - 0.05)
    expect(learned.length / post.length).toBeLessThan(simulationModel.textAnswered + 0.05)
    const cairo = learned.filter((r) => siteOf(r.participant_id) === "eg-cairo")
    expect(cairo.every((r) => /[\u0600-\u06FF]/.test(r.answers["learned"] as string))).toBe(true)
    const delhi = learned.filter((r) => siteOf(r.participant_id) === "in-delhi")
    expect(delhi.every((r) => /^[\x20-\x7E]+$/.test(r.answers["learned"] as string))).toBe(true)
  })

  it("records a mix of sources, all web at online sites", () => {
    const sources = new Map<string, number>()
    for (const r of all) sources.set(r.source, (sources.get(r.source) ?? 0) + 1)
    expect(sources.get("web")! / all.length).toBeGreaterThan(0.65)
    expect(sources.get("paper")! / all.length).toBeGreaterThan(0.1)
    expect(sources.get("kobo")! / all.length).toBeGreaterThan(0.05)
    expect(all.filter((r) => siteOf(r.participant_id) === "in-delhi").every((r) => r.source === "web")).toBe(true)
  })

  it("leaves a few optional closed questions blank", () => {
    const optional: Question = { id: "comment-scale", type: "likert5", required: false, waves: ["pre"], label: { en: "x" } }
    const withOptional = { ...instrument, questions: [...instrument.questions, optional] }
    const pre = simulateAnswers(withOptional, people(3000), { seed: 1, waves: ["pre"] })
    const blank = pre.filter((r) => r.answers["comment-scale"] === undefined).length / pre.length
    expect(blank).toBeGreaterThan(0.01)
    expect(blank).toBeLessThan(0.06)
  })
})

describe("simulated participants", () => {
  const sites = [{ id: "gb-london", capacity: 120 }, { id: "sn-dakar", capacity: 100 }, { id: "ws-apia", capacity: 40 }]

  it("are spread by capacity, numbered after existing ones, with unique codes from the seed", () => {
    const taken = new Set(["AAAAAAAA"])
    const plan = planSimulatedParticipants({ seed: 1, count: 1000, sites, nextNumber: new Map([["sim-sn-dakar-", 12]]), taken })
    expect(plan).toHaveLength(1000)
    const per = (site: string) => plan.filter((p) => p.site_id === site).length
    expect([per("gb-london"), per("sn-dakar"), per("ws-apia")]).toEqual([461, 385, 154])
    expect(plan.find((p) => p.site_id === "sn-dakar")!.id).toBe("sim-sn-dakar-00013")
    expect(new Set(plan.map((p) => p.code)).size).toBe(1000)
    for (const p of plan) {
      expect(p.code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{8}$`))
      expect(Schema.is(ParticipantId)(p.id)).toBe(true)
    }
    expect(taken.size).toBe(1001)
    expect(planSimulatedParticipants({ seed: 1, count: 1000, sites, nextNumber: new Map([["sim-sn-dakar-", 12]]), taken: new Set(["AAAAAAAA"]) })).toEqual(plan)
    // a code already taken is never given again
    const again = planSimulatedParticipants({ seed: 1, count: 1000, sites, nextNumber: new Map([["sim-sn-dakar-", 12]]), taken: new Set(plan.slice(0, 10).map((p) => p.code)) })
    expect(new Set(again.map((p) => p.code)).has(plan[0]!.code)).toBe(false)
    // the same alphabet as real codes
    for (let i = 0; i < 50; i++) for (const c of newParticipantCode()) expect(CODE_ALPHABET).toContain(c)
  })
})
