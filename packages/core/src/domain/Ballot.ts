/**
 * The dialogue's vote questions, `ballots/*.yaml`: each tied to an agenda block of kind `vote`,
 * typed (single, multiple, scale, ranking, recommendations), with labels per locale and a
 * collection mode (`ballot`: one paper per participant; `tally`: the table counts hands).
 * Decoding checks every question against the agenda and names `file:line` for each problem.
 */
import * as Schema from "effect/Schema"
import type { Dialogue } from "./Dialogue.js"
import { InputError, type Problem } from "./Errors.js"
import { Labels } from "./Instrument.js"
import { Slug } from "./Values.js"
import { decodeYaml, yamlLocator } from "./Yaml.js"

/** How a vote is collected: `ballot` (each participant fills a paper), `tally` (the table counts hands). */
export const CollectMode = Schema.Literals(["ballot", "tally"])
export type CollectMode = typeof CollectMode.Type

/** One option of a vote question. */
export const VoteOption = Schema.Struct({ id: Slug, label: Labels })
export type VoteOption = typeof VoteOption.Type

const Options = Schema.Array(VoteOption).check(Schema.isMinLength(2, { message: "expected at least two options" }))

const common = {
  id: Slug,
  /** The agenda block (of kind `vote`) in which the question is voted. */
  block: Slug,
  label: Labels,
  /** An optional explanation printed under the question. */
  help: Schema.optionalKey(Labels)
}

/** One option among several. */
export const SingleVote = Schema.Struct({ ...common, type: Schema.Literal("single"), collect: CollectMode, options: Options })
/** At most `max_choices` options. */
export const MultipleVote = Schema.Struct({
  ...common,
  type: Schema.Literal("multiple"),
  collect: CollectMode,
  options: Options,
  max_choices: Schema.Number.check(Schema.isInt({ message: "expected a whole number of choices" }), Schema.isGreaterThanOrEqualTo(1, { message: "expected at least 1 choice" }))
})
/** A 0–10 or 1–5 scale; `low` and `high` label its ends. */
export const ScaleVote = Schema.Struct({
  ...common,
  type: Schema.Literal("scale"),
  collect: CollectMode,
  scale: Schema.Literals(["0-10", "1-5"]),
  low: Schema.optionalKey(Labels),
  high: Schema.optionalKey(Labels)
})
/** The options in order of preference; every participant ranks on a ballot. */
export const RankingVote = Schema.Struct({ ...common, type: Schema.Literal("ranking"), collect: CollectMode, options: Options })
/**
 * The tables' recommendations: free text per table, then priority votes across the site's
 * recommendations, `votes_per_participant` each, counted per recommendation.
 */
export const RecommendationsVote = Schema.Struct({
  ...common,
  type: Schema.Literal("recommendations"),
  /** How many recommendations a table may write (default 3). */
  per_table: Schema.optionalKey(Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 20 }, { message: "expected 1 to 20 recommendations per table" }))),
  votes_per_participant: Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 10 }, { message: "expected 1 to 10 priority votes per participant" }))
})

/** Any vote question. */
export const VoteQuestion = Schema.Union([SingleVote, MultipleVote, ScaleVote, RankingVote, RecommendationsVote])
export type VoteQuestion = typeof VoteQuestion.Type
export type VoteType = VoteQuestion["type"]
/** The questions whose answers are options (or scale points) counted per site. */
export type CountedQuestion = Exclude<VoteQuestion, { readonly type: "recommendations" }>
export type RecommendationsQuestion = typeof RecommendationsVote.Type

/** A ballot file: one or more vote questions. */
export const BallotFile = Schema.Struct({
  questions: Schema.Array(VoteQuestion).check(Schema.isMinLength(1, { message: "expected at least one question" }))
})
export type BallotFile = typeof BallotFile.Type

/** The vote questions of a dialogue, in file order, with where each was declared. */
export interface Ballots {
  readonly questions: ReadonlyArray<VoteQuestion>
  /** Question id → `{ file, line, index }` of its declaration (index in its file's `questions`), for messages and `kit check`. */
  readonly origin: ReadonlyMap<string, QuestionOrigin>
  /**
   * The questions of national sessions (`sites/<id>/site.yaml`, see `domain/NationalSession.ts`):
   * question id → the sites that hold it. A question not in it is global: every site holds it.
   */
  readonly heldBy?: ReadonlyMap<string, ReadonlySet<string>> | undefined
}

