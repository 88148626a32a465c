/**
 * The survey instruments of a workspace, `surveys/*.yaml`, read and decoded: the kits print
 * their questionnaires, the surveys collect and report their answers.
 */
import * as Effect from "effect/Effect"
import { join } from "node:path"
import { type FileError, InputError } from "../domain/Errors.js"
import { decodeInstrumentYaml, type Instrument } from "../domain/Instrument.js"
import { displayPath, listDir, readText, sha256 } from "../infra/Files.js"

/** An instrument as read from `surveys/<id>.yaml`, with the hash of its text. */
export interface LoadedInstrument {
  readonly file: string
  readonly instrument: Instrument
  readonly sha256: string
}

/**
 * The survey instruments of a workspace (`surveys/*.yaml`), decoded; every problem of every
 * file is reported at once.
 */
export const readInstruments = (workspaceDir: string): Effect.Effect<Array<LoadedInstrument>, InputError | FileError> =>
  Effect.gen(function*() {
    const dir = join(workspaceDir, "surveys")
    const names = yield* listDir(dir)
    const out: Array<LoadedInstrument> = []
    const problems: Array<InputError["problems"][number]> = []
    for (const name of names.filter((n) => /\.ya?ml$/.test(n)).sort()) {
      const file = join(dir, name)
      const text = yield* readText(file)
      try {
        out.push({ file: `surveys/${name}`, instrument: decodeInstrumentYaml(text, displayPath(file)), sha256: sha256(text) })
      } catch (e) {
        if (e instanceof InputError) problems.push(...e.problems)
        else throw e
      }
    }
    if (problems.length > 0) return yield* new InputError({ summary: "A survey instrument is not valid.", problems })
    return out
  })

