/**
 * The results' repository: every SQL statement on the sites' results, their status, the audit
 * log and the entry links. A site's results have one write path, {@link ResultsRepo}
 * `replaceParts`, for CSV and Kobo imports, the web form and the simulation, which also stores
 * each site's counts per question so that the report reads one row per site and question.
 */
import * as Context from "effect/Context"
import * as Schema from "effect/Schema"
import { type Kysely, sql, type Transaction } from "kysely"
import { type BallotValue, type Recommendation, type ResultPart, type ResultStatus, SiteResults, type SiteQuestionTotals, type TableTally } from "../domain/Results.js"
import { repositoryLayer, type Run } from "../infra/Database.js"
import type { Tables } from "../infra/Tables.js"

/** Site ids per `in (…)` list. */
const READ_BATCH = 5000
/** Rows per bulk insert: each column goes as one array parameter (`unnest`), so a batch is a handful of parameters. */
const INSERT_BATCH = 20000

/** A site's results status as stored. */
export interface SiteResultStatus {
  readonly site_id: string
  readonly status: ResultStatus
  readonly simulated: boolean
  readonly updated_at: Date
  readonly updated_by: string
  readonly submitted_at: Date | null
  readonly validated_at: Date | null
  readonly validated_by: string | null
}

/** One entry of the append-only audit log. */
export interface ResultLogEntry {
  readonly id: number
  readonly site_id: string
  readonly at: Date
  readonly actor: string
  readonly action: string
  readonly status_before: ResultStatus | null
  readonly status_after: ResultStatus | null
  readonly reason: string | null
  readonly before: SiteResults | null
  readonly after: SiteResults | null
}

/** A site's entry counts: tables and people present, ballots cast. */
export interface SiteEntryCounts {
  readonly site_id: string
  readonly tables: number
  readonly present: number
  readonly ballots: number
}

/** A stored recommendation with its site. */
export interface StoredRecommendation extends Recommendation {
  readonly site_id: string
}

/** The outcome of a write: done, or refused because some sites are validated (nothing written). */
export type ReplaceOutcome = { readonly written: number } | { readonly validated: ReadonlyArray<string> }

/** A status change to record. */
export interface StatusChange {
  readonly site_id: string
  readonly from: ResultStatus
  readonly to: ResultStatus
}

class Refused {
  constructor(readonly validated: ReadonlyArray<string>) {}
}

const decodeResults = Schema.decodeUnknownSync(SiteResults)
const jsonOf = (x: unknown): SiteResults | null => (x === null || x === undefined ? null : decodeResults(typeof x === "string" ? JSON.parse(x) : x))

const chunks = <A>(items: ReadonlyArray<A>, size: number): Array<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** The stored JSON of a column: parsed by both drivers, or text for a driver that hands it over as is. */
const parsed = <A>(x: unknown): A => (typeof x === "string" ? JSON.parse(x) : x) as A

/** Reads the stored results of `siteIds` (in one transaction or not), as {@link SiteResults}. */
const readSites = async (db: Kysely<Tables>, siteIds: ReadonlyArray<string>): Promise<Map<string, SiteResults>> => {
  const out = new Map<string, { tallies: Array<TableTally>; ballots: Array<{ ballot: string; answers: Record<string, BallotValue> }>; recommendations: Array<Recommendation> }>()
  for (const id of siteIds) out.set(id, { tallies: [], ballots: [], recommendations: [] })
  for (const ids of chunks(siteIds, READ_BATCH)) {
    for (const t of await db.selectFrom("result_tables").select(["site_id", "table_no", "present", "counts"]).where("site_id", "in", ids).orderBy("site_id").orderBy("table_no").execute()) {
      out.get(t.site_id)?.tallies.push({ table: t.table_no, present: t.present, counts: parsed(t.counts) })
    }
    for (const b of await db.selectFrom("result_ballots").select(["site_id", "ballot", "answers"]).where("site_id", "in", ids).orderBy("site_id").orderBy("ballot").execute()) {
      out.get(b.site_id)?.ballots.push({ ballot: b.ballot, answers: parsed(b.answers) })
    }
    for (const r of await db.selectFrom("result_recommendations").select(["site_id", "question", "table_no", "number", "text", "votes"]).where("site_id", "in", ids).orderBy("site_id").orderBy("question").orderBy("table_no").orderBy("number").execute()) {
      out.get(r.site_id)?.recommendations.push({ question: r.question, table: r.table_no, number: r.number, text: r.text, votes: r.votes })
    }
  }
  return new Map([...out].map(([site_id, r]) => [site_id, { site_id, ...r }]))
}

