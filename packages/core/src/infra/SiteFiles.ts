/**
 * The site files of a workspace, `sites/<id>/site.yaml`: what a site declares of its own besides
 * the registry — today its national session (`domain/NationalSession.ts`). Read once, when the
 * workspace is opened; every problem of every file at once.
 */
import { existsSync } from "node:fs"
import { readdir, readFile } from "node:fs/promises"
import { join, relative } from "node:path"
import type { Dialogue } from "../domain/Dialogue.js"
import { InputError, type Problem } from "../domain/Errors.js"
import { type DeclaredSession, decodeSiteYaml, gatherSessions, NO_NATIONAL_SESSIONS, type NationalSessions } from "../domain/NationalSession.js"

/** The name of a site's own file, in `sites/<id>/`. */
export const SITE_FILE = "site.yaml"

/**
 * Reads every `sites/<id>/site.yaml` of the workspace at `dir` and gathers their national
 * sessions. Throws {@link InputError} naming each file's line and field.
 *
 * @example
 * const sessions = await readNationalSessions(ws.dir, ws.dialogue)
 * sessions.bySite.get("mx-oaxaca")?.session.blocks.length // 2
 */
export const readNationalSessions = async (dir: string, dialogue: Dialogue): Promise<NationalSessions> => {
  const sitesDir = join(dir, "sites")
  if (!existsSync(sitesDir)) return NO_NATIONAL_SESSIONS
  const declared: Array<DeclaredSession> = []
  const problems: Array<Problem> = []
  for (const entry of (await readdir(sitesDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    const path = join(sitesDir, entry, SITE_FILE)
    if (!existsSync(path)) continue
    const file = relative(process.cwd(), path) || path
    const text = await readFile(path, "utf8")
    try {
      const decoded = decodeSiteYaml(text, file, dialogue)
      if (decoded.national_session !== undefined) declared.push({ site: entry, file, text, session: decoded.national_session })
    } catch (e) {
      if (!(e instanceof InputError)) throw e
      problems.push(...e.problems)
    }
  }
  if (problems.length > 0) throw new InputError({ summary: "A site file (sites/<id>/site.yaml) is not valid.", problems })
  return declared.length === 0 ? NO_NATIONAL_SESSIONS : gatherSessions(declared)
}
