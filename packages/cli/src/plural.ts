// Counts in words: "1 site", "2 sites" — never "site(s)".
const rules = new Intl.PluralRules("en")

/**
 * `n` followed by the singular or plural noun, as English needs.
 *
 * @example
 * counted(1, "site") // "1 site"
 * counted(3, "country", "countries") // "3 countries"
 */
export const counted = (n: number, one: string, other = `${one}s`): string => `${n.toLocaleString("en")} ${rules.select(n) === "one" ? one : other}`
