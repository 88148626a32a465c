/**
 * The survey workflows behind `convene survey …`: invitations with one unguessable link per
 * participant and wave, reminders to those who have not answered, responses from the web form,
 * from paper (CSV) and from KoboToolbox/ODK, and the tidy export. Answers are stored apart from
 * contact details: a response holds the participant's id, never an e-mail address.
 */
import * as Effect from "effect/Effect"
import { createHash, createHmac, randomBytes } from "node:crypto"
import { createWriteStream } from "node:fs"
import { mkdir, readFile } from "node:fs/promises"
import { dirname } from "node:path"
import { sql } from "kysely"
import { query } from "../infra/Database.js"
import { type Answers, answerText, decodeAnswer } from "../domain/Answers.js"
import { formatCsvField, parseCsv } from "../domain/Csv.js"
import type { Dialogue } from "../domain/Dialogue.js"
import { InputError, type Problem } from "../domain/Errors.js"
import { type Instrument, questionsFor, type WaveId } from "../domain/Instrument.js"
import { KitRenderer } from "../kits/Kit.js"
import { type LoadedInstrument, readInstruments } from "./Instruments.js"
import { displayPath, readKitSources } from "../kits/KitSources.js"
import { type MailTransportOptions, type OutgoingMessage, sendMessages } from "../mail/Mail.js"
import type { Workspace } from "../infra/Workspace.js"

/**
 * The instrument to use: the one named, or the workspace's only one. Fails with
 * {@link InputError} when there is none, several and no name, or an unknown name.
 */
export const loadInstrument = (ws: Workspace, id?: string): Effect.Effect<LoadedInstrument, InputError> =>
  Effect.gen(function*() {
    const all = yield* readInstruments(ws.dir)
    if (all.length === 0) return yield* new InputError({ summary: "There is no survey instrument: add one as surveys/<id>.yaml (docs/configuration.md shows the format).", problems: [] })
    if (id === undefined) {
      if (all.length === 1) return all[0]!
      return yield* new InputError({ summary: `There are ${all.length} instruments (${all.map((i) => i.instrument.id).join(", ")}): say which with --instrument.`, problems: [] })
    }
    const found = all.find((i) => i.instrument.id === id)
    if (found === undefined) return yield* new InputError({ summary: `No instrument "${id}": the workspace has ${all.map((i) => i.instrument.id).join(", ")}.`, problems: [] })
    return found
  })

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
  const existing = yield* query("reading the survey key", (db) => db.selectFrom("survey_keys").select("token_key").where("id", "=", 1).executeTakeFirst())
  if (existing !== undefined) return existing.token_key
  yield* query("creating the survey key", (db) =>
    db.insertInto("survey_keys").values({ id: 1, token_key: base64url(randomBytes(32)) }).onConflict((oc) => oc.column("id").doNothing()).execute()
  )
  const row = yield* query("reading the survey key", (db) => db.selectFrom("survey_keys").select("token_key").where("id", "=", 1).executeTakeFirstOrThrow())
  return row.token_key
})

/**
 * A participant's token for a wave: 192 bits of HMAC-SHA256 under the survey key, in base64url
 * (32 characters). Derived rather than stored, so that an invitation run stopped half-way
 * mails the same link when it runs again; only its SHA-256 is stored.
 */
export const surveyToken = (key: string, instrument: string, wave: string, participantId: string): string =>
  createHmac("sha256", Buffer.from(key, "base64url")).update(`${instrument}\u0000${wave}\u0000${participantId}`).digest().subarray(0, 24).toString("base64url")

/** What is stored of a token. */
export const tokenHash = (token: string): string => createHash("sha256").update(token).digest("hex")

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
}

/** About how long a wave's questionnaire takes: 20 seconds a question, rounded up to 5 minutes. */
const minutesFor = (n: number): number => Math.max(5, Math.ceil((n * 20) / 60 / 5) * 5)

