import { SurveyMailCommand, surveyMailFlags } from "../../survey-mail.js"

export default class SurveyRemind extends SurveyMailCommand {
  static override summary = "Remind those invited to a wave who have not answered it yet."
  static override description =
    "Mails again, in their locale, every participant invited to the wave who has no answer for it (from the form, paper or KoboToolbox), with the same personal link. One reminder per participant and day: running it twice the same day sends nothing twice."
  static override examples = [
    "<%= config.bin %> survey remind --wave pre",
    "<%= config.bin %> survey remind --wave post --site sn-dakar --base-url https://survey.example.org"
  ]
  static override output = () => import("../../json/survey.js").then((m) => m.mailed)
  static override flags = surveyMailFlags

  async run() {
    const { flags } = await this.parse(SurveyRemind)
    return this.mailWave("remind", flags)
  }
}
