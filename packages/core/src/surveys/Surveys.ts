/**
 * The survey workflows behind `convene survey …`: invitations with one unguessable link per
 * participant and wave, reminders to those who have not answered, responses from the web form,
 * from paper (CSV) and from KoboToolbox/ODK, and the tidy export. Answers are stored apart from
 * contact details: a response holds the participant's id, never an e-mail address.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { createHmac, randomBytes } from "node:crypto"
import { createWriteStream } from "node:fs"
import { readFile } from "node:fs/promises"
import { dirname } from "node:path"
import { answerText } from "../domain/Answers.js"
import { type Codebook, PARTICIPANT_FEATURE_COLUMNS } from "../domain/Codebook.js"
import { formatCsv, formatCsvField } from "../domain/Csv.js"
import { englishCountryName } from "../domain/Regions.js"
import type { Dialogue } from "../domain/Dialogue.js"
import { type FileError, InputError, type Problem, type StoreError } from "../domain/Errors.js"
import { type Instrument, questionsFor, respondentsOf, type WaveId } from "../domain/Instrument.js"
import { koboRows, paperRows } from "../domain/PaperAnswers.js"
import { linkBaseProblem, type WouldBeRefused } from "../domain/Values.js"
import type { ResponseSource } from "../domain/Simulation.js"
import { displayPath, fileOp, fileWork, makeDir, sha256, writeFileIn } from "../infra/Files.js"
import type { Workspace } from "../infra/Workspace.js"
import { type KitRenderer, rendererFor } from "../kits/index.js"
import { type MailPreview, type MailTransportOptions, type OutgoingMessage, previewMessages, sendMessages } from "../mail/index.js"
import { listRegistry } from "../registries/index.js"
import { type LoadedInstrument, readInstruments } from "./Instruments.js"
import { organiserAudience, organisersOf } from "./Organisers.js"
import { EXPORT_PAGE, type OrganiserResponseToStore, type ResponseToStore, type SurveyInvitation, type SurveyRecipient, SurveyRepo } from "./SurveyRepo.js"
import { counted } from "../domain/Plural.js"

export type { ResponseToStore } from "./SurveyRepo.js"

/**
 * The instrument to use: the one named, or else the workspace's only participants' instrument
 * (an organisers' questionnaire is always named). Fails with {@link InputError} when there is
 * none, several and no name, or an unknown name.
 */
export const loadInstrument = (ws: Workspace, id?: string): Effect.Effect<LoadedInstrument, InputError | FileError> =>
  Effect.gen(function*() {
    const all = yield* readInstruments(ws.dir)
    if (all.length === 0) return yield* new InputError({ summary: "There is no survey instrument: add one as surveys/<id>.yaml (docs/configuration.md shows the format).", problems: [] })
    if (id === undefined) {
      const forParticipants = all.filter((i) => respondentsOf(i.instrument) === "participants")
      if (forParticipants.length === 1) return forParticipants[0]!
      const organisers = all.filter((i) => respondentsOf(i.instrument) === "organisers").map((i) => i.instrument.id)
      return yield* new InputError({
        summary: forParticipants.length === 0
          ? `The workspace has no participants' questionnaire, only the organisers' (${organisers.join(", ")}): say which with --instrument.`
          : `There are ${forParticipants.length} participants' instruments (${forParticipants.map((i) => i.instrument.id).join(", ")}): say which with --instrument.`,
        problems: []
      })
    }
    const found = all.find((i) => i.instrument.id === id)
    if (found === undefined) return yield* new InputError({ summary: `No instrument "${id}": the workspace has ${all.map((i) => i.instrument.id).join(", ")}.`, problems: [] })
    return found
  })

/**
 * {@link loadInstrument}, refusing an organisers' questionnaire for what only participants'
 * instruments have (`why` says what to use instead).
 */
