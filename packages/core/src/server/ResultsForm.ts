/**
 * The results form at `/results/<token>`, on the same server as the survey form: one link per
 * site, through which its fellow enters every table's counts, the ballots and the tables'
 * recommendations, saves a draft and submits. Plain HTML that works without JavaScript (more
 * table or ballot cards come from a submit button that renders the form again), localized in
 * the site's language, right to left where needed. Every field is checked with the checks the
 * CSV import uses (domain/Results.ts), and what passes is stored through the results' one
 * write path, as `link:<site>`. A validated site is shown read-only.
 */
import type * as Effect from "effect/Effect"
import * as Eff from "effect/Effect"
import type { Context, Hono } from "hono"
import { bodyLimit } from "hono/body-limit"
import { compress } from "hono/compress"
import { csrf } from "hono/csrf"
import { type Ballots, ballotsForSite, type CountedQuestion, isCounted, maxChoices, optionIds, type RecommendationsQuestion, voteLabel } from "../domain/Ballot.js"
import { CONTROL_IN_TEXT, MAX_TEXT_LENGTH } from "../domain/Answers.js"
import type { Dialogue } from "../domain/Dialogue.js"
import type { Site } from "../domain/Registry.js"
import {
  type BallotEntry,
  type BallotValue,
  checkSiteResults,
  emptyResults,
  readBallotValue,
  readCount,
  readRecommendationText,
  readTable,
  type Recommendation,
  recommendationVotesProblem,
  type SiteResults,
  type TableTally,
  tallyProblem
} from "../domain/Results.js"
import type { KitRenderer, Messages } from "../kits/index.js"
import { type OpenedResultsLink, openResultsLink, type ResultsRepo, resultsTokenHash, siteResults, storeResults } from "../results/index.js"
import { intlZone } from "../infra/TzData.js"

/** What the results form reads once at start. */
export interface ResultsFormContext {
  /** Runs a results repository effect for a request; a failure rejects (the generic error page). */
  readonly run: <A, E>(effect: Effect.Effect<A, E, ResultsRepo>) => Promise<A>
  readonly ballots: Ballots
  /** The registered sites, for their name, language and zone. */
  readonly sites: ReadonlyMap<string, Site>
  /** The results key: per-form CSRF tokens are derived from it. */
  readonly key: string
}

/** A rate window of the form server (see `SurveyServer.ts`). */
export interface RateWindow {
  hit(key: string, now: number): boolean
  exceeded(key: string, now: number): boolean
}

/** What the form server lends the results form: its pages, its limits and its checks. */
export interface FormServerParts {
  readonly renderer: KitRenderer
  readonly dialogue: Dialogue
  readonly generic: (c: Context, status: number, kind: "not_found" | "too_large" | "too_many" | "forbidden" | "failure") => Response | Promise<Response>
  readonly clientOf: (c: Context) => string
  readonly perToken: RateWindow
  readonly failures: RateWindow
  readonly originAllowed: (origin: string, c: Context) => boolean
  readonly formToken: (key: string, hash: string) => string
  readonly sameToken: (a: string, b: string) => boolean
  /** Largest results form body, in bytes. */
  readonly maxBodyBytes: number
}

/** Cards shown at first, and added by "add more". */
const FIRST_TABLES = 3
const MORE_TABLES = 5
const FIRST_BALLOTS = 10
const MORE_BALLOTS = 10
/** At most this many cards in one form (a site has at most a few hundred participants). */
const MAX_TABLES = 200
const MAX_BALLOTS = 1000

type Fields = ReadonlyMap<string, ReadonlyArray<string>>

/** A form's content: how many cards of each kind, and every field's values. */
interface FormState {
  readonly tables: number
  readonly ballots: number
  readonly values: Fields
}

const CONTROL_CHARACTERS = new RegExp(CONTROL_IN_TEXT.source, "g")

