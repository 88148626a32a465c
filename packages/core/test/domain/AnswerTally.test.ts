// The report's one-pass tally of the answers, against counts worked by hand: values per wave,
// paired values with attrition, knowledge indexes (an item answered with null counts as answered
// and wrong, as `count(answers -> key)` did in SQL), the panel and the control group apart, and
// values written as PostgreSQL's `->>` writes them.
import { describe, expect, it } from "vitest"
import { answerTally, jsonbText, type TallySpec } from "../../src/domain/AnswerTally.js"

const spec: TallySpec = {
  questions: ["trust", "topics", "k1", "k2", "views"],
  multiple: new Set(["topics"]),
  pairs: [
    { waves: ["pre", "post"], questions: ["trust", "k1"], knowledge: [{ id: "k1", correct: "a" }, { id: "k2", correct: "b" }] },
    { waves: ["pre", "followup"], questions: ["trust"], knowledge: [] }
  ]
}

const dakar = { site_id: "sn-dakar", cat: null, control: false }
const dakarControl = { site_id: "sn-dakar", cat: null, control: true }
const leeds = { site_id: "gb-leeds", cat: "woman", control: false }

const feed = () => {
  const tally = answerTally(spec)
  // p1: both waves and the follow-up; k1 right then right, k2 wrong then right → 1/2 → 2/2
  tally.add(dakar, new Map([["pre", { trust: 3, topics: ["water", "food"], k1: "a", k2: "c" }], ["post", { trust: 4, k1: "a", k2: "b", views: "more" }], ["followup", { trust: "4" }]]))
  // p2: both waves; k2 answered null before (answered, wrong): pre 1/2 (k1 right), post 1/1 (k1 only)
  tally.add(dakar, new Map([["pre", { trust: "3", k1: "a", k2: null }], ["post", { trust: 5, k1: "a" }]]))
  // p3: pre only (attrition): counted in the values, in no pair
  tally.add(dakar, new Map([["pre", { trust: 2, k1: "b" }]]))
  // p4: the control group, apart
  tally.add(dakarControl, new Map([["pre", { trust: 3, k1: "b" }], ["post", { trust: 3, k1: "a" }]]))
  // p5: another site and category; trust unanswered after (null): paired, but not for trust
  tally.add(leeds, new Map([["pre", { trust: 1, k1: "a" }], ["post", { trust: null, k1: "b" }]]))
  return tally.result()
}

const sorted = <T>(rows: ReadonlyArray<T>): Array<T> => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))

