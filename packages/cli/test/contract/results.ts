// The contract cases of the results commands: simulated votes for a few sites first (the rest
// needs results), then entry, checking, the log, the report, the portal, the toolkits and the
// fellows' links (to the outbox: no SMTP). Dates either side of the example's embargo
// (2027-05-16T06:00:00Z) come from --as-of.
import { existsSync } from "node:fs"
import { isAbsolute } from "node:path"
import type { Case } from "./case.js"

const AFTER = ["--as-of", "2027-06-01T00:00:00Z"]
const DURING = ["--as-of", "2027-05-16T00:00:00Z"]
const SITES = ["sn-dakar", "sn-thies", "gb-london", "eg-cairo", "fr-paris"].flatMap((s) => ["--site", s])
const noSmtp = { SMTP_URL: undefined }

const expect = (ok: boolean, what: string) => {
  if (!ok) throw new Error(what)
}
/** Every path absolute and on disk. */
const written = (files: ReadonlyArray<string>, n?: number) => {
  if (n !== undefined) expect(files.length === n, `expected ${n} files, got ${files.length}`)
  for (const f of files) expect(isAbsolute(f) && existsSync(f), `not an absolute path on disk: ${f}`)
}

export const resultsCases: ReadonlyArray<Case> = [
  { args: ["results", "simulate", "--dry-run", ...SITES], check: (j) => expect(j.dry_run === true && j.sites === 5 && j.effects.length > 0 && typeof j.effects[0].region_code === "string", "a dry run of 5 sites with its effects") },
  { args: ["results", "simulate", ...SITES], check: (j) => expect(j.dry_run === undefined && j.sites === 5 && j.simulated === true, "5 sites simulated") },
  { args: ["results", "status", "--by", "country", ...AFTER], check: (j) => expect(j.sites.filter((s: { simulated: boolean }) => s.simulated).length === 5 && j.as_of.startsWith("2027-06-01"), "5 simulated sites, as of the instant given") },
  {
    args: ["results", "export", "--format", "xlsform,csv", "--out", "results-export"],
    check: (j) => {
      written(j.files, 4)
      expect(j.csv.sites === 5 && j.xlsform.site === null && j.formats.join() === "xlsform,csv", "both formats, 5 sites")
    }
  },
  { args: ["results", "import", "results-export/tallies.csv", "--dry-run"], check: (j) => expect(j.dry_run === true && j.sites.length === 5, "a dry run of the 5 sites") },
  { args: ["results", "import", "results-export/tallies.csv", "--by", "contract"], check: (j) => expect(j.part === "tallies" && j.rows > 0, "tallies imported") },
  { args: ["results", "validate", "--site", "sn-dakar"], check: (j) => expect(j.validated.join() === "sn-dakar", "sn-dakar validated") },
  { args: ["results", "validate", "--all-submitted"], check: (j) => expect(j.validated.length === 4, `the 4 other sites validated, got ${j.validated.join(", ")}`) },
  { args: ["results", "reopen", "--site", "gb-london", "--reason", "contract"], check: (j) => expect(j.reopened === true && j.from === "validated", "reopened from validated") },
  { args: ["results", "validate", "--site", "gb-london"] },
  { args: ["results", "log", "--site", "sn-dakar"], check: (j) => expect(j.entries.length >= 3 && j.entries[0].after !== null, "the simulation, the import and the validation logged") },
  {
    args: ["results", "report", "--by", "region", "--format", "html,csv,json", ...AFTER],
    check: (j) => {
      written(j.files, 4)
      // the staff's import of the tallies replaced the simulated entries: no longer marked simulated
      expect(j.report.counted.sites === 5 && j.report.simulated_sites === 0 && j.report.embargoed === null, "5 sites counted, none simulated, no embargo")
      expect(j.report.analysis.min_sites_for_interval >= 1 && j.report.analysis.groups.length > 0, "the analysis by region")
    }
  },
  { args: ["results", "report", "--by", "income", "--internal", "--format", "json", "--out", "results-internal", ...DURING], check: (j) => expect(j.report.embargoed !== null && j.report.analysis.income.fiscal_year !== undefined, "watermarked, with the income source") },
  { args: ["results", "report", ...DURING], error: true, exit: 2 },
  { args: ["results", "report", "--format", "pdf"], error: true, exit: 2 },
  { args: ["results", "publish", "--out", "results-portal", ...AFTER], check: (j) => { written(j.files); expect(j.sites === 5 && j.files.some((f: string) => f.endsWith("/index.html")), "the portal of 5 sites") } },
  { args: ["results", "toolkit", "--country", "SN", ...AFTER], check: (j) => { written(j.files); expect(j.toolkits.length === 1 && j.files.includes(j.toolkits[0].zip), "one toolkit and its zip") } },
  { args: ["results", "invite", "--site", "sn-dakar", "--dry-run"], env: noSmtp, check: (j) => expect(j.dry_run === true && j.would_send === 1 && j.transport === "outbox", "one message would go to the outbox") },
  { args: ["results", "invite", "--site", "sn-dakar", "--base-url", "https://survey.example.org"], env: noSmtp, check: (j) => expect(j.dry_run === false && j.sent === 1 && j.already_sent === 0, "one link sent to the outbox") },
  { args: ["results", "invite", "--site", "sn-dakar", "--base-url", "http://localhost:8080"], env: noSmtp, error: true, exit: 4 }
]
