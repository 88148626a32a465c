// The toolkits' pure parts: the language of a place, the participant profile's suppression (a
// lone small group is never left recoverable from the total), regions found by name or code.
import { describe, expect, it } from "vitest"
import { findRegion, participantProfile, regionPlaceOf, toolkitLocaleOf } from "../../src/domain/Toolkit.js"

const people = (counts: Record<string, number>) => Object.entries(counts).flatMap(([gender, n]) => Array.from({ length: n }, () => ({ gender })))

describe("the participant profile", () => {
  it("shows nothing but that when fewer people than the threshold are registered", () => {
    expect(participantProfile(people({ woman: 2, man: 2 }), 5)).toEqual({ registered: null, threshold: 5, categories: [] })
  })

  it("suppresses every small group, and a second one when a single small group could be recovered from the total", () => {
    const profile = participantProfile(people({ woman: 20, man: 12, "non-binary": 2 }), 5)
    expect(profile.registered).toBe(34)
    // 34 − 20 − 12 would give away the 2: the smallest other group goes too
    expect(profile.categories.find((c) => c.category === "gender")!.values).toEqual([{ value: "woman", count: 20 }, { value: "man", count: null }, { value: "non-binary", count: null }])
    const two = participantProfile(people({ woman: 20, man: 12, "non-binary": 2, undisclosed: 3 }), 5)
    expect(two.categories.find((c) => c.category === "gender")!.values).toEqual([{ value: "woman", count: 20 }, { value: "man", count: 12 }, { value: "undisclosed", count: null }, { value: "non-binary", count: null }])
  })

  it("leaves out a category nobody recorded, and counts the unrecorded as such", () => {
    const profile = participantProfile([...people({ woman: 6 }), ...Array.from({ length: 6 }, () => ({}))], 5)
    expect(profile.categories.map((c) => c.category)).toEqual(["gender"])
    expect(profile.categories[0]!.values).toEqual([{ value: "", count: 6 }, { value: "woman", count: 6 }])
  })
})

describe("a place's toolkit", () => {
  it("is written in its sites' most common locale, the first site's on a tie", () => {
    expect(toolkitLocaleOf([{ id: "sn-thies", locale: "wo-SN" }, { id: "sn-dakar", locale: "fr-SN" }, { id: "sn-ziguinchor", locale: "fr-SN" }], "en")).toBe("fr-SN")
    expect(toolkitLocaleOf([{ id: "b", locale: "wo-SN" }, { id: "a", locale: "fr-SN" }], "en")).toBe("fr-SN")
    expect(toolkitLocaleOf([], "en")).toBe("en")
  })

  it("finds UN M49 regions by name, code or folder name", () => {
    expect(regionPlaceOf("SN")).toEqual({ kind: "region", code: "002", slug: "region-africa", name: "Africa" })
    expect(findRegion("africa", ["GB", "SN"])?.code).toBe("002")
    expect(findRegion("2", ["SN"])?.name).toBe("Africa")
    expect(findRegion("region-europe", ["GB"])?.code).toBe("150")
    expect(findRegion("Europe", ["SN"])).toBeUndefined()
  })
})
