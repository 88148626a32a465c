/**
 * The database's tables as Kysely sees them. Registry columns mirror the CSV columns one to
 * one (see domain/Registry.ts); absent optional values are NULL.
 */
import type { ColumnType, Generated } from "kysely"

export interface CoalitionPartnersTable {
  id: string
  name: string
  kind: string
  country: string | null
  website: string | null
  contact_email: string | null
}

export interface FellowsTable {
  id: string
  name: string
  email: string
  country: string
  languages: string
  organisation: string | null
}

export interface SitesTable {
  id: string
  name: string
  city: string
  country: string
  timezone: string
  locale: string
  capacity: number
  format: string
  /** Null only for a self-registered mirror (its organiser is in `mirrors`). */
  fellow_email: string | null
  start_local: string | null
  date: string | null
  date_reason: string | null
  other_locales: string | null
}

export interface ParticipantsTable {
  id: string
  site_id: string
  code: string
  locale: string | null
  email: string | null
  gender: string | null
  age_band: string | null
  education: string | null
  residence: string | null
  /** panel (null: panel), control or mirror */
  role: string | null
}

export interface MilestoneProgressTable {
  site_id: string
  milestone_id: string
  /** A calendar date; selected as text (`done_on::text`) so that no driver turns it into a Date. */
  done_on: ColumnType<string, string, string>
  note: string | null
  recorded_at: Generated<ColumnType<Date, never, never>>
}

export interface SchedulePlansTable {
  id: Generated<number>
  day: string
  computed_at: Generated<ColumnType<Date, never, never>>
  sites: number
  /** A hash of what the plan was computed from (the day, agenda, moments and sites), to tell when it is stale. */
  inputs_hash: string
  /** Whether mirror sites were planned too. */
  include_mirror: Generated<boolean>
  /** The SchedulePlan as JSON (see domain/Schedule.ts). */
  plan: ColumnType<unknown, string, string>
  /** The tz release the plan was made with, e.g. `2026f` (null: made before it was recorded). */
  tz_version: ColumnType<string | null, string | null | undefined, string | null>
  /** Where the zone rules came from, e.g. `moment-timezone 0.6.6`. */
  tz_source: ColumnType<string | null, string | null | undefined, string | null>
}

/** One calendar event's revision (see schedule/Calendar.ts). */
export interface CalendarEventsTable {
  /** The event's UID. */
  uid: string
  /** The hash of the event's content when last exported. */
  content_hash: string
  /** SEQUENCE: 0 when first exported, raised each time the content changes. */
  sequence: number
  /** LAST-MODIFIED, ISO UTC: the stored time of the plan that last changed the event. */
  modified_at: string
}

/** A stored attachment: by file path where there is one, else small content as base64. */
export interface StoredAttachment {
  readonly filename: string
  readonly path?: string
  readonly content_base64?: string
  readonly contentType?: string
  /** The SHA-256 of the file at `path` when the message was queued: a changed file is not sent. */
  readonly sha256?: string
}

/** What the send log keeps of a message besides its envelope columns. */
export interface StoredMessage {
  readonly text: string
  readonly html: string
  readonly attachments: ReadonlyArray<StoredAttachment>
  /** The recipient's display name, kept apart from the address (the `recipient` column). */
  readonly to_name?: string
  /** Set once the message went out (or failed for good): its text, HTML and attachments are no longer kept. */
  readonly purged?: boolean
}

export interface SendLogTable {
  /** Chosen by the caller, e.g. `kit:sn-dakar:awa@example.org`: enqueueing it again does nothing. */
  idempotency_key: string
  /** What the message is for, e.g. `kit`, `survey-invite`. */
  purpose: string
  recipient: string
  locale: string
  subject: string
  /** The StoredMessage as JSON. */
  message: ColumnType<StoredMessage, string, string>
  /** Derived from the idempotency key, so that a resent message carries the same Message-ID. */
  message_id: string
  status: ColumnType<SendStatus, "queued" | undefined, SendStatus>
  attempts: ColumnType<number, never, number>
  last_error: ColumnType<string | null, never, string | null>
  last_attempt_at: ColumnType<Date | null, never, Date | null>
  queued_at: Generated<ColumnType<Date, never, never>>
  sent_at: ColumnType<Date | null, never, Date | null>
  /** The delivery run holding the message (and until when): a lease whose run is gone or expired is free. */
  lease_owner: ColumnType<string | null, never, string | null>
  lease_until: ColumnType<Date | null, never, Date | null>
}

/** A message's state in the send log: `uncertain` was handed to an SMTP server by a run that died before the answer. */
export type SendStatus = "queued" | "sending" | "uncertain" | "sent" | "failed"

/** Every table convene owns. */
export interface SurveyKeysTable {
  id: number
  token_key: string
  created_at: ColumnType<Date, never, never>
}

export interface SurveyInvitationsTable {
  participant_id: string
  instrument: string
  wave: string
  token_hash: string
  site_id: string
  locale: string
  timezone: string
  invited_at: ColumnType<Date, string | undefined, string>
  reminded_at: ColumnType<Date | null, string | null | undefined, string | null>
}

export interface SurveyResponsesTable {
  participant_id: string
  instrument: string
  instrument_version: number
  wave: string
  source: "web" | "paper" | "kobo"
  simulated: ColumnType<boolean, boolean | undefined, boolean>
  /** question id -> number | option id | option ids | text */
  answers: ColumnType<Record<string, unknown>, string, string>
  submitted_at: ColumnType<Date, string | undefined, string>
}

