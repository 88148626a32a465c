/** The synchronized deliberation day: the stored plan, its exports, calendars and the follow-the-sun chart. */
export { calendarEventHashes, type CalendarOptions, type CalendarRevision, type CalendarSite, globalCalendar, globalCalendarChunks, siteCalendar, vtimezone } from "./Calendar.js"
export { scheduleHtml } from "./ScheduleChart.js"
export { calendarRevisions, latestPlan, planForSite, planSchedule, planSites, scheduleCsv, type ScheduleFormat, scheduleJson, tzWarning, writeGlobalCalendar, writeSchedule } from "./Schedules.js"
export { type EventRevision, PlanRepo, type PlanRecord } from "./PlanRepo.js"
