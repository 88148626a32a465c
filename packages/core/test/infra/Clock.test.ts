// The rehearsal clock: a workflow run with withClockAsOf sees the chosen day, and time runs on.
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import { withClockAsOf } from "../../src/infra/Clock.js"

describe("withClockAsOf", () => {
  it("starts the wall clock at the instant and lets it run on; elapsed time stays real", async () => {
    const instant = new Date("2027-05-01T10:00:00Z")
    const [first, second, monotonicStep] = await Effect.runPromise(
      withClockAsOf(
        instant,
        Effect.gen(function*() {
          const first = yield* Clock.currentTimeMillis
          const m0 = yield* Clock.monotonicTimeNanos
          yield* Effect.sleep("50 millis")
          const m1 = yield* Clock.monotonicTimeNanos
          return [first, yield* Clock.currentTimeMillis, Number(m1 - m0) / 1e6] as const
        })
      )
    )
    expect(first - instant.getTime()).toBeGreaterThanOrEqual(0)
    expect(first - instant.getTime()).toBeLessThan(1_000)
    expect(second - first).toBeGreaterThanOrEqual(45)
    expect(monotonicStep).toBeGreaterThanOrEqual(45)
  })

  it("leaves the clock outside it alone", async () => {
    const outside = await Effect.runPromise(withClockAsOf(new Date("2000-01-01T00:00:00Z"), Effect.void).pipe(Effect.andThen(Clock.currentTimeMillis)))
    expect(Math.abs(outside - Date.now())).toBeLessThan(60_000)
  })
})
