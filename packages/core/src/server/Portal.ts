/**
 * The public results portal on `convene serve`, at `/portal/`: before the embargo ends, a page
 * that says when the results will be published (in UTC, and in the reader's zone by the page's
 * one script); after it, the files `results publish` wrote, only those its manifest lists. A
 * country released later keeps a page that says when until its own instant, and a portal
 * published ahead of the server's clock (a rehearsal) is held whole.
 */
import type { Context, Hono } from "hono"
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { type Embargo, isReleased, releaseTime } from "../domain/Release.js"
import type { KitRenderer } from "../kits/index.js"
import { heldPage, PORTAL_SCRIPT_HASH, type PortalManifest } from "../results/index.js"

/** What the portal route needs: where the published files are, and the embargo. */
export interface PortalContext {
  /** The folder `results publish` wrote (default: the workspace's `out/portal/`). */
  readonly dir: string
  readonly embargo: Embargo
  readonly renderer: KitRenderer
  readonly dialogue: { readonly title: string; readonly source_locale: string }
}

const TYPES: Readonly<Record<string, string>> = {
  html: "text/html; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  json: "application/json; charset=utf-8",
  md: "text/markdown; charset=utf-8",
  txt: "text/plain; charset=utf-8"
}

/** Inline CSS and the one script by its hash; nothing else loads. */
const CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src '${PORTAL_SCRIPT_HASH}'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`

const iso = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`

/**
 * Adds `/portal/…` (and `/` leading to it) to the form server's app.
 *
 * @example
 * addPortal(app, { dir: "out/portal", embargo, renderer, dialogue }, { now: () => new Date(), notFound: (c) => c.text("not found", 404) })
 */
export const addPortal = (app: Hono, context: PortalContext, parts: { readonly now: () => Date; readonly notFound: (c: Context) => Response | Promise<Response> }): void => {
  const { embargo, renderer, dialogue } = context
  const held = (c: Context, until: string, locale: string, what?: string) => {
    c.header("Content-Security-Policy", CSP)
    return c.html(heldPage(renderer, locale, { title: what ?? dialogue.title, what, until, up: "", dialogue: dialogue.title }))
  }
  const manifest = async (): Promise<PortalManifest | undefined> => {
    try {
      return JSON.parse(await readFile(join(context.dir, "portal.json"), "utf8")) as PortalManifest
    } catch {
      return undefined
    }
  }

  app.get("/", (c) => c.redirect("/portal/", 302))
  app.get("/portal", (c) => c.redirect("/portal/", 301))
  app.get("/portal/*", async (c) => {
    const now = parts.now().getTime()
    const path = c.req.path.slice("/portal/".length) || "index.html"
    if (!isReleased(embargo, now)) return held(c, embargo.ends, dialogue.source_locale)
    // a country released later: its page says when, whatever the folder holds
    const country = /^countries\/([A-Z]{2})(?:\.([A-Za-z0-9-]+))?\.html$/.exec(path)
    if (country !== null && !isReleased(embargo, now, country[1])) {
      const locale = country[2] ?? dialogue.source_locale
      const name = new Intl.DisplayNames([locale, "en"], { type: "region", fallback: "code" }).of(country[1]!) ?? country[1]!
      return held(c, iso(releaseTime(embargo, country[1])), locale, name)
    }
    const published = await manifest()
    if (published === undefined || !published.files.includes(path)) return parts.notFound(c)
    // published ahead of this clock (a rehearsal with --as-of): nothing of it before its countries' instants
    const early = published.countries.filter((cc) => !isReleased(embargo, now, cc))
    if (early.length > 0) return held(c, iso(Math.max(...early.map((cc) => releaseTime(embargo, cc)))), dialogue.source_locale)
    const body = await readFile(join(context.dir, path))
    c.header("Content-Type", TYPES[path.split(".").at(-1) ?? ""] ?? "application/octet-stream")
    c.header("Content-Security-Policy", CSP)
    return c.body(body)
  })
}
