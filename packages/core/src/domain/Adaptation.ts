/**
 * Local adaptation that stays comparable (issue 17, section 1): which of a kit's templates and
 * message keys a site may change (adaptable) and which must stay identical everywhere (locked),
 * and the register of what each site changed. Pure: the sources are read by kits/.
 *
 * The ballots (`ballots/*.yaml`) and the questionnaires (`surveys/*.yaml`) have no site layer at
 * all: a site cannot change them, so they are locked by construction. What a site can change is
 * its own templates (`sites/<id>/templates/kit/…`) and message catalogs (`sites/<id>/locales/`):
 * this module says which of those changes are locked.
 */
import * as Schema from "effect/Schema"

const Pattern = Schema.String.check(Schema.isNonEmpty({ message: "expected a template path or message key pattern" }))

/** Patterns of template paths (under `templates/`, e.g. `kit/documents/ballot.hbs`, `kit/partials/**`) and of message keys (`agenda_blocks.*`, `topic.**`). */
export const AdaptationPatterns = Schema.Struct({
  templates: Schema.optionalKey(Schema.Array(Pattern)),
  keys: Schema.optionalKey(Schema.Array(Pattern))
})
export type AdaptationPatterns = typeof AdaptationPatterns.Type

/**
 * `adaptation:` in convene.yaml: what is locked, and exceptions that stay adaptable. Anything a
 * site overrides that no locked pattern matches is adaptable; an adaptable pattern wins over a
 * locked one (to open one partial of a locked folder, say).
 */
export const AdaptationPolicy = Schema.Struct({
  locked: Schema.optionalKey(AdaptationPatterns),
  adaptable: Schema.optionalKey(AdaptationPatterns)
})
export type AdaptationPolicy = typeof AdaptationPolicy.Type

/**
 * The default policy: locked are what makes the sites comparable — the vote sheets and their
 * questions, the questionnaires, the consent form, the core information on the topic, the
 * agenda's sessions and the synchronized moments; adaptable is the rest — the local context and
 * examples, logistics, the invitation, the look.
 */
export const DEFAULT_ADAPTATION: Required<{ readonly [K in keyof AdaptationPolicy]-?: Required<AdaptationPatterns> }> = {
  locked: {
    templates: [
      "kit/documents/ballot.hbs",
      "kit/documents/tally-sheet.hbs",
      "kit/documents/recommendations.hbs",
      "kit/documents/questionnaire.hbs",
      "kit/documents/consent-form.hbs",
      "kit/partials/ballot-question.hbs",
      "kit/partials/tally-question.hbs",
      "kit/partials/votes.hbs",
      "kit/partials/question.hbs",
      "kit/partials/moments.hbs",
      "kit/partials/content/background.hbs"
    ],
    keys: ["topic.**", "agenda_blocks.**", "sync_moments.**", "consent.**", "questionnaire.**", "ballot_sheet.**", "tally_sheet.**", "recommendations_sheet.**"]
  },
  adaptable: { templates: [], keys: [] }
}

/** The policy in force: the workspace's, else the default; a side the workspace leaves out takes the default's. */
export const effectivePolicy = (policy: AdaptationPolicy | undefined): typeof DEFAULT_ADAPTATION => ({
  locked: {
    templates: policy?.locked?.templates ?? DEFAULT_ADAPTATION.locked.templates,
    keys: policy?.locked?.keys ?? DEFAULT_ADAPTATION.locked.keys
  },
  adaptable: {
    templates: policy?.adaptable?.templates ?? DEFAULT_ADAPTATION.adaptable.templates,
    keys: policy?.adaptable?.keys ?? DEFAULT_ADAPTATION.adaptable.keys
  }
})

const escape = (s: string): string => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")

/**
 * A glob as a regular expression: `**` matches anything (separators included), `*` anything
 * within one segment (`/` separates template paths, `.` message keys).
 *
 * @example
 * globRegExp("agenda_blocks.*", ".").test("agenda_blocks.welcome") // true
 * globRegExp("agenda_blocks.*", ".").test("agenda_blocks.welcome.title") // false
 */
export const globRegExp = (glob: string, separator: "/" | "."): RegExp => {
  const sep = escape(separator)
  const parts = glob.split("**").map((part) => part.split("*").map(escape).join(`[^${sep}]*`))
  return new RegExp(`^${parts.join(".*")}$`)
}

