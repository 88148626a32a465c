/**
 * The report's repository: the counts and histograms the impact report is computed from, per
 * site and participant category: the registry's counts in SQL, the answers read once and
 * tallied (`tally`). Each method is a named span ("ReportRepo.…").
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type { Kysely, RawBuilder } from "kysely"
import { answerTally, type TallySpec } from "../domain/AnswerTally.js"
import type { ReportCounts } from "../domain/Report.js"
import { repositoryLayer, type Run } from "../infra/Database.js"
import { sql } from "../infra/Sql.js"
import type { Tables } from "../infra/Tables.js"

/** Responses read per page by `tally` (a participant has one per wave, so a page holds thousands of participants). */
const TALLY_PAGE = 20_000

interface TallyRow {
  readonly id: string
  readonly site_id: string
  readonly cat: string | null
  readonly role: string | null
  readonly wave: string
  readonly answers: Record<string, unknown>
}

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

  /**
   * Every response to the instrument, read once in pages ordered by participant (so that memory
   * stays bounded), and counted by {@link answerTally}: each answer's value per wave and
   * question, and for every wave pair of `spec` the participants who answered both, their
   * (before, after) values and the changes of their knowledge index — for the panel and the
   * control group apart. One pass over the answers instead of a query per role, pair and measure:
   * the database's part is an index scan, the counting is the tally's. `pageSize` (responses per
   * page) is for tests that cross page boundaries; a page one participant fills is read again larger.
   */
  tally: Effect.fn("ReportRepo.tally")((instrument: string, category: string | null, spec: TallySpec, pageSize: number = TALLY_PAGE) =>
    run("counting answers", async () => {
      const tally = answerTally(spec)
      const page = (from: string | null, limit: number) =>
        sql<TallyRow>`
          select p.id, p.site_id, ${categoryColumn(category)} as cat, p.role, r.wave, r.answers
          from survey_responses r join participants p on p.id = r.participant_id
          where r.instrument = ${instrument}${from === null ? sql`` : sql` and r.participant_id >= ${from} and p.id >= ${from}`}
          order by r.participant_id
          limit ${limit}`.execute(db)
      let limit = Math.max(1, pageSize)
      let next = page(null, limit)
      let from: string | null = null
      for (;;) {
        const { rows } = await next
        // the last participant's responses may go on in the next page: they start it, and the
        // database reads it while this one is counted
        let end = rows.length
        const more = rows.length === limit
        if (more) {
          const last = rows[end - 1]!.id
          while (end > 0 && rows[end - 1]!.id === last) end--
          if (end === 0) {
            // one participant fills the page: read it again, larger
            next = page(from, (limit *= 2))
            continue
          }
          next = page((from = last), limit)
        }
        for (let i = 0; i < end;) {
          const first = rows[i]!
          const responses = new Map<string, Record<string, unknown>>()
          for (; i < end && rows[i]!.id === first.id; i++) responses.set(rows[i]!.wave, rows[i]!.answers)
          tally.add({ site_id: first.site_id, cat: first.cat, control: first.role === "control" }, responses)
        }
        if (!more) break
      }
      return tally.result()
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
