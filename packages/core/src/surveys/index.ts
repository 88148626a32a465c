/** The evaluation surveys: instruments, invitations and reminders, paper and Kobo imports, exports. */
export { type LoadedInstrument, readInstruments } from "./Instruments.js"
export { exportXlsForm } from "./SurveyForms.js"
export { type SurveyInvitation, SurveyRepo } from "./SurveyRepo.js"
export {
  answeredIn,
  checkWave,
  exportSurveyCsv,
  importSurveyAnswers,
  invitationByTokenHash,
  inviteToSurvey,
  loadInstrument,
  remindSurvey,
  type ResponseToStore,
  storeResponses,
  type SurveyImportOptions,
  type SurveyImportSummary,
  type SurveyMailOptions,
  surveyToken,
  surveyTokenKey,
  tokenHash
} from "./Surveys.js"
