/**
 * Time for rehearsals: a clock that starts at a chosen instant and runs on from there, so that
 * `survey serve --as-of` (and any workflow) sees the day of the rehearsal through Effect's
 * Clock instead of a special path. Elapsed time (monotonic) stays the machine's.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"

/** A clock whose wall time is `base`'s shifted so that it read `instant` when it was made. */
export const clockAsOf = (base: Clock.Clock, instant: Date): Clock.Clock => {
  const offsetMillis = instant.getTime() - base.currentTimeMillisUnsafe()
  const offsetNanos = BigInt(offsetMillis) * 1_000_000n
  return {
    currentTimeMillisUnsafe: () => base.currentTimeMillisUnsafe() + offsetMillis,
    currentTimeMillis: Effect.map(base.currentTimeMillis, (ms) => ms + offsetMillis),
    currentTimeNanosUnsafe: () => base.currentTimeNanosUnsafe() + offsetNanos,
    currentTimeNanos: Effect.map(base.currentTimeNanos, (ns) => ns + offsetNanos),
    monotonicTimeNanosUnsafe: () => base.monotonicTimeNanosUnsafe(),
    monotonicTimeNanos: base.monotonicTimeNanos,
    sleep: (duration) => base.sleep(duration)
  }
}

/**
 * Runs `effect` as if it were `instant` when it starts; time then runs on as usual.
 *
 * @example
 * yield* withClockAsOf(new Date("2027-05-01T10:00:00Z"), serveSurveys(ws, { port: 8080 }))
 */
export const withClockAsOf = <A, E, R>(instant: Date, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Clock.clockWith((base) => Effect.provideService(effect, Clock.Clock, clockAsOf(base, instant)))
