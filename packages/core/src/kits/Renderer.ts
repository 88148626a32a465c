/**
 * The one place that builds the renderer of a workspace — for kits, survey mail, the survey
 * form and the printable questionnaires. Templates and catalogs are read once per workspace
 * open, with the dialogue text the workspace already holds.
 */
import * as Effect from "effect/Effect"
import { type FileError, InputError } from "../domain/Errors.js"
import { fileWork } from "../infra/Files.js"
import type { Workspace } from "../infra/Workspace.js"
import { KitRenderer } from "./Kit.js"
import { readKitSources } from "./KitSources.js"

const renderers = new WeakMap<Workspace, KitRenderer>()

/**
 * The workspace's renderer, built on first use and kept for the workspace's lifetime. Broken
 * catalogs fail with {@link InputError} listing every problem as FILE:LINE.
 *
 * @example
 * const renderer = yield* rendererFor(ws)
 * const { messages } = renderer.messagesFor("sn-dakar", "fr-SN")
 */
export const rendererFor = (ws: Workspace): Effect.Effect<KitRenderer, InputError | FileError> =>
  Effect.suspend(() => {
    const cached = renderers.get(ws)
    if (cached !== undefined) return Effect.succeed(cached)
    return fileWork("read", ws.dir, () => readKitSources(ws.dir)).pipe(
      Effect.flatMap((sources) => {
        if (sources.problems.length > 0) {
          return Effect.fail(new InputError({ summary: "The kit catalogs have errors (run `convene kit check`).", problems: sources.problems }))
        }
        const renderer = new KitRenderer(sources, ws.dialogue, ws.text)
        renderers.set(ws, renderer)
        return Effect.succeed(renderer)
      })
    )
  })

/**
 * Reads the workspace's templates and catalogs again and builds its renderer anew (kept for
 * later {@link rendererFor} calls). Kit builds use it: they see the files as they are now, even
 * in a long-lived process (the SDK) that changed them since the workspace was opened.
 */
export const reloadRenderer = (ws: Workspace): Effect.Effect<KitRenderer, InputError | FileError> =>
  Effect.suspend(() => {
    renderers.delete(ws)
    return rendererFor(ws)
  })
