#!/usr/bin/env node
// Scheduling benchmark: plan the deliberation day for 10,000 sites spread over every IANA zone
// in Node's ICU data with a 12-block agenda and two synchronized moments, then write one ICS
// per site, the global ICS and the JSON export. Target: under 2 s in all on 2 cores.
// Usage: pnpm bench (after pnpm run build), or node scripts/bench-schedule.mjs [SITES]
import { mkdir, rm } from "node:fs/promises"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

import { writeFileSync } from "node:fs"
const { planDay, siteCalendar, globalCalendar, scheduleJson } = await import("../packages/core/dist/index.js")
const count = Number(process.argv[2] ?? 10_000)
const zones = [...Intl.supportedValuesOf("timeZone"), "Asia/Kolkata", "Europe/Kyiv", "UTC"]
const sites = Array.from({ length: count }, (_, i) => ({ id: `site-${String(i).padStart(5, "0")}`, timezone: zones[i % zones.length], start_local: i % 7 === 0 ? "10:00" : undefined }))
const kinds = ["plenary", "table-discussion", "vote", "break"]
const agenda = Array.from({ length: 12 }, (_, i) => ({ id: `block-${i + 1}`, title: `Block ${i + 1}`, minutes: [30, 60, 15, 15][i % 4], kind: kinds[i % 4] }))
const moments = [
  { id: "greeting", title: "Global greeting", minutes: 15, at: "auto" },
  { id: "results", title: "Live results", minutes: 20, at: "2027-05-15T16:00Z" }
]
const day = { date: "2027-05-15", start_local: "09:00", window: { start: "08:00", end: "21:00" } }
const dialogue = { id: "bench", title: "Benchmark dialogue" }
// inside the checkout (out/ is git-ignored): on these machines /tmp makes every new file cost
// about 1 ms, which would measure the sandbox rather than convene
const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "out", "bench-schedule")
await rm(dir, { recursive: true, force: true })
await mkdir(dir, { recursive: true })

const time = async (label, f) => {
  const started = performance.now()
  const result = await f()
  const ms = performance.now() - started
  console.log(`  ${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms`)
  return [result, ms]
}
console.log(`Node ${process.version}: ${count} sites over ${zones.length} zones, ${agenda.length} blocks, ${moments.length} moments`)
const calendar = { dialogueId: dialogue.id, title: dialogue.title }
const [plan, tPlan] = await time("plan", () => planDay({ day, agenda, moments, sites }))
const [icsTexts, tIcs] = await time(`render ICS (${count} site calendars + all-sites)`, () => [
  ...plan.sites.map((site) => [`${site.id}.ics`, siteCalendar(plan, site, calendar)]),
  ["all-sites.ics", globalCalendar(plan, calendar)]
])
const [json, tJson] = await time("render JSON", () => scheduleJson(plan))
const [, tWrite] = await time(`write ${icsTexts.length + 1} files (${(icsTexts.reduce((n, [, t]) => n + t.length, json.length) / 1e6).toFixed(0)} MB)`, () => {
  for (const [name, text] of icsTexts) writeFileSync(join(dir, name), text)
  writeFileSync(join(dir, "schedule.json"), json)
})
const cpu = tPlan + tIcs + tJson
console.log(`  ${"plan + render (CPU)".padEnd(44)} ${cpu.toFixed(0).padStart(6)} ms`)
console.log(`  ${"total with writes".padEnd(44)} ${(cpu + tWrite).toFixed(0).padStart(6)} ms  (target < 2000 ms)`)
await rm(dir, { recursive: true, force: true })
