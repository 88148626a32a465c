/**
 * The fuzz tests' mutator: from valid seed files (the example workspace, the test fixtures) it
 * makes hostile variants, deterministically from a seed, so that a failure found in CI is
 * reproduced anywhere by its seed and input number.
 *
 * Mutations: byte flips, truncation, lines and fields duplicated, dropped or swapped, columns
 * swapped, inserted quotes, commas, semicolons, line ends, CR, NUL, BOM and other control
 * characters, huge fields, deep YAML nesting, alias bombs, unicode oddities (lone surrogates,
 * bidi overrides, zero-width and combining characters, U+2028), numbers out of range, and
 * splices from another seed. One to four of them are stacked on each input.
 */
import { mulberry32 } from "../../src/domain/Simulation.js"

/** The seed of input `n` of a run seeded `seed`: each input can be made again on its own. */
export const inputSeed = (seed: number, n: number): number => (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(n + 1, 0xc2b2ae35)) >>> 0

type Rng = () => number
const int = (rng: Rng, n: number): number => Math.floor(rng() * n)
const pick = <A>(rng: Rng, xs: ReadonlyArray<A>): A => xs[int(rng, xs.length)]!

const SPECIALS = ['"', '""', ",", ";", "\n", "\r", "\r\n", "\n\n", "\u0000", "\uFEFF", "\t", "'", ":", ": ", "- ", "#", "&", "*", "!", "|", ">", "{", "}", "[", "]", "%", "@", "`", "\\", "<<: ", "? ", "---\n", "...\n", "&a ", "*a", "!!binary ", "!!js/function "]
const CONTROLS = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).concat(["\u007F", "\u0085", "\u009B"])
const UNICODE = [
  "\uD800", "\uDFFF", "\uDBFF\uDFFF", "\u202E", "\u202D", "\u2066", "\u200B", "\u200D", "\u2028", "\u2029", "\u00A0", "\u3000", "\u0301", "e\u0301",
  "\uFFFD", "\uFFFE", "\uFFFF", "ı", "İ", "ß", "ﬀ", "\u212A", "١٢٣", "１２", "😀", "👩‍👩‍👧", "𝒳", "Ω", "\u0000\u0000", "ǅ", "ﷺ", "\u180E"
]
const NUMBERS = ["-1", "0", "-0", "1e309", "-1e309", "1e-400", "99999999999999999999999", "2147483648", "9007199254740993", "NaN", "Infinity", "0x10", "0o7", "1_000", "1.5", " 7 ", "+3", "٣", "１", "1,5", "", "null", "~", "true", ".inf", "2027-02-30", "25:61", "-2147483649"]
const HUGE_UNITS = ["a", '"', "[", "{", "-", " ", ",", "\n", "é", "\u0000", "&a ", "- ", "[a, ", "x: {"]

/** Replaces the character at a random place with a random one (a byte flip, on UTF-16 units). */
const flip = (rng: Rng, s: string): string => {
  if (s.length === 0) return String.fromCharCode(int(rng, 0x10000))
  const at = int(rng, s.length)
  const code = rng() < 0.5 ? s.charCodeAt(at) ^ (1 << int(rng, 8)) : int(rng, rng() < 0.8 ? 0x80 : 0x10000)
  return s.slice(0, at) + String.fromCharCode(code) + s.slice(at + 1)
}

const insertAt = (rng: Rng, s: string, what: string): string => {
  const at = int(rng, s.length + 1)
  return s.slice(0, at) + what + s.slice(at)
}

const lines = (s: string): Array<string> => s.split("\n")

const onLines = (rng: Rng, s: string, f: (ls: Array<string>, i: number) => void): string => {
  const ls = lines(s)
  f(ls, int(rng, ls.length))
  return ls.join("\n")
}

/** Splits a line on commas or semicolons, whichever it has more of (naively: quotes are ignored). */
const cellsOf = (line: string): { cells: Array<string>; d: string } => {
  const d = (line.match(/;/g)?.length ?? 0) > (line.match(/,/g)?.length ?? 0) ? ";" : ","
  return { cells: line.split(d), d }
}

