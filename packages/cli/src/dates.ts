// Date flags, checked before any work starts.
import { InputError } from "@convene/core/domain/Errors"
import { isLocalDate } from "@convene/core/domain/Values"

/** Returns `value` when it is a real `YYYY-MM-DD` date; otherwise throws an error naming the flag. */
export const checkDate = (value: string, flag: string): string => {
  if (isLocalDate(value)) return value
  throw new InputError({ summary: `Bad ${flag}.`, problems: [{ field: flag, message: `expected a calendar date YYYY-MM-DD, got "${value}"` }] })
}
