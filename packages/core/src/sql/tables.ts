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
  fellow_email: string
  start_local: string | null
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
}

/** Every table convene owns. */
export interface Tables {
  coalition_partners: CoalitionPartnersTable
  fellows: FellowsTable
  sites: SitesTable
  participants: ParticipantsTable
  milestone_progress: MilestoneProgressTable
  schedule_plans: SchedulePlansTable
}