const aliasBomb = (rng: Rng): string => {
  const depth = 3 + int(rng, 7)
  const width = 4 + int(rng, 8)
  let out = `a0: &a0 [${Array(width).fill('"lol"').join(", ")}]\n`
  for (let k = 1; k < depth; k++) out += `a${k}: &a${k} [${Array(width).fill(`*a${k - 1}`).join(", ")}]\n`
  return out
}

/** Mostly moderate sizes, now and then one that costs a parser real time (or crosses a limit). */
const hugeSize = (rng: Rng): number => {
  const r = rng()
  return r < 0.6 ? 1_000 : r < 0.9 ? 10_000 : r < 0.97 ? 60_000 : 300_000
}

const deepNesting = (rng: Rng): string => {
  const depth = pick(rng, [50, 100, 500, 2_000, 10_000])
  switch (int(rng, 4)) {
    case 0:
      return `deep: ${"[".repeat(depth)}${"]".repeat(rng() < 0.5 ? depth : 0)}\n`
    case 1:
      return `deep: ${"{a: ".repeat(depth)}1${"}".repeat(rng() < 0.5 ? depth : 0)}\n`
    case 2:
      return Array.from({ length: Math.min(depth, 2_000) }, (_, k) => `${"  ".repeat(k)}k${k}:`).join("\n") + " x\n"
    default:
      return Array.from({ length: Math.min(depth, 2_000) }, (_, k) => `${"  ".repeat(k)}- `).join("\n") + "x\n"
  }
}

