/**
 * The World Bank's income groups of economies, fiscal year 2026 (the classification of 1 July
 * 2025, from 2024 GNI per capita, Atlas method), keyed by ISO 3166-1 alpha-2 code, for
 * `convene results report --by income`. Transcribed from the World Bank's country and lending
 * groups (https://datahelpdesk.worldbank.org/knowledgebase/articles/906519-world-bank-country-and-lending-groups,
 * file CLASS.xlsx). The World Bank revises the list every 1 July: replace this file then, and
 * change `fiscalYear` and `date`. Economies it does not classify (Venezuela since July 2021)
 * and places it does not list (e.g. Niue) are reported as "not classified".
 */

/** The four income groups, poorest first. */
export type IncomeGroup = "low" | "lower-middle" | "upper-middle" | "high"

/** Where the classification comes from and when it was made. */
export const INCOME_SOURCE = {
  publisher: "World Bank",
  title: "World Bank country classifications by income level, FY2026",
  url: "https://datahelpdesk.worldbank.org/knowledgebase/articles/906519-world-bank-country-and-lending-groups",
  fiscalYear: "FY2026",
  /** The day the classification took effect. */
  date: "2025-07-01",
  /** GNI per capita of 2024 (current US$, Atlas method) bounding each group. */
  thresholds: { low: "≤ 1,135", "lower-middle": "1,136 – 4,495", "upper-middle": "4,496 – 13,935", high: "> 13,935" }
} as const

const LOW = "AF BF BI CD CF ER ET GM GW KP LR MG ML MW MZ NE RW SD SL SO SS SY TD TG UG YE"
const LOWER_MIDDLE = "AO BD BJ BO BT CG CI CM DJ EG FM GH GN HN HT IN JO KE KG KH KI KM LA LB LK LS MA MM MR NA NG NI NP PG PH PK PS SB SN ST SZ TJ TL TN TZ UZ VN VU ZM ZW"
const UPPER_MIDDLE = "AL AM AR AZ BA BR BW BY BZ CN CO CU CV DM DO DZ EC FJ GA GD GE GQ GT ID IQ IR JM KZ LC LY MD ME MH MK MN MU MV MX MY PE PY RS SR SV TH TM TO TR TV UA VC WS XK ZA"
// The Channel Islands, a high-income economy of the list, have no alpha-2 code of their own.
const HIGH = "AD AE AG AS AT AU AW BB BE BG BH BM BN BS CA CH CL CR CW CY CZ DE DK EE ES FI FO FR GB GI GL GR GU GY HK HR HU IE IL IM IS IT JP KN KR KW KY LI LT LU LV MC MF MO MP MT NC NL NO NR NZ OM PA PF PL PR PT PW QA RO RU SA SC SE SG SI SK SM SX TC TT TW US UY VG VI"

/** Economies the World Bank lists without an income group in this classification. */
export const INCOME_UNCLASSIFIED: ReadonlyArray<string> = ["VE"]

const entries = (codes: string, group: IncomeGroup): Array<[string, IncomeGroup]> => codes.split(" ").map((c) => [c, group])

/** Alpha-2 code → income group (FY2026). */
export const INCOME_GROUPS: ReadonlyMap<string, IncomeGroup> = new Map([
  ...entries(LOW, "low"),
  ...entries(LOWER_MIDDLE, "lower-middle"),
  ...entries(UPPER_MIDDLE, "upper-middle"),
  ...entries(HIGH, "high")
])

/**
 * A country's income group, or undefined when the World Bank does not classify it.
 *
 * @example
 * incomeGroupOf("SN") // "lower-middle"
 * incomeGroupOf("VE") // undefined
 */
export const incomeGroupOf = (alpha2: string): IncomeGroup | undefined => INCOME_GROUPS.get(alpha2)