const renderSurveyMail = (
  renderer: KitRenderer,
  kind: "invite" | "remind",
  row: { participant_id: string; site_id: string; site_name: string; locale: string },
  values: { dialogue: string; wave: string; link: string; closes: string; minutes: number }
) => {
  const { messages, used } = renderer.messagesFor(row.site_id, row.locale)
  const closes = new Intl.DateTimeFormat(messages.intl, { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${values.closes}T12:00:00Z`))
  const context = { ...values, kind, closes, site: row.site_name }
  const subject = messages.format(`mail_survey.${kind}.subject`, { dialogue: values.dialogue, wave: values.wave })
  return {
    subject,
    html: renderer.renderPage("mail", "survey.html", row.site_id, row.locale, { ...context, subject }),
    text: renderer.renderPage("mail", "survey.text", row.site_id, row.locale, { ...context, subject }),
    locale: used
  }
}

/** Participants to mail for a wave: with an address, of one site or all, with their locale. */
const recipients = (instrument: string, wave: string, site: string | undefined, onlyUnanswered: boolean) =>
  query("reading participants", (db) => {
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
  })

/**
 * Invites every participant with an e-mail address (of one site, or all) to a wave: one token
 * each, stored as a hash, and a message in their locale through the mail service. Idempotent:
 * the token is derived and the message keyed by instrument, wave and participant, so running
 * it again invites nobody twice.
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
  const loaded = yield* loadInstrument(ws, options.instrument)
  const instrument = loaded.instrument
  const wave = yield* checkWave(ws.dialogue, instrument, options.wave)
  if (options.site !== undefined) {
    const site = yield* query("reading the site", (db) => db.selectFrom("sites").select("id").where("id", "=", options.site!).executeTakeFirst())
    if (site === undefined) return yield* new InputError({ summary: `No site "${options.site}": \`convene sites list\` shows the registered sites.`, problems: [] })
  }
  const key = yield* surveyTokenKey()
  const rows = yield* recipients(instrument.id, wave, options.site, kind === "remind")
  const withoutEmail = kind === "invite"
    ? Number((yield* query("counting participants without e-mail", (db) => {
        let q = db.selectFrom("participants").select((eb) => eb.fn.countAll<string>().as("n")).where("email", "is", null)
        if (options.site !== undefined) q = q.where("site_id", "=", options.site)
        return q.executeTakeFirstOrThrow()
      })).n)
    : 0
  const tokens = rows.map((r) => surveyToken(key, instrument.id, wave, r.participant_id))
  let alreadyInvited = 0
  if (kind === "invite") {
    for (let i = 0; i < rows.length; i += 1000) {
      const values = rows.slice(i, i + 1000).map((r, j) => ({
        participant_id: r.participant_id,
        instrument: instrument.id,
        wave,
        token_hash: tokenHash(tokens[i + j]!),
        site_id: r.site_id,
        locale: r.locale,
        timezone: r.timezone
      }))
      const inserted = yield* query("storing invitations", (db) =>
        db.insertInto("survey_invitations").values(values).onConflict((oc) => oc.columns(["participant_id", "instrument", "wave"]).doNothing()).returning("participant_id").execute()
      )
      alreadyInvited += values.length - inserted.length
    }
  }
  const dialogueText = yield* Effect.promise(() => readFile(ws.file, "utf8"))
  const renderer = new KitRenderer(readKitSources(ws.dir), ws.dialogue, dialogueText)
  const closes = ws.dialogue.evaluation.waves.find((w) => w.id === wave)!.closes
  const minutes = minutesFor(questionsFor(instrument, wave).length)
  const today = options.today ?? new Date().toISOString().slice(0, 10)
  const base = options.baseUrl.replace(/\/+$/, "")
  const messages: Array<OutgoingMessage> = rows.map((r, i) => {
    const mail = renderSurveyMail(renderer, kind, r, { dialogue: ws.dialogue.title, wave, link: `${base}/s/${tokens[i]}`, closes, minutes })
    return {
      key: kind === "invite" ? `survey-invite:${instrument.id}:${wave}:${r.participant_id}` : `survey-remind:${instrument.id}:${wave}:${r.participant_id}:${today}`,
      purpose: `survey-${kind}`,
      to: r.email!,
      locale: mail.locale,
      subject: mail.subject,
      text: mail.text,
      html: mail.html
    }
  })
  const delivered = yield* sendMessages(messages, options.transport, {
    ...(options.rate === undefined ? {} : { rate: options.rate }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress })
  })
  if (kind === "remind" && rows.length > 0) {
    // in batches: one statement with 100,000 ids would pass PostgreSQL's 65,535 parameters
    const at = new Date().toISOString()
    for (let i = 0; i < rows.length; i += 5000) {
      const ids = rows.slice(i, i + 5000).map((r) => r.participant_id)
      yield* query("recording reminders", (db) =>
        db.updateTable("survey_invitations").set({ reminded_at: at }).where("instrument", "=", instrument.id).where("wave", "=", wave).where("participant_id", "in", ids).execute()
      )
    }
  }
  return {
    instrument: instrument.id,
    wave,
    participants: rows.length,
    alreadyInvited,
    withoutEmail,
    ...delivered
  }
})

