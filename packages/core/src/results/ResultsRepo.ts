/**
 * The results' repository: every SQL statement on the sites' results, their status, the audit
 * log and the entry links. A site's results have one write path, {@link ResultsRepo}
 * `replaceParts`, for CSV and Kobo imports, the web form and the simulation, which also stores
 * each site's counts per question so that the report reads one row per site and question.
 */
import * as Context from "effect/Context"
import * as Schema from "effect/Schema"
import type { Kysely } from "kysely"
import { type Recommendation, type ResultPart, type ResultStatus, SiteResults, type SiteQuestionTotals } from "../domain/Results.js"
import { repositoryLayer, type Run } from "../infra/Database.js"
import { sql } from "../infra/Sql.js"
import type { Tables } from "../infra/Tables.js"

/** Site ids per `in (…)` list. */
const READ_BATCH = 5000
/** Sites per INSERT: each row carries a few JSON documents, up to tens of kB each. */
const WRITE_BATCH = 100

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

/** Thrown inside a dry run's transaction to roll it back. */
const rolledBack = Symbol("dry run")

class Refused {
  constructor(readonly validated: ReadonlyArray<string>) {}
}

const decodeResults = Schema.decodeUnknownSync(SiteResults)
const decodeTotals = Schema.decodeUnknownSync(
  Schema.Array(Schema.Struct({ question: Schema.String, voters: Schema.Number, votes: Schema.Record(Schema.String, Schema.Number), rank_sums: Schema.optionalKey(Schema.Record(Schema.String, Schema.Number)) }))
)
const decodeParts = Schema.decodeUnknownSync(Schema.Struct({ tallies: SiteResults.fields.tallies, ballots: SiteResults.fields.ballots, recommendations: SiteResults.fields.recommendations }))
/** A json column: parsed by both drivers, or text for a driver that hands it over as is. */
const parsed = (x: unknown): unknown => (typeof x === "string" ? JSON.parse(x) : x)
const jsonOf = (x: unknown): SiteResults | null => (x === null || x === undefined ? null : decodeResults(parsed(x)))

const chunks = <A>(items: ReadonlyArray<A>, size: number): Array<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** The parts of a site's stored results a write keeps, decoded (absent for a site not stored yet). */
const decodeKept = (kept: ReadonlyArray<ResultPart>, row: Partial<Record<ResultPart, unknown>> | undefined): Partial<Pick<SiteResults, ResultPart>> => {
  if (row === undefined) return {}
  const decoded = decodeParts({ tallies: [], ballots: [], recommendations: [], ...row })
  return Object.fromEntries(kept.map((k) => [k, decoded[k]]))
}

/** Reads the stored results of `siteIds` (in one transaction or not): an absent site has empty results. */
const readSites = async (db: Kysely<Tables>, siteIds: ReadonlyArray<string>): Promise<Map<string, SiteResults>> => {
  const out = new Map<string, SiteResults>(siteIds.map((site_id) => [site_id, { site_id, tallies: [], ballots: [], recommendations: [] }]))
  for (const ids of chunks(siteIds, READ_BATCH)) {
    for (const r of await db.selectFrom("result_sites").select(["site_id", "tallies", "ballots", "recommendations"]).where("site_id", "in", ids).execute()) {
      out.set(r.site_id, { site_id: r.site_id, ...decodeParts({ tallies: parsed(r.tallies), ballots: parsed(r.ballots), recommendations: parsed(r.recommendations) }) })
    }
  }
  return out
}

