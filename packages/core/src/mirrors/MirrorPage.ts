/**
 * The public registration page of mirror dialogues on `convene serve`: `GET /mirror` (the form,
 * in the language of `?lang=` or Accept-Language), `POST /mirror`, `GET /mirror/sent` and
 * `GET /mirror/confirm?token=…`, a page whose button POSTs to `/mirror/confirm` (the double opt-in:
 * the GET confirms nothing, so a mail scanner opening the link cannot confirm). Plain HTML that works without JavaScript.
 * Protected like the other forms: Origin checks and a CSRF field bound by HMAC to a cookie, a
 * per-address rate limit on POST, a honeypot field, and a body size limit (413).
 */
import type * as Effect from "effect/Effect"
import type { Context, Hono } from "hono"
import { bodyLimit } from "hono/body-limit"
import { getCookie, setCookie } from "hono/cookie"
import { csrf } from "hono/csrf"
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto"
import type { Dialogue } from "../domain/Dialogue.js"
import { MIRROR_FIELDS, type MirrorField, mirrorDateRange } from "../domain/Mirror.js"
import { languageOf } from "../domain/Values.js"
import type { Workspace } from "../infra/Workspace.js"
import type { KitRenderer } from "../kits/index.js"
import { confirmMirror, dateIn, type MirrorMailOptions, type MirrorSubmission, registerMirror, unconfirmedMirror } from "./Mirrors.js"

/** What the workflows of the page need from the store (the repositories approval uses too). */
export type MirrorServices = Effect.Services<ReturnType<typeof confirmMirror>> | Effect.Services<ReturnType<typeof registerMirror>>

/** What the page reads once at start. */
export interface MirrorPageContext {
  readonly ws: Workspace
  /** Runs a mirror workflow for a request; a failure rejects (the generic error page). */
  readonly run: <A, E>(effect: Effect.Effect<A, E, MirrorServices>) => Promise<A>
  /** The secret the CSRF fields are derived from (HMAC of the cookie's nonce). */
  readonly key: string
  /** How mail leaves (the outbox folder, or SMTP). */
  readonly transport: MirrorMailOptions["transport"]
}

/** A rate window of the form server. */
interface RateWindow {
  hit(key: string, now: number): boolean
  exceeded(key: string, now: number): boolean
}

/** What the form server lends the page: its pages, limits and checks. */
export interface MirrorPageParts {
  readonly renderer: KitRenderer
  readonly dialogue: Dialogue
  readonly generic: (c: Context, status: number, kind: "not_found" | "too_large" | "too_many" | "forbidden" | "failure") => Response | Promise<Response>
  readonly clientOf: (c: Context) => string
  readonly originAllowed: (origin: string, c: Context) => boolean
  /** Registrations per client address per window (POST /mirror). */
  readonly posts: RateWindow
  /** Unknown confirmation links per client address. */
  readonly failures: RateWindow
  readonly now: () => Date
  /** The public address behind a proxy: the links mailed point there (else the request's own origin). */
  readonly publicOrigin?: string | undefined
  /** Largest body of POST /mirror, in bytes. */
  readonly maxBodyBytes: number
}

const COOKIE = "convene_mirror"
const NONCE = /^[A-Za-z0-9_-]{22}$/
const CSRF_PLACEHOLDER = "__convene_mirror_csrf__"

const sameToken = (a: string, b: string): boolean => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * The language of a request: `?lang=` when the dialogue has it, else the best of
 * Accept-Language among the dialogue's locales (by language), else the source locale.
 *
 * @example
 * pickLocale(["en", "fr", "es", "ar"], "en", undefined, "fr-CA,fr;q=0.9,en;q=0.5") // "fr"
 */
export const pickLocale = (locales: ReadonlyArray<string>, source: string, lang: string | undefined, accept: string | undefined): string => {
  if (lang !== undefined && locales.includes(lang)) return lang
  const wanted = (accept ?? "")
    .split(",")
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(";")
      const q = Number(params.find((p) => p.trim().startsWith("q="))?.trim().slice(2) ?? "1")
      return { tag: tag!.trim(), q: Number.isFinite(q) ? q : 0, i }
    })
    .filter((w) => w.tag !== "" && w.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
  for (const w of wanted) {
    const exact = locales.find((l) => l.toLowerCase() === w.tag.toLowerCase())
    if (exact !== undefined) return exact
    const language = locales.find((l) => languageOf(l) === languageOf(w.tag))
    if (language !== undefined) return language
  }
  return source
}

/**
 * Adds the mirror registration routes to the form server's application.
 *
 * @example
 * addMirrorPage(app, { ws, run, key, transport }, { renderer, dialogue, generic, clientOf, originAllowed, posts, failures, now, maxBodyBytes: 16 * 1024 })
 */
