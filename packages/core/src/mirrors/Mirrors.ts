/**
 * The mirror workflows behind `/mirror` on `convene serve` and `convene mirror list|approve|reject`:
 * a registration from the public form is stored unconfirmed and mailed a confirmation link
 * (double opt-in); the link makes it pending (or approved, with `mirror.auto_approve`); on
 * approval a site without a fellow is created, its kit built in its language on its own date,
 * and the organiser mailed the kit and the site's results link.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { randomBytes } from "node:crypto"
import { statSync } from "node:fs"
import { Conflict, InputError, NotFound } from "../domain/Errors.js"
import { checkMirrorForm, type MirrorField, type MirrorRegistration, mirrorSiteOf, type MirrorStatus } from "../domain/Mirror.js"
import { decodeEntity, sitesRegistry } from "../domain/Registry.js"
import { fileWork, sha256 } from "../infra/Files.js"
import { intlZone } from "../infra/TzData.js"
import type { Workspace } from "../infra/Workspace.js"
import { buildKits, KIT_ATTACHMENT_LIMIT, rendererFor } from "../kits/index.js"
import { type MailTransportOptions, type OutgoingMessage, sendMessages } from "../mail/index.js"
import { showRecord } from "../registries/index.js"
import { resultsLinks } from "../results/index.js"
import { MirrorRepo } from "./MirrorRepo.js"

/** A confirmation token: 192 random bits, base64url; only its SHA-256 is stored. */
const newToken = (): string => randomBytes(24).toString("base64url")

/** What is stored of a confirmation token. */
export const mirrorTokenHash = (token: string): string => sha256(`mirror\u0000${token}`)

/** The calendar date in a zone (the organiser's: "before today" is judged where they are). */
export const dateIn = (zone: string, at: Date): string => {
  let timeZone = "UTC"
  try {
    timeZone = intlZone(zone, at.getTime())
    new Intl.DateTimeFormat("en-CA", { timeZone })
  } catch {
    timeZone = "UTC"
  }
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at)
}

/** Where the server's links point (the public address), and how mail leaves. */
export interface MirrorMailOptions {
  /** The public address of `convene serve`, e.g. `https://survey.example.org`: links are `<base>/mirror/confirm?token=…` and `<base>/results/<token>`. */
  readonly baseUrl: string
  readonly transport: MailTransportOptions
}

/** What a registration from the form did. */
export type MirrorSubmission =
  | { readonly ok: false; readonly errors: Readonly<Partial<Record<MirrorField, string>>> }
  | {
    readonly ok: true
    readonly id: number
    /** False when the e-mail already had an open registration (no second row). */
    readonly created: boolean
    /** Whether a confirmation link was mailed (not for a registration already confirmed). */
    readonly mailed: boolean
  }

