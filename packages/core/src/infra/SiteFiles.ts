/**
 * The site files of a workspace, `sites/<id>/site.yaml`: what a site declares of its own besides
 * the registry: its national session (`domain/NationalSession.ts`) and its facilitators
 * (`domain/Organisers.ts`). Read once, when the workspace is opened; every problem of every file
 * at once.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
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

/** One `sites/<id>/site.yaml` as read: its site, its name as errors report it, its text. */
export interface SiteFileText {
  readonly site: string
  readonly file: string
  readonly text: string
}

/** What the site files declare, as decoded, before they are gathered ({@link gatherSiteFiles}). */
export interface DecodedSiteFiles {
  readonly declared: ReadonlyArray<DeclaredSession>
  readonly listed: ReadonlyArray<{ readonly site: string; readonly file: string; readonly text: string; readonly facilitators: ReadonlyArray<Facilitator> }>
}

/**
 * Reads the text of every `sites/<id>/site.yaml` of the workspace at `dir`, in site order
 * (synchronously: a few small files, read at every command's start, where each asynchronous read
 * costs more in round trips to the thread pool than the read itself).
 */
export const readSiteFileTexts = (dir: string): Array<SiteFileText> => {
  const sitesDir = join(dir, "sites")
  if (!existsSync(sitesDir)) return []
  const out: Array<SiteFileText> = []
  for (const site of readdirSync(sitesDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    const path = join(sitesDir, site, SITE_FILE)
    if (!existsSync(path)) continue
    out.push({ site, file: relative(process.cwd(), path) || path, text: readFileSync(path, "utf8") })
  }
  return out
}

/**
 * Decodes the site files read by {@link readSiteFileTexts}. Throws {@link InputError} naming
 * each file's line and field, every problem of every file at once.
 */
export const decodeSiteFiles = (texts: ReadonlyArray<SiteFileText>, dialogue: Dialogue): DecodedSiteFiles => {
  const declared: Array<DeclaredSession> = []
  const listed: Array<DecodedSiteFiles["listed"][number]> = []
  const problems: Array<Problem> = []
  for (const { site, file, text } of texts) {
    try {
      const decoded = decodeSiteYaml(text, file, dialogue)
      if (decoded.national_session !== undefined) declared.push({ site, file, text, session: decoded.national_session })
      if (decoded.facilitators !== undefined) listed.push({ site, file, text, facilitators: decoded.facilitators })
    } catch (e) {
      if (!(e instanceof InputError)) throw e
      problems.push(...e.problems)
    }
  }
  if (problems.length > 0) throw new InputError({ summary: "A site file (sites/<id>/site.yaml) is not valid.", problems })
  return { declared, listed }
}

/**
 * The national sessions and facilitators of decoded site files, checked across files (one
 * national session per country, one facilitator id per workspace). Throws {@link InputError}.
 */
export const gatherSiteFiles = ({ declared, listed }: DecodedSiteFiles): SiteFiles => ({
  sessions: declared.length === 0 ? NO_NATIONAL_SESSIONS : gatherSessions(declared),
  facilitators: gatherFacilitators(listed)
})

/**
 * Reads every `sites/<id>/site.yaml` of the workspace at `dir`: their national sessions and
 * their facilitators. Throws {@link InputError} naming each file's line and field.
 *
 * @example
 * const { sessions, facilitators } = await readSiteFiles(ws.dir, ws.dialogue)
 * sessions.bySite.get("mx-oaxaca")?.session.blocks.length // 2
 */
export const readSiteFiles = async (dir: string, dialogue: Dialogue): Promise<SiteFiles> =>
  gatherSiteFiles(decodeSiteFiles(readSiteFileTexts(dir), dialogue))

/**
 * The national sessions of every `sites/<id>/site.yaml` of the workspace at `dir`
 * ({@link readSiteFiles}). Throws {@link InputError} naming each file's line and field.
 *
 * @example
 * const sessions = await readNationalSessions(ws.dir, ws.dialogue)
 * sessions.bySite.get("mx-oaxaca")?.session.blocks.length // 2
 */
export const readNationalSessions = async (dir: string, dialogue: Dialogue): Promise<NationalSessions> => (await readSiteFiles(dir, dialogue)).sessions
