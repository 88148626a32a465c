import { Flags } from "@oclif/core"
import { relative } from "node:path"
import { ConveneCommand, workspaceFlags } from "../../base.js"

export default class MailFlush extends ConveneCommand {
  static override summary = "Deliver every queued message, and those an interrupted run left 'sending'."
  static override description =
    "Sends over SMTP when SMTP_URL is set (e.g. smtp://user:pass@mail.example.org:587; pooled connections, --rate messages per second at most), else writes one .eml file per message to the workspace's out/outbox/. MAIL_FROM gives the From address. A 4xx reply or a lost connection is retried with backoff (0.5 s, 1 s, 2 s) and, if it still fails, stays queued for the next flush; a 5xx reply marks the message failed for good. Each message goes out once: its key's Message-ID and outbox file name are stable, so a run killed half-way can simply be run again (see docs/mail.md for the one limit over SMTP). Exit status: 0 when everything went out, 1 when some message failed or was deferred, 2 when the mail settings are unusable or the server refuses the login."
  static override examples = [
    "<%= config.bin %> mail flush",
    "SMTP_URL=smtp://user:pass@mail.example.org:587 MAIL_FROM='Assembly <hello@example.org>' <%= config.bin %> mail flush --rate 5",
    "<%= config.bin %> mail flush --purpose survey-invite --json"
  ]
  static override flags = {
    ...workspaceFlags,
    rate: Flags.string({ summary: "At most this many messages per second over SMTP (decimals allowed, e.g. 0.5)." }),
    purpose: Flags.string({ summary: "Only messages with this purpose, e.g. kit or survey-invite." })
  }

  async run() {
    const { flags } = await this.parse(MailFlush)
    let destination = ""
    // progress on stderr for long runs: every tenth, at most every 2 s
    let lastShown = 0
    let lastTenth = 0
    const onProgress = (done: number, total: number) => {
      if (total < 200 || this.jsonEnabled()) return
      const tenth = Math.floor((done * 10) / total)
      const now = performance.now()
      if (done === total || (tenth > lastTenth && now - lastShown > 2000)) {
        lastTenth = tenth
        lastShown = now
        process.stderr.write(`  ${done}/${total} (${Math.floor((done * 100) / total)}%)\n`)
      }
    }
    const summary = await this.runInWorkspace(flags, async (ws) => {
      const [{ deliverQueued, resolveMailTransport }, { InputError }] = await Promise.all([import("@convene/core/mail"), import("@convene/core/domain/Errors")])
      const rate = flags.rate === undefined ? undefined : Number(flags.rate)
      if (rate !== undefined && !(Number.isFinite(rate) && rate > 0)) {
        throw new InputError({
          summary: "Cannot flush the mail.",
          problems: [{ field: "--rate", message: `expected a number of messages per second above 0, such as 5 or 0.5, got "${flags.rate}"` }]
        })
      }
      const transport = resolveMailTransport(ws.dir, process.env)
      destination = "smtpUrl" in transport ? `over SMTP (${new URL(transport.smtpUrl).host})` : `to the outbox ${relative(process.cwd(), transport.outboxDir) || "."}`
      return deliverQueued(transport, {
        ...(flags.purpose === undefined ? {} : { purpose: flags.purpose }),
        ...(rate === undefined ? {} : { rate }),
        onProgress
      })
    })
    if (summary.total === 0) {
      this.log(`Nothing to send${flags.purpose === undefined ? "" : ` with purpose ${flags.purpose}`}: the send log holds no queued message.`)
    } else {
      const perSecond = summary.seconds > 0 ? ` (${Math.round(summary.sent / summary.seconds)}/s)` : ""
      this.log(`Sent ${summary.sent} of ${summary.total} message(s) ${destination} in ${summary.seconds.toFixed(1)} s${perSecond}.`)
      if (summary.failed > 0) this.log(`${summary.failed} failed for good (5xx): not retried.`)
      if (summary.deferred > 0) this.log(`${summary.deferred} deferred (4xx or connection errors): still queued, \`convene mail flush\` retries them.`)
      if (summary.failures.length > 0) {
        this.table(
          summary.failures.map((f) => ({ ...f, outcome: f.permanent ? "failed" : "deferred", error: f.error.replace(/\s+/g, " ").slice(0, 100) })),
          ["key", "recipient", "outcome", "error"]
        )
      }
    }
    if (summary.failed + summary.deferred > 0) process.exitCode = 1
    return summary
  }
}