/** One response to store. */
export interface ResponseToStore {
  readonly participant_id: string
  readonly answers: Answers
}

/**
 * Stores responses in batches inside one transaction; returns the participants stored (a
 * duplicate is skipped). `simulated` marks answers written by `survey simulate`.
 */
export const storeResponses = (instrument: Instrument, wave: string, source: "web" | "paper" | "kobo", responses: ReadonlyArray<ResponseToStore>, options: { readonly simulated?: boolean } = {}) =>
  query("storing responses", (db) =>
    db.transaction().execute(async (trx) => {
      const stored: Array<string> = []
      for (let i = 0; i < responses.length; i += 1000) {
        const rows = responses.slice(i, i + 1000).map((r) => ({
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
      if (responses.length >= 5000) await sql`analyze survey_responses`.execute(trx)
      return stored
    })
  )

/** Options of a paper or KoboToolbox import. */
export interface SurveyImportOptions {
  readonly wave: string
  readonly instrument?: string | undefined
  readonly format?: "paper" | "kobo" | undefined
  /** Import the rest when some participants already answered the wave (they are reported). */
  readonly skipExisting?: boolean | undefined
}

/** The outcome of an import. */
export interface SurveyImportSummary {
  readonly file: string
  readonly instrument: string
  readonly wave: string
  readonly rows: number
  readonly imported: number
  readonly skippedExisting: number
  readonly answers: number
  readonly blank: number
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
  const parsed = options.format === "kobo" ? yield* koboRows(text, shown, instrument, wave) : paperRows(text, shown, instrument, wave)
  const problems: Array<Problem> = [...parsed.problems]
  // participant codes → ids, in batches
  const codes = [...new Set(parsed.rows.map((r) => r.code))]
  const ids = new Map<string, string>()
  for (let i = 0; i < codes.length; i += 5000) {
    const found = yield* query("looking up participant codes", (db) => db.selectFrom("participants").select(["id", "code"]).where("code", "in", codes.slice(i, i + 5000)).execute())
    for (const f of found) ids.set(f.code, f.id)
  }
  for (const r of parsed.rows) if (!ids.has(r.code)) problems.push({ file: shown, line: r.line, column: r.codeColumn, field: "code", message: `no participant has the code "${r.code}"` })
  const known = parsed.rows.filter((r) => ids.has(r.code))
  const existing = new Map<string, { source: string; at: Date }>()
  const knownIds = known.map((r) => ids.get(r.code)!)
  for (let i = 0; i < knownIds.length; i += 5000) {
    const found = yield* query("looking for earlier answers", (db) =>
      db.selectFrom("survey_responses").select(["participant_id", "source", "submitted_at"]).where("instrument", "=", instrument.id).where("wave", "=", wave).where("participant_id", "in", knownIds.slice(i, i + 5000)).execute()
    )
    for (const f of found) existing.set(f.participant_id, { source: f.source, at: new Date(f.submitted_at) })
  }
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
      summary: `${shown}: nothing was imported, ${problems.length} problem(s)${problems.length > MAX_PROBLEMS_SHOWN ? ` (the first ${MAX_PROBLEMS_SHOWN} shown)` : ""}.`,
      problems: problems.slice(0, MAX_PROBLEMS_SHOWN)
    })
  }
  yield* storeResponses(instrument, wave, options.format === "kobo" ? "kobo" : "paper", toStore)
  const answers = toStore.reduce((n, r) => n + Object.keys(r.answers).length, 0)
  return {
    file: shown,
    instrument: instrument.id,
    wave,
    rows: parsed.rows.length,
    imported: toStore.length,
    skippedExisting,
    answers,
    blank: toStore.length * parsed.questions - answers
  } satisfies SurveyImportSummary
})