/** Where a question is declared: file, line, and its index in the file's list at `list` (default `questions`). */
export interface QuestionOrigin {
  readonly file: string
  readonly line: number
  readonly index: number
  /** The path of the list holding it (`["questions"]` in a ballot file, `["national_session", "questions"]` in a site.yaml). */
  readonly list?: ReadonlyArray<string | number> | undefined
}

/** Whether a site holds a question: every site holds a global one; a national one, the sites of its session. */
export const heldAt = (ballots: Ballots, question: string, site: string): boolean => ballots.heldBy?.get(question)?.has(site) ?? true

/** Whether a question belongs to a national session (and so is never mixed into global comparisons). */
export const isNational = (ballots: Ballots, question: string): boolean => ballots.heldBy?.has(question) ?? false

/** The questions one site votes on: the global ones and its national session's. */
export const ballotsForSite = (ballots: Ballots, site: string): Ballots =>
  ballots.heldBy === undefined || ballots.heldBy.size === 0 ? ballots : { ...ballots, questions: ballots.questions.filter((q) => heldAt(ballots, q.id, site)) }

/** Only the global questions: what every site votes on, and what global comparisons count. */
export const globalBallots = (ballots: Ballots): Ballots =>
  ballots.heldBy === undefined || ballots.heldBy.size === 0 ? ballots : { questions: ballots.questions.filter((q) => !ballots.heldBy!.has(q.id)), origin: ballots.origin }

/** The scale points of a scale question, as option ids: "0" … "10" or "1" … "5". */
export const scalePoints = (q: typeof ScaleVote.Type): Array<string> => (q.scale === "0-10" ? Array.from({ length: 11 }, (_, i) => String(i)) : ["1", "2", "3", "4", "5"])

/** The option ids a counted question accepts: its options, or its scale points. */
export const optionIds = (q: CountedQuestion): Array<string> => (q.type === "scale" ? scalePoints(q) : q.options.map((o) => o.id))

/** Whether a question's answers are counted per option (every type but recommendations). */
export const isCounted = (q: VoteQuestion): q is CountedQuestion => q.type !== "recommendations"

/** How many options one participant may choose: 1, `max_choices`, or every option for a ranking. */
export const maxChoices = (q: CountedQuestion): number => (q.type === "multiple" ? q.max_choices : q.type === "ranking" ? q.options.length : 1)

/**
 * Decodes one ballot file and checks it against the dialogue's agenda: every `block` must be an
 * agenda block of kind `vote`, option ids unique, `max_choices` below the number of options.
 * Throws {@link InputError} naming `file:line` and the field for every problem at once.
 *
 * @example
 * const file = decodeBallotYaml(text, "ballots/votes.yaml", dialogue)
 * file.questions[0].block // "vote-1"
 */
export const decodeBallotYaml = (text: string, file: string, dialogue: Dialogue): BallotFile => {
  const checked = BallotFile.check(Schema.makeFilter((f) => questionIssues(f.questions, dialogue.agenda, dialogue.source_locale, ["questions"])))
  // the type first: a question of an unknown type is named as such, rather than as a mismatch
  // against every type at once
  decodeYaml(BallotTypes, text, file, "a valid ballot file")
  return decodeYaml(checked, text, file, "a valid ballot file")
}

/**
 * The problems of a list of vote questions against the agenda blocks they may be voted in:
 * unique ids, every `block` a block of kind vote, unique option ids, a ranking on ballots,
 * `max_choices` within the options, a label in the source locale. Paths start at `at`.
 */
export const questionIssues = (
  questions: ReadonlyArray<VoteQuestion>,
  agenda: ReadonlyArray<{ readonly id: string; readonly kind: string }>,
  sourceLocale: string,
  at: ReadonlyArray<string | number>
): Array<Schema.FilterIssue> => {
  const blocks = new Map(agenda.map((b) => [b.id, b]))
  const votes = agenda.filter((b) => b.kind === "vote").map((b) => b.id)
  const issues: Array<Schema.FilterIssue> = []
  const ids = new Set<string>()
  questions.forEach((q, i) => {
    const path = [...at, i]
    if (ids.has(q.id)) issues.push({ path: [...path, "id"], issue: `expected a unique question id, "${q.id}" is repeated` })
    ids.add(q.id)
    const block = blocks.get(q.block)
    if (block === undefined) issues.push({ path: [...path, "block"], issue: `expected an agenda block of kind vote (${votes.join(", ") || "the agenda has none"}), got "${q.block}"` })
    else if (block.kind !== "vote") issues.push({ path: [...path, "block"], issue: `expected a block of kind vote, "${q.block}" is a ${block.kind} block (vote blocks: ${votes.join(", ") || "none"})` })
    if ("options" in q) {
      const seen = new Set<string>()
      q.options.forEach((o, j) => {
        if (seen.has(o.id)) issues.push({ path: [...path, "options", j, "id"], issue: `expected a unique option id, "${o.id}" is repeated` })
        seen.add(o.id)
      })
    }
    if (q.type === "ranking" && q.collect !== "ballot") issues.push({ path: [...path, "collect"], issue: "expected ballot: a ranking is collected on ballots, one per participant (a table cannot tally an order of preference)" })
    if (q.type === "multiple" && q.max_choices > q.options.length) issues.push({ path: [...path, "max_choices"], issue: `expected at most ${q.options.length} choices (the number of options)` })
    if (q.label[sourceLocale] === undefined) issues.push({ path: [...path, "label"], issue: `expected a label in the source locale ${sourceLocale}` })
  })
  return issues
}

