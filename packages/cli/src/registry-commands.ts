/**
 * The six commands every registry has — import, export, list, add, show, remove — made once
 * and bound to each registry by a one-line file under commands/<registry>/.
 */
import { Args, Flags } from "@oclif/core"
import { REGISTRY_FORMATS, type RegistryName, registries } from "@convene/core/domain/Registry"
import { mkdir, writeFile } from "node:fs/promises"
import { join, relative, resolve } from "node:path"
import { ConveneCommand, workspaceFlags } from "./base.js"
import { confirm, dryRunFlag, yesFlag } from "./confirm.js"
import { distinct, formatsFlag } from "./formats-flag.js"

const examples: Record<RegistryName, { readonly id: string; readonly add: string }> = {
  coalition: { id: "unesco", add: "--id unesco --name UNESCO --kind un-agency" },
  fellows: { id: "f-sn-diallo", add: '--id f-sn-diallo --name "Awa Diallo" --email awa@example.org --country SN --languages "fr wo"' },
  sites: {
    id: "sn-dakar",
    add: '--id sn-dakar --name "Dakar assembly" --city Dakar --country SN --timezone Africa/Dakar --locale fr-SN --capacity 100 --format in-person --fellow-email awa@example.org'
  },
  participants: { id: "p-sn-dakar-001", add: "--id p-sn-dakar-001 --site-id sn-dakar --locale fr-SN --gender woman --age-band 25-34" }
}

const listExamples: Record<RegistryName, string> = {
  coalition: "kind=foundation",
  fellows: "country=SN",
  sites: "country=IN --where format=hybrid",
  participants: "site_id=sn-dakar"
}

const plural = (name: RegistryName): string => (name === "coalition" ? "coalition partners" : name)

/** `convene <registry> import FILE` */
export const importCommand = (name: RegistryName): typeof ConveneCommand =>
  class ImportCommand extends ConveneCommand {
    static override summary = `Import ${plural(name)} from a CSV (or JSON) file, all or nothing.`
    static override description = `Every row is checked before anything is written: when any row is bad, nothing is imported and each bad row is reported as FILE:LINE: field: expected … . Rows are upserted by id, so importing the same file again changes nothing. With --dry-run the whole import runs, every check included, and is rolled back: it says what would change and writes nothing. The columns are: ${registries[name].columns.map((c) => c.name).join(",")}.`
    static override examples = [
      `<%= config.bin %> ${name} import ${name}.csv`,
      `<%= config.bin %> ${name} import ${name}.csv --dry-run`,
      `<%= config.bin %> ${name} import ${name}.csv --json`
    ]
    static override args = { file: Args.string({ description: `The CSV file of ${plural(name)} (or a .json file as written by \`convene ${name} export --format json\`).`, required: true }) }
    static override flags = { ...workspaceFlags, ...dryRunFlag }
    static override output = () => import("./json/registries.js").then((m) => m.imported)

    async run() {
      const { args, flags } = await this.parse(ImportCommand)
      const path = resolve(args.file)
      const summary = await this.runInWorkspace(flags, async (ws) => {
        const { importRegistryFile } = await import("@convene/core/registries")
        return importRegistryFile(name, path, { displayName: relative(process.cwd(), path) || path, dryRun: flags["dry-run"], codebook: ws.dialogue.features })
      })
      const counts = `${summary.inserted} added, ${summary.updated} updated, ${summary.unchanged} unchanged`
      if (summary.dryRun === true) {
        this.log(`Dry run: ${summary.file}: ${summary.rows} ${plural(name)} would be imported — ${counts} (e.g. ${(summary.sample ?? []).join(", ")}). Nothing was written.`)
        return summary
      }
      this.log(`${summary.file}: ${summary.rows} ${plural(name)} — ${counts}.`)
      return summary
    }
  }

