import { Args, Flags } from "@oclif/core"
import { relative } from "node:path"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { counted } from "../../plural.js"
import { dryRunFlag } from "../../confirm.js"

export default class MailFlush extends ConveneCommand {
  static override summary = "Deliver every queued message; settle the uncertain ones with --resend-uncertain or --mark-sent."
  static override description = `Sends over SMTP when SMTP_URL is set (e.g. smtp://user:pass@mail.example.org:587; pooled connections, --rate messages per second at most), else writes one .eml file per message to the workspace's out/outbox/. MAIL_FROM gives the From address. A 4xx reply or a connection that cannot be opened is retried with backoff (0.5 s, 1 s, 2 s) and, if it still fails, stays queued for the next flush; a 5xx reply marks the message failed for good. Two flushes at once (on one PostgreSQL, from two machines) never take the same message.

A message is 'uncertain' when it was handed to the SMTP server but no answer was recorded: the run was killed, or the connection was lost after the message was sent. The server may or may not have taken it, and SMTP cannot tell, so convene never sends it again on its own. \`convene mail status\` lists them with their recipients, times and Message-IDs. Look them up in the mail server's log, then either record the ones it took (--mark-sent, by key or Message-ID) or send the rest again (--resend-uncertain: same Message-ID, so receivers that deduplicate drop a second copy). See docs/mail.md.

--dry-run says what a flush would do, with the same flags: how many queued messages would be sent (how many of them are retries), what --resend-uncertain would queue again and what --mark-sent would record, and the first queued messages. It changes nothing in the send log, writes no file and opens no SMTP connection.

Exit status: 0 when everything went out, 1 when some message failed, was deferred or is uncertain, 2 when the mail settings are unusable or the server refuses the login.`
  static override examples = [
    "<%= config.bin %> mail flush",
    "SMTP_URL=smtp://user:pass@mail.example.org:587 MAIL_FROM='Assembly <hello@example.org>' <%= config.bin %> mail flush --rate 5",
    "<%= config.bin %> mail flush --purpose survey-invite --json",
    {
      description: "Record as sent two uncertain messages found in the server's log (by Message-ID, or by key)",
      command: "<%= config.bin %> mail flush --mark-sent '<3f0c9a…@example.org>' 'invite:pre:p-0042'"
    },
    { description: "Send the other uncertain messages again, with their same Message-IDs", command: "<%= config.bin %> mail flush --resend-uncertain" },
    { description: "See what a flush would send, without sending anything", command: "<%= config.bin %> mail flush --dry-run" }
  ]
  static override strict = false
  static override args = {
    ids: Args.string({ description: "With --mark-sent: the keys or Message-IDs of the uncertain messages to record as sent." })
  }
  static override flags = {
    ...workspaceFlags,
    rate: Flags.string({ summary: "At most this many messages per second over SMTP (decimals allowed, e.g. 0.5)." }),
    purpose: Flags.string({ summary: "Only messages with this purpose, e.g. kit or survey-invite." }),
    ...dryRunFlag,
    "resend-uncertain": Flags.boolean({
      summary: "Queue the uncertain messages (of --purpose, if given) again and send them, under their same Message-IDs.",
      exclusive: ["mark-sent"]
    }),
    "mark-sent": Flags.boolean({
      summary: "Record the uncertain messages named as arguments (keys or Message-IDs) as sent, then flush the queue.",
      exclusive: ["resend-uncertain"]
    })
  }
  static override output = () => import("../../json/kit.js").then((m) => m.flushed)

