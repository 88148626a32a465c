// Flags shared by the results commands.
import { Flags } from "@oclif/core"
import { userInfo } from "node:os"

/** `--by NAME`: the staff member making a change, kept in the results log. */
export const byFlag = Flags.string({
  summary: "Your name, kept in the results log with the change (default: CONVENE_STAFF, else your login name).",
  env: "CONVENE_STAFF"
})

/** The actor the log records for a staff command: `staff:NAME`. */
export const staffActor = (by: string | undefined): string => {
  let name = by?.trim() ?? ""
  if (name === "") {
    try {
      name = userInfo().username
    } catch {
      name = "unknown"
    }
  }
  return `staff:${name}`
}
