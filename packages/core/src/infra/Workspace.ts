/**
 * Dialogue workspaces on disk: finding the nearest `convene.yaml`, reading it, and creating a
 * new workspace — blank, or from a bundled example.
 */
import { existsSync, readFileSync } from "node:fs"
import { cp, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises"
import { dirname, join, relative, resolve } from "node:path"
import { coreDir } from "./CoreDir.js"
import { defaultDeliberationDay, defaultMilestones, defaultPhases, defaultWaves } from "../domain/Defaults.js"
import { decodeDialogueYaml, type Dialogue } from "../domain/Dialogue.js"
import { InputError, WorkspaceNotFound } from "../domain/Errors.js"
import type { NationalSessions } from "../domain/NationalSession.js"
import { registries } from "../domain/Registry.js"
import type { ListedFacilitator } from "../domain/Organisers.js"
import { decodeSiteFiles, type DecodedSiteFiles, gatherSiteFiles, readSiteFileTexts } from "./SiteFiles.js"
import { readWorkspaceCache, workspaceCacheKey, writeWorkspaceCache } from "./WorkspaceCache.js"

/** The name of the file that marks a workspace. */
export const DIALOGUE_FILE = "convene.yaml"

/** A located workspace with its decoded dialogue. */
export interface Workspace {
  readonly dir: string
  readonly file: string
  readonly dialogue: Dialogue
  /** `convene.yaml` as read, once, when the workspace was opened (kits hash it). */
  readonly text: string
  /**
   * The national sessions its sites declare (`sites/<id>/site.yaml`), read when it was opened;
   * undefined in a workspace made by hand (then it has none).
   */
  readonly sessions?: NationalSessions | undefined
  /**
   * The facilitators its sites list (`sites/<id>/site.yaml`): with the fellows, the respondents
   * of an organisers' questionnaire; undefined in a workspace made by hand (then it has none).
   */
  readonly facilitators?: ReadonlyArray<ListedFacilitator> | undefined
}

/**
 * The nearest folder, from `from` upward, that holds `convene.yaml`.
 * Throws {@link WorkspaceNotFound}.
 */
export const findWorkspaceDir = (from: string): string => {
  let dir = resolve(from)
  for (;;) {
    if (existsSync(join(dir, DIALOGUE_FILE))) return dir
    const parent = dirname(dir)
    if (parent === dir) throw new WorkspaceNotFound({ from: resolve(from) })
    dir = parent
  }
}

/**
 * Locates the workspace (from `from` upward) and decodes its `convene.yaml` and its site files
 * (`sites/<id>/site.yaml`); with `cacheBuild`, through the workspace cache (infra/WorkspaceCache.ts).
 * Throws {@link InputError} naming each file's line and field.
 *
 * @example
 * const ws = await openWorkspace(process.cwd())
 * ws.dialogue.deliberation_day.date
 */
export const openWorkspace = async (from: string, options: OpenWorkspaceOptions = {}): Promise<Workspace> => {
  const dir = findWorkspaceDir(from)
  const file = join(dir, DIALOGUE_FILE)
  const text = readFileSync(file, "utf8")
  const name = relative(process.cwd(), file) || file
  const siteTexts = readSiteFileTexts(dir)
  const decode = (): Decoded => {
    const dialogue = decodeDialogueYaml(text, name)
    return { dialogue, sites: decodeSiteFiles(siteTexts, dialogue) }
  }
  let decoded: Decoded
  if (options.cacheBuild === undefined) decoded = decode()
  else {
    const convene = join(dir, ".convene")
    const key = workspaceCacheKey(options.cacheBuild, [[name, text], ...siteTexts.map((s) => [s.file, s.text] as const)])
    const cached = readWorkspaceCache(convene, key) as Decoded | undefined
    decoded = cached ?? decode()
    if (cached === undefined) writeWorkspaceCache(convene, key, decoded)
  }
  const { sessions, facilitators } = gatherSiteFiles(decoded.sites)
  return { dir, file, text, dialogue: decoded.dialogue, sessions, facilitators }
}

/** What {@link openWorkspace} decodes, and caches when asked. */
interface Decoded {
  readonly dialogue: Dialogue
  readonly sites: DecodedSiteFiles
}

/** Options of {@link openWorkspace}. */
export interface OpenWorkspaceOptions {
  /**
   * Keep what was decoded in `.convene/workspace-cache.json` and read it back while neither the
   * files nor this build change: the identity of the build of convene doing the decoding (the CLI
   * passes its bundle's hash). Without it, every open decodes the files.
   */
  readonly cacheBuild?: string | undefined
}

/**
 * The folder holding convene's bundled assets (`templates/`, `examples/`): beside the package
 * when installed, at the repository root in a checkout.
 */
export const assetsRoot = (): string => {
  let dir = coreDir()
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "templates", "workspace", DIALOGUE_FILE))) return dir
    dir = dirname(dir)
  }
  throw new Error("convene's templates folder was not found next to @convene/core")
}

