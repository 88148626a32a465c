// @convene/core from plain async code (no Effect): register sites and their fellows from a JSON
// feed, plan the deliberation day, and write each site's calendar into out/.
//
//   pnpm --filter convene-example-sdk-node start
//
// The data lives in PostgreSQL when DATABASE_URL is set (use an empty database or a schema of its
// own: `…/db?options=-c search_path=NAME`), else in a throwaway in-memory PGlite.
import { createConvene, InputError } from "@convene/core"
import { mkdir, readFile, rm, writeFile } from "node:fs/promises"
import { join, relative } from "node:path"

/** One entry of the partner's feed: a site with the fellow who runs it. */
interface FeedEntry {
  readonly id: string
  readonly name: string
  readonly city: string
  readonly country: string
  readonly timezone: string
  readonly locale: string
  readonly capacity: number
  readonly format: string
  readonly start_local?: string
  readonly fellow: { readonly id: string; readonly name: string; readonly email: string; readonly country: string; readonly languages: string; readonly organisation?: string }
}

const here = import.meta.dirname
const out = join(here, "out")
const feed = JSON.parse(await readFile(join(here, "feed.json"), "utf8")) as ReadonlyArray<FeedEntry>

const convene = await createConvene({
  dialogue: join(here, "dialogue.yaml"),
  databaseUrl: process.env["DATABASE_URL"],
  pgliteDir: "memory://",
  // this program owns its database: migrate it on open (PostgreSQL is otherwise left to `convene db migrate`)
  migrate: true
})
try {
  // fellows first: every site names its fellow by e-mail, and the import checks that reference
  const fellows = [...new Map(feed.map((e) => [e.fellow.id, e.fellow])).values()]
  const sites = feed.map(({ fellow, ...site }) => ({ ...site, fellow_email: fellow.email }))
  const f = await convene.fellows.importRecords(fellows, { source: "feed.json (fellows)" })
  const s = await convene.sites.importRecords(sites, { source: "feed.json (sites)" })
  const zones = new Set(sites.map((site) => site.timezone))
  console.log(`Registered ${f.rows} fellows and ${s.rows} sites in ${zones.size} time zones (${convene.database.dialect}; ${s.inserted} new, ${s.updated} updated, ${s.unchanged} unchanged).`)

  // a bad record is refused with an InputError that names the field
  try {
    await convene.sites.add({ ...sites[0], id: "sn-saint-louis", timezone: "Africa/Saint-Louis" })
  } catch (e) {
    if (!(e instanceof InputError)) throw e
    console.log(`Refused as expected: ${e.problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`)
  }

  const { plan } = await convene.schedule.plan()
  console.log(`Planned ${plan.day} for ${plan.sites.length} sites: the day runs from ${plan.span.start_utc} to ${plan.span.end_utc} (${plan.span.hours} h).`)
  for (const m of plan.moments) console.log(`  ${m.title}: ${m.start_utc}, ${m.joining} of ${plan.sites.length} sites join`)

  await rm(out, { recursive: true, force: true })
  await mkdir(out, { recursive: true })
  for (const site of plan.sites) {
    const file = join(out, `${site.id}.ics`)
    await writeFile(file, await convene.schedule.siteCalendar(site.id))
    const first = site.blocks[0]!
    const last = site.blocks.at(-1)!
    console.log(`  ${site.id.padEnd(13)} ${site.timezone.padEnd(20)} ${first.start_local.slice(11)}–${last.end_local.slice(11)} local  -> ${relative(here, file)}`)
  }
  console.log(`Wrote ${plan.sites.length} calendars to ${relative(here, out)}/.`)
} finally {
  await convene.close()
}
