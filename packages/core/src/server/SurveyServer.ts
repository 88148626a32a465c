/**
 * The form server behind `convene serve` (and its old name `survey serve`): Hono on Node, one
 * survey form per invitation token at `/s/<token>` and the results form of each site at
 * `/results/<token>` (ResultsForm.ts); localized and right to left where needed, plain HTML
 * forms that work without JavaScript, validated on the server, one stored response per token
 * and wave.
 * Hardened: CSRF checks (Origin / Sec-Fetch-Site and a per-form token), a body size limit,
 * rate limits, security headers, no stack traces in pages, no tokens in logs. Every lookup and
 * every stored answer goes through the surveys' repository, run by the context's `run`.
 */
import type * as Effect from "effect/Effect"
import { Hono, type Context } from "hono"
import { bodyLimit } from "hono/body-limit"
import { csrf } from "hono/csrf"
import { HTTPException } from "hono/http-exception"
import { secureHeaders } from "hono/secure-headers"
import { createHmac, timingSafeEqual } from "node:crypto"
import { type AnswerValue, CONTROL_IN_TEXT, decodeAnswer, MAX_TEXT_LENGTH, scaleOf } from "../domain/Answers.js"
import type { Dialogue } from "../domain/Dialogue.js"
import { type Instrument, labelIn, type Question, questionsFor, type WaveId } from "../domain/Instrument.js"
import type { KitRenderer, Messages } from "../kits/index.js"
import { openResultsLink, resultsTokenHash } from "../results/index.js"
import { invitationByTokenHash, storeOrganiserResponses, storeResponses, type SurveyInvitation, type SurveyRepo, tokenHash } from "../surveys/index.js"
import { intlZone } from "../infra/TzData.js"
import { addLiveView, type LiveViewContext } from "./LiveView.js"
import { addPortal, type PortalContext } from "./Portal.js"
import { addResultsForm, type ResultsFormContext } from "./ResultsForm.js"
import { addMirrorPage, type MirrorPageContext, mirrorResultsOpen } from "../mirrors/index.js"

/** How the server behaves; every field has a default. */
export interface SurveyServerOptions {
  /** The clock: the wave windows are checked against it (tests move it). */
  readonly now?: () => Date
  /** Where request lines go (never with a token in them); default: nowhere. */
  readonly log?: (line: string) => void
  /** Largest request body accepted, in bytes (default 64 KiB). */
  readonly maxBodyBytes?: number
  /** Requests per token per minute (default 60). */
  readonly perTokenPerMinute?: number
  /** Unknown-token requests per client address per minute before 429 (default 30): guessing is slow. */
  readonly failuresPerMinute?: number
  /** The public origin behind a proxy (e.g. `https://survey.example.org`), accepted in the Origin header. */
  readonly publicOrigin?: string | undefined
  /** Take the client address from X-Forwarded-For (behind a load balancer you trust). */
  readonly trustProxy?: boolean
  /** Largest results form body accepted, in bytes (default 512 KiB: a site's ballots are many fields). */
  readonly maxResultsBodyBytes?: number
  /** The staff token of the live view (`/live`, `/live.json`); without it those routes do not exist. */
  readonly staffToken?: string | undefined
  /** How long one reading of the results serves every live viewer, in ms (default 5 s; 0: every request reads). */
  readonly liveCacheMs?: number | undefined
  /** Mirror registrations (POST /mirror) per client address per minute (default 10). */
  readonly mirrorPostsPerMinute?: number | undefined
  /** Largest mirror registration body, in bytes (default 16 KiB). */
  readonly maxMirrorBodyBytes?: number | undefined
}

