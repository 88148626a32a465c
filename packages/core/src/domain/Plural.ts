/**
 * Counts in English words for convene's own messages: "1 problem", "2 problems", never
 * "problem(s)". (Texts people read in their own language go through the ICU catalogs.)
 */
const rules = new Intl.PluralRules("en")

/**
 * `n` followed by the singular or plural noun, as English needs.
 *
 * @example
 * counted(1, "problem") // "1 problem"
 * counted(1200, "message") // "1,200 messages"
 * counted(2, "mirror dialogue") // "2 mirror dialogues"
 */
export const counted = (n: number, one: string, other = `${one}s`): string => `${n.toLocaleString("en")} ${plural(n, one, other)}`

/**
 * The singular or plural word for `n`, without the number.
 *
 * @example
 * plural(1, "column") // "column"
 * plural(3, "has", "have") // "have"
 */
export const plural = (n: number, one: string, other = `${one}s`): string => (rules.select(n) === "one" ? one : other)
