// The organisers' questionnaire (instruments with `respondents: organisers`): invitations and
// responses of fellows and facilitators, apart from the participants' own. A respondent is a
// fellow (registry) or a facilitator listed in a site file, so neither table references one; each
// row keeps the respondent's kind, site and country as they were when invited or when answering.
// Landed: never edit; add a new migration instead.
import { type Kysely, sql } from "kysely"

export const up = async (db: Kysely<any>): Promise<void> => {
  await db.schema
    .createTable("organiser_invitations")
    .addColumn("respondent_id", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('fellow', 'facilitator')`))
    .addColumn("instrument", "text", (c) => c.notNull())
    .addColumn("wave", "text", (c) => c.notNull())
    // sha256 of the token, as for participants: the token itself is only in the invitation
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("site_id", "text", (c) => c.notNull())
    .addColumn("country", "text", (c) => c.notNull())
    .addColumn("locale", "text", (c) => c.notNull())
    .addColumn("timezone", "text", (c) => c.notNull())
    .addColumn("invited_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("reminded_at", "timestamptz")
    .addPrimaryKeyConstraint("organiser_invitations_pk", ["respondent_id", "instrument", "wave"])
    .execute()
  await db.schema
    .createTable("organiser_responses")
    .addColumn("respondent_id", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('fellow', 'facilitator')`))
    .addColumn("site_id", "text", (c) => c.notNull())
    .addColumn("country", "text", (c) => c.notNull())
    .addColumn("instrument", "text", (c) => c.notNull())
    .addColumn("instrument_version", "integer", (c) => c.notNull())
    .addColumn("wave", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull().check(sql`source in ('web', 'paper', 'kobo')`))
    .addColumn("answers", "jsonb", (c) => c.notNull())
    .addColumn("submitted_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("organiser_responses_pk", ["respondent_id", "instrument", "wave"])
    .execute()
}

export const down = async (db: Kysely<any>): Promise<void> => {
  for (const table of ["organiser_responses", "organiser_invitations"]) await db.schema.dropTable(table).execute()
}
