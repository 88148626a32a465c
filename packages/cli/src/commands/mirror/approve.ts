import { Args, Flags } from "@oclif/core"
import { relative } from "node:path"
import { ConveneCommand, workspaceFlags } from "../../base.js"

export default class MirrorApprove extends ConveneCommand {
  static override summary = "Approve a confirmed mirror registration: create its site, build its kit and mail the organiser the kit and a results link."
  static override description = [
    "In one transaction the registration is approved and its site created: `mirror-ID`, format mirror, on the mirror's own date (date_reason mirror), in its language, without a fellow (the organiser's contact stays with the registration). Then the kit is built for that site (out/kits/, its dates and times on its own day) and the organiser is mailed the kit (attached up to --max-attachment MB, else linked) and the site's results link, <base-url>/results/<token>, through the mail service (the outbox folder, or SMTP when SMTP_URL is set).",
    "Running it again on an approved registration rebuilds nothing unchanged and sends nothing twice: a run stopped after the site was created completes this way. A mirror's results are counted apart from the other sites' (docs/results.md), and convene.yaml `mirror.submission_deadline` closes its results link after that day."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> mirror approve 3 --base-url https://survey.example.org",
    "<%= config.bin %> mirror approve 3 --note \"school in Kumasi, checked by phone\" --dry-run"
  ]
  static override args = { id: Args.integer({ description: "The registration's id (`convene mirror list`).", required: true, min: 1 }) }
  static override flags = {
    ...workspaceFlags,
    note: Flags.string({ summary: "Why it is approved (kept with the registration)." }),
    "dry-run": Flags.boolean({ summary: "Check and say which site would be created; write, build and send nothing." }),
    "base-url": Flags.string({ summary: "The public address of the form server (convene serve): the results link is <url>/results/<token>.", env: "CONVENE_SURVEY_URL" }),
    "max-attachment": Flags.integer({ summary: "Attach kits up to this many MB; larger ones are linked.", default: 10, min: 1 }),
    "link-base": Flags.string({ summary: "Where larger kits are published, e.g. https://files.example.org/kits/ (else the zip's path is given)." }),
    out: Flags.string({ summary: "The kits folder (default: the workspace's out/kits/)." })
  }
  static override output = () => import("../../json/mirror.js").then((m) => m.approved)

  async run() {
    const { args, flags } = await this.parse(MirrorApprove)
    if (flags["base-url"] === undefined && !flags["dry-run"]) this.error("Say where the form server is: --base-url https://… (or CONVENE_SURVEY_URL in the workspace's .env): the organiser's results link points there.", { exit: 2 })
    if (flags["base-url"] !== undefined && !/^https?:\/\/[^/]+/.test(flags["base-url"])) this.error(`--base-url: expected an http(s) URL, got "${flags["base-url"]}".`, { exit: 2 })
    const result = await this.runInWorkspace(flags, async (ws) => {
      const [{ approveMirror }, { resolveMailTransport }, { resolve }] = await Promise.all([import("@convene/core/mirrors"), import("@convene/core/mail"), import("node:path")])
      return approveMirror(ws, args.id, {
        baseUrl: flags["base-url"] ?? "https://base-url.invalid",
        transport: resolveMailTransport(ws.dir, process.env),
        note: flags.note,
        dryRun: flags["dry-run"],
        maxAttachmentBytes: flags["max-attachment"] * 1024 * 1024,
        linkBase: flags["link-base"],
        outDir: flags.out === undefined ? undefined : resolve(flags.out)
      })
    })
    const r = result.registration
    if (result.dryRun) this.log(`Would approve mirror registration ${r.id} (${r.place}, ${r.country}, ${r.date}) and create site ${result.site}, build its kit in ${r.locale} and mail it to ${r.email}. Nothing was written.`)
    else {
      this.log(`Approved mirror registration ${r.id}: site ${result.site} (${r.place}, ${r.country}, ${r.date}, ${r.locale}).`)
      this.log(`Kit: ${relative(process.cwd(), result.zip!) || result.zip}; ${result.sent === 0 ? `already mailed to ${r.email} before` : `mailed to ${r.email} (${result.attached === true ? "attached" : "linked"}) with the results link`}.`)
    }
    return result
  }
}
