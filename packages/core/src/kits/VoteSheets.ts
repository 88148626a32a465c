/**
 * The vote sheets of a kit, from the dialogue's ballots (`ballots/*.yaml`): per vote block a
 * participant ballot (the questions collected by ballot) and a table tally sheet (the questions
 * counted by the table), and a recommendations sheet. Pure: labels in the kit's locale (the
 * source locale's where one is missing), numbers through the kit's Intl.
 */
import { type Ballots, type CountedQuestion, isCounted, maxChoices, questionsOfBlock, type RecommendationsQuestion, scalePoints, type VoteQuestion, voteLabel } from "../domain/Ballot.js"
import type { Labels } from "../domain/Instrument.js"

/** An agenda block of kind `vote` as the kit shows it. */
export interface VoteBlock {
  readonly id: string
  readonly title: string
  /** Its local start time, formatted. */
  readonly start: string
  /** Its number among the agenda's vote blocks, from 1. */
  readonly number: number
}

/** One counted question as a ballot or a tally sheet prints it. */
export interface PrintedVote {
  /** Its number on the sheet, formatted in the kit's locale. */
  readonly number: string
  readonly id: string
  readonly type: CountedQuestion["type"]
  readonly label: string
  readonly help: string | undefined
  /** The options, or a scale's points (the point's id, its number formatted as label). */
  readonly options: ReadonlyArray<{ readonly id: string; readonly label: string }>
  /** The labels of a scale's ends. */
  readonly low: string | undefined
  readonly high: string | undefined
  /** A scale's ends, formatted. */
  readonly min: string
  readonly max: string
  /** How many options one participant may choose (every option for a ranking). */
  readonly max_choices: number
}

/** One printed sheet of a kit: its document id and file, the vote block it belongs to. */
interface Sheet {
  readonly doc: string
  readonly file: string
  readonly block: VoteBlock
}

/** A participant ballot: the questions of one vote block that every participant answers on paper. */
export interface BallotSheet extends Sheet {
  readonly questions: ReadonlyArray<PrintedVote>
}

/**
 * A table tally sheet: the questions of one vote block the table counts by show of hands. A
 * vote block without any question gets a blank one (`questions` empty), so the day can still
 * be held and counted by hand before the ballots are written.
 */
export interface TallySheet extends Sheet {
  readonly questions: ReadonlyArray<PrintedVote>
  /** Write-in option rows of a blank sheet, numbered. */
  readonly blank_rows: ReadonlyArray<string>
}

/** A recommendations question as its sheet prints it: per table, numbered boxes for text and a priority-votes column. */
export interface PrintedRecommendations {
  readonly id: string
  readonly label: string
  readonly help: string | undefined
  readonly votes_per_participant: number
  /** The recommendation numbers, 1 to `per_table`, formatted. */
  readonly rows: ReadonlyArray<string>
}

/** The recommendations sheet of a vote block: one page per recommendations question voted in it. */
export interface RecommendationsSheet extends Sheet {
  readonly questions: ReadonlyArray<PrintedRecommendations>
}

/** One vote block as the facilitator guide lists it: its questions, how each is collected, its sheets. */
export interface VoteSummary {
  readonly block: VoteBlock
  readonly questions: ReadonlyArray<{ readonly id: string; readonly label: string; readonly collect: "ballot" | "tally" | "recommendations" }>
  readonly ballot: BallotSheet | undefined
  readonly tally: TallySheet | undefined
  readonly recommendations: RecommendationsSheet | undefined
}

/** Every vote sheet of a kit, in agenda order. */
export interface VoteSheets {
  readonly ballots: ReadonlyArray<BallotSheet>
  readonly tallies: ReadonlyArray<TallySheet>
  readonly recommendations: ReadonlyArray<RecommendationsSheet>
  readonly votes: ReadonlyArray<VoteSummary>
}