/** What the server reads once at start. */
export interface SurveyServerContext {
  /**
   * Runs a survey repository effect for a request (the invitation lookup, the stored answer);
   * a failure rejects, and the request gets the generic error page.
   */
  readonly run: <A, E>(effect: Effect.Effect<A, E, SurveyRepo>) => Promise<A>
  readonly dialogue: Dialogue
  readonly renderer: KitRenderer
  readonly instruments: ReadonlyMap<string, Instrument>
  /** The survey key (see `surveyTokenKey`): per-form CSRF tokens are derived from it. */
  readonly key: string
  readonly css: string
  /** The results form (`/results/<token>`), when the server serves it. */
  readonly results?: ResultsFormContext | undefined
  /** The staff's live view (`/live`), served when a staff token is given too. */
  readonly live?: LiveViewContext | undefined
  /** The public results portal (`/portal/`): held until the embargo ends, then the published files. */
  readonly portal?: PortalContext | undefined
  /** The public registration of mirror dialogues (`/mirror`). */
  readonly mirror?: MirrorPageContext | undefined
}

/**
 * A fixed-window counter per key, forgotten after the window. It runs on the monotonic clock
 * (`performance.now()`), never on the served time: a rehearsal's `--as-of` (or a fixed `now`)
 * must not freeze the windows.
 */
class Window {
  private counts = new Map<string, number>()
  private started = 0
  constructor(private readonly limit: number, private readonly ms = 60_000) {}
  private roll(now: number): void {
    if (now - this.started >= this.ms) {
      this.counts = new Map()
      this.started = now
    }
  }
  hit(key: string, now: number): boolean {
    this.roll(now)
    const n = (this.counts.get(key) ?? 0) + 1
    this.counts.set(key, n)
    return n <= this.limit
  }
  /** Whether `key` is already over the limit in this window (without counting a hit). */
  exceeded(key: string, now: number): boolean {
    this.roll(now)
    return (this.counts.get(key) ?? 0) >= this.limit
  }
}

const dayFormats = new Map<string, Intl.DateTimeFormat>()
const localDate = (site: string, at: Date): string => {
  // the zone's offset by convene's tz data, where Node's ICU has older rules
  const zone = intlZone(site, at.getTime())
  let format = dayFormats.get(zone)
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" })
    dayFormats.set(zone, format)
  }
  const parts = format.formatToParts(at)
  const get = (t: string) => parts.find((p) => p.type === t)!.value
  return `${get("year")}-${get("month")}-${get("day")}`
}

const numberFormats = new Map<string, Intl.NumberFormat>()
const numberFormat = (locale: string): Intl.NumberFormat => {
  let format = numberFormats.get(locale)
  if (format === undefined) {
    format = new Intl.NumberFormat(locale)
    numberFormats.set(locale, format)
  }
  return format
}

/** The form's hidden CSRF field: bound to the token, so it cannot be reused for another link. */
const formToken = (key: string, hash: string): string => createHmac("sha256", key).update(`csrf\u0000${hash}`).digest("base64url")

const CONTROL_CHARACTERS = new RegExp(CONTROL_IN_TEXT.source, "g")

const sameToken = (a: string, b: string): boolean => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** The message for an answer that did not decode, in the page's language. */
const errorMessage = (q: Question, messages: Messages, empty: boolean): string => {
  if (empty) return messages.format("survey.error.required", {})
  const scale = scaleOf(q)
  if (scale !== undefined) return messages.format("survey.error.whole_number", scale)
  if (q.type === "number") return messages.format("survey.error.number", { min: q.min, max: q.max })
  if (q.type === "text") return messages.format("survey.error.too_long", { max: MAX_TEXT_LENGTH })
  return messages.format("survey.error.choose", {})
}

/**
 * The Hono application. It needs what {@link SurveyServerContext} holds (the repository through `run`);
 * `serveSurveys` (in `SurveyServe.ts`) runs it on a port.
 *
 * @example
 * const app = surveyApp(context, { now: () => new Date("2027-05-01T10:00:00Z") })
 * const res = await app.request(`/s/${token}`)
 */