  async run() {
    const { flags, argv } = await this.parse(MailFlush)
    const ids = argv as Array<string>
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
    const result = await this.runInWorkspace(flags, async (ws) => {
      const [{ confirmSent, deliverQueued, previewFlush, resendUncertain, resolveMailTransport }, { InputError }, Effect] = await Promise.all([
        import("@convene/core/mail"),
        import("@convene/core/domain/Errors"),
        import("effect/Effect")
      ])
      const rate = flags.rate === undefined ? undefined : Number(flags.rate)
      const problems = []
      if (rate !== undefined && !(Number.isFinite(rate) && rate > 0)) {
        problems.push({ field: "--rate", message: `expected a number of messages per second above 0, such as 5 or 0.5, got "${flags.rate}"` })
      }
      if (flags["mark-sent"] && ids.length === 0) problems.push({ field: "--mark-sent", message: "expected the keys or Message-IDs of the messages to record as sent (`convene mail status` lists them)" })
      if (!flags["mark-sent"] && ids.length > 0) problems.push({ field: "arguments", message: `unexpected ${ids.join(" ")}: message ids are given with --mark-sent` })
      if (problems.length > 0) throw new InputError({ summary: "Cannot flush the mail.", problems })
      const transport = resolveMailTransport(ws.dir, process.env)
      destination = "smtpUrl" in transport ? `over SMTP (${new URL(transport.smtpUrl).host})` : `to the outbox ${relative(process.cwd(), transport.outboxDir) || "."}`
      return Effect.gen(function*() {
        if (flags["dry-run"]) {
          return yield* previewFlush(transport, { ...(flags.purpose === undefined ? {} : { purpose: flags.purpose }), resendUncertain: flags["resend-uncertain"], markSent: flags["mark-sent"] ? ids : [] })
        }
        const confirmed = flags["mark-sent"] ? yield* confirmSent(ids) : []
        const requeued = flags["resend-uncertain"] ? yield* resendUncertain(flags.purpose === undefined ? {} : { purpose: flags.purpose }) : []
        const summary = yield* deliverQueued(transport, {
          ...(flags.purpose === undefined ? {} : { purpose: flags.purpose }),
          ...(rate === undefined ? {} : { rate }),
          onProgress
        })
        return { ...summary, confirmed, resent: requeued.length }
      })
    })
    if ("dryRun" in result) {
      for (const c of result.wouldConfirm) {
        const what = c.result === "confirmed" ? "would be recorded as sent" : c.result === "already-sent" ? "already sent: nothing to do" : c.result === "not-uncertain" ? "not uncertain (queued or failed): would be left as it is" : "no such key or Message-ID in the send log"
        this.log(`${c.id}${c.key !== undefined && c.key !== c.id ? ` (${c.key})` : ""}: ${what}.`)
      }
      const where = result.transport === "smtp" ? `over SMTP (${result.destination}; no connection was opened)` : `to the outbox ${relative(process.cwd(), result.destination) || "."}/`
      const retries = result.deferred > 0 ? `, ${result.deferred} of them retries after an error` : ""
      const resent = result.wouldResend > 0 ? `, ${result.wouldResend} of them uncertain ones queued again (--resend-uncertain)` : ""
      this.log(`Dry run: ${counted(result.wouldSend, "message")}${flags.purpose === undefined ? "" : ` with purpose ${flags.purpose}`} would be sent ${where}${retries}${resent}. Nothing was sent or changed.`)
      if (result.sample.length > 0) this.table(result.sample.map((m) => ({ key: m.key, to: m.to, subject: m.subject, attempts: m.attempts })), ["key", "to", "subject", "attempts"])
      if (result.uncertain > 0 && result.wouldResend === 0) this.log(`${counted(result.uncertain, "message")} uncertain: not sent again on their own (--resend-uncertain or --mark-sent).`)
      return result
    }
    for (const c of result.confirmed) {
      const what =
        c.result === "confirmed"
          ? "recorded as sent"
          : c.result === "already-sent"
            ? "already sent: nothing to do"
            : c.result === "not-uncertain"
              ? "not uncertain (queued or failed): left as it is"
              : "no such key or Message-ID in the send log"
      this.log(`${c.id}${c.key !== undefined && c.key !== c.id ? ` (${c.key})` : ""}: ${what}.`)
    }
    if (result.resent > 0) this.log(`${counted(result.resent, "uncertain message")} queued again, to be sent under the same Message-ID.`)
    if (result.total === 0) {
      this.log(`Nothing to send${flags.purpose === undefined ? "" : ` with purpose ${flags.purpose}`}: the send log holds no queued message.`)
    } else {
      const perSecond = result.seconds > 0 ? ` (${Math.round(result.sent / result.seconds)}/s)` : ""
      this.log(`Sent ${result.sent} of ${counted(result.total, "message")} ${destination} in ${result.seconds.toFixed(1)} s${perSecond}.`)
      if (result.failed > 0) this.log(`${result.failed} failed for good (5xx): not retried.`)
      if (result.deferred > 0) this.log(`${result.deferred} deferred (4xx, or no connection): still queued, \`convene mail flush\` retries them.`)
      if (result.failures.length > 0) {
        this.table(
          result.failures.map((f) => ({ ...f, outcome: f.permanent ? "failed" : f.uncertain ? "uncertain" : "deferred", error: f.error.replace(/\s+/g, " ").slice(0, 100) })),
          ["key", "recipient", "outcome", "error"]
        )
      }
    }
    if (result.uncertain > 0) {
      this.log(
        `${counted(result.uncertain, "message")} uncertain (handed to the server, no answer recorded): not sent again on their own. \`convene mail status\` lists them; then \`convene mail flush --mark-sent ID…\` or \`--resend-uncertain\`.`
      )
    }
    if (result.failed + result.deferred + result.uncertain > 0) process.exitCode = 1
    return result
  }
}
