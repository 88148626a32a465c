/**
 * The report's repository: the counts and histograms the impact report is computed from, per
 * site and participant category, counted in SQL. Each method is a named span ("ReportRepo.…").
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { Kysely, RawBuilder } from "kysely"
import type { ReportCounts } from "../domain/Report.js"
import { repositoryLayer, type Run } from "../infra/Database.js"
import { sql } from "../infra/Sql.js"
import type { Tables } from "../infra/Tables.js"

/** The paired waves, e.g. `["pre", "post"]`. */
type Waves = readonly [string, string]

// a multiple choice's value, as jsonb_each_text writes it: the JSON array of the options chosen
const decodeChoices = Schema.decodeUnknownSync(Schema.fromJsonString(Schema.Array(Schema.String)))

/** The participants' category column of `--by category:<name>` (checked by the caller), or null. */
const categoryColumn = (category: string | null): RawBuilder<string | null> =>
  category === null ? sql<string | null>`null` : sql<string | null>`p.${sql.ref(category)}`

/**
 * Which participants a count covers: the `panel` (everyone but the control group: they
 * deliberated, at panel sites or in mirror dialogues) or the `control` group (role control).
 */
export type ReportRole = "panel" | "control"

const roleIs = (role: ReportRole): RawBuilder<boolean> =>
  role === "control" ? sql<boolean>`p.role = 'control'` : sql<boolean>`(p.role is null or p.role <> 'control')`

