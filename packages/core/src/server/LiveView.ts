/**
 * The staff's live view of the results day on the form server: `/live` (a page that refreshes
 * itself, no script) and `/live.json` (the same data for integrators). Both exist only when a
 * staff token is configured, and answer 401 without it. The picture is read at most once every
 * few seconds however many staff watch, and rendered once per language in that time.
 */
import type * as Effect from "effect/Effect"
import type { Context, Hono } from "hono"
import { getCookie, setCookie } from "hono/cookie"
import { createHash, createHmac, timingSafeEqual } from "node:crypto"
import { gzipSync } from "node:zlib"
import type { Ballots } from "../domain/Ballot.js"
import type { Dialogue } from "../domain/Dialogue.js"
import { intlZone } from "../infra/TzData.js"
import type { KitRenderer, Messages } from "../kits/index.js"
import { LIVE_STATES, type LivePlan, liveProvisional, type LiveProvisional, liveResults, type LiveResults, type LiveSnapshot, readLiveSnapshot, type ResultsRepo } from "../results/index.js"
import type { RateWindow } from "./ResultsForm.js"

/** A staff token shorter than this is refused at start: it must not be guessable. */
export const MIN_STAFF_TOKEN_LENGTH = 24

/** How long one reading of the results serves every viewer, by default (milliseconds). */
export const LIVE_CACHE_MS = 5_000

/** A write through the server makes the next request read again, once the reading is this old (ms). */
const FRESH_AFTER_WRITE_MS = 1_000

/** How often the page asks the browser to load it again (seconds). */
export const LIVE_REFRESH_SECONDS = 10

/** The cookie a browser keeps after opening `/live?token=…`: a value derived from the token, never the token. */
const COOKIE = "convene_staff"

/** What the live view reads once at start. */
export interface LiveViewContext {
  /** Runs a results repository effect (the snapshot's two reads); a failure rejects. */
  readonly run: <A, E>(effect: Effect.Effect<A, E, ResultsRepo>) => Promise<A>
  readonly plan: LivePlan
  readonly ballots: Ballots
}

/** What the form server lends the live view. */
export interface LiveViewParts {
  readonly renderer: KitRenderer
  readonly dialogue: Dialogue
  readonly staffToken: string
  readonly clientOf: (c: Context) => string
  /** Wrong tokens count here: over the limit, a client gets 429 before its token is looked at. */
  readonly failures: RateWindow
  readonly log: (line: string) => void
  /** How long a reading serves (default {@link LIVE_CACHE_MS}; 0: every request reads). */
  readonly cacheMs?: number | undefined
  /** The public origin behind a proxy: an https one makes the cookie Secure. */
  readonly publicOrigin?: string | undefined
}

/** Whether a staff token is long enough; the message says what is wrong, never the token. */
export const staffTokenProblem = (token: string): string | undefined =>
  token.length < MIN_STAFF_TOKEN_LENGTH ? `the staff token has ${token.length} characters: at least ${MIN_STAFF_TOKEN_LENGTH} are needed (e.g. openssl rand -base64 32)` : undefined

const digest = (s: string): Buffer => createHash("sha256").update(s).digest()

/** What a reading gives in one language: the picture, and its page and JSON as sent (each compressed once, when asked). */
interface View {
  readonly live: LiveResults
  html?: Buffer
  json?: Buffer
  gzip?: { html?: Buffer; json?: Buffer }
}

/** One reading and what was made of it, per language. */
interface Reading {
  readonly at: number
  readonly snapshot: LiveSnapshot
  readonly views: Map<string, View>
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>()
const formatIn = (intl: string, zone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat => {
  const key = `${intl}\u0000${zone}\u0000${JSON.stringify(options)}`
  let f = zoneFormats.get(key)
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat(intl, { ...options, timeZone: zone })
    } catch {
      f = new Intl.DateTimeFormat(intl, { ...options, timeZone: "UTC" })
    }
    zoneFormats.set(key, f)
  }
  return f
}

/** What the sites table shows of each site's planned day, in a language: the same all day long. */
type SiteDays = ReadonlyArray<{ readonly day: string; readonly local: string }>

