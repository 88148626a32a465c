/** The survey form server: one link per participant and wave, localized, without JavaScript. */
export { type ServeOptions, serveSurveys, surveyServerContext } from "./SurveyServe.js"
export { surveyApp, type SurveyServerContext, type SurveyServerOptions } from "./SurveyServer.js"