export const loadParticipantsInstrument = (ws: Workspace, id: string | undefined, why: string): Effect.Effect<LoadedInstrument, InputError | FileError> =>
  Effect.flatMap(loadInstrument(ws, id), (loaded) =>
    respondentsOf(loaded.instrument) === "organisers"
      ? Effect.fail(new InputError({ summary: `${loaded.instrument.id} is an organisers' questionnaire (respondents: organisers): ${why}`, problems: [] }))
      : Effect.succeed(loaded))

/** Checks that the dialogue has the wave and the instrument asks something in it. */
export const checkWave = (dialogue: Dialogue, instrument: Instrument, wave: string): Effect.Effect<WaveId, InputError> => {
  const known = dialogue.evaluation.waves.map((w) => w.id)
  if (!known.includes(wave as WaveId)) {
    return Effect.fail(new InputError({ summary: `No wave "${wave}" in convene.yaml: its evaluation waves are ${known.join(", ") || "none"}.`, problems: [] }))
  }
  if (questionsFor(instrument, wave as WaveId).length === 0) {
    return Effect.fail(new InputError({ summary: `The instrument ${instrument.id} asks no question in the ${wave} wave.`, problems: [] }))
  }
  return Effect.succeed(wave as WaveId)
}

const base64url = (bytes: Buffer): string => bytes.toString("base64url")

/** The key every invitation token is derived from, created on first use (256 random bits). */
export const surveyTokenKey = Effect.fn("Surveys.tokenKey")(function*() {
  const repo = yield* SurveyRepo
  const existing = yield* repo.readKey()
  if (existing !== undefined) return existing
  return yield* repo.createKey(base64url(randomBytes(32)))
})

/**
 * A participant's token for a wave: 192 bits of HMAC-SHA256 under the survey key, in base64url
 * (32 characters). Derived rather than stored, so that an invitation run stopped half-way
 * mails the same link when it runs again; only its SHA-256 is stored.
 */
export const surveyToken = (key: string, instrument: string, wave: string, participantId: string): string =>
  createHmac("sha256", Buffer.from(key, "base64url")).update(`${instrument}\u0000${wave}\u0000${participantId}`).digest().subarray(0, 24).toString("base64url")

/** What is stored of a token. */
export const tokenHash = (token: string): string => sha256(token)

/** What `survey invite` and `survey remind` need. */
export interface SurveyMailOptions {
  readonly wave: string
  readonly site?: string | undefined
  readonly instrument?: string | undefined
  /** The form server's public address, e.g. `https://survey.example.org` (links are `<url>/s/<token>`). */
  readonly baseUrl: string
  readonly transport: MailTransportOptions
  readonly rate?: number | undefined
  readonly onProgress?: ((done: number, total: number) => void) | undefined
  /** Today's date (`YYYY-MM-DD`), for reminder keys. */
  readonly today?: string | undefined
  /**
   * Invitations only: mail the link again to those invited who have not answered, under a key
   * of its own for this base URL — after invitations went out with a wrong `baseUrl`. Running it
   * again with the same address sends nothing twice.
   */
  readonly resendLinks?: boolean | undefined
  /**
   * Mail links to an address on this machine (localhost) over SMTP anyway: a rehearsal. Without
   * it, such links are refused over SMTP (nobody could open them); the outbox folder takes them.
   */
  readonly allowLocalhost?: boolean | undefined
  /**
   * Work out the run without doing it: no token key, invitation, reminder or message is
   * stored, nothing is sent, no connection is opened. The result says what would happen
   * (`dryRun: true`, a {@link MailPreview}), and a refusal of the base URL is reported as
   * `wouldBeRefused` instead of failing.
   */
  readonly dryRun?: boolean | undefined
}

/** About how long a wave's questionnaire takes: 20 seconds a question, rounded up to 5 minutes. */
const minutesFor = (n: number): number => Math.max(5, Math.ceil((n * 20) / 60 / 5) * 5)