const make = (db: Kysely<Tables>, run: Run) => {
  const bulk = async (tx: Transaction<Tables>, table: string, columns: ReadonlyArray<readonly [string, string, ReadonlyArray<unknown>]>): Promise<void> => {
    const length = columns[0]![2].length
    for (let i = 0; i < length; i += INSERT_BATCH) {
      const names = sql.join(columns.map(([name]) => sql.ref(name)))
      const arrays = sql.join(columns.map(([, type, values]) => sql`${values.slice(i, i + INSERT_BATCH)}::${sql.raw(type)}[]`))
      await sql`insert into ${sql.table(table)} (${names}) select * from unnest(${arrays})`.execute(tx)
    }
  }

  return {
    /** The results status of every site that has entered something, by site id. */
    statuses: () =>
      run("reading the results status", async (): Promise<Array<SiteResultStatus>> =>
        (await db.selectFrom("result_sites").selectAll().orderBy("site_id").execute()).map((r) => ({ ...r, status: r.status }))),

    /** The stored results of some sites (an absent site has empty results). */
    readSites: (siteIds: ReadonlyArray<string>) => run("reading results", () => readSites(db, siteIds)),

    /**
     * The one write path of results — CSV and Kobo imports, the web form, the simulation. In one
     * transaction: refuses (writing nothing) when one of the sites is validated; otherwise
     * replaces the `parts` of each site's results with the given ones, creates the site's status
     * row as a draft when it has none, stores each site's counts per question as `totalsOf`
     * derives them from its whole results, and logs each site's results before and after.
     */
    replaceParts: (
      entries: ReadonlyArray<SiteResults>,
      parts: ReadonlyArray<ResultPart>,
      by: { readonly actor: string; readonly action: string; readonly simulated: boolean; readonly totalsOf: (results: SiteResults) => ReadonlyArray<SiteQuestionTotals>; readonly submit?: boolean | undefined }
    ) =>
      run("storing results", async (): Promise<ReplaceOutcome> => {
        try {
          return await db.transaction().execute(async (tx) => {
            const ids = entries.map((e) => e.site_id)
            const existing = new Map<string, ResultStatus>()
            for (const batch of chunks(ids, READ_BATCH)) {
              for (const r of await tx.selectFrom("result_sites").select(["site_id", "status"]).where("site_id", "in", batch).forUpdate().execute()) existing.set(r.site_id, r.status)
            }
            const validated = ids.filter((id) => existing.get(id) === "validated")
            if (validated.length > 0) throw new Refused(validated)
            const before = existing.size === 0 ? new Map<string, SiteResults>() : await readSites(tx, ids.filter((id) => existing.has(id)))
            const fresh = ids.filter((id) => !existing.has(id))
            const now = new Date().toISOString()
            for (const batch of chunks(fresh, INSERT_BATCH)) {
              await tx.insertInto("result_sites").values(batch.map((site_id) => ({ site_id, status: by.submit === true ? "submitted" as const : "draft" as const, simulated: by.simulated, updated_by: by.actor, updated_at: now, submitted_at: by.submit === true ? now : null }))).execute()
            }
            const known = ids.filter((id) => existing.has(id))
            for (const batch of chunks(known, READ_BATCH)) {
              await tx.updateTable("result_sites").set({ updated_at: now, updated_by: by.actor, simulated: by.simulated, ...(by.submit === true ? { status: "submitted", submitted_at: now } : {}) }).where("site_id", "in", batch).execute()
            }
            for (const batch of chunks(known, READ_BATCH)) {
              if (parts.includes("tallies")) await tx.deleteFrom("result_tables").where("site_id", "in", batch).execute()
              if (parts.includes("ballots")) await tx.deleteFrom("result_ballots").where("site_id", "in", batch).execute()
              if (parts.includes("recommendations")) await tx.deleteFrom("result_recommendations").where("site_id", "in", batch).execute()
              await tx.deleteFrom("result_totals").where("site_id", "in", batch).execute()
            }
            const tables = { site: [] as Array<string>, table: [] as Array<number>, present: [] as Array<number>, counts: [] as Array<string> }
            const ballots = { site: [] as Array<string>, ballot: [] as Array<string>, answers: [] as Array<string> }
            const recs = { site: [] as Array<string>, question: [] as Array<string>, table: [] as Array<number>, number: [] as Array<number>, text: [] as Array<string>, votes: [] as Array<number> }
            const totals = { site: [] as Array<string>, question: [] as Array<string>, voters: [] as Array<number>, votes: [] as Array<string>, rank_sums: [] as Array<string | null> }
            const afterOf = new Map<string, SiteResults>()
            for (const e of entries) {
              if (parts.includes("tallies")) {
                for (const t of e.tallies) tables.site.push(e.site_id), tables.table.push(t.table), tables.present.push(t.present), tables.counts.push(JSON.stringify(t.counts))
              }
              if (parts.includes("ballots")) {
                for (const b of e.ballots) ballots.site.push(e.site_id), ballots.ballot.push(b.ballot), ballots.answers.push(JSON.stringify(b.answers))
              }
              if (parts.includes("recommendations")) {
                for (const r of e.recommendations) {
                  recs.site.push(e.site_id), recs.question.push(r.question), recs.table.push(r.table), recs.number.push(r.number), recs.text.push(r.text), recs.votes.push(r.votes)
                }
              }
              const prior = before.get(e.site_id)
              const after: SiteResults = prior === undefined
                ? { site_id: e.site_id, tallies: parts.includes("tallies") ? e.tallies : [], ballots: parts.includes("ballots") ? e.ballots : [], recommendations: parts.includes("recommendations") ? e.recommendations : [] }
                : { site_id: e.site_id, tallies: parts.includes("tallies") ? e.tallies : prior.tallies, ballots: parts.includes("ballots") ? e.ballots : prior.ballots, recommendations: parts.includes("recommendations") ? e.recommendations : prior.recommendations }
              afterOf.set(e.site_id, after)
              for (const t of by.totalsOf(after)) {
                totals.site.push(t.site_id), totals.question.push(t.question), totals.voters.push(t.voters), totals.votes.push(JSON.stringify(t.votes)), totals.rank_sums.push(t.rank_sums === undefined ? null : JSON.stringify(t.rank_sums))
              }
            }
            if (tables.site.length > 0) await bulk(tx, "result_tables", [["site_id", "text", tables.site], ["table_no", "int", tables.table], ["present", "int", tables.present], ["counts", "jsonb", tables.counts]])
            if (ballots.site.length > 0) await bulk(tx, "result_ballots", [["site_id", "text", ballots.site], ["ballot", "text", ballots.ballot], ["answers", "jsonb", ballots.answers]])
            if (recs.site.length > 0) await bulk(tx, "result_recommendations", [["site_id", "text", recs.site], ["question", "text", recs.question], ["table_no", "int", recs.table], ["number", "int", recs.number], ["text", "text", recs.text], ["votes", "int", recs.votes]])
            if (totals.site.length > 0) await bulk(tx, "result_totals", [["site_id", "text", totals.site], ["question", "text", totals.question], ["voters", "int", totals.voters], ["votes", "jsonb", totals.votes], ["rank_sums", "jsonb", totals.rank_sums]])
            // the audit log: each site's results before and after, and its status change
            const log = entries.map((e) => {
              const prior = before.get(e.site_id)
              const after = afterOf.get(e.site_id)!
              const statusBefore = existing.get(e.site_id) ?? null
              return { site_id: e.site_id, actor: by.actor, action: by.action, status_before: statusBefore, status_after: by.submit === true ? "submitted" : (statusBefore ?? "draft"), reason: null, before: prior === undefined ? null : JSON.stringify(prior), after: JSON.stringify(after) }
            })
            for (const batch of chunks(log, 2000)) await tx.insertInto("result_log").values(batch).execute()
            return { written: entries.length }
          })
        } catch (e) {
          if (e instanceof Refused) return { validated: e.validated }
          throw e
        }
      }),

    /**
     * Moves sites from one of `from` to `to` (submit, validate, reopen) and logs each change,
     * in one transaction. Returns the changes made; a site in another status is left alone.
     */
    changeStatus: (siteIds: ReadonlyArray<string>, from: ReadonlyArray<ResultStatus>, to: ResultStatus, by: { readonly actor: string; readonly action: string; readonly reason?: string | undefined }) =>
      run("changing the results status", () =>
        db.transaction().execute(async (tx): Promise<Array<StatusChange>> => {
          const changes: Array<StatusChange> = []
          const now = new Date().toISOString()
          for (const batch of chunks(siteIds, READ_BATCH)) {
            const rows = await tx.selectFrom("result_sites").select(["site_id", "status"]).where("site_id", "in", batch).where("status", "in", [...from]).forUpdate().execute()
            if (rows.length === 0) continue
            const ids = rows.map((r) => r.site_id)
            await tx
              .updateTable("result_sites")
              .set({
                status: to,
                updated_at: now,
                updated_by: by.actor,
                ...(to === "submitted" ? { submitted_at: now } : {}),
                ...(to === "validated" ? { validated_at: now, validated_by: by.actor } : { validated_at: null, validated_by: null })
              })
              .where("site_id", "in", ids)
              .execute()
            await tx.insertInto("result_log").values(rows.map((r) => ({ site_id: r.site_id, actor: by.actor, action: by.action, status_before: r.status, status_after: to, reason: by.reason ?? null, before: null, after: null }))).execute()
            changes.push(...rows.map((r) => ({ site_id: r.site_id, from: r.status, to })))
          }
          return changes
        })
      ),

    /** The audit log, oldest first (of one site, or all). */
    log: (site: string | undefined) =>
      run("reading the results log", async (): Promise<Array<ResultLogEntry>> => {
        let q = db.selectFrom("result_log").selectAll().orderBy("id")
        if (site !== undefined) q = q.where("site_id", "=", site)
        return (await q.execute()).map((r) => ({
          id: Number(r.id),
          site_id: r.site_id,
          at: r.at,
          actor: r.actor,
          action: r.action,
          status_before: r.status_before as ResultStatus | null,
          status_after: r.status_after as ResultStatus | null,
          reason: r.reason,
          before: jsonOf(r.before),
          after: jsonOf(r.after)
        }))
      }),

    /** Per site that entered results: tables, people present, ballots cast. */
    entryCounts: () =>
      run("counting results entries", async (): Promise<Array<SiteEntryCounts>> => {
        const rows = await sql<{ site_id: string; tables: string | number; present: string | number; ballots: string | number }>`
          select s.site_id,
            (select count(*) from result_tables t where t.site_id = s.site_id) as tables,
            (select coalesce(sum(present), 0) from result_tables t where t.site_id = s.site_id) as present,
            (select count(*) from result_ballots b where b.site_id = s.site_id) as ballots
          from result_sites s order by s.site_id`.execute(db)
        return rows.rows.map((r) => ({ site_id: r.site_id, tables: Number(r.tables), present: Number(r.present), ballots: Number(r.ballots) }))
      }),

    /** Per site and counted question: the voters, the votes per option, rank sums for rankings (stored by the write path). */
    siteTotals: (siteIds: ReadonlyArray<string>) =>
      run("reading the results' counts", async (): Promise<Array<SiteQuestionTotals>> => {
        const out: Array<SiteQuestionTotals> = []
        for (const ids of chunks(siteIds, READ_BATCH)) {
          for (const r of await db.selectFrom("result_totals").selectAll().where("site_id", "in", ids).orderBy("site_id").orderBy("question").execute()) {
            const rankSums = r.rank_sums === null ? undefined : parsed<Record<string, number>>(r.rank_sums)
            out.push({ site_id: r.site_id, question: r.question, voters: r.voters, votes: parsed(r.votes), ...(rankSums === undefined ? {} : { rank_sums: rankSums }) })
          }
        }
        return out
      }),

    /** Every stored recommendation (of some sites), by site, table and number. */
    recommendations: (siteIds: ReadonlyArray<string>) =>
      run("reading recommendations", async (): Promise<Array<StoredRecommendation>> => {
        const out: Array<StoredRecommendation> = []
        for (const ids of chunks(siteIds, READ_BATCH)) {
          const rows = await db.selectFrom("result_recommendations").selectAll().where("site_id", "in", ids).orderBy("site_id").orderBy("question").orderBy("table_no").orderBy("number").execute()
          out.push(...rows.map((r) => ({ site_id: r.site_id, question: r.question, table: r.table_no, number: r.number, text: r.text, votes: r.votes })))
        }
        return out
      }),

    /** The links key, or undefined before the first link. */
    readKey: () => run("reading the results key", async () => (await db.selectFrom("result_keys").select("token_key").where("id", "=", 1).executeTakeFirst())?.token_key),

    /** Stores the links key unless one exists, then returns the stored one. */
    createKey: (fresh: string) =>
      run("creating the results key", async () => {
        await db.insertInto("result_keys").values({ id: 1, token_key: fresh }).onConflict((oc) => oc.column("id").doNothing()).execute()
        return (await db.selectFrom("result_keys").select("token_key").where("id", "=", 1).executeTakeFirstOrThrow()).token_key
      }),

    /** Stores sites' link hashes; an existing one is replaced (the key derives the same token). */
    storeLinks: (links: ReadonlyArray<{ readonly site_id: string; readonly token_hash: string }>) =>
      run("storing results links", async () => {
        for (const batch of chunks(links, 1000)) {
          await db.insertInto("result_links").values([...batch]).onConflict((oc) => oc.column("site_id").doUpdateSet((eb) => ({ token_hash: eb.ref("excluded.token_hash") }))).execute()
        }
      }),

    /** The site a link's token hash opens, if any. */
    siteOfLink: (tokenHash: string) => run("reading a results link", async () => (await db.selectFrom("result_links").select("site_id").where("token_hash", "=", tokenHash).executeTakeFirst())?.site_id),

    /**
     * The site a link's token hash opens and where its results stand (no status before anything
     * is entered): one indexed lookup, made by every request of the web form.
     */
    openLink: (tokenHash: string) =>
      run("reading a results link", async (): Promise<{ readonly site_id: string; readonly status: ResultStatus | null; readonly updated_at: Date | null; readonly submitted_at: Date | null; readonly validated_at: Date | null } | undefined> =>
        await db
          .selectFrom("result_links as l")
          .leftJoin("result_sites as s", "s.site_id", "l.site_id")
          .select(["l.site_id", "s.status", "s.updated_at", "s.submitted_at", "s.validated_at"])
          .where("l.token_hash", "=", tokenHash)
          .executeTakeFirst())
  }
}

/**
 * The results repository as an Effect service.
 *
 * @example
 * const statuses = yield* (yield* ResultsRepo).statuses()
 */
export class ResultsRepo extends Context.Service<ResultsRepo, ReturnType<typeof make>>()("convene/ResultsRepo") {
  static readonly layer = repositoryLayer(ResultsRepo, make)
}

export type { TableTally }
