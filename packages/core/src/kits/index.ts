/** Localized dialogue kits: sources (templates, catalogs), the renderer, build, check and send. */
export { directionOf, fontsFor, KIT_DOCUMENTS, KIT_FORMAT, type KitFile, type KitInput, type KitLocale, KitRenderer, Messages, type RenderedKit } from "./Kit.js"
export { type BallotCheck, type BallotCoverage, checkKits, type KitCheckReport, type SiteFallback } from "./KitCheck.js"
export { type KitSources, readKitSources, type SourceLayer, type TemplateFile, templatesFor } from "./KitSources.js"
export { type BuiltKit, buildKits, KIT_ATTACHMENT_LIMIT, type KitBuildOptions, type KitBuildResult, type KitManifest, type KitSendOptions, sendKits, zipKit } from "./Kits.js"
export { CHROMIUM_CANDIDATES, findChromium, launchChromium, printKit } from "./KitPdf.js"
export { calendarOptionsFor, calendarSites } from "./KitCalendar.js"
export { rendererFor } from "./Renderer.js"
export { type BallotSheet, type PrintedRecommendations, type PrintedVote, type RecommendationsSheet, type TallySheet, type VoteBlock, type VoteSheets, voteSheetsOf, type VoteSummary } from "./VoteSheets.js"
