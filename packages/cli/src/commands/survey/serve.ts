import Serve from "../serve.js"

/** `convene survey serve`: the name the form server had before it served results forms too. */
export default class SurveyServe extends Serve {
  static override summary = "Serve the survey and results forms until stopped (Ctrl-C): the same command as `convene serve`."
  static override examples = ["<%= config.bin %> survey serve", "<%= config.bin %> survey serve --port 8080 --host 0.0.0.0"]
}
