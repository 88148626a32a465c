// What a command that sends mail says in a dry run (--dry-run): the counts, the first messages,
// where they would go, and a refusal the real run would meet.
import { relative } from "node:path"
import type { MailPreview } from "@convene/core/mail"
import type { WouldBeRefused } from "@convene/core/surveys"
import { counted } from "./plural.js"

interface Printer {
  readonly log: (line: string) => void
  readonly table: (rows: ReadonlyArray<Record<string, unknown>>, columns: ReadonlyArray<string>) => void
}

/**
 * Prints a dry run of a mail command: how many messages would be sent (new, and queued before),
 * how many the send log already holds as sent, uncertain or failed, the first few recipients with
 * their subjects, where the links point (`linkBase`), and the refusal a real run would meet.
 *
 * @example
 * printMailPreview(this, preview, { what: "invitation", linkBase: "https://survey.example.org/s/" })
 * // Dry run: 40 invitations would be sent to the outbox out/outbox/ (40 new); 1 already sent. Nothing was queued, sent or stored.
 */
export const printMailPreview = (
  out: Printer,
  preview: MailPreview & { readonly wouldBeRefused?: WouldBeRefused | undefined },
  options: { readonly what: string; readonly linkBase?: string | undefined; readonly sample?: boolean }
): void => {
  const where = preview.transport === "smtp" ? `over SMTP (${preview.destination}; no connection was opened)` : `to the outbox ${relative(process.cwd(), preview.destination) || "."}/`
  const parts = [`${preview.wouldQueue} new`]
  if (preview.alreadyQueued > 0) parts.push(`${preview.alreadyQueued} queued by an earlier run`)
  const kept = [`${preview.alreadySent} already sent`]
  if (preview.uncertain > 0) kept.push(`${preview.uncertain} uncertain`)
  if (preview.failed > 0) kept.push(`${preview.failed} failed for good`)
  out.log(`Dry run: ${counted(preview.wouldSend, options.what)} would be sent ${where} (${parts.join(", ")}); ${kept.join(", ")}, not sent again. Nothing was queued, sent or stored.`)
  if (preview.sample.length > 0 && options.sample !== false) {
    out.log(preview.sample.length < preview.wouldSend ? `The first ${preview.sample.length}:` : "They are:")
    out.table(preview.sample.map((m) => ({ to: m.to, locale: m.locale, subject: m.subject, ...(m.attachments > 0 ? { attached: m.attachments } : {}) })), ["to", "locale", "subject", ...(preview.sample.some((m) => m.attachments > 0) ? ["attached"] : [])])
  }
  if (options.linkBase !== undefined) out.log(`Links: ${options.linkBase}<token>`)
  if (preview.wouldBeRefused !== undefined) {
    out.log(`Would be refused (exit status 4 without --dry-run): ${preview.wouldBeRefused.message} Confirm a rehearsal with ${preview.wouldBeRefused.confirm}.`)
  }
}