export const addMirrorPage = (app: Hono, context: MirrorPageContext, parts: MirrorPageParts): void => {
  const { renderer, dialogue } = parts
  const locales = [...new Set([dialogue.source_locale, ...dialogue.locales])]
  const secure = parts.publicOrigin?.startsWith("https:") === true
  const csrfOf = (nonce: string): string => createHmac("sha256", context.key).update(`mirror\u0000${nonce}`).digest("base64url")
  const localeOf = (c: Context): string => pickLocale(locales, dialogue.source_locale, c.req.query("lang"), c.req.header("accept-language"))
  const baseUrl = (c: Context): string => parts.publicOrigin ?? new URL(c.req.url).origin

  /** The request's nonce cookie, or a new one set on the response. */
  const nonceOf = (c: Context): string => {
    const existing = getCookie(c, COOKIE)
    if (existing !== undefined && NONCE.test(existing)) return existing
    const nonce = randomBytes(16).toString("base64url")
    setCookie(c, COOKIE, nonce, { httpOnly: true, sameSite: "Strict", path: "/mirror", secure })
    return nonce
  }

  const dateRange = (locale: string, today: string) => {
    const { messages } = renderer.messagesFor("", locale)
    const range = mirrorDateRange(dialogue, today)
    const long = new Intl.DateTimeFormat(messages.intl, { dateStyle: "long", timeZone: "UTC" })
    return { ...range, fromText: long.format(new Date(`${range.from}T12:00:00Z`)), toText: long.format(new Date(`${range.to}T12:00:00Z`)) }
  }

  const render = (locale: string, values: Readonly<Partial<Record<MirrorField, string>>>, errors: Readonly<Partial<Record<MirrorField, string>>>, csrfValue: string): string => {
    const { messages } = renderer.messagesFor("", locale)
    const t = (key: string, args: Record<string, unknown> = {}) => messages.format(`mirror.${key}`, args)
    const today = dateIn("UTC", parts.now())
    const range = dateRange(locale, today)
    const own = (l: string) => new Intl.DisplayNames([l], { type: "language", fallback: "code" }).of(l) ?? l
    const fields = MIRROR_FIELDS.map((name) => {
      const code = errors[name]
      const error = code === undefined ? undefined : t(`error.${code}`, { from: range.fromText, to: range.toText })
      const base = { name, label: t(`field.${name}`), value: values[name] ?? "", error, max: name === "email" ? 254 : name === "participants" ? 5 : 200 }
      switch (name) {
        case "consent":
          return { ...base, checkbox: true, value: (values.consent ?? "") !== "" }
        case "locale":
          return { ...base, options: locales.map((l) => ({ value: l, label: own(l), selected: (values.locale ?? locale) === l })) }
        case "email":
          return { ...base, type: "email", autocomplete: "email" }
        case "name":
          return { ...base, type: "text", autocomplete: "name" }
        case "country":
          return { ...base, type: "text", short: true, autocomplete: "country", hint: t("hint.country"), max: 2 }
        case "timezone":
          return { ...base, type: "text", hint: t("hint.timezone"), max: 64 }
        case "date":
          return { ...base, type: "date", short: true, hint: t("hint.date", { from: range.from, to: range.to }), max: 10 }
        case "participants":
          return { ...base, type: "text", short: true, inputmode: "numeric" }
        default:
          return { ...base, type: "text" }
      }
    })
    const errorList = fields.filter((f) => f.error !== undefined).map((f) => ({ field: f.name, label: f.label, message: f.error }))
    const title = t("title")
    return renderer.renderPage("survey", "mirror", "", locale, {
      page_title: errorList.length > 0 ? `${t("errors_heading", { count: errorList.length })} — ${title}` : title,
      dialogue: dialogue.title,
      from: range.fromText,
      to: range.toText,
      locale,
      languages: locales.map((l) => ({ code: l, name: own(l) })),
      fields,
      errors: errorList,
      csrf: csrfValue
    })
  }

  // the blank form differs between requests of one language only by its CSRF field: rendered
  // once per language and day (the dates offered move with the day), then filled in
  const blanks = new Map<string, string>()
  const blank = (locale: string): string => {
    const key = `${locale}\u0000${dateIn("UTC", parts.now())}`
    let page = blanks.get(key)
    if (page === undefined) {
      page = render(locale, {}, {}, CSRF_PLACEHOLDER)
      if (blanks.size > 64) blanks.clear()
      blanks.set(key, page)
    }
    return page
  }

  const message = (c: Context, status: number, locale: string, kind: string, heading: string, body: string) =>
    c.html(renderer.renderPage("survey", "message", "", locale, { heading, body, kind, page_title: heading }), status as 200)

  app.get("/mirror", (c) => {
    const locale = localeOf(c)
    const nonce = nonceOf(c)
    c.header("Content-Language", locale)
    c.header("Vary", "Accept-Language, Cookie")
    return c.html(blank(locale).replace(CSRF_PLACEHOLDER, csrfOf(nonce)))
  })

  app.get("/mirror/sent", (c) => {
    const locale = localeOf(c)
    const { messages } = renderer.messagesFor("", locale)
    return message(c, 200, locale, "sent", messages.format("mirror.sent_title", {}), messages.format("mirror.sent", {}))
  })

  // the link in the mail opens a page with a button: only its POST confirms, so that a mail
  // scanner or a link preview that opens the link confirms nothing
  app.get("/mirror/confirm", async (c) => {
    const client = parts.clientOf(c)
    const at = performance.now()
    if (parts.failures.exceeded(client, at)) return parts.generic(c, 429, "too_many")
    const token = c.req.query("token") ?? ""
    const found = await context.run(unconfirmedMirror(token))
    const locale = found === undefined ? localeOf(c) : found.locale
    const { messages } = renderer.messagesFor("", locale)
    const t = (key: string, args: Record<string, unknown> = {}) => messages.format(`mirror.${key}`, args)
    if (found === undefined) {
      parts.failures.hit(client, at)
      return message(c, 404, locale, "invalid", t("invalid_title"), t("invalid"))
    }
    c.header("Referrer-Policy", "no-referrer")
    return c.html(renderer.renderPage("survey", "mirror-confirm", "", locale, { heading: t("confirm_title"), body: t("confirm_body", { place: found.place, date: found.date }), button: t("confirm_button"), token, page_title: t("confirm_title") }))
  })

  app.post(
    "/mirror/confirm",
    bodyLimit({ maxSize: parts.maxBodyBytes, onError: (c) => parts.generic(c, 413, "too_large") }),
    csrf({ origin: parts.originAllowed }),
    async (c) => {
    const client = parts.clientOf(c)
    const at = performance.now()
    if (parts.failures.exceeded(client, at)) return parts.generic(c, 429, "too_many")
    let body: Awaited<ReturnType<typeof c.req.parseBody>>
    try {
      body = await c.req.parseBody()
    } catch {
      return parts.generic(c, 400, "forbidden")
    }
    const token = typeof body["token"] === "string" ? body["token"] : ""
    const done = await context.run(confirmMirror(context.ws, token, { baseUrl: baseUrl(c), transport: context.transport }))
    const locale = done.status === "invalid" ? localeOf(c) : done.registration.locale
    const { messages } = renderer.messagesFor("", locale)
    const t = (key: string) => messages.format(`mirror.${key}`, {})
    if (done.status === "invalid") {
      parts.failures.hit(client, at)
      return message(c, 404, locale, "invalid", t("invalid_title"), t("invalid"))
    }
    return message(c, 200, locale, "confirmed", t("confirmed_title"), t(done.status === "approved" ? "approved" : "confirmed"))
    }
  )

  app.post(
    "/mirror",
    bodyLimit({ maxSize: parts.maxBodyBytes, onError: (c) => parts.generic(c, 413, "too_large") }),
    async (c, next) => {
      // each address registers a few mirrors a minute at most, whatever the outcome
      if (!parts.posts.hit(parts.clientOf(c), performance.now())) return parts.generic(c, 429, "too_many")
      await next()
    },
    csrf({ origin: parts.originAllowed }),
    async (c) => {
      let body: Awaited<ReturnType<typeof c.req.parseBody>>
      try {
        body = await c.req.parseBody()
      } catch {
        return parts.generic(c, 400, "forbidden")
      }
      const field = (name: string): string => {
        const v = body[name]
        return typeof v === "string" ? v : ""
      }
      const nonce = getCookie(c, COOKIE)
      if (nonce === undefined || !NONCE.test(nonce) || !sameToken(field("_csrf"), csrfOf(nonce))) return parts.generic(c, 403, "forbidden")
      const locale = localeOf(c)
      // a bot fills in the hidden field: it is told what a person is told, and nothing is stored
      if (field("website") !== "") return c.redirect(`/mirror/sent?lang=${encodeURIComponent(locale)}`, 303)
      const values = Object.fromEntries(MIRROR_FIELDS.map((f) => [f, field(f)])) as Record<MirrorField, string>
      const submitted: MirrorSubmission = await context.run(registerMirror(context.ws, values, { baseUrl: baseUrl(c), transport: context.transport }))
      if (!submitted.ok) {
        c.header("Content-Language", locale)
        return c.html(render(locale, values, submitted.errors, csrfOf(nonce)), 422)
      }
      // the same answer whether the address was known or not
      return c.redirect(`/mirror/sent?lang=${encodeURIComponent(locale)}`, 303)
    }
  )
}
