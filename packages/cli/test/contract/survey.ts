// The contract cases of the survey commands: invitations and reminders to the outbox (real and
// dry runs, a refusal reported), a paper import, simulated answers, the exports, the report in
// three formats, and the form server started, read and stopped.
import { existsSync } from "node:fs"
import { readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { type Case, serveOnce } from "./case.js"

/** The outbox (no SMTP_URL), links to a public address. */
const outbox = { SMTP_URL: undefined, CONVENE_SURVEY_URL: "https://survey.example.org" }

const expect = (ok: boolean, message: string): void => {
  if (!ok) throw new Error(message)
}

/** Writes paper.csv: two questionnaires of participants without an e-mail address. */
const paperCsv = async (dir: string): Promise<void> => {
  const [header, ...lines] = (await readFile(join(dir, "participants.csv"), "utf8")).trim().split("\n")
  const columns = header!.split(",")
  const rows = lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [columns[i], v])))
  const offline = rows.filter((r) => r["email"] === "" || r["email"] === undefined).slice(0, 2)
  expect(offline.length === 2, "participants.csv has fewer than 2 participants without an e-mail address")
  await writeFile(join(dir, "paper.csv"), `code,internet-use,hours-online\n${offline[0]!["code"]},several-times-a-day,3\n${offline[1]!["code"]},never,2.5\n`)
}

/** Writes organisers-paper.csv: the paper questionnaires of two facilitators the example's Dakar lists. */
const organisersCsv = async (dir: string): Promise<void> => {
  await writeFile(join(dir, "organisers-paper.csv"), "code,preparation,support,kit-useful,enough-time,quality,improve\nSN-DAKAR-FAYE,4,5,4,2,7,Plus de temps pour les votes\nSN-DAKAR-SARR,3,4,5,3,8,\n")
}

