#!/usr/bin/env node
// Scheduling benchmark: plan the deliberation day for 10,000 sites spread over every IANA zone
// name Node's ICU knows (with the rules of convene's own tz data, loaded first and timed) with a 12-block agenda and two synchronized moments, then export one ICS
// per site, the global ICS and the JSON. Target: under 2 s in all on 2 cores.
// Usage: pnpm bench (after pnpm run build), or node scripts/bench-schedule.mjs [SITES]
import { writeFileSync } from "node:fs"
import { mkdir, rm } from "node:fs/promises"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const { calendarEventHashes, planDay, siteCalendar, scheduleJson, writeGlobalCalendar, writeSchedule, zoneRules } = await import("../packages/core/dist/index.js")
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
const loading = performance.now()
const rules = zoneRules()
const tLoad = performance.now() - loading
// each event with a LOCATION, a SEQUENCE and a LAST-MODIFIED, as `schedule export` writes them
const siteInfo = new Map(sites.map((s) => [s.id, { location: `Assembly ${s.id}, ${s.timezone.split("/").at(-1)}, Somewhere` }]))
const calendar = { dialogueId: "bench", title: "Benchmark dialogue", rules, stamp: "2027-05-01T12:00:00Z", sites: siteInfo }
// inside the checkout (out/ is git-ignored): on these machines /tmp makes every new file cost
// about 1 ms, which would measure the sandbox rather than convene
const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "out", "bench-schedule")
await rm(dir, { recursive: true, force: true })
await mkdir(dir, { recursive: true })

// wall time, and this process's CPU time (user + system), which a machine shared with other
// work inflates less than the wall time
let cpuTotal = 0
const time = async (label, f) => {
  const started = performance.now()
  const cpu = process.cpuUsage()
  const result = await f()
  const ms = performance.now() - started
  const used = process.cpuUsage(cpu)
  const cpuMs = (used.user + used.system) / 1000
  cpuTotal += cpuMs
  console.log(`  ${label.padEnd(46)} ${ms.toFixed(0).padStart(6)} ms  (CPU ${cpuMs.toFixed(0).padStart(5)} ms)`)
  return [result, ms, cpuMs]
}
console.log(`Node ${process.version}: ${count} sites over ${zones.length} zones, ${agenda.length} blocks, ${moments.length} moments`)
console.log(`  ${`load tz ${rules.version} (${rules.source})`.padEnd(46)} ${tLoad.toFixed(0).padStart(6)} ms`)
const [plan, tPlan] = await time("plan", () => planDay({ day, agenda, moments, sites, rules }))
// the content hash of every event, which `schedule export` compares with the stored ones to
// raise SEQUENCE (the database round trip is not counted here)
const [hashes, tHash] = await time("hash every event (for SEQUENCE)", () => calendarEventHashes(plan, calendar))
calendar.revisions = new Map([...hashes.keys()].map((uid, i) => [uid, { sequence: i % 3, modified: "2027-05-01T12:00:00Z" }]))
const [bytes, tIcs] = await time(`render ${count} site calendars (not written)`, () => plan.sites.reduce((n, site) => n + siteCalendar(plan, site, calendar).length, 0))
const [json, tJson] = await time("render JSON (not written)", () => scheduleJson(plan))
const [, tGlobal] = await time("render + stream all-sites.ics", () => writeGlobalCalendar(plan, join(dir, "all-sites.ics"), calendar))
const cpu = tPlan + tHash + tIcs + tJson + tGlobal
console.log(`  ${"plan + render".padEnd(46)} ${cpu.toFixed(0).padStart(6)} ms  (CPU ${cpuTotal.toFixed(0).padStart(5)} ms; target < 2000 ms)`)
// the export as the CLI runs it: every site calendar rendered and written, then the JSON
const [, tExport] = await time(`export: ${count + 1} .ics + .json (${((bytes + json.length) / 1e6).toFixed(0)} MB)`, async () => {
  await writeSchedule({ plan, format: "ics", dir: join(dir, "export"), dialogue: { id: calendar.dialogueId, title: calendar.title }, rules, calendar })
  await writeSchedule({ plan, format: "json", dir: join(dir, "export"), dialogue: { id: calendar.dialogueId, title: calendar.title } })
})
console.log(`  ${"plan + export, end to end".padEnd(46)} ${(tPlan + tExport).toFixed(0).padStart(6)} ms  (creating 10,000 files here costs 0.4-5 s by itself)`)
const [, tAgain] = await time("export again (the files exist)", async () => {
  await writeSchedule({ plan, format: "ics", dir: join(dir, "export"), dialogue: { id: calendar.dialogueId, title: calendar.title }, rules, calendar })
  await writeSchedule({ plan, format: "json", dir: join(dir, "export"), dialogue: { id: calendar.dialogueId, title: calendar.title } })
})
console.log(`  ${"plan + export again, end to end".padEnd(46)} ${(tPlan + tAgain).toFixed(0).padStart(6)} ms`)
await rm(dir, { recursive: true, force: true })
