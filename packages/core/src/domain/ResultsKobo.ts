/**
 * The citizens' results on tablets: the vote questions as one XLSForm for KoboToolbox and ODK
 * ({@link resultsXlsFormSheets}), and the reader of its CSV export ({@link readResultsKobo}),
 * which checks every cell with the checks the results CSV uses and names FILE:LINE:COLUMN.
 *
 * The form has no repeat groups, on purpose: KoboToolbox and ODK Central export a repeat as a
 * sheet or file of its own, linked by `_parent_index` / `PARENT_KEY`, and a form without
 * repeats exports as one CSV, one row per submission. So each submission is one record:
 * - a **table sheet** (`record` = `table`): site, table number, people present, the count of
 *   every option of every tally question, and the table's recommendations with their priority
 *   votes (`per_table` text fields, each with a votes field);
 * - a **ballot** (`record` = `ballot`): site, an optional ballot number, and the answer to every
 *   ballot question (a ranking as one choice per rank).
 * Pure: the workbook is written by the surveys' XLSForm writer.
 */
import { CONTROL_IN_TEXT, MAX_TEXT_LENGTH } from "./Answers.js"
import { type Ballots, type CountedQuestion, isCounted, optionIds, type RecommendationsQuestion, scalePoints, voteLabel } from "./Ballot.js"
import { parseCsv } from "./Csv.js"
import type { Dialogue } from "./Dialogue.js"
import { InputError, type Problem } from "./Errors.js"
import { isMetadata, isNotApproved, koboDelimiter } from "./Kobo.js"
import {
  type BallotValue,
  readBallotValue,
  readCount,
  readRecommendationText,
  readTable,
  type Recommendation,
  recommendationVotesProblem,
  type ResultPart,
  type SiteEntry,
  tallyProblem
} from "./Results.js"
import { isXmlName, xlsFormLanguage, type XlsFormSheets } from "./XlsForm.js"

/** The names of the form's own fields. Question fields are named after the question (see {@link resultsFieldName}). */
export const RESULTS_FORM_FIELDS = { site: "site", record: "record", table: "table", present: "present", ballot: "ballot" } as const

/** The choice list of `record`; its name holds an underscore, which no question id (a slug) can. */
const RECORD_LIST = "record_kind"

/**
 * The name of a question's field in the form. Question and option ids are slugs (no
 * underscore), so the double underscore cannot be mistaken.
 *
 * @example
 * resultsFieldName.count("access-right", "yes") // "access-right__yes"
 * resultsFieldName.rank("governance-rank", 2) // "governance-rank__rank_2"
 */
export const resultsFieldName = {
  count: (question: string, option: string): string => `${question}__${option}`,
  rank: (question: string, rank: number): string => `${question}__rank_${rank}`,
  text: (question: string, n: number): string => `${question}__text_${n}`,
  votes: (question: string, n: number): string => `${question}__votes_${n}`
}

// The form's own words, for the locales of the example dialogue; others fall back to English.
interface FormWords {
  readonly site: string
  readonly siteHint: string
  readonly record: string
  readonly tableSheet: string
  readonly ballotSheet: string
  readonly table: string
  readonly present: string
  readonly ballot: string
  readonly atMostPresent: string
  readonly tooMany: string
  readonly choose: (k: number) => string
  readonly rank: (k: number) => string
  readonly differentRank: string
  readonly recommendation: (n: number) => string
  readonly votes: (n: number) => string
  readonly text: string
}

