import { Args, Flags } from "@oclif/core"
import { ConveneCommand, today } from "../base.js"

export default class Init extends ConveneCommand {
  static override summary = "Create a new dialogue workspace, blank or from a bundled example."
  static override description =
    "A blank workspace has convene.yaml (every field commented, a default timeline around a deliberation day about six months ahead), empty CSV registries with their headers, surveys/, .env.example and out/. With --example, the bundled example is copied instead."
  static override examples = [
    "<%= config.bin %> init my-dialogue",
    '<%= config.bin %> init my-dialogue --title "Our future with AI"',
    "<%= config.bin %> init wti --example we-the-internet",
    "<%= config.bin %> init wti --example we-the-internet --json   # {dir, example, files}: the workspace and every file written"
  ]
  static override args = { dir: Args.string({ description: "The folder to create the workspace in (created if missing).", default: "." }) }
  static override flags = {
    example: Flags.string({ summary: "Copy a bundled example, e.g. we-the-internet." }),
    title: Flags.string({ summary: "The dialogue's title (default: the folder name)." }),
    force: Flags.boolean({ summary: "Write into a folder that already holds files." })
  }
  static override output = () => import("../json/schedule.js").then((m) => m.init)

  async run() {
    const { args, flags } = await this.parse(Init)
    const { initWorkspace } = await import("@convene/core/infra")
    const result = await initWorkspace({ dir: args.dir, example: flags.example, title: flags.title, force: flags.force, today: today() })
    this.log(`Created ${flags.example === undefined ? "a blank dialogue workspace" : `the ${flags.example} example`} in ${result.dir}:`)
    for (const f of result.files) this.log(`  ${f}`)
    this.log("\nNext: cd into it, then `convene fellows import fellows.csv`, `convene sites import sites.csv`, `convene timeline status`.")
    const { join } = await import("node:path")
    return { dir: result.dir, example: flags.example ?? null, files: result.files.map((f) => join(result.dir, f)) }
  }
}