const renderSurveyMail = (
  renderer: KitRenderer,
  kind: "invite" | "remind",
  row: SurveyRecipient & { readonly code?: string },
  values: { dialogue: string; wave: string; link: string; closes: string; minutes: number; code: string | null }
) => {
  const { messages, used } = renderer.messagesFor(row.site_id, row.locale)
  const closes = new Intl.DateTimeFormat(messages.intl, { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${values.closes}T12:00:00Z`))
  // an organiser (fellow or facilitator) is written to as one, with their code for a paper copy
  const context = { ...values, kind, closes, site: row.site_name, organiser: row.code !== undefined }
  const subject = messages.format(`mail_survey.${kind}.subject`, { dialogue: values.dialogue, wave: values.wave })
  return {
    subject,
    html: renderer.renderPage("mail", "survey.html", row.site_id, row.locale, { ...context, subject }),
    text: renderer.renderPage("mail", "survey.text", row.site_id, row.locale, { ...context, subject }),
    locale: used
  }
}

/** Who a wave's invitations or reminders go to, and how their invitations are stored. */
export interface SurveyAudience {
  /** Those with an address (with `onlyUnanswered`, those invited who have not answered), by id. */
  readonly rows: ReadonlyArray<SurveyRecipient & { readonly code?: string }>
  /** How many have no address. */
  readonly withoutEmail: number
  readonly countInvited: (ids: ReadonlyArray<string>) => Effect.Effect<number, StoreError>
  /** Stores the invitations; returns how many existed. */
  readonly storeInvitations: (invitations: ReadonlyArray<{ readonly recipient: SurveyRecipient; readonly token_hash: string }>) => Effect.Effect<number, StoreError>
  readonly recordReminders: (ids: ReadonlyArray<string>, at: string) => Effect.Effect<void, StoreError>
}

const participantAudience = Effect.fn("Surveys.participantAudience")(function*(instrument: string, wave: string, site: string | undefined, onlyUnanswered: boolean) {
  const repo = yield* SurveyRepo
  return {
    rows: yield* repo.recipients(instrument, wave, site, onlyUnanswered),
    withoutEmail: yield* repo.countWithoutEmail(site),
    countInvited: (ids) => repo.countInvited(instrument, wave, ids),
    storeInvitations: (invitations) =>
      repo.storeInvitations(instrument, wave, invitations.map(({ recipient: r, token_hash }) => ({ participant_id: r.participant_id, token_hash, site_id: r.site_id, locale: r.locale, timezone: r.timezone }))),
    recordReminders: (ids, at) => repo.recordReminders(instrument, wave, ids, at)
  } satisfies SurveyAudience
})

/**
 * Invites every participant with an e-mail address (of one site, or all) to a wave — or, for an
 * organisers' questionnaire (`respondents: organisers`), every fellow and listed facilitator with
 * an address: one token each, stored as a hash, and a message in their locale through the mail
 * service. Idempotent:
 * the token is derived and the message keyed by instrument, wave and participant, so running
 * it again invites nobody twice. Over SMTP, refuses (Refused, exit status 4) links to an address
 * on this machine unless `allowLocalhost`: nobody could open them.
 *
 * @example
 * const result = yield* inviteToSurvey(ws, { wave: "pre", baseUrl: "https://survey.example.org", transport })
 * // { invited: 240, alreadyInvited: 0, withoutEmail: 12, sent: 240, ... }
 */
export const inviteToSurvey = Effect.fn("Surveys.invite")(function*(ws: Workspace, options: SurveyMailOptions) {
  return yield* mailWave(ws, options, "invite")
})

/**
 * Reminds those invited to a wave who have not answered it yet. One reminder per participant
 * and day: running it twice the same day sends nothing twice.
 */
export const remindSurvey = Effect.fn("Surveys.remind")(function*(ws: Workspace, options: SurveyMailOptions) {
  return yield* mailWave(ws, options, "remind")
})

const mailWave = Effect.fn("Surveys.mail")(function*(ws: Workspace, options: SurveyMailOptions, kind: "invite" | "remind") {
  // links to this machine reach nobody once they leave it: refused over SMTP, kept in the outbox
  const problem = linkBaseProblem(options.baseUrl, { allowLocalhost: options.allowLocalhost === true || !("smtpUrl" in options.transport), recipients: "participants" })
  const dryRun = options.dryRun === true
  // a dry run reports the refusal (and what the run would otherwise do); a bad address is still an input error
  if (problem !== undefined && !(dryRun && problem._tag === "Refused")) return yield* problem
  const wouldBeRefused: WouldBeRefused | undefined = problem?._tag === "Refused" ? { message: problem.what, confirm: problem.confirm } : undefined
  const loaded = yield* loadInstrument(ws, options.instrument)
  const instrument = loaded.instrument
  const wave = yield* checkWave(ws.dialogue, instrument, options.wave)
  // the catalogs are checked before anything is stored
  const renderer = yield* rendererFor(ws)
  const repo = yield* SurveyRepo
  if (options.site !== undefined) {
    const site = yield* listRegistry("sites", { id: options.site })
    if (site.length === 0) return yield* new InputError({ summary: `No site "${options.site}": \`convene sites list\` shows the registered sites.`, problems: [] })
  }
  // a dry run creates no key: its links are never shown, only the address they start with
  const key = dryRun ? ((yield* repo.readKey()) ?? "dry-run") : yield* surveyTokenKey()
  const resend = kind === "invite" && options.resendLinks === true
  // who is written to: participants, or (an organisers' questionnaire) the fellows and facilitators
  const audience: SurveyAudience = respondentsOf(instrument) === "organisers"
    ? yield* organiserAudience(ws, instrument.id, wave, options.site, kind === "remind" || resend)
    : yield* participantAudience(instrument.id, wave, options.site, kind === "remind" || resend)
  const rows = audience.rows
  const withoutEmail = kind === "invite" ? audience.withoutEmail : 0
  const tokens = rows.map((r) => surveyToken(key, instrument.id, wave, r.participant_id))
  const alreadyInvited = kind === "invite" && !resend && dryRun
    ? yield* audience.countInvited(rows.map((r) => r.participant_id))
    : kind === "invite" && !resend
    ? yield* audience.storeInvitations(rows.map((r, i) => ({ recipient: r, token_hash: tokenHash(tokens[i]!) })))
    : 0
  const closes = ws.dialogue.evaluation.waves.find((w) => w.id === wave)!.closes
  const minutes = minutesFor(questionsFor(instrument, wave).length)
  const today = options.today ?? new Date(yield* Clock.currentTimeMillis).toISOString().slice(0, 10)
  const base = options.baseUrl.replace(/\/+$/, "")
  // a corrected link is a new message: keyed by the address it points at
  const linkKey = sha256(base).slice(0, 12)
  const keyOf = (participant: string): string =>
    kind === "remind"
      ? `survey-remind:${instrument.id}:${wave}:${participant}:${today}`
      : resend
        ? `survey-invite:${instrument.id}:${wave}:${participant}:link-${linkKey}`
        : `survey-invite:${instrument.id}:${wave}:${participant}`
  const messages: Array<OutgoingMessage> = rows.map((r, i) => {
    const mail = renderSurveyMail(renderer, kind, r, { dialogue: ws.dialogue.title, wave, link: `${base}/s/${tokens[i]}`, closes, minutes, code: r.code ?? null })
    return {
      key: keyOf(r.participant_id),
      purpose: `survey-${kind}`,
      to: r.email!,
      locale: mail.locale,
      subject: mail.subject,
      text: mail.text,
      html: mail.html
    }
  })
  if (dryRun) {
    const preview = yield* previewMessages(messages, options.transport)
    return {
      instrument: instrument.id,
      wave,
      participants: rows.length,
      alreadyInvited,
      withoutEmail,
      resentLinks: resend,
      linkBase: `${base}/s/`,
      ...(wouldBeRefused === undefined ? {} : { wouldBeRefused: wouldBeRefused }),
      ...preview
    }
  }
  const delivered = yield* sendMessages(messages, options.transport, {
    ...(options.rate === undefined ? {} : { rate: options.rate }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress })
  })
  if (kind === "remind" && rows.length > 0) {
    const at = new Date(yield* Clock.currentTimeMillis).toISOString()
    yield* audience.recordReminders(rows.map((r) => r.participant_id), at)
  }
  return {
    instrument: instrument.id,
    wave,
    participants: rows.length,
    alreadyInvited,
    withoutEmail,
    resentLinks: resend,
    ...delivered
  }
})