/** One mutation, by name, so that a failure can say what was done. */
const MUTATIONS: ReadonlyArray<readonly [string, (rng: Rng, s: string, others: ReadonlyArray<string>) => string]> = [
  ["flip", (rng, s) => flip(rng, s)],
  ["flips", (rng, s) => {
    let out = s
    for (let k = 1 + int(rng, 16); k > 0; k--) out = flip(rng, out)
    return out
  }],
  ["truncate", (rng, s) => s.slice(0, int(rng, s.length + 1))],
  ["cut-middle", (rng, s) => {
    const a = int(rng, s.length + 1)
    return s.slice(0, a) + s.slice(a + int(rng, 200))
  }],
  ["dup-line", (rng, s) => onLines(rng, s, (ls, i) => void ls.splice(i, 0, ls[i]!))],
  ["dup-lines", (rng, s) => onLines(rng, s, (ls, i) => void ls.splice(i, 0, ...ls.slice(i, i + 1 + int(rng, 20))))],
  ["drop-line", (rng, s) => onLines(rng, s, (ls, i) => void ls.splice(i, 1))],
  ["swap-lines", (rng, s) => onLines(rng, s, (ls, i) => {
    const j = int(rng, ls.length)
    ;[ls[i], ls[j]] = [ls[j]!, ls[i]!]
  })],
  ["dup-field", (rng, s) => onLines(rng, s, (ls, i) => {
    const { cells, d } = cellsOf(ls[i]!)
    const k = int(rng, cells.length)
    cells.splice(k, 0, cells[k]!)
    ls[i] = cells.join(d)
  })],
  ["drop-field", (rng, s) => onLines(rng, s, (ls, i) => {
    const { cells, d } = cellsOf(ls[i]!)
    cells.splice(int(rng, cells.length), 1)
    ls[i] = cells.join(d)
  })],
  ["swap-columns", (rng, s) => {
    const ls = lines(s)
    const { d } = cellsOf(ls[0] ?? "")
    const width = ls[0]?.split(d).length ?? 1
    const a = int(rng, width)
    const b = int(rng, width)
    const all = rng() < 0.5
    return ls.map((l, i) => {
      if (!all && i > 0) return l
      const cells = l.split(d)
      if (a < cells.length && b < cells.length) [cells[a], cells[b]] = [cells[b]!, cells[a]!]
      return cells.join(d)
    }).join("\n")
  }],
  ["special", (rng, s) => insertAt(rng, s, pick(rng, SPECIALS))],
  ["specials", (rng, s) => {
    let out = s
    for (let k = 1 + int(rng, 8); k > 0; k--) out = insertAt(rng, out, pick(rng, SPECIALS))
    return out
  }],
  ["control", (rng, s) => insertAt(rng, s, pick(rng, CONTROLS))],
  ["bom", (rng, s) => (rng() < 0.5 ? "\uFEFF" + s : insertAt(rng, s, "\uFEFF"))],
  ["crlf", (rng, s) => (rng() < 0.5 ? s.replaceAll("\n", "\r\n") : s.replaceAll("\n", "\r"))],
  ["unicode", (rng, s) => insertAt(rng, s, pick(rng, UNICODE))],
  ["number", (rng, s) => {
    const runs = [...s.matchAll(/\d+(\.\d+)?/g)]
    if (runs.length === 0) return insertAt(rng, s, pick(rng, NUMBERS))
    const m = pick(rng, runs)
    return s.slice(0, m.index) + pick(rng, NUMBERS) + s.slice(m.index + m[0].length)
  }],
  ["huge-field", (rng, s) => {
    const unit = pick(rng, HUGE_UNITS)
    return insertAt(rng, s, unit.repeat(Math.ceil(hugeSize(rng) / unit.length)))
  }],
  ["huge-line", (rng, s) => onLines(rng, s, (ls, i) => void (ls[i] = ls[i]! + "x".repeat(hugeSize(rng))))],
  ["deep-nesting", (rng, s) => (rng() < 0.5 ? deepNesting(rng) + s : s + "\n" + deepNesting(rng))],
  ["alias-bomb", (rng, s) => {
    const bomb = aliasBomb(rng)
    if (rng() < 0.5) return bomb + s
    // or as the value of a key the file has, so that the schema walks into it
    return s.replace(/^(\w[\w-]*):.*$/m, (_, k: string) => `${k}: ${bomb.split("\n").filter((l) => l !== "").map((l) => `{ ${l} }`).join(" ")}`)
  }],
  ["alias", (rng, s) => onLines(rng, s, (ls, i) => void (ls[i] = rng() < 0.5 ? ls[i]!.replace(/: (\S)/, ": &x $1") : ls[i]!.replace(/: \S.*$/, ": *x")))],
  ["indent", (rng, s) => onLines(rng, s, (ls, i) => void (ls[i] = rng() < 0.5 ? " " + ls[i] : ls[i]!.replace(/^ {1,2}/, "")))],
  ["splice", (rng, s, others) => {
    const o = pick(rng, others)
    const a = int(rng, o.length + 1)
    return insertAt(rng, s, o.slice(a, a + 1 + int(rng, 300)))
  }],
  ["word-swap", (rng, s) => {
    const words = [...s.matchAll(/[\w-]+/g)]
    if (words.length < 2) return s
    const m = pick(rng, words)
    return s.slice(0, m.index) + pick(rng, words)[0] + s.slice(m.index + m[0].length)
  }],
  ["empty", (rng, s) => pick(rng, ["", "\n", "\uFEFF", "\r\n\r\n", " ", "\u0000", s.split("\n")[0] ?? ""])]
]

/** A mutated input and the mutations that made it. */
export interface Mutant {
  readonly text: string
  readonly seedIndex: number
  readonly mutations: ReadonlyArray<string>
}

/**
 * Input `n` of a run seeded `seed`: one of `seeds`, with one to four mutations. The same
 * `(seed, n)` gives the same input on every machine.
 *
 * @example
 * const { text, mutations } = mutate(["id,name\nsn-dakar,Dakar\n"], 20261130, 7)
 */
export const mutate = (seeds: ReadonlyArray<string>, seed: number, n: number): Mutant => {
  const rng = mulberry32(inputSeed(seed, n))
  const seedIndex = int(rng, seeds.length)
  let text = seeds[seedIndex]!
  const names: Array<string> = []
  for (let k = 1 + int(rng, rng() < 0.7 ? 2 : 4); k > 0; k--) {
    const [name, f] = pick(rng, MUTATIONS)
    text = f(rng, text, seeds)
    names.push(name)
  }
  return { text, seedIndex, mutations: names }
}