interface ParsedRows {
  readonly rows: ReadonlyArray<{ readonly line: number; readonly code: string; readonly codeColumn: number; readonly answers: Answers }>
  readonly problems: ReadonlyArray<Problem>
  /** How many question columns the file has. */
  readonly questions: number
}

const CODE_COLUMNS = ["code", "participant_code"]

/** Paper data entry: `code`, then one column per question id of the wave. */
const paperRows = (text: string, file: string, instrument: Instrument, wave: WaveId): ParsedRows => {
  const csv = parseCsv(text)
  const problems: Array<Problem> = csv.problems.map((p) => ({ file, line: p.line, column: p.column, message: p.message }))
  if (problems.length > 0) return { rows: [], problems, questions: 0 }
  const [header, ...records] = csv.records
  if (header === undefined) return { rows: [], problems: [{ file, message: "the file is empty: expected a header line (code, then question ids)" }], questions: 0 }
  const byId = new Map(instrument.questions.map((q) => [q.id, q]))
  const asked = new Set(questionsFor(instrument, wave).map((q) => q.id))
  const codeColumn = header.fields.findIndex((f) => CODE_COLUMNS.includes(f.trim()))
  if (codeColumn < 0) problems.push({ file, line: header.line, message: `expected a "code" column with each participant's code; the header is ${header.fields.join(",")}` })
  const seen = new Set<string>()
  const columns: Array<{ index: number; question: ReturnType<typeof byId.get> }> = []
  header.fields.forEach((raw, index) => {
    const name = raw.trim()
    if (index === codeColumn) return
    if (seen.has(name)) problems.push({ file, line: header.line, column: index + 1, message: `the column "${name}" is repeated` })
    seen.add(name)
    const q = byId.get(name)
    if (q === undefined) problems.push({ file, line: header.line, column: index + 1, message: `unknown column "${name}": expected code or a question id of ${instrument.id}` })
    else if (!asked.has(name)) problems.push({ file, line: header.line, column: index + 1, message: `the question "${name}" is not asked in the ${wave} wave (it is in ${q.waves.join(", ")})` })
    else columns.push({ index, question: q })
  })
  if (problems.length > 0) return { rows: [], problems, questions: columns.length }
  const rows: Array<ParsedRows["rows"][number]> = []
  const codes = new Map<string, number>()
  for (const record of records) {
    if (record.fields.length !== header.fields.length) {
      problems.push({ file, line: record.line, message: `expected ${header.fields.length} fields, got ${record.fields.length}` })
      continue
    }
    const code = record.fields[codeColumn]!.trim().toUpperCase()
    if (code === "") {
      problems.push({ file, line: record.line, column: codeColumn + 1, field: "code", message: "expected a participant code" })
      continue
    }
    const first = codes.get(code)
    if (first !== undefined) problems.push({ file, line: record.line, column: codeColumn + 1, field: "code", message: `the code ${code} is already on line ${first}` })
    codes.set(code, first ?? record.line)
    const answers: Record<string, Answers[string]> = {}
    for (const c of columns) {
      const check = decodeAnswer(c.question!, record.fields[c.index])
      if (!check.ok) problems.push({ file, line: record.line, column: c.index + 1, field: c.question!.id, message: `expected ${check.expected}` })
      else if (check.value !== undefined) answers[c.question!.id] = check.value
    }
    rows.push({ line: record.line, code, codeColumn: codeColumn + 1, answers })
  }
  return { rows, problems, questions: columns.length }
}

