import type { Hook } from "@oclif/core"
import { ExitCode, printError } from "../errors.js"

/** Levenshtein distance between two short strings. */
const distance = (a: string, b: string): number => {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = row
  }
  return prev[b.length]!
}

/**
 * The command (or topic) closest to what was typed: `sitse list` → `sites list`. Commands of
 * the most words come first (`survey invit` → `survey invite`, not the topic `survey`): each
 * command of k words is compared with the first k words typed, and the closest is taken when
 * it is near enough (a few letters); else commands of fewer words are tried.
 */
export const closestCommand = (typed: ReadonlyArray<string>, ids: ReadonlyArray<string>): string | undefined => {
  const byWords = ids.map((id) => ({ id, words: id.split(":") }))
  for (let k = Math.min(typed.length, Math.max(0, ...byWords.map((c) => c.words.length))); k >= 1; k--) {
    const target = typed.slice(0, k).join(" ")
    let best: { id: string; d: number } | undefined
    for (const c of byWords) {
      if (c.words.length !== k) continue
      const d = distance(target, c.words.join(" "))
      if (best === undefined || d < best.d) best = { id: c.id, d }
    }
    if (best !== undefined && best.d <= Math.max(2, Math.floor(target.length / 3))) return best.id.replaceAll(":", " ")
  }
  return undefined
}

/**
 * A mistyped command. On a terminal (without --json) @oclif/plugin-not-found asks "Did you
 * mean …?" and runs the answer; anywhere else (CI, pipes, --json) nothing waits for input: the
 * closest command is named, with exit status 2.
 */
const hook: Hook.CommandNotFound = async function(opts) {
  const json = opts.argv?.includes("--json") === true || process.argv.includes("--json")
  if (!json && process.stdin.isTTY === true && process.stdout.isTTY === true) {
    const { default: interactive } = await import("@oclif/plugin-not-found")
    return interactive.call(this, opts)
  }
  const words = opts.argv ?? []
  const typed = [...opts.id.split(":"), ...words.slice(0, words.findIndex((w) => w.startsWith("-")) === -1 ? words.length : words.findIndex((w) => w.startsWith("-")))]
  const visible = opts.config.commands.filter((c) => c.hidden !== true).map((c) => c.id)
  const topics = opts.config.topics.filter((t) => t.hidden !== true).map((t) => t.name)
  const suggestion = closestCommand(typed, [...visible, ...topics])
  const bin = opts.config.bin
  const shown = typed.slice(0, 2).join(" ")
  const helpFor = suggestion === undefined ? `${bin} help` : `${bin} help ${suggestion.split(" ")[0]}`
  printError(
    {
      code: "CommandNotFound",
      message: `"${shown}" is not a ${bin} command.${suggestion === undefined ? "" : ` Did you mean "${bin} ${suggestion}"?`} Run \`${helpFor}\` for the commands.`,
      problems: [{ field: "command", message: suggestion === undefined ? `unknown command "${shown}"` : `unknown command "${shown}"; did you mean "${suggestion}"?` }]
    },
    json
  )
  this.exit(ExitCode.input)
}

export default hook
