#!/usr/bin/env node
// The day rehearsed on the real server: `convene serve --as-of` mid-day with a staff token; the
// staff's live view (/live.json) shows which sites are in session, which have reported and the
// provisional picture with its coverage; the public portal address shows only when the results
// will be published, because the embargo holds.
// Usage: node scripts/demo-day.mjs WORKSPACE AS_OF
import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const [ws, asOf] = process.argv.slice(2)
if (ws === undefined || asOf === undefined) {
  console.error("usage: demo-day.mjs WORKSPACE AS_OF")
  process.exit(64)
}
const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const bin = join(root, "packages", "cli", "bin", "run.js")
const token = randomBytes(24).toString("base64url")
const server = spawn(process.execPath, [bin, "serve", "--port", "0", "--as-of", asOf, "--quiet"], {
  cwd: ws,
  env: { ...process.env, DATABASE_URL: "", CONVENE_STAFF_TOKEN: token },
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
try {
  const res = await fetch(`${origin}/live.json`, { headers: { authorization: `Bearer ${token}` } })
  if (res.status !== 200) throw new Error(`/live.json answered ${res.status}`)
  const live = await res.json()
  const c = live.counts
  console.log(`  /live.json as of ${live.as_of}: ${c.expected} sites expected — ${c.not_started} not started, ${c.in_session} in session, ${c.not_reported} day over but not reported, ${c.submitted} submitted, ${c.validated} validated`)
  const p = live.provisional
  for (const q of p.questions.slice(0, 2)) {
    const lead = [...q.options].sort((a, b) => (b.share?.value ?? 0) - (a.share?.value ?? 0))[0]
    if (lead !== undefined) console.log(`  provisional ${q.id}: ${lead.id} ${((lead.share?.value ?? 0) * 100).toFixed(1)} % — ${p.coverage.sites} of ${p.coverage.expected_sites} sites, ${p.coverage.regions} of ${p.coverage.expected_regions} regions`)
  }
  console.log(`  ${live.embargo.notice ?? "the embargo has ended"}`)
  const unauthorized = await fetch(`${origin}/live.json`)
  console.log(`  /live.json without the staff token: ${unauthorized.status}`)
  const portal = await fetch(`${origin}/portal/`)
  const page = await portal.text()
  const when = /<time datetime="([^"]+)"/.exec(page)?.[1]
  console.log(`  the public portal (/portal/): ${portal.status}, "${when === undefined ? "no date" : `results will be published at ${when}`}"`)
} finally {
  await new Promise((resolve) => {
    server.on("exit", resolve)
    server.kill("SIGINT")
  })
}
