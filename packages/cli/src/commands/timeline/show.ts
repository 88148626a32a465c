import { Flags } from "@oclif/core"
import { ConveneCommand, today, workspaceFlags } from "../../base.js"

export default class TimelineShow extends ConveneCommand {
  static override summary = "Show the phases and milestones, and which phase is current."
  static override examples = ["<%= config.bin %> timeline show", "<%= config.bin %> timeline show --as-of 2027-05-15"]
  static override flags = { dir: workspaceFlags.dir, "as-of": Flags.string({ summary: "The date to judge by, YYYY-MM-DD (default: today)." }) }
  static override output = () => import("../../json/schedule.js").then((m) => m.timeline)

  async run() {
    const { flags } = await this.parse(TimelineShow)
    const ws = await this.workspace(flags.dir)
    const { phaseOn } = await import("@convene/core/domain/Timeline")
    const { checkDate } = await import("../../dates.js")
    const asOf = checkDate(flags["as-of"] ?? today(), "--as-of")
    const { phases, milestones } = ws.dialogue.timeline
    const position = phaseOn(phases, asOf)
    const current = position._tag === "In" ? position.phase.id : undefined
    this.log(`${ws.dialogue.title} — timeline as of ${asOf}\n`)
    this.table(
      phases.map((p) => ({ " ": p.id === current ? "▶" : "", id: p.id, start: p.start, end: p.end, title: p.title })),
      [" ", "id", "start", "end", "title"]
    )
    const where =
      position._tag === "In" ? `Current phase: ${position.phase.title}.`
      : position._tag === "Before" ? `Before the first phase (${position.next.title} starts ${position.next.start}).`
      : position._tag === "Between" ? `Between phases: ${position.previous.title} ended ${position.previous.end}; ${position.next.title} starts ${position.next.start}.`
      : position._tag === "After" ? `After the last phase (${position.previous.title} ended ${position.previous.end}).`
      : "No phases are declared in convene.yaml."
    this.log(`\n${where}\n`)
    const { dueOn } = await import("@convene/core/domain/Timeline")
    const globalDay = ws.dialogue.deliberation_day.date
    this.table(
      milestones.map((m) => {
        // a relative milestone: its date on the global day, and the offset every site's own day takes
        const due = dueOn(m, globalDay)!
        return { id: m.id, due: m.due_relative === undefined ? due : `${due} (${m.due_relative} from each site's day)`, " ": due < asOf ? "past" : "", title: m.title }
      }),
      ["id", "due", " ", "title"]
    )
    return { as_of: asOf, current: current ?? null, position: position._tag, phases, milestones }
  }
}