/** Whether an item is locked or adaptable under a policy. */
export type AdaptationStatus = "locked" | "adaptable"

/** Classifies template paths and message keys under a policy (patterns compiled once). */
export const classifier = (policy: AdaptationPolicy | undefined) => {
  const p = effectivePolicy(policy)
  const compile = (globs: ReadonlyArray<string>, sep: "/" | ".") => globs.map((g) => globRegExp(g, sep))
  const lockedT = compile(p.locked.templates, "/")
  const openT = compile(p.adaptable.templates, "/")
  const lockedK = compile(p.locked.keys, ".")
  const openK = compile(p.adaptable.keys, ".")
  const of = (item: string, locked: ReadonlyArray<RegExp>, open: ReadonlyArray<RegExp>): AdaptationStatus =>
    open.some((r) => r.test(item)) ? "adaptable" : locked.some((r) => r.test(item)) ? "locked" : "adaptable"
  return {
    template: (rel: string): AdaptationStatus => of(rel, lockedT, openT),
    key: (key: string): AdaptationStatus => of(key, lockedK, openK)
  }
}

/** The patterns of a policy that match nothing among the known templates or keys: likely typos. */
export const unmatchedPatterns = (policy: AdaptationPolicy | undefined, templates: ReadonlyArray<string>, keys: ReadonlyArray<string>): Array<{ readonly side: "locked" | "adaptable"; readonly kind: "templates" | "keys"; readonly index: number; readonly pattern: string }> => {
  const out: Array<{ side: "locked" | "adaptable"; kind: "templates" | "keys"; index: number; pattern: string }> = []
  for (const side of ["locked", "adaptable"] as const) {
    for (const kind of ["templates", "keys"] as const) {
      const globs = policy?.[side]?.[kind] ?? []
      const known = kind === "templates" ? templates : keys
      globs.forEach((pattern, index) => {
        const r = globRegExp(pattern, kind === "templates" ? "/" : ".")
        if (!known.some((k) => r.test(k))) out.push({ side, kind, index, pattern })
      })
    }
  }
  return out
}

/**
 * A short diff of a site's text against the shared one: lines removed and added (as multisets
 * of lines, so a moved line counts as neither), and the first line that differs on each side.
 *
 * @example
 * shortDiff("a\nb\nc\n", "a\nB\nc\n") // "−1 +1 lines; line 2: “b” → “B”"
 */
export const shortDiff = (shared: string, own: string): string => {
  const a = shared.split("\n")
  const b = own.split("\n")
  const count = new Map<string, number>()
  for (const l of a) count.set(l, (count.get(l) ?? 0) + 1)
  let added = 0
  for (const l of b) {
    const n = count.get(l) ?? 0
    if (n > 0) count.set(l, n - 1)
    else added++
  }
  const removed = [...count.values()].reduce((s, n) => s + n, 0)
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  const clip = (s: string | undefined) => (s === undefined ? "(end)" : `“${s.trim().length > 60 ? `${s.trim().slice(0, 57)}…` : s.trim()}”`)
  if (own.trim() === "") return `emptied: all ${a.filter((l) => l.trim() !== "").length} lines removed`
  return `−${removed} +${added} lines; line ${i + 1}: ${clip(a[i])} → ${clip(b[i])}`
}

/** One thing a site changed, in the adaptation register. */
export interface Adaptation {
  readonly site: string
  /** A template (a file under `templates/`) or a message (a catalog key in one locale). */
  readonly kind: "template" | "message"
  /** The template's path (`kit/documents/tally-sheet.hbs`) or the message as `locale:key` (`fr:agenda_blocks.deliberation.title`). */
  readonly item: string
  /** Where the site's version is, as FILE[:LINE]. */
  readonly at: string
  readonly status: AdaptationStatus
  /** `changed`: the site's version differs from the shared one; `added`: only the site has it. */
  readonly change: "changed" | "added"
  /** SHA-256 of the site's version: what an approval records. */
  readonly sha256: string
  readonly diff: string
  /** The approval of this exact version, if staff gave one. */
  readonly approval: { readonly note: string; readonly approved_at: string; readonly by: string } | null
}

/** Whether a change needs an approval that it does not have: locked, and not approved in this version. */
export const unapproved = (a: Adaptation): boolean => a.status === "locked" && a.approval === null
