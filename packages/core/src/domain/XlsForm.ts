/**
 * A survey instrument's wave as an XLSForm (survey, choices and settings sheets), the form
 * KoboToolbox and ODK Central take to collect answers offline. Pure: the workbook is written
 * elsewhere (`../XlsForm.ts`).
 */
import { MAX_TEXT_LENGTH } from "./Answers.js"
import { InputError, type Problem } from "./Errors.js"
import { type Instrument, labelIn, type Labels, type Question, questionsFor, respondentsOf, type WaveId } from "./Instrument.js"

/** The rows of an XLSForm's three sheets, and each sheet's columns in order. */
export interface XlsFormSheets {
  readonly survey: Array<Record<string, string>>
  readonly choices: Array<Record<string, string>>
  readonly settings: Array<Record<string, string>>
  readonly columns: { readonly survey: Array<string>; readonly choices: Array<string>; readonly settings: Array<string> }
}

/** What the form needs besides the instrument: the Likert labels of the built-in catalogs. */
export interface XlsFormOptions {
  /** The labels of the points of a Likert scale, from 1 (strongly disagree), e.g. `questionnaire.likert.1..5`. */
  readonly likertLabels: (locale: string, points: 5 | 7) => ReadonlyArray<string>
  /** The language's name in a column header, `English` in `label::English (en)`; English names by default. */
  readonly languageName?: ((locale: string) => string) | undefined
}

/** The name of the first question of every form: the code that links a participant's waves. */
export const PARTICIPANT_CODE = "participant_code"

/**
 * The participant code check as an XPath regex. It accepts what the registry's
 * `ParticipantCode` accepts (4 to 32 letters, digits or dashes), not only the 8-character codes
 * convene generates: organisers may bring codes of their own, and a participant must be able to
 * type theirs. A test keeps the two in step.
 */
export const PARTICIPANT_CODE_PATTERN = "^[A-Za-z0-9-]{4,32}$"

// Shared choice lists. Their names hold an underscore, which no question id (a slug) can, so they
// never collide with a list named after a question.
const LIKERT_LIST = { likert5: "likert_5", likert7: "likert_7" } as const
const SCALE_LIST = "scale_0_10"

/**
 * Whether `name` can be an XLSForm name, which becomes an XML element: a letter or underscore,
 * then letters, digits, dots, dashes or underscores (the ASCII part of XML's Name production;
 * colons are left out, they mean namespaces).
 */
export const isXmlName = (name: string): boolean => /^[A-Za-z_][A-Za-z0-9._-]*$/.test(name)

// The form's own words, for the locales of the example dialogue; others fall back to English.
interface FormWords {
  readonly participantCode: string
  /** The code's label on an organisers' questionnaire (`respondents: organisers`). */
  readonly organiserCode: string
  readonly codeConstraint: string
  readonly numberConstraint: (min: string, max: string) => string
  readonly textConstraint: (max: string) => string
}

const words: Record<string, FormWords> = {
  en: {
    participantCode: "Participant code",
    organiserCode: "Organiser code",
    codeConstraint: "Enter a code of 4 to 32 letters, digits or dashes, without spaces.",
    numberConstraint: (min, max) => `Enter a number from ${min} to ${max}.`,
    textConstraint: (max) => `Write at most ${max} characters.`
  },
  fr: {
    participantCode: "Code participant",
    organiserCode: "Code d’organisateur",
    codeConstraint: "Saisissez un code de 4 à 32 lettres, chiffres ou tirets, sans espace.",
    numberConstraint: (min, max) => `Saisissez un nombre de ${min} à ${max}.`,
    textConstraint: (max) => `Écrivez au plus ${max} caractères.`
  },
  es: {
    participantCode: "Código de participante",
    organiserCode: "Código de organizador",
    codeConstraint: "Introduzca un código de 4 a 32 letras, cifras o guiones, sin espacios.",
    numberConstraint: (min, max) => `Introduzca un número entre ${min} y ${max}.`,
    textConstraint: (max) => `Escriba como máximo ${max} caracteres.`
  },
  ar: {
    participantCode: "رمز المشارك",
    organiserCode: "رمز المنظّم",
    codeConstraint: "أدخل رمزًا من 4 إلى 32 حرفًا أو رقمًا أو شرطة، دون مسافات.",
    numberConstraint: (min, max) => `أدخل رقمًا من ${min} إلى ${max}.`,
    textConstraint: (max) => `اكتب نصًا لا يتجاوز ${max} حرف.`
  }
}

