/**
 * National sessions (issue 17, section 2): a site, or every site of a country, adds its own
 * agenda blocks to the shared day — with their own vote questions — declared in
 * `sites/<id>/site.yaml`:
 *
 * ```yaml
 * national_session:
 *   scope: country          # site (the default): this site only; country: every site of `country`
 *   country: MX             # with scope: country
 *   after: vote-2           # the shared block it follows (default: the end of the day)
 *   blocks:
 *     - { id: mx-national, title: "Connectivity in Mexico", minutes: 45, kind: table-discussion }
 *     - { id: mx-vote, title: "National vote", minutes: 15, kind: vote }
 *   questions:              # the same shape as ballots/*.yaml; voted in the session's vote blocks
 *     - { id: mx-community-networks, block: mx-vote, type: single, collect: tally, label: {…}, options: […] }
 * ```
 *
 * Its questions are counted and reported apart from the global questions and are never mixed
 * into global comparisons. Pure: the files are read by `infra/SiteFiles.ts`.
 */
import * as Schema from "effect/Schema"
import { type Ballots, questionIssues, type QuestionOrigin, VoteQuestion } from "./Ballot.js"
import { AgendaBlock, type Dialogue } from "./Dialogue.js"
import { InputError, type Problem } from "./Errors.js"
import { Facilitator } from "./Organisers.js"
import { CountryCode, Slug } from "./Values.js"
import { decodeYaml, yamlLocator } from "./Yaml.js"

/** A national session as declared in a site.yaml. */
export const NationalSession = Schema.Struct({
  /** `site` (default): only the declaring site holds it; `country`: every site of `country`. */
  scope: Schema.optionalKey(Schema.Literals(["site", "country"])),
  /** The country whose sites hold it (ISO 3166-1 alpha-2), with `scope: country`. */
  country: Schema.optionalKey(CountryCode),
  /** The shared agenda block it follows; without it, it closes the day. */
  after: Schema.optionalKey(Slug),
  blocks: Schema.Array(AgendaBlock).check(Schema.isMinLength(1, { message: "expected at least one agenda block" })),
  questions: Schema.optionalKey(Schema.Array(VoteQuestion))
})
export type NationalSession = typeof NationalSession.Type

/** `sites/<id>/site.yaml`: what a site declares of its own besides the registry. */
export const SiteFile = Schema.Struct({
  national_session: Schema.optionalKey(NationalSession),
  /** The site's facilitators, for the organisers' questionnaire (`domain/Organisers.ts`). */
  facilitators: Schema.optionalKey(Schema.Array(Facilitator))
})
export type SiteFile = typeof SiteFile.Type

/** A national session with where it was declared. */
export interface DeclaredSession {
  /** The site whose site.yaml declares it. */
  readonly site: string
  readonly file: string
  readonly text: string
  readonly session: NationalSession
}

/** Every national session of a workspace: by site, and by country for `scope: country`. */
export interface NationalSessions {
  readonly bySite: ReadonlyMap<string, DeclaredSession>
  readonly byCountry: ReadonlyMap<string, DeclaredSession>
}

/** A workspace without national sessions. */
export const NO_NATIONAL_SESSIONS: NationalSessions = { bySite: new Map(), byCountry: new Map() }

/**
 * Decodes one `sites/<id>/site.yaml` and checks its national session against the dialogue: its
 * block ids new (not the shared agenda's), `after` a shared block, `country` given with
 * `scope: country`, its questions voted in its own vote blocks (the checks of a ballot file).
 * Throws {@link InputError} naming `file:line` and the field for every problem at once.
 *
 * @example
 * const file = decodeSiteYaml(text, "sites/mx-oaxaca/site.yaml", dialogue)
 * file.national_session?.blocks[0].id // "mx-national"
 */