const words: Record<string, FormWords> = {
  en: {
    site: "Site id",
    siteHint: "As printed on the kit, e.g. sn-dakar.",
    record: "What are you entering?",
    tableSheet: "A table's tally sheet (counts and recommendations)",
    ballotSheet: "One participant's ballot",
    table: "Table number",
    present: "People present at the table",
    ballot: "Ballot number (from a paper ballot; leave blank when voting on the tablet)",
    atMostPresent: "At most the number of people present at the table.",
    tooMany: "More votes in all than people present allow.",
    choose: (k) => `Choose at most ${k}.`,
    rank: (k) => `Rank ${k}`,
    differentRank: "Choose an option not ranked above.",
    recommendation: (n) => `Recommendation ${n}`,
    votes: (n) => `Priority votes for recommendation ${n}`,
    text: `At most ${MAX_TEXT_LENGTH} characters.`
  },
  fr: {
    site: "Identifiant du site",
    siteHint: "Tel qu’imprimé sur le kit, p. ex. sn-dakar.",
    record: "Que saisissez-vous ?",
    tableSheet: "La feuille de décompte d’une table (décomptes et recommandations)",
    ballotSheet: "Le bulletin d’un participant",
    table: "Numéro de table",
    present: "Personnes présentes à la table",
    ballot: "Numéro du bulletin (bulletin papier ; laisser vide pour un vote sur la tablette)",
    atMostPresent: "Au plus le nombre de personnes présentes à la table.",
    tooMany: "Plus de voix au total que les personnes présentes ne le permettent.",
    choose: (k) => `Choisissez-en ${k} au plus.`,
    rank: (k) => `Rang ${k}`,
    differentRank: "Choisissez une option qui n’est pas déjà classée.",
    recommendation: (n) => `Recommandation ${n}`,
    votes: (n) => `Voix de priorité pour la recommandation ${n}`,
    text: `Au plus ${MAX_TEXT_LENGTH} caractères.`
  },
  es: {
    site: "Identificador del sitio",
    siteHint: "Tal como figura en el kit, p. ej. sn-dakar.",
    record: "¿Qué va a introducir?",
    tableSheet: "La hoja de recuento de una mesa (recuentos y recomendaciones)",
    ballotSheet: "La papeleta de un participante",
    table: "Número de mesa",
    present: "Personas presentes en la mesa",
    ballot: "Número de papeleta (papeleta en papel; dejar en blanco si se vota en la tableta)",
    atMostPresent: "Como máximo el número de personas presentes en la mesa.",
    tooMany: "Más votos en total de los que permiten las personas presentes.",
    choose: (k) => `Elija ${k} como máximo.`,
    rank: (k) => `Puesto ${k}`,
    differentRank: "Elija una opción que no esté ya clasificada.",
    recommendation: (n) => `Recomendación ${n}`,
    votes: (n) => `Votos de prioridad para la recomendación ${n}`,
    text: `Como máximo ${MAX_TEXT_LENGTH} caracteres.`
  },
  ar: {
    site: "معرّف الموقع",
    siteHint: "كما هو مطبوع على الحقيبة، مثل sn-dakar.",
    record: "ماذا تُدخل؟",
    tableSheet: "ورقة فرز طاولة (الأعداد والتوصيات)",
    ballotSheet: "ورقة اقتراع مشارك واحد",
    table: "رقم الطاولة",
    present: "عدد الحاضرين على الطاولة",
    ballot: "رقم ورقة الاقتراع (ورقة ورقية؛ اتركه فارغًا عند التصويت على الجهاز اللوحي)",
    atMostPresent: "لا يتجاوز عدد الحاضرين على الطاولة.",
    tooMany: "مجموع الأصوات أكبر مما يسمح به عدد الحاضرين.",
    choose: (k) => `اختر ${k} على الأكثر.`,
    rank: (k) => `المرتبة ${k}`,
    differentRank: "اختر خيارًا لم يُرتَّب أعلاه.",
    recommendation: (n) => `التوصية ${n}`,
    votes: (n) => `أصوات الأولوية للتوصية ${n}`,
    text: `${MAX_TEXT_LENGTH} حرف على الأكثر.`
  }
}

const wordsIn = (locale: string): FormWords => words[locale] ?? words[locale.split("-")[0]!] ?? words["en"]!

/** What the results form needs besides the ballots. */
export interface ResultsFormOptions {
  /** Fill in this site id by default (a form for one site's tablets). */
  readonly site?: string | undefined
  /** The form's version, e.g. from the ballots' hash: KoboToolbox keeps submissions per version. */
  readonly version?: string | undefined
  /** The language's name in a column header, `English` in `label::English (en)`; English names by default. */
  readonly languageName?: ((locale: string) => string) | undefined
}

const coalesceSum = (names: ReadonlyArray<string>): string => names.map((n) => `coalesce(\${${n}}, 0)`).join(" + ")