const wordsIn = (locale: string): FormWords => words[locale] ?? words[locale.split("-")[0]!] ?? words["en"]!

const englishNames = new Intl.DisplayNames(["en"], { type: "language" })

/** `French, Senegal` for `fr-SN`: the parentheses of `French (Senegal)` would confuse the `Name (code)` convention. */
const englishLanguageName = (locale: string): string => {
  const name = englishNames.of(locale) ?? locale
  return name.replace(/\s*\(/g, ", ").replace(/\)/g, "")
}

/**
 * The XLSForm language of a locale, `English (en)`: the name, then the code in parentheses,
 * which is how KoboToolbox and ODK tell the language apart from its display name.
 */
export const xlsFormLanguage = (locale: string, languageName: (locale: string) => string = englishLanguageName): string =>
  `${languageName(locale)} (${locale})`

const formatNumber = (n: number): string => String(n)

/**
 * The XLSForm of one wave of an instrument: the participant code first, then the wave's
 * questions in order, with labels in every locale of the instrument.
 *
 * Question types: likert5/likert7 are `select_one` of shared lists 1..5 / 1..7 with the
 * `likert` appearance; a 0-10 scale is a `select_one` of 0..10, also `likert` (see below);
 * single and knowledge questions are `select_one <id>`, multiple `select_multiple <id>`, with
 * the question's options as a list named after it; number is `decimal` with its bounds as a
 * constraint; text is `text`, multiline, at most {@link MAX_TEXT_LENGTH} characters. Every
 * constraint matches what `decodeAnswer` accepts, so whatever the form lets through imports.
 *
 * Throws {@link InputError} when a name cannot be an XML name (a question id starting with a
 * digit) or the Likert labels do not have one label per point.
 *
 * @example
 * const sheets = xlsFormSheets(instrument, "pre", { likertLabels: (locale, points) => labels[locale][points] })
 * sheets.survey[0] // { type: "text", name: "participant_code", "label::English (en)": "Participant code", required: "yes", ... }
 * sheets.settings[0] // { form_title: "… (pre)", form_id: "evaluation_pre", version: "1", default_language: "English (en)" }
 */
