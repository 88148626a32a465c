import { Flags } from "@oclif/core"
import { relative } from "node:path"
import type { MailTransportOptions } from "@convene/core/mail"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { counted } from "../../plural.js"
import { progressBar } from "../../progress.js"
import { positive } from "../../survey-flags.js"
import { uncertainLine } from "../../mail-uncertain.js"
import { printMailPreview } from "../../mail-preview.js"

export default class ResultsInvite extends ConveneCommand {
  static override summary = "Mail each site's fellow the site's results link, in the site's language."
  static override description = [
    "Each site gets one unguessable link, <base-url>/results/<token> (192 bits derived from a key kept in the database; only a hash of it is stored), on which its fellow enters the tables' counts, the ballots and the recommendations, saves a draft and submits (`convene serve` serves it). The message goes to the site's fellow (sites.csv fellow_email, named from the fellows registry) in the site's locale, through the mail service: the outbox folder, or SMTP when SMTP_URL is set.",
    "Running it again sends nothing twice: each message is keyed by site, fellow and link address. After a wrong --base-url, run it again with the right one: each fellow gets the corrected link once. A --base-url on this machine (localhost, 127.0.0.1) is refused, since no fellow could open it, unless --allow-localhost (a rehearsal). --dry-run lists the messages and says how many would be sent and how many went out before, without sending or storing anything (no link, no send-log row, no SMTP connection); a --base-url that would be refused is reported (\"Would be refused\") and the dry run still exits 0."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> results invite --all --base-url https://survey.example.org",
    "<%= config.bin %> results invite --site sn-dakar --dry-run",
    "SMTP_URL=smtp://user:pass@mail.example.org:587 CONVENE_SURVEY_URL=https://survey.example.org <%= config.bin %> results invite --all --rate 5"
  ]
  static override output = () => import("../../json/results.js").then((m) => m.invited)
  static override flags = {
    ...workspaceFlags,
    site: Flags.string({ summary: "Only this site's fellow.", exclusive: ["all"] }),
    all: Flags.boolean({ summary: "Every site's fellow.", exclusive: ["site"] }),
    "base-url": Flags.string({ summary: "The public address of the form server (convene serve); links are <url>/results/<token>.", env: "CONVENE_SURVEY_URL" }),
    "allow-localhost": Flags.boolean({ summary: "Accept a --base-url on this machine (a rehearsal: no fellow can open such a link)." }),
    "dry-run": Flags.boolean({ summary: "List the messages and what the send log would do with them; store, queue and send nothing." }),
    rate: Flags.string({ summary: "At most this many messages per second over SMTP (e.g. 5 or 0.5)." })
  }

  async run() {
    const { flags } = await this.parse(ResultsInvite)
    if (flags.site === undefined && !flags.all) this.error("Say which fellows to invite: --site ID or --all.", { exit: 2 })
    if (flags["base-url"] === undefined && !flags["dry-run"]) this.error("Say where the form server is: --base-url https://… (or CONVENE_SURVEY_URL in the workspace's .env).", { exit: 2 })
    const rate = await positive("rate", flags.rate)
    const [{ inviteToResults, isLocalUrl }, { resolveMailTransport }] = await Promise.all([import("@convene/core/results"), import("@convene/core/mail")])
    if (flags["base-url"] !== undefined && isLocalUrl(flags["base-url"]) && flags["allow-localhost"]) process.stderr.write(`Warning: the links point at ${flags["base-url"]}, on this machine: no fellow can open them (--allow-localhost).\n`)
    let transport!: MailTransportOptions
    const bar = progressBar("mail", !this.jsonEnabled() && flags.all && !flags["dry-run"])
    const result = await this.runInWorkspace(flags, (ws) => {
      transport = resolveMailTransport(ws.dir, process.env)
      return inviteToResults(ws, {
        site: flags.site,
        // a dry run shows who would be mailed: it needs no address (the placeholder is never refused)
        baseUrl: flags["base-url"] ?? "https://base-url.invalid",
        transport,
        rate,
        dryRun: flags["dry-run"],
        allowLocalhost: flags["allow-localhost"],
        onProgress: (done, total) => bar.tick(done, total)
      })
    })
    bar.done()
    if (result.dryRun) {
      const linkBase = flags["base-url"] === undefined ? "<--base-url>/results/" : result.linkBase
      this.log(`${counted(result.sites, "site")}${result.invitations.length > 10 ? `, the first 10` : ""}:`)
      this.table(result.invitations.slice(0, 10).map((i) => ({ site: i.site_id, fellow: i.fellow, email: i.email, locale: i.locale, subject: i.subject })), ["site", "fellow", "email", "locale", "subject"])
      printMailPreview({ log: (l) => this.log(l), table: (r, c) => this.table(r, c) }, result, { what: "results link", linkBase, sample: false })
      return flags["base-url"] === undefined ? { ...result, baseUrl: "<--base-url>", linkBase: linkBase } : result
    }
    const where = "smtpUrl" in transport ? `over SMTP (${new URL(transport.smtpUrl).host})` : `to the outbox ${relative(process.cwd(), transport.outboxDir) || "."}/`
    this.log(`${counted(result.sites, "site")}: ${counted(result.sent, "results link")} sent ${where}, ${result.alreadySent} already sent before, ${result.failed} failed, ${result.deferred} deferred. Links: ${result.baseUrl}/results/<token> (convene serve).`)
    const doubt = uncertainLine(result.uncertain)
    if (doubt !== undefined) this.log(doubt)
    if (result.failed + result.deferred + result.uncertain > 0) process.exitCode = 1
    return result
  }
}
