/**
 * The organisers' questionnaire's respondents (issue 18, section 4): the fellows (registry) and
 * the facilitators listed in the site files, invited by mail with the same tokens and form as
 * participants, and answering on paper or through Kobo under their code. Their invitations and
 * answers live in their own tables (`organiser_invitations`, `organiser_responses`).
 */
import * as Effect from "effect/Effect"
import { type OrganiserRespondent, organiserRespondents } from "../domain/Organisers.js"
import type { Workspace } from "../infra/Workspace.js"
import { listRegistry } from "../registries/index.js"
import type { SurveyAudience } from "./Surveys.js"
import { SurveyRepo } from "./SurveyRepo.js"

/**
 * Every respondent of an organisers' questionnaire (of one site, or all): each fellow who runs a
 * registered site and each facilitator a registered site lists in `sites/<id>/site.yaml`.
 *
 * @example
 * const respondents = yield* organisersOf(ws)
 * respondents.filter((r) => r.kind === "facilitator").length
 */
export const organisersOf = Effect.fn("Surveys.organisersOf")(function*(ws: Workspace, site?: string) {
  const fellows = yield* listRegistry("fellows")
  const sites = yield* listRegistry("sites")
  return organiserRespondents({ fellows, sites, facilitators: ws.facilitators ?? [] }, site)
})

/** The organisers to write to for a wave, as `survey invite` and `survey remind` take them. */
export const organiserAudience = Effect.fn("Surveys.organiserAudience")(function*(ws: Workspace, instrument: string, wave: string, site: string | undefined, onlyUnanswered: boolean) {
  const repo = yield* SurveyRepo
  const all = yield* organisersOf(ws, site)
  let withEmail = all.filter((r) => r.email !== null)
  if (onlyUnanswered) {
    const waiting = yield* repo.organisersInvited(instrument, wave, withEmail.map((r) => r.id), true)
    withEmail = withEmail.filter((r) => waiting.has(r.id))
  }
  const byId = new Map<string, OrganiserRespondent>(all.map((r) => [r.id, r]))
  return {
    rows: withEmail.map((r) => ({ participant_id: r.id, email: r.email, site_id: r.site_id, site_name: r.site_name, timezone: r.timezone, locale: r.locale, code: r.code })),
    withoutEmail: all.length - all.filter((r) => r.email !== null).length,
    countInvited: (ids) => repo.organisersInvited(instrument, wave, ids, false).pipe(Effect.map((found) => found.size)),
    storeInvitations: (invitations) =>
      repo.storeOrganiserInvitations(
        instrument,
        wave,
        invitations.map(({ recipient, token_hash }) => {
          const r = byId.get(recipient.participant_id)!
          return { respondent_id: r.id, kind: r.kind, token_hash, site_id: r.site_id, country: r.country, locale: r.locale, timezone: r.timezone }
        })
      ),
    recordReminders: (ids, at) => repo.recordOrganiserReminders(instrument, wave, ids, at)
  } satisfies SurveyAudience
})

/** Every organiser's answers to an instrument, by country, site and role (no id, no name, no address). */
export const organiserAnswers = (instrument: string) => SurveyRepo.use((repo) => repo.organiserResponses(instrument))

/** How many organisers were invited to an instrument, per wave and kind. */
export const organiserInvitations = (instrument: string) => SurveyRepo.use((repo) => repo.organisersInvitedCounts(instrument))
