/**
 * The surveys' repository: every SQL statement on the token key, invitations and responses (and
 * the reads of participants and sites those need). Responses have one write path,
 * {@link SurveyRepo} `storeResponses`, for the web form, paper and Kobo imports and simulations.
 */
import * as Context from "effect/Context"
import * as Schema from "effect/Schema"
import type { Kysely } from "kysely"
import { type Answers, StoredAnswers } from "../domain/Answers.js"
import type { Instrument } from "../domain/Instrument.js"
import type { OrganiserKind } from "../domain/Organisers.js"
import type { ResponseSource } from "../domain/Simulation.js"
import { repositoryLayer, type Run } from "../infra/Database.js"
import { sql } from "../infra/Sql.js"
import type { Tables } from "../infra/Tables.js"

/** Rows per INSERT of responses and invitations: far below PostgreSQL's 65,535 parameters. */
const INSERT_BATCH = 1000
/** Ids per `in (…)` list. */
const READ_BATCH = 5000
/** Rows per page of the tidy export. */
export const EXPORT_PAGE = 5000
/** Responses stored at once from which the planner statistics are refreshed. */
const ANALYZE_FROM = 5000

/** One response to store. */
export interface ResponseToStore {
  readonly participant_id: string
  readonly answers: Answers
}

/** An invitation as the form server finds it by its token's hash, with its response's time if answered. */
export interface SurveyInvitation {
  /** The participant's id, or (an organisers' questionnaire) the fellow's or facilitator's. */
  readonly participant_id: string
  /** Set for an organisers' questionnaire: who answers (their answers are stored apart). */
  readonly organiser?: { readonly kind: OrganiserKind; readonly country: string } | undefined
  readonly instrument: string
  readonly wave: string
  readonly site_id: string
  readonly locale: string
  readonly timezone: string
  readonly submitted_at: Date | null
}

/** A participant to mail for a wave: address, site and the locale to write in. */
export interface SurveyRecipient {
  readonly participant_id: string
  readonly email: string | null
  readonly site_id: string
  readonly site_name: string
  readonly timezone: string
  readonly locale: string
}

/** An invitation to store: the token's hash, never the token. */
export interface InvitationToStore {
  readonly participant_id: string
  readonly token_hash: string
  readonly site_id: string
  readonly locale: string
  readonly timezone: string
}

/** An organiser's invitation to store: the token's hash, never the token. */
export interface OrganiserInvitationToStore {
  readonly respondent_id: string
  readonly kind: OrganiserKind
  readonly token_hash: string
  readonly site_id: string
  readonly country: string
  readonly locale: string
  readonly timezone: string
}

/** An organiser's response to store, with who they are (kind, site, country). */
export interface OrganiserResponseToStore {
  readonly respondent_id: string
  readonly kind: OrganiserKind
  readonly site_id: string
  readonly country: string
  readonly answers: Answers
}

/** An organiser's stored response as the organisers' report reads it (no name, no address). */
export interface StoredOrganiserResponse {
  readonly kind: OrganiserKind
  readonly site_id: string
  readonly country: string
  readonly wave: string
  readonly source: string
  readonly answers: Answers
}

/** A stored response with what the tidy export prints beside it (no contact data). */
export interface ExportedResponse {
  readonly participant_id: string
  readonly code: string
  readonly site_id: string
  readonly country: string
  /** The site's format (`mirror` dialogues apart from the panel sites). */
  readonly format: string
  readonly gender: string | null
  readonly age_band: string | null
  readonly education: string | null
  readonly residence: string | null
  /** panel (null), control or mirror */
  readonly role: string | null
  /** Whether the participant came on the day, where attendance is recorded; null otherwise. */
  readonly present: boolean | null
  readonly wave: string
  readonly instrument_version: number
  readonly source: string
  readonly simulated: boolean
  readonly answers: Answers
}

// jsonb arrives parsed from both drivers; a driver that hands over the text is decoded from it
const decodeStored = Schema.decodeUnknownSync(StoredAnswers)
const decodeStoredText = Schema.decodeUnknownSync(Schema.fromJsonString(StoredAnswers))
const decodeAnswers = (x: unknown): Answers => (typeof x === "string" ? decodeStoredText(x) : decodeStored(x))

/** Thrown inside a dry run's transaction to roll it back. */
const rollback = Symbol("dry run")

