/** The synchronized deliberation day: the stored plan, its exports, calendars and the follow-the-sun chart. */
export { globalCalendar, globalCalendarChunks, siteCalendar, vtimezone } from "./Calendar.js"
export { scheduleHtml } from "./ScheduleChart.js"
export { latestPlan, planForSite, planSchedule, planSites, scheduleCsv, type ScheduleFormat, scheduleJson, tzWarning, writeGlobalCalendar, writeSchedule } from "./Schedules.js"
export { PlanRepo, type PlanRecord } from "./PlanRepo.js"