describe("answerTally", () => {
  it("counts every value per site, category, wave and question; 3 and \"3\" are one value; multiple choice as its list", () => {
    const { panel } = feed()
    const trustPre = panel.values.filter((v) => v.question === "trust" && v.wave === "pre")
    expect(sorted(trustPre)).toEqual(sorted([
      { site_id: "sn-dakar", cat: null, wave: "pre", question: "trust", value: "3", n: 2 },
      { site_id: "sn-dakar", cat: null, wave: "pre", question: "trust", value: "2", n: 1 },
      { site_id: "gb-leeds", cat: "woman", wave: "pre", question: "trust", value: "1", n: 1 }
    ]))
    expect(panel.values.filter((v) => v.question === "topics")).toEqual([{ site_id: "sn-dakar", cat: null, wave: "pre", question: "topics", value: ["water", "food"], n: 1 }])
    expect(panel.values.filter((v) => v.question === "views")).toEqual([{ site_id: "sn-dakar", cat: null, wave: "post", question: "views", value: "more", n: 1 }])
    // a null answer is no value
    expect(panel.values.filter((v) => v.wave === "post" && v.question === "trust" && v.site_id === "gb-leeds")).toEqual([])
  })

  it("counts the pairs and their (before, after) values, with attrition and unanswered questions", () => {
    const { panel } = feed()
    const [prePost, preFollowup] = panel.pairs
    expect(sorted(prePost!.paired)).toEqual(sorted([{ site_id: "sn-dakar", cat: null, n: 2 }, { site_id: "gb-leeds", cat: "woman", n: 1 }]))
    expect(sorted(prePost!.pairedValues)).toEqual(sorted([
      { site_id: "sn-dakar", cat: null, question: "trust", pre: "3", post: "4", n: 1 },
      { site_id: "sn-dakar", cat: null, question: "trust", pre: "3", post: "5", n: 1 },
      { site_id: "sn-dakar", cat: null, question: "k1", pre: "a", post: "a", n: 2 },
      { site_id: "gb-leeds", cat: "woman", question: "k1", pre: "a", post: "b", n: 1 }
    ]))
    expect(preFollowup!.paired).toEqual([{ site_id: "sn-dakar", cat: null, n: 1 }])
    expect(preFollowup!.pairedValues).toEqual([{ site_id: "sn-dakar", cat: null, question: "trust", pre: "3", post: "4", n: 1 }])
    expect(preFollowup!.knowledge).toEqual([])
  })

  it("scores the knowledge index per participant: share right among the items answered, null answers included", () => {
    const { panel, control } = feed()
    const knowledge = sorted(panel.pairs[0]!.knowledge)
    // p1: 0.5 → 1 (+0.5); p2: 0.5 → 1 (+0.5); p5: 1 → 0 (−1)
    expect(knowledge).toEqual(sorted([
      { site_id: "sn-dakar", cat: null, diff: 0.5, n: 2, preSum: 1, postSum: 2 },
      { site_id: "gb-leeds", cat: "woman", diff: -1, n: 1, preSum: 1, postSum: 0 }
    ]))
    // the control group apart: p4 0 → 1
    expect(control.pairs[0]!.knowledge).toEqual([{ site_id: "sn-dakar", cat: null, diff: 1, n: 1, preSum: 0, postSum: 1 }])
    expect(control.pairs[0]!.paired).toEqual([{ site_id: "sn-dakar", cat: null, n: 1 }])
    expect(control.values.every((v) => v.site_id === "sn-dakar")).toBe(true)
  })

  it("rounds a knowledge change to 9 decimals, a key shared by equal changes", () => {
    const tally = answerTally({ questions: [], multiple: new Set(), pairs: [{ waves: ["pre", "post"], questions: [], knowledge: ["a", "b", "c"].map((id) => ({ id, correct: "x" })) }] })
    // 1/3 → 2/3 twice: one key, +0.333333333
    for (let i = 0; i < 2; i++) tally.add(dakar, new Map([["pre", { a: "x", b: "y", c: "y" }], ["post", { a: "x", b: "x", c: "y" }]]))
    expect(tally.result().panel.pairs[0]!.knowledge).toEqual([{ site_id: "sn-dakar", cat: null, diff: 0.333333333, n: 2, preSum: 2 / 3, postSum: 4 / 3 }])
  })
})

describe("jsonbText", () => {
  it("writes values as PostgreSQL's ->> does", () => {
    expect(jsonbText("agree")).toBe("agree")
    expect(jsonbText(4)).toBe("4")
    expect(jsonbText(-2.5)).toBe("-2.5")
    expect(jsonbText(1e-7)).toBe("0.0000001")
    expect(jsonbText(-1.5e-7)).toBe("-0.00000015")
    expect(jsonbText(1e21)).toBe("1000000000000000000000")
    expect(jsonbText(1.25e22)).toBe("12500000000000000000000")
    expect(jsonbText(true)).toBe("true")
    expect(jsonbText(null)).toBeNull()
    expect(jsonbText(undefined)).toBeNull()
    expect(jsonbText(["a", "b"])).toBe('["a", "b"]')
    // jsonb orders an object's keys by length, then bytewise
    expect(jsonbText({ bb: 1, a: [true, null], c: "x" })).toBe('{"a": [true, null], "c": "x", "bb": 1}')
  })
})