export const surveyApp = (context: SurveyServerContext, options: SurveyServerOptions = {}): Hono => {
  const now = options.now ?? (() => new Date())
  const log = options.log ?? (() => {})
  const perToken = new Window(options.perTokenPerMinute ?? 60)
  const failures = new Window(options.failuresPerMinute ?? 30)
  const app = new Hono()
  const { run, renderer, dialogue } = context

  const clientOf = (c: Context): string => {
    if (options.trustProxy === true) {
      const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim()
      if (forwarded !== undefined && forwarded !== "") return forwarded
    }
    const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming
    return incoming?.socket?.remoteAddress ?? "unknown"
  }

  // request lines without tokens: /s/<token> is logged as /s/<first 8 hex of its hash>…, and
  // /results/<token> as /results/<first 8 hex of its hash>…; the staff token of /live?token=…
  // is in the query, which is never logged
  app.use(async (c, next) => {
    const started = performance.now()
    await next()
    const path = c.req.path.replace(/^\/(s|results)\/([^/]+)/, (_m, kind: string, token: string) => `/${kind}/${tokenHash(token).slice(0, 8)}…`)
    log(`${c.req.method} ${path} ${c.res.status} ${(performance.now() - started).toFixed(1)}ms`)
  })
  app.use(
    secureHeaders({
      contentSecurityPolicy: { defaultSrc: ["'none'"], styleSrc: ["'self'"], imgSrc: ["'self'"], formAction: ["'self'"], frameAncestors: ["'none'"], baseUri: ["'none'"] },
      // a route that sets its own policy keeps it (the portal's inline CSS and one hashed script)
      overwrite: false,
      referrerPolicy: "same-origin",
      crossOriginEmbedderPolicy: false
    })
  )
  app.use(async (c, next) => {
    await next()
    c.header("Cache-Control", "no-store")
  })

  const page = (c: Context, status: number, siteId: string | undefined, locale: string, values: { heading: string; body: string; kind: string; wave?: string }) =>
    c.html(renderer.renderPage("survey", "message", siteId ?? "", locale, { ...values, page_title: values.heading }), status as 200)

  const generic = (c: Context, status: number, kind: "not_found" | "too_large" | "too_many" | "forbidden" | "failure") => {
    const { messages } = renderer.messagesFor("", dialogue.source_locale)
    return page(c, status, undefined, dialogue.source_locale, { heading: messages.format(`survey.${kind}_title`, {}), body: messages.format(`survey.${kind}`, {}), kind })
  }

  app.onError((error, c) => {
    // a refusal by a middleware (the CSRF check): its status, with a page of ours
    if (error instanceof HTTPException) return generic(c, error.status, error.status === 403 ? "forbidden" : error.status === 413 ? "too_large" : "failure")
    // the message only, in the log; the page says nothing about the inside
    log(`error ${c.req.method} ${c.req.path.replace(/^\/(s|results)\/[^/]+/, "/$1/…")}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`)
    return generic(c, 500, "failure")
  })
  app.notFound((c) => generic(c, 404, "not_found"))

  app.get("/healthz", (c) => c.text("ok"))
  app.get("/assets/survey.css", (c) => {
    c.header("Content-Type", "text/css; charset=utf-8")
    c.header("Cache-Control", "public, max-age=3600")
    return c.body(context.css)
  })

  // one row, found by a unique index, and the response by its primary key: the lookup every
  // request makes stays cheap (on PGlite it runs in the server's own thread)
  const lookup = (hash: string): Promise<SurveyInvitation | undefined> => run(invitationByTokenHash(hash))

  /** Finds the invitation of a request, or answers it (404, 429, closed, already answered). */
  const open = async (c: Context): Promise<{ invitation: SurveyInvitation; instrument: Instrument; hash: string; token: string } | Response> => {
    const token = c.req.param("token") ?? ""
    const at = performance.now()
    // a client over its limit of unknown links gets 429 for every link, known or not: an answer
    // that told the two apart would let it go on guessing
    if (failures.exceeded(clientOf(c), at)) return generic(c, 429, "too_many")
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) {
      if (!failures.hit(clientOf(c), at)) return generic(c, 429, "too_many")
      return generic(c, 404, "not_found")
    }
    const hash = tokenHash(token)
    if (!perToken.hit(hash, at)) return generic(c, 429, "too_many")
    const invitation = await lookup(hash)
    const instrument = invitation === undefined ? undefined : context.instruments.get(invitation.instrument)
    if (invitation === undefined || instrument === undefined) {
      if (!failures.hit(clientOf(c), at)) return generic(c, 429, "too_many")
      return generic(c, 404, "not_found")
    }
    const { messages } = renderer.messagesFor(invitation.site_id, invitation.locale)
    const wave = dialogue.evaluation.waves.find((w) => w.id === invitation.wave)
    const today = localDate(invitation.timezone, now())
    const date = (d: string) => new Intl.DateTimeFormat(messages.intl, { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${d}T12:00:00Z`))
    if (wave === undefined || today < wave.opens || today > wave.closes) {
      const body = wave === undefined || today > wave.closes
        ? messages.format("survey.closed_after", { closes: date(wave?.closes ?? today) })
        : messages.format("survey.closed_before", { opens: date(wave.opens) })
      return page(c, 403, invitation.site_id, invitation.locale, { heading: messages.format("survey.closed_title", {}), body, kind: "closed", wave: invitation.wave })
    }
    return { invitation, instrument, hash, token }
  }

  const already = (c: Context, invitation: SurveyInvitation, submitted: Date, status: number) => {
    const { messages } = renderer.messagesFor(invitation.site_id, invitation.locale)
    const date = new Intl.DateTimeFormat(messages.intl, { dateStyle: "long", timeZone: intlZone(invitation.timezone, submitted.getTime()) }).format(submitted)
    return page(c, status, invitation.site_id, invitation.locale, {
      heading: messages.format("survey.already_title", {}),
      body: messages.format("survey.already", { date }),
      kind: "already",
      wave: invitation.wave
    })
  }

  const form = (
    c: Context,
    status: number,
    found: { invitation: SurveyInvitation; instrument: Instrument; hash: string; token: string },
    values: Readonly<Record<string, ReadonlyArray<string>>>,
    errors: Readonly<Record<string, string>>,
    csrfValue?: string
  ) => {
    const { invitation, instrument } = found
    const { messages } = renderer.messagesFor(invitation.site_id, invitation.locale)
    const number = numberFormat(messages.intl)
    const label = (labels: Record<string, string>) => labelIn(labels, invitation.locale, instrument)
    const questions = questionsFor(instrument, invitation.wave as WaveId).map((q, i) => {
      const given = values[q.id] ?? []
      const base = { id: q.id, type: q.type, number: number.format(i + 1), label: label(q.label), required: q.required === true, error: errors[q.id] }
      const scale = scaleOf(q)
      if (scale !== undefined) {
        const points = Array.from({ length: scale.max - scale.min + 1 }, (_, k) => scale.min + k)
        const likert = q.type === "likert5" ? "questionnaire.likert" : q.type === "likert7" ? "questionnaire.likert7" : undefined
        return {
          ...base,
          input: "radio",
          row: likert === undefined,
          hint: likert === undefined ? `${messages.format("survey.scale_min", { min: number.format(0) })} · ${messages.format("survey.scale_max", { max: number.format(10) })}` : undefined,
          options: points.map((p) => ({ value: String(p), label: likert === undefined ? number.format(p) : messages.format(`${likert}.${p}`, {}), checked: given.includes(String(p)) }))
        }
      }
      if ("options" in q) {
        return {
          ...base,
          input: q.type === "multiple" ? "checkbox" : "radio",
          multiple: q.type === "multiple",
          hint: messages.format(q.type === "multiple" ? "questionnaire.choose_many" : "questionnaire.choose_one", {}),
          options: q.options.map((o) => ({ value: o.id, label: label(o.label), checked: given.includes(o.id) }))
        }
      }
      if (q.type === "number") return { ...base, min: q.min, max: q.max, value: given[0] ?? "", hint: messages.format("questionnaire.number_hint", { min: number.format(q.min), max: number.format(q.max) }) }
      return { ...base, value: given[0] ?? "" }
    })
    const errorList = questions.filter((q) => q.error !== undefined).map((q) => ({ id: q.id, number: q.number, label: q.label, message: q.error }))
    const title = label(instrument.title)
    return c.html(
      renderer.renderPage("survey", "form", invitation.site_id, invitation.locale, {
        page_title: errorList.length > 0 ? `${messages.format("survey.errors_heading", { count: errorList.length })} — ${title}` : title,
        title,
        wave: invitation.wave,
        dialogue: dialogue.title,
        token: found.token,
        csrf: csrfValue ?? formToken(context.key, found.hash),
        questions,
        errors: errorList,
        organiser: invitation.organiser !== undefined
      }),
      status as 200
    )
  }

  // a blank form differs between participants of one language only by its token and CSRF field:
  // it is rendered once per site templates, locale, instrument and wave, then filled in
  const blankForms = new Map<string, string>()
  const TOKEN = "__convene_token__"
  const CSRF = "__convene_csrf__"
  app.get("/s/:token", async (c) => {
    const found = await open(c)
    if (found instanceof Response) return found
    const { invitation } = found
    if (invitation.submitted_at !== null) return already(c, invitation, invitation.submitted_at, 200)
    const key = `${renderer.hasOverrides(invitation.site_id) ? invitation.site_id : "*"}\u0000${invitation.locale}\u0000${invitation.instrument}\u0000${invitation.wave}`
    let blank = blankForms.get(key)
    if (blank === undefined) {
      const res = form(c, 200, { ...found, token: TOKEN }, {}, {}, CSRF)
      blank = await res.text()
      blankForms.set(key, blank)
    }
    return c.html(blank.replaceAll(TOKEN, found.token).replace(CSRF, formToken(context.key, found.hash)))
  })

  app.get("/s/:token/done", async (c) => {
    const found = await open(c)
    if (found instanceof Response) return found
    if (found.invitation.submitted_at === null) return c.redirect(`/s/${found.token}`, 303)
    const { messages } = renderer.messagesFor(found.invitation.site_id, found.invitation.locale)
    return page(c, 200, found.invitation.site_id, found.invitation.locale, {
      heading: messages.format("survey.thanks_title", {}),
      body: messages.format("survey.thanks", {}),
      kind: "thanks",
      wave: found.invitation.wave
    })
  })

  const originAllowed = (origin: string, c: Context): boolean => origin === new URL(c.req.url).origin || (options.publicOrigin !== undefined && origin === new URL(options.publicOrigin).origin)
  app.post(
    "/s/:token",
    bodyLimit({ maxSize: options.maxBodyBytes ?? 64 * 1024, onError: (c) => generic(c, 413, "too_large") }),
    csrf({ origin: originAllowed }),
    async (c) => {
      const found = await open(c)
      if (found instanceof Response) return found
      const { invitation, instrument } = found
      if (invitation.submitted_at !== null) return already(c, invitation, invitation.submitted_at, 409)
      // a body our form cannot have sent (a broken multipart, say) is the client's error: 400,
      // with the page that asks to open the link again, never a 500
      let body: Awaited<ReturnType<typeof c.req.parseBody>>
      try {
        body = await c.req.parseBody({ all: true })
      } catch {
        return generic(c, 400, "forbidden")
      }
      const field = (name: string): Array<string> => {
        const v = body[name]
        return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === "string")
      }
      if (!sameToken(field("_csrf")[0] ?? "", formToken(context.key, found.hash))) return generic(c, 403, "forbidden")
      const { messages } = renderer.messagesFor(invitation.site_id, invitation.locale)
      const values: Record<string, ReadonlyArray<string>> = {}
      const errors: Record<string, string> = {}
      const answers: Record<string, AnswerValue> = {}
      for (const q of questionsFor(instrument, invitation.wave as WaveId)) {
        // a browser sends no control character in a text field; a crafted request that does has
        // them dropped, so that what is stored is text the database and every export can hold
        const raw = q.type === "text" ? field(q.id).map((v) => v.replace(CONTROL_CHARACTERS, "")) : field(q.id)
        values[q.id] = raw
        const check = decodeAnswer(q, q.type === "multiple" ? raw : raw[0], { enforceRequired: true })
        if (!check.ok) errors[q.id] = errorMessage(q, messages, raw.every((r) => r.trim() === ""))
        else if (check.value !== undefined) answers[q.id] = check.value
      }
      if (Object.keys(errors).length > 0) return form(c, 422, found, values, errors)
      // one response per participant, instrument and wave: of two submitted at once, one is stored
      const stored = await run(
        invitation.organiser === undefined
          ? storeResponses(instrument, invitation.wave, "web", [{ participant_id: invitation.participant_id, answers }])
          // an organiser's answers go to their own table, with their kind, site and country
          : storeOrganiserResponses(instrument, invitation.wave, "web", [{ respondent_id: invitation.participant_id, kind: invitation.organiser.kind, site_id: invitation.site_id, country: invitation.organiser.country, answers }])
      )
      if (stored.length === 0) {
        const existing = await lookup(found.hash)
        return already(c, invitation, existing?.submitted_at ?? now(), 409)
      }
      return c.redirect(`/s/${found.token}/done`, 303)
    }
  )
  if (context.live !== undefined && options.staffToken !== undefined) {
    const live = addLiveView(app, context.live, { renderer, dialogue, staffToken: options.staffToken, clientOf, failures, log, cacheMs: options.liveCacheMs, publicOrigin: options.publicOrigin })
    // results stored through the form (a 303 back to it): the next live reading shows them
    app.use("/results/*", async (c, next) => {
      await next()
      if (c.req.method === "POST" && c.res.status === 303) live.written()
    })
  }
  if (context.portal !== undefined) addPortal(app, context.portal, { now, notFound: (c) => generic(c, 404, "not_found") })
  if (context.mirror !== undefined) {
    addMirrorPage(app, context.mirror, {
      renderer,
      dialogue,
      generic,
      clientOf,
      originAllowed,
      posts: new Window(options.mirrorPostsPerMinute ?? 10),
      failures,
      now,
      publicOrigin: options.publicOrigin,
      maxBodyBytes: options.maxMirrorBodyBytes ?? 16 * 1024
    })
  }
  if (context.results !== undefined) {
    // a mirror's results are accepted until the workspace's `mirror.submission_deadline` (in its own zone)
    const deadline = dialogue.mirror?.submission_deadline
    const results = context.results
    if (deadline !== undefined) {
      app.post("/results/:token", async (c, next) => {
        const token = c.req.param("token") ?? ""
        if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) return next()
        const link = await results.run(openResultsLink(resultsTokenHash(token)))
        const site = link === undefined ? undefined : results.sites.get(link.site_id)
        if (site === undefined || mirrorResultsOpen(dialogue.mirror, site, localDate(site.timezone, now()))) return next()
        const { messages } = renderer.messagesFor(site.id, site.locale)
        const closes = new Intl.DateTimeFormat(messages.intl, { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${deadline}T12:00:00Z`))
        return page(c, 403, site.id, site.locale, { heading: messages.format("survey.closed_title", {}), body: messages.format("survey.closed_after", { closes }), kind: "closed" })
      })
    }
    addResultsForm(app, context.results, {
      renderer,
      dialogue,
      generic,
      clientOf,
      perToken,
      failures,
      originAllowed,
      formToken,
      sameToken,
      maxBodyBytes: options.maxResultsBodyBytes ?? 512 * 1024
    })
  }
  return app
}
