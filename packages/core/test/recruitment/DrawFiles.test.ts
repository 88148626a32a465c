// A draw from files (`convene recruit select`): the pool and the targets read with located
// errors, only consenting candidates of the site eligible, the same panel for the same seed,
// and a record of it that names the inputs by their SHA-256.
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { createHash } from "node:crypto"
import { mkdtemp, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import type { Codebook } from "../../src/domain/Codebook.js"
import { formatProblem } from "../../src/domain/Errors.js"
import { drawFromFiles, parsePool, parseTargets } from "../../src/recruitment/index.js"

const codebook: Codebook = [
  { id: "gender", values: [{ id: "woman" }, { id: "man" }] },
  { id: "residence", values: [{ id: "urban" }, { id: "rural" }] }
]

// 24 candidates at site a (one without consent), 3 at site b
const pool = ["id,site,consent,email,gender,residence"]
for (let i = 0; i < 24; i++) pool.push(`a${i},a,${i === 5 ? "no" : "yes"},a${i}@example.org,${i % 2 === 0 ? "woman" : "man"},${i % 3 === 0 ? "rural" : "urban"}`)
for (let i = 0; i < 3; i++) pool.push(`b${i},b,yes,,woman,rural`)
const poolText = pool.join("\n") + "\n"
const targetsText = "scope,feature,value,min,max\nall,gender,woman,5,5\nall,gender,man,5,5\nall,residence,rural,3,4\nall,residence,urban,6,7\n"

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "convene-draw-"))
  await writeFile(join(dir, "pool.csv"), poolText)
  await writeFile(join(dir, "targets.csv"), targetsText)
})

const draw = (seed: string, extra: Partial<Parameters<typeof drawFromFiles>[0]> = {}) =>
  Effect.runPromiseExit(drawFromFiles({ pool: join(dir, "pool.csv"), targets: join(dir, "targets.csv"), size: 10, seed, site: "a", codebook, displayNames: { pool: "pool.csv", targets: "targets.csv" }, ...extra }))

describe("a draw from files", () => {
  it("selects exactly N who meet every target, among the site's consenting candidates; the same seed gives the same panel", async () => {
    const first = await draw("seed-1")
    if (!Exit.isSuccess(first)) throw new Error(String(first.cause))
    const r = first.value.record
    expect(r.panel).toHaveLength(10)
    expect(r.pool).toEqual({ file: "pool.csv", sha256: createHash("sha256").update(poolText).digest("hex"), candidates: 27, eligible: 23 })
    expect(r.panel.every((id) => id.startsWith("a") && id !== "a5")).toBe(true)
    const women = r.panel.filter((id) => Number(id.slice(1)) % 2 === 0).length
    const rural = r.panel.filter((id) => Number(id.slice(1)) % 3 === 0).length
    expect(women).toBe(5)
    expect(rural >= 3 && rural <= 4).toBe(true)
    // every eligible candidate has a probability; they add up to the panel size
    expect(r.probabilities).toHaveLength(23)
    expect(r.probabilities.reduce((n, p) => n + p.probability, 0)).toBeCloseTo(10, 4)
    const again = await draw("seed-1")
    expect(Exit.isSuccess(again) && again.value.record.panel).toEqual(r.panel)
    expect(Exit.isSuccess(again) && again.value.files).toEqual(first.value.files)
    // another seed samples another panel from the same distribution: the same probabilities
    const other = await draw("seed-2")
    const probabilities = (x: typeof r) => x.probabilities.map(({ id, probability }) => [id, probability])
    expect(Exit.isSuccess(other) && probabilities(other.value.record)).toEqual(probabilities(r))
  })

  it("writes the draw's inputs in the Sortition Foundation's layouts, which read back as the same targets and draw", async () => {
    const first = await draw("seed-1")
    if (!Exit.isSuccess(first)) throw new Error(String(first.cause))
    const sf = { features: first.value.files["sortition-foundation/features.csv"]!, people: first.value.files["sortition-foundation/people.csv"]! }
    // the panel file: the ids and the features used, no contact data
    expect(first.value.files["panel.csv"]!.split("\n")[0]).toBe("id,gender,residence")
    expect(first.value.files["panel.csv"]).not.toContain("@example.org")
    expect(sf.features.split("\n")[0]).toBe("feature,value,min,max")
    expect(sf.people.split("\n")[0]).toBe("id,gender,residence")
    expect(sf.people).not.toContain("@example.org")
    expect(sf.people.trim().split("\n")).toHaveLength(24)
    expect(parseTargets(sf.features, "features.csv").rows.map(({ line: _line, ...r }) => r)).toEqual(parseTargets(targetsText, "targets.csv").rows.map(({ line: _line, ...r }) => r))
    // their older categories layout too
    expect(parseTargets("category,name,min,max\ngender,woman,5,5\n", "categories.csv").rows).toEqual([{ line: 2, scope: "all", feature: "gender", value: "woman", min: 5, max: 5 }])
    await writeFile(join(dir, "sf-people.csv"), sf.people)
    await writeFile(join(dir, "sf-features.csv"), sf.features)
    const again = await draw("seed-1", { pool: join(dir, "sf-people.csv"), targets: join(dir, "sf-features.csv"), site: undefined })
    expect(Exit.isSuccess(again) && again.value.record.panel).toEqual(first.value.record.panel)
  })

  it("names a minimal set of bounds to relax when no panel meets the targets, and selects nobody", async () => {
    const exit = await draw("seed-1", { size: 12 })
    expect(Exit.isFailure(exit)).toBe(true)
    const error = Exit.isFailure(exit) ? (exit.cause as unknown as { reasons?: ReadonlyArray<{ error?: { _tag: string } }> }) : undefined
    expect(JSON.stringify(error)).toContain("InfeasibleQuotas")
  })

  it("reports the pool's and the targets' bad cells at FILE:LINE:COLUMN", () => {
    const badPool = parsePool("id,site,gender\nx1,a,woman\nx1,a,man\n,a,woman\nx3,a,Woman\n", "pool.csv", codebook)
    expect(badPool.problems.map(formatProblem)).toEqual([
      'pool.csv:3:1: id: expected a unique id, "x1" is already on line 2',
      "pool.csv:4:1: id: expected a candidate id",
      'pool.csv:5:3: gender: expected one of woman, man (the codebook in convene.yaml), got "Woman": did you mean "woman"?'
    ])
    const badTargets = parseTargets("scope,feature,value,min,max\nall,gender,woman,5,four\nall,gender,man,6,5\n", "targets.csv")
    expect(badTargets.problems.map(formatProblem)).toEqual(['targets.csv:2:5: max: expected a whole number of people, got "four"', "targets.csv:3: min: expected min ≤ max, got 6 > 5"])
  })

  it("refuses a scope the targets do not have, and a feature the pool has no column for", async () => {
    const exit = await draw("s", { scope: "SN" })
    expect(Exit.isFailure(exit) && JSON.stringify(exit.cause)).toContain('expected targets for the scope \\"SN\\"')
    await writeFile(join(dir, "targets2.csv"), "scope,feature,value,min,max\nall,education,none,1,2\n")
    const missing = await draw("s", { targets: join(dir, "targets2.csv") })
    const err = Exit.isFailure(missing) ? JSON.stringify(missing.cause) : ""
    expect(err).toContain("expected a column for the feature education")
  })
})