export const decodeSiteYaml = (text: string, file: string, dialogue: Dialogue): SiteFile => {
  const shared = new Set(dialogue.agenda.map((b) => b.id))
  const checked = SiteFile.check(Schema.makeFilter((f) => {
    const s = f.national_session
    if (s === undefined) return []
    const issues: Array<Schema.FilterIssue> = []
    const seen = new Set<string>()
    s.blocks.forEach((b, i) => {
      if (shared.has(b.id)) issues.push({ path: ["national_session", "blocks", i, "id"], issue: `expected a block id of the national session's own, "${b.id}" is a block of the shared agenda (convene.yaml)` })
      if (seen.has(b.id)) issues.push({ path: ["national_session", "blocks", i, "id"], issue: `expected a unique block id, "${b.id}" is repeated` })
      seen.add(b.id)
    })
    if (s.after !== undefined && !shared.has(s.after)) issues.push({ path: ["national_session", "after"], issue: `expected a block of the shared agenda (${[...shared].join(", ")}), got "${s.after}"` })
    if (s.scope === "country" && s.country === undefined) issues.push({ path: ["national_session", "country"], issue: "expected the country whose sites hold the session (scope: country)" })
    if (s.scope !== "country" && s.country !== undefined) issues.push({ path: ["national_session", "scope"], issue: "expected scope: country, since a country is given" })
    const total = [...dialogue.agenda, ...s.blocks].reduce((n, b) => n + b.minutes, 0)
    if (total > 24 * 60) issues.push({ path: ["national_session", "blocks"], issue: `expected a day of at most 24 hours with the shared agenda, got ${Math.floor(total / 60)} h ${total % 60} min` })
    issues.push(...questionIssues(s.questions ?? [], s.blocks, dialogue.source_locale, ["national_session", "questions"]))
    return issues
  }))
  return decodeYaml(checked, text, file, "a valid site file")
}

/**
 * Gathers the sessions declared by every site file: one per site, one per country (two site
 * files declaring their country's session are refused, naming both).
 */
export const gatherSessions = (declared: ReadonlyArray<DeclaredSession>): NationalSessions => {
  const bySite = new Map<string, DeclaredSession>()
  const byCountry = new Map<string, DeclaredSession>()
  const problems: Array<Problem> = []
  for (const d of declared) {
    if (d.session.scope === "country") {
      const first = byCountry.get(d.session.country!)
      if (first !== undefined) {
        problems.push({ file: d.file, line: yamlLocator(d.text)(["national_session", "country"]), field: "national_session.country", message: `expected one national session per country: ${d.session.country} already has one, in ${first.file}` })
        continue
      }
      byCountry.set(d.session.country!, d)
    } else {
      bySite.set(d.site, d)
    }
  }
  if (problems.length > 0) throw new InputError({ summary: "A national session is declared twice.", problems })
  return { bySite, byCountry }
}

/** The national session a site holds: its own, else its country's, else none. */
export const sessionOf = (sessions: NationalSessions | undefined, site: { readonly id: string; readonly country: string }): DeclaredSession | undefined =>
  sessions === undefined ? undefined : sessions.bySite.get(site.id) ?? sessions.byCountry.get(site.country)

/** A site's agenda: the shared blocks with its national session's inserted after `after` (or at the end). */
export const agendaWith = (agenda: ReadonlyArray<AgendaBlock>, session: NationalSession | undefined): ReadonlyArray<AgendaBlock> => {
  if (session === undefined) return agenda
  const at = session.after === undefined ? agenda.length : agenda.findIndex((b) => b.id === session.after) + 1
  return [...agenda.slice(0, at), ...session.blocks, ...agenda.slice(at)]
}

/**
 * The global questions with every national session's questions added, and which sites hold
 * each national question (`heldBy`). Question ids must be unique across the ballots and every
 * session (results are keyed by question id). Throws {@link InputError}.
 */
export const withNationalQuestions = (ballots: Ballots, sessions: NationalSessions, sites: ReadonlyArray<{ readonly id: string; readonly country: string }>): Ballots => {
  const declared = [...sessions.bySite.values(), ...sessions.byCountry.values()].filter((d) => (d.session.questions ?? []).length > 0)
  if (declared.length === 0) return ballots
  const holders = new Map<DeclaredSession, Set<string>>(declared.map((d) => [d, new Set<string>()]))
  for (const site of sites) {
    const d = sessionOf(sessions, site)
    if (d !== undefined) holders.get(d)?.add(site.id)
  }
  const origin = new Map<string, QuestionOrigin>(ballots.origin)
  const heldBy = new Map<string, ReadonlySet<string>>()
  const questions = [...ballots.questions]
  const problems: Array<Problem> = []
  for (const d of declared) {
    const lineOf = yamlLocator(d.text)
    d.session.questions!.forEach((q, index) => {
      const line = lineOf(["national_session", "questions", index, "id"])
      const first = origin.get(q.id)
      if (first !== undefined) {
        problems.push({ file: d.file, line, field: `national_session.questions.${index}.id`, message: `expected a unique question id, "${q.id}" is already declared at ${first.file}:${first.line}` })
        return
      }
      origin.set(q.id, { file: d.file, line, index, list: ["national_session", "questions"] })
      heldBy.set(q.id, holders.get(d)!)
      questions.push(q)
    })
  }
  if (problems.length > 0) throw new InputError({ summary: "A national session's question repeats another question's id.", problems })
  return { questions, origin, heldBy }
}
