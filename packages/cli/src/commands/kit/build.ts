import { Flags } from "@oclif/core"
import { relative, resolve } from "node:path"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { checkedLocale } from "../../locale-flag.js"
import { progressBar } from "../../progress.js"
import { counted } from "../../plural.js"

export default class KitBuild extends ConveneCommand {
  static override summary = "Build the localized dialogue kit of one site or of every site, or the public mirror toolkit (--toolkit)."
  static override description = [
    "Each kit is a self-contained folder out/kits/<site>/ (facilitator guide, participant booklet, agenda, consent form, pre/post questionnaires, invitation letter, a participant ballot and a table tally sheet per vote and a recommendations sheet (from ballots/*.yaml), calendar file, index; fonts and styles bundled, A4 print styles), a zip out/kits/<site>.zip, and manifest.json with the hashes of every input, the locale used and its fallbacks.",
    "Messages come from the site's locale, then its language, then the dialogue's source locale (fr-SN → fr → en); dates and times are formatted in the site's locale and zone. Overrides: the workspace's templates/ and locales/, then sites/<id>/templates/ and sites/<id>/locales/.",
    "The same inputs give byte-identical files. A rebuild skips every site whose inputs did not change (--force rebuilds all). --pdf also prints each document to pdf/<doc>.pdf through a system Chromium (/usr/bin/chromium, or CONVENE_CHROMIUM), driven by the optional package playwright-core (npm install playwright-core)."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> kit build --all",
    "<%= config.bin %> kit build --site sn-dakar",
    "<%= config.bin %> kit build --site sn-dakar --locale en --out /tmp/kits",
    "<%= config.bin %> kit build --all --pdf",
    "<%= config.bin %> kit build --all --json | jq '.kits[] | {site, locale: .locale.used}'",
    "<%= config.bin %> kit build --toolkit   # the public mirror toolkit: out/toolkit/mirror-toolkit-<locale>.zip"
  ]
  static override flags = {
    ...workspaceFlags,
    site: Flags.string({ summary: "Build this site's kit.", exclusive: ["all"] }),
    all: Flags.boolean({ summary: "Build every site's kit.", exclusive: ["site"] }),
    locale: Flags.string({ summary: "Write the kits in this locale instead of each site's own (e.g. en, fr-SN)." }),
    pdf: Flags.boolean({ summary: "Also print every document to PDF through a system Chromium." }),
    out: Flags.string({ summary: "Output folder (default: the workspace's out/kits/)." }),
    force: Flags.boolean({ summary: "Rebuild even the kits whose inputs did not change." }),
    toolkit: Flags.boolean({ summary: "Write the public mirror toolkit instead: a generic kit per locale of the dialogue, blanks for the site's details, zipped in out/toolkit/ (docs/mirror.md).", exclusive: ["site", "all", "locale", "pdf"] })
  }
  static override output = () => import("../../json/kit.js").then((m) => m.built)

  async run() {
    const { flags } = await this.parse(KitBuild)
    if (flags.toolkit) {
      const toolkit = await this.runInWorkspace(flags, async (ws) => (await import("@convene/core/mirrors")).buildMirrorToolkit(ws, { outDir: flags.out === undefined ? undefined : resolve(flags.out) }))
      for (const w of toolkit.warnings) this.warn(w)
      this.log(`The mirror toolkit in ${counted(toolkit.kits.length, "locale")}: ${toolkit.kits.map((k) => relative(process.cwd(), k.zip) || k.zip).join(", ")}.`)
      return { ...toolkit, files: toolkit.kits.map((k) => k.zip) }
    }
    if (flags.site === undefined && !flags.all) this.error("Say which kits to build: --site ID or --all (or --toolkit).", { exit: 2 })
    const locale = await checkedLocale(flags.locale)
    const bar = progressBar("kits", !this.jsonEnabled() && flags.all)
    const result = await this.runInWorkspace(flags, async (ws) => {
      const { buildKits } = await import("@convene/core/kits")
      return buildKits(ws, {
        site: flags.site,
        locale,
        outDir: flags.out === undefined ? undefined : resolve(flags.out),
        pdf: flags.pdf,
        force: flags.force,
        onProgress: (p) => bar.tick(p.done, p.total, p.site)
      })
    })
    bar.done()
    for (const w of result.warnings.slice(0, 10)) this.warn(w)
    if (result.warnings.length > 10) this.warn(`… and ${result.warnings.length - 10} more warnings (see --json).`)
    const out = relative(process.cwd(), result.out) || result.out
    if (flags.site !== undefined) {
      const kit = result.kits[0]!
      const fell = kit.locale.fallbacks.map((f) => `${f.keys} from ${f.locale}`).join(", ")
      this.log(`${kit.skipped ? "Unchanged" : "Built"}: ${relative(process.cwd(), kit.dir) || kit.dir}/ and ${relative(process.cwd(), kit.zip)} — ${kit.files} files, in ${kit.locale.used}${kit.locale.used === kit.locale.requested ? "" : ` (asked: ${kit.locale.requested})`}, ${kit.locale.dir}${fell === "" ? "" : `; messages: ${fell}`}.`)
    } else {
      const language = (l: string): string => l.split("-")[0]!
      const other = result.kits.filter((k) => language(k.locale.used) !== language(k.locale.requested)).length
      this.log(`Built ${counted(result.built, "kit")} in ${out}/, skipped ${result.skipped} unchanged; ${result.kits.length - other} in their site's language, ${other} in the source locale for want of a catalog (\`convene kit check\` lists them).`)
    }
    return { ...result, files: result.kits.filter((k) => !k.skipped).map((k) => k.zip) }
  }
}
