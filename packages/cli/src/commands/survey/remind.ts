import { Flags } from "@oclif/core"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { progressBar } from "../../progress.js"
import { baseUrlFlag, instrumentFlag, positive, rateFlag, waveFlag } from "../../survey-flags.js"

export default class SurveyRemind extends ConveneCommand {
  static override summary = "Remind those invited to a wave who have not answered it yet."
  static override description =
    "Mails again, in their locale, every participant invited to the wave who has no answer for it (from the form, paper or KoboToolbox), with the same personal link. One reminder per participant and day: running it twice the same day sends nothing twice."
  static override examples = [
    "<%= config.bin %> survey remind --wave pre",
    "<%= config.bin %> survey remind --wave post --site sn-dakar --base-url https://survey.example.org"
  ]
  static override flags = {
    ...workspaceFlags,
    wave: waveFlag,
    site: Flags.string({ summary: "Only this site's participants." }),
    instrument: instrumentFlag,
    "base-url": baseUrlFlag,
    rate: rateFlag
  }

  async run() {
    const { flags } = await this.parse(SurveyRemind)
    const rate = await positive("rate", flags.rate)
    const ws = await this.workspace(flags.dir)
    const [{ remindSurvey }, { resolveMailTransport }] = await Promise.all([import("@convene/core/Surveys"), import("@convene/core/Mail")])
    const transport = resolveMailTransport(ws.dir, process.env)
    const bar = progressBar("reminders", !this.jsonEnabled())
    const result = await this.withDatabase(
      await this.databaseOptions(ws, flags["database-url"]),
      remindSurvey(ws, { wave: flags.wave, site: flags.site, instrument: flags.instrument, baseUrl: flags["base-url"], transport, rate, onProgress: (d, t) => bar.tick(d, t) })
    )
    bar.done()
    this.log(`Wave ${result.wave} of ${result.instrument}: ${result.participants} participant(s) invited and not answered yet; ${result.sent} reminder(s) sent, ${result.alreadySent} already reminded today, ${result.failed} failed, ${result.deferred} deferred.`)
    if (result.failed + result.deferred > 0) process.exitCode = 1
    return result
  }
}
