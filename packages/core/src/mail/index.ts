/** The mail service: the send log (idempotent keys), the outbox of .eml files, or SMTP. */
export {
  type Attachment,
  type ConfirmedMessage,
  confirmSent,
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
  resendUncertain,
  resolveMailTransport,
  type RetryPolicy,
  sendMessages,
  SMTP_CONNECTIONS,
  supersedeQueued,
  type UncertainMessage
} from "./Mail.js"
export { MailRepo } from "./MailRepo.js"
export type { SendStatus } from "../infra/Tables.js"