/** Escapes text for HTML as Handlebars does (`{{…}}`), for what is put into a cached page. */
const escapeHtml = (s: string): string =>
  s.replace(/[&<>"'`=]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;", "`": "&#x60;", "=": "&#x3D;" })[ch]!)

const tallyQuestions = (ballots: Ballots): Array<CountedQuestion> => ballots.questions.filter((q): q is CountedQuestion => isCounted(q) && q.collect === "tally")
const ballotQuestions = (ballots: Ballots): Array<CountedQuestion> => ballots.questions.filter((q): q is CountedQuestion => isCounted(q) && q.collect === "ballot")
const recommendationQuestions = (ballots: Ballots): Array<RecommendationsQuestion> => ballots.questions.filter((q): q is RecommendationsQuestion => q.type === "recommendations")
const perTable = (q: RecommendationsQuestion): number => q.per_table ?? 3

/** The field names of the form: `t<i>.…` for table card i, `b<j>.…` for ballot card j. */
const field = {
  table: (i: number) => `t${i}.table`,
  present: (i: number) => `t${i}.present`,
  count: (i: number, q: string, o: string) => `t${i}.${q}.${o}`,
  recText: (i: number, q: string, n: number) => `t${i}.${q}.${n}.text`,
  recVotes: (i: number, q: string, n: number) => `t${i}.${q}.${n}.votes`,
  ballotId: (j: number) => `b${j}.id`,
  answer: (j: number, q: string) => `b${j}.${q}`,
  rank: (j: number, q: string, r: number) => `b${j}.${q}.${r}`
}

/** The form as stored results fill it, with a few empty cards to go on. */
export const formOfResults = (ballots: Ballots, results: SiteResults): FormState => {
  const values = new Map<string, Array<string>>()
  const set = (name: string, v: string | ReadonlyArray<string>) => values.set(name, typeof v === "string" ? [v] : [...v])
  const numbers = [...new Set([...results.tallies.map((t) => t.table), ...results.recommendations.map((r) => r.table)])].sort((a, b) => a - b)
  numbers.forEach((table, i) => {
    set(field.table(i), String(table))
    const tally = results.tallies.find((t) => t.table === table)
    if (tally !== undefined) {
      set(field.present(i), String(tally.present))
      for (const [q, counts] of Object.entries(tally.counts)) for (const [o, n] of Object.entries(counts)) set(field.count(i, q, o), String(n))
    }
    for (const r of results.recommendations.filter((x) => x.table === table)) {
      set(field.recText(i, r.question, r.number), r.text)
      set(field.recVotes(i, r.question, r.number), String(r.votes))
    }
  })
  const ranking = new Set(ballots.questions.filter((q) => q.type === "ranking").map((q) => q.id))
  results.ballots.forEach((b, j) => {
    set(field.ballotId(j), b.ballot)
    for (const [q, v] of Object.entries(b.answers)) {
      if (ranking.has(q) && Array.isArray(v)) v.forEach((o: string, r: number) => set(field.rank(j, q, r + 1), o))
      else set(field.answer(j, q), Array.isArray(v) ? v : String(v))
    }
  })
  const tables = numbers.length === 0 ? FIRST_TABLES : numbers.length + 1
  const cards = results.ballots.length === 0 ? FIRST_BALLOTS : results.ballots.length + MORE_BALLOTS / 2
  return { tables: Math.min(tables, MAX_TABLES), ballots: Math.min(cards, MAX_BALLOTS), values }
}

/** A form field's message, by field name; `_form` for what belongs to no one field. */
type FieldErrors = Map<string, string>

/**
 * Reads a posted form into one site's results, checking every field with the checks the CSV
 * import uses; the messages are the page's language's. A card left empty is no table or ballot.
 */