export const surveyCases: ReadonlyArray<Case> = [
  // over SMTP the default address (this machine) would be refused: a dry run says so, exit 0, no connection
  {
    args: ["survey", "invite", "--wave", "pre", "--dry-run"],
    env: { SMTP_URL: "smtp://127.0.0.1:9", CONVENE_SURVEY_URL: undefined },
    check: (j) => expect(j.dry_run === true && j.would_be_refused?.confirm === "--allow-localhost", "expected dry_run and would_be_refused")
  },
  { args: ["survey", "invite", "--wave", "pre", "--dry-run"], env: outbox, check: (j) => expect(j.already_invited === 0 && j.would_send === j.participants && j.link_base === "https://survey.example.org/s/", "dry run: expected everyone to be invited") },
  { args: ["survey", "invite", "--wave", "pre"], env: outbox, check: (j) => expect(j.sent === j.participants && j.transport === "outbox" && j.without_email > 0, "expected every participant with an address invited") },
  { args: ["survey", "remind", "--wave", "pre", "--dry-run"], env: outbox, check: (j) => expect(j.dry_run === true && j.would_send === j.participants, "expected every invited participant to be reminded") },
  { args: ["survey", "remind", "--wave", "pre"], env: outbox },
  { args: ["survey", "invite", "--wave", "during"], env: outbox, error: true, exit: 2 },
  { args: ["survey", "import", "paper.csv", "--wave", "pre", "--dry-run"], before: paperCsv, check: (j) => expect(j.dry_run === true && j.imported === 2 && j.sample.length === 2, "expected 2 responses that would be imported") },
  { args: ["survey", "import", "paper.csv", "--wave", "pre"], check: (j) => expect(j.imported === 2 && j.answers === 4 && j.skipped_existing === 0, "expected 2 responses imported") },
  { args: ["survey", "import", "paper.csv", "--wave", "pre"], error: true, exit: 2 },
  { args: ["survey", "simulate", "--seed", "3", "--participants", "260", "--dry-run"], check: (j) => expect(j.dry_run === true && j.registered > 0 && j.files.length === 0, "expected a dry run registering nobody") },
  {
    args: ["survey", "simulate", "--seed", "3", "--participants", "260"],
    check: (j) => expect(j.registered > 0 && j.files.length === 1 && existsSync(j.files[0]) && j.responses.pre !== undefined, "expected simulated participants registered from one CSV")
  },
  { args: ["survey", "export", "--format", "csv,xlsform", "--wave", "pre"], check: (j) => expect(j.files.length === 3 && j.files.some((f: string) => f.endsWith(".dictionary.csv")) && j.rows > 0 && j.questions > 0 && j.files.every((f: string) => existsSync(f)), "expected the CSV, its data dictionary and the XLSForm") },
  { args: ["survey", "export", "--format", "csv"], check: (j) => expect(j.wave === null && j.files.length === 2 && j.files[1].endsWith("answers.dictionary.csv") && j.locales === undefined, "expected every wave in one CSV, and its data dictionary") },
  { args: ["survey", "export", "--format", "xlsform"], error: true, exit: 2 },
  {
    args: ["survey", "report", "--by", "region", "--format", "html,csv,json"],
    check: (j) => {
      // the example has a codebook: the representativeness section's CSV comes with the report's
      expect(j.files.length === 4 && j.formats.join() === "html,csv,json" && j.files[2].endsWith("-sample.csv"), "expected the three formats and the representativeness CSV")
      expect(j.report.simulated_responses > 0 && j.report.paired_waves?.join() === "pre,post", "expected simulated responses and paired waves")
      // few respondents here: some groups are suppressed ({suppressed: true}), the others show their figures
      const groups = j.report.pools.flatMap((p: { groups: Array<any> }) => p.groups)
      expect(groups.some((g: any) => g.suppressed && g.knowledge?.suppressed === true), "expected a suppressed group")
      const shown = groups.filter((g: any) => !g.suppressed && g.knowledge?.mean_post !== undefined)
      expect(shown.some((g: any) => g.knowledge.mean_post > g.knowledge.mean_pre), "expected the knowledge index to go up in a group shown")
    }
  },
  { args: ["survey", "report", "--by", "planet"], error: true, exit: 2 },
  {
    args: ["survey", "report", "--split", "country", "--locale", "fr", "--format", "html,json"],
    check: (j) => {
      // the global report in French, then one report per country in the language of its sites
      expect(j.report.locale === "fr" && j.report.dir === "ltr" && j.report.country === undefined, "expected the global report in French")
      const countries: Array<any> = j.countries ?? []
      expect(countries.length > 0 && countries.every((c) => c.files.length === 2 && c.files.every((f: string) => existsSync(f) && f.includes(`report-evaluation-${c.country}.`))), "expected report-evaluation-<CC>.html and .json per country")
      const sn = countries.find((c) => c.country === "SN")
      const eg = countries.find((c) => c.country === "EG")
      expect(sn?.language === "fr" && eg?.language === "ar", "expected Senegal in French and Egypt in Arabic")
    }
  },
  { args: ["survey", "report", "--split", "region"], error: true, exit: 2 },
  {
    args: ["survey", "report", "--census", "census.csv", "--format", "csv"],
    check: (j) => {
      expect(j.files.length === 2 && j.files[1].endsWith("-sample.csv"), "expected the report's CSV and its representativeness CSV")
      expect(j.report.sample?.census === "census.csv" && j.report.sample.groups[0].rows.some((r: any) => r.census !== null), "expected the census shares in the representativeness section")
    }
  },
  {
    args: ["report", "sample", "--census", "census.csv", "--by", "country", "--format", "html,json"],
    check: (j) => {
      expect(j.files.length === 2 && j.sample.groups[0].key === "all", "expected two files and the overall group first")
      expect(j.sample.groups[0].rows.every((r: any) => Array.isArray(r.under) && ("suppressed" in r.registered || r.registered.n >= 5)), "expected each row's flags and no count below 5 shown")
    }
  },
  { args: ["report", "sample", "--census", "no-such-census.csv"], error: true, exit: [1, 2] },
  // the organisers' questionnaire: invited by mail, two facilitators of Dakar on paper, reported apart
  { args: ["survey", "invite", "--instrument", "organisers", "--wave", "post"], env: outbox, check: (j) => expect(j.sent > 0 && j.without_email > 0 && j.transport === "outbox", "expected the organisers with an address invited") },
  { args: ["survey", "import", "organisers-paper.csv", "--instrument", "organisers", "--wave", "post"], before: organisersCsv, check: (j) => expect(j.imported === 2 && j.instrument === "organisers", "expected 2 organisers' questionnaires imported") },
  {
    args: ["survey", "report", "--instrument", "organisers", "--locale", "fr", "--format", "html,csv,json"],
    check: (j) => {
      expect(j.report.kind === "organisers" && j.report.locale === "fr" && j.files.every((f: string) => existsSync(f)), "expected the organisers' report in French")
      const post = j.report.response.find((r: any) => r.wave === "post")
      expect(post?.answered.facilitator === 2 && post.answered.fellow === 0, "expected the two facilitators' answers")
      expect(j.report.free_text.some((f: any) => f.answers.some((a: any) => a.role === "facilitator" && a.country === "SN")), "expected a free-text answer from Senegal")
    }
  },
  { args: ["survey", "report", "--instrument", "organisers", "--weight", "census", "--census", "census.csv"], error: true, exit: 2 },
  {
    args: ["survey", "serve", "--port", "0"],
    run: serveOnce,
    check: (j) => expect(/^http:\/\/127\.0\.0\.1:\d+$/.test(j.url) && j.port > 0 && j.surveys === `${j.url}/s/<token>`, "expected the server's address")
  }
]
