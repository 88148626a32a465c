/**
 * The dialogue's embargo on the results, computed from `convene.yaml`'s `results.release` and
 * every site's planned day (mirror dialogues, which meet later, do not hold it back; a national
 * dialogue on a later date holds back its own country's results only).
 */
import * as Effect from "effect/Effect"
import { type Embargo, embargoOf } from "../domain/Release.js"
import type { Site } from "../domain/Registry.js"
import type { Workspace } from "../infra/Workspace.js"
import { listRegistry } from "../registries/index.js"
import { planSites } from "../schedule/index.js"

/**
 * When the dialogue's results may be published: after the last site's day has ended in its own
 * zone (plus `after_last_site`), or at the fixed instant; later for the countries named.
 *
 * @example
 * const embargo = yield* resultsEmbargo(ws)
 * isReleased(embargo, Date.now(), "SN")
 */
export const resultsEmbargo = Effect.fn("Results.embargo")(function*(ws: Workspace, registered?: ReadonlyArray<Site>) {
  const sites = (registered ?? (yield* listRegistry("sites"))).filter((s) => s.format !== "mirror")
  const plan = planSites(ws.dialogue, sites, undefined, undefined, ws.sessions)
  const country = new Map<string, string>(sites.map((s) => [s.id, s.country]))
  const ends = plan.sites.map((p) => ({ site_id: p.id, country: country.get(p.id) ?? "", day_ends: p.blocks.at(-1)?.end_utc ?? "", own_date: p.date !== undefined })).filter((s) => s.day_ends !== "")
  const embargo: Embargo = embargoOf(ws.dialogue.results?.release, ends)
  return embargo
})
