/**
 * The default timeline of a new dialogue, laid out around its deliberation day: the phases of
 * the model (coalition building to sustainability) and the milestones every site must reach.
 */
import type { Milestone, Phase, Wave } from "./Dialogue.js"
import { addDays } from "./Values.js"

const phase = (id: string, title: string, day: string, from: number, to: number): Phase =>
  ({ id, title, start: addDays(day, from), end: addDays(day, to) }) as Phase

/** The eight phases, with dates relative to the deliberation day `day`. */
export const defaultPhases = (day: string): ReadonlyArray<Phase> => [
  phase("coalition-building", "Coalition building", day, -180, -121),
  phase("debate-design", "Debate design: topics, timeline, information material", day, -150, -61),
  phase("onboarding", "Onboarding the ecosystem: recruiting and training local partners", day, -90, -1),
  phase("deliberation-day", "Deliberation day", day, 0, 0),
  phase("mirror-dialogues", "Mirror dialogues", day, 1, 60),
  phase("results", "Results: global, national and regional analysis", day, 1, 45),
  phase("dissemination", "Dissemination: action toolkits", day, 46, 120),
  phase("sustainability", "Sustainability: evaluate and prepare the next round", day, 90, 180)
]

const milestone = (id: string, title: string, day: string, offset: number): Milestone =>
  ({ id, title, due: addDays(day, offset) }) as Milestone

/** The nine milestones every site must reach, due relative to the deliberation day. */
export const defaultMilestones = (day: string): ReadonlyArray<Milestone> => [
  milestone("fellow-onboarded", "Fellow onboarded", day, -90),
  milestone("venue-booked", "Venue booked", day, -45),
  milestone("facilitators-trained", "Facilitators trained", day, -30),
  milestone("participants-recruited", "Participants recruited", day, -14),
  milestone("kit-built", "Kit built", day, -10),
  milestone("pre-survey-sent", "Pre-survey sent", day, -7),
  milestone("deliberation-held", "Deliberation held", day, 0),
  milestone("results-uploaded", "Results uploaded", day, 7),
  milestone("post-survey-closed", "Post-survey closed", day, 30)
]

/** The pre and post waves around the deliberation day. */
export const defaultWaves = (day: string): ReadonlyArray<Wave> => [
  { id: "pre", opens: addDays(day, -21), closes: addDays(day, -1) } as Wave,
  { id: "post", opens: day, closes: addDays(day, 30) } as Wave
]

/** The first Saturday at least `weeks` weeks after `today`: a sensible default deliberation day. */
export const defaultDeliberationDay = (today: string, weeks = 26): string => {
  let day = addDays(today, weeks * 7)
  while (new Date(`${day}T00:00:00Z`).getUTCDay() !== 6) day = addDays(day, 1)
  return day
}