/**
 * Stores responses through the surveys' one write path (see `SurveyRepo.storeResponses`): in
 * batches, all or nothing; a participant who already answered the wave is skipped. Returns the
 * participants stored. `simulated` marks answers written by `survey simulate`.
 *
 * @example
 * const stored = yield* storeResponses(instrument, "pre", "paper", [{ participant_id: "p-sn-1", answers: { trust: 7 } }])
 */
export const storeResponses = Effect.fn("Surveys.storeResponses")(function*(
  instrument: Instrument,
  wave: string,
  source: ResponseSource,
  responses: ReadonlyArray<ResponseToStore>,
  /** `dryRun`: stored in a transaction that is rolled back; returns who would be stored. */
  options: { readonly simulated?: boolean; readonly dryRun?: boolean } = {}
) {
  return yield* SurveyRepo.use((repo) => repo.storeResponses(instrument, wave, source, responses, options))
})

/**
 * Stores organisers' responses through their one write path (see
 * `SurveyRepo.storeOrganiserResponses`): all or nothing; an organiser who already answered the
 * wave is skipped. Returns the respondents stored.
 *
 * @example
 * yield* storeOrganiserResponses(instrument, "post", "web", [{ respondent_id: "f-sn-diallo", kind: "fellow", site_id: "sn-dakar", country: "SN", answers: { preparation: 4 } }])
 */
