/**
 * Decoding YAML files through a schema, with every problem located at its line and field path
 * (e.g. `convene.yaml:14: timeline.phases.2.end: expected a calendar date YYYY-MM-DD`).
 */
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import { type Document, isAlias, isCollection, isPair, LineCounter, parseDocument } from "yaml"
import { InputError, type Problem } from "./Errors.js"

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/**
 * The largest YAML input read (convene.yaml, an instrument, a ballot file, a catalog): 256 KiB
 * of text, five times the largest bundled file (a 48 kB catalog). The parser spends up to ~6 µs
 * a character on hostile text (a run of `"` or `[`), so this bounds a refusal to about 1.5 s.
 */
export const MAX_YAML_CHARACTERS = 1 << 18
/** How many aliases (`*name`) a YAML input may expand: enough for any real file, not for an alias bomb. */
export const MAX_ALIAS_EXPANSIONS = 100
/** How deep mappings and lists may nest: real files nest a handful of levels, not thousands. */
export const MAX_YAML_DEPTH = 64
const MAX_YAML_PROBLEMS = 20

/**
 * Refuses a YAML text over {@link MAX_YAML_CHARACTERS} before it is parsed, naming the line on
 * which the limit is crossed. Throws {@link InputError}.
 */
export const checkYamlSize = (text: string, file: string, what: string): void => {
  if (text.length <= MAX_YAML_CHARACTERS) return
  let line = 1
  for (let i = text.indexOf("\n"); i >= 0 && i < MAX_YAML_CHARACTERS; i = text.indexOf("\n", i + 1)) line++
  throw new InputError({ summary: `${file} is too large to be ${what}.`, problems: [{ file, line, message: `expected at most ${MAX_YAML_CHARACTERS.toLocaleString("en")} characters, got ${text.length.toLocaleString("en")} (the limit is crossed on this line)` }] })
}

/**
 * The first node of a parsed document nested deeper than {@link MAX_YAML_DEPTH}, and its first
 * alias (`*name`), found without recursion (a hostile nesting would overflow the stack).
 */
const scanNodes = (doc: Document): { readonly tooDeep?: unknown; readonly firstAlias?: unknown } => {
  const stack: Array<[unknown, number]> = [[doc.contents, 0]]
  let firstAlias: unknown
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!
    if (depth > MAX_YAML_DEPTH) return { tooDeep: node, firstAlias }
    if (isAlias(node) && (firstAlias === undefined || startOf(node) < startOf(firstAlias))) firstAlias = node
    if (isCollection(node)) {
      for (const item of node.items as Array<unknown>) {
        if (isPair(item)) {
          stack.push([item.key, depth + 1], [item.value, depth + 1])
        } else stack.push([item, depth + 1])
      }
    }
  }
  return { firstAlias }
}

const startOf = (node: unknown): number => (node as { range?: [number, number, number] } | undefined)?.range?.[0] ?? Number.MAX_SAFE_INTEGER

/**
 * Parses YAML text into a document, as `parseDocument` does, but refuses a nesting so deep that
 * the parser itself runs out of stack (a few thousand `- ` or `[` on one line, well under the size
 * limit), naming the line that nests deepest. Throws {@link InputError}.
 */
export const parseYaml = (text: string, file: string, options: { readonly lineCounter: LineCounter; readonly uniqueKeys?: boolean }): Document.Parsed => {
  try {
    return parseDocument(text, { lineCounter: options.lineCounter, prettyErrors: false, ...(options.uniqueKeys === undefined ? {} : { uniqueKeys: options.uniqueKeys }) })
  } catch (e) {
    if (!(e instanceof RangeError)) throw e
    throw new InputError({ summary: `${file} is not valid YAML.`, problems: [{ file, line: deepestLine(text), message: `expected mappings and lists nested at most ${MAX_YAML_DEPTH} deep` }] })
  }
}

/** The line that nests deepest, by its indentation, its leading `- `, `? `, `: ` and the open `[` and `{` (quotes aside). */
const deepestLine = (text: string): number => {
  let best = 1
  let bestDepth = -1
  let flow = 0
  text.split("\n").forEach((l, i) => {
    for (const ch of l) {
      if (ch === "[" || ch === "{") flow++
      else if ((ch === "]" || ch === "}") && flow > 0) flow--
    }
    const depth = /^[ \t]*(?:[-?:][ \t]+)*/.exec(l)![0].length + flow
    if (depth > bestDepth) {
      bestDepth = depth
      best = i + 1
    }
  })
  return best
}

