/**
 * A progress bar with an ETA on stderr for long commands. On a terminal it redraws one line;
 * elsewhere (CI logs, pipes) it prints a line every 10 %, so logs stay short.
 */
export interface ProgressBar {
  readonly tick: (done: number, total: number, label?: string) => void
  readonly done: () => void
}

const formatSeconds = (s: number): string =>
  !Number.isFinite(s) ? "?" : s < 60 ? `${Math.ceil(s)}s` : `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, "0")}s`

/** A progress bar for `what` (e.g. "kits"), silent when `enabled` is false (e.g. with --json). */
export const progressBar = (what: string, enabled: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressBar => {
  const started = performance.now()
  const tty = stream.isTTY === true
  let lastDecile = -1
  let drawn = false
  return {
    tick: (done, total, label) => {
      if (!enabled || total <= 1) return
      const elapsed = (performance.now() - started) / 1000
      // the first few items include start-up costs: no ETA until 5 % are done
      const eta = done < Math.max(2, total / 20) ? Number.NaN : (elapsed / done) * (total - done)
      const pct = Math.floor((done / total) * 100)
      if (tty) {
        const width = 24
        const filled = Math.round((done / total) * width)
        const line = `${what} [${"█".repeat(filled)}${"░".repeat(width - filled)}] ${done}/${total} ${pct}% · ETA ${formatSeconds(eta)}${label === undefined ? "" : ` · ${label}`}`
        stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 100) - 1)}`)
        drawn = true
      } else {
        const decile = Math.floor(pct / 10)
        if (decile !== lastDecile) {
          lastDecile = decile
          stream.write(`${what}: ${done}/${total} (${pct}%), ${elapsed.toFixed(1)}s elapsed, ETA ${formatSeconds(eta)}\n`)
        }
      }
    },
    done: () => {
      if (drawn) stream.write("\r\x1b[2K")
    }
  }
}
