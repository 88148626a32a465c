import { RESULTS_WEIGHTINGS } from "@convene/core/domain/ResultsAnalysis"
import { Flags } from "@oclif/core"
import { join, relative } from "node:path"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { counted } from "../../plural.js"

export default class ResultsPublishCommand extends ConveneCommand {
  static override summary = "After the embargo: the public results portal — a static site that browses offline, with a page for the world, each region and each country (in its languages), the methods and the open data."
  static override description = [
    "Refused before the embargo ends (convene.yaml results.release); --as-of INSTANT rehearses as of that instant. A country with a later release instant is left out (its page says when) until a publication after that instant.",
    "Counts the validated results of every site (mirror dialogues apart), each country compared with its UN M49 region and the world, with 95% cluster-bootstrap intervals; who took part from the participant registry and the sites' results. No contact data, no participant code, and no group of fewer than 5 (voters or people) is in any page or file.",
    "Writes --out (default out/portal/, which `convene serve` serves at /portal/ after the embargo): index.html, regions/*.html, countries/*.html, methods.html, data.html, data/results.csv|json, data/figures.csv, data/recommendations.csv, data/data-dictionary.md, LICENSE.txt, CITATION.txt and portal.json. Pages use relative links, inline CSS and inline SVG charts: they open from file://. Republishing unchanged results writes the same bytes."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> results publish",
    "<%= config.bin %> results publish --out site/ --weight countries",
    "<%= config.bin %> results publish --as-of 2027-05-16T05:00:00Z   # rehearse the moment the embargo ends"
  ]
  static override output = () => import("../../json/results.js").then((m) => m.published)
  static override flags = {
    ...workspaceFlags,
    out: Flags.string({ summary: "Output folder (default: the workspace's out/portal/)." }),
    weight: Flags.option({ summary: "Count every voter (ballots), every site (sites) or every country (countries) the same.", options: RESULTS_WEIGHTINGS, default: "ballots" as const })(),
    seed: Flags.integer({ summary: "Seed of the bootstrap (default 1): the same seed and results give the same intervals.", min: 0 }),
    "as-of": Flags.string({ summary: "Publish as if it were this instant (ISO 8601, e.g. 2027-05-16T05:00:00Z): a rehearsal." })
  }

  async run() {
    const { flags } = await this.parse(ResultsPublishCommand)
    const asOf = flags["as-of"] === undefined ? undefined : new Date(flags["as-of"])
    if (asOf !== undefined && Number.isNaN(asOf.getTime())) this.error(`--as-of: expected an ISO 8601 instant such as 2027-05-16T05:00:00Z, got "${flags["as-of"]}".`, { exit: 2 })
    const started = performance.now()
    const published = await this.runInWorkspace(flags, async (ws) => {
      const [{ resultsPublish }, { withClockAsOf }] = await Promise.all([import("@convene/core/results"), import("@convene/core/infra")])
      const effect = resultsPublish(ws, { out: flags.out, weight: flags.weight, seed: flags.seed })
      return asOf === undefined ? effect : withClockAsOf(asOf, effect)
    })
    const { manifest } = published
    this.log(`Published ${counted(published.sites, "site")} in ${counted(published.countries.length, "country", "countries")} (${counted(manifest.files.length, "file")}) to ${relative(process.cwd(), published.dir) || "."} in ${((performance.now() - started) / 1000).toFixed(1)} s.`)
    if (published.mirror > 0) this.log(`  mirror dialogues: ${counted(published.mirror, "site")}, reported apart`)
    for (const h of published.held) this.log(`  held: ${h.code} until ${h.until} (${counted(h.sites, "site")}); publish again after it`)
    if (published.simulatedSites > 0) this.warn(`${published.simulatedSites} of the ${published.sites} published sites hold results written by \`convene results simulate\`: not real votes (every page says so).`)
    this.log(`Open ${relative(process.cwd(), `${published.dir}/index.html`)} in a browser, or serve it: convene serve (at /portal/).`)
    return {
      dir: published.dir,
      files: manifest.files.map((f) => join(published.dir, f)),
      embargoEnds: manifest.embargo_ends,
      countries: published.countries,
      held: published.held,
      sites: published.sites,
      mirror: published.mirror,
      simulatedSites: published.simulatedSites
    }
  }
}
