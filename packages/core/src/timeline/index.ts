/** The timeline: milestones reached at sites, and every site's readiness. */
export { recordMilestone, timelineStatus } from "./Timeline.js"
export { ProgressRepo } from "./ProgressRepo.js"
