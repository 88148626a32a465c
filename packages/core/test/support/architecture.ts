/**
 * The architecture rules of docs/architecture.md as a checker over source files: who may write
 * SQL, what the domain may import, which repositories a feature may use, and how the CLI
 * reaches core. Used by architecture.test.ts on the real tree and on fixtures that break each rule.
 */
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative, sep } from "node:path"

/** One broken rule, at a file and line. */
export interface Violation {
  readonly rule: "sql-outside-repository" | "impure-domain" | "foreign-repository" | "feature-internals" | "cli-private-import"
  readonly file: string
  readonly line: number
  readonly text: string
}

const walk = (dir: string, out: Array<string> = []): Array<string> => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) {
      if (name !== "node_modules" && name !== "dist") walk(path, out)
    } else if (/\.ts$/.test(name) && !/\.d\.ts$/.test(name)) out.push(path)
  }
  return out
}

/** Blanks out comments (keeping line numbers), so that a doc comment showing SQL is not code. */
const withoutComments = (text: string): string =>
  text.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, " ")).replace(/(^|[^:"'`\\])\/\/.*$/gm, (m, p: string) => p + " ".repeat(m.length - p.length))

const lines = (text: string): Array<string> => withoutComments(text).split("\n")

const importsOf = (text: string): Array<{ readonly spec: string; readonly line: number; readonly names: ReadonlyArray<string> }> => {
  const out: Array<{ spec: string; line: number; names: ReadonlyArray<string> }> = []
  const code = lines(text)
  code.forEach((l, i) => {
    for (const m of l.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)"([^"]+)"/g)) {
      // the names of `import { A, type B } from "…"`, which may span the lines above
      let start = i
      while (start > 0 && !/\bimport\b/.test(code[start]!)) start--
      const statement = code.slice(start, i + 1).join(" ")
      const clause = /\{([^}]*)\}/.exec(statement)
      // only the values: naming a repository as a type (the requirement of another feature's
      // public Effect) does not reach into it
      const names = clause === null || /\bimport\s+type\b/.test(statement)
        ? []
        : clause[1]!.split(",").map((n) => n.trim()).filter((n) => n !== "" && !n.startsWith("type ")).map((n) => n.split(/\s+as\s+/)[0]!)
      out.push({ spec: m[1]!, line: i + 1, names })
    }
  })
  return out
}

const SQL = /\.(selectFrom|insertInto|updateTable|deleteFrom)\(|\bsql\s*(<[^>]*>)?`|\bsql\.(ref|table|join|raw|lit|id)\(/
/** Packages that do IO or belong to a layer above the domain (highs, the solver, stays in recruitment/). */
const IO_PACKAGES = /^(node:|kysely|pg$|pg\/|@electric-sql\/|nodemailer|hono|@hono\/|playwright|fflate|exceljs|write-excel-file|vega|handlebars|highs$)/

/**
 * Checks core's `src/` (feature folders, `domain/`, `infra/`) and, when given, the CLI's `src/`
 * against the rules. `publicSubpaths` are core's exports (".", "./registries", "./domain/*" …).
 */
export const checkArchitecture = (coreSrc: string, cliSrc?: string, publicSubpaths: ReadonlyArray<string> = []): Array<Violation> => {
  const violations: Array<Violation> = []
  for (const file of walk(coreSrc)) {
    const rel = relative(coreSrc, file).split(sep).join("/")
    const [top] = rel.split("/")
    const isRepository = /Repo\.ts$/.test(rel)
    const isInfra = top === "infra"
    const text = readFileSync(file, "utf8")
    const imports = importsOf(text)
    if (!isRepository && !isInfra) {
      lines(text).forEach((l, i) => {
        if (SQL.test(l)) violations.push({ rule: "sql-outside-repository", file: rel, line: i + 1, text: l.trim() })
      })
      for (const imp of imports) {
        if (/^kysely(\/|$)/.test(imp.spec)) violations.push({ rule: "sql-outside-repository", file: rel, line: imp.line, text: `imports ${imp.spec}` })
        // a workflow that runs statements through the raw Database is writing SQL outside a repository
        if (/\/infra\/Database\.js$/.test(imp.spec) && /\bquery\b/.test(lines(text)[imp.line - 1] ?? "")) {
          violations.push({ rule: "sql-outside-repository", file: rel, line: imp.line, text: "runs statements through infra/Database's query" })
        }
      }
    }
    if (top === "domain") {
      for (const imp of imports) {
        const escapes = imp.spec.startsWith("../")
        if (IO_PACKAGES.test(imp.spec) || escapes) violations.push({ rule: "impure-domain", file: rel, line: imp.line, text: `imports ${imp.spec}` })
      }
    }
    if (top !== "domain" && top !== "infra" && rel.includes("/")) {
      for (const imp of imports) {
        const m = /^\.\.\/([^/]+)\/([^/]+Repo)\.js$/.exec(imp.spec)
        if (m !== null && m[1] !== top) {
          violations.push({ rule: "foreign-repository", file: rel, line: imp.line, text: `imports ${m[1]}/${m[2]}` })
          continue
        }
        // a repository is its own feature's, even where that feature's index exports it (for integrators)
        const fromIndex = /^\.\.\/([^/]+)\/index\.js$/.exec(imp.spec)
        const repos = fromIndex === null || fromIndex[1] === top ? [] : imp.names.filter((n) => /Repo$/.test(n))
        if (repos.length > 0) {
          violations.push({ rule: "foreign-repository", file: rel, line: imp.line, text: `imports ${repos.join(", ")} from ${fromIndex![1]}` })
          continue
        }
        // another feature is used through its public index, never through its inner modules
        const inner = /^\.\.\/([^/]+)\/([^/]+)\.js$/.exec(imp.spec)
        if (inner !== null && inner[1] !== "domain" && inner[1] !== "infra" && inner[2] !== "index") {
          violations.push({ rule: "feature-internals", file: rel, line: imp.line, text: `imports ${inner[1]}/${inner[2]} instead of ../${inner[1]}/index.js` })
        }
      }
    }
  }
  if (cliSrc !== undefined) {
    for (const file of walk(cliSrc)) {
      const rel = relative(cliSrc, file).split(sep).join("/")
      for (const imp of importsOf(readFileSync(file, "utf8"))) {
        if (imp.spec.includes("packages/core") || /(^|\/)core\/src\//.test(imp.spec)) {
          violations.push({ rule: "cli-private-import", file: rel, line: imp.line, text: `imports ${imp.spec}` })
          continue
        }
        if (!imp.spec.startsWith("@convene/core")) continue
        const sub = "." + imp.spec.slice("@convene/core".length)
        const exported = publicSubpaths.some((p) => (p.endsWith("/*") ? sub.startsWith(p.slice(0, -1)) && !sub.slice(p.length - 1).includes("/") : p === sub))
        if (!exported) violations.push({ rule: "cli-private-import", file: rel, line: imp.line, text: `imports ${imp.spec}, which core does not export` })
      }
    }
  }
  return violations
}
