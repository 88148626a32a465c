/**
 * The kit workflows behind `convene kit build|check|send`: gather each site's inputs from the
 * registries and the schedule, render, and write `out/kits/<site>/` with a zip and a manifest —
 * only for sites whose inputs changed.
 */
import * as Effect from "effect/Effect"
import { zipSync, type Zippable } from "fflate"
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { ballotsForSite } from "../domain/Ballot.js"
import type { Dialogue } from "../domain/Dialogue.js"
import { InputError, NotFound } from "../domain/Errors.js"
import { type NationalSessions, sessionOf } from "../domain/NationalSession.js"
import { organiserRespondents } from "../domain/Organisers.js"
import { otherLocalesOf, type Site } from "../domain/Registry.js"
import type { SchedulePlan } from "../domain/Schedule.js"
import type { TzInfo } from "../domain/ZoneRules.js"
import { fileWork, makeDir, sha256 } from "../infra/Files.js"
import { tzInUse } from "../infra/TzData.js"
import type { Workspace } from "../infra/Workspace.js"
import { countSupersedable, type MailPreview, type MailTransportOptions, type OutgoingMessage, previewMessages, sendMessages, supersedeQueued } from "../mail/index.js"
import { countDistinct, listRegistry } from "../registries/index.js"
import { latestPlan, planSites, tzWarning } from "../schedule/index.js"
import { ballotsWithSessions, type LoadedBallots, readBallots } from "../results/index.js"
import { readInstruments } from "../surveys/index.js"
import type { KitFile, KitInput, KitLocale, KitOrganiser, RenderedKit } from "./Kit.js"
import { reloadRenderer } from "./Renderer.js"
import { unaskedVoteBlocks } from "./VoteSheets.js"
import { unapproved } from "../domain/Adaptation.js"
import { adaptationRegister } from "./Adaptations.js"
import { counted, plural } from "../domain/Plural.js"

/** Which sites to build and how. */
export interface KitBuildOptions {
  /** One site, or every site when undefined. */
  readonly site?: string | undefined
  /** Write every kit in this locale instead of each site's own. */
  readonly locale?: string | undefined
  /** The folder that receives `<site>/` and `<site>.zip` (default `<workspace>/out/kits`). */
  readonly outDir?: string | undefined
  /** Also print every document to PDF through a system Chromium. */
  readonly pdf?: boolean | undefined
  /** The Chromium to print with (default: `CONVENE_CHROMIUM`, then /usr/bin/chromium). */
  readonly chromium?: string | undefined
  /** Rebuild even the kits whose inputs did not change. */
  readonly force?: boolean | undefined
  /** Called after each site, built or skipped. */
  readonly onProgress?: ((progress: { readonly done: number; readonly total: number; readonly site: string; readonly skipped: boolean }) => void) | undefined
  /** The contact printed in the kit of a site without a fellow (a self-registered mirror: its organiser); else none. */
  readonly contact?: { readonly name: string; readonly email: string } | undefined
}

/** One site's kit as written. */
export interface BuiltKit {
  readonly site: string
  readonly dir: string
  readonly zip: string
  readonly locale: KitLocale
  readonly files: number
  readonly bytes: number
  readonly skipped: boolean
}

/** What a build did. */
export interface KitBuildResult {
  readonly out: string
  readonly kits: ReadonlyArray<BuiltKit>
  readonly built: number
  readonly skipped: number
  /** Where the times came from: a stored plan, a stale one, or computed now (no calendar file then). */
  readonly schedule: "stored" | "stale" | "computed"
  readonly warnings: ReadonlyArray<string>
}

/** The manifest written beside every kit, and inside its zip. */
export interface KitManifest {
  readonly format: number
  readonly dialogue: string
  readonly site: string
  readonly locale: KitLocale
  readonly inputs: RenderedKit["inputs"]
  readonly inputs_hash: string
  /** The site's other locales, each a complete kit in the folder of that name (e.g. `wo-SN/`). */
  readonly other_locales?: ReadonlyArray<string>
  readonly pdf: boolean
  readonly files: ReadonlyArray<{ readonly path: string; readonly bytes: number; readonly sha256: string }>
  /**
   * The tz release the kit's times were planned with (the stored plan's, or the one in use when
   * no plan was stored). Not part of `inputs_hash`: new tz data that moves no time of the site
   * rebuilds and re-mails nothing.
   */
  readonly tz?: TzInfo
  /**
   * The site's approved changes to locked content (the adaptation register's approved
   * deviations), so that the results analysis can name the sites that deviated. Absent when none.
   */
  readonly deviations?: ReadonlyArray<{ readonly item: string; readonly sha256: string; readonly note: string; readonly approved_by: string; readonly approved_at: string }>
}

