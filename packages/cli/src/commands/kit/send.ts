import { Flags } from "@oclif/core"
import { relative, resolve } from "node:path"
import type { MailTransportOptions } from "@convene/core/mail"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { counted } from "../../plural.js"
import { progressBar } from "../../progress.js"
import { uncertainLine } from "../../mail-uncertain.js"
import { printMailPreview } from "../../mail-preview.js"
import { dryRunFlag } from "../../confirm.js"

export default class KitSend extends ConveneCommand {
  static override summary = "Mail each fellow the kit of their site, in the site's language."
  static override description = [
    "Builds the kits first (unchanged ones are skipped), then sends one message per site to its fellow, multipart text and HTML from templates/mail/kit.*.hbs in the site's locale. The zip is attached when it is at most --max-attachment (default 10 MB); otherwise the message gives a link under --link-base, or the zip's path.",
    "Over SMTP when SMTP_URL is set (pooled, --rate messages per second at most), else into the outbox folder out/outbox/ as .eml files; MAIL_FROM sets the sender. Every message goes through the send log: running the command again sends nothing twice, and a kit that changed since is sent once more. `convene mail status` shows what went out; `convene mail flush` retries what is queued.",
    "--dry-run says what a run would do: the kits that changed and would be built first (rendered and zipped in memory, to know their size), how many messages would be sent, attached or linked, how many went out before, and the first recipients with their subject. It writes no kit, queues and sends nothing and opens no SMTP connection."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> kit send --all",
    "<%= config.bin %> kit send --site sn-dakar",
    "SMTP_URL=smtp://user:pass@mail.example.org:587 MAIL_FROM='We, the Internet <kits@example.org>' <%= config.bin %> kit send --all --rate 5",
    "<%= config.bin %> kit send --all --max-attachment 2 --link-base https://files.example.org/kits/",
    "<%= config.bin %> kit send --all --dry-run   # what would be built and mailed; nothing written or sent"
  ]
  static override flags = {
    ...workspaceFlags,
    site: Flags.string({ summary: "Send this site's kit.", exclusive: ["all"] }),
    all: Flags.boolean({ summary: "Send every site's kit.", exclusive: ["site"] }),
    out: Flags.string({ summary: "Kits folder (default: the workspace's out/kits/)." }),
    "max-attachment": Flags.string({ summary: "Attach zips up to this many MB; link larger ones.", default: "10" }),
    "link-base": Flags.string({ summary: "URL where the zips are published, for kits too large to attach." }),
    rate: Flags.string({ summary: "At most this many messages per second over SMTP (e.g. 5 or 0.5)." }),
    ...dryRunFlag
  }
  static override output = () => import("../../json/kit.js").then((m) => m.sent)

  async run() {
    const { flags } = await this.parse(KitSend)
    if (flags.site === undefined && !flags.all) this.error("Say which kits to send: --site ID or --all.", { exit: 2 })
    const { InputError } = await import("@convene/core/domain/Errors")
    const number = (flag: string, value: string | undefined): number | undefined => {
      if (value === undefined) return undefined
      const n = Number(value)
      if (Number.isFinite(n) && n > 0) return n
      throw new InputError({ summary: "Cannot send the kits.", problems: [{ field: `--${flag}`, message: `expected a number above 0, got "${value}"` }] })
    }
    const maxMb = number("max-attachment", flags["max-attachment"])!
    const rate = number("rate", flags.rate)
    if (flags["link-base"] !== undefined && !/^https?:\/\//.test(flags["link-base"])) {
      throw new InputError({ summary: "Cannot send the kits.", problems: [{ field: "--link-base", message: `expected an http(s) URL, got "${flags["link-base"]}"` }] })
    }
    const [{ sendKits }, { resolveMailTransport }] = await Promise.all([import("@convene/core/kits"), import("@convene/core/mail")])
    let transport!: MailTransportOptions
    const dryRun = flags["dry-run"]
    const bar = progressBar("mail", !this.jsonEnabled() && flags.all && !dryRun)
    const result = await this.runInWorkspace(flags, (ws) => {
      transport = resolveMailTransport(ws.dir, process.env)
      return sendKits(ws, {
        site: flags.site,
        outDir: flags.out === undefined ? undefined : resolve(flags.out),
        maxAttachmentBytes: Math.round(maxMb * 1024 * 1024),
        linkBase: flags["link-base"],
        transport,
        rate,
        dryRun,
        onProgress: (done, total) => bar.tick(done, total)
      })
    })
    bar.done()
    if ("dryRun" in result) {
      this.log(`${counted(result.built, "kit")} changed and would be built first; ${counted(result.messages, "kit message")}: ${result.attached} with the zip attached, ${result.linked} with a link.`)
      if (result.noFellow.length > 0) this.warn(`No fellow registered for ${counted(result.noFellow.length, "site")}: ${result.noFellow.slice(0, 8).join(", ")}`)
      if (result.superseded > 0) this.log(`${counted(result.superseded, "queued message")} of an older kit version would be set aside (failed, "superseded").`)
      printMailPreview({ log: (l) => this.log(l), table: (r, c) => this.table(r, c) }, result, { what: "kit message" })
      return result
    }
    const where = "smtpUrl" in transport ? `over SMTP (${new URL(transport.smtpUrl).host})` : `to the outbox ${relative(process.cwd(), transport.outboxDir) || "."}/`
    this.log(`${counted(result.messages, "kit message")}: ${result.sent} sent ${where}, ${result.alreadySent} already sent before, ${result.failed} failed, ${result.deferred} deferred; ${result.attached} with the zip attached, ${result.linked} with a link.`)
    if (result.noFellow.length > 0) this.warn(`No fellow registered for ${counted(result.noFellow.length, "site")}: ${result.noFellow.slice(0, 8).join(", ")}`)
    for (const f of result.failures.slice(0, 10)) this.log(`  ${f.permanent ? "failed" : f.uncertain ? "uncertain" : "deferred"}: ${f.recipient}: ${f.error.replace(/\s+/g, " ").slice(0, 120)}`)
    if (result.superseded > 0) this.log(`${counted(result.superseded, "queued message")} of an older kit version set aside (failed, "superseded"): the kit was rebuilt, the current version is sent instead.`)
    const doubt = uncertainLine(result.uncertain)
    if (doubt !== undefined) this.log(doubt)
    if (result.failed + result.deferred + result.uncertain > 0) process.exitCode = 1
    return result
  }
}