/** `convene <registry> export` */
export const exportCommand = (name: RegistryName): typeof ConveneCommand =>
  class ExportCommand extends ConveneCommand {
    static override summary = `Export ${plural(name)} as CSV or JSON.`
    static override description = `Writes ${name}.csv (or .json) into the output folder, in the same columns import reads, so export then import round-trips exactly. With --stdout the file goes to standard output instead.`
    static override examples = [
      `<%= config.bin %> ${name} export`,
      `<%= config.bin %> ${name} export --format json --out exports/`,
      `<%= config.bin %> ${name} export --format csv,json`,
      `<%= config.bin %> ${name} export --stdout > ${name}-backup.csv`
    ]
    static override flags = {
      ...workspaceFlags,
      format: formatsFlag(REGISTRY_FORMATS, "csv"),
      out: Flags.string({ summary: "Output folder (default: the workspace's out/)." }),
      stdout: Flags.boolean({ summary: "Write to standard output instead of a file (one format only; not with --json).", exclusive: ["out", "json"] })
    }
    static override output = () => import("./json/registries.js").then((m) => m.exported)

    async run() {
      const { flags } = await this.parse(ExportCommand)
      const formats = distinct(flags.format)
      if (flags.stdout && formats.length > 1) this.error("--stdout writes one format: give --format csv or --format json.", { exit: 2 })
      let workspaceDir = ""
      const texts = await this.runInWorkspace(flags, async (ws) => {
        workspaceDir = ws.dir
        const [{ exportRegistry }, Effect] = await Promise.all([import("@convene/core/registries"), import("effect/Effect")])
        return Effect.forEach(formats, (format) => exportRegistry(name, format))
      })
      if (flags.stdout) {
        process.stdout.write(texts[0]!)
        return { formats, files: [] }
      }
      const dir = resolve(flags.out ?? join(workspaceDir, "out"))
      await mkdir(dir, { recursive: true })
      const files: Array<string> = []
      for (const [i, format] of formats.entries()) {
        const file = join(dir, `${name}.${format}`)
        await writeFile(file, texts[i]!)
        files.push(file)
        this.log(`Wrote ${relative(process.cwd(), file) || file}`)
      }
      return { formats, files }
    }
  }

/** `convene <registry> list` */
export const listCommand = (name: RegistryName): typeof ConveneCommand =>
  class ListCommand extends ConveneCommand {
    static override summary = `List ${plural(name)}.`
    static override examples = [
      `<%= config.bin %> ${name} list`,
      `<%= config.bin %> ${name} list --where ${listExamples[name]}`,
      `<%= config.bin %> ${name} list --json`
    ]
    static override flags = {
      ...workspaceFlags,
      where: Flags.string({ summary: "Only records whose COLUMN equals VALUE (repeatable), e.g. country=SN.", multiple: true })
    }
    static override output = () => import("./json/registries.js").then((m) => m.list(name))

    async run() {
      const { flags } = await this.parse(ListCommand)
      const where: Record<string, string> = {}
      const all = await this.runInWorkspace(flags, async () => {
        const [{ listRegistry }, { InputError }] = await Promise.all([import("@convene/core/registries"), import("@convene/core/domain/Errors")])
        for (const w of flags.where ?? []) {
          const at = w.indexOf("=")
          if (at <= 0) throw new InputError({ summary: "Bad --where.", problems: [{ field: "--where", message: `expected COLUMN=VALUE such as country=SN, got "${w}"` }] })
          where[w.slice(0, at).trim()] = w.slice(at + 1).trim()
        }
        return listRegistry(name, where)
      })
      if (all.length === 0) {
        this.log(Object.keys(where).length > 0 ? `No ${plural(name)} match.` : `No ${plural(name)} yet: \`convene ${name} import ${name}.csv\` adds them.`)
      } else {
        this.table(all as ReadonlyArray<Record<string, unknown>>, registries[name].listColumns)
        this.log(`\n${all.length} ${plural(name)}`)
      }
      return all
    }
  }

/** `convene <registry> show ID` */
export const showCommand = (name: RegistryName): typeof ConveneCommand =>
  class ShowCommand extends ConveneCommand {
    static override summary = `Show one ${registries[name].noun}.`
    static override examples = [`<%= config.bin %> ${name} show ${examples[name].id}`]
    static override args = { id: Args.string({ description: `The ${registries[name].noun}'s id, e.g. ${examples[name].id} (see \`convene ${name} list\`).`, required: true }) }
    static override flags = { ...workspaceFlags }
    static override output = () => import("./json/registries.js").then((m) => m.record(name))

    async run() {
      const { args, flags } = await this.parse(ShowCommand)
      const record = await this.runInWorkspace(flags, async () => (await import("@convene/core/registries")).showRecord(name, args.id))
      const width = Math.max(...registries[name].columns.map((c) => c.name.length))
      for (const c of registries[name].columns) {
        const v = (record as Record<string, unknown>)[c.name]
        this.log(`${c.name.padEnd(width)}  ${v === undefined ? "" : String(v)}`)
      }
      return record
    }
  }

