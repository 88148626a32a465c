/** What every mailing command's --dry-run says of its messages (core's MailPreview), for kit, survey and results. */
import { Count, Obj, Schema } from "./contract.js"

/** The fields of a mail preview, after `dryRun: true` (core's `MailPreview`). */
export const mailPreviewFields = {
  transport: Schema.Literals(["smtp", "outbox"]),
  destination: Schema.String.annotate({ description: "The SMTP host and port (no credentials), or the outbox folder." }),
  messages: Count,
  wouldQueue: Count,
  wouldSend: Count,
  alreadySent: Count,
  alreadyQueued: Count,
  uncertain: Count,
  failed: Count,
  sample: Schema.Array(Obj({ key: Schema.String, to: Schema.String, subject: Schema.String, locale: Schema.String, attachments: Count })).annotate({
    description: "The first messages that would be sent (up to 5)."
  })
}
