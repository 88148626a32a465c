// The problems an input error names, formatted as users see them (`FILE:LINE: field: message`).
import { formatProblem, InputError } from "../../src/domain/Errors.js"

/** Runs `decode`; the formatted problems of the InputError it throws, or none when it decodes. */
export const problemsIn = (decode: () => unknown): Array<string> => {
  try {
    decode()
  } catch (e) {
    if (e instanceof InputError) return e.problems.map(formatProblem)
    throw e
  }
  return []
}
