import { Flags } from "@oclif/core"
import { ConveneCommand, workspaceFlags } from "../base.js"

export default class Serve extends ConveneCommand {
  static override summary = "Serve the survey forms (/s/<token>), the results forms (/results/<token>) and, with a staff token, the live view (/live) until stopped (Ctrl-C)."
  static override description = [
    "One server for every form a link opens. The survey form (links from `convene survey invite`) is localized (the participant's locale, else their site's; right to left where the language is), mobile-first, works with JavaScript off, and is checked with axe-core for WCAG 2.1 AA. It shows its wave, validates on the server with a message per question, stores one response per link and wave (a second submission gets a clear page; of two sent at once, one is stored), and is closed outside the wave's dates (in the site's time zone).",
    "The results form (links from `convene results invite`, one per site) lets the site's fellow enter every table's counts, the ballots and the tables' recommendations in the site's language, save a draft and submit; every field is checked as `results import` checks a CSV, with the message next to the field. Once staff validate a site's results, its page is read-only.",
    "Security: Origin/Sec-Fetch-Site checks and a per-form token against CSRF, a body size limit (--max-body for survey forms; results forms take up to eight times as much, for a site's ballots), rate limits per link and, for unknown links, per client address; no stack traces in pages, no tokens in the request log (a link is logged by the first characters of its hash). Behind a proxy, pass --public-url and --trust-proxy. Several instances can share one PostgreSQL database (DATABASE_URL) behind a load balancer.",
    "The staff's live view of the results day: with a staff token (the environment variable CONVENE_STAFF_TOKEN, or --staff-token-file PATH; at least 24 characters), /live shows every site following the sun with its state, coverage per region and country, and provisional shares; /live.json gives the same data. Open /live?token=TOKEN once in a browser (the token is swapped for a cookie and leaves the address bar) or send Authorization: Bearer TOKEN. Without a token the live view does not exist (docs/results-live.md).",
    "The public results portal at /portal/ (/ leads there): until the embargo ends (convene.yaml results.release) a page that says when the results will be published, in UTC and in the reader's zone; after it, the files `convene results publish` wrote (out/portal/, or --portal DIR). A country released later keeps its page saying when until its own instant.",
    "The public registration of mirror dialogues at /mirror (docs/mirror.md): a form in the dialogue's languages (?lang= or Accept-Language), without JavaScript, with a CSRF field bound to a cookie, at most 10 registrations a minute per client address, a honeypot field and a 16 KiB body limit. The organiser is mailed a confirmation link (/mirror/confirm?token=…, through the outbox or SMTP_URL) and nothing is created before it is followed; then staff decide with `convene mirror approve|reject` (or convene.yaml `mirror.auto_approve`). Links in those mails point at --public-url when given.",
    "GET /healthz answers ok, for load balancers. `convene survey serve` is the same command.",
    "With --json, one line of JSON is printed on stdout once the server listens: {url, host, port, surveys, results, portal, live, live_json, healthz, as_of} (with --port 0, the port it chose); the request log then goes to stderr, and nothing more is printed on stdout."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> serve",
    "<%= config.bin %> serve --port 8080 --host 0.0.0.0",
    "<%= config.bin %> serve --as-of 2027-05-01T10:00:00Z   # rehearse before the wave opens",
    "DATABASE_URL=postgres://survey@db/convene <%= config.bin %> serve --host 0.0.0.0 --public-url https://survey.example.org --trust-proxy",
    "CONVENE_STAFF_TOKEN=$(openssl rand -base64 32) <%= config.bin %> serve --as-of 2027-05-15T12:00:00Z   # the live view (/live), mid-day",
    "<%= config.bin %> serve --port 0 --json | head -n 1   # one JSON line once it listens: {url, port, …}"
  ]
  static override flags = {
    ...workspaceFlags,
    port: Flags.integer({ summary: "Port to listen on (0: any free port).", default: 8080, min: 0, max: 65535 }),
    host: Flags.string({ summary: "Address to listen on (0.0.0.0 for every interface).", default: "127.0.0.1" }),
    "public-url": Flags.string({ summary: "The public address behind a proxy, e.g. https://survey.example.org (accepted as the form's origin)." }),
    "trust-proxy": Flags.boolean({ summary: "Take the client address from X-Forwarded-For (only behind a proxy you run)." }),
    "max-body": Flags.integer({ summary: "Largest survey form body accepted, in KiB (a results form: eight times as much).", default: 64, min: 1 }),
    quiet: Flags.boolean({ char: "q", summary: "Do not log requests." }),
    "staff-token-file": Flags.string({ summary: "A file holding the staff token of the live view (/live, /live.json); else the environment variable CONVENE_STAFF_TOKEN. At least 24 characters." }),
    portal: Flags.string({ summary: "The folder of the published results portal served at /portal/ after the embargo (default: the workspace's out/portal/)." }),
    "as-of": Flags.string({ summary: "Serve as if it were this instant (ISO 8601, e.g. 2027-05-01T10:00:00Z), with time running on from there: a rehearsal before the wave opens. The wave windows are checked against it." })
  }
  static override output = () => import("../json/schedule.js").then((m) => m.served)

