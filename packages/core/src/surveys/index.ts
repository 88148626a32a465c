/** The evaluation surveys: instruments, invitations and reminders, paper and Kobo imports, exports. */
export { type LoadedInstrument, readInstruments } from "./Instruments.js"
export { exportXlsForm } from "./SurveyForms.js"
export { organiserAnswers, organiserInvitations, organisersOf } from "./Organisers.js"
export { type OrganiserResponseToStore, type StoredOrganiserResponse, type SurveyInvitation, SurveyRepo } from "./SurveyRepo.js"
export {
  answeredIn,
  checkWave,
  exportSurveyCsv,
  importSurveyAnswers,
  invitationByTokenHash,
  inviteToSurvey,
  loadInstrument,
  loadParticipantsInstrument,
  remindSurvey,
  type ResponseToStore,
  storeOrganiserResponses,
  storeResponses,
  type SurveyImportOptions,
  type SurveyImportSummary,
  type SurveyAudience,
  type SurveyMailOptions,
  surveyToken,
  surveyTokenKey,
  tokenHash
} from "./Surveys.js"
export type { WouldBeRefused } from "../domain/Values.js"

/**
 * Writes an XLSForm workbook (.xlsx) to `file`, replacing it; the writer loads only when this is
 * called. The results' tablet form is written with it too.
 */
export const writeXlsFormFile = async (file: string, sheets: import("../domain/XlsForm.js").XlsFormSheets): Promise<void> => (await import("./XlsForm.js")).writeXlsForm(file, sheets)
