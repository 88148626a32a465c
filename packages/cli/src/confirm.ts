/**
 * Confirmation of actions that cannot be undone: a y/N question on a terminal, `--yes` otherwise.
 */
import { Flags } from "@oclif/core"
import { createInterface } from "node:readline/promises"
import type { Readable, Writable } from "node:stream"

/** `--yes`, for commands that delete data. */
export const yesFlag = {
  yes: Flags.boolean({ char: "y", summary: "Do it without asking (needed when not on a terminal, e.g. in scripts)." })
}

/** `--dry-run`, for commands that mail, delete, import or simulate. */
export const dryRunFlag = {
  "dry-run": Flags.boolean({ summary: "Show what would happen (counts and a sample); write, send and delete nothing." })
}

/** Where the question is asked; the process's own terminal by default. */
export interface Terminal {
  readonly input: Readable & { readonly isTTY?: boolean }
  readonly output: Writable & { readonly isTTY?: boolean }
}

/**
 * Goes on only if the action is confirmed: with `yes`, at once; on a terminal, when the answer
 * to `question` (asked on stderr) is y or yes; otherwise it throws `Refused` (exit 4) naming
 * --yes. `what` says what would be done, e.g. "Removing participant p-1 deletes 53 survey answers."
 */
export const confirm = async (options: {
  readonly what: string
  readonly question: string
  readonly yes: boolean
  readonly nothing: string
  readonly terminal?: Terminal
}): Promise<void> => {
  if (options.yes) return
  const terminal = options.terminal ?? { input: process.stdin, output: process.stderr }
  const { Refused } = await import("@convene/core/domain/Errors")
  if (terminal.input.isTTY !== true || terminal.output.isTTY !== true) {
    throw new Refused({ what: `${options.what} Not on a terminal, so nobody could confirm it.`, confirm: "--yes", nothing: options.nothing, purpose: "" })
  }
  // the terminal's own line editing (cooked mode) is enough for a y/N answer
  const rl = createInterface({ input: terminal.input, output: terminal.output, terminal: false })
  try {
    const answer = (await rl.question(`${options.what}\n${options.question} [y/N] `)).trim().toLowerCase()
    if (answer === "y" || answer === "yes") return
  } finally {
    rl.close()
  }
  throw new Refused({ what: `${options.what} Not confirmed.`, confirm: "--yes", nothing: options.nothing, purpose: "" })
}
