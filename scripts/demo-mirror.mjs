#!/usr/bin/env node
// A mirror dialogue registered as its organiser would, on the real server: `convene serve
// --as-of` (a day inside the mirror phase); GET /mirror for the form, its CSRF field and cookie;
// POST the registration; the confirmation mail read from the outbox and its link followed (the
// double opt-in). Prints the registration's id, for `convene mirror approve ID`.
// Usage: node scripts/demo-mirror.mjs WORKSPACE AS_OF
import { spawn } from "node:child_process"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const [ws, asOf] = process.argv.slice(2)
if (ws === undefined || asOf === undefined) {
  console.error("usage: demo-mirror.mjs WORKSPACE AS_OF")
  process.exit(64)
}
const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const bin = join(root, "packages", "cli", "bin", "run.js")
const server = spawn(process.execPath, [bin, "serve", "--port", "0", "--as-of", asOf, "--quiet"], {
  cwd: ws,
  env: { ...process.env, DATABASE_URL: "", SMTP_URL: "" },
  stdio: ["ignore", "ignore", "pipe"]
})
const origin = await new Promise((resolve, reject) => {
  let err = ""
  server.stderr.on("data", (d) => {
    err += String(d)
    const m = /http:\/\/[^ /]+:\d+/.exec(err)
    if (m !== null) resolve(m[0])
  })
  server.on("exit", (code) => reject(new Error(`convene serve stopped (${code}): ${err}`)))
})
const outbox = join(ws, "out", "outbox")
const links = () =>
  (existsSync(outbox) ? readdirSync(outbox) : []).flatMap((f) => {
    const text = readFileSync(join(outbox, f), "utf8").replace(/=\r?\n/g, "").replace(/=3D/g, "=")
    return [...text.matchAll(/http:\/\/[^\s"<>]+\/mirror\/confirm\?token=[A-Za-z0-9_-]+/g)].map((m) => m[0])
  })
try {
  const before = new Set(links())
  const page = await fetch(`${origin}/mirror`, { headers: { "accept-language": "fr-GH,fr;q=0.9,en;q=0.5" } })
  const html = await page.text()
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1]
  const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0]
  if (page.status !== 200 || csrf === undefined) throw new Error(`GET /mirror answered ${page.status}`)
  console.log(`  GET /mirror: ${page.status}, in ${page.headers.get("content-language")} (Accept-Language), with a CSRF field and its cookie`)
  const form = { _csrf: csrf, website: "", name: "Ama Mensah", email: "ama.mensah@example.org", place: "Kumasi", country: "GH", timezone: "Africa/Accra", locale: "fr", date: "2027-06-05", participants: "40", consent: "yes" }
  const bad = await fetch(`${origin}/mirror`, { method: "POST", body: new URLSearchParams({ ...form, timezone: "Africa/Kumassi" }), redirect: "manual", headers: { origin, cookie, "accept-language": "fr" } })
  console.log(`  POST /mirror with a misspelt time zone: ${bad.status}, the form back with the error next to the field`)
  const posted = await fetch(`${origin}/mirror`, { method: "POST", body: new URLSearchParams(form), redirect: "manual", headers: { origin, cookie, "accept-language": "fr" } })
  if (posted.status !== 303) throw new Error(`POST /mirror answered ${posted.status}`)
  const link = links().find((l) => !before.has(l) && l.startsWith(origin))
  if (link === undefined) throw new Error("no confirmation mail in the outbox")
  console.log(`  POST /mirror: ${posted.status} → ${posted.headers.get("location")}; the confirmation mail is in the outbox`)
  // the link opens a page with a button (opening it confirms nothing: a mail scanner cannot);
  // the organiser presses it
  const opened = await fetch(link)
  const token = /name="token" value="([^"]+)"/.exec(await opened.text())?.[1] ?? ""
  const confirmed = await fetch(`${origin}/mirror/confirm`, { method: "POST", body: new URLSearchParams({ token }), redirect: "manual", headers: { origin } })
  console.log(`  the link followed (${opened.status}) and its button pressed: ${confirmed.status} (${confirmed.status === 200 ? "confirmed, pending staff approval" : "refused"})`)
  if (confirmed.status !== 200) throw new Error(`the confirmation link answered ${confirmed.status}`)
} finally {
  await new Promise((resolve) => {
    server.on("exit", resolve)
    server.kill("SIGINT")
  })
}