// DOS timestamps are local wall times: a date built from local fields writes the same bytes in every zone.
const ZIP_TIME = new Date(2000, 0, 1, 0, 0, 0)

/** A zip of a kit's files under a `<site>/` folder: same files, same bytes. */
export const zipKit = (site: string, files: ReadonlyArray<KitFile>): Uint8Array => {
  const entries: Zippable = {}
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    entries[`${site}/${f.path}`] = [f.content, { level: /\.(woff2|pdf|zip)$/.test(f.path) ? 0 : 6, mtime: ZIP_TIME }]
  }
  return zipSync(entries, { mtime: ZIP_TIME })
}

const listFiles = (dir: string, base = dir, out: Array<string> = []): Array<string> => {
  if (!existsSync(dir)) return out
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) listFiles(path, base, out)
    else out.push(relative(base, path).split("\\").join("/"))
  }
  return out
}

const readManifest = (dir: string): KitManifest | undefined => {
  try {
    return JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as KitManifest
  } catch {
    return undefined
  }
}

/** The manifest of a kit already written from the same inputs, with all its files and zip there; undefined when it must be built. */
const upToDate = (dir: string, zip: string, inputsHash: string, pdf: boolean): KitManifest | undefined => {
  const previous = readManifest(dir)
  if (previous === undefined || previous.inputs_hash !== inputsHash || previous.pdf !== pdf || !existsSync(zip)) return undefined
  return previous.files.every((f) => existsSync(join(dir, f.path))) ? previous : undefined
}

/** Writes a file only when its bytes differ: an unchanged kit file keeps its time stamp. */
const writeIfChanged = (file: string, content: Uint8Array): void => {
  try {
    const old = readFileSync(file)
    if (old.length === content.length && old.equals(content)) return
  } catch {
    // new file
  }
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, content)
}

/** What every kit of a workspace is made from, read once. */
const kitInputs = Effect.fn("Kits.inputs")(function*(dialogue: Dialogue, siteId: string | undefined, sessions: NationalSessions | undefined) {
  const sites = yield* listRegistry("sites", siteId === undefined ? {} : { id: siteId })
  if (siteId !== undefined && sites.length === 0) return yield* new NotFound({ what: "site", id: siteId, hint: "`convene sites list` shows the registered sites." })
  if (sites.length === 0) return yield* new InputError({ summary: "There are no sites to build kits for: import them first (`convene sites import sites.csv`).", problems: [] })
  const fellows = yield* listRegistry("fellows")
  const counts = yield* countDistinct("sites", "country")
  // the staleness check needs every site: pass them when they were all read already
  const stored = yield* latestPlan(dialogue, siteId === undefined ? sites : undefined, sessions).pipe(Effect.catchTag("NotFound", () => Effect.succeed(undefined)))
  return { sites, fellows: new Map(fellows.map((f) => [f.email, f])), counts: { sites: counts.records, countries: counts.distinct }, stored }
})

/**
 * The planned day of every site to build: from the stored plan when there is one (sites it
 * does not hold, such as mirror sites, are planned alone around the stored moments), otherwise
 * planned now by the same function `schedule plan` uses.
 */
const sitePlans = (dialogue: Dialogue, sites: ReadonlyArray<Site>, stored: SchedulePlan | undefined, sessions: NationalSessions | undefined) => {
  const inPerson = sites.filter((s) => s.format !== "mirror")
  const base = stored ?? planSites(dialogue, inPerson.length > 0 ? inPerson : sites, dialogue.sync_moments, undefined, sessions)
  const byId = new Map(base.sites.map((s) => [s.id, s]))
  const missing = sites.filter((s) => !byId.has(s.id))
  if (missing.length > 0) {
    const fixed = dialogue.sync_moments.map((m) => ({ ...m, at: base.moments.find((x) => x.id === m.id)?.start_utc.replace(/:00Z$/, "Z") ?? m.at }))
    const extra = planSites(dialogue, missing, fixed, undefined, sessions)
    for (const s of extra.sites) byId.set(s.id, s)
  }
  return { base, byId }
}

