// The migrations, in order. Bundled in code rather than read from a folder, so that they travel
// with the package wherever it is installed.
import type { Migration, MigrationProvider } from "kysely/migration"
import * as registries from "./2026-11-22T00-registries.js"
import * as schedulePlans from "./2026-11-22T01-schedule-plans.js"
import * as sendLog from "./2026-11-25T00-send-log.js"
import * as surveys from "./2026-11-25T01-surveys.js"
import * as results from "./2026-11-30T00-results.js"
import * as mail from "./2026-11-30T01-mail.js"
import * as codes from "./2026-11-30T03-codes.js"
import * as scheduleTz from "./2026-11-30T04-schedule-tz.js"
import * as calendar from "./2026-11-30T05-calendar.js"
import * as recruitment from "./2026-12-01T00-recruitment.js"
import * as kitApprovals from "./2026-12-01T01-kit-approvals.js"
import * as siteDates from "./2026-12-01T02-site-dates.js"
import * as siteLocales from "./2026-12-01T03-site-locales.js"
import * as mirrors from "./2026-12-01T05-mirrors.js"
import * as participantRoles from "./2026-12-01T06-participant-roles.js"
import * as organiserSurveys from "./2026-12-01T07-organiser-surveys.js"

/** Every migration by name; names sort in the order they must run. */
export const migrations: Readonly<Record<string, Migration>> = {
  "2026-11-22T00-registries": registries,
  "2026-11-22T01-schedule-plans": schedulePlans,
  "2026-11-25T00-send-log": sendLog,
  "2026-11-25T01-surveys": surveys,
  "2026-11-30T00-results": results,
  "2026-11-30T01-mail": mail,
  "2026-11-30T03-codes": codes,
  "2026-11-30T04-schedule-tz": scheduleTz,
  "2026-11-30T05-calendar": calendar,
  "2026-12-01T00-recruitment": recruitment,
  "2026-12-01T01-kit-approvals": kitApprovals,
  "2026-12-01T02-site-dates": siteDates,
  "2026-12-01T03-site-locales": siteLocales,
  "2026-12-01T05-mirrors": mirrors,
  "2026-12-01T06-participant-roles": participantRoles,
  "2026-12-01T07-organiser-surveys": organiserSurveys
}

/** A Kysely migration provider over {@link migrations}. */
export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...migrations })
}