const make = (db: Kysely<Tables>, run: Run) => ({
  /** How many participants are in the control group (role control). */
  controls: Effect.fn("ReportRepo.controls")(() =>
    run("counting the control group", async () => {
      const { rows } = await sql<{ n: string }>`select count(*) as n from participants p where p.role = 'control'`.execute(db)
      return Number(rows[0]?.n ?? 0)
    })
  ),

  /** How many responses the instrument has, and how many of them `survey simulate` wrote. */
  responses: Effect.fn("ReportRepo.responses")((instrument: string) =>
    run("counting responses", async () => {
      const row = await db.selectFrom("survey_responses")
        .select((eb) => [eb.fn.countAll<string>().as("n"), eb.fn.count<string>("participant_id").filterWhere("simulated", "=", true).as("simulated")])
        .where("instrument", "=", instrument)
        .executeTakeFirstOrThrow()
      return { total: Number(row.n), simulated: Number(row.simulated) }
    })
  ),

  /** Participants registered, per site and category. */
  registered: Effect.fn("ReportRepo.registered")((category: string | null, role: ReportRole = "panel") =>
    run("counting participants", async (): Promise<ReportCounts["registered"]> => {
      const { rows } = await sql<{ site_id: string; cat: string | null; n: string }>`select p.site_id, ${categoryColumn(category)} as cat, count(*) as n from participants p where ${roleIs(role)} group by 1, 2`.execute(db)
      return rows.map((r) => ({ site_id: r.site_id, cat: r.cat, n: Number(r.n) }))
    })
  ),

  /** Participants recorded absent on the day (attendance), per site and category. */
  absent: Effect.fn("ReportRepo.absent")((category: string | null, role: ReportRole = "panel") =>
    run("counting no-shows", async (): Promise<ReportCounts["registered"]> => {
      const { rows } = await sql<{ site_id: string; cat: string | null; n: string }>`select p.site_id, ${categoryColumn(category)} as cat, count(*) as n from participants p join attendance a on a.participant_id = p.id where not a.present and ${roleIs(role)} group by 1, 2`.execute(db)
      return rows.map((r) => ({ site_id: r.site_id, cat: r.cat, n: Number(r.n) }))
    })
  ),

  /** E-mail invitations to the instrument, per site, category and wave. */
  invited: Effect.fn("ReportRepo.invited")((instrument: string, category: string | null, role: ReportRole = "panel") =>
    run("counting invitations", async (): Promise<ReportCounts["invited"]> => {
      const { rows } = await sql<{ site_id: string; cat: string | null; wave: string; n: string }>`select p.site_id, ${categoryColumn(category)} as cat, i.wave, count(*) as n from survey_invitations i join participants p on p.id = i.participant_id where i.instrument = ${instrument} and ${roleIs(role)} group by 1, 2, 3`.execute(db)
      return rows.map((r) => ({ site_id: r.site_id, cat: r.cat, wave: r.wave, n: Number(r.n) }))
    })
  ),

  /** Responses to the instrument, per site, category and wave. */
  answered: Effect.fn("ReportRepo.answered")((instrument: string, category: string | null, role: ReportRole = "panel") =>
    run("counting answers", async (): Promise<ReportCounts["answered"]> => {
      const { rows } = await sql<{ site_id: string; cat: string | null; wave: string; n: string }>`select p.site_id, ${categoryColumn(category)} as cat, r.wave, count(*) as n from survey_responses r join participants p on p.id = r.participant_id where r.instrument = ${instrument} and ${roleIs(role)} group by 1, 2, 3`.execute(db)
      return rows.map((r) => ({ site_id: r.site_id, cat: r.cat, wave: r.wave, n: Number(r.n) }))
    })
  ),

  /** Participants who answered both paired waves, per site and category. */
  pairs: Effect.fn("ReportRepo.pairs")((instrument: string, waves: Waves, category: string | null, role: ReportRole = "panel") =>
    run("counting pairs", async (): Promise<ReportCounts["paired"]> => {
      const { rows } = await sql<{ site_id: string; cat: string | null; n: string }>`select p.site_id, ${categoryColumn(category)} as cat, count(*) as n from survey_responses a join survey_responses b on b.participant_id = a.participant_id and b.instrument = a.instrument and b.wave = ${waves[1]} join participants p on p.id = a.participant_id where a.instrument = ${instrument} and a.wave = ${waves[0]} and ${roleIs(role)} group by 1, 2`.execute(db)
      return rows.map((r) => ({ site_id: r.site_id, cat: r.cat, n: Number(r.n) }))
    })
  ),

  /**
   * Every answer's value, counted per site, category, wave and question (free text included).
   * The values of the questions in `multiple` (multiple choice) come back as their lists of options.
   */
  values: Effect.fn("ReportRepo.values")((instrument: string, category: string | null, multiple: ReadonlySet<string>, role: ReportRole = "panel") =>
    run("counting answers per value", async (): Promise<ReportCounts["values"]> => {
      const { rows } = await sql<{ site_id: string; cat: string | null; wave: string; question: string; value: string; n: string }>`select p.site_id, ${categoryColumn(category)} as cat, r.wave, e.key as question, e.value as value, count(*) as n from survey_responses r join participants p on p.id = r.participant_id cross join lateral jsonb_each_text(r.answers) e where r.instrument = ${instrument} and ${roleIs(role)} group by 1, 2, 3, 4, 5`.execute(db)
      // values come as text: a multiple choice is its JSON array of option ids
      return rows.map((r) => ({
        site_id: r.site_id,
        cat: r.cat,
        wave: r.wave,
        question: r.question,
        value: multiple.has(r.question) && r.value.startsWith("[") ? decodeChoices(r.value) : r.value,
        n: Number(r.n)
      }))
    })
  ),

  /**
   * Each paired answer's (pre, post) values, counted per site, category and question: changes
   * and transitions come from it. The pairs are joined once (materialized), then each question
   * read from both.
   */
  pairedValues: Effect.fn("ReportRepo.pairedValues")((instrument: string, waves: Waves, questions: ReadonlyArray<string>, category: string | null, role: ReportRole = "panel") =>
    questions.length === 0 ? Effect.succeed<ReportCounts["pairedValues"]>([]) : run("counting paired answers", async (): Promise<ReportCounts["pairedValues"]> => {
      // every (pair, question) is counted, then those where a wave has no answer are dropped:
      // filtering with `pa ? key` before grouping made PostgreSQL expect a few hundred rows and
      // sort millions of them on disk; without it, it hashes them (4.7 s instead of 9.2 s for the
      // 100,000 pairs of bench-report.mjs, EXPLAIN ANALYZE)
      const { rows } = await sql<{ site_id: string; cat: string | null; question: string; pre: string; post: string; n: string }>`
        with pairs as materialized (
          select p.site_id, ${categoryColumn(category)} as cat, a.answers as pa, b.answers as pb
          from survey_responses a
          join survey_responses b on b.participant_id = a.participant_id and b.instrument = a.instrument and b.wave = ${waves[1]}
          join participants p on p.id = a.participant_id
          where a.instrument = ${instrument} and a.wave = ${waves[0]} and ${roleIs(role)}
        ),
        counted as (
          select site_id, cat, k.key as question, pa ->> k.key as pre, pb ->> k.key as post, count(*) as n
          from pairs cross join unnest(array[${sql.join(questions)}]::text[]) as k(key)
          group by 1, 2, 3, 4, 5
        )
        select * from counted where pre is not null and post is not null`.execute(db)
      return rows.map((r) => ({ site_id: r.site_id, cat: r.cat, question: r.question, pre: r.pre, post: r.post, n: Number(r.n) }))
    })
  ),

  /**
   * The knowledge index (share of the items answered correctly among those answered) of each
   * participant who answered both waves: its change post − pre counted per site and category,
   * with the sums of the pre and post indexes.
   */
  knowledgeScores: Effect.fn("ReportRepo.knowledgeScores")((instrument: string, waves: Waves, items: ReadonlyArray<{ readonly id: string; readonly correct: string }>, category: string | null, role: ReportRole = "panel") =>
    items.length === 0 ? Effect.succeed<ReportCounts["knowledge"]>([]) : run("scoring knowledge", async (): Promise<ReportCounts["knowledge"]> => {
      const { rows } = await sql<{ site_id: string; cat: string | null; diff: string | number; pre_sum: string | number; post_sum: string | number; n: string }>`
        with k(key, correct) as (values ${sql.join(items.map((q) => sql`(${q.id}, ${q.correct})`))}),
        scores as (
          select a.participant_id,
            (count(*) filter (where a.answers ->> k.key = k.correct))::numeric / nullif(count(a.answers -> k.key), 0) as pre,
            (count(*) filter (where b.answers ->> k.key = k.correct))::numeric / nullif(count(b.answers -> k.key), 0) as post
          from survey_responses a
          join survey_responses b on b.participant_id = a.participant_id and b.instrument = a.instrument and b.wave = ${waves[1]}
          cross join k
          where a.instrument = ${instrument} and a.wave = ${waves[0]}
          group by a.participant_id
        )
        select p.site_id, ${categoryColumn(category)} as cat, round(s.post - s.pre, 9) as diff, sum(s.pre) as pre_sum, sum(s.post) as post_sum, count(*) as n
        from scores s join participants p on p.id = s.participant_id
        where s.pre is not null and s.post is not null and ${roleIs(role)}
        group by 1, 2, 3`.execute(db)
      // numeric comes as text from PostgreSQL
      return rows.map((r) => ({ site_id: r.site_id, cat: r.cat, diff: Number(r.diff), preSum: Number(r.pre_sum), postSum: Number(r.post_sum), n: Number(r.n) }))
    })
  )
})

/**
 * The report's repository as a service.
 *
 * @example
 * const answered = yield* ReportRepo.use((repo) => repo.answered("evaluation", null)) // [{ site_id: "sn-dakar", cat: null, wave: "pre", n: 96 }, …]
 */
export class ReportRepo extends Context.Service<ReportRepo, ReturnType<typeof make>>()("convene/ReportRepo") {
  static readonly layer = repositoryLayer(ReportRepo, make)
}
