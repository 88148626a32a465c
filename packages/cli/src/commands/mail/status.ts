import { Flags } from "@oclif/core"
import { relative } from "node:path"
import type { MailTransportOptions } from "@convene/core/mail"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { counted } from "../../plural.js"

export default class MailStatus extends ConveneCommand {
  static override summary = "Show the send log: messages queued, sending, uncertain, sent and failed; the uncertain ones and the latest errors."
  static override description =
    "Counts every message in the send log by status (and by purpose when there are several: kit, survey-invite, …), lists the uncertain messages with their recipients, times and Message-IDs, and the latest errors with the server's reply. Queued messages include the deferred ones (a 4xx reply, or no connection): `convene mail flush` retries them. 'sending' ones are being handed over by a run that is going. 'uncertain' ones were handed to the SMTP server by a run that was killed (or lost its connection) before the answer: the server may have taken them, so they are never sent again on their own. Look them up in the server's log, then `convene mail flush --mark-sent ID…` for those it took and `convene mail flush --resend-uncertain` for the rest (same Message-ID). Failed ones (a 5xx reply) are not retried. Also says where mail goes: SMTP when SMTP_URL is set, else the outbox folder."
  static override examples = [
    "<%= config.bin %> mail status",
    "<%= config.bin %> mail status --purpose kit",
    { description: "Every uncertain message, with its key, recipient, time and Message-ID, as JSON", command: "<%= config.bin %> mail status --json" }
  ]
  static override flags = {
    ...workspaceFlags,
    purpose: Flags.string({ summary: "Only messages with this purpose, e.g. kit or survey-invite." }),
    errors: Flags.integer({ summary: "How many of the latest errors to list.", default: 10, min: 0 })
  }
  static override output = () => import("../../json/kit.js").then((m) => m.status)

  async run() {
    const { flags } = await this.parse(MailStatus)
    const { mailStatus, resolveMailTransport } = await import("@convene/core/mail")
    let transport!: MailTransportOptions
    const status = await this.runInWorkspace(flags, (ws) => {
      transport = resolveMailTransport(ws.dir, process.env)
      return mailStatus({ ...(flags.purpose === undefined ? {} : { purpose: flags.purpose }), errors: flags.errors })
    })
    const destination = "smtpUrl" in transport ? `SMTP ${new URL(transport.smtpUrl).host}` : `outbox ${relative(process.cwd(), transport.outboxDir) || "."}`
    const scope = flags.purpose === undefined ? "" : ` with purpose ${flags.purpose}`
    this.log(`Mail goes to: ${destination}.`)
    this.log(
      `${counted(status.total, "message")}${scope}: ${status.sent} sent, ${status.failed} failed, ${status.queued} queued${status.deferred > 0 ? ` (${status.deferred} deferred after an error)` : ""}, ${status.sending} sending, ${status.uncertain} uncertain.`
    )
    if (status.byPurpose.length > 1) this.table(status.byPurpose, ["purpose", "queued", "deferred", "sending", "uncertain", "sent", "failed"])
    if (status.uncertainMessages.length > 0) {
      this.log(`\nUncertain (handed to the server, no answer recorded; check the server's log for their Message-IDs):`)
      this.table(
        status.uncertainMessages.map((m) => ({ ...m, at: m.lastAttemptAt ?? "" })),
        ["key", "recipient", "at", "messageId"]
      )
      if (status.uncertain > status.uncertainMessages.length) this.log(`… and ${status.uncertain - status.uncertainMessages.length} more (--json lists up to 1,000).`)
      this.log("`convene mail flush --mark-sent ID…` records those the server took; `convene mail flush --resend-uncertain` sends the rest again.")
    }
    if (status.latestErrors.length > 0) {
      this.log("\nLatest errors:")
      this.table(status.latestErrors.map((e) => ({ ...e, error: e.error.replace(/\s+/g, " ").slice(0, 100) })), ["key", "recipient", "status", "attempts", "error"])
    }
    if (status.queued > 0) this.log(`\n${counted(status.queued, "message")} still to go out: \`convene mail flush\` sends them.`)
    return { transport: "smtpUrl" in transport ? ("smtp" as const) : ("outbox" as const), destination: "smtpUrl" in transport ? new URL(transport.smtpUrl).host : transport.outboxDir, ...status }
  }
}