/** The bundled example workspaces, by name. */
export const listExamples = async (): Promise<Array<string>> => {
  const root = join(assetsRoot(), "examples")
  const names = await readdir(root).catch(() => [] as Array<string>)
  return names.filter((n) => existsSync(join(root, n, DIALOGUE_FILE))).sort()
}

/** What `initWorkspace` needs. */
export interface InitOptions {
  readonly dir: string
  /** A bundled example to copy instead of a blank workspace. */
  readonly example?: string | undefined
  /** Today's date (`YYYY-MM-DD`), to lay out a blank timeline. */
  readonly today: string
  readonly title?: string | undefined
  /** Write into a folder that already has files. */
  readonly force?: boolean | undefined
}

const slugOf = (name: string): string =>
  name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63) || "dialogue"

const yamlList = (items: ReadonlyArray<Record<string, string>>): string =>
  items.map((item) => `    - { ${Object.entries(item).map(([k, v]) => `${k}: ${/^[\w.-]+$/.test(v) ? v : JSON.stringify(v)}`).join(", ")} }`).join("\n")

/**
 * Creates a dialogue workspace. Refuses a folder that already holds files unless `force`.
 * Returns the files written, relative to the workspace.
 *
 * @example
 * await initWorkspace({ dir: "my-dialogue", today: "2026-11-22" })
 * await initWorkspace({ dir: "wti", example: "we-the-internet", today: "2026-11-22" })
 */
export const initWorkspace = async (options: InitOptions): Promise<{ readonly dir: string; readonly files: ReadonlyArray<string> }> => {
  const dir = resolve(options.dir)
  const existing = existsSync(dir) ? await readdir(dir) : []
  if (existsSync(dir) && !(await stat(dir)).isDirectory()) {
    throw new InputError({ summary: `Cannot create a workspace at ${options.dir}: it is a file.`, problems: [] })
  }
  if (existing.length > 0 && options.force !== true) {
    throw new InputError({
      summary: `Cannot create a workspace in ${options.dir}: the folder is not empty (${existing.slice(0, 3).join(", ")}${existing.length > 3 ? ", …" : ""}). Choose a new folder, or pass --force to write into it.`,
      problems: []
    })
  }
  const root = assetsRoot()
  await mkdir(dir, { recursive: true })
  if (options.example !== undefined) {
    const source = join(root, "examples", options.example)
    if (!existsSync(join(source, DIALOGUE_FILE))) {
      const known = await listExamples()
      throw new InputError({
        summary: `There is no bundled example "${options.example}". Known examples: ${known.join(", ") || "none"}.`,
        problems: []
      })
    }
    await cp(source, dir, { recursive: true, filter: (src) => !/[\\/](\.convene|out|node_modules)$/.test(src) })
  } else {
    const template = join(root, "templates", "workspace")
    const name = options.title ?? dir.split(/[\\/]/).at(-1) ?? "dialogue"
    const day = defaultDeliberationDay(options.today)
    const yaml = (await readFile(join(template, DIALOGUE_FILE), "utf8"))
      .replaceAll("{{id}}", slugOf(name))
      .replaceAll("{{title}}", name.replaceAll('"', "'"))
      .replaceAll("{{day}}", day)
      .replace("{{phases}}", yamlList(defaultPhases(day)))
      .replace("{{milestones}}", yamlList(defaultMilestones(day)))
      .replace("{{waves}}", yamlList(defaultWaves(day)))
    // the template must stay a valid dialogue: decode what was just written before keeping it
    decodeDialogueYaml(yaml, DIALOGUE_FILE)
    await writeFile(join(dir, DIALOGUE_FILE), yaml)
    for (const registry of Object.values(registries)) {
      await writeFile(join(dir, registryFileName(registry.name)), registry.columns.map((c) => c.name).join(",") + "\n")
    }
    await cp(join(template, "surveys"), join(dir, "surveys"), { recursive: true })
    await cp(join(template, "ballots"), join(dir, "ballots"), { recursive: true })
    await cp(join(template, "env.example"), join(dir, ".env.example"))
    await cp(join(template, "gitignore"), join(dir, ".gitignore"))
  }
  await mkdir(join(dir, "out"), { recursive: true })
  const files: Array<string> = []
  const walk = async (d: string): Promise<void> => {
    for (const entry of (await readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(d, entry.name)
      if (entry.isDirectory()) await walk(full)
      else files.push(relative(dir, full))
    }
  }
  await walk(dir)
  return { dir, files }
}

/** The CSV file name of a registry in a workspace: `sites.csv`, `coalition.csv`, … */
export const registryFileName = (name: keyof typeof registries): string => `${name}.csv`
