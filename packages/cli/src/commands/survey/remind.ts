import { SurveyMailCommand, surveyMailFlags } from "../../survey-mail.js"

export default class SurveyRemind extends SurveyMailCommand {
  static override summary = "Remind those invited to a wave who have not answered it yet."
  static override description =
    "Mails again, in their locale, every participant invited to the wave who has no answer for it (from the form, paper or KoboToolbox), with the same personal link. One reminder per participant and day: running it twice the same day sends nothing twice. --dry-run says how many reminders would go out, and to whom first, and sends and records nothing (a --base-url that would be refused is reported, exit status 0)."
  static override examples = [
    "<%= config.bin %> survey remind --wave pre",
    "<%= config.bin %> survey remind --wave post --site sn-dakar --base-url https://survey.example.org",
    "<%= config.bin %> survey remind --wave pre --dry-run"
  ]
  static override output = () => import("../../json/survey.js").then((m) => m.mailed)
  static override flags = surveyMailFlags

  async run() {
    const { flags } = await this.parse(SurveyRemind)
    return this.mailWave("remind", flags)
  }
}