export const readResultsForm = (ballots: Ballots, siteId: string, state: FormState, messages: Messages): { results: SiteResults; errors: FieldErrors } => {
  const errors: FieldErrors = new Map()
  const first = (name: string): string => (state.values.get(name) ?? [])[0] ?? ""
  const filled = (name: string): boolean => (state.values.get(name) ?? []).some((v) => v.trim() !== "")
  const say = (key: string, args: Record<string, unknown> = {}) => messages.format(`results_web.error.${key}`, args)
  const tallied = tallyQuestions(ballots)
  const recQuestions = recommendationQuestions(ballots)
  const tallies: Array<TableTally> = []
  const recommendations: Array<Recommendation> = []
  const tableAt = new Map<number, number>()
  for (let i = 0; i < state.tables; i++) {
    const countNames = tallied.flatMap((q) => optionIds(q).map((o) => field.count(i, q.id, o)))
    const recNames = recQuestions.flatMap((q) => Array.from({ length: perTable(q) }, (_, k) => [field.recText(i, q.id, k + 1), field.recVotes(i, q.id, k + 1)]).flat())
    const hasTally = filled(field.present(i)) || countNames.some(filled)
    if (!hasTally && !recNames.some(filled)) continue
    const table = readTable(first(field.table(i)))
    if (!table.ok) errors.set(field.table(i), say("table"))
    else if (tableAt.has(table.value)) errors.set(field.table(i), say("table_twice", { number: table.value }))
    else tableAt.set(table.value, i)
    if (hasTally) {
      const present = readCount(first(field.present(i)))
      if (!present.ok) errors.set(field.present(i), say("count"))
      const counts: Record<string, Record<string, number>> = {}
      for (const q of tallied) {
        for (const o of optionIds(q)) {
          const name = field.count(i, q.id, o)
          if (!filled(name)) continue
          const n = readCount(first(name))
          if (!n.ok) errors.set(name, say("count"))
          else (counts[q.id] ??= {})[o] = n.value
        }
        // the check across a table's counts: no more votes than the people present allow
        if (present.ok && counts[q.id] !== undefined && tallyProblem(q, present.value, counts[q.id]!) !== undefined) {
          errors.set(`t${i}.${q.id}`, say("too_many_votes", { present: present.value }))
        }
      }
      if (table.ok && present.ok) tallies.push({ table: table.value, present: present.value, counts })
    }
    for (const q of recQuestions) {
      for (let n = 1; n <= perTable(q); n++) {
        const textName = field.recText(i, q.id, n)
        const votesName = field.recVotes(i, q.id, n)
        if (!filled(textName) && !filled(votesName)) continue
        // a browser sends no control character in a text field; a crafted request has them dropped
        const text = readRecommendationText(first(textName).replace(CONTROL_CHARACTERS, ""))
        if (!text.ok) errors.set(textName, say("text", { max: MAX_TEXT_LENGTH }))
        const votes = filled(votesName) ? readCount(first(votesName)) : ({ ok: true, value: 0 } as const)
        if (!votes.ok) errors.set(votesName, say("count"))
        if (table.ok && text.ok && votes.ok) recommendations.push({ question: q.id, table: table.value, number: n, text: text.value, votes: votes.value })
      }
    }
  }
  const counted = ballotQuestions(ballots)
  const entries: Array<BallotEntry> = []
  const ballotAt = new Map<string, number>()
  for (let j = 0; j < state.ballots; j++) {
    const answerNames = counted.flatMap((q) => (q.type === "ranking" ? optionIds(q).map((_, r) => field.rank(j, q.id, r + 1)) : [field.answer(j, q.id)]))
    if (!filled(field.ballotId(j)) && !answerNames.some(filled)) continue
    const id = first(field.ballotId(j)).trim() || String(j + 1)
    if (id.length > 64 || CONTROL_IN_TEXT.test(id)) errors.set(field.ballotId(j), say("ballot_id"))
    else if (ballotAt.has(id)) errors.set(field.ballotId(j), say("ballot_twice", { id }))
    else ballotAt.set(id, j)
    const answers: Record<string, BallotValue> = {}
    for (const q of counted) {
      const name = field.answer(j, q.id)
      const raw = q.type === "ranking"
        ? optionIds(q).map((_, r) => first(field.rank(j, q.id, r + 1)).trim()).filter((v) => v !== "").join(" ")
        : q.type === "multiple"
          ? (state.values.get(name) ?? []).map((v) => v.trim()).filter((v) => v !== "").join(" ")
          : first(name)
      const read = readBallotValue(q, raw)
      if (read.ok) {
        if (read.value !== undefined) answers[q.id] = read.value
        continue
      }
      const chosen = raw.split(/\s+/)
      const known = new Set(optionIds(q))
      errors.set(
        name,
        chosen.some((o) => !known.has(o))
          ? say("choice")
          : new Set(chosen).size !== chosen.length
            ? say("rank_twice")
            : say("max_choices", { max: maxChoices(q) })
      )
    }
    entries.push({ ballot: id, answers })
  }
  const present = tallies.reduce((a, t) => a + t.present, 0)
  if (tallies.length > 0) {
    for (const q of recQuestions) {
      const votes = recommendations.filter((r) => r.question === q.id).reduce((a, r) => a + r.votes, 0)
      if (recommendationVotesProblem(q, present, votes) !== undefined) errors.set(`rec.${q.id}`, say("rec_votes", { votes, present, max: present * q.votes_per_participant }))
    }
  }
  const results: SiteResults = { site_id: siteId, tallies, ballots: entries, recommendations }
  // the write path checks again; whatever it would refuse is shown, in its words, before it does
  if (errors.size === 0) {
    const problems = checkSiteResults(ballots, results)
    if (problems.length > 0) errors.set("_form", problems.map((p) => `${p.field ?? ""}: ${p.message}`).join("; "))
  }
  return { results, errors }
}

