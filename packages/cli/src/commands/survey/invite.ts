import { Flags } from "@oclif/core"
import { SurveyMailCommand, surveyMailFlags } from "../../survey-mail.js"

export default class SurveyInvite extends SurveyMailCommand {
  static override summary = "Invite every participant with an e-mail address to a survey wave, each with their own link."
  static override description = [
    "Each participant gets one unguessable link per wave (<base-url>/s/<token>, 192 random-looking bits derived from a key kept in the database; only a hash of it is stored), mailed in their locale (the participant's, else their site's) through the mail service: the outbox folder, or SMTP when SMTP_URL is set.",
    "Running it again invites nobody twice: the token is the same and the message is keyed by instrument, wave and participant. Participants without an e-mail address are counted: they answer on paper (`convene survey import`).",
    "Over SMTP, links to this machine (the default --base-url, http://localhost:8080) are refused with exit status 4: nobody could open them. Pass the form server's public address, or --allow-localhost for a rehearsal. The outbox folder (no SMTP_URL) takes them as they are.",
    "--dry-run says what a run would do (how many invitations would be sent, how many went out before, the first recipients with their subject, where the links point) and does nothing: no invitation, token key or send-log row is stored, no message is written or sent, no SMTP connection is opened. A --base-url that would be refused is reported (\"Would be refused\") and the dry run still exits 0.",
    "Sent with a wrong --base-url? --resend-links mails the link again, at the corrected address, to those invited who have not answered yet, under a key of its own for that address (so it too goes out once)."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> survey invite --wave pre",
    "<%= config.bin %> survey invite --wave pre --site sn-dakar",
    "SMTP_URL=smtp://user:pass@mail.example.org:587 <%= config.bin %> survey invite --wave post --base-url https://survey.example.org --rate 5",
    "<%= config.bin %> survey invite --wave pre --base-url https://survey.example.org --resend-links   # after a wrong --base-url",
    "<%= config.bin %> survey invite --wave pre --base-url https://survey.example.org --dry-run   # who would be mailed; nothing sent or stored"
  ]
  static override output = () => import("../../json/survey.js").then((m) => m.mailed)
  static override flags = {
    ...surveyMailFlags,
    "resend-links": Flags.boolean({ summary: "Mail the link again, at this --base-url, to those invited who have not answered yet." })
  }

  async run() {
    const { flags } = await this.parse(SurveyInvite)
    return this.mailWave("invite", flags)
  }
}