/** `convene <registry> add --flag …` */
export const addCommand = (name: RegistryName): typeof ConveneCommand => {
  const columnFlags = Object.fromEntries(
    registries[name].columns.map((c) => [
      c.name.replaceAll("_", "-"),
      Flags.string({ summary: c.doc, required: c.required && !(name === "participants" && c.name === "code") })
    ])
  )
  return class AddCommand extends ConveneCommand {
    static override summary = `Add one ${registries[name].noun}.`
    static override description = `Checks the values as import does; fails if the id is taken. To change an existing ${registries[name].noun}, edit the CSV and import it again.`
    static override examples = [`<%= config.bin %> ${name} add ${examples[name].add}`]
    static override flags = { ...workspaceFlags, ...columnFlags }
    static override output = () => import("./json/registries.js").then((m) => m.record(name))

    async run() {
      const { flags } = await this.parse(AddCommand)
      const values = flags as Record<string, string | undefined>
      const added = await this.runInWorkspace(flags, async (ws) => {
        const [{ addRecord }, { recordFromCells }] = await Promise.all([import("@convene/core/registries"), import("@convene/core/domain/Registry")])
        return addRecord(name, recordFromCells(registries[name].columns, (c) => values[c.name.replaceAll("_", "-")]), { codebook: ws.dialogue.features })
      })
      this.log(`Added ${registries[name].noun} ${added.id}.`)
      return added
    }
  }
}

/** `convene <registry> remove ID` */
export const removeCommand = (name: RegistryName): typeof ConveneCommand =>
  class RemoveCommand extends ConveneCommand {
    static override summary = `Remove one ${registries[name].noun}.`
    static override description = [
      name === "fellows"
        ? "Refuses while the fellow still runs sites."
        : name === "sites"
          ? "Refuses while the site still has participants; its milestone dates and results go with it."
          : name === "participants"
            ? "The participant's survey answers and invitations go with them."
            : "",
      "Says first what would be deleted with it, and asks on a terminal; elsewhere (scripts, CI) it needs --yes, or stops with exit 4. --dry-run only says it."
    ].filter((s) => s !== "").join(" ")
    static override examples = [
      `<%= config.bin %> ${name} remove ${examples[name].id}`,
      `<%= config.bin %> ${name} remove ${examples[name].id} --dry-run`,
      `<%= config.bin %> ${name} remove ${examples[name].id} --yes --json`
    ]
    static override args = { id: Args.string({ description: `The ${registries[name].noun}'s id, e.g. ${examples[name].id} (see \`convene ${name} list\`).`, required: true }) }
    static override flags = { ...workspaceFlags, ...dryRunFlag, ...yesFlag }
    static override output = () => import("./json/registries.js").then((m) => m.removed(name))

    async run() {
      const { args, flags } = await this.parse(RemoveCommand)
      const dryRun = flags["dry-run"]
      const result = await this.runInWorkspace(flags, async () => {
        const [{ removalPlan, removeRecord }, Effect] = await Promise.all([import("@convene/core/registries"), import("effect/Effect")])
        return Effect.gen(function*() {
          const plan = yield* removalPlan(name, args.id)
          if (dryRun) return { dryRun: true as const, ...plan }
          // asked while the workspace is open, so that what was counted is what gets deleted
          yield* Effect.promise(() => confirm({ what: `${plan.consequence[0]!.toUpperCase()}${plan.consequence.slice(1)}`, question: `Remove ${registries[name].noun} ${args.id}?`, yes: flags.yes, nothing: "Nothing was removed" }))
          yield* removeRecord(name, args.id)
          return { dryRun: false as const, ...plan }
        })
      })
      const noun = registries[name].noun
      this.log(
        result.dryRun
          ? `Dry run: ${result.consequence} Nothing was removed (run it again without --dry-run).`
          : `Removed ${noun} ${args.id}${result.alsoDeletes === "" ? "" : `, and with it ${result.alsoDeletes}`}.`
      )
      return result
    }
  }