/**
 * The XLSForm of the dialogue's vote questions, labels in every locale of the dialogue:
 * `site`, then `record` (a table's tally sheet or one ballot), then for a table sheet `table`,
 * `present`, one integer per option of every tally question (`<question>__<option>`, at most
 * `present`; the last option of a single choice or scale also checks the sum, a multiple choice
 * `present × max_choices`) and the recommendations (`<question>__text_<n>`,
 * `<question>__votes_<n>`); for a ballot `ballot` (optional) and every ballot question: a single
 * choice as `select_one`, a multiple choice as `select_multiple` with at most `max_choices`, a
 * scale as a `select_one` of its points (`likert`), a ranking as one `select_one` per rank
 * (`<question>__rank_<k>`, each different from the ranks above, a rank only after the one above).
 * Every constraint matches what the import accepts.
 *
 * Throws {@link InputError} when a question id cannot be an XML name (one starting with a digit).
 *
 * @example
 * const sheets = resultsXlsFormSheets(ballots, dialogue)
 * sheets.survey.map((r) => r.name) // ["site", "record", "table", "present", "access-right__yes", …, "ballot", "data-protections", …]
 */
export const resultsXlsFormSheets = (ballots: Ballots, dialogue: Dialogue, options: ResultsFormOptions = {}): XlsFormSheets => {
  const locales = dialogue.locales.length > 0 ? dialogue.locales : [dialogue.source_locale]
  const language = (locale: string): string => xlsFormLanguage(locale, options.languageName)
  const labelColumn = (locale: string): string => `label::${language(locale)}`
  const hintColumn = (locale: string): string => `hint::${language(locale)}`
  const messageColumn = (locale: string): string => `constraint_message::${language(locale)}`
  const inEvery = (column: (l: string) => string, text: (w: FormWords, l: string) => string): Record<string, string> =>
    Object.fromEntries(locales.map((l) => [column(l), text(wordsIn(l), l)]))
  const label = (text: (w: FormWords, l: string) => string) => inEvery(labelColumn, text)
  const message = (text: (w: FormWords) => string) => inEvery(messageColumn, (w) => text(w))
  const voted = (labels: Parameters<typeof voteLabel>[0], l: string): string => voteLabel(labels, l, dialogue.source_locale)

  const problems: Array<Problem> = []
  for (const q of ballots.questions) {
    if (!isXmlName(q.id)) problems.push({ field: `${q.id}.id`, message: `expected an id that starts with a letter: "${q.id}" becomes an XML element name in the form` })
  }
  if (problems.length > 0) throw new InputError({ summary: "The vote questions cannot be written as an XLSForm.", problems })

  const choices: Array<Record<string, string>> = []
  const lists = new Set<string>()
  const addList = (list: string, items: ReadonlyArray<{ readonly name: string; readonly labels: Record<string, string> }>): string => {
    if (!lists.has(list)) {
      lists.add(list)
      for (const item of items) choices.push({ list_name: list, name: item.name, ...item.labels })
    }
    return list
  }
  const listOf = (q: CountedQuestion): string =>
    q.type === "scale"
      ? addList(`scale_${q.scale.replace("-", "_")}`, scalePoints(q).map((p) => ({ name: p, labels: label(() => p) })))
      : addList(q.id, q.options.map((o) => ({ name: o.id, labels: label((_, l) => voted(o.label, l)) })))
  addList(RECORD_LIST, [
    { name: "table", labels: label((w) => w.tableSheet) },
    { name: "ballot", labels: label((w) => w.ballotSheet) }
  ])

  const F = RESULTS_FORM_FIELDS
  const onTable = `\${${F.record}} = 'table'`
  const onBallot = `\${${F.record}} = 'ballot'`
  const survey: Array<Record<string, string>> = [
    {
      type: "text",
      name: F.site,
      ...label((w) => w.site),
      ...inEvery(hintColumn, (w) => w.siteHint),
      required: "yes",
      constraint: "regex(., '^[a-z0-9][a-z0-9-]{0,62}$')",
      ...(options.site === undefined ? {} : { default: options.site })
    },
    { type: `select_one ${RECORD_LIST}`, name: F.record, ...label((w) => w.record), required: "yes" },
    { type: "integer", name: F.table, ...label((w) => w.table), required: "yes", relevant: onTable, constraint: ". >= 1" },
    { type: "integer", name: F.present, ...label((w) => w.present), required: "yes", relevant: onTable, constraint: ". >= 0" }
  ]
  const present = `\${${F.present}}`
  for (const q of ballots.questions) {
    if (!isCounted(q) || q.collect !== "tally") continue
    const ids = optionIds(q)
    const names = ids.map((o) => resultsFieldName.count(q.id, o))
    ids.forEach((o, i) => {
      const optionLabel = q.type === "scale" ? (_: FormWords, __: string) => o : (_: FormWords, l: string) => voted(q.options[i]!.label, l)
      const last = i === ids.length - 1
      const limit = q.type === "multiple" ? `${present} * ${q.max_choices}` : present
      survey.push({
        type: "integer",
        name: names[i]!,
        ...label((w, l) => `${voted(q.label, l)} — ${optionLabel(w, l)}`),
        relevant: onTable,
        constraint: `. >= 0 and . <= ${present}${last ? ` and ${coalesceSum(names.slice(0, -1))} + coalesce(., 0) <= ${limit}` : ""}`,
        ...message((w) => (last ? `${w.atMostPresent} ${w.tooMany}` : w.atMostPresent))
      })
    })
  }
  for (const q of ballots.questions) {
    if (q.type !== "recommendations") continue
    for (let n = 1; n <= (q.per_table ?? 3); n++) {
      const text = resultsFieldName.text(q.id, n)
      survey.push({
        type: "text",
        name: text,
        ...label((w, l) => `${voted(q.label, l)} — ${w.recommendation(n)}`),
        relevant: n === 1 ? onTable : `${onTable} and \${${resultsFieldName.text(q.id, n - 1)}} != ''`,
        constraint: `string-length(.) <= ${MAX_TEXT_LENGTH}`,
        ...message((w) => w.text),
        appearance: "multiline"
      })
      survey.push({ type: "integer", name: resultsFieldName.votes(q.id, n), ...label((w) => w.votes(n)), relevant: `\${${text}} != ''`, constraint: ". >= 0" })
    }
  }
  survey.push({ type: "text", name: F.ballot, ...label((w) => w.ballot), relevant: onBallot, constraint: "string-length(.) <= 64" })
  for (const q of ballots.questions) {
    if (!isCounted(q) || q.collect !== "ballot") continue
    const base = { ...label((_, l) => voted(q.label, l)), relevant: onBallot }
    switch (q.type) {
      case "single":
        survey.push({ type: `select_one ${listOf(q)}`, name: q.id, ...base })
        break
      case "scale":
        survey.push({ type: `select_one ${listOf(q)}`, name: q.id, ...base, appearance: "likert" })
        break
      case "multiple":
        survey.push({ type: `select_multiple ${listOf(q)}`, name: q.id, ...base, constraint: `count-selected(.) <= ${q.max_choices}`, ...message((w) => w.choose(q.max_choices)) })
        break
      case "ranking": {
        const list = listOf(q)
        for (let k = 1; k <= q.options.length; k++) {
          const above = Array.from({ length: k - 1 }, (_, j) => resultsFieldName.rank(q.id, j + 1))
          survey.push({
            type: `select_one ${list}`,
            name: resultsFieldName.rank(q.id, k),
            ...label((w, l) => `${voted(q.label, l)} — ${w.rank(k)}`),
            relevant: k === 1 ? onBallot : `${onBallot} and \${${above.at(-1)!}} != ''`,
            ...(k === 1 ? {} : { constraint: above.map((a) => `. != \${${a}}`).join(" and "), ...message((w) => w.differentRank) })
          })
        }
        break
      }
    }
  }
  const settings = [{ form_title: `${dialogue.title}: results`, form_id: `${dialogue.id.replaceAll("-", "_")}_results`, version: options.version ?? "1", default_language: language(dialogue.source_locale) }]
  return {
    survey,
    choices,
    settings,
    columns: {
      survey: ["type", "name", ...locales.map(labelColumn), ...locales.map(hintColumn), "required", "relevant", "constraint", ...locales.map(messageColumn), "appearance", "default"],
      choices: ["list_name", "name", ...locales.map(labelColumn)],
      settings: ["form_title", "form_id", "version", "default_language"]
    }
  }
}

