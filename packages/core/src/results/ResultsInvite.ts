/**
 * `convene results invite`: mails each site's fellow the site's results link, in the site's
 * language, through the mail service. Idempotent through the send log: a message is keyed by
 * site, fellow and link address, so a second run sends nothing.
 */
import * as Effect from "effect/Effect"
import type { Fellow, Site } from "../domain/Registry.js"
import { InputError, NotFound } from "../domain/Errors.js"
import { linkBaseProblem, type WouldBeRefused } from "../domain/Values.js"
import { sha256 } from "../infra/Files.js"
import type { Workspace } from "../infra/Workspace.js"
import { rendererFor } from "../kits/index.js"
import { type MailPreview, type MailTransportOptions, type OutgoingMessage, previewMessages, sendMessages } from "../mail/index.js"
import { listRegistry } from "../registries/index.js"
import { readBallots } from "./Ballots.js"
import { resultsLinks } from "./ResultsLinks.js"

/** What `results invite` needs. */
export interface ResultsInviteOptions {
  /** One site, or every site (`all`). */
  readonly site?: string | undefined
  /** The form server's public address, e.g. `https://survey.example.org` (links are `<url>/results/<token>`). */
  readonly baseUrl: string
  readonly transport: MailTransportOptions
  readonly rate?: number | undefined
  /**
   * Work out the messages, send and store nothing (no link, no send-log row, no connection):
   * the result is a {@link ResultsInvitePreview}. A base URL that would be refused is reported
   * as `wouldBeRefused` instead of failing.
   */
  readonly dryRun?: boolean | undefined
  /** Accept a base URL on this machine (localhost, 127.0.0.1, ::1): for rehearsals only. */
  readonly allowLocalhost?: boolean | undefined
  readonly onProgress?: ((done: number, total: number) => void) | undefined
}

/** One message of an invitation run (without its link). */
export interface ResultsInvitation {
  readonly site_id: string
  readonly fellow: string
  readonly email: string
  readonly locale: string
  readonly subject: string
}

/** What an invitation run did. */
export interface ResultsInviteSummary {
  readonly dryRun: false
  readonly baseUrl: string
  readonly sites: number
  readonly invitations: ReadonlyArray<ResultsInvitation>
  readonly queued: number
  readonly alreadySent: number
  readonly sent: number
  readonly failed: number
  readonly deferred: number
  /** Links handed to the SMTP server by an earlier run that stopped before the answer: not sent again on their own (`convene mail status`). */
  readonly uncertain: number
  /** Into the outbox: the `.eml` files this run wrote (over SMTP: none). */
  readonly files: ReadonlyArray<string>
}

/** What a dry run of `results invite` says: the messages, and what the send log would do with them. */
export interface ResultsInvitePreview extends MailPreview {
  readonly baseUrl: string
  readonly sites: number
  readonly invitations: ReadonlyArray<ResultsInvitation>
  /** Where the links would point: `<base-url>/results/` followed by each site's token. */
  readonly linkBase: string
  readonly wouldBeRefused?: WouldBeRefused
}


/**
 * Mails the results link of one site (`site`) or of every site to its fellow, in the site's
 * locale. Refuses a base URL that is not http(s), and one on this machine unless
 * `allowLocalhost` (links to localhost reach no fellow).
 *
 * @example
 * const summary = yield* inviteToResults(ws, { baseUrl: "https://survey.example.org", transport: { outboxDir } })
 * // { sites: 5, sent: 5, alreadySent: 0, ... }
 */
export const inviteToResults = Effect.fn("Results.invite")(function*(ws: Workspace, options: ResultsInviteOptions) {
  const problem = linkBaseProblem(options.baseUrl, { allowLocalhost: options.allowLocalhost === true, recipients: "fellows" })
  // a dry run reports the refusal, with what the run would otherwise do; a bad address is still an input error
  if (problem !== undefined && !(options.dryRun === true && problem._tag === "Refused")) return yield* problem
  const wouldBeRefused: WouldBeRefused | undefined = problem?._tag === "Refused" ? { message: problem.what, confirm: problem.confirm } : undefined
  const { ballots } = yield* readBallots(ws.dir, ws.dialogue)
  if (ballots.questions.length === 0) return yield* new InputError({ summary: "The workspace has no vote questions: add them in ballots/*.yaml (docs/results.md) before inviting fellows to enter results.", problems: [] })
  // the catalogs are checked before anything is stored
  const renderer = yield* rendererFor(ws)
  const named: ReadonlyArray<Site> = yield* listRegistry("sites", options.site === undefined ? {} : { id: options.site })
  if (options.site !== undefined && named.length === 0) return yield* new NotFound({ what: "site", id: options.site, hint: "`convene sites list` shows the registered sites." })
  // a self-registered mirror has no fellow: its organiser got the results link with the kit, on approval
  const sites = named.filter((s): s is Site & { readonly fellow_email: Fellow["email"] } => s.fellow_email !== undefined)
  if (options.site !== undefined && sites.length === 0) {
    return yield* new InputError({ summary: `Site ${options.site} is a mirror dialogue without a fellow: its organiser was mailed the results link on approval (\`convene mirror approve\`).`, problems: [] })
  }
  const fellows = new Map((yield* listRegistry("fellows")).map((f: Fellow) => [f.email, f]))
  const base = options.baseUrl.replace(/\/+$/, "")
  // a corrected address is a new message: keyed by the address the link points at
  const linkKey = sha256(base).slice(0, 12)
  const links = options.dryRun === true ? sites.map((s) => ({ site_id: s.id, token: "" })) : yield* resultsLinks(sites.map((s) => s.id))
  const invitations: Array<ResultsInvitation> = []
  const messages: Array<OutgoingMessage> = sites.map((site, i) => {
    const name = fellows.get(site.fellow_email)?.name ?? site.fellow_email
    const { messages: catalog, used } = renderer.messagesFor(site.id, site.locale)
    const values = { dialogue: ws.dialogue.title, site: site.name, fellow: name, link: `${base}/results/${links[i]!.token}` }
    const subject = catalog.format("mail_results.subject", { dialogue: ws.dialogue.title, site: site.name })
    invitations.push({ site_id: site.id, fellow: name, email: site.fellow_email, locale: used, subject })
    return {
      key: `results-invite:${site.id}:${site.fellow_email}:link-${linkKey}`,
      purpose: "results-invite",
      // structured: a display name built into a string could carry more recipients
      to: { name, address: site.fellow_email },
      locale: used,
      subject,
      html: renderer.renderPage("mail", "results.html", site.id, site.locale, { ...values, subject }),
      text: renderer.renderPage("mail", "results.text", site.id, site.locale, { ...values, subject })
    }
  })
  if (options.dryRun === true) {
    const preview = yield* previewMessages(messages, options.transport)
    return {
      baseUrl: base,
      sites: sites.length,
      invitations,
      linkBase: `${base}/results/`,
      ...(wouldBeRefused === undefined ? {} : { wouldBeRefused: wouldBeRefused }),
      ...preview
    } satisfies ResultsInvitePreview
  }
  const summary = { dryRun: false as const, baseUrl: base, sites: sites.length, invitations }
  const delivered = yield* sendMessages(messages, options.transport, {
    ...(options.rate === undefined ? {} : { rate: options.rate }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress })
  })
  return { ...summary, queued: delivered.queued, alreadySent: delivered.alreadySent, sent: delivered.sent, failed: delivered.failed, deferred: delivered.deferred, uncertain: delivered.uncertain, files: delivered.files } satisfies ResultsInviteSummary
})
