#!/usr/bin/env node
// The demo's answers for one wave, through the paths a site uses: participants of the sites
// that collect online open their invitation link and submit the web form (a real
// `convene survey serve`, rehearsing as of a date inside the wave); the others' questionnaires
// are typed into a paper CSV and imported (`convene survey import`). The answers themselves come
// from the seeded generator of `convene survey simulate`, so every run gives the same ones.
// Usage: node scripts/demo-answers.mjs WORKSPACE WAVE AS_OF
import { execFileSync, spawn } from "node:child_process"
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const [ws, wave, asOf] = process.argv.slice(2)
if (ws === undefined || wave === undefined || asOf === undefined) {
  console.error("usage: demo-answers.mjs WORKSPACE WAVE AS_OF")
  process.exit(64)
}
const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const core = await import("../packages/core/dist/index.js")
const { simpleParser } = createRequire(join(root, "packages", "core", "package.json"))("mailparser")
const bin = join(root, "packages", "cli", "bin", "run.js")
const env = { ...process.env, DATABASE_URL: "" }
const convene = (...args) => execFileSync(process.execPath, [bin, ...args], { cwd: ws, env, encoding: "utf8" })

// sites that collect online; everyone else answers on paper
const ONLINE = new Set(["sn-dakar", "eg-cairo", "in-kolkata"])
const instrumentFile = join(ws, "surveys", "evaluation.yaml")
const instrument = core.decodeInstrumentYaml(readFileSync(instrumentFile, "utf8"), instrumentFile)
const sites = new Map(JSON.parse(convene("sites", "list", "--json")).map((s) => [s.id, s]))
const participants = JSON.parse(convene("participants", "list", "--json"))
const simulated = core.simulateAnswers(
  instrument,
  participants.map((p) => ({ id: p.id, site_id: p.site_id, country: sites.get(p.site_id).country, format: sites.get(p.site_id).format, locale: p.locale, education: p.education, role: p.role })),
  { seed: 1, waves: [wave] }
).filter((r) => r.wave === wave)
const byId = new Map(participants.map((p) => [p.id, p]))
const online = simulated.filter((r) => ONLINE.has(byId.get(r.participant_id).site_id) && byId.get(r.participant_id).email !== undefined)
const paper = simulated.filter((r) => !online.includes(r))

// the invitation links, from the outbox
const links = new Map()
for (const f of readdirSync(join(ws, "out", "outbox")).filter((f) => f.startsWith(`survey-invite-evaluation-${wave}-`))) {
  const mail = await simpleParser(readFileSync(join(ws, "out", "outbox", f)))
  const link = /https?:\/\/\S+\/s\/[A-Za-z0-9_-]+/.exec(mail.text ?? "")?.[0]
  const to = mail.to?.value?.[0]?.address
  const p = participants.find((x) => x.email === to)
  if (link !== undefined && p !== undefined) links.set(p.id, link)
}

// 1. the web form, served for real
const server = spawn(process.execPath, [bin, "survey", "serve", "--port", "0", "--as-of", asOf, "--quiet"], { cwd: ws, env, stdio: ["ignore", "ignore", "pipe"] })
const origin = await new Promise((resolve, reject) => {
  let err = ""
  server.stderr.on("data", (d) => {
    err += String(d)
    const m = /http:\/\/[^ /]+:\d+/.exec(err)
    if (m !== null) resolve(m[0])
  })
  server.on("exit", (code) => reject(new Error(`survey serve stopped (${code}): ${err}`)))
})
let sent = 0
for (const r of online) {
  const link = links.get(r.participant_id)
  if (link === undefined) continue
  const path = new URL(link).pathname
  const page = await (await fetch(`${origin}${path}`)).text()
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1]
  if (csrf === undefined) throw new Error(`no form at ${path}: ${page.slice(0, 200)}`)
  const body = new URLSearchParams({ _csrf: csrf })
  for (const [q, v] of Object.entries(r.answers)) for (const x of Array.isArray(v) ? v : [v]) body.append(q, String(x))
  const res = await fetch(`${origin}${path}`, { method: "POST", body, redirect: "manual", headers: { origin, "content-type": "application/x-www-form-urlencoded" } })
  if (res.status !== 303) throw new Error(`the form answered ${res.status} for ${r.participant_id}`)
  sent++
  if (sent % 25 === 0 || sent === online.length) process.stdout.write(`  web form: ${sent}/${online.length} submitted\n`)
}
await new Promise((resolve) => {
  server.on("exit", resolve)
  server.kill("SIGINT")
})

// 2. paper questionnaires typed into a CSV
const questions = core.questionsFor(instrument, wave)
const cell = (v) => {
  if (v === undefined) return ""
  const s = Array.isArray(v) ? v.join(" ") : String(v)
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}
const csv = `code,${questions.map((q) => q.id).join(",")}\n${paper.map((r) => `${byId.get(r.participant_id).code},${questions.map((q) => cell(r.answers[q.id])).join(",")}`).join("\n")}\n`
mkdirSync(join(ws, "out", "paper"), { recursive: true })
const file = join(ws, "out", "paper", `questionnaires-${wave}.csv`)
writeFileSync(file, csv)
console.log(`  ${sent} answered the ${wave} questionnaire on the web form; ${paper.length} on paper (${file.slice(ws.length + 1)})`)
console.log(convene("survey", "import", file, "--wave", wave).trim())
