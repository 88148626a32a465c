/**
 * The vote questions of a workspace, `ballots/*.yaml`, read and checked against the dialogue's
 * agenda: the kits print them, the results workflows count them.
 */
import * as Effect from "effect/Effect"
import { existsSync } from "node:fs"
import { join } from "node:path"
import { type BallotSource, type Ballots, decodeBallots } from "../domain/Ballot.js"
import type { Dialogue } from "../domain/Dialogue.js"
import { NO_NATIONAL_SESSIONS, withNationalQuestions } from "../domain/NationalSession.js"
import type { Workspace } from "../infra/Workspace.js"
import { type FileError, InputError } from "../domain/Errors.js"
import { displayPath, listDir, readText, sha256 } from "../infra/Files.js"

/** The ballots of a workspace as read: the decoded questions, the files' texts and their hash. */
export interface LoadedBallots {
  readonly ballots: Ballots
  readonly sources: ReadonlyArray<BallotSource>
  /** The sha256 of every file's name and text, for kit hashes. */
  readonly sha256: string
}

/**
 * The vote questions of a workspace (`ballots/*.yaml`, in file-name order), decoded and checked
 * against `dialogue`'s agenda; every problem of every file at once. A workspace without a
 * `ballots/` folder has no questions.
 */
export const readBallots = (workspaceDir: string, dialogue: Dialogue): Effect.Effect<LoadedBallots, InputError | FileError> =>
  Effect.gen(function*() {
    const dir = join(workspaceDir, "ballots")
    if (!existsSync(dir)) return { ballots: { questions: [], origin: new Map() }, sources: [], sha256: sha256("") }
    const names = (yield* listDir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort()
    const sources: Array<BallotSource> = []
    const hashed: Array<string> = []
    for (const name of names) {
      const file = join(dir, name)
      const text = yield* readText(file)
      sources.push({ file: displayPath(file), text })
      hashed.push(`ballots/${name}\n${text}`)
    }
    const ballots = yield* Effect.try({ try: () => decodeBallots(sources, dialogue), catch: (e) => (e instanceof InputError ? e : new InputError({ summary: "The ballots could not be read.", problems: [{ message: String(e) }] })) })
    return { ballots, sources, sha256: sha256(hashed.join("\n")) }
  })

/**
 * The ballots with every national session's questions added (`sites/<id>/site.yaml`), each
 * held by the sites of its session (`heldBy`): what entry accepts and stores, site by site.
 * Global comparisons read {@link readBallots}' `ballots` instead, which hold only the global
 * questions.
 *
 * @example
 * const all = yield* ballotsWithSessions(ws, loaded.ballots, sites)
 * ballotsForSite(all, "mx-oaxaca").questions.length // the global questions and Mexico's
 */
export const ballotsWithSessions = (ws: Workspace, ballots: Ballots, sites: ReadonlyArray<{ readonly id: string; readonly country: string }>): Effect.Effect<Ballots, InputError> =>
  ws.sessions === undefined
    ? Effect.succeed(ballots)
    : Effect.try({ try: () => withNationalQuestions(ballots, ws.sessions ?? NO_NATIONAL_SESSIONS, sites), catch: (e) => (e instanceof InputError ? e : new InputError({ summary: "The national sessions could not be read.", problems: [{ message: String(e) }] })) })