/** An organiser's invitation to an organisers' questionnaire (a fellow or a facilitator). */
export interface OrganiserInvitationsTable {
  respondent_id: string
  kind: "fellow" | "facilitator"
  instrument: string
  wave: string
  token_hash: string
  site_id: string
  country: string
  locale: string
  timezone: string
  invited_at: ColumnType<Date, string | undefined, string>
  reminded_at: ColumnType<Date | null, string | null | undefined, string | null>
}

/** An organiser's answers to an organisers' questionnaire. */
export interface OrganiserResponsesTable {
  respondent_id: string
  kind: "fellow" | "facilitator"
  site_id: string
  country: string
  instrument: string
  instrument_version: number
  wave: string
  source: "web" | "paper" | "kobo"
  answers: ColumnType<Record<string, unknown>, string, string>
  submitted_at: ColumnType<Date, string | undefined, string>
}

export interface ResultSitesTable {
  site_id: string
  status: "draft" | "submitted" | "validated"
  simulated: ColumnType<boolean, boolean | undefined, boolean>
  updated_at: ColumnType<Date, string | undefined, string>
  updated_by: string
  submitted_at: ColumnType<Date | null, string | null | undefined, string | null>
  validated_at: ColumnType<Date | null, string | null | undefined, string | null>
  validated_by: ColumnType<string | null, string | null | undefined, string | null>
  /** TableTally[] as JSON */
  tallies: ColumnType<unknown, string, string>
  /** BallotEntry[] as JSON */
  ballots: ColumnType<unknown, string, string>
  /** Recommendation[] as JSON */
  recommendations: ColumnType<unknown, string, string>
  /** SiteQuestionTotals[] (without site_id) as JSON */
  totals: ColumnType<unknown, string, string>
}

export interface ResultLogTable {
  id: Generated<string>
  site_id: string
  at: ColumnType<Date, string | undefined, never>
  actor: string
  action: string
  status_before: string | null
  status_after: string | null
  reason: string | null
  /** SiteResults as JSON */
  after: ColumnType<unknown, string | null, never>
}

export interface ResultLinksTable {
  site_id: string
  token_hash: string
  created_at: ColumnType<Date, string | undefined, never>
}

export interface ResultKeysTable {
  id: number
  token_key: string
  created_at: ColumnType<Date, never, never>
}

/** One volunteer of a site's candidate pool (see recruitment/). */
export interface CandidatesTable {
  id: string
  site_id: string
  consent: boolean
  locale: string | null
  /** The feature values as a JSON object. */
  features: string
}

/** A candidate's contact data, kept apart from the pool. */
export interface CandidateContactsTable {
  candidate_id: string
  name: string | null
  email: string | null
  phone: string | null
}

/** A site's draw: how it was made, and its record as JSON. */
export interface DrawsTable {
  site_id: string
  method: string
  seed: string
  size: number
  reserves: number
  pool_sha256: string
  targets_sha256: string
  drawn_at: Generated<ColumnType<Date, never, never>>
  record: string
}

/** A candidate's part in their site's draw. */
export interface DrawCandidatesTable {
  site_id: string
  candidate_id: string
  probability: number
  role: string
  reserve_rank: number | null
  status: string | null
  replaces: string | null
  updated_at: ColumnType<Date, never, string>
}

/** Whether a participant came on the day. */
export interface AttendanceTable {
  participant_id: string
  present: boolean
  source: string
  recorded_at: ColumnType<Date, never, string>
}

/** A staff approval of one version of a site's change to locked kit content. */
export interface KitApprovalsTable {
  site_id: string
  item: string
  sha256: string
  note: string
  approved_by: string
  approved_at: Generated<ColumnType<Date, never, never>>
}

/** A mirror dialogue registered through the public form (see mirrors/MirrorRepo.ts). */
export interface MirrorsTable {
  id: Generated<number>
  name: string
  email: string
  place: string
  country: string
  timezone: string
  locale: string
  date: string
  participants: number
  consented_at: ColumnType<Date, Date, Date>
  status: ColumnType<string, string | undefined, string>
  token_hash: string | null
  created_at: ColumnType<Date, never, never>
  updated_at: ColumnType<Date, Date | undefined, Date>
  confirmed_at: ColumnType<Date | null, never, Date | null>
  decided_at: ColumnType<Date | null, never, Date | null>
  note: string | null
  site_id: string | null
}

export interface Tables {
  coalition_partners: CoalitionPartnersTable
  fellows: FellowsTable
  sites: SitesTable
  participants: ParticipantsTable
  milestone_progress: MilestoneProgressTable
  schedule_plans: SchedulePlansTable
  calendar_events: CalendarEventsTable
  send_log: SendLogTable
  survey_keys: SurveyKeysTable
  survey_invitations: SurveyInvitationsTable
  survey_responses: SurveyResponsesTable
  result_sites: ResultSitesTable
  result_log: ResultLogTable
  result_links: ResultLinksTable
  result_keys: ResultKeysTable
  candidates: CandidatesTable
  candidate_contacts: CandidateContactsTable
  draws: DrawsTable
  draw_candidates: DrawCandidatesTable
  attendance: AttendanceTable
  kit_approvals: KitApprovalsTable
  mirrors: MirrorsTable
  organiser_invitations: OrganiserInvitationsTable
  organiser_responses: OrganiserResponsesTable
}