const longDate = (locale: string, date: string): string => {
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${date}T12:00:00Z`))
  } catch {
    return date
  }
}

/**
 * Registers a mirror from the form's raw fields: checks them (every error by field), stores the
 * registration unconfirmed (or, for an e-mail with an open registration, renews its link), and
 * mails the confirmation link in the registration's language. Nothing else is created before
 * the link is followed.
 *
 * @example
 * const r = yield* registerMirror(ws, { name: "Ama", email: "ama@example.org", … }, { baseUrl, transport })
 * if (!r.ok) r.errors // { timezone: "timezone" }
 */
export const registerMirror = Effect.fn("Mirrors.register")(function*(ws: Workspace, raw: Readonly<Partial<Record<MirrorField, string>>>, options: MirrorMailOptions) {
  const now = new Date(yield* Clock.currentTimeMillis)
  const checked = checkMirrorForm(raw, { dialogue: ws.dialogue, today: dateIn(raw.timezone?.trim() ?? "UTC", now) })
  if (!checked.ok) return { ok: false, errors: checked.errors } satisfies MirrorSubmission as MirrorSubmission
  const token = newToken()
  const { registration, created } = yield* MirrorRepo.use((repo) => repo.register(checked.request, mirrorTokenHash(token), now))
  // a registration already confirmed gets no new link (it is with staff); the page says the same either way
  if (registration.status !== "unconfirmed") return { ok: true, id: registration.id, created, mailed: false } satisfies MirrorSubmission as MirrorSubmission
  const renderer = yield* rendererFor(ws)
  const locale = registration.locale
  const { messages, used } = renderer.messagesFor("", locale)
  const link = `${options.baseUrl.replace(/\/+$/, "")}/mirror/confirm?token=${token}`
  const values = { dialogue: ws.dialogue.title, name: registration.name, place: registration.place, date: longDate(messages.intl, registration.date), link }
  const subject = messages.format("mail_mirror.confirm.subject", values)
  const message: OutgoingMessage = {
    // one message per link: a renewed link is a new message
    key: `mirror-confirm:${registration.id}:${mirrorTokenHash(token).slice(0, 16)}`,
    purpose: "mirror-confirm",
    to: { name: registration.name, address: registration.email },
    locale: used,
    subject,
    html: renderer.renderPage("mail", "mirror-confirm.html", "", locale, { ...values, subject }),
    text: renderer.renderPage("mail", "mirror-confirm.text", "", locale, { ...values, subject })
  }
  yield* sendMessages([message], options.transport)
  return { ok: true, id: registration.id, created, mailed: true } satisfies MirrorSubmission as MirrorSubmission
})

/** What following a confirmation link did. */
export type MirrorConfirmation =
  | { readonly status: "invalid" }
  | { readonly status: "pending" | "approved"; readonly registration: MirrorRegistration }

/**
 * Follows a confirmation link: the registration becomes pending, or is approved at once when
 * `convene.yaml` sets `mirror: { auto_approve: true }`. An unknown or used link is `invalid`.
 *
 * @example
 * const done = yield* confirmMirror(ws, token, { baseUrl, transport })
 * done.status // "pending"
 */
/**
 * The unconfirmed registration a confirmation link names, or undefined: what the link's page
 * shows before the organiser presses "Confirm" (a GET never confirms, so that a mail scanner
 * opening the link confirms nothing).
 */
export const unconfirmedMirror = Effect.fn("Mirrors.unconfirmed")(function*(token: string) {
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) return undefined
  return yield* MirrorRepo.use((repo) => repo.byToken(mirrorTokenHash(token)))
})

export const confirmMirror = Effect.fn("Mirrors.confirm")(function*(ws: Workspace, token: string, options: MirrorMailOptions) {
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) return { status: "invalid" } satisfies MirrorConfirmation as MirrorConfirmation
  const now = new Date(yield* Clock.currentTimeMillis)
  const confirmed = yield* MirrorRepo.use((repo) => repo.confirm(mirrorTokenHash(token), now))
  if (confirmed === undefined) return { status: "invalid" } satisfies MirrorConfirmation as MirrorConfirmation
  if (ws.dialogue.mirror?.auto_approve !== true) return { status: "pending", registration: confirmed } satisfies MirrorConfirmation as MirrorConfirmation
  const approved = yield* approveMirror(ws, confirmed.id, { ...options, note: "auto_approve (convene.yaml)" })
  return { status: "approved", registration: approved.registration } satisfies MirrorConfirmation as MirrorConfirmation
})

/**
 * The registrations, oldest first; with `status`, only those.
 *
 * @example
 * const pending = yield* listMirrors("pending")
 */
export const listMirrors = Effect.fn("Mirrors.list")(function*(status?: MirrorStatus) {
  return yield* MirrorRepo.use((repo) => repo.list(status))
})

const registrationOrFail = Effect.fn("Mirrors.find")(function*(id: number) {
  const found = yield* MirrorRepo.use((repo) => repo.find(id))
  if (found === undefined) return yield* new NotFound({ what: "mirror registration", id: String(id), hint: "`convene mirror list` shows them all." })
  return found
})

/** How `mirror approve` works. */
export interface MirrorApproveOptions extends MirrorMailOptions {
  readonly note?: string | undefined
  /** Check and say what would be created; write, build and send nothing. */
  readonly dryRun?: boolean | undefined
  /** Where the kit is written (default `<workspace>/out/kits`). */
  readonly outDir?: string | undefined
  /** Zips up to this size are attached, larger ones linked (default 10 MB). */
  readonly maxAttachmentBytes?: number | undefined
  /** Where larger kits are published, e.g. `https://files.example.org/kits/` (else the zip's path is given). */
  readonly linkBase?: string | undefined
}

/** What approving did (or, with a dry run, would do). */
export interface MirrorApproval {
  readonly registration: MirrorRegistration
  readonly site: string
  readonly dryRun: boolean
  /** The kit's zip, once built. */
  readonly zip: string | null
  /** Whether the kit went attached (else linked); null on a dry run. */
  readonly attached: boolean | null
  /** Messages sent now (0 when an earlier run already sent it). */
  readonly sent: number
  readonly files: ReadonlyArray<string>
}

/**
 * Approves a pending registration: in one transaction its site is created (a mirror on its own
 * date, without a fellow), then its kit is built in its language and the organiser mailed the
 * kit (attached, or linked when too large) and the site's results link. Approving an approved
 * registration again rebuilds nothing unchanged and sends nothing twice (a run stopped after the
 * site was created completes this way). A rejected one is refused ({@link Conflict}).
 *
 * @example
 * const done = yield* approveMirror(ws, 3, { baseUrl: "https://survey.example.org", transport, note: "ok" })
 * done.site // "mirror-3"
 */