/** A KoboToolbox/ODK CSV export, through the Kobo reader. */
const koboRows = (text: string, file: string, instrument: Instrument, wave: WaveId): Effect.Effect<ParsedRows> =>
  Effect.promise(async () => {
    const { koboDelimiter, parseKoboCsv } = await import("../domain/Kobo.js")
    const parsed = parseKoboCsv(text, file, instrument, wave)
    const header = parseCsv(text, { delimiter: koboDelimiter(text) }).records[0]?.fields ?? []
    const codeColumn = header.findIndex((h) => h.split("/").at(-1) === "participant_code") + 1
    return {
      rows: parsed.rows.map((r) => ({ line: r.line, code: r.code.trim().toUpperCase(), codeColumn, answers: r.answers })),
      problems: parsed.problems,
      questions: questionsFor(instrument, wave).length
    }
  })

/**
 * Writes every answer in tidy long form — participant code, site, country, wave, question,
 * value (multiple choices space-separated) — with no contact data, streamed to `file`.
 * Returns the number of rows.
 */
export const exportSurveyCsv = Effect.fn("Surveys.exportCsv")(function*(ws: Workspace, file: string, options: { readonly instrument?: string | undefined; readonly wave?: string | undefined } = {}) {
  const loaded = yield* loadInstrument(ws, options.instrument)
  const instrument = loaded.instrument
  const order = new Map(instrument.questions.map((q, i) => [q.id, i]))
  yield* Effect.promise(() => mkdir(dirname(file), { recursive: true }))
  const out = createWriteStream(file)
  let failure: Error | undefined
  out.on("error", (e) => (failure = e))
  const write = (s: string) =>
    new Promise<void>((resolve, reject) => {
      if (failure !== undefined) return reject(failure)
      if (out.write(s)) resolve()
      else out.once("drain", resolve)
    })
  yield* Effect.promise(() => write("participant_code,site,country,wave,instrument,instrument_version,source,simulated,question,value\n"))
  let after = ""
  let rows = 0
  for (;;) {
    const batch = yield* query("reading responses", (db) => {
      let q = db
        .selectFrom("survey_responses as r")
        .innerJoin("participants as p", "p.id", "r.participant_id")
        .innerJoin("sites as s", "s.id", "p.site_id")
        .select(["r.participant_id", "p.code", "p.site_id", "s.country", "r.wave", "r.instrument_version", "r.source", "r.simulated", "r.answers"])
        .where("r.instrument", "=", instrument.id)
        .where("r.participant_id", ">", after)
        .orderBy("r.participant_id")
        .orderBy("r.wave")
        .limit(5000)
      if (options.wave !== undefined) q = q.where("r.wave", "=", options.wave)
      return q.execute()
    })
    if (batch.length === 0) break
    // a participant's waves stay together: stop the batch at the last whole participant
    const last = batch.at(-1)!.participant_id
    const complete = batch.length < 5000 ? batch : batch.filter((r) => r.participant_id !== last)
    const take = complete.length === 0 ? batch : complete
    let chunk = ""
    for (const r of take) {
      const answers = (typeof r.answers === "string" ? JSON.parse(r.answers) : r.answers) as Record<string, Answers[string]>
      const ids = Object.keys(answers).sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9))
      const prefix = `${formatCsvField(r.code)},${formatCsvField(r.site_id)},${r.country},${r.wave},${instrument.id},${r.instrument_version},${r.source},${r.simulated ? "yes" : "no"},`
      for (const id of ids) {
        chunk += `${prefix}${formatCsvField(id)},${formatCsvField(answerText(answers[id]!))}\n`
        rows++
      }
    }
    yield* Effect.promise(() => write(chunk))
    after = take.at(-1)!.participant_id
    if (batch.length < 5000) break
  }
  yield* Effect.promise(() => new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve()))))
  return { file, rows, instrument: instrument.id }
})