export const storeOrganiserResponses = Effect.fn("Surveys.storeOrganiserResponses")(function*(
  instrument: Instrument,
  wave: string,
  source: ResponseSource,
  responses: ReadonlyArray<OrganiserResponseToStore>,
  options: { readonly dryRun?: boolean } = {}
) {
  return yield* SurveyRepo.use((repo) => repo.storeOrganiserResponses(instrument, wave, source, responses, options))
})

/**
 * The invitation of a form link, found by its token's hash ({@link tokenHash}), with its
 * response's time if answered: one indexed lookup, made by every form request.
 */
export const invitationByTokenHash = (hash: string): Effect.Effect<SurveyInvitation | undefined, StoreError, SurveyRepo> =>
  SurveyRepo.use((repo) => repo.invitationByTokenHash(hash))

/** Who already answered an instrument in some waves, as sets of participant ids by wave. */
export const answeredIn = Effect.fn("Surveys.answeredIn")(function*(instrument: string, waves: ReadonlyArray<string>) {
  const rows = yield* SurveyRepo.use((repo) => repo.answeredIn(instrument, waves))
  const answered = new Map<string, Set<string>>(waves.map((w) => [w, new Set()]))
  for (const r of rows) answered.get(r.wave)?.add(r.participant_id)
  return answered
})

/** Options of a paper or KoboToolbox import. */
export interface SurveyImportOptions {
  readonly wave: string
  readonly instrument?: string | undefined
  readonly format?: "paper" | "kobo" | undefined
  /** Import the rest when some participants already answered the wave (they are reported). */
  readonly skipExisting?: boolean | undefined
  /** KoboToolbox: import submissions a reviewer marked "Not approved" too (left out by default). */
  readonly includeUnapproved?: boolean | undefined
  /** Run the whole import, every check included, then roll it back: store nothing. */
  readonly dryRun?: boolean | undefined
}

