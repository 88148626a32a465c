// The evaluation surveys: the key that derives invitation tokens, one invitation per participant
// and wave, and one response per participant, wave and instrument. Answers live apart from
// contact details (participants.email) and carry only the participant's id.
// Landed: never edit; add a new migration instead.
import { type Kysely, sql } from "kysely"

export const up = async (db: Kysely<any>): Promise<void> => {
  await db.schema
    .createTable("survey_keys")
    .addColumn("id", "integer", (c) => c.primaryKey().check(sql`id = 1`))
    // 256 random bits, base64url: tokens are HMACs of it, so a re-run derives the same token
    .addColumn("token_key", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createTable("survey_invitations")
    .addColumn("participant_id", "text", (c) => c.notNull().references("participants.id").onDelete("cascade"))
    .addColumn("instrument", "text", (c) => c.notNull())
    .addColumn("wave", "text", (c) => c.notNull())
    // sha256 of the token: the token itself is only in the invitation
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    // as the invitation was sent: the form opens in the same language and the site's zone,
    // and the form server finds all it needs in this one row
    .addColumn("site_id", "text", (c) => c.notNull())
    .addColumn("locale", "text", (c) => c.notNull())
    .addColumn("timezone", "text", (c) => c.notNull())
    .addColumn("invited_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("reminded_at", "timestamptz")
    .addPrimaryKeyConstraint("survey_invitations_pk", ["participant_id", "instrument", "wave"])
    .execute()
  await db.schema
    .createTable("survey_responses")
    .addColumn("participant_id", "text", (c) => c.notNull().references("participants.id").onDelete("cascade"))
    .addColumn("instrument", "text", (c) => c.notNull())
    .addColumn("instrument_version", "integer", (c) => c.notNull())
    .addColumn("wave", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull().check(sql`source in ('web', 'paper', 'kobo')`))
    // question id -> number | option id | [option ids] | text
    .addColumn("answers", "jsonb", (c) => c.notNull())
    // written by `convene survey simulate`: never to be mistaken for real answers
    .addColumn("simulated", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("submitted_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("survey_responses_pk", ["participant_id", "instrument", "wave"])
    .execute()
  await db.schema.createIndex("survey_responses_wave_idx").on("survey_responses").columns(["instrument", "wave"]).execute()
}

export const down = async (db: Kysely<any>): Promise<void> => {
  for (const table of ["survey_responses", "survey_invitations", "survey_keys"]) await db.schema.dropTable(table).execute()
}