/** The vote blocks that have no question, for warnings: their tally sheet is blank. */
export const unaskedVoteBlocks = (ballots: Ballots, blocks: ReadonlyArray<{ readonly id: string; readonly kind: string }>): Array<string> =>
  blocks.filter((b) => b.kind === "vote" && questionsOfBlock(ballots, b.id).length === 0).map((b) => b.id)

/**
 * The sheets of every vote block, with labels in `locale` (else its language, else the
 * dialogue's `sourceLocale`) and numbers formatted by `number`.
 *
 * @example
 * const sheets = voteSheetsOf(ballots, [{ id: "vote-1", title: "Vote", start: "10:00", number: 1 }], "fr-SN", "en", new Intl.NumberFormat("fr-SN"))
 * sheets.tallies[0].file // "tally-sheet-vote-1.html"
 */
export const voteSheetsOf = (ballots: Ballots, blocks: ReadonlyArray<VoteBlock>, locale: string, sourceLocale: string, number: Intl.NumberFormat): VoteSheets => {
  const label = (labels: Labels): string => voteLabel(labels, locale, sourceLocale)
  const optional = (labels: Labels | undefined): string | undefined => (labels === undefined ? undefined : label(labels))
  const printed = (q: CountedQuestion, i: number): PrintedVote => {
    const points = q.type === "scale" ? scalePoints(q) : []
    return {
      number: number.format(i + 1),
      id: q.id,
      type: q.type,
      label: label(q.label),
      help: optional(q.help),
      options: q.type === "scale" ? points.map((p) => ({ id: p, label: number.format(Number(p)) })) : q.options.map((o) => ({ id: o.id, label: label(o.label) })),
      low: q.type === "scale" ? optional(q.low) : undefined,
      high: q.type === "scale" ? optional(q.high) : undefined,
      min: points.length > 0 ? number.format(Number(points[0])) : "",
      max: points.length > 0 ? number.format(Number(points.at(-1))) : "",
      max_choices: maxChoices(q)
    }
  }
  const ballotSheets: Array<BallotSheet> = []
  const tallySheets: Array<TallySheet> = []
  const recommendationSheets: Array<RecommendationsSheet> = []
  const votes: Array<VoteSummary> = []
  for (const block of blocks) {
    const questions: ReadonlyArray<VoteQuestion> = questionsOfBlock(ballots, block.id)
    const counted = questions.filter(isCounted)
    const onBallot = counted.filter((q) => q.collect === "ballot")
    const byTally = counted.filter((q) => q.collect === "tally")
    const ballot = onBallot.length === 0 ? undefined : { doc: `ballot-${block.id}`, file: `ballot-${block.id}.html`, block, questions: onBallot.map(printed) }
    const tally = byTally.length === 0 && questions.length > 0
      ? undefined
      : {
        doc: `tally-sheet-${block.id}`,
        file: `tally-sheet-${block.id}.html`,
        block,
        questions: byTally.map(printed),
        blank_rows: byTally.length === 0 ? Array.from({ length: 6 }, (_, i) => number.format(i + 1)) : []
      }
    const asked = questions.filter((q): q is RecommendationsQuestion => q.type === "recommendations")
    const recommendations = asked.length === 0
      ? undefined
      : {
        doc: `recommendations-${block.id}`,
        file: `recommendations-${block.id}.html`,
        block,
        questions: asked.map((q) => ({
          id: q.id,
          label: label(q.label),
          help: optional(q.help),
          votes_per_participant: q.votes_per_participant,
          rows: Array.from({ length: q.per_table ?? 3 }, (_, i) => number.format(i + 1))
        }))
      }
    if (ballot !== undefined) ballotSheets.push(ballot)
    if (tally !== undefined) tallySheets.push(tally)
    if (recommendations !== undefined) recommendationSheets.push(recommendations)
    votes.push({
      block,
      questions: questions.map((q) => ({ id: q.id, label: label(q.label), collect: isCounted(q) ? q.collect : "recommendations" })),
      ballot,
      tally,
      recommendations
    })
  }
  return { ballots: ballotSheets, tallies: tallySheets, recommendations: recommendationSheets, votes }
}