const siteDaysOf = (live: LiveResults, intl: string): SiteDays => {
  const day = formatIn(intl, "UTC", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" })
  const time = formatIn(intl, "UTC", { hour: "2-digit", minute: "2-digit" })
  return live.sites.map((s) => ({
    day: s.day_starts === "" ? "–" : `${day.format(new Date(s.day_starts))} – ${time.format(new Date(s.day_ends))}`,
    local: s.day_starts === "" ? "–" : formatIn(intl, intlZone(s.timezone, Date.parse(s.day_starts)), { hour: "2-digit", minute: "2-digit", timeZoneName: "short" }).format(new Date(s.day_starts))
  }))
}

/** The page's values: every text in the page's language, every number and date in its format. */
const pageValues = (live: LiveResults, messages: Messages, refresh: number, jsonHref: string, days: SiteDays): Record<string, unknown> => {
  const t = (key: string, values: Record<string, unknown> = {}) => messages.format(`live.${key}`, values)
  const intl = messages.intl
  const number = new Intl.NumberFormat(intl)
  const percent = new Intl.NumberFormat(intl, { style: "percent", maximumFractionDigits: 1 })
  const decimal = new Intl.NumberFormat(intl, { maximumFractionDigits: 2 })
  const when = formatIn(intl, "UTC", { year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" })
  const { coverage, provisional } = live
  const states = LIVE_STATES.map((id) => ({ id, count: number.format(live.counts[id]), label: t(`state.${id}`) }))
  const stateLabel = new Map(states.map((s) => [s.id, s.label]))
  return {
    page_title: t("page_title", { dialogue: live.dialogue.title }),
    dialogue: live.dialogue.title,
    refresh,
    embargo: live.embargo.holds ? (live.embargo.ends === "" ? t("embargo_unplanned") : t("embargoed", { date: when.format(new Date(live.embargo.ends)) })) : undefined,
    released: live.embargo.holds ? undefined : t("released", { date: when.format(new Date(live.embargo.ends)) }),
    as_of: t("as_of", { date: when.format(new Date(live.as_of)), seconds: refresh }),
    expected: t("expected", { count: live.counts.expected }),
    states,
    drafts: live.counts.draft > 0 ? t("drafts", { count: live.counts.draft }) : undefined,
    coverage: t("coverage", {
      validated: number.format(coverage.validated),
      expected: number.format(coverage.expected),
      submitted: number.format(coverage.submitted),
      regions: number.format(coverage.regions.validated),
      expected_regions: number.format(coverage.regions.expected),
      countries: number.format(coverage.countries.validated),
      expected_countries: number.format(coverage.countries.expected)
    }),
    regions: coverage.by_region,
    countries: coverage.by_country,
    questions: provisional.coverage.sites === 0 ? [] : provisional.questions.map((q) => ({
      id: q.id,
      label: q.label,
      warning: t("provisional", { sites: number.format(q.coverage.sites), expected_sites: number.format(q.coverage.expected_sites), regions: number.format(q.coverage.regions), expected_regions: number.format(q.coverage.expected_regions) }),
      voters: t("voters", { count: q.n.voters }),
      options: q.options.map((o) => ({
        label: o.label,
        share: o.share.value === null ? "–" : percent.format(o.share.value),
        count: number.format(o.count)
      })),
      mean: q.mean?.value === null || q.mean?.value === undefined ? undefined : t("scale_mean", { mean: decimal.format(q.mean.value) })
    })),
    sites: live.sites.map((s, i) => ({
      name: s.name,
      country: s.country,
      state: s.state,
      day: days[i]!.day,
      local: days[i]!.local,
      label: stateLabel.get(s.state),
      note: [s.draft ? t("draft") : undefined, s.simulated ? t("simulated") : undefined].filter((x) => x !== undefined).join(", ") || undefined
    })),
    json_href: jsonHref
  }
}

/**
 * Adds `GET /live` and `GET /live.json` to the form server's application, behind the staff
 * token: `Authorization: Bearer TOKEN`, or once `?token=TOKEN`, which sets an HttpOnly,
 * SameSite=Strict cookie and redirects to the address without it. Returns `written`, to be
 * called when results are stored through the server: the next request reads them.
 */
export const addLiveView = (app: Hono, context: LiveViewContext, parts: LiveViewParts): { readonly written: () => void } => {
  const { renderer, dialogue } = parts
  const cacheMs = parts.cacheMs ?? LIVE_CACHE_MS
  const expected = digest(parts.staffToken)
  // the cookie holds a value derived from the token: a stolen cookie does not give the token
  const session = createHmac("sha256", parts.staffToken).update("convene live session").digest("base64url")
  const expectedSession = digest(session)
  const secure = parts.publicOrigin?.startsWith("https:") === true

  /** `ok`, or why not: nothing presented, or something wrong (rate-limited per client). */
  const authorize = (c: Context): "ok" | "missing" | "wrong" => {
    const header = c.req.header("authorization")
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
      return m !== null && timingSafeEqual(digest(m[1]!), expected) ? "ok" : "wrong"
    }
    const cookie = getCookie(c, COOKIE)
    if (cookie !== undefined) return timingSafeEqual(digest(cookie), expectedSession) ? "ok" : "wrong"
    return "missing"
  }

  const localeOf = (c: Context): string => {
    const asked = c.req.query("lang")
    const wanted = asked !== undefined && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/.test(asked) ? asked : dialogue.source_locale
    // the catalog's locale: a bounded set of pages however many languages are asked for
    return renderer.messagesFor("", wanted).used
  }

  const refused = (c: Context, status: 401 | 429, json: boolean) => {
    if (status === 401) c.header("WWW-Authenticate", 'Bearer realm="convene live"')
    if (json) return c.json({ error: status === 401 ? "unauthorized" : "too_many_requests" }, status)
    const locale = localeOf(c)
    const { messages } = renderer.messagesFor("", locale)
    const heading = status === 401 ? messages.format("live.unauthorized_title", {}) : messages.format("survey.too_many_title", {})
    const body = status === 401 ? messages.format("live.unauthorized", {}) : messages.format("survey.too_many", {})
    return c.html(renderer.renderPage("survey", "message", "", locale, { heading, body, kind: "unauthorized", page_title: heading }), status)
  }

  // ─── the reading, shared by every viewer ──────────────────────────────────────────────────
  let current: Reading | undefined
  let pending: Promise<Reading> | undefined
  let dirty = false
  // each refresh reads what changed since the last one
  const refresh = (): Promise<Reading> =>
    (pending ??= context.run(readLiveSnapshot(context.plan, current?.snapshot))
      .then((snapshot) => (current = { at: performance.now(), snapshot, views: new Map() }))
      .finally(() => {
        pending = undefined
      }))
  const reading = async (): Promise<Reading> => {
    const was = current
    if (was === undefined) return refresh()
    const age = performance.now() - was.at
    if (age < cacheMs && !(dirty && age >= FRESH_AFTER_WRITE_MS)) return was
    dirty = false
    // a little stale: this request gets the last reading while the next one is made
    if (cacheMs > 0 && age < 3 * cacheMs) {
      refresh().catch((error: unknown) => parts.log(`error GET /live: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`))
      return was
    }
    return refresh()
  }
  // the sites' planned days as the table shows them, per language: computed once
  const siteDays = new Map<string, SiteDays>()
  // the provisional shares, per language, kept until the statuses or counts change
  const provisional = new Map<string, { version: number; value: LiveProvisional }>()
  const viewOf = (r: Reading, locale: string): View => {
    let view = r.views.get(locale)
    if (view === undefined) {
      let kept = provisional.get(locale)
      if (kept === undefined || kept.version !== r.snapshot.version) {
        kept = { version: r.snapshot.version, value: liveProvisional(context.plan, context.ballots, r.snapshot, { locale }) }
        provisional.set(locale, kept)
      }
      view = { live: liveResults(context.plan, context.ballots, r.snapshot, { locale, provisional: kept.value }) }
      r.views.set(locale, view)
    }
    return view
  }

  const send = (c: Context, kind: "html" | "json", body: Buffer, gzip: () => Buffer) => {
    c.header("Content-Type", kind === "html" ? "text/html; charset=utf-8" : "application/json; charset=utf-8")
    c.header("Vary", "Accept-Encoding, Authorization, Cookie")
    // a page that reflects nothing of the request: compressing it once is safe and cheap
    if (/\bgzip\b/.test(c.req.header("accept-encoding") ?? "")) {
      c.header("Content-Encoding", "gzip")
      return c.body(new Uint8Array(gzip()))
    }
    return c.body(new Uint8Array(body))
  }

  const guarded = (json: boolean) => async (c: Context) => {
    const client = parts.clientOf(c)
    const at = performance.now()
    if (parts.failures.exceeded(client, at)) return refused(c, 429, json)
    const token = c.req.query("token")
    if (token !== undefined) {
      if (!timingSafeEqual(digest(token), expected)) {
        parts.failures.hit(client, at)
        return refused(c, 401, json)
      }
      // the token leaves the address bar (and the history) at once; the cookie stands for it
      setCookie(c, COOKIE, session, { httpOnly: true, sameSite: "Strict", path: "/", secure })
      const clean = new URL(c.req.url)
      clean.searchParams.delete("token")
      return c.redirect(`${clean.pathname}${clean.search}`, 303)
    }
    const auth = authorize(c)
    if (auth !== "ok") {
      if (auth === "wrong") parts.failures.hit(client, at)
      return refused(c, 401, json)
    }
    const locale = localeOf(c)
    const r = await reading()
    const view = viewOf(r, locale)
    if (json) {
      view.json ??= Buffer.from(JSON.stringify(view.live))
      return send(c, "json", view.json, () => ((view.gzip ??= {}).json ??= gzipSync(view.json!)))
    }
    if (view.html === undefined) {
      const { messages } = renderer.messagesFor("", locale)
      const jsonHref = locale === renderer.messagesFor("", dialogue.source_locale).used ? "/live.json" : `/live.json?lang=${encodeURIComponent(locale)}`
      let days = siteDays.get(locale)
      if (days === undefined) siteDays.set(locale, (days = siteDaysOf(view.live, messages.intl)))
      view.html = Buffer.from(renderer.renderPage("survey", "live", "", locale, pageValues(view.live, messages, LIVE_REFRESH_SECONDS, jsonHref, days)))
    }
    return send(c, "html", view.html, () => ((view.gzip ??= {}).html ??= gzipSync(view.html!)))
  }

  app.get("/live", guarded(false))
  app.get("/live.json", guarded(true))
  return { written: () => void (dirty = true) }
}
