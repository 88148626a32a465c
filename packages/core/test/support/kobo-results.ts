/**
 * A KoboToolbox-like CSV export of the results form, made from SiteResults: metadata columns
 * around the form's fields, `;` as delimiter, a multiple choice as its own column and its 0/1
 * columns per option ("both"), a ranking as one column per rank, one row per table sheet and
 * per ballot.
 */
import { type Ballots, isCounted, optionIds } from "../../src/domain/Ballot.js"
import { formatCsvField } from "../../src/domain/Csv.js"
import type { SiteResults } from "../../src/domain/Results.js"
import { resultsFieldName } from "../../src/domain/ResultsKobo.js"

export interface KoboLikeOptions {
  readonly delimiter?: ";" | ","
  /** Leave out each multiple choice's own column (only its 0/1 columns). */
  readonly expandedOnly?: boolean
  /** Write ballot ids in the `ballot` column (else only as `_uuid`). */
  readonly ballotColumn?: boolean
}

export const koboCsvOf = (ballots: Ballots, results: ReadonlyArray<SiteResults>, options: KoboLikeOptions = {}): string => {
  const counted = ballots.questions.filter(isCounted)
  const header: Array<string> = ["start", "end", "site", "record", "table", "present"]
  for (const q of counted) if (q.collect === "tally") for (const o of optionIds(q)) header.push(resultsFieldName.count(q.id, o))
  for (const q of ballots.questions) if (q.type === "recommendations") for (let n = 1; n <= (q.per_table ?? 3); n++) header.push(resultsFieldName.text(q.id, n), resultsFieldName.votes(q.id, n))
  header.push("ballot")
  for (const q of counted) {
    if (q.collect !== "ballot") continue
    if (q.type === "ranking") q.options.forEach((_, k) => header.push(resultsFieldName.rank(q.id, k + 1)))
    else if (q.type === "multiple") {
      if (options.expandedOnly !== true) header.push(q.id)
      for (const o of q.options) header.push(`${q.id}/${o.id}`)
    } else header.push(q.id)
  }
  header.push("__version__", "meta/instanceID", "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by", "_tags", "_index")
  const rows: Array<Record<string, string>> = []
  let id = 0
  const meta = () => {
    id++
    const uuid = `0000${id}`.slice(-5) + "-aaaa-bbbb-cccc-0123456789ab"
    return { start: "2027-05-15T10:00:00.000+00:00", end: "2027-05-15T10:05:00.000+00:00", "meta/instanceID": `uuid:${uuid}`, _id: String(id), _uuid: uuid, _submission_time: "2027-05-15T10:06:00", _validation_status: "", _index: String(id) }
  }
  for (const r of results) {
    for (const t of r.tallies) {
      const row: Record<string, string> = { ...meta(), site: r.site_id, record: "table", table: String(t.table), present: String(t.present) }
      for (const [q, counts] of Object.entries(t.counts)) for (const [o, n] of Object.entries(counts)) row[resultsFieldName.count(q, o)] = String(n)
      for (const rec of r.recommendations.filter((x) => x.table === t.table)) {
        row[resultsFieldName.text(rec.question, rec.number)] = rec.text
        row[resultsFieldName.votes(rec.question, rec.number)] = String(rec.votes)
      }
      rows.push(row)
    }
    for (const b of r.ballots) {
      const m = meta()
      const row: Record<string, string> = { ...m, site: r.site_id, record: "ballot", ...(options.ballotColumn === false ? { _uuid: b.ballot } : { ballot: b.ballot }) }
      for (const q of counted) {
        if (q.collect !== "ballot") continue
        const v = b.answers[q.id]
        if (v === undefined) continue
        if (q.type === "ranking") (v as ReadonlyArray<string>).forEach((o, k) => (row[resultsFieldName.rank(q.id, k + 1)] = o))
        else if (q.type === "multiple") {
          row[q.id] = (v as ReadonlyArray<string>).join(" ")
          for (const o of q.options) row[`${q.id}/${o.id}`] = (v as ReadonlyArray<string>).includes(o.id) ? "1" : "0"
        } else row[q.id] = String(v)
      }
      rows.push(row)
    }
  }
  const d = options.delimiter ?? ";"
  const quote = (s: string) => (d === ";" ? `"${s.replaceAll('"', '""')}"` : formatCsvField(s))
  return [header.map(quote).join(d), ...rows.map((row) => header.map((h) => quote(row[h] ?? "")).join(d))].join("\n") + "\n"
}
