/** Self-service mirror dialogues: the public registration (double opt-in), staff decisions, the site, kit and mail on approval, the public toolkit. */
export { approveMirror, confirmMirror, dateIn, listMirrors, type MirrorApproval, type MirrorApproveOptions, type MirrorConfirmation, type MirrorMailOptions, mirrorTokenHash, type MirrorSubmission, registerMirror, rejectMirror, unconfirmedMirror } from "./Mirrors.js"
export { MirrorRepo, type RegisteredMirror } from "./MirrorRepo.js"
export { checkMirrorForm, MIRROR_FIELDS, type MirrorConfig, type MirrorField, type MirrorFieldError, type MirrorRegistration, mirrorResultsOpen, mirrorSiteOf, type MirrorStatus } from "../domain/Mirror.js"
export { addMirrorPage, type MirrorPageContext, type MirrorPageParts, type MirrorServices, pickLocale } from "./MirrorPage.js"
export { buildMirrorToolkit, TOOLKIT_BLANK } from "./Toolkit.js"