/** The outcome of an import. */
export interface SurveyImportSummary {
  readonly file: string
  readonly instrument: string
  readonly wave: string
  readonly rows: number
  readonly imported: number
  readonly skippedExisting: number
  /** KoboToolbox submissions marked "Not approved" (`_validation_status`), left out. */
  readonly skippedUnapproved: number
  readonly answers: number
  readonly blank: number
  /** Set by a dry run: the import ran in full, then was rolled back; nothing was stored. */
  readonly dryRun?: true
  /** With a dry run: the participant codes of the first responses that would be stored (at most 5). */
  readonly sample?: ReadonlyArray<string>
}

const MAX_PROBLEMS_SHOWN = 200

/**
 * Imports answers typed from paper questionnaires (CSV: a `code` column with the participant
 * code, then one column per question id) or a KoboToolbox/ODK CSV export. All or nothing:
 * every bad cell is reported as `FILE:LINE:COLUMN`, and an answer the participant already gave
 * for the wave is reported too (or skipped with `skipExisting`).
 *
 * @example
 * const summary = yield* importSurveyAnswers(ws, "paper-pre.csv", { wave: "pre" })
 * // { rows: 60, imported: 60, answers: 1800, blank: 12, ... }
 */
export const importSurveyAnswers = Effect.fn("Surveys.import")(function*(ws: Workspace, file: string, options: SurveyImportOptions) {
  const loaded = yield* loadInstrument(ws, options.instrument)
  const instrument = loaded.instrument
  const wave = yield* checkWave(ws.dialogue, instrument, options.wave)
  const shown = displayPath(file)
  const text = yield* Effect.tryPromise({
    try: () => readFile(file, "utf8"),
    catch: () => new InputError({ summary: `Cannot read ${shown}.`, problems: [{ file: shown, message: "no such file, or not readable" }] })
  })
  const parsed = options.format === "kobo"
    ? koboRows(text, shown, instrument, wave, { includeUnapproved: options.includeUnapproved === true })
    : paperRows(text, shown, instrument, wave)
  const problems: Array<Problem> = [...parsed.problems]
  const repo = yield* SurveyRepo
  const organisers = respondentsOf(instrument) === "organisers"
  // codes → ids: participants' in batches from the registry; organisers' from their list
  const respondents = organisers ? new Map((yield* organisersOf(ws)).map((r) => [r.code, r])) : undefined
  const ids = respondents !== undefined
    ? new Map([...respondents].map(([code, r]) => [code, r.id]))
    : yield* repo.participantIdsByCode([...new Set(parsed.rows.map((r) => r.code))])
  const who = organisers ? "organiser (fellow or facilitator listed in a site file)" : "participant"
  for (const r of parsed.rows) if (!ids.has(r.code)) problems.push({ file: shown, line: r.line, column: r.codeColumn, field: "code", message: `no ${who} has the code "${r.code}"` })
  const known = parsed.rows.filter((r) => ids.has(r.code))
  const knownIds = known.map((r) => ids.get(r.code)!)
  const existing = organisers ? yield* repo.organiserEarlierResponses(instrument.id, wave, knownIds) : yield* repo.earlierResponses(instrument.id, wave, knownIds)
  let skippedExisting = 0
  const toStore: Array<ResponseToStore> = []
  for (const r of known) {
    const id = ids.get(r.code)!
    const before = existing.get(id)
    if (before !== undefined) {
      if (options.skipExisting === true) {
        skippedExisting++
        continue
      }
      problems.push({ file: shown, line: r.line, column: r.codeColumn, field: "code", message: `${r.code} already answered the ${wave} wave (${before.source}, ${before.at.toISOString().slice(0, 10)}): remove the row, or pass --skip-existing` })
      continue
    }
    toStore.push({ participant_id: id, answers: r.answers })
  }
  if (problems.length > 0) {
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0))
    return yield* new InputError({
      summary: `${shown}: nothing was imported, ${counted(problems.length, "problem")}${problems.length > MAX_PROBLEMS_SHOWN ? ` (the first ${MAX_PROBLEMS_SHOWN} shown)` : ""}.`,
      problems: problems.slice(0, MAX_PROBLEMS_SHOWN)
    })
  }
  const source = options.format === "kobo" ? "kobo" : "paper"
  if (respondents !== undefined) {
    const byId = new Map([...respondents.values()].map((r) => [r.id, r]))
    const rows = toStore.map((t) => {
      const r = byId.get(t.participant_id)!
      return { respondent_id: r.id, kind: r.kind, site_id: r.site_id, country: r.country, answers: t.answers }
    })
    yield* repo.storeOrganiserResponses(instrument, wave, source, rows, { dryRun: options.dryRun === true })
  } else {
    yield* repo.storeResponses(instrument, wave, source, toStore, { dryRun: options.dryRun === true })
  }
  const answers = toStore.reduce((n, r) => n + Object.keys(r.answers).length, 0)
  const codes = new Map([...ids].map(([code, id]) => [id, code]))
  const rehearsal = options.dryRun === true ? { dryRun: true as const, sample: toStore.slice(0, 5).map((r) => codes.get(r.participant_id)!) } : {}
  return {
    ...rehearsal,
    file: shown,
    instrument: instrument.id,
    wave,
    rows: parsed.rows.length,
    imported: toStore.length,
    skippedExisting,
    skippedUnapproved: parsed.unapproved,
    answers,
    blank: toStore.length * parsed.questions - answers
  } satisfies SurveyImportSummary
})