// ─── reading the export ─────────────────────────────────────────────────────────────────────

/** A KoboToolbox export as read: the parts it holds, each site's results, and every problem. */
export interface KoboResultsFile {
  /** `tallies` and `recommendations` when it has table sheets, `ballots` when it has ballots. */
  readonly parts: ReadonlyArray<ResultPart>
  readonly sites: ReadonlyArray<SiteEntry>
  /** Submissions read (not counting those left out as not approved). */
  readonly rows: number
  /** Submissions a reviewer marked "Not approved" in KoboToolbox (`_validation_status`), left out. */
  readonly unapproved: number
  readonly problems: ReadonlyArray<Problem>
}

/** What a column of the export holds. */
type Column =
  | { readonly kind: "site" | "record" | "table" | "present" | "ballot" | "uuid" | "instance" | "validation" }
  | { readonly kind: "count"; readonly question: CountedQuestion; readonly option: string }
  | { readonly kind: "answer"; readonly question: CountedQuestion }
  | { readonly kind: "chosen"; readonly question: CountedQuestion; readonly option: string }
  | { readonly kind: "rank"; readonly question: CountedQuestion; readonly rank: number }
  | { readonly kind: "text"; readonly question: RecommendationsQuestion; readonly n: number }
  | { readonly kind: "votes"; readonly question: RecommendationsQuestion; readonly n: number }

