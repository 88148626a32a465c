/**
 * The site files of a workspace, `sites/<id>/site.yaml`: what a site declares of its own besides
 * the registry: its national session (`domain/NationalSession.ts`) and its facilitators
 * (`domain/Organisers.ts`). Read once, when the workspace is opened; every problem of every file
 * at once.
 */
import { existsSync } from "node:fs"
import { readdir, readFile } from "node:fs/promises"
import { join, relative } from "node:path"
import type { Dialogue } from "../domain/Dialogue.js"
import { InputError, type Problem } from "../domain/Errors.js"
import { type DeclaredSession, decodeSiteYaml, gatherSessions, NO_NATIONAL_SESSIONS, type NationalSessions } from "../domain/NationalSession.js"
import { type Facilitator, gatherFacilitators, type ListedFacilitator } from "../domain/Organisers.js"

/** The name of a site's own file, in `sites/<id>/`. */
export const SITE_FILE = "site.yaml"

/** What the site files of a workspace declare. */
export interface SiteFiles {
  readonly sessions: NationalSessions
  /** The facilitators each site lists, in site order. */
  readonly facilitators: ReadonlyArray<ListedFacilitator>
}

/**
 * Reads every `sites/<id>/site.yaml` of the workspace at `dir`: their national sessions and
 * their facilitators. Throws {@link InputError} naming each file's line and field.
 *
 * @example
 * const { sessions, facilitators } = await readSiteFiles(ws.dir, ws.dialogue)
 * sessions.bySite.get("mx-oaxaca")?.session.blocks.length // 2
 */
export const readSiteFiles = async (dir: string, dialogue: Dialogue): Promise<SiteFiles> => {
  const sitesDir = join(dir, "sites")
  if (!existsSync(sitesDir)) return { sessions: NO_NATIONAL_SESSIONS, facilitators: [] }
  const declared: Array<DeclaredSession> = []
  const listed: Array<{ site: string; file: string; text: string; facilitators: ReadonlyArray<Facilitator> }> = []
  const problems: Array<Problem> = []
  for (const entry of (await readdir(sitesDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    const path = join(sitesDir, entry, SITE_FILE)
    if (!existsSync(path)) continue
    const file = relative(process.cwd(), path) || path
    const text = await readFile(path, "utf8")
    try {
      const decoded = decodeSiteYaml(text, file, dialogue)
      if (decoded.national_session !== undefined) declared.push({ site: entry, file, text, session: decoded.national_session })
      if (decoded.facilitators !== undefined) listed.push({ site: entry, file, text, facilitators: decoded.facilitators })
    } catch (e) {
      if (!(e instanceof InputError)) throw e
      problems.push(...e.problems)
    }
  }
  if (problems.length > 0) throw new InputError({ summary: "A site file (sites/<id>/site.yaml) is not valid.", problems })
  return { sessions: declared.length === 0 ? NO_NATIONAL_SESSIONS : gatherSessions(declared), facilitators: gatherFacilitators(listed) }
}

/**
 * The national sessions of every `sites/<id>/site.yaml` of the workspace at `dir`
 * ({@link readSiteFiles}). Throws {@link InputError} naming each file's line and field.
 *
 * @example
 * const sessions = await readNationalSessions(ws.dir, ws.dialogue)
 * sessions.bySite.get("mx-oaxaca")?.session.blocks.length // 2
 */
export const readNationalSessions = async (dir: string, dialogue: Dialogue): Promise<NationalSessions> => (await readSiteFiles(dir, dialogue)).sessions