/** The line a node starts on, or 1. */
const lineOfNode = (node: unknown, lineCounter: LineCounter): number => {
  const range = (node as { range?: [number, number, number] } | undefined)?.range
  return range === undefined ? 1 : lineCounter.linePos(range[0]).line
}

/**
 * Parses `text` as YAML and decodes it with `schema`. Throws {@link InputError} naming
 * `file:line` for YAML syntax errors and for every schema issue at once.
 *
 * @example
 * decodeYaml(Dialogue, text, "convene.yaml", "a valid dialogue")
 */
export const decodeYaml = <S extends Schema.Top>(schema: S, text: string, file: string, what: string): S["Type"] => {
  // a dialogue or an instrument is tens of kB: a far larger file is a mistake or an attack, and
  // refusing it early keeps the parser from spending seconds on it
  checkYamlSize(text, file, what)
  const lineCounter = new LineCounter()
  const doc = parseYaml(text, file, { lineCounter })
  if (doc.errors.length > 0) {
    throw new InputError({
      summary: `${file} is not valid YAML${doc.errors.length > MAX_YAML_PROBLEMS ? ` (${doc.errors.length} errors, the first ${MAX_YAML_PROBLEMS} shown)` : ""}.`,
      problems: doc.errors.slice(0, MAX_YAML_PROBLEMS).map((e) => {
        const at = lineCounter.linePos(e.pos[0])
        return { file, line: at.line, column: at.col, message: e.message.split("\n")[0]! }
      })
    })
  }
  // a deep nesting would overflow the stack of toJS and of the schema: refused at its line
  const scanned = scanNodes(doc)
  if (scanned.tooDeep !== undefined) {
    throw new InputError({ summary: `${file} is not valid YAML.`, problems: [{ file, line: lineOfNode(scanned.tooDeep, lineCounter), message: `expected mappings and lists nested at most ${MAX_YAML_DEPTH} deep` }] })
  }
  let value: unknown
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS })
  } catch (e) {
    // the yaml package stops an alias bomb ("billion laughs") and an alias to no anchor with a
    // ReferenceError; both are named at the first alias
    const why = e instanceof Error ? e.message : String(e)
    const bomb = /alias count/i.test(why)
    throw new InputError({
      summary: `${file} is not valid YAML.`,
      problems: [{
        file,
        line: lineOfNode(scanned.firstAlias, lineCounter),
        message: bomb ? `expected at most ${MAX_ALIAS_EXPANSIONS} expansions of aliases (*name), which this file exceeds: ${why}` : `expected every alias (*name) to follow its anchor (&name): ${why}`
      }]
    })
  }
  const result = Schema.decodeUnknownResult(schema as unknown as Schema.Codec<S["Type"], unknown>)(value ?? {}, { errors: "all" })
  if (result._tag === "Success") return result.success
  const lineOf = (path: ReadonlyArray<PropertyKey>): number => {
    // walk down to the deepest node that exists, so a missing key points at its parent
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as Array<string | number>, true)
      const range = (node as { range?: [number, number, number] } | undefined)?.range
      if (range !== undefined) return lineCounter.linePos(range[0]).line
    }
    // an empty file, or one with only comments, has no root node: its problems are at line 1
    return 1
  }
  const problems: Array<Problem> = formatter(result.failure.issue).issues.map((issue) => ({
    file,
    line: lineOf((issue.path ?? []) as ReadonlyArray<PropertyKey>),
    field: (issue.path ?? []).map(String).join("."),
    message: issue.message === "Missing key" ? "expected a value (required)" : issue.message.replace(/^Expected/, "expected")
  }))
  throw new InputError({ summary: `${file} does not describe ${what}.`, problems })
}

/**
 * A function giving the line of the node at a path in a YAML text (or of its deepest existing
 * parent; 1 for an empty document), for problems found after decoding. Parses once, on the first
 * question.
 *
 * @example
 * yamlLocator("questions:\n  - id: a\n")(["questions", 0, "id"]) // 2
 */
export const yamlLocator = (text: string): ((path: ReadonlyArray<string | number>) => number) => {
  // parsed on the first question: a locator is often made for problems that do not arise
  let parsed: { readonly lineCounter: LineCounter; readonly doc: Document } | undefined
  return (path) => {
    if (parsed === undefined) {
      const lineCounter = new LineCounter()
      parsed = { lineCounter, doc: parseDocument(text, { lineCounter, prettyErrors: false }) }
    }
    const { lineCounter, doc } = parsed
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as Array<string | number>, true)
      const range = (node as { range?: [number, number, number] } | undefined)?.range
      if (range !== undefined) return lineCounter.linePos(range[0]).line
    }
    return 1
  }
}