/** Runs `work` in a transaction, then rolls it back (a dry run: every constraint is checked, nothing stays). */
const rolledBack = async <A>(db: Kysely<Tables>, work: (trx: Kysely<Tables>) => Promise<A>): Promise<A> => {
  let out: { value: A } | undefined
  try {
    await db.transaction().execute(async (trx) => {
      out = { value: await work(trx) }
      throw rollback
    })
  } catch (e) {
    if (e !== rollback || out === undefined) throw e
  }
  return out!.value
}

const make = (db: Kysely<Tables>, run: Run) => ({
  /** The survey key, or undefined before the first invitation. */
  readKey: () =>
    run("reading the survey key", async () => (await db.selectFrom("survey_keys").select("token_key").where("id", "=", 1).executeTakeFirst())?.token_key),

  /** Stores the survey key unless one exists (two first runs at once keep one), then returns the stored one. */
  createKey: (fresh: string) =>
    run("creating the survey key", async () => {
      await db.insertInto("survey_keys").values({ id: 1, token_key: fresh }).onConflict((oc) => oc.column("id").doNothing()).execute()
      const row = await db.selectFrom("survey_keys").select("token_key").where("id", "=", 1).executeTakeFirstOrThrow()
      return row.token_key
    }),

  /**
   * Participants with an address (of one site, or all), by id, with their locale (else their
   * site's); with `onlyUnanswered`, only those invited to the wave who have not answered it.
   */
  recipients: (instrument: string, wave: string, site: string | undefined, onlyUnanswered: boolean) =>
    run("reading participants", (): Promise<Array<SurveyRecipient>> => {
      let q = db
        .selectFrom("participants as p")
        .innerJoin("sites as s", "s.id", "p.site_id")
        .select(["p.id as participant_id", "p.email", "p.site_id", "s.name as site_name", "s.timezone", sql<string>`coalesce(p.locale, s.locale)`.as("locale")])
        .where("p.email", "is not", null)
        .orderBy("p.id")
      if (site !== undefined) q = q.where("p.site_id", "=", site)
      if (onlyUnanswered) {
        q = q
          .where((eb) => eb.exists(eb.selectFrom("survey_invitations as i").select("i.participant_id").whereRef("i.participant_id", "=", "p.id").where("i.instrument", "=", instrument).where("i.wave", "=", wave)))
          .where((eb) => eb.not(eb.exists(eb.selectFrom("survey_responses as r").select("r.participant_id").whereRef("r.participant_id", "=", "p.id").where("r.instrument", "=", instrument).where("r.wave", "=", wave))))
      }
      return q.execute()
    }),

  /** How many participants (of one site, or all) have no e-mail address. */
  countWithoutEmail: (site: string | undefined) =>
    run("counting participants without e-mail", async () => {
      let q = db.selectFrom("participants").select((eb) => eb.fn.countAll<string>().as("n")).where("email", "is", null)
      if (site !== undefined) q = q.where("site_id", "=", site)
      return Number((await q.executeTakeFirstOrThrow()).n)
    }),

  /** Stores invitations in batches; an existing one is left as it is. Returns how many existed. */
  storeInvitations: (instrument: string, wave: string, invitations: ReadonlyArray<InvitationToStore>) =>
    run("storing invitations", async () => {
      let existing = 0
      for (let i = 0; i < invitations.length; i += INSERT_BATCH) {
        const values = invitations.slice(i, i + INSERT_BATCH).map((v) => ({ ...v, instrument, wave }))
        const inserted = await db
          .insertInto("survey_invitations")
          .values(values)
          .onConflict((oc) => oc.columns(["participant_id", "instrument", "wave"]).doNothing())
          .returning("participant_id")
          .execute()
        existing += values.length - inserted.length
      }
      return existing
    }),

  /** How many of these participants are already invited to the wave (what a dry run of `survey invite` reports). */
  countInvited: (instrument: string, wave: string, participantIds: ReadonlyArray<string>) =>
    run("counting invitations", async () => {
      let n = 0
      for (let i = 0; i < participantIds.length; i += READ_BATCH) {
        const ids = participantIds.slice(i, i + READ_BATCH)
        const row = await db
          .selectFrom("survey_invitations")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .where("instrument", "=", instrument)
          .where("wave", "=", wave)
          .where("participant_id", "in", ids)
          .executeTakeFirstOrThrow()
        n += Number(row.n)
      }
      return n
    }),

  /** Marks invitations as reminded at `at` (ISO time), in batches. */
  recordReminders: (instrument: string, wave: string, participantIds: ReadonlyArray<string>, at: string) =>
    run("recording reminders", async () => {
      // in batches: one statement with 100,000 ids would pass PostgreSQL's 65,535 parameters
      for (let i = 0; i < participantIds.length; i += READ_BATCH) {
        const ids = participantIds.slice(i, i + READ_BATCH)
        await db.updateTable("survey_invitations").set({ reminded_at: at }).where("instrument", "=", instrument).where("wave", "=", wave).where("participant_id", "in", ids).execute()
      }
    }),

  /**
   * The one write path of responses — web form, paper, Kobo, simulation. Stores them in batches,
   * all or nothing; a participant who already answered the wave is skipped (of two submitted at
   * once, one is stored). Returns the participants stored. `simulated` marks answers written by
   * `survey simulate`.
   */
  storeResponses: (instrument: Instrument, wave: string, source: ResponseSource, responses: ReadonlyArray<ResponseToStore>, options: { readonly simulated?: boolean; readonly dryRun?: boolean } = {}) =>
    run("storing responses", async () => {
      const storeIn = async (trx: Kysely<Tables>): Promise<Array<string>> => {
        const stored: Array<string> = []
        for (let i = 0; i < responses.length; i += INSERT_BATCH) {
          const rows = responses.slice(i, i + INSERT_BATCH).map((r) => ({
            participant_id: r.participant_id,
            instrument: instrument.id,
            instrument_version: instrument.version,
            wave,
            source,
            simulated: options.simulated === true,
            answers: JSON.stringify(r.answers)
          }))
          const done = await trx.insertInto("survey_responses").values(rows).onConflict((oc) => oc.columns(["participant_id", "instrument", "wave"]).doNothing()).returning("participant_id").execute()
          for (const d of done) stored.push(d.participant_id)
        }
        // fresh planner statistics after a large import: the report's joins depend on them
        if (responses.length >= ANALYZE_FROM) await sql`analyze survey_responses`.execute(trx)
        return stored
      }
      if (options.dryRun === true) return rolledBack(db, storeIn)
      // one statement is atomic by itself: the form server's single response needs no transaction
      return responses.length <= INSERT_BATCH ? storeIn(db) : db.transaction().execute(storeIn)
    }),

  /** Stores organisers' invitations; an existing one is left as it is. Returns how many existed. */
  storeOrganiserInvitations: (instrument: string, wave: string, invitations: ReadonlyArray<OrganiserInvitationToStore>) =>
    run("storing invitations", async () => {
      let existing = 0
      for (let i = 0; i < invitations.length; i += INSERT_BATCH) {
        const values = invitations.slice(i, i + INSERT_BATCH).map((v) => ({ ...v, instrument, wave }))
        const inserted = await db
          .insertInto("organiser_invitations")
          .values(values)
          .onConflict((oc) => oc.columns(["respondent_id", "instrument", "wave"]).doNothing())
          .returning("respondent_id")
          .execute()
        existing += values.length - inserted.length
      }
      return existing
    }),

  /** Of these organisers, those invited to the wave; with `unanswered`, only those who have not answered it. */
  organisersInvited: (instrument: string, wave: string, respondentIds: ReadonlyArray<string>, unanswered: boolean) =>
    run("reading invitations", async () => {
      const found = new Set<string>()
      for (let i = 0; i < respondentIds.length; i += READ_BATCH) {
        let q = db
          .selectFrom("organiser_invitations as i")
          .select("i.respondent_id")
          .where("i.instrument", "=", instrument)
          .where("i.wave", "=", wave)
          .where("i.respondent_id", "in", respondentIds.slice(i, i + READ_BATCH))
        if (unanswered) {
          q = q.where((eb) => eb.not(eb.exists(eb.selectFrom("organiser_responses as r").select("r.respondent_id").whereRef("r.respondent_id", "=", "i.respondent_id").whereRef("r.instrument", "=", "i.instrument").whereRef("r.wave", "=", "i.wave"))))
        }
        for (const r of await q.execute()) found.add(r.respondent_id)
      }
      return found
    }),

  /** Marks organisers' invitations as reminded at `at` (ISO time). */
  recordOrganiserReminders: (instrument: string, wave: string, respondentIds: ReadonlyArray<string>, at: string) =>
    run("recording reminders", async () => {
      for (let i = 0; i < respondentIds.length; i += READ_BATCH) {
        await db.updateTable("organiser_invitations").set({ reminded_at: at }).where("instrument", "=", instrument).where("wave", "=", wave).where("respondent_id", "in", respondentIds.slice(i, i + READ_BATCH)).execute()
      }
    }),

  /**
   * The one write path of organisers' responses — web form, paper, Kobo: all or nothing; an
   * organiser who already answered the wave is skipped. Returns the respondents stored.
   */
  storeOrganiserResponses: (instrument: Instrument, wave: string, source: ResponseSource, responses: ReadonlyArray<OrganiserResponseToStore>, options: { readonly dryRun?: boolean } = {}) =>
    run("storing responses", async () => {
      const storeIn = async (trx: Kysely<Tables>): Promise<Array<string>> => {
        const stored: Array<string> = []
        for (let i = 0; i < responses.length; i += INSERT_BATCH) {
          const rows = responses.slice(i, i + INSERT_BATCH).map((r) => ({
            respondent_id: r.respondent_id,
            kind: r.kind,
            site_id: r.site_id,
            country: r.country,
            instrument: instrument.id,
            instrument_version: instrument.version,
            wave,
            source,
            answers: JSON.stringify(r.answers)
          }))
          const done = await trx.insertInto("organiser_responses").values(rows).onConflict((oc) => oc.columns(["respondent_id", "instrument", "wave"]).doNothing()).returning("respondent_id").execute()
          for (const d of done) stored.push(d.respondent_id)
        }
        return stored
      }
      if (options.dryRun === true) return rolledBack(db, storeIn)
      return responses.length <= INSERT_BATCH ? storeIn(db) : db.transaction().execute(storeIn)
    }),

  /** Of these organisers, those who already answered the wave: how and when. */
  organiserEarlierResponses: (instrument: string, wave: string, respondentIds: ReadonlyArray<string>) =>
    run("looking for earlier answers", async () => {
      const existing = new Map<string, { readonly source: string; readonly at: Date }>()
      for (let i = 0; i < respondentIds.length; i += READ_BATCH) {
        const found = await db
          .selectFrom("organiser_responses")
          .select(["respondent_id", "source", "submitted_at"])
          .where("instrument", "=", instrument)
          .where("wave", "=", wave)
          .where("respondent_id", "in", respondentIds.slice(i, i + READ_BATCH))
          .execute()
        for (const f of found) existing.set(f.respondent_id, { source: f.source, at: new Date(f.submitted_at) })
      }
      return existing
    }),

  /** Every organiser's response to an instrument, by site then kind (no id, no name, no address). */
  organiserResponses: (instrument: string) =>
    run("reading organisers' answers", async (): Promise<Array<StoredOrganiserResponse>> => {
      const rows = await db
        .selectFrom("organiser_responses")
        .select(["kind", "site_id", "country", "wave", "source", "answers"])
        .where("instrument", "=", instrument)
        .orderBy("country")
        .orderBy("site_id")
        .orderBy("kind")
        .orderBy("submitted_at")
        .execute()
      return rows.map((r) => ({ ...r, answers: decodeAnswers(r.answers) }))
    }),

  /** Organisers invited to an instrument, per wave and kind. */
  organisersInvitedCounts: (instrument: string) =>
    run("counting invitations", async () => {
      const rows = await db
        .selectFrom("organiser_invitations")
        .select(["wave", "kind", (eb) => eb.fn.countAll<string>().as("n")])
        .where("instrument", "=", instrument)
        .groupBy(["wave", "kind"])
        .execute()
      return rows.map((r) => ({ wave: r.wave, kind: r.kind, n: Number(r.n) }))
    }),

  /** Participant ids by code, for the codes that are registered (looked up in batches). */
  participantIdsByCode: (codes: ReadonlyArray<string>) =>
    run("looking up participant codes", async () => {
      const ids = new Map<string, string>()
      for (let i = 0; i < codes.length; i += READ_BATCH) {
        const found = await db.selectFrom("participants").select(["id", "code"]).where("code", "in", codes.slice(i, i + READ_BATCH)).execute()
        for (const f of found) ids.set(f.code, f.id)
      }
      return ids
    }),

  /** Of these participants, those who already answered the wave: how and when. */
  earlierResponses: (instrument: string, wave: string, participantIds: ReadonlyArray<string>) =>
    run("looking for earlier answers", async () => {
      const existing = new Map<string, { readonly source: string; readonly at: Date }>()
      for (let i = 0; i < participantIds.length; i += READ_BATCH) {
        const found = await db
          .selectFrom("survey_responses")
          .select(["participant_id", "source", "submitted_at"])
          .where("instrument", "=", instrument)
          .where("wave", "=", wave)
          .where("participant_id", "in", participantIds.slice(i, i + READ_BATCH))
          .execute()
        for (const f of found) existing.set(f.participant_id, { source: f.source, at: new Date(f.submitted_at) })
      }
      return existing
    }),

  /** Who answered an instrument in some waves (participant and wave). */
  answeredIn: (instrument: string, waves: ReadonlyArray<string>) =>
    run("looking for earlier answers", () =>
      db.selectFrom("survey_responses").select(["participant_id", "wave"]).where("instrument", "=", instrument).where("wave", "in", [...waves]).execute()
    ),

  /**
   * One page of the tidy export: responses to an instrument (of one wave, or all) of the
   * participants after `after`, by participant then wave, at most `EXPORT_PAGE` rows; keyset
   * paging, so that a page costs the same at the end as at the start.
   */
  exportPage: (instrument: string, wave: string | undefined, after: string) =>
    run("reading responses", async (): Promise<Array<ExportedResponse>> => {
      let q = db
        .selectFrom("survey_responses as r")
        .innerJoin("participants as p", "p.id", "r.participant_id")
        .innerJoin("sites as s", "s.id", "p.site_id")
        .leftJoin("attendance as a", "a.participant_id", "r.participant_id")
        .select(["r.participant_id", "p.code", "p.site_id", "s.country", "s.format", "p.gender", "p.age_band", "p.education", "p.residence", "p.role", "a.present", "r.wave", "r.instrument_version", "r.source", "r.simulated", "r.answers"])
        .where("r.instrument", "=", instrument)
        .where("r.participant_id", ">", after)
        .orderBy("r.participant_id")
        .orderBy("r.wave")
        .limit(EXPORT_PAGE)
      if (wave !== undefined) q = q.where("r.wave", "=", wave)
      const rows = await q.execute()
      return rows.map((r) => ({ ...r, answers: decodeAnswers(r.answers) }))
    }),

  /**
   * The invitation of a token's hash, with its response's time: one row found by a unique
   * index, and the response by its primary key, so that the lookup every form request makes
   * stays cheap (on PGlite it runs in the server's own thread).
   */
  invitationByTokenHash: (hash: string) =>
    run("reading the invitation", async (): Promise<SurveyInvitation | undefined> => {
      const row = await db
        .selectFrom("survey_invitations as i")
        .select(["i.participant_id", "i.instrument", "i.wave", "i.site_id", "i.locale", "i.timezone"])
        .select((eb) =>
          eb
            .selectFrom("survey_responses as r")
            .select("r.submitted_at")
            .whereRef("r.participant_id", "=", "i.participant_id")
            .whereRef("r.instrument", "=", "i.instrument")
            .whereRef("r.wave", "=", "i.wave")
            .as("submitted_at")
        )
        .where("i.token_hash", "=", hash)
        .executeTakeFirst()
      if (row !== undefined) return { ...row, submitted_at: row.submitted_at === null ? null : new Date(row.submitted_at) }
      // not a participant's link: an organiser's, found the same way in their own table
      const o = await db
        .selectFrom("organiser_invitations as i")
        .select(["i.respondent_id", "i.kind", "i.country", "i.instrument", "i.wave", "i.site_id", "i.locale", "i.timezone"])
        .select((eb) =>
          eb
            .selectFrom("organiser_responses as r")
            .select("r.submitted_at")
            .whereRef("r.respondent_id", "=", "i.respondent_id")
            .whereRef("r.instrument", "=", "i.instrument")
            .whereRef("r.wave", "=", "i.wave")
            .as("submitted_at")
        )
        .where("i.token_hash", "=", hash)
        .executeTakeFirst()
      if (o === undefined) return undefined
      return {
        participant_id: o.respondent_id,
        organiser: { kind: o.kind, country: o.country },
        instrument: o.instrument,
        wave: o.wave,
        site_id: o.site_id,
        locale: o.locale,
        timezone: o.timezone,
        submitted_at: o.submitted_at === null ? null : new Date(o.submitted_at)
      }
    })
})

/**
 * The surveys' repository as a service.
 *
 * @example
 * const stored = yield* SurveyRepo.use((repo) => repo.storeResponses(instrument, "pre", "paper", responses))
 */
export class SurveyRepo extends Context.Service<SurveyRepo, ReturnType<typeof make>>()("convene/SurveyRepo") {
  static readonly layer = repositoryLayer(SurveyRepo, make)
}
