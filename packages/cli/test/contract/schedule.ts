// The contract cases of init, serve, db, schedule and timeline. Run after the registries' group:
// the example workspace has its sites.
import { existsSync } from "node:fs"
import { isAbsolute } from "node:path"
import { type Case, serveOnce } from "./case.js"

const allExist = (files: ReadonlyArray<string>): void => {
  const bad = files.filter((f) => !isAbsolute(f) || !existsSync(f))
  if (bad.length > 0) throw new Error(`not absolute, or missing: ${bad.slice(0, 3).join(", ")}`)
}

export const scheduleCases: ReadonlyArray<Case> = [
  {
    args: ["init", "contract-blank", "--title", "Contract dialogue"],
    check: (j) => {
      if (!j.dir.endsWith("contract-blank") || j.example !== null) throw new Error(`dir ${j.dir}, example ${j.example}`)
      if (!j.files.some((f: string) => f.endsWith("convene.yaml"))) throw new Error("convene.yaml is not among the files")
      allExist(j.files)
    }
  },
  { args: ["init", "contract-blank"], error: true, exit: 2 },
  { args: ["db", "status"], check: (j) => { if (j.migrations.some((m: { executed_at: string | null }) => m.executed_at === null)) throw new Error("a migration is pending") } },
  { args: ["db", "migrate", "--dry-run"], check: (j) => { if (j.dry_run !== true || j.would_apply.length !== 0) throw new Error("expected a dry run with nothing to apply") } },
  { args: ["db", "migrate"], check: (j) => { if (j.applied.length !== 0 || (j.dialect === "pglite") !== (j.reclaimed !== null)) throw new Error("expected nothing applied, and the space reclaimed on the embedded database only") } },
  {
    args: ["schedule", "slot", "--zones", "Europe/Paris,Asia/Tokyo,America/Bogota", "--minutes", "90", "--date", "2027-05-15", "--top", "3"],
    check: (j) => { if (j.slots.length !== 3 || j.slots[0].zones.length !== 3) throw new Error("expected 3 slots of 3 zones") }
  },
  { args: ["schedule", "slot", "--zones", "Mars/Olympus", "--minutes", "90"], error: true, exit: 2 },
  { args: ["schedule", "show"], error: true, exit: 2 },
  { args: ["schedule", "plan"], check: (j) => { if (j.sites.length === 0 || typeof j.mirror_left_out !== "number") throw new Error("expected planned sites and mirror_left_out") } },
  { args: ["schedule", "show"], check: (j) => { if (j.stale !== false || j.tz === null) throw new Error(`stale ${j.stale}, tz ${JSON.stringify(j.tz)}`) } },
  { args: ["schedule", "show", "--site", "sn-dakar"], check: (j) => { if (j.sites.length !== 1 || j.sites[0].id !== "sn-dakar") throw new Error("expected sn-dakar alone") } },
  {
    args: ["schedule", "export", "--format", "ics,csv,json,html"],
    check: (j) => {
      if (j.formats.join() !== "ics,csv,json,html") throw new Error(`formats ${j.formats}`)
      for (const end of [".ics", "schedule.csv", "schedule.json", "schedule.html"]) if (!j.files.some((f: string) => f.endsWith(end))) throw new Error(`no ${end} file`)
      allExist(j.files)
    }
  },
  { args: ["schedule", "export", "--format", "pdf"], error: true, exit: 2 },
  { args: ["timeline", "show", "--as-of", "2027-04-20"], check: (j) => { if (j.as_of !== "2027-04-20" || j.phases.length === 0) throw new Error("expected the phases as of 2027-04-20") } },
  { args: ["timeline", "status", "--as-of", "2027-04-20"], check: (j) => { if (j.totals.sites === 0) throw new Error("expected sites") } },
  { args: ["timeline", "done", "venue-booked", "--site", "sn-dakar", "--on", "2027-03-01"], check: (j) => { if (j.done_on !== "2027-03-01") throw new Error(`done_on ${j.done_on}`) } },
  { args: ["timeline", "done", "venue-booked", "--site", "sn-dakar", "--undo"], check: (j) => { if (j.done_on !== null) throw new Error(`done_on ${j.done_on}`) } },
  { args: ["timeline", "done", "no-such-milestone", "--site", "sn-dakar"], error: true, exit: 2 },
  {
    args: ["serve", "--port", "0", "--quiet"],
    run: serveOnce,
    check: (j) => { if (!(j.port > 0) || j.url !== `http://127.0.0.1:${j.port}` || j.live !== null) throw new Error(`url ${j.url}, port ${j.port}`) }
  }
]