const make = (db: Kysely<Tables>, run: Run) => {
  return {
    /**
     * The results status of every site that has entered something, by site id; with `since`,
     * only of the sites whose results or status changed at or after it (the live view's refresh).
     */
    statuses: (since?: Date) =>
      run("reading the results status", async (): Promise<Array<SiteResultStatus>> =>
        db.selectFrom("result_sites").select(["site_id", "status", "simulated", "updated_at", "updated_by", "submitted_at", "validated_at", "validated_by"])
          .$if(since !== undefined, (qb) => qb.where("updated_at", ">=", since!))
          .orderBy("site_id").execute()),

    /** The stored results of some sites (an absent site has empty results). */
    readSites: (siteIds: ReadonlyArray<string>) => run("reading results", () => readSites(db, siteIds)),

    /**
     * The one write path of results — CSV and Kobo imports, the web form, the simulation. In one
     * transaction: refuses (writing nothing) when one of the sites is validated; otherwise
     * replaces the `parts` of each site's results with the given ones, creates the site's status
     * row as a draft when it has none, stores each site's counts per question as `totalsOf`
     * derives them from its whole results, and logs each site's results after the change (the
     * log's previous entry of the site holds them before).
     */
    replaceParts: (
      entries: ReadonlyArray<SiteResults>,
      parts: ReadonlyArray<ResultPart>,
      by: { readonly actor: string; readonly action: string; readonly simulated: boolean; readonly totalsOf: (results: SiteResults) => ReadonlyArray<SiteQuestionTotals>; readonly submit?: boolean | undefined; readonly dryRun?: boolean | undefined }
    ) =>
      run("storing results", async (): Promise<ReplaceOutcome> => {
        try {
          return await db.transaction().execute(async (tx) => {
            const ids = entries.map((e) => e.site_id)
            // the sites' rows, locked: their status (a validated site refuses) and the parts this
            // write keeps, in one statement
            const kept = (["tallies", "ballots", "recommendations"] as const).filter((p) => !parts.includes(p))
            const existing = new Map<string, ResultStatus>()
            const prior = new Map<string, Partial<Record<ResultPart, unknown>>>()
            for (const batch of chunks(ids, READ_BATCH)) {
              const rows = await tx.selectFrom("result_sites").select(["site_id", "status", ...kept]).where("site_id", "in", batch).forUpdate().execute()
              for (const r of rows as Array<{ site_id: string; status: ResultStatus } & Partial<Record<ResultPart, unknown>>>) {
                existing.set(r.site_id, r.status)
                prior.set(r.site_id, Object.fromEntries(kept.map((k) => [k, parsed(r[k])])))
              }
            }
            const validated = ids.filter((id) => existing.get(id) === "validated")
            if (validated.length > 0) throw new Refused(validated)
            const now = new Date().toISOString()
            const rows = entries.map((e) => {
              const keep = kept.length === 0 ? {} : decodeKept(kept, prior.get(e.site_id))
              const after: SiteResults = {
                site_id: e.site_id,
                tallies: parts.includes("tallies") ? e.tallies : (keep.tallies ?? []),
                ballots: parts.includes("ballots") ? e.ballots : (keep.ballots ?? []),
                recommendations: parts.includes("recommendations") ? e.recommendations : (keep.recommendations ?? [])
              }
              const status = by.submit === true ? ("submitted" as const) : (existing.get(e.site_id) ?? "draft")
              return {
                site_id: e.site_id,
                status,
                simulated: by.simulated,
                updated_at: now,
                updated_by: by.actor,
                submitted_at: by.submit === true ? now : null,
                tallies: JSON.stringify(after.tallies),
                ballots: JSON.stringify(after.ballots),
                recommendations: JSON.stringify(after.recommendations),
                totals: JSON.stringify(by.totalsOf(after).map(({ site_id: _, ...t }) => t))
              }
            })
            // one statement per batch writes the sites' rows and their log entries (the results
            // after the change, built in SQL from the rows written: the JSON goes to the database
            // once); a few large JSON values per row go as plain parameters (an array parameter of
            // large texts is several times slower to pass to PGlite)
            const statusBefore = JSON.stringify(Object.fromEntries(existing))
            for (const batch of chunks(rows, WRITE_BATCH)) {
              await tx
                .with("written", (qb) =>
                  qb
                    .insertInto("result_sites")
                    .values([...batch])
                    .onConflict((oc) =>
                      oc.column("site_id").doUpdateSet((eb) => ({
                        status: eb.ref("excluded.status"),
                        simulated: eb.ref("excluded.simulated"),
                        updated_at: eb.ref("excluded.updated_at"),
                        updated_by: eb.ref("excluded.updated_by"),
                        ...(by.submit === true ? { submitted_at: eb.ref("excluded.submitted_at") } : {}),
                        tallies: eb.ref("excluded.tallies"),
                        ballots: eb.ref("excluded.ballots"),
                        recommendations: eb.ref("excluded.recommendations"),
                        totals: eb.ref("excluded.totals")
                      }))
                    )
                    .returning(["site_id", "status", "tallies", "ballots", "recommendations"])
                )
                .insertInto("result_log")
                .columns(["site_id", "actor", "action", "status_before", "status_after", "reason", "after"])
                .expression((eb) =>
                  eb.selectFrom("written").select([
                    "written.site_id",
                    sql<string>`${by.actor}::text`.as("actor"),
                    sql<string>`${by.action}::text`.as("action"),
                    sql<string | null>`${statusBefore}::json ->> written.site_id`.as("status_before"),
                    "written.status",
                    sql<null>`null::text`.as("reason"),
                    sql<string>`json_build_object('site_id', written.site_id, 'tallies', written.tallies, 'ballots', written.ballots, 'recommendations', written.recommendations)`.as("after")
                  ])
                )
                .execute()
            }
            // a dry run has written (and so checked) everything: roll it back
            if (by.dryRun === true) throw rolledBack
            return { written: entries.length }
          })
        } catch (e) {
          if (e instanceof Refused) return { validated: e.validated }
          if (e === rolledBack) return { written: entries.length }
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
            await tx.insertInto("result_log").values(rows.map((r) => ({ site_id: r.site_id, actor: by.actor, action: by.action, status_before: r.status, status_after: to, reason: by.reason ?? null, after: null }))).execute()
            changes.push(...rows.map((r) => ({ site_id: r.site_id, from: r.status, to })))
          }
          return changes
        })
      ),

    /**
     * The audit log, oldest first (of one site, or all). Each change of results carries the
     * site's results after it and, from the site's previous such entry, before it.
     */
    log: (site: string | undefined) =>
      run("reading the results log", async (): Promise<Array<ResultLogEntry>> => {
        let q = db.selectFrom("result_log").selectAll().orderBy("id")
        if (site !== undefined) q = q.where("site_id", "=", site)
        const last = new Map<string, SiteResults>()
        return (await q.execute()).map((r) => {
          const after = jsonOf(r.after)
          const before = after === null ? null : (last.get(r.site_id) ?? null)
          if (after !== null) last.set(r.site_id, after)
          return {
            id: Number(r.id),
            site_id: r.site_id,
            at: r.at,
            actor: r.actor,
            action: r.action,
            status_before: r.status_before as ResultStatus | null,
            status_after: r.status_after as ResultStatus | null,
            reason: r.reason,
            before,
            after
          }
        })
      }),

    /**
     * Per site that entered results: tables, people present, ballots cast. People present are
     * those recorded present on the day where the site's attendance is recorded
     * (`convene attendance import`), else the sum of its tables' counts.
     */
    entryCounts: () =>
      run("counting results entries", async (): Promise<Array<SiteEntryCounts>> => {
        const rows = await sql<{ site_id: string; tables: string | number; present: string | number | null; ballots: string | number }>`
          select r.site_id, json_array_length(r.tallies) as tables,
            coalesce(
              (select count(*) filter (where a.present) from attendance a join participants p on p.id = a.participant_id where p.site_id = r.site_id having count(*) > 0),
              (select sum((t->>'present')::int) from json_array_elements(r.tallies) t)
            ) as present,
            json_array_length(r.ballots) as ballots
          from result_sites r order by r.site_id`.execute(db)
        return rows.rows.map((r) => ({ site_id: r.site_id, tables: Number(r.tables), present: Number(r.present ?? 0), ballots: Number(r.ballots) }))
      }),

    /** Per site and counted question: the voters, the votes per option, rank sums for rankings (stored by the write path). */
    siteTotals: (siteIds: ReadonlyArray<string>) =>
      run("reading the results' counts", async (): Promise<Array<SiteQuestionTotals>> => {
        const out: Array<SiteQuestionTotals> = []
        for (const ids of chunks(siteIds, READ_BATCH)) {
          for (const r of await db.selectFrom("result_sites").select(["site_id", "totals"]).where("site_id", "in", ids).orderBy("site_id").execute()) {
            for (const t of decodeTotals(parsed(r.totals))) out.push({ site_id: r.site_id, ...t })
          }
        }
        return out
      }),

    /** Every stored recommendation (of some sites), by site, question, table and number. */
    recommendations: (siteIds: ReadonlyArray<string>) =>
      run("reading recommendations", async (): Promise<Array<StoredRecommendation>> => {
        const out: Array<StoredRecommendation> = []
        for (const ids of chunks(siteIds, READ_BATCH)) {
          for (const r of await db.selectFrom("result_sites").select(["site_id", "recommendations"]).where("site_id", "in", ids).orderBy("site_id").execute()) {
            const recs = decodeParts({ tallies: [], ballots: [], recommendations: parsed(r.recommendations) }).recommendations
            out.push(...[...recs].sort((a, b) => a.question.localeCompare(b.question) || a.table - b.table || a.number - b.number).map((x) => ({ site_id: r.site_id, ...x })))
          }
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