/** Runs a synchronous step that may throw an {@link InputError} (a broken template), as a failure. */
const attempt = <A>(f: () => A): Effect.Effect<A, InputError> =>
  Effect.suspend(() => {
    try {
      return Effect.succeed(f())
    } catch (e) {
      if (e instanceof InputError) return Effect.fail(e)
      throw e
    }
  })

/** Builds the kit of one site or of every site. */
export const buildKits = (ws: Workspace, options: KitBuildOptions = {}) => Effect.scoped(buildKitsScoped(ws, options)).pipe(Effect.map((built) => built.result))

/** The renderer and every site's inputs, read once for a build or a send. */
const prepareKits = Effect.fn("Kits.prepare")(function*(ws: Workspace, options: { readonly site?: string | undefined; readonly locale?: string | undefined; readonly contact?: KitBuildOptions["contact"] }) {
  const renderer = yield* reloadRenderer(ws)
  const instruments = yield* readInstruments(ws.dir)
  const ballots = yield* readBallots(ws.dir, ws.dialogue)
  const { sites, fellows, counts, stored } = yield* kitInputs(ws.dialogue, options.site, ws.sessions)
  const { base, byId } = sitePlans(ws.dialogue, sites, stored?.plan, ws.sessions)
  // a site's vote sheets: the global questions and its national session's
  const withNational = yield* ballotsWithSessions(ws, ballots.ballots, sites)
  const ballotsOf = (site: Site): LoadedBallots => {
    const session = sessionOf(ws.sessions, site)
    return session === undefined ? ballots : { ...ballots, ballots: ballotsForSite(withNational, site.id), sha256: sha256(`${ballots.sha256}\n${session.file}\n${session.text}`) }
  }
  // a site's fellow and the facilitators its site.yaml lists, with their codes, for the printed organisers' questionnaire
  const organisersOf = (site: Site): Array<KitOrganiser> => {
    const fellow = site.fellow_email === undefined ? undefined : fellows.get(site.fellow_email)
    return organiserRespondents({ fellows: fellow === undefined ? [] : [fellow], sites: [site], facilitators: (ws.facilitators ?? []).filter((f) => f.site === site.id) }, site.id)
      .map((o) => ({ kind: o.kind, name: o.name, code: o.code }))
  }
  const inputs: Array<KitInput> = sites.map((site) => ({
    site,
    // a mirror registered through the form has no fellow: its organiser, when the build is given one
    fellow: site.fellow_email === undefined ? options.contact : fellows.get(site.fellow_email),
    plan: byId.get(site.id)!,
    moments: base.moments,
    storedPlan: stored === undefined ? undefined : { ...base, sites: [byId.get(site.id)!] },
    counts,
    locale: options.locale,
    instruments,
    ballots: ballotsOf(site),
    organisers: organisersOf(site)
  }))
  return { renderer, inputs, stored, unasked: unaskedVoteBlocks(ballots.ballots, ws.dialogue.agenda) }
})

