// Flags shared by the survey commands.
import { Flags } from "@oclif/core"

export const waveFlag = Flags.string({ summary: "The evaluation wave: pre, post or followup (as in convene.yaml).", required: true })
export const instrumentFlag = Flags.string({ summary: "The instrument id (surveys/<id>.yaml); needed only when there are several." })
export const rateFlag = Flags.string({ summary: "At most this many messages per second over SMTP (e.g. 5 or 0.5)." })
export const baseUrlFlag = Flags.string({
  summary: "The public address of the form server; links are <url>/s/<token>.",
  env: "CONVENE_SURVEY_URL",
  default: "http://localhost:8080"
})

/** A positive number from a flag, or an error naming the flag. */
export const positive = async (flag: string, value: string | undefined): Promise<number | undefined> => {
  if (value === undefined) return undefined
  const n = Number(value)
  if (Number.isFinite(n) && n > 0) return n
  const { InputError } = await import("@convene/core/domain/Errors")
  throw new InputError({ summary: `--${flag}: expected a number above 0, got "${value}".`, problems: [] })
}