export const xlsFormSheets = (instrument: Instrument, wave: WaveId, options: XlsFormOptions): XlsFormSheets => {
  const locales = instrument.locales
  const source = locales[0]!
  const language = (locale: string): string => xlsFormLanguage(locale, options.languageName ?? englishLanguageName)
  const labelColumn = (locale: string): string => `label::${language(locale)}`
  const messageColumn = (locale: string): string => `constraint_message::${language(locale)}`
  const labelsOf = (labels: Labels): Record<string, string> =>
    Object.fromEntries(locales.map((l) => [labelColumn(l), labelIn(labels, l, instrument)]))
  const inEvery = (text: (w: FormWords) => string): Record<string, string> => Object.fromEntries(locales.map((l) => [l, text(wordsIn(l))]))
  const messagesOf = (text: (w: FormWords) => string): Record<string, string> =>
    Object.fromEntries(locales.map((l) => [messageColumn(l), text(wordsIn(l))]))

  const problems: Array<Problem> = []
  const questions = questionsFor(instrument, wave)
  if (questions.length === 0) problems.push({ field: "waves", message: `expected at least one question asked in the ${wave} wave` })
  if (!isXmlName(instrument.id)) problems.push({ field: "id", message: `expected an id that starts with a letter, to make the form id "${instrument.id}_${wave}" (an XML name)` })
  questions.forEach((q) => {
    if (!isXmlName(q.id)) {
      const i = instrument.questions.indexOf(q)
      problems.push({ field: `questions.${i}.id`, message: `expected an id that starts with a letter: "${q.id}" becomes an XML element name in the form` })
    }
  })

  const choices: Array<Record<string, string>> = []
  const listsDone = new Set<string>()
  const addList = (list: string, items: ReadonlyArray<{ readonly name: string; readonly labels: Record<string, string> }>): void => {
    if (listsDone.has(list)) return
    listsDone.add(list)
    for (const item of items) choices.push({ list_name: list, name: item.name, ...item.labels })
  }
  const likertList = (type: "likert5" | "likert7"): string => {
    const points = type === "likert5" ? 5 : 7
    const list = LIKERT_LIST[type]
    if (listsDone.has(list)) return list
    const byLocale = new Map(locales.map((l) => [l, options.likertLabels(l, points)]))
    for (const [l, labels] of byLocale) {
      if (labels.length !== points || labels.some((s) => s.trim() === "")) {
        problems.push({ field: `questionnaire.${type === "likert5" ? "likert" : "likert7"}`, message: `expected ${points} Likert labels in ${l}, got ${labels.filter((s) => s.trim() !== "").length}` })
      }
    }
    const items = Array.from({ length: points }, (_, i) => ({
      name: String(i + 1),
      labels: Object.fromEntries(locales.map((l) => [labelColumn(l), byLocale.get(l)![i] ?? ""]))
    }))
    addList(list, items)
    return list
  }

  const survey: Array<Record<string, string>> = [
    {
      type: "text",
      name: PARTICIPANT_CODE,
      // the same field for both kinds of respondents (imports read one name); its label says whose code
      ...labelsOf(inEvery((w) => (respondentsOf(instrument) === "organisers" ? w.organiserCode : w.participantCode))),
      required: "yes",
      constraint: `regex(., '${PARTICIPANT_CODE_PATTERN}')`,
      ...messagesOf((w) => w.codeConstraint)
    }
  ]

  const rowOf = (q: Question): Record<string, string> => {
    const base = { name: q.id, ...labelsOf(q.label), required: q.required === true ? "yes" : "" }
    switch (q.type) {
      case "likert5":
      case "likert7":
        return { type: `select_one ${likertList(q.type)}`, ...base, appearance: "likert" }
      case "scale":
        // A 0-10 scale as eleven buttons in a row rather than an `integer` box: KoboToolbox's
        // web forms (Enketo) and ODK Collect draw `likert` as the row of points the paper
        // questionnaire shows, one tap answers, and no out-of-range value can be typed. The
        // export holds the same "0".."10" either way.
        addList(SCALE_LIST, Array.from({ length: 11 }, (_, i) => ({ name: String(i), labels: Object.fromEntries(locales.map((l) => [labelColumn(l), String(i)])) })))
        return { type: `select_one ${SCALE_LIST}`, ...base, appearance: "likert" }
      case "single":
      case "knowledge":
      case "multiple":
        addList(q.id, q.options.map((o) => ({ name: o.id, labels: labelsOf(o.label) })))
        return { type: `${q.type === "multiple" ? "select_multiple" : "select_one"} ${q.id}`, ...base }
      case "number": {
        const [min, max] = [formatNumber(q.min), formatNumber(q.max)]
        return { type: "decimal", ...base, constraint: `. >= ${min} and . <= ${max}`, ...messagesOf((w) => w.numberConstraint(min, max)) }
      }
      case "text":
        return {
          type: "text",
          ...base,
          constraint: `string-length(.) <= ${MAX_TEXT_LENGTH}`,
          ...messagesOf((w) => w.textConstraint(String(MAX_TEXT_LENGTH))),
          appearance: "multiline"
        }
    }
  }
  for (const q of questions) survey.push(rowOf(q))

  if (problems.length > 0) {
    throw new InputError({ summary: `The instrument ${instrument.id} cannot be written as an XLSForm for the ${wave} wave.`, problems })
  }

  const settings = [
    {
      form_title: `${labelIn(instrument.title, source, instrument)} (${wave})`,
      form_id: `${instrument.id}_${wave}`,
      version: String(instrument.version),
      default_language: language(source)
    }
  ]
  return {
    survey,
    choices,
    settings,
    columns: {
      survey: ["type", "name", ...locales.map(labelColumn), "required", "constraint", ...locales.map(messageColumn), "appearance"],
      choices: ["list_name", "name", ...locales.map(labelColumn)],
      settings: ["form_title", "form_id", "version", "default_language"]
    }
  }
}