/** The columns of the answers export, in order, with what each holds (the data dictionary's first part). */
export const ANSWER_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ["participant_code", "the participant's pseudonymous code (links their waves; no contact data is exported)"],
  ["site", "the site's id"],
  ["country", "ISO 3166-1 alpha-2 code (Namibia is NA: read it as text, see docs/surveys.md)"],
  ["country_name", "the country's English short name"],
  ["site_format", "in-person, online, hybrid, or mirror (mirror dialogues are not panel sites)"],
  ["gender", "the participant's gender (codes below); empty when not recorded"],
  ["age_band", "the participant's age band (codes below); empty when not recorded"],
  ["education", "the participant's education (codes below); empty when not recorded"],
  ["residence", "the participant's residence (codes below); empty when not recorded"],
  ["role", "panel (deliberated), control (answered the waves without deliberating: the comparison group) or mirror"],
  ["attended", "yes or no where the site's attendance is recorded; empty otherwise"],
  ["wave", "pre, post or followup"],
  ["instrument", "the questionnaire's id"],
  ["instrument_version", "the questionnaire's version"],
  ["source", "web, paper or kobo"],
  ["simulated", "yes for answers written by `convene survey simulate` (not real)"],
  ["question", "the question's id (codes below)"],
  ["value", "the answer: an option's code, a number, free text; a multiple choice's codes space-separated"]
]

/**
 * Writes every answer in tidy long form — participant code, site, country (ISO 3166-1 alpha-2),
 * country_name (English short name, so that Namibia's `NA` read as a missing value still shows),
 * the site's format, the participant's four codebook features, their role (panel, control,
 * mirror), whether they attended, wave,
 * instrument, instrument version, source, simulated, question, value (multiple choices
 * space-separated) — with no contact data, streamed to `file`. Beside it, `<name>.dictionary.csv`
 * (`variable,code,label`): every column, every feature value and every question and option
 * with their labels in the instrument's first locale. Returns the number of rows.
 */
