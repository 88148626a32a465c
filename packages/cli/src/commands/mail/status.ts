import { Flags } from "@oclif/core"
import { relative } from "node:path"
import type { MailTransportOptions } from "@convene/core/mail"
import { ConveneCommand, workspaceFlags } from "../../base.js"

export default class MailStatus extends ConveneCommand {
  static override summary = "Show the send log: messages queued, sending, sent and failed, and the latest errors."
  static override description =
    "Counts every message in the send log by status (and by purpose when there are several: kit, survey-invite, …) and lists the latest errors with the recipient and the server's reply. Queued messages include the deferred ones (a 4xx reply or a lost connection): `convene mail flush` retries them. Messages still 'sending' when no run is going were left by an interrupted run: `mail flush` sends them again. Failed ones (a 5xx reply) are not retried. Also says where mail goes: SMTP when SMTP_URL is set, else the outbox folder."
  static override examples = [
    "<%= config.bin %> mail status",
    "<%= config.bin %> mail status --purpose kit",
    "<%= config.bin %> mail status --json"
  ]
  static override flags = {
    ...workspaceFlags,
    purpose: Flags.string({ summary: "Only messages with this purpose, e.g. kit or survey-invite." }),
    errors: Flags.integer({ summary: "How many of the latest errors to list.", default: 10, min: 0 })
  }

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
      `${status.total} message(s)${scope}: ${status.sent} sent, ${status.failed} failed, ${status.queued} queued${status.deferred > 0 ? ` (${status.deferred} deferred after an error)` : ""}, ${status.sending} sending.`
    )
    if (status.byPurpose.length > 1) this.table(status.byPurpose, ["purpose", "queued", "deferred", "sending", "sent", "failed"])
    if (status.latestErrors.length > 0) {
      this.log("\nLatest errors:")
      this.table(status.latestErrors.map((e) => ({ ...e, error: e.error.replace(/\s+/g, " ").slice(0, 100) })), ["key", "recipient", "status", "attempts", "error"])
    }
    if (status.queued + status.sending > 0) {
      this.log(`\n${status.queued + status.sending} message(s) still to go out: \`convene mail flush\` sends them${status.sending > 0 ? " (those 'sending' were left by an interrupted run, unless one is running now)" : ""}.`)
    }
    return { destination: "smtpUrl" in transport ? "smtp" : "outbox", ...status }
  }
}
