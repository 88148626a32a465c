/** The mail service: the send log (idempotent keys), the outbox of .eml files, or SMTP. */
export {
  type Attachment,
  DEFAULT_FROM,
  deliverQueued,
  type DeliverOptions,
  type DeliveryFailure,
  type DeliverySummary,
  enqueueMessages,
  type EnqueueSummary,
  type MailCounts,
  type MailStatus,
  mailStatus,
  type MailTransportOptions,
  messageIdFor,
  type MailRecipient,
  type OutgoingMessage,
  outboxDirOf,
  outboxFileName,
  resolveMailTransport,
  type RetryPolicy,
  sendMessages,
  SMTP_CONNECTIONS
} from "./Mail.js"
export { MailRepo } from "./MailRepo.js"
