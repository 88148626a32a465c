// Self-service mirror dialogues on a real server on loopback, on every test database: the
// registration page (localized, CSRF, honeypot, rate limit, body limit, errors next to the
// fields), the double opt-in by mail, one registration per e-mail, staff approval (a site without
// a fellow, its kit and the organiser's mail) and rejection, auto_approve, and the results
// deadline of mirrors.
import * as Effect from "effect/Effect"
import { sql } from "kysely"
import { existsSync } from "node:fs"
import { readdir, readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { decodeDialogueYaml } from "../../src/domain/Dialogue.js"
import { decodeEntity, sitesRegistry } from "../../src/domain/Registry.js"
import { withClockAsOf } from "../../src/infra/Clock.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { approveMirror, listMirrors, rejectMirror } from "../../src/mirrors/index.js"
import { showRecord } from "../../src/registries/index.js"
import { importRegistryFile } from "../../src/registries/Registries.js"
import { resultsLinkKey, resultsToken } from "../../src/results/ResultsLinks.js"
import { serveSurveys, type ServeOptions } from "../../src/server/SurveyServe.js"
import { ConveneStore } from "../../src/Store.js"
import { failWith, type OpenTestDatabase, runWith, testDatabases, truncateAll, useTestDatabase } from "../support/databases.js"
import { kitWorkspace } from "../support/kit-workspace.js"

/** The day the server runs on: inside the example's mirror phase (2027-05-16 to 2027-07-15). */
const AS_OF = new Date("2027-05-20T10:00:00Z")

const outboxOf = (ws: Workspace) => join(ws.dir, "out", "outbox")
const mails = async (ws: Workspace): Promise<Array<string>> => {
  if (!existsSync(outboxOf(ws))) return []
  const files = (await readdir(outboxOf(ws))).filter((f) => f.endsWith(".eml")).sort()
  // quoted-printable, decoded enough to read links and ASCII text
  return Promise.all(files.map(async (f) => (await readFile(join(outboxOf(ws), f), "utf8")).replace(/=\r?\n/g, "").replace(/=3D/g, "=")))
}

const valid = {
  name: "Ama Mensah",
  email: "Ama@Example.org",
  place: "Kumasi",
  country: "GH",
  timezone: "Africa/Accra",
  locale: "fr",
  date: "2027-06-05",
  participants: "40",
  consent: "yes"
}

/** A workspace of the example dialogue with `mirror:` settings appended to its convene.yaml. */
const mirrorWorkspace = async (settings = ""): Promise<Workspace> => {
  const ws = await kitWorkspace()
  if (settings === "") return ws
  const text = `${ws.text}\n${settings}\n`
  await writeFile(ws.file, text)
  return { ...ws, text, dialogue: decodeDialogueYaml(text, "convene.yaml") }
}

describe.each(testDatabases)("mirror dialogues on $name", (testDb) => {
  const db = useTestDatabase(testDb)
  let shape: OpenTestDatabase
  let ws: Workspace
  let stop: () => void = () => {}
  let served: Promise<void> = Promise.resolve()
  let origin = ""

  const start = async (workspace: Workspace, options: Partial<ServeOptions> = {}) => {
    ws = workspace
    for (const r of ["fellows", "sites"] as const) await runWith(shape, importRegistryFile(r, join(ws.dir, `${r}.csv`)))
    const until = new Promise<void>((resolve) => (stop = resolve))
    const port = await new Promise<number>((resolve, reject) => {
      served = Effect.runPromise(
        withClockAsOf(AS_OF, serveSurveys(ws, { port: 0, until, onListening: (a) => resolve(a.port), ...options })).pipe(Effect.provide(ConveneStore.layerFrom(shape)))
      )
      served.catch(reject)
    })
    origin = `http://127.0.0.1:${port}`
  }

  beforeEach(async () => {
    shape = db()
    await truncateAll(shape)
    await sql`truncate send_log, result_links, result_keys, result_log, result_sites cascade`.execute(shape.db)
  })
  afterEach(async () => {
    stop()
    await served
  })

  /** GET /mirror: the page, its CSRF field and the cookie it sets. */
  const form = async (query = "", headers: Record<string, string> = {}) => {
    const res = await fetch(`${origin}/mirror${query}`, { headers })
    const html = await res.text()
    const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!
    return { status: res.status, html, cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "", language: res.headers.get("content-language") }
  }
  const post = async (fields: Record<string, string>, options: { csrf?: string; cookie?: string; origin?: string; query?: string } = {}) => {
    const page = options.csrf === undefined || options.cookie === undefined ? await form() : undefined
    const body = new URLSearchParams({ _csrf: options.csrf ?? page!.csrf, website: "", ...fields })
    const res = await fetch(`${origin}/mirror${options.query ?? ""}`, {
      method: "POST",
      body,
      redirect: "manual",
      headers: { origin: options.origin ?? origin, cookie: options.cookie ?? page!.cookie }
    })
    return { status: res.status, location: res.headers.get("location"), html: await res.text() }
  }
  const confirmLink = (mail: string): string => /https?:\/\/[^\s"<>]+\/mirror\/confirm\?token=[A-Za-z0-9_-]+/.exec(mail)![0]!
  /** Follows a confirmation link as a person does: opens it (which confirms nothing), then presses the button. */
  const confirmVia = async (link: string): Promise<Response> => {
    const page = await fetch(link)
    if (page.status !== 200) return page
    const token = /name="token" value="([^"]+)"/.exec(await page.text())?.[1] ?? ""
    return fetch(`${origin}/mirror/confirm`, { method: "POST", body: new URLSearchParams({ token }), redirect: "manual", headers: { origin } })
  }

  it("serves the form in the asked language and registers a mirror only once its e-mail link is followed", async () => {
    await start(await mirrorWorkspace())
    const fr = await form("?lang=fr")
    expect(fr.status).toBe(200)
    expect(fr.language).toBe("fr")
    expect(fr.html).toContain("Inscrire un dialogue miroir")
    expect(fr.cookie).toMatch(/^convene_mirror=/)
    expect((await form("", { "accept-language": "es-MX,es;q=0.9" })).html).toContain("Inscribir un diálogo espejo")
    const ar = await form("?lang=ar")
    expect(ar.html).toContain('dir="rtl"')

    const sent = await post(valid, { query: "?lang=fr" })
    expect(sent).toMatchObject({ status: 303, location: "/mirror/sent?lang=fr" })
    // nothing but the unconfirmed registration: no site
    expect(await runWith(shape, listMirrors())).toMatchObject([{ id: expect.any(Number), status: "unconfirmed", email: "ama@example.org", locale: "fr" }])
    expect((await shape.db.selectFrom("sites").select("id").where("format", "=", "mirror").execute()).map((s) => s.id)).toEqual(["ws-apia"])
    const [mail] = await mails(ws)
    expect(mail).toContain("Content-Language: fr")
    expect(mail).toContain("ama@example.org")
    const link = confirmLink(mail!)
    expect(link.startsWith(`${origin}/mirror/confirm?token=`)).toBe(true)

    // opening the link (a person, or a mail scanner) confirms nothing: its page has a button
    const opened = await fetch(link)
    expect(opened.status).toBe(200)
    const page = await opened.text()
    expect(page).toContain("Confirmez votre dialogue miroir")
    expect(page).toContain('<form method="post" action="/mirror/confirm">')
    expect(await runWith(shape, listMirrors("unconfirmed"))).toHaveLength(1)
    // the button's POST needs the page's origin
    const token = /name="token" value="([^"]+)"/.exec(page)![1]!
    expect((await fetch(`${origin}/mirror/confirm`, { method: "POST", body: new URLSearchParams({ token }), redirect: "manual", headers: { origin: "https://evil.example" } })).status).toBe(403)
    const confirmed = await confirmVia(link)
    expect(confirmed.status).toBe(200)
    expect(await confirmed.text()).toContain("votre adresse e-mail est confirmée")
    expect(await runWith(shape, listMirrors("pending"))).toHaveLength(1)
    // a link works once
    expect((await fetch(link)).status).toBe(404)
    expect((await confirmVia(link)).status).toBe(404)
    expect((await fetch(`${origin}/mirror/confirm?token=not-a-real-token-at-all`)).status).toBe(404)
  })

  it("keeps one registration per e-mail and sends the link again, saying the same to the form", async () => {
    await start(await mirrorWorkspace())
    const first = await post(valid)
    const oldLink = confirmLink((await mails(ws))[0]!)
    const second = await post({ ...valid, email: "ama@EXAMPLE.org", place: "Accra" })
    expect(second).toEqual(first)
    const rows = await runWith(shape, listMirrors())
    expect(rows).toHaveLength(1)
    // the details are the first registration's; the new link replaces the old one
    expect(rows[0]).toMatchObject({ place: "Kumasi", status: "unconfirmed" })
    const sent = await mails(ws)
    expect(sent).toHaveLength(2)
    const newLink = sent.map(confirmLink).find((l) => l !== oldLink)!
    expect((await fetch(oldLink)).status).toBe(404)
    expect((await confirmVia(newLink)).status).toBe(200)
    // confirmed: a third registration from the address sends nothing more
    expect((await post(valid)).status).toBe(303)
    expect(await mails(ws)).toHaveLength(2)
    expect(await runWith(shape, listMirrors())).toHaveLength(1)
  })

  it("gives the form back with every error next to its field and the values kept (422)", async () => {
    await start(await mirrorWorkspace())
    const bad = await post({ ...valid, timezone: "Mars/Olympus", locale: "de", country: "XX", date: "2027-05-10", participants: "lots", consent: "" }, { query: "?lang=en" })
    expect(bad.status).toBe(422)
    expect(bad.html).toContain("4 fields need your attention".replace("4", "6"))
    expect(bad.html).toContain("Please give a time zone such as Africa/Accra.")
    expect(bad.html).toContain("Please choose one of the languages offered.")
    expect(bad.html).toContain("Please give a two-letter country code such as GH.")
    expect(bad.html).toContain("This date has passed")
    expect(bad.html).toContain("Please agree to the terms")
    expect(bad.html).toContain('value="Mars/Olympus"')
    expect(bad.html).toContain('value="Ama Mensah"')
    const outside = await post({ ...valid, date: "2027-09-01" })
    expect(outside.status).toBe(422)
    expect(outside.html).toMatch(/between .*2027.* and .*2027/)
    expect(await runWith(shape, listMirrors())).toEqual([])
    expect(await mails(ws)).toEqual([])
  })

  it("refuses a forged form (CSRF), fools a bot (honeypot), limits the rate (429) and the body (413)", async () => {
    await start(await mirrorWorkspace(), { mirrorPostsPerMinute: 6, maxMirrorBodyBytes: 2048 })
    const page = await form()
    // a field that does not match the cookie, no cookie, another origin
    expect((await post(valid, { csrf: "x".repeat(43), cookie: page.cookie })).status).toBe(403)
    expect((await post(valid, { csrf: page.csrf, cookie: "" })).status).toBe(403)
    expect((await post(valid, { csrf: page.csrf, cookie: page.cookie, origin: "https://evil.example" })).status).toBe(403)
    // the honeypot: told it went well, nothing stored, nothing mailed
    expect(await post({ ...valid, website: "http://spam.example" }, { csrf: page.csrf, cookie: page.cookie })).toMatchObject({ status: 303 })
    expect(await runWith(shape, listMirrors())).toEqual([])
    expect(await mails(ws)).toEqual([])
    // too large a body
    expect((await post({ ...valid, place: "x".repeat(4000) }, { csrf: page.csrf, cookie: page.cookie })).status).toBe(413)
    // every POST counts (the 413 is refused before): the sixth of the minute from this address is the last one accepted
    expect((await post(valid, { csrf: page.csrf, cookie: page.cookie })).status).toBe(303)
    expect((await post(valid, { csrf: page.csrf, cookie: page.cookie })).status).toBe(303)
    expect((await post(valid, { csrf: page.csrf, cookie: page.cookie })).status).toBe(429)
  })

  it("approves a confirmed registration: a mirror site without a fellow, its kit and the organiser's mail", async () => {
    await start(await mirrorWorkspace())
    await post(valid)
    await confirmVia(confirmLink((await mails(ws))[0]!))
    const [pending] = await runWith(shape, listMirrors("pending"))
    const mail = { baseUrl: "https://survey.example.org", transport: { outboxDir: outboxOf(ws) } }
    const dry = await runWith(shape, approveMirror(ws, pending!.id, { ...mail, dryRun: true }))
    expect(dry).toMatchObject({ dryRun: true, site: `mirror-${pending!.id}` })
    expect(await runWith(shape, listMirrors("pending"))).toHaveLength(1)

    const done = await runWith(shape, withClockAsOf(AS_OF, approveMirror(ws, pending!.id, { ...mail, note: "welcome" })))
    expect(done).toMatchObject({ site: `mirror-${pending!.id}`, attached: true, sent: 1, registration: { status: "approved", note: "welcome" } })
    const site = await runWith(shape, showRecord("sites", done.site))
    expect(site).toMatchObject({ format: "mirror", date: "2027-06-05", date_reason: "mirror", locale: "fr", city: "Kumasi", capacity: 40 })
    expect(site.fellow_email).toBeUndefined()
    expect(existsSync(done.zip!)).toBe(true)
    const kitMail = (await mails(ws)).find((m) => m.includes("mirror-kit") || m.includes(`${done.site}.zip`))!
    const key = await runWith(shape, resultsLinkKey())
    expect(kitMail).toContain(`https://survey.example.org/results/${resultsToken(key, done.site)}`)
    expect(kitMail).toContain(`filename=${done.site}.zip`)
    // the kit is the organiser's, on the mirror's own date, in French
    const index = await readFile(join(done.zip!.replace(/\.zip$/, ""), "index.html"), "utf8")
    expect(index).toContain("Ama Mensah")
    expect(index).toContain("5 juin 2027")
    // again: nothing twice; a decided registration cannot be rejected
    expect(await runWith(shape, approveMirror(ws, pending!.id, mail))).toMatchObject({ sent: 0 })
    expect(String(await failWith(shape, rejectMirror(pending!.id, "late")))).toContain("only an unconfirmed or pending one")
  })

  it("rejects with a note, and refuses to approve what was rejected or is not confirmed", async () => {
    await start(await mirrorWorkspace())
    await post(valid)
    const [unconfirmed] = await runWith(shape, listMirrors())
    const mail = { baseUrl: "https://survey.example.org", transport: { outboxDir: outboxOf(ws) } }
    expect(String(await failWith(shape, approveMirror(ws, unconfirmed!.id, mail)))).toContain("not confirmed yet")
    expect(String(await failWith(shape, rejectMirror(unconfirmed!.id, " ")))).toContain("needs a note")
    expect(await runWith(shape, rejectMirror(unconfirmed!.id, "not a public dialogue"))).toMatchObject({ status: "rejected", note: "not a public dialogue" })
    expect(String(await failWith(shape, approveMirror(ws, unconfirmed!.id, mail)))).toContain("was rejected")
    expect(String(await failWith(shape, approveMirror(ws, 999, mail)))).toContain('No mirror registration with id "999"')
    // rejected: the address may register again
    expect((await post(valid)).status).toBe(303)
    expect(await runWith(shape, listMirrors("unconfirmed"))).toHaveLength(1)
  })

  it("approves at once with mirror.auto_approve, and closes a mirror's results after submission_deadline", async () => {
    await start(await mirrorWorkspace("mirror:\n  auto_approve: true\n  submission_deadline: 2027-05-19"))
    await post(valid)
    const confirmed = await confirmVia(confirmLink((await mails(ws))[0]!))
    expect(confirmed.status).toBe(200)
    expect(await confirmed.text()).toContain("approuvé")
    const [approved] = await runWith(shape, listMirrors("approved"))
    expect(approved).toMatchObject({ site_id: `mirror-${approved!.id}`, note: "auto_approve (convene.yaml)" })
    const kitMail = (await mails(ws)).find((m) => m.includes(".zip"))!
    const link = /https?:\/\/[^\s"<>]+\/results\/[A-Za-z0-9_-]+/.exec(kitMail)![0]!
    // the server's day (2027-05-20) is after the deadline: the mirror's results are refused
    const page = await fetch(link)
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? ""
    const refused = await fetch(link, { method: "POST", body: new URLSearchParams({ _csrf: csrf, tables: "1", ballots: "0" }), redirect: "manual", headers: { origin } })
    expect(refused.status).toBe(403)
  })

  it("requires a fellow of every site but a mirror dialogue", () => {
    const base = { id: "gh-kumasi", name: "Kumasi", city: "Kumasi", country: "GH", timezone: "Africa/Accra", locale: "en", capacity: 40, format: "in-person" }
    const missing = decodeEntity(sitesRegistry, base)
    expect("problems" in missing && missing.problems.map((p) => `${p.field}: ${p.message}`)).toEqual([expect.stringMatching(/^fellow_email: expected a value .*only a mirror dialogue/)])
    expect("entity" in decodeEntity(sitesRegistry, { ...base, format: "mirror", date: "2027-06-05", date_reason: "mirror" })).toBe(true)
  })
})
