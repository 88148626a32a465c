/**
 * The public mirror toolkit (`convene kit build --toolkit`): a generic kit per declared locale of
 * the dialogue, with blanks where a site's name, place, country, date, size and contact go, zipped
 * in `out/toolkit/`, ready to publish on the dialogue's website. Rendered by the kits' own
 * renderer from the same templates and catalogs as every site's kit.
 */
import * as Effect from "effect/Effect"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { InputError } from "../domain/Errors.js"
import type { Site } from "../domain/Registry.js"
import { fileWork } from "../infra/Files.js"
import type { Workspace } from "../infra/Workspace.js"
import { type BuiltKit, type KitBuildResult, type KitFile, rendererFor, zipKit } from "../kits/index.js"
import { countDistinct } from "../registries/index.js"
import { readBallots } from "../results/index.js"
import { planSites } from "../schedule/index.js"
import { readInstruments } from "../surveys/index.js"

/** What a blank to fill in looks like on the printed page. */
export const TOOLKIT_BLANK = "________________"

/** Values no real site has, replaced by {@link TOOLKIT_BLANK} once rendered. */
const SENTINEL = { date: "2099-12-31", capacity: 7777, zone: "Etc/UTC", country: "ZZ" }

const sentinelSite = (locale: string): Site =>
  ({
    id: "mirror-toolkit",
    name: TOOLKIT_BLANK,
    city: TOOLKIT_BLANK,
    country: SENTINEL.country,
    timezone: SENTINEL.zone,
    locale,
    capacity: SENTINEL.capacity,
    format: "mirror",
    date: SENTINEL.date,
    date_reason: "mirror"
  }) as unknown as Site

/** Every way the sentinel values can be written in a locale, longest first. */
const sentinelTexts = (intl: string): Array<string> => {
  const noon = new Date(`${SENTINEL.date}T12:00:00Z`)
  const dates = (["full", "long", "medium", "short"] as const).map((dateStyle) => new Intl.DateTimeFormat(intl, { dateStyle, timeZone: "UTC" }).format(noon))
  const region = new Intl.DisplayNames([intl], { type: "region", fallback: "code" }).of(SENTINEL.country) ?? SENTINEL.country
  const capacity = [new Intl.NumberFormat(intl).format(SENTINEL.capacity), String(SENTINEL.capacity)]
  return [...new Set([...dates, region, ...capacity, SENTINEL.date, SENTINEL.zone])].sort((a, b) => b.length - a.length)
}

const blankOut = (file: KitFile, texts: ReadonlyArray<string>): KitFile => {
  if (!/\.(html|txt|md)$/.test(file.path)) return file
  let text = new TextDecoder().decode(file.content)
  // the zone note names the sentinel zone and its offset: a generic kit has no zone
  text = text.replace(/<p class="zone-note">[\s\S]*?<\/p>\n?/g, "")
  for (const t of texts) text = text.split(t).join(TOOLKIT_BLANK)
  return { path: file.path, content: new TextEncoder().encode(text) }
}

/**
 * Writes the mirror toolkit: `out/toolkit/<locale>/` and `out/toolkit/mirror-toolkit-<locale>.zip`
 * for the source locale and every locale of `convene.yaml`. The result has the shape of a kit
 * build's (one "kit" per locale).
 *
 * @example
 * const result = yield* buildMirrorToolkit(ws)
 * result.kits.map((k) => k.zip) // [".../out/toolkit/mirror-toolkit-en.zip", ".../mirror-toolkit-fr.zip", …]
 */
export const buildMirrorToolkit = Effect.fn("Mirrors.toolkit")(function*(ws: Workspace, options: { readonly outDir?: string | undefined } = {}) {
  const renderer = yield* rendererFor(ws)
  const instruments = yield* readInstruments(ws.dir)
  const ballots = yield* readBallots(ws.dir, ws.dialogue)
  const counted = yield* countDistinct("sites", "country")
  const out = options.outDir ?? join(ws.dir, "out", "toolkit")
  const locales = [...new Set([ws.dialogue.source_locale, ...ws.dialogue.locales])]
  const kits: Array<BuiltKit> = []
  const warnings: Array<string> = []
  for (const locale of locales) {
    const site = sentinelSite(locale)
    const plan = planSites(ws.dialogue, [site]).sites[0]!
    const kit = yield* Effect.try({
      try: () => renderer.render({ site, fellow: { name: TOOLKIT_BLANK, email: TOOLKIT_BLANK }, plan, moments: [], storedPlan: undefined, counts: { sites: counted.records, countries: counted.distinct }, instruments, ballots }),
      catch: (e) => (e instanceof InputError ? e : new InputError({ summary: `The toolkit in ${locale} cannot be rendered: ${String(e)}`, problems: [] }))
    })
    const texts = sentinelTexts(kit.locale.intl)
    const files = kit.files.map((f) => blankOut(f, texts))
    const name = `mirror-toolkit-${locale}`
    const dir = join(out, locale)
    const zip = join(out, `${name}.zip`)
    yield* fileWork("write", out, () => {
      rmSync(dir, { recursive: true, force: true })
      for (const f of files) {
        mkdirSync(dirname(join(dir, f.path)), { recursive: true })
        writeFileSync(join(dir, f.path), f.content)
      }
      writeFileSync(zip, zipKit(name, files))
    })
    if (kit.locale.missing.length > 0) warnings.push(`${locale}: ${kit.locale.missing.length} messages missing in every catalog`)
    kits.push({ site: name, dir, zip, locale: kit.locale, files: files.length, bytes: files.reduce((n, f) => n + f.content.length, 0), skipped: false })
  }
  return { out, kits, built: kits.length, skipped: 0, schedule: "computed", warnings } satisfies KitBuildResult
})
