// What `survey invite` and `survey remind` share: their flags, and one run that resolves the
// transport, mails with a progress bar, and sets the exit status when some message failed.
import { Flags } from "@oclif/core"
import { ConveneCommand, workspaceFlags } from "./base.js"
import { progressBar } from "./progress.js"
import { baseUrlFlag, instrumentFlag, positive, rateFlag, waveFlag } from "./survey-flags.js"
import { uncertainLine } from "./mail-uncertain.js"
import { counted } from "./plural.js"
import { printMailPreview } from "./mail-preview.js"

export const surveyMailFlags = {
  ...workspaceFlags,
  wave: waveFlag,
  site: Flags.string({ summary: "Only this site's participants." }),
  instrument: instrumentFlag,
  "base-url": baseUrlFlag,
  "allow-localhost": Flags.boolean({ summary: "Mail links to this machine (the default --base-url) over SMTP anyway: a rehearsal. Without it they are refused (exit 4); the outbox folder takes them." }),
  rate: rateFlag,
  "dry-run": Flags.boolean({ summary: "Say who would be mailed (counts and the first recipients); store, queue and send nothing, open no connection." })
}

interface SurveyMailFlags {
  readonly dir?: string | undefined
  readonly "database-url"?: string | undefined
  readonly wave: string
  readonly site?: string | undefined
  readonly instrument?: string | undefined
  readonly "base-url": string
  readonly rate?: string | undefined
  readonly "resend-links"?: boolean | undefined
  readonly "allow-localhost"?: boolean | undefined
  readonly "dry-run"?: boolean | undefined
}

/** A command that mails a survey wave: invitations or reminders. */
export abstract class SurveyMailCommand extends ConveneCommand {
  protected async mailWave(kind: "invite" | "remind", flags: SurveyMailFlags) {
    const rate = await positive("rate", flags.rate)
    const dryRun = flags["dry-run"] === true
    const bar = progressBar(kind === "invite" ? "invitations" : "reminders", !this.jsonEnabled() && !dryRun)
    const result = await this.runInWorkspace(flags, async (ws) => {
      const [surveys, { resolveMailTransport }] = await Promise.all([import("@convene/core/surveys"), import("@convene/core/mail")])
      const transport = resolveMailTransport(ws.dir, process.env)
      const options = { wave: flags.wave, site: flags.site, instrument: flags.instrument, baseUrl: flags["base-url"], transport, rate, resendLinks: flags["resend-links"] === true, allowLocalhost: flags["allow-localhost"] === true, dryRun, onProgress: (d: number, t: number) => bar.tick(d, t) }
      return kind === "invite" ? surveys.inviteToSurvey(ws, options) : surveys.remindSurvey(ws, options)
    })
    bar.done()
    if ("dryRun" in result) {
      const what = kind === "remind" ? "reminder" : flags["resend-links"] === true ? "corrected link" : "invitation"
      this.log(
        kind === "invite" && flags["resend-links"] !== true
          ? `Wave ${result.wave} of ${result.instrument}: ${counted(result.participants, "participant")} with an address (${result.alreadyInvited} invited before), ${result.withoutEmail} without one.`
          : `Wave ${result.wave} of ${result.instrument}: ${counted(result.participants, "participant")} invited and not answered yet.`
      )
      printMailPreview({ log: (l) => this.log(l), table: (r, c) => this.table(r, c) }, result, { what, linkBase: result.linkBase })
      return result
    }
    if (kind === "invite") {
      if (flags["resend-links"] === true) this.log(`Wave ${result.wave} of ${result.instrument}: ${counted(result.participants, "participant")} invited and not answered yet; ${counted(result.sent, "corrected link")} sent to ${flags["base-url"]}, ${result.alreadySent} already sent there before, ${result.failed} failed, ${result.deferred} deferred.`)
      else this.log(`Wave ${result.wave} of ${result.instrument}: ${counted(result.participants, "participant")} with an address; ${counted(result.sent, "invitation")} sent, ${result.alreadySent} already sent before, ${result.failed} failed, ${result.deferred} deferred.`)
      if (result.withoutEmail > 0) this.log(`${counted(result.withoutEmail, "participant has", "participants have")} no e-mail address: they answer on paper (\`convene survey import FILE --wave ${result.wave}\`).`)
    } else {
      this.log(`Wave ${result.wave} of ${result.instrument}: ${counted(result.participants, "participant")} invited and not answered yet; ${counted(result.sent, "reminder")} sent, ${result.alreadySent} already reminded today, ${result.failed} failed, ${result.deferred} deferred.`)
    }
    const doubt = uncertainLine(result.uncertain)
    if (doubt !== undefined) this.log(doubt)
    if (result.failed + result.deferred + result.uncertain > 0) process.exitCode = 1
    return result
  }
}
