#!/usr/bin/env node
// The demo's results, through the ways a site uses: one site's fellow opens the results link from
// their invitation and submits the web form (a real `convene serve`); another site's tally sheets
// are typed into a CSV and imported (`convene results import`); every other site's results come
// from `convene results simulate`. The entered values come from the same seeded generator, so
// every run gives the same results.
// Usage: node scripts/demo-results.mjs WORKSPACE
import { execFileSync, spawn } from "node:child_process"
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const [ws] = process.argv.slice(2)
if (ws === undefined) {
  console.error("usage: demo-results.mjs WORKSPACE")
  process.exit(64)
}
const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const { simpleParser } = createRequire(join(root, "packages", "core", "package.json"))("mailparser")
const { decodeBallots } = await import("../packages/core/dist/domain/Ballot.js")
const { decodeDialogueYaml } = await import("../packages/core/dist/domain/Dialogue.js")
const { simulateSiteResults } = await import("../packages/core/dist/domain/ResultsSimulation.js")
const { formOfResults } = await import("../packages/core/dist/server/ResultsForm.js")
const bin = join(root, "packages", "cli", "bin", "run.js")
const env = { ...process.env, DATABASE_URL: "" }
const convene = (...args) => execFileSync(process.execPath, [bin, ...args], { cwd: ws, env, encoding: "utf8" })

const WEB_SITE = "sn-dakar"
const CSV_SITE = "br-sao-paulo"
const dialogue = decodeDialogueYaml(readFileSync(join(ws, "convene.yaml"), "utf8"), "convene.yaml")
const ballotsFile = join(ws, "ballots", "votes.yaml")
const ballots = decodeBallots([{ file: "ballots/votes.yaml", text: readFileSync(ballotsFile, "utf8") }], dialogue)
const sites = new Map(JSON.parse(convene("sites", "list", "--json")).map((s) => [s.id, s]))
const resultsOf = (id) => simulateSiteResults(ballots, sites.get(id), 7)

// 1. the web form: the link from the fellow's invitation, the form served for real
const outbox = join(ws, "out", "outbox")
let link
for (const f of readdirSync(outbox).filter((f) => f.startsWith(`results-invite-${WEB_SITE}-`))) {
  const mail = await simpleParser(readFileSync(join(outbox, f)))
  link = /https?:\/\/\S+\/results\/[A-Za-z0-9_-]+/.exec(mail.text ?? "")?.[0] ?? link
}
if (link === undefined) throw new Error(`no results invitation for ${WEB_SITE} in ${outbox}`)
const server = spawn(process.execPath, [bin, "serve", "--port", "0", "--quiet"], { cwd: ws, env, stdio: ["ignore", "ignore", "pipe"] })
const origin = await new Promise((resolve, reject) => {
  let err = ""
  server.stderr.on("data", (d) => {
    err += String(d)
    const m = /http:\/\/[^ /]+:\d+/.exec(err)
    if (m !== null) resolve(m[0])
  })
  server.on("exit", (code) => reject(new Error(`convene serve stopped (${code}): ${err}`)))
})
const path = new URL(link).pathname
const page = await (await fetch(`${origin}${path}`)).text()
const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1]
if (csrf === undefined) throw new Error(`no results form at ${path}: ${page.slice(0, 200)}`)
const web = resultsOf(WEB_SITE)
const form = formOfResults(ballots, web)
const body = new URLSearchParams({ _csrf: csrf, action: "submit", tables: String(form.tables), ballots: String(form.ballots) })
for (const [name, values] of form.values) for (const v of values) body.append(name, v)
const res = await fetch(`${origin}${path}`, { method: "POST", body, redirect: "manual", headers: { origin, "content-type": "application/x-www-form-urlencoded" } })
if (res.status !== 303) throw new Error(`the results form answered ${res.status}: ${(await res.text()).slice(0, 500)}`)
await new Promise((resolve) => {
  server.on("exit", resolve)
  server.kill("SIGINT")
})
console.log(`  ${WEB_SITE}: ${web.tallies.length} table sheets, ${web.ballots.length} ballots and ${web.recommendations.length} recommendations submitted on the web form (${origin}/results/…)`)

// 2. another site's tally sheets and ballots typed into CSV files
const typed = resultsOf(CSV_SITE)
const cell = (v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)
const dir = join(ws, "out", "results-entry")
mkdirSync(dir, { recursive: true })
const tallies = ["site,table,present,question,option,count", ...typed.tallies.flatMap((t) => Object.entries(t.counts).flatMap(([q, counts]) => Object.entries(counts).map(([o, n]) => `${CSV_SITE},${t.table},${t.present},${q},${o},${n}`)))]
const ballotRows = ["site,ballot,question,value", ...typed.ballots.flatMap((b) => Object.entries(b.answers).map(([q, v]) => `${CSV_SITE},${b.ballot},${q},${cell(Array.isArray(v) ? v.join(" ") : String(v))}`))]
const recommendations = ["site,table,recommendation,text,votes", ...typed.recommendations.map((r) => `${CSV_SITE},${r.table},${r.number},${cell(r.text)},${r.votes}`)]
for (const [name, lines] of [["tallies", tallies], ["ballots", ballotRows], ["recommendations", recommendations]]) {
  const file = join(dir, `${CSV_SITE}-${name}.csv`)
  writeFileSync(file, lines.join("\n") + "\n")
  console.log(`  ${convene("results", "import", file, "--site", CSV_SITE, "--by", "demo staff").trim()}`)
}
