// The --locale flag shared by the commands that render text in a language: checked where it
// enters, so that a bad tag is a usage error (exit 2) and never a RangeError deep in Intl.

/**
 * The canonical spelling of a `--locale` value (`fr-sn` → `fr-SN`), undefined when the flag is
 * absent; an InputError (exit 2) naming the flag when it is not a BCP 47 language tag.
 */
export const checkedLocale = async (value: string | undefined, flag = "locale"): Promise<string | undefined> => {
  if (value === undefined) return undefined
  const { canonicalLocale } = await import("@convene/core/domain/Values")
  const canonical = canonicalLocale(value.trim())
  if (canonical !== undefined) return canonical
  const { InputError } = await import("@convene/core/domain/Errors")
  throw new InputError({ summary: `--${flag}: expected a BCP 47 language tag such as fr-SN, got "${value}".`, problems: [] })
}
