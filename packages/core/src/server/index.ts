/** The form server: survey forms (one link per participant and wave) and results forms (one link per site), localized, without JavaScript. */
export { type ServeOptions, serveSurveys, surveyServerContext } from "./SurveyServe.js"
export { surveyApp, type SurveyServerContext, type SurveyServerOptions } from "./SurveyServer.js"
export { addResultsForm, type FormServerParts, formOfResults, readResultsForm, type ResultsFormContext } from "./ResultsForm.js"
export { addLiveView, LIVE_CACHE_MS, LIVE_REFRESH_SECONDS, type LiveViewContext, type LiveViewParts, MIN_STAFF_TOKEN_LENGTH, staffTokenProblem } from "./LiveView.js"