export const exportSurveyCsv = Effect.fn("Surveys.exportCsv")(function*(ws: Workspace, file: string, options: { readonly instrument?: string | undefined; readonly wave?: string | undefined } = {}) {
  const loaded = yield* loadParticipantsInstrument(ws, options.instrument, "its answers are listed by `convene survey report --instrument <id>` (CSV, JSON or HTML), without names.")
  const instrument = loaded.instrument
  const order = new Map(instrument.questions.map((q, i) => [q.id, i]))
  const repo = yield* SurveyRepo
  yield* makeDir(dirname(file))
  const out = yield* fileWork("write", file, () => createWriteStream(file))
  let failure: Error | undefined
  out.on("error", (e) => (failure = e))
  const write = (s: string) =>
    fileOp("write", file, () =>
      new Promise<void>((resolve, reject) => {
        if (failure !== undefined) return reject(failure)
        if (out.write(s)) resolve()
        else out.once("drain", resolve)
      })
    )
  yield* write(`${ANSWER_COLUMNS.map(([c]) => c).join(",")}\n`)
  let after = ""
  let rows = 0
  for (;;) {
    const batch = yield* repo.exportPage(instrument.id, options.wave, after)
    if (batch.length === 0) break
    // a participant's waves stay together: stop the batch at the last whole participant
    const last = batch.at(-1)!.participant_id
    const complete = batch.length < EXPORT_PAGE ? batch : batch.filter((r) => r.participant_id !== last)
    const take = complete.length === 0 ? batch : complete
    let chunk = ""
    for (const r of take) {
      const ids = Object.keys(r.answers).sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9))
      const person = [r.format, r.gender ?? "", r.age_band ?? "", r.education ?? "", r.residence ?? "", r.role ?? "panel", r.present === null ? "" : r.present ? "yes" : "no"].map(formatCsvField).join(",")
      const prefix = `${formatCsvField(r.code)},${formatCsvField(r.site_id)},${r.country},${formatCsvField(englishCountryName(r.country))},${person},${r.wave},${instrument.id},${r.instrument_version},${r.source},${r.simulated ? "yes" : "no"},`
      for (const id of ids) {
        chunk += `${prefix}${formatCsvField(id)},${formatCsvField(answerText(r.answers[id]!))}\n`
        rows++
      }
    }
    yield* write(chunk)
    after = take.at(-1)!.participant_id
    if (batch.length < EXPORT_PAGE) break
  }
  yield* fileOp("write", file, () => new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve()))))
  const dictionary = file.replace(/\.csv$/i, "") + ".dictionary.csv"
  yield* writeFileIn(dictionary, answersDictionary(instrument, ws.dialogue.features))
  return { file, rows, instrument: instrument.id, dictionary }
})

/**
 * The data dictionary of the answers export (`variable,code,label`): each column with what it
 * holds, each codebook value of the four features, each question and each of its options, with
 * labels in the instrument's first locale (the codebook's label in that locale, else English, else the code).
 */
export const answersDictionary = (instrument: Instrument, codebook: Codebook | undefined): string => {
  const locale = instrument.locales[0]!
  const label = (labels: Readonly<Record<string, string>> | undefined, fallback: string) => labels?.[locale] ?? labels?.["en"] ?? Object.values(labels ?? {})[0] ?? fallback
  const rows: Array<Array<string>> = ANSWER_COLUMNS.map(([c, doc]) => [c, "", doc])
  for (const f of codebook ?? []) {
    if (!(PARTICIPANT_FEATURE_COLUMNS as ReadonlyArray<string>).includes(f.id)) continue
    for (const v of f.values) rows.push([f.id, v.id, label(v.label, v.id)])
  }
  for (const q of instrument.questions) {
    rows.push(["question", q.id, `${label(q.label, q.id)} (${q.type})`])
    if ("options" in q) for (const o of q.options) rows.push([q.id, o.id, label(o.label, o.id)])
  }
  return formatCsv(["variable", "code", "label"], rows)
}