const BallotTypes = Schema.Struct({
  questions: Schema.Array(Schema.Struct({ type: Schema.Literals(["single", "multiple", "scale", "ranking", "recommendations"]) }))
})

/** A ballot file as read: its name (for messages) and text. */
export interface BallotSource {
  readonly file: string
  readonly text: string
}

/**
 * Decodes every ballot file of a workspace and checks question ids are unique across files.
 * Throws one {@link InputError} with the problems of every file.
 */
export const decodeBallots = (sources: ReadonlyArray<BallotSource>, dialogue: Dialogue): Ballots => {
  const problems: Array<Problem> = []
  const questions: Array<VoteQuestion> = []
  const origin = new Map<string, QuestionOrigin>()
  for (const source of sources) {
    let decoded: BallotFile
    try {
      decoded = decodeBallotYaml(source.text, source.file, dialogue)
    } catch (e) {
      if (e instanceof InputError) {
        problems.push(...e.problems)
        continue
      }
      throw e
    }
    const lineOf = yamlLocator(source.text)
    decoded.questions.forEach((q, i) => {
      const line = lineOf(["questions", i, "id"])
      const first = origin.get(q.id)
      if (first !== undefined) {
        problems.push({ file: source.file, line, field: `questions.${i}.id`, message: `expected a unique question id, "${q.id}" is already declared at ${first.file}:${first.line}` })
        return
      }
      origin.set(q.id, { file: source.file, line, index: i })
      questions.push(q)
    })
  }
  if (problems.length > 0) throw new InputError({ summary: "A ballot file is not valid.", problems })
  return { questions, origin }
}

/**
 * Every label of the ballots missing in one of `locales` (the dialogue's), located at the
 * question: `kit check` reports them like missing catalog keys. A missing label falls back to
 * the source locale when printed.
 */
export const ballotCoverage = (ballots: Ballots, sources: ReadonlyArray<BallotSource>, locales: ReadonlyArray<string>): Array<Problem> => {
  const locators = new Map(sources.map((s) => [s.file, yamlLocator(s.text)]))
  const problems: Array<Problem> = []
  for (const q of ballots.questions) {
    const at = ballots.origin.get(q.id)!
    const locate = locators.get(at.file)
    const lineOf = (path: ReadonlyArray<string | number>): number => (locate === undefined ? at.line : locate([...(at.list ?? ["questions"]), at.index, ...path]))
    const need = (labels: Labels | undefined, path: ReadonlyArray<string | number>, what: string): void => {
      if (labels === undefined) return
      for (const l of locales) {
        if (labels[l] === undefined) problems.push({ file: at.file, line: lineOf(path), field: `${q.id}.${[...path, l].join(".")}`, message: `${what} has no ${l} label` })
      }
    }
    need(q.label, ["label"], `the question "${q.id}"`)
    need(q.help, ["help"], `the help of "${q.id}"`)
    if (q.type === "scale") {
      need(q.low, ["low"], `the low end of "${q.id}"`)
      need(q.high, ["high"], `the high end of "${q.id}"`)
    }
    if ("options" in q) q.options.forEach((o, j) => need(o.label, ["options", j, "label"], `the option "${o.id}" of "${q.id}"`))
  }
  return problems
}

/** The questions voted in one agenda block, in order. */
export const questionsOfBlock = (ballots: Ballots, block: string): Array<VoteQuestion> => ballots.questions.filter((q) => q.block === block)

/** A label in `locale`, else its language, else `fallback` (the dialogue's source locale). */
export const voteLabel = (labels: Labels, locale: string, fallback: string): string =>
  labels[locale] ?? labels[locale.split("-")[0]!] ?? labels[fallback] ?? Object.values(labels)[0] ?? ""
