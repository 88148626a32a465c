// The contract cases of recruitment in the store: the pool imported, each site's panel drawn with
// reserves, confirmations, a decline replaced, attendance and the representativeness report. Run
// last, since confirmed candidates become participants.
import { readFileSync } from "node:fs"
import { writeFile } from "node:fs/promises"
import { join } from "node:path"
import { convene } from "../run.js"
import type { Case, Ran } from "./case.js"

/** The panel drawn at a site, from the draw.json the draw wrote. */
const panelOf = (dir: string, site: string): Array<string> => (JSON.parse(readFileSync(join(dir, "out", "recruitment", site, "draw.json"), "utf8")) as { panel: Array<string> }).panel

/** Runs the command with `PANEL:n` replaced by the n-th member of Dakar's panel. */
const withPanel = (dir: string, args: ReadonlyArray<string>, env: Record<string, string>): Promise<Ran> =>
  convene(dir, args.map((a) => (/^PANEL:\d+$/.test(a) ? panelOf(dir, "sn-dakar")[Number(a.slice(6))]! : a)), env)

const targets = ["--targets", "out/recruitment/targets.csv"]

export const recruitCases: ReadonlyArray<Case> = [
  { args: ["recruit", "targets", "--census", "census.csv", "--size", "24", "--tolerance", "0.02"] },
  { args: ["candidates", "import", "candidates.csv", "--dry-run"], check: (j) => { if (j.dry_run !== true || j.inserted !== 230) throw new Error(`expected a dry run of 230, got ${JSON.stringify(j)}`) } },
  { args: ["candidates", "import", "candidates.csv"], check: (j) => { if (j.sites !== 3 || j.consented !== 220) throw new Error(`expected 3 sites and 220 consented, got ${j.sites}, ${j.consented}`) } },
  {
    before: async (dir) => writeFile(join(dir, "bad-candidates.csv"), "id,site,consent,gender\nc-x,sn-nowhere,yes,woman\n"),
    args: ["candidates", "import", "bad-candidates.csv"],
    error: true,
    exit: 2,
    check: (j) => { if (j.error.problems[0].line !== 2 || j.error.problems[0].column !== 2) throw new Error(`expected line 2 column 2, got ${JSON.stringify(j.error.problems[0])}`) }
  },
  { args: ["candidates", "list"] },
  { args: ["candidates", "list", "--site", "in-bengaluru"], check: (j) => { if (j.candidates.length !== 70 || "email" in j.candidates[0]) throw new Error("expected 70 candidates without contact data") } },
  {
    args: ["recruit", "select", "--all", "--size", "24", "--reserves", "3", "--seed", "contract", ...targets],
    check: (j) => { if (j.draws.length !== 3 || j.failures.length !== 0 || j.draws.some((d: { panel: Array<string>; reserves: Array<string> }) => d.panel.length !== 24 || d.reserves.length !== 3)) throw new Error("expected 3 panels of 24 with 3 reserves") }
  },
  { args: ["recruit", "select", "--site", "sn-thies", "--seed", "x", ...targets], error: true, exit: 2 },
  { args: ["recruit", "confirm", "PANEL:0", "PANEL:1", "PANEL:2"], run: withPanel, check: (j) => { if (j.confirmed.length !== 3) throw new Error("expected 3 confirmed") } },
  { args: ["recruit", "decline", "PANEL:3", "--replace"], run: withPanel, check: (j) => { if (j.replacement === null || j.participant_removed !== false) throw new Error(`expected a replacement, got ${JSON.stringify(j)}`) } },
  { args: ["recruit", "decline", "PANEL:3"], run: withPanel, error: true, exit: 2 },
  { args: ["recruit", "status"] },
  { args: ["recruit", "export", "--all"], check: (j) => { if (j.sites.length !== 3 || j.files.length !== 9) throw new Error(`expected 3 sites and 9 files, got ${j.sites.length}, ${j.files.length}`) } },
  { args: ["recruit", "export", "--site", "sn-thies"], error: true, exit: 2 },
  { args: ["recruit", "status", "--site", "sn-dakar"], check: (j) => { if (j.sites[0].confirmed !== 3 || j.sites[0].declined !== 1 || j.sites[0].reserves_called !== 1) throw new Error(`unexpected status ${JSON.stringify(j.sites[0]).slice(0, 200)}`) } },
  {
    before: async (dir) => {
      const [a, b, c] = panelOf(dir, "sn-dakar")
      await writeFile(join(dir, "attendance.csv"), `participant,present\n${a},yes\n${b},yes\n${c},no\n`)
    },
    args: ["attendance", "import", "attendance.csv"],
    check: (j) => { if (j.present !== 2 || j.absent !== 1) throw new Error("expected 2 present, 1 absent") }
  },
  { args: ["recruit", "report", "--census", "census.csv", "--format", "html,csv,json"], check: (j) => { if (j.groups.length !== 3 || j.files.length !== 3) throw new Error("expected 3 sites and 3 files") } }
]
