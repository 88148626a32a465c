import { Flags } from "@oclif/core"
import { relative } from "node:path"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { type ProgressBar, progressBar } from "../../progress.js"
import { instrumentFlag } from "../../survey-flags.js"
import { counted } from "../../plural.js"
import { dryRunFlag } from "../../confirm.js"

const WARNING = "SIMULATED ANSWERS: made up by `convene survey simulate`, not given by anyone. For demos and benchmarks only; never report them as results."

export default class SurveySimulate extends ConveneCommand {
  static override summary = "Store seeded, SIMULATED survey answers for demos and benchmarks."
  static override description = [
    "Simulates answers of the registered participants to every wave the instrument asks (or --waves), and stores them as real answers are stored, with a mix of web, paper and Kobo as their source. With --participants N, simulated participants are registered first when fewer than N are (ids sim-<site>-00001, spread over the sites by capacity, codes derived from the seed, no e-mail addresses), through the same import as participants.csv; the file is kept in out/simulate/.",
    "The answers follow a documented model: attrition between waves, a few blanks in optional questions, site and country differences, and the effects deliberative polls report (knowledge up, internal efficacy up a little, trust stable, some attitudes and choices shift; half as much at mirror sites). The effects built in are printed, so a report on these answers can be checked against them.",
    "Deterministic: the same --seed on the same registry stores the same answers. Participants who already answered a wave are skipped, so running it again adds nothing; keep the seed to add waves or participants later (another seed gives those who had not answered a wave answers from another draw). Simulated answers are marked as such in the database: the CSV export has a simulated column and a report that holds any says so at the top. Still, prefer a scratch workspace.",
    "--dry-run says what would be stored, with the same counts, and stores nothing: simulated participants are planned but not registered (no CSV is written), and the answers of registered participants go through the write path in a transaction that is rolled back."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> survey simulate --participants 5000",
    "<%= config.bin %> survey simulate --seed 7 --waves pre",
    "<%= config.bin %> survey simulate --participants 100000 --json",
    "<%= config.bin %> survey simulate --participants 5000 --dry-run   # the counts; nothing stored",
    "<%= config.bin %> survey simulate --participants 5000 --control 0.3   # 30% of the new ones form a control group, with no effect"
  ]
  static override output = () => import("../../json/survey.js").then((m) => m.simulated)
  static override flags = {
    ...workspaceFlags,
    seed: Flags.integer({ summary: "The seed: the same seed on the same registry gives the same answers.", default: 1, min: 0 }),
    participants: Flags.integer({ summary: "Simulate this many participants, registering simulated ones when fewer are registered.", min: 1, max: 1_000_000 }),
    instrument: instrumentFlag,
    waves: Flags.string({ summary: "Waves to simulate, separated by commas (default: every wave of convene.yaml the instrument asks)." }),
    control: Flags.string({ summary: "With --participants: the share (0 to below 1) of the simulated participants registered now that form a control group (role control): they answer the same waves with no effect built in, so the report's difference-in-differences shows the panel's effect against a flat control." }),
    ...dryRunFlag
  }

  async run() {
    const { flags } = await this.parse(SurveySimulate)
    const json = this.jsonEnabled()
    let bar: ProgressBar | undefined
    let step = ""
    const summary = await this.runInWorkspace(flags, async (ws) => {
      const { simulateSurvey } = await import("@convene/core/simulation")
      if (!json) this.log(`⚠ ${WARNING}`)
      return simulateSurvey(ws, {
        seed: flags.seed,
        participants: flags.participants,
        instrument: flags.instrument,
        waves: flags.waves?.split(",").map((w) => w.trim()).filter((w) => w !== ""),
        dryRun: flags["dry-run"],
        controlShare: flags.control === undefined ? undefined : Number(flags.control),
        onProgress: (done, total, now) => {
          if (total < 5000) return
          if (now !== step) {
            bar?.done()
            step = now
            bar = progressBar(now === "registering" ? "registering simulated participants" : "simulating answers", !json)
          }
          bar!.tick(done, total)
        }
      })
    })
    bar?.done()
    const dry = summary.dryRun === true
    if (dry) this.log("Dry run: nothing was registered or stored; a run without --dry-run would do this:")
    if (summary.registered > 0 && dry) {
      this.log(`Would register ${counted(summary.registered, "simulated participant")} (sim-<site>-NNNNN, no e-mail address) from ${relative(process.cwd(), summary.participantsFile ?? "") || summary.participantsFile}.`)
    } else if (summary.registered > 0) {
      this.log(`Registered ${counted(summary.registered, "simulated participant")} (sim-<site>-NNNNN, no e-mail address) from ${relative(process.cwd(), summary.participantsFile ?? "") || summary.participantsFile}.`)
    }
    this.log(`Simulated answers of ${counted(summary.participants, "participant")} to ${summary.instrument}, seed ${summary.seed}: ${summary.answers} answers ${dry ? "would be stored" : "stored"}.`)
    this.table(
      Object.entries(summary.responses).map(([wave, c]) => ({ wave, web: c.web, paper: c.paper, kobo: c.kobo, stored: c.total, "already-answered": c.skippedExisting })),
      ["wave", "web", "paper", "kobo", "stored", "already-answered"]
    )
    if (dry) {
      this.log("Dry run: nothing was registered or stored.")
      return { warning: WARNING, ...summary, files: [] }
    }
    this.log("Effects built in, pre → post (a report on these answers should find them):")
    const signed = (x: number) => (x > 0 ? `+${x}` : String(x))
    const points = (share: number) => Math.round(share * 1000) / 10
    this.table(
      summary.effects.map((e) => ({
        question: e.question,
        measures: e.role,
        change: e.unit === "share" ? `${e.option} ${signed(points(e.post))} points of share, "I don't know" halved` : `${signed(e.post)} ${e.unit}`,
        mirror: e.unit === "share" ? `${signed(points(e.postMirror))} points, a quarter less "I don't know"` : signed(e.postMirror)
      })),
      ["question", "measures", "change", "mirror"]
    )
    this.log(`⚠ ${WARNING}`)
    return { warning: WARNING, ...summary, files: summary.registered > 0 && summary.participantsFile !== undefined ? [summary.participantsFile] : [] }
  }
}