/**
 * Reads a KoboToolbox (or ODK Central) CSV export of the form of {@link resultsXlsFormSheets},
 * exported with "XML values and headers" (`;` or `,`, found from the header): one row per
 * submission, a table sheet or a ballot. Every cell is checked as the results CSV checks it
 * (an unknown site, a count that is not a whole number, more votes than people present, more
 * choices than allowed, a duplicate table or ballot in a site, a recommendation without text)
 * and every problem is named FILE:LINE:COLUMN.
 *
 * - Kobo's metadata columns (`start`, `_id`, `meta/instanceID`, …) are ignored; group paths
 *   (`group/name`) are read by their last segment. A multiple choice is read from its own
 *   column, or from its 0/1 columns per option (`question/option`) when that is missing.
 * - A blank count is not counted; a blank ballot answer is a blank vote. A ranking is read from
 *   its rank columns in order (a rank after a blank one is a problem), or from one column
 *   holding the options best first.
 * - A ballot's id is its `ballot` number, else the submission's `_uuid` (or `instanceID`), else
 *   `line-N`.
 * - Submissions marked "Not approved" are left out and counted, unless `includeUnapproved`.
 * - With `site`, rows of another site are refused.
 *
 * @example
 * const read = readResultsKobo(text, "kobo.csv", ballots, new Set(["sn-dakar"]))
 * read.parts // ["tallies", "recommendations", "ballots"]
 */
