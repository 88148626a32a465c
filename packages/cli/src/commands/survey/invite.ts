import { Flags } from "@oclif/core"
import { ConveneCommand, workspaceFlags } from "../../base.js"
import { progressBar } from "../../progress.js"
import { baseUrlFlag, instrumentFlag, positive, rateFlag, waveFlag } from "../../survey-flags.js"

export default class SurveyInvite extends ConveneCommand {
  static override summary = "Invite every participant with an e-mail address to a survey wave, each with their own link."
  static override description = [
    "Each participant gets one unguessable link per wave (<base-url>/s/<token>, 192 random-looking bits derived from a key kept in the database; only a hash of it is stored), mailed in their locale (the participant's, else their site's) through the mail service: the outbox folder, or SMTP when SMTP_URL is set.",
    "Running it again invites nobody twice: the token is the same and the message is keyed by instrument, wave and participant. Participants without an e-mail address are counted: they answer on paper (`convene survey import`)."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> survey invite --wave pre",
    "<%= config.bin %> survey invite --wave pre --site sn-dakar",
    "SMTP_URL=smtp://user:pass@mail.example.org:587 <%= config.bin %> survey invite --wave post --base-url https://survey.example.org --rate 5"
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
    const { flags } = await this.parse(SurveyInvite)
    const rate = await positive("rate", flags.rate)
    const ws = await this.workspace(flags.dir)
    const [{ inviteToSurvey }, { resolveMailTransport }] = await Promise.all([import("@convene/core/Surveys"), import("@convene/core/Mail")])
    const transport = resolveMailTransport(ws.dir, process.env)
    const bar = progressBar("invitations", !this.jsonEnabled())
    const result = await this.withDatabase(
      await this.databaseOptions(ws, flags["database-url"]),
      inviteToSurvey(ws, { wave: flags.wave, site: flags.site, instrument: flags.instrument, baseUrl: flags["base-url"], transport, rate, onProgress: (d, t) => bar.tick(d, t) })
    )
    bar.done()
    this.log(`Wave ${result.wave} of ${result.instrument}: ${result.participants} participant(s) with an address; ${result.sent} invitation(s) sent, ${result.alreadySent} already sent before, ${result.failed} failed, ${result.deferred} deferred.`)
    if (result.withoutEmail > 0) this.log(`${result.withoutEmail} participant(s) have no e-mail address: they answer on paper (\`convene survey import FILE --wave ${result.wave}\`).`)
    if (result.failed + result.deferred > 0) process.exitCode = 1
    return result
  }
}