export const approveMirror = Effect.fn("Mirrors.approve")(function*(ws: Workspace, id: number, options: MirrorApproveOptions) {
  const found = yield* registrationOrFail(id)
  if (found.status === "rejected") return yield* new Conflict({ reason: `Mirror registration ${id} was rejected${found.note === null ? "" : ` (${found.note})`}: it cannot be approved.` })
  if (found.status === "unconfirmed") return yield* new Conflict({ reason: `Mirror registration ${id} is not confirmed yet: its organiser has not followed the link mailed to them.` })
  const decoded = decodeEntity(sitesRegistry, mirrorSiteOf(found))
  if ("problems" in decoded) return yield* new InputError({ summary: `Mirror registration ${id} does not make a valid site.`, problems: decoded.problems })
  const site = decoded.entity
  if (found.status === "pending") {
    const taken = yield* showRecord("sites", site.id).pipe(Effect.map(() => true), Effect.catchTag("NotFound", () => Effect.succeed(false)))
    if (taken) return yield* new Conflict({ reason: `A site with id "${site.id}" already exists: remove it first (\`convene sites remove ${site.id}\`).` })
  }
  if (options.dryRun === true) {
    return { registration: found, site: site.id, dryRun: true, zip: null, attached: null, sent: 0, files: [] } satisfies MirrorApproval
  }
  const now = new Date(yield* Clock.currentTimeMillis)
  const registration = found.status === "approved" ? found : yield* MirrorRepo.use((repo) => repo.approve(id, site, options.note?.trim() || null, now))
  if (registration === undefined) return yield* new Conflict({ reason: `Mirror registration ${id} was decided meanwhile: run \`convene mirror list\`.` })
  const siteId = registration.site_id ?? site.id
  // the kit in the mirror's language, on its own date, with the organiser as its contact
  const built = yield* buildKits(ws, { site: siteId, outDir: options.outDir, contact: { name: registration.name, email: registration.email } })
  const kit = built.kits[0]!
  const [link] = yield* resultsLinks([siteId])
  const bytes = yield* fileWork("read", kit.zip, () => statSync(kit.zip).size)
  const attach = bytes <= (options.maxAttachmentBytes ?? KIT_ATTACHMENT_LIMIT)
  const renderer = yield* rendererFor(ws)
  const { messages, used } = renderer.messagesFor(siteId, registration.locale)
  const intl = messages.intl
  const size = new Intl.NumberFormat(intl, { style: "unit", unit: bytes >= 1e6 ? "megabyte" : "kilobyte", maximumFractionDigits: 1 }).format(bytes >= 1e6 ? bytes / 1e6 : bytes / 1e3)
  const location = options.linkBase !== undefined ? `${options.linkBase.replace(/\/?$/, "/")}${siteId}.zip` : kit.zip
  const deadline = ws.dialogue.mirror?.submission_deadline
  const values = {
    dialogue: ws.dialogue.title,
    name: registration.name,
    place: registration.place,
    date: longDate(intl, registration.date),
    language: new Intl.DisplayNames([intl], { type: "language", fallback: "code" }).of(registration.locale) ?? registration.locale,
    attached: attach,
    size,
    location,
    link: `${options.baseUrl.replace(/\/+$/, "")}/results/${link!.token}`,
    deadline: deadline === undefined ? undefined : longDate(intl, deadline)
  }
  const subject = messages.format("mail_mirror.approved.subject", values)
  const message: OutgoingMessage = {
    // once per registration: approving again sends nothing twice
    key: `mirror-kit:${registration.id}:${registration.email}`,
    purpose: "mirror-kit",
    to: { name: registration.name, address: registration.email },
    locale: used,
    subject,
    html: renderer.renderPage("mail", "mirror-kit.html", siteId, registration.locale, { ...values, subject }),
    text: renderer.renderPage("mail", "mirror-kit.text", siteId, registration.locale, { ...values, subject }),
    attachments: attach ? [{ filename: `${siteId}.zip`, path: kit.zip, contentType: "application/zip" }] : []
  }
  const delivered = yield* sendMessages([message], options.transport)
  return { registration, site: siteId, dryRun: false, zip: kit.zip, attached: attach, sent: delivered.sent, files: delivered.files } satisfies MirrorApproval
})

/**
 * Rejects an open registration with a note (kept with it). A decided one is refused.
 *
 * @example
 * yield* rejectMirror(4, "not a public dialogue")
 */
export const rejectMirror = Effect.fn("Mirrors.reject")(function*(id: number, note: string) {
  if (note.trim() === "") return yield* new InputError({ summary: "A rejection needs a note: --note TEXT says why.", problems: [{ field: "--note", message: "expected a reason" }] })
  const found = yield* registrationOrFail(id)
  const now = new Date(yield* Clock.currentTimeMillis)
  const rejected = yield* MirrorRepo.use((repo) => repo.reject(id, note.trim(), now))
  if (rejected === undefined) return yield* new Conflict({ reason: `Mirror registration ${id} is ${found.status}: only an unconfirmed or pending one can be rejected.` })
  return rejected
})