export const readResultsKobo = (
  text: string,
  file: string,
  ballots: Ballots,
  knownSites: ReadonlySet<string>,
  options: { readonly site?: string | undefined; readonly includeUnapproved?: boolean | undefined } = {}
): KoboResultsFile => {
  const csv = parseCsv(text, { delimiter: koboDelimiter(text) })
  const problems: Array<Problem> = csv.problems.map((p) => ({ file, line: p.line, column: p.column, message: p.message }))
  const fail = (): KoboResultsFile => ({ parts: [], sites: [], rows: 0, unapproved: 0, problems })
  if (problems.length > 0) return fail()
  const [header, ...records] = csv.records
  const F = RESULTS_FORM_FIELDS
  if (header === undefined) {
    problems.push({ file, line: 1, message: `the file is empty: expected the header of a KoboToolbox export of the results form (${F.site}, ${F.record}, …)` })
    return fail()
  }

  // every field name of the form, and what it holds
  const byName = new Map<string, Column>([
    [F.site, { kind: "site" }],
    [F.record, { kind: "record" }],
    [F.table, { kind: "table" }],
    [F.present, { kind: "present" }],
    [F.ballot, { kind: "ballot" }],
    ["_uuid", { kind: "uuid" }],
    ["instanceID", { kind: "instance" }],
    ["_validation_status", { kind: "validation" }]
  ])
  const counted = ballots.questions.filter(isCounted)
  const byQuestion = new Map(counted.map((q) => [q.id, q]))
  const recommendationQuestions = ballots.questions.filter((q): q is RecommendationsQuestion => q.type === "recommendations")
  for (const q of counted) {
    if (q.collect === "tally") for (const o of optionIds(q)) byName.set(resultsFieldName.count(q.id, o), { kind: "count", question: q, option: o })
    else {
      byName.set(q.id, { kind: "answer", question: q })
      if (q.type === "ranking") q.options.forEach((_, k) => byName.set(resultsFieldName.rank(q.id, k + 1), { kind: "rank", question: q, rank: k + 1 }))
    }
  }
  for (const q of recommendationQuestions) {
    for (let n = 1; n <= (q.per_table ?? 3); n++) {
      byName.set(resultsFieldName.text(q.id, n), { kind: "text", question: q, n })
      byName.set(resultsFieldName.votes(q.id, n), { kind: "votes", question: q, n })
    }
  }

  const columns: Array<{ readonly index: number; readonly column: Column }> = []
  const seen = new Map<string, number>()
  header.fields.forEach((raw, index) => {
    const name = raw.trim()
    const segments = name.split("/")
    const last = segments.at(-1)!
    const parent = byQuestion.get(segments.at(-2) ?? "")
    let column = byName.get(last)
    let key = last
    if (column === undefined && parent !== undefined && parent.collect === "ballot" && parent.type === "multiple" && segments.length > 1) {
      if (!parent.options.some((o) => o.id === last)) {
        problems.push({ file, line: header.line, column: index + 1, message: `unknown option "${last}" of ${parent.id}: expected one of ${parent.options.map((o) => o.id).join(", ")} (was the form changed in KoboToolbox?)` })
        return
      }
      column = { kind: "chosen", question: parent, option: last }
      key = `${parent.id}/${last}`
    }
    if (column === undefined) {
      if (name === "" || isMetadata(segments)) return
      problems.push({
        file,
        line: header.line,
        column: index + 1,
        message: `unknown column "${name}": expected a field of the results form (convene results export --format xlsform) or a KoboToolbox metadata column${/\s/.test(name) ? ` (export with "XML values and headers", not labels)` : ""}`
      })
      return
    }
    const first = seen.get(key)
    if (first !== undefined) {
      problems.push({ file, line: header.line, column: index + 1, message: `the column "${key}" is repeated (first in column ${first})` })
      return
    }
    seen.set(key, index + 1)
    columns.push({ index, column })
  })
  const find = (kind: Column["kind"]): number | undefined => columns.find((c) => c.column.kind === kind)?.index
  for (const required of [F.site, F.record] as const) {
    if (find(required) === undefined) problems.push({ file, line: header.line, message: `expected a "${required}" column (export the results form from KoboToolbox with "XML values and headers")` })
  }
  if (problems.length > 0) return fail()
  const col = { site: find("site")!, record: find("record")!, table: find("table"), present: find("present"), ballot: find("ballot"), uuid: find("uuid"), instance: find("instance"), validation: find("validation") }
  const counts = columns.filter((c): c is { index: number; column: Extract<Column, { kind: "count" }> } => c.column.kind === "count")
  const texts = columns.filter((c): c is { index: number; column: Extract<Column, { kind: "text" }> } => c.column.kind === "text")
  const votesAt = new Map(columns.flatMap((c) => (c.column.kind === "votes" ? [[`${c.column.question.id}\u0000${c.column.n}`, c.index] as const] : [])))
  const whole = new Set(columns.flatMap((c) => (c.column.kind === "answer" ? [c.column.question.id] : [])))
  const answerColumns = columns.filter((c): c is { index: number; column: Extract<Column, { kind: "answer" }> } => c.column.kind === "answer")
  const chosenColumns = new Map<string, Array<{ index: number; option: string }>>()
  const rankColumns = new Map<string, Array<{ index: number; rank: number }>>()
  for (const c of columns) {
    if (c.column.kind === "chosen" && !whole.has(c.column.question.id)) chosenColumns.set(c.column.question.id, [...(chosenColumns.get(c.column.question.id) ?? []), { index: c.index, option: c.column.option }])
    if (c.column.kind === "rank" && !whole.has(c.column.question.id)) rankColumns.set(c.column.question.id, [...(rankColumns.get(c.column.question.id) ?? []), { index: c.index, rank: c.column.rank }])
  }
  for (const list of rankColumns.values()) list.sort((a, b) => a.rank - b.rank)

  interface SiteDraft {
    line: number
    column: number
    tables: Map<number, { line: number; present: number; counts: Record<string, Record<string, number>> }>
    ballots: Map<string, { line: number; answers: Record<string, BallotValue> }>
    recommendations: Array<Recommendation>
    votesLine: number
  }
  const sites = new Map<string, SiteDraft>()
  let rows = 0
  let unapproved = 0
  let tableRows = 0
  let ballotRows = 0
  for (const record of records) {
    if (record.fields.length > header.fields.length) {
      problems.push({ file, line: record.line, message: `expected ${header.fields.length} fields, got ${record.fields.length}` })
      continue
    }
    const cell = (index: number | undefined): string => (index === undefined ? "" : (record.fields[index] ?? "").trim())
    const at = (index: number | undefined) => ({ file, line: record.line, ...(index === undefined ? {} : { column: index + 1, field: header.fields[index]!.trim() }) })
    if (col.validation !== undefined && options.includeUnapproved !== true && isNotApproved(cell(col.validation))) {
      unapproved++
      continue
    }
    rows++
    const siteId = cell(col.site)
    if (!knownSites.has(siteId)) {
      problems.push({ ...at(col.site), message: siteId === "" ? "expected a site id" : `unknown site "${siteId}": expected a site of the registry` })
      continue
    }
    if (options.site !== undefined && siteId !== options.site) {
      problems.push({ ...at(col.site), message: `expected only submissions of ${options.site} (--site), got ${siteId}` })
      continue
    }
    const kind = cell(col.record)
    if (kind !== "table" && kind !== "ballot") {
      problems.push({ ...at(col.record), message: `expected "table" (a table's tally sheet) or "ballot", got ${JSON.stringify(kind)}` })
      continue
    }
    let site = sites.get(siteId)
    if (site === undefined) sites.set(siteId, (site = { line: record.line, column: col.site + 1, tables: new Map(), ballots: new Map(), recommendations: [], votesLine: 0 }))

    if (kind === "table") {
      tableRows++
      const table = readTable(cell(col.table))
      const present = readCount(cell(col.present))
      let ok = true
      if (!table.ok) (ok = false), problems.push({ ...at(col.table), message: `expected ${table.expected}` })
      if (!present.ok) (ok = false), problems.push({ ...at(col.present), message: `expected ${present.expected}` })
      const tally: Record<string, Record<string, number>> = {}
      const firstColumn = new Map<string, number>()
      for (const c of counts) {
        const raw = cell(c.index)
        if (raw === "") continue
        const n = readCount(raw)
        if (!n.ok) {
          ok = false
          problems.push({ ...at(c.index), message: `expected ${n.expected}` })
          continue
        }
        ;(tally[c.column.question.id] ??= {})[c.column.option] = n.value
        if (!firstColumn.has(c.column.question.id)) firstColumn.set(c.column.question.id, c.index)
      }
      if (present.ok) {
        for (const [qid, option] of Object.entries(tally)) {
          const over = tallyProblem(byQuestion.get(qid)!, present.value, option)
          if (over !== undefined) (ok = false), problems.push({ ...at(firstColumn.get(qid)), message: `table ${table.ok ? table.value : "?"}, "${qid}": ${over}` })
        }
      }
      const recs: Array<Recommendation> = []
      for (const q of recommendationQuestions) {
        let blankAt: number | undefined
        for (const t of texts.filter((x) => x.column.question.id === q.id).sort((a, b) => a.column.n - b.column.n)) {
          const raw = cell(t.index)
          const votesIndex = votesAt.get(`${q.id}\u0000${t.column.n}`)
          const votesRaw = cell(votesIndex)
          if (raw === "") {
            blankAt ??= t.column.n
            if (votesRaw !== "" && votesRaw !== "0") (ok = false), problems.push({ ...at(votesIndex), message: `priority votes for recommendation ${t.column.n}, which has no text` })
            continue
          }
          const textCheck = readRecommendationText(raw)
          const votes = votesRaw === "" ? ({ ok: true, value: 0 } as const) : readCount(votesRaw)
          if (!textCheck.ok) (ok = false), problems.push({ ...at(t.index), message: `expected ${textCheck.expected}` })
          if (!votes.ok) (ok = false), problems.push({ ...at(votesIndex), message: `expected ${votes.expected}` })
          if (blankAt !== undefined) (ok = false), problems.push({ ...at(t.index), message: `recommendation ${t.column.n} follows a blank recommendation ${blankAt}: number them without gaps` })
          if (textCheck.ok && votes.ok && table.ok) recs.push({ question: q.id, table: table.value, number: t.column.n, text: textCheck.value, votes: votes.value })
        }
      }
      if (!ok || !table.ok || !present.ok) continue
      const first = site.tables.get(table.value)
      if (first !== undefined) {
        problems.push({ ...at(col.table), message: `a duplicate: table ${table.value} of ${siteId} is already on line ${first.line}` })
        continue
      }
      site.tables.set(table.value, { line: record.line, present: present.value, counts: tally })
      site.recommendations.push(...recs)
      if (recs.length > 0 && site.votesLine === 0) site.votesLine = record.line
    } else {
      ballotRows++
      const id = cell(col.ballot) || cell(col.uuid) || cell(col.instance) || `line-${record.line}`
      if (id.length > 64 || CONTROL_IN_TEXT.test(id)) {
        problems.push({ ...at(col.ballot), message: "expected a ballot number of at most 64 characters" })
        continue
      }
      const answers: Record<string, BallotValue> = {}
      let ok = true
      const take = (q: CountedQuestion, raw: string, index: number | undefined): void => {
        const value = readBallotValue(q, raw)
        if (!value.ok) (ok = false), problems.push({ ...at(index), message: `expected ${value.expected}` })
        else if (value.value !== undefined) answers[q.id] = value.value
      }
      for (const c of answerColumns) take(c.column.question, cell(c.index), c.index)
      for (const [qid, list] of chosenColumns) {
        const chosen: Array<string> = []
        for (const c of list) {
          const v = cell(c.index).toLowerCase()
          if (v === "1" || v === "true") chosen.push(c.option)
          else if (v !== "0" && v !== "false" && v !== "") (ok = false), problems.push({ ...at(c.index), message: `expected 1 or 0 (whether "${c.option}" was chosen), got "${cell(c.index)}"` })
        }
        take(byQuestion.get(qid)!, chosen.join(" "), list[0]!.index)
      }
      for (const [qid, list] of rankColumns) {
        const ranked: Array<string> = []
        let blankAt: number | undefined
        for (const c of list) {
          const v = cell(c.index)
          if (v === "") blankAt ??= c.rank
          else if (blankAt !== undefined) (ok = false), problems.push({ ...at(c.index), message: `rank ${c.rank} is given but rank ${blankAt} is blank: expected the ranks in order, without gaps` })
          else ranked.push(v)
        }
        take(byQuestion.get(qid)!, ranked.join(" "), list[0]!.index)
      }
      if (!ok) continue
      const first = site.ballots.get(id)
      if (first !== undefined) {
        problems.push({ ...at(col.ballot ?? col.uuid), message: `a duplicate: ballot ${id} of ${siteId} is already on line ${first.line}` })
        continue
      }
      site.ballots.set(id, { line: record.line, answers })
    }
  }
  // across a site's tables: the priority votes against everyone present
  for (const q of recommendationQuestions) {
    for (const [siteId, s] of sites) {
      const present = [...s.tables.values()].reduce((a, t) => a + t.present, 0)
      const votes = s.recommendations.filter((r) => r.question === q.id).reduce((a, r) => a + r.votes, 0)
      const over = recommendationVotesProblem(q, present, votes)
      if (over !== undefined) problems.push({ file, line: s.votesLine, ...(votesAt.size > 0 ? { column: [...votesAt.values()][0]! + 1 } : {}), field: q.id, message: `${siteId}: ${over}` })
    }
  }
  const parts: Array<ResultPart> = [
    ...(tableRows > 0 ? (["tallies"] as const) : []),
    ...(tableRows > 0 && recommendationQuestions.length > 0 ? (["recommendations"] as const) : []),
    ...(ballotRows > 0 ? (["ballots"] as const) : [])
  ]
  const entries: Array<SiteEntry> = [...sites].map(([site_id, s]) => ({
    site_id,
    line: s.line,
    column: s.column,
    results: {
      site_id,
      tallies: [...s.tables].sort((a, b) => a[0] - b[0]).map(([table, t]) => ({ table, present: t.present, counts: t.counts })),
      ballots: [...s.ballots].map(([ballot, b]) => ({ ballot, answers: b.answers })),
      recommendations: s.recommendations
    }
  }))
  return { parts, sites: entries, rows, unapproved, problems }
}