// with `dryRun` (kit send --dry-run), kits are rendered and zipped in memory and nothing is written
const buildKitsScoped = Effect.fn("Kits.build")(function*(ws: Workspace, options: KitBuildOptions & { readonly dryRun?: boolean | undefined }) {
  const { renderer, inputs, stored, unasked } = yield* prepareKits(ws, options)
  const sites = inputs.map((i) => i.site)
  // a change to locked content builds only once staff have approved that exact version
  const register = yield* adaptationRegister(ws)
  const building = new Set<string>(sites.map((s) => s.id))
  const waiting = register.filter((a) => building.has(a.site) && unapproved(a))
  if (waiting.length > 0) {
    return yield* new InputError({
      summary: `Nothing was built: ${waiting.length} change${waiting.length === 1 ? "" : "s"} to locked content ${waiting.length === 1 ? "has" : "have"} no approval. Staff approve one version with \`convene kit approve --site ID ITEM --note TEXT\` (\`convene kit check\` shows the register), or the site reverts it.`,
      problems: waiting.map((a) => ({ file: a.at, field: `${a.site} ${a.item}`, message: `locked (${a.diff})` }))
    })
  }
  const deviationsOf = (site: string) =>
    register.filter((a) => a.site === site && a.status === "locked" && a.approval !== null).map((a) => ({ item: a.item, sha256: a.sha256, note: a.approval!.note, approved_by: a.approval!.by, approved_at: a.approval!.approved_at }))
  const out = options.outDir ?? join(ws.dir, "out", "kits")
  const dryRun = options.dryRun === true
  /** The size of each zip a dry run would have written. */
  const zipSizes = new Map<string, number>()
  if (!dryRun) yield* makeDir(out)
  const warnings: Array<string> = []
  if (stored === undefined) warnings.push("No schedule is planned yet: times are computed now and the kits have no calendar file (run `convene schedule plan`).")
  else if (stored.stale) warnings.push("The stored schedule is stale (sites, day, agenda or moments changed): run `convene schedule plan` again.")
  const tzStale = stored === undefined ? undefined : tzWarning(stored.tz, stored.newerTz)
  if (tzStale !== undefined) warnings.push(tzStale)
  if (unasked.length > 0) warnings.push(`The vote ${plural(unasked.length, "block")} ${unasked.join(", ")} ${plural(unasked.length, "has", "have")} no question in ballots/*.yaml: ${plural(unasked.length, "its tally sheet is", "their tally sheets are")} blank, to be filled in by hand.`)
  const kits: Array<BuiltKit & { readonly inputsHash: string }> = []
  // loaded only to print: a module of this package, importing nothing that may be missing (playwright-core loads at launch)
  const printer = options.pdf === true ? yield* Effect.promise(() => import("./KitPdf.js")) : undefined
  const browser = printer === undefined ? undefined : yield* printer.launchChromium(options.chromium)
  {
    let done = 0
    for (const input of inputs) {
      const site = input.site
      // the site's other locales, each a kit of its own in a folder of the site's kit (unless the build asks for one locale)
      const others = options.locale === undefined ? otherLocalesOf(site).filter((l) => l !== site.locale) : []
      const { inputsHash: mainHash } = yield* attempt(() => renderer.inputsOf(input))
      const otherHashes = yield* attempt(() => others.map((l) => renderer.inputsOf({ ...input, locale: l }).inputsHash))
      const inputsHash = others.length === 0 ? mainHash : sha256([mainHash, ...others.map((l, i) => `${l}:${otherHashes[i]}`)].join("\n"))
      const dir = join(out, site.id)
      const zip = join(out, `${site.id}.zip`)
      const pdf = options.pdf === true
      // reading the manifest never fails: a missing or broken one means the kit is built
      const previous = options.force === true ? undefined : yield* Effect.sync(() => upToDate(dir, zip, inputsHash, pdf))
      const skipped = previous !== undefined
      if (skipped) {
        kits.push({ site: site.id, dir, zip, locale: previous.locale, files: previous.files.length + 1, bytes: previous.files.reduce((n, f) => n + f.bytes, 0), skipped, inputsHash })
        done++
        options.onProgress?.({ done, total: sites.length, site: site.id, skipped })
        continue
      }
      const kit = yield* attempt(() => renderer.render(input))
      const translated = yield* attempt(() => others.flatMap((l) => renderer.render({ ...input, locale: l }).files.map((f) => ({ ...f, path: `${l}/${f.path}` }))))
      let files = [...kit.files, ...translated]
      if (dryRun) {
        const manifest = {
          format: 1,
          dialogue: ws.dialogue.id,
          site: site.id,
          locale: kit.locale,
          inputs: kit.inputs,
          inputs_hash: inputsHash,
          ...(others.length === 0 ? {} : { other_locales: others }),
          pdf: false,
          files: [...files].sort((a, b) => (a.path < b.path ? -1 : 1)).map((f) => ({ path: f.path, bytes: f.content.length, sha256: sha256(f.content) })),
          ...(() => {
            const tz = stored === undefined ? tzInUse() : stored.tz
            return tz === undefined ? {} : { tz: { version: tz.version, source: tz.source } }
          })()
        }
        zipSizes.set(site.id, zipKit(site.id, [...files, { path: "manifest.json", content: new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`) }]).length)
      } else {
        const wanted = new Set(files.map((f) => f.path))
        const written = files
        yield* fileWork("write", dir, () => {
          // the old manifest goes first: a build stopped from here on leaves no manifest, so the
          // kit is built again next time even if its inputs are reverted to the old ones
          rmSync(join(dir, "manifest.json"), { force: true })
          for (const f of written) writeIfChanged(join(dir, f.path), f.content)
        })
        if (browser !== undefined) {
          const pdfs = yield* printer!.printKit(browser, dir, files.filter((f) => f.path.endsWith(".html")).map((f) => f.path))
          yield* fileWork("write", dir, () => {
            for (const p of pdfs) writeIfChanged(join(dir, p.path), p.content)
          })
          for (const p of pdfs) wanted.add(p.path)
          files = [...files, ...pdfs]
        }
        yield* fileWork("remove", dir, () => {
          for (const stale of listFiles(dir)) if (!wanted.has(stale) && stale !== "manifest.json") rmSync(join(dir, stale))
        })
        const tz = stored === undefined ? tzInUse() : stored.tz
        const manifest: KitManifest = {
          format: 1,
          dialogue: ws.dialogue.id,
          site: site.id,
          locale: kit.locale,
          inputs: kit.inputs,
          inputs_hash: inputsHash,
          ...(others.length === 0 ? {} : { other_locales: others }),
          pdf,
          files: [...files].sort((a, b) => (a.path < b.path ? -1 : 1)).map((f) => ({ path: f.path, bytes: f.content.length, sha256: sha256(f.content) })),
          ...(tz === undefined ? {} : { tz: { version: tz.version, source: tz.source } }),
          ...(deviationsOf(site.id).length === 0 ? {} : { deviations: deviationsOf(site.id) })
        }
        const manifestFile: KitFile = { path: "manifest.json", content: new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`) }
        const zipped = zipKit(site.id, [...files, manifestFile])
        yield* fileWork("write", zip, () => {
          writeFileSync(`${zip}.tmp`, zipped)
          renameSync(`${zip}.tmp`, zip)
          // the manifest goes last, once every file and the zip are in place
          writeIfChanged(join(dir, "manifest.json"), manifestFile.content)
        })
      }
      if (kit.locale.missing.length > 0) warnings.push(`${site.id}: ${counted(kit.locale.missing.length, "message")} missing in every catalog: ${kit.locale.missing.slice(0, 5).join(", ")}`)
      kits.push({
        site: site.id,
        dir,
        zip,
        locale: kit.locale,
        files: files.length + 1,
        bytes: files.reduce((n, f) => n + f.content.length, 0),
        skipped,
        inputsHash
      })
      done++
      options.onProgress?.({ done, total: sites.length, site: site.id, skipped })
    }
  }
  const skipped = kits.filter((k) => k.skipped).length
  const result: KitBuildResult = {
    out,
    kits: kits.map(({ inputsHash: _, ...k }) => k),
    built: kits.length - skipped,
    skipped,
    schedule: stored === undefined ? "computed" : stored.stale ? "stale" : "stored",
    warnings
  }
  return { result, renderer, inputs, hashes: new Map(kits.map((k) => [k.site, k.inputsHash])), zipSizes }
})

/** How `kit send` mails the kits. */
export interface KitSendOptions {
  /** One site, or every site when undefined. */
  readonly site?: string | undefined
  readonly outDir?: string | undefined
  /** Zips up to this size are attached; larger ones are sent as a link or path (default 10 MB). */
  readonly maxAttachmentBytes?: number | undefined
  /** Where the zips are published, e.g. `https://files.example.org/kits/`: larger kits are linked there instead of named by path. */
  readonly linkBase?: string | undefined
  readonly transport: MailTransportOptions
  /** At most this many messages per second over SMTP. */
  readonly rate?: number | undefined
  readonly onProgress?: ((done: number, total: number) => void) | undefined
  /**
   * Work out the run without doing it: the kits that changed are rendered and zipped in memory
   * (to know their size), and nothing is written, queued or sent; no connection is opened. The
   * result is a {@link KitSendPreview}.
   */
  readonly dryRun?: boolean | undefined
}

/** What a dry run of `kit send` says: the kits it would build, the messages, and what the send log would do with them. */
export interface KitSendPreview extends MailPreview {
  /** Kits that changed since they were last built, and would be built first. */
  readonly built: number
  readonly attached: number
  readonly linked: number
  readonly noFellow: ReadonlyArray<string>
  /** Queued messages of older kit versions that would be set aside. */
  readonly superseded: number
}

/** The default attachment limit: most mail servers accept 10 MB. */
export const KIT_ATTACHMENT_LIMIT = 10 * 1024 * 1024

/**
 * Mails every fellow the kit of each of their sites, in the site's locale: the zip attached
 * when it is small enough, otherwise a link (or its path). Kits are built first (unchanged ones
 * are skipped). The idempotency key is the site, the fellow and the kit's inputs hash: running
 * it again sends nothing twice, and a kit that changed is sent once more, as a new version; an
 * older version still queued (a send interrupted before the kit was rebuilt) is set aside as
 * failed ("superseded", counted in `superseded`), and a queued message whose zip changed under
 * it is refused when sent: a message never carries another kit version than its key names.
 *
 * @example
 * const result = yield* sendKits(ws, { transport: resolveMailTransport(ws.dir) })
 * // { messages: 133, queued: 133, alreadySent: 0, sent: 133, attached: 133, linked: 0, noFellow: [] , ... }
 */
export const sendKits = (ws: Workspace, options: KitSendOptions) =>
  Effect.scoped(Effect.gen(function*() {
    const dryRun = options.dryRun === true
    const built = yield* buildKitsScoped(ws, { site: options.site, outDir: options.outDir, dryRun })
    const limit = options.maxAttachmentBytes ?? KIT_ATTACHMENT_LIMIT
    const messages: Array<OutgoingMessage> = []
    const noFellow: Array<string> = []
    let attached = 0
    for (const input of built.inputs) {
      const kit = built.result.kits.find((k) => k.site === input.site.id)!
      if (input.fellow === undefined) {
        noFellow.push(input.site.id)
        continue
      }
      const bytes = built.zipSizes.get(input.site.id) ?? (yield* fileWork("read", kit.zip, () => statSync(kit.zip).size))
      const attach = bytes <= limit
      if (attach) attached++
      const intl = built.renderer.localeOf(input).intl
      const size = new Intl.NumberFormat(intl, { style: "unit", unit: bytes >= 1e6 ? "megabyte" : "kilobyte", maximumFractionDigits: 1 }).format(bytes >= 1e6 ? bytes / 1e6 : bytes / 1e3)
      const location = options.linkBase !== undefined ? `${options.linkBase.replace(/\/?$/, "/")}${input.site.id}.zip` : kit.zip
      const mail = yield* attempt(() => built.renderer.renderMail("kit", input, { attached: attach, size, location }))
      const hash = built.hashes.get(input.site.id)!
      messages.push({
        key: `kit:${input.site.id}:${input.fellow.email}:${hash.slice(0, 16)}`,
        purpose: "kit",
        // structured: a display name built into a string could carry more recipients
        to: { name: input.fellow.name, address: input.fellow.email },
        locale: mail.locale.used,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        attachments: attach ? [{ filename: `${input.site.id}.zip`, path: kit.zip, contentType: "application/zip" }] : []
      })
    }
    // a kit rebuilt since an earlier send was queued is a new version under a new key: the older
    // versions still queued are set aside explicitly, never sent with a zip they were not keyed with
    let superseded = 0
    if (dryRun) {
      for (const m of messages) superseded += yield* countSupersedable(m.key.slice(0, m.key.lastIndexOf(":") + 1), m.key)
      const preview = yield* previewMessages(messages, options.transport)
      return { built: built.result.built, attached, linked: messages.length - attached, noFellow, superseded, ...preview } satisfies KitSendPreview
    }
    for (const m of messages) {
      const version = m.key.slice(m.key.lastIndexOf(":") + 1)
      superseded += (yield* supersedeQueued(m.key.slice(0, m.key.lastIndexOf(":") + 1), m.key, `superseded: the kit was rebuilt (now version ${version}); this older version is not sent`)).length
    }
    const delivered = yield* sendMessages(messages, options.transport, {
      ...(options.rate === undefined ? {} : { rate: options.rate }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress })
    })
    return { messages: messages.length, attached, linked: messages.length - attached, noFellow, built: built.result.built, superseded, ...delivered }
  }))