  async run() {
    // `survey serve` is this command under its old name: parse with whichever class runs
    const { flags } = await this.parse(this.constructor as typeof Serve)
    const json = this.jsonEnabled()
    await this.runInWorkspace(flags, async (ws) => {
      const [{ serveSurveys }, { withClockAsOf }] = await Promise.all([import("@convene/core/server"), import("@convene/core/infra")])
      if (flags["public-url"] !== undefined && !/^https?:\/\/[^/]+/.test(flags["public-url"])) this.error(`--public-url: expected an http(s) URL, got "${flags["public-url"]}".`, { exit: 2 })
      const asOf = flags["as-of"] === undefined ? undefined : new Date(flags["as-of"])
      if (asOf !== undefined && Number.isNaN(asOf.getTime())) this.error(`--as-of: expected an ISO 8601 instant such as 2027-05-01T10:00:00Z, got "${flags["as-of"]}".`, { exit: 2 })
      const staffToken = await this.staffToken(flags["staff-token-file"])
      if (asOf !== undefined) process.stderr.write(`Rehearsal: the wave windows (and the live view) are checked as of ${asOf.toISOString()}, and time runs on from there.\n`)
      const serving = serveSurveys(ws, {
        port: flags.port,
        host: flags.host,
        portalDir: flags.portal === undefined ? undefined : (await import("node:path")).resolve(flags.portal),
        publicOrigin: flags["public-url"],
        trustProxy: flags["trust-proxy"],
        maxBodyBytes: flags["max-body"] * 1024,
        maxResultsBodyBytes: flags["max-body"] * 8 * 1024,
        staffToken,
        // with --json, stdout holds the one JSON line printed on listening: the request log goes to stderr
        log: flags.quiet ? undefined : (line) => (json ? process.stderr : process.stdout).write(`${new Date().toISOString()} ${line}\n`),
        onListening: ({ host, port }) => {
          const base = `http://${host.includes(":") ? `[${host}]` : host}:${port}`
          if (json) {
            const live = staffToken === undefined ? null : `${base}/live`
            const listening = { url: base, host, port, surveys: `${base}/s/<token>`, results: `${base}/results/<token>`, portal: `${base}/portal/`, live, liveJson: live === null ? null : `${base}/live.json`, healthz: `${base}/healthz`, asOf: asOf?.toISOString() ?? null }
            process.stdout.write(`${JSON.stringify(this.toSuccessJson(listening))}\n`)
          }
          process.stderr.write(`Form server on ${base}/s/<token> (surveys) and ${base}/results/<token> (results); the results portal on ${base}/portal/, mirror registration on ${base}/mirror — Ctrl-C stops it.\n`)
          if (staffToken !== undefined) process.stderr.write(`Live view for staff on ${base}/live (open ${base}/live?token=<the staff token> once) and ${base}/live.json.\n`)
        }
      })
      // a rehearsal is a clock, not a special path: every workflow of the server sees that day
      return asOf === undefined ? serving : withClockAsOf(asOf, serving)
    })
    process.stderr.write("Stopped.\n")
  }

  /** The staff token: from --staff-token-file (its first line), else CONVENE_STAFF_TOKEN; never printed. */
  private async staffToken(file: string | undefined): Promise<string | undefined> {
    if (file === undefined) {
      const env = process.env["CONVENE_STAFF_TOKEN"]
      return env === undefined || env.trim() === "" ? undefined : env.trim()
    }
    const { readFile } = await import("node:fs/promises")
    let text: string
    try {
      text = await readFile(file, "utf8")
    } catch (error) {
      this.error(`--staff-token-file: ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, { exit: 2 })
    }
    const token = text.split(/\r?\n/)[0]!.trim()
    if (token === "") this.error(`--staff-token-file: ${file} is empty: expected the staff token on its first line.`, { exit: 2 })
    return token
  }
}
