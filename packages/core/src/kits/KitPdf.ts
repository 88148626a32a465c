/**
 * Prints kit documents to PDF through a system Chromium (playwright-core drives it; nothing is
 * downloaded). The PDFs' dates are fixed, so the same kit prints to the same bytes.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { existsSync } from "node:fs"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { InputError } from "../domain/Errors.js"
import type { KitFile } from "./Kit.js"

/**
 * The part of a playwright-core `Page` that printing uses. Declared here, structurally, so that
 * the SDK's types do not need playwright-core (an optional peer dependency): a TypeScript project
 * without it compiles, and playwright-core's own `Page` fits.
 */
export interface PdfPage {
  goto(url: string, options?: { readonly waitUntil?: "load" }): Promise<unknown>
  evaluate(expression: string): Promise<unknown>
  pdf(options?: { readonly format?: string; readonly printBackground?: boolean; readonly preferCSSPageSize?: boolean; readonly tagged?: boolean; readonly outline?: boolean }): Promise<Uint8Array>
  close(): Promise<void>
}

/** The part of a playwright-core `Browser` that printing uses (playwright-core's `Browser` fits); see {@link PdfPage}. */
export interface PdfBrowser {
  newPage(): Promise<PdfPage>
  close(): Promise<void>
}

/** Where convene looks for Chromium, in order, after `CONVENE_CHROMIUM`. */
export const CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"]

/** The Chromium to use, or undefined when none is installed. */
export const findChromium = (explicit?: string): string | undefined => {
  const wanted = explicit ?? process.env["CONVENE_CHROMIUM"]
  if (wanted !== undefined && wanted !== "") return existsSync(wanted) ? wanted : undefined
  return CHROMIUM_CANDIDATES.find((c) => existsSync(c))
}

/** Flags for a headless, offline Chromium (no sandbox: convene runs it on local files only). */
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]

/** What `--pdf` says when playwright-core is not installed (an optional peer dependency). */
export const PLAYWRIGHT_MISSING = "--pdf needs playwright-core: npm install playwright-core"

/** True when `cause` is Node's failure to find the playwright-core package itself. */
const isMissingPlaywright = (cause: unknown): boolean =>
  cause instanceof Error && (cause as { code?: unknown }).code === "ERR_MODULE_NOT_FOUND" && /['"]playwright-core['"]/.test(cause.message)

/**
 * Starts Chromium, closing it when the scope ends. Fails with an InputError (exit 2 in the CLI)
 * when playwright-core, an optional peer dependency loaded only here, is not installed, or when no
 * Chromium is.
 */
export const launchChromium = (explicit?: string): Effect.Effect<PdfBrowser, InputError, Scope.Scope> =>
  Effect.acquireRelease<PdfBrowser, InputError, never, never>(
    Effect.gen(function*() {
      const { chromium } = yield* Effect.tryPromise({
        try: () => import("playwright-core"),
        catch: (cause) =>
          isMissingPlaywright(cause)
            ? new InputError({
              summary: PLAYWRIGHT_MISSING,
              problems: [{ message: "it is an optional peer dependency of @convene/core, needed only to print PDFs: install it next to convene (with -g if convene is installed with -g); the HTML files need no browser" }]
            })
            : new InputError({ summary: "--pdf needs playwright-core, which did not load.", problems: [{ message: String(cause instanceof Error ? cause.message.split("\n")[0] : cause) }] })
      })
      const executablePath = findChromium(explicit)
      if (executablePath === undefined) {
        return yield* new InputError({
          summary: `--pdf needs Chromium, and none was found at ${explicit ?? process.env["CONVENE_CHROMIUM"] ?? CHROMIUM_CANDIDATES.join(", ")}.`,
          problems: [{ message: "install it (Debian/Ubuntu: `apt-get install chromium`) or set CONVENE_CHROMIUM to its path; the HTML kits need no browser" }]
        })
      }
      return yield* Effect.tryPromise({
        try: () => chromium.launch({ executablePath, args: CHROMIUM_ARGS }),
        catch: (cause) => new InputError({ summary: `Chromium at ${executablePath} did not start.`, problems: [{ message: String(cause instanceof Error ? cause.message.split("\n")[0] : cause) }] })
      })
    }),
    // the kits are written by then: a browser that does not close cleanly is reported, not a failure
    (browser) => Effect.tryPromise(() => browser.close()).pipe(Effect.ignore({ log: "Warn", message: "Chromium did not close cleanly" }))
  )

// Chromium stamps every PDF with the time it printed it: rewritten at the same length, which
// keeps the cross-reference offsets valid. (Tagged PDFs are not made: their structure tree
// carries DOM node numbers that change from one page load to the next. The HTML kit is the
// accessible version.)
const stampPattern = /\/(CreationDate|ModDate) \(D:[^)]*\)/g
const fixStamps = (pdf: Uint8Array): Uint8Array => {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString("latin1")
  const fixed = text.replace(stampPattern, (whole, name: string) => {
    const stamp = `/${name} (D:20000101000000Z)`
    return stamp.length <= whole.length ? stamp.slice(0, -1) + " ".repeat(whole.length - stamp.length) + ")" : whole
  })
  return new Uint8Array(Buffer.from(fixed, "latin1"))
}

/** Prints each HTML file of a written kit folder to `pdf/<name>.pdf` (A4, backgrounds on). */
export const printKit = (browser: PdfBrowser, dir: string, htmlFiles: ReadonlyArray<string>) =>
  Effect.tryPromise({
    try: async () => {
      const page = await browser.newPage()
      try {
        const out: Array<KitFile> = []
        for (const html of htmlFiles) {
          if (html === "index.html") continue
          await page.goto(pathToFileURL(join(dir, html)).href, { waitUntil: "load" })
          await page.evaluate("document.fonts.ready.then(() => true)")
          const pdf = await page.pdf({ format: "A4", printBackground: true, preferCSSPageSize: true, tagged: false, outline: false })
          out.push({ path: `pdf/${html.replace(/\.html$/, ".pdf")}`, content: fixStamps(pdf) })
        }
        return out
      } finally {
        await page.close()
      }
    },
    catch: (cause) => new InputError({ summary: `Printing the kit in ${dir} to PDF failed.`, problems: [{ message: String(cause instanceof Error ? cause.message.split("\n")[0] : cause) }] })
  })