const stateOfBody = (body: Record<string, string | File | Array<string | File>>): FormState => {
  const values = new Map<string, Array<string>>()
  for (const [k, v] of Object.entries(body)) {
    const all = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string")
    values.set(k, all)
  }
  const count = (name: string, max: number): number => {
    const n = Number((values.get(name) ?? [])[0] ?? "0")
    return Number.isInteger(n) && n >= 0 ? Math.min(n, max) : 0
  }
  return { tables: count("tables", MAX_TABLES), ballots: count("ballots", MAX_BALLOTS), values }
}

/**
 * Adds `GET /results/<token>` and `POST /results/<token>` to the form server's application,
 * with the server's rate windows, CSRF checks and pages.
 */
export const addResultsForm = (app: Hono, context: ResultsFormContext, parts: FormServerParts): void => {
  const { renderer, dialogue, generic } = parts
  const { run } = context
  // a site's form asks the global questions and its national session's
  const ballotsOf = (siteId: string): Ballots => ballotsForSite(context.ballots, siteId)
  const hasSession = (siteId: string): boolean => [...(context.ballots.heldBy?.values() ?? [])].some((held) => held.has(siteId))

  /** Finds the site of a request's link, or answers it (404, 429). */
  const open = async (c: Context): Promise<{ link: OpenedResultsLink; site: Site | undefined; token: string; hash: string } | Response> => {
    const token = c.req.param("token") ?? ""
    const at = performance.now()
    // as for survey links: over the limit of unknown links, every link gets 429
    if (parts.failures.exceeded(parts.clientOf(c), at)) return generic(c, 429, "too_many")
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) {
      if (!parts.failures.hit(parts.clientOf(c), at)) return generic(c, 429, "too_many")
      return generic(c, 404, "not_found")
    }
    const hash = resultsTokenHash(token)
    if (!parts.perToken.hit(hash, at)) return generic(c, 429, "too_many")
    const link = await run(openResultsLink(hash))
    if (link === undefined) {
      if (!parts.failures.hit(parts.clientOf(c), at)) return generic(c, 429, "too_many")
      return generic(c, 404, "not_found")
    }
    return { link, site: context.sites.get(link.site_id), token, hash }
  }

  const localeOf = (site: Site | undefined): string => site?.locale ?? dialogue.source_locale

  const render = (
    c: Context,
    status: number,
    found: { link: OpenedResultsLink; site: Site | undefined; token: string; hash: string },
    state: FormState,
    errors: FieldErrors,
    notice?: "saved" | "submitted"
  ) => c.html(pageOf(found, state, errors, notice), status as 200)

  const pageOf = (
    found: { link: OpenedResultsLink; site: Site | undefined; token: string; hash: string },
    state: FormState,
    errors: FieldErrors,
    notice?: "saved" | "submitted",
    placeholders?: { readonly site: string; readonly csrf: string }
  ): string => {
    const siteId = found.link.site_id
    const ballots = ballotsOf(siteId)
    const locale = localeOf(found.site)
    const { messages } = renderer.messagesFor(siteId, locale)
    const t = (key: string, args: Record<string, unknown> = {}) => messages.format(`results_web.${key}`, args)
    const label = (labels: Readonly<Record<string, string>>) => voteLabel(labels, locale, dialogue.source_locale)
    const number = new Intl.NumberFormat(messages.intl)
    const value = (name: string): string => (state.values.get(name) ?? [])[0] ?? ""
    const input = (name: string, extra: Record<string, unknown> = {}) => ({ name, id: `f-${name}`, value: value(name), error: errors.get(name), ...extra })
    const siteName = placeholders?.site ?? found.site?.name ?? siteId
    const readonly = found.link.status === "validated"
    const tallied = tallyQuestions(ballots)
    const recQuestions = recommendationQuestions(ballots)
    const counted = ballotQuestions(ballots)
    // an empty card offers the next table number after those already given
    let next = Math.max(0, ...Array.from({ length: state.tables }, (_, i) => Number(value(field.table(i)))).filter((n) => Number.isInteger(n))) + 1
    const numbers = Array.from({ length: state.tables }, (_, i) => value(field.table(i)).trim() || String(next++))
    const tables = tallied.length + recQuestions.length === 0 ? [] : Array.from({ length: state.tables }, (_, i) => ({
      title: t("table", { number: number.format(i + 1) }),
      number: input(field.table(i), { value: numbers[i] }),
      present: input(field.present(i)),
      questions: tallied.map((q) => ({
        id: `t${i}.${q.id}`,
        label: label(q.label),
        error: errors.get(`t${i}.${q.id}`),
        options: optionIds(q).map((o) => ({ label: q.type === "scale" ? number.format(Number(o)) : label(q.options.find((x) => x.id === o)!.label), field: input(field.count(i, q.id, o)) }))
      })),
      recommendations: recQuestions.map((q) => ({
        label: label(q.label),
        items: Array.from({ length: perTable(q) }, (_, k) => ({
          title: t("recommendation", { number: number.format(k + 1) }),
          text: input(field.recText(i, q.id, k + 1)),
          votes: input(field.recVotes(i, q.id, k + 1))
        }))
      }))
    }))
    const options = (q: CountedQuestion, chosen: ReadonlyArray<string>) =>
      optionIds(q).map((o) => ({ value: o, label: q.type === "scale" ? number.format(Number(o)) : label(q.options.find((x) => x.id === o)!.label), selected: chosen.includes(o) }))
    const ballotCards = Array.from({ length: counted.length === 0 ? 0 : state.ballots }, (_, j) => ({
      title: t("ballot", { number: number.format(j + 1) }),
      id: input(field.ballotId(j), { placeholder: String(j + 1) }),
      answers: counted.map((q) => {
        const name = field.answer(j, q.id)
        const base = { name, id: `f-${name}`, label: label(q.label), error: errors.get(name) }
        if (q.type === "ranking") {
          return { ...base, ranking: true, ranks: optionIds(q).map((_, r) => ({ name: field.rank(j, q.id, r + 1), id: `f-${field.rank(j, q.id, r + 1)}`, label: t("rank", { rank: number.format(r + 1) }), options: options(q, [value(field.rank(j, q.id, r + 1))]) })) }
        }
        if (q.type === "multiple") return { ...base, multiple: true, hint: t("at_most", { max: number.format(q.max_choices) }), options: options(q, state.values.get(name) ?? []) }
        return { ...base, select: true, options: options(q, [value(name)]) }
      })
    }))
    const recErrors = recQuestions.flatMap((q) => (errors.has(`rec.${q.id}`) ? [{ id: `rec-${q.id}`, label: label(q.label), message: errors.get(`rec.${q.id}`)! }] : []))
    // the list at the top names each field: "Table 2 · People present", "Ballot 7 · <question>"
    const byId = new Map(ballots.questions.map((q) => [q.id, q]))
    const labelOf = (name: string): string => {
      const m = /^([tb])(\d+)\.(.+)$/.exec(name)
      if (m === null) return ""
      const card = t(m[1] === "t" ? "table" : "ballot", { number: number.format(Number(m[2]) + 1) })
      const [first, second, third] = m[3]!.split(".")
      const q = byId.get(first!)
      if (m[1] === "b") return `${card} · ${first === "id" ? t("ballot_id") : q === undefined ? first : label(q.label)}`
      if (first === "table" || first === "present") return `${card} · ${t(first === "table" ? "table_number" : "present")}`
      if (q === undefined) return card
      if (q.type === "recommendations") return `${card} · ${t("recommendation", { number: number.format(Number(second)) })}${third === "votes" ? ` · ${t("rec_votes")}` : ""}`
      const option = second === undefined || q.type === "scale" ? second : q.options.find((o) => o.id === second)
      return `${card} · ${label(q.label)}${option === undefined ? "" : ` · ${typeof option === "string" ? option : label(option.label)}`}`
    }
    const list = [...errors].filter(([k]) => !k.startsWith("rec.")).map(([k, message]) => ({ id: k === "_form" ? "results" : `f-${k}`, label: labelOf(k), message }))
    const errorList = [...list, ...recErrors]
    const when = (d: Date | null) => (d === null ? "" : new Intl.DateTimeFormat(messages.intl, { dateStyle: "long", timeStyle: "short", timeZone: intlZone(found.site?.timezone ?? "UTC", d.getTime()) }).format(d))
    const standing = found.link.status === "validated"
      ? t("status_validated", { date: when(found.link.validated_at) })
      : found.link.status === "submitted"
        ? t("status_submitted", { date: when(found.link.submitted_at) })
        : found.link.status === "draft"
          ? t("status_draft", { date: when(found.link.updated_at) })
          : undefined
    const title = t("title", { site: siteName })
    return renderer.renderPage("survey", "results", siteId, locale, {
        page_title: errorList.length > 0 ? `${t("errors_heading", { count: errorList.length })} — ${title}` : title,
        title,
        dialogue: dialogue.title,
        intro: t("intro", { site: siteName }),
        notice: notice === undefined ? undefined : t(notice),
        status: standing,
        readonly,
        token: found.token,
        csrf: placeholders?.csrf ?? parts.formToken(context.key, found.hash),
        tables,
        table_count: tables.length,
        rec_hint: recQuestions.map((q) => t("rec_hint", { count: number.format(perTable(q)), votes: number.format(q.votes_per_participant) })).join(" "),
        rec_errors: recErrors,
        ballots: ballotCards,
        ballot_count: ballotCards.length,
        errors: errorList,
        no_questions: ballots.questions.length === 0,
        blank: t("blank")
      })
  }

  // the form of a site that entered nothing yet differs between sites of one language only by
  // the site's name, its link and its CSRF field: rendered once per templates and locale, then
  // filled in (the page most requests get when the links go out)
  const blankForms = new Map<string, string>()
  const TOKEN = "__convene_token__"
  const CSRF = "__convene_csrf__"
  const SITE = "__convene_site__"
  const blankForm = (found: { link: OpenedResultsLink; site: Site | undefined; token: string; hash: string }): string => {
    const siteId = found.link.site_id
    const key = `${renderer.hasOverrides(siteId) || hasSession(siteId) ? siteId : "*"}\u0000${localeOf(found.site)}`
    let blank = blankForms.get(key)
    if (blank === undefined) {
      blank = pageOf({ ...found, token: TOKEN }, formOfResults(ballotsOf(siteId), emptyResults(siteId)), new Map(), undefined, { site: SITE, csrf: CSRF })
      blankForms.set(key, blank)
    }
    return blank.replaceAll(TOKEN, found.token).replace(CSRF, parts.formToken(context.key, found.hash)).replaceAll(SITE, escapeHtml(found.site?.name ?? siteId))
  }

  // gzip: a form of 10 ballot cards is ~60 kB of HTML and ~5 kB compressed, for phones on slow
  // connections; only the GET, whose page reflects nothing a request sent (no BREACH oracle)
  app.get("/results/:token", compress({ encoding: "gzip" }), async (c) => {
    const found = await open(c)
    if (found instanceof Response) return found
    // nothing entered yet: no results to read
    if (found.link.status === null) return c.html(blankForm(found))
    const ballots = ballotsOf(found.link.site_id)
    const stored = await run(siteResults(ballots, found.link.site_id))
    const notice = c.req.query("submitted") !== undefined ? "submitted" : c.req.query("saved") !== undefined ? "saved" : undefined
    return render(c, 200, found, formOfResults(ballots, stored), new Map(), notice)
  })

  app.post(
    "/results/:token",
    bodyLimit({ maxSize: parts.maxBodyBytes, onError: (c) => generic(c, 413, "too_large") }),
    csrf({ origin: parts.originAllowed }),
    async (c) => {
      const found = await open(c)
      if (found instanceof Response) return found
      let body: Awaited<ReturnType<typeof c.req.parseBody>>
      try {
        body = await c.req.parseBody({ all: true })
      } catch {
        return generic(c, 400, "forbidden")
      }
      const ballots = ballotsOf(found.link.site_id)
      const csrfField = body["_csrf"]
      if (!parts.sameToken(typeof csrfField === "string" ? csrfField : "", parts.formToken(context.key, found.hash))) return generic(c, 403, "forbidden")
      if (found.link.status === "validated") return render(c, 409, found, formOfResults(ballots, await run(siteResults(ballots, found.link.site_id))), new Map())
      const state = stateOfBody(body)
      const action = typeof body["action"] === "string" ? body["action"] : "save"
      // more cards: the same form again, with what was typed, nothing stored
      if (action === "more-tables") return render(c, 200, found, { ...state, tables: Math.min(state.tables + MORE_TABLES, MAX_TABLES) }, new Map())
      if (action === "more-ballots") return render(c, 200, found, { ...state, ballots: Math.min(state.ballots + MORE_BALLOTS, MAX_BALLOTS) }, new Map())
      const { messages } = renderer.messagesFor(found.link.site_id, localeOf(found.site))
      const { results, errors } = readResultsForm(ballots, found.link.site_id, state, messages)
      if (errors.size > 0) return render(c, 422, found, state, errors)
      const submit = action === "submit"
      const stored = await run(
        Eff.result(storeResults(ballots, [results], ["tallies", "ballots", "recommendations"], { actor: `link:${found.link.site_id}`, action: submit ? "web-submit" : "web-draft", submit }))
      )
      if (stored._tag === "Failure") {
        const failure = stored.failure
        // validated by staff since the page was opened
        if (failure._tag === "Conflict") return render(c, 409, { ...found, link: (await run(openResultsLink(found.hash))) ?? found.link }, formOfResults(ballots, await run(siteResults(ballots, found.link.site_id))), new Map())
        if (failure._tag === "InputError") return render(c, 422, found, state, new Map([["_form", failure.problems.map((p) => `${p.field ?? ""}: ${p.message}`).join("; ")]]))
        throw failure
      }
      return c.redirect(`/results/${found.token}?${submit ? "submitted" : "saved"}`, 303)
    }
  )
}
