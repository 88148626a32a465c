// @convene/core with Effect: the workflows composed in one Effect.gen, the store (database and
// repositories) provided once at the edge as a layer (configured from DATABASE_URL), the tagged errors caught by tag.
//
//   pnpm --filter convene-example-sdk-effect start
//
// The data lives in PostgreSQL when DATABASE_URL is set (use an empty database or a schema of its
// own: `…/db?options=-c search_path=NAME`), else in a throwaway in-memory PGlite.
import { ConveneStore, Database, decodeDialogueYaml, importRegistryFile, InputError, planSchedule, writeSchedule } from "@convene/core"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { readFile, rm } from "node:fs/promises"
import { join, relative } from "node:path"

const here = import.meta.dirname
const out = join(here, "out")

/** The store from configuration: PostgreSQL when DATABASE_URL is set, else an in-memory PGlite. */
const StoreLive = Layer.unwrap(
  Effect.gen(function*() {
    const url = yield* Config.option(Config.NonEmptyString("DATABASE_URL"))
    // this program owns its database: migrate it on open (PostgreSQL is otherwise left to `convene db migrate`)
    return ConveneStore.layer(Option.match(url, { onNone: () => ({ pgliteDir: "memory://" }), onSome: (url) => ({ url }) }), { migrate: true })
  })
)

/** Reads the dialogue (the shape of a workspace's convene.yaml); a bad file fails with InputError. */
const readDialogue = (file: string) =>
  Effect.tryPromise({
    try: async () => decodeDialogueYaml(await readFile(file, "utf8"), relative(here, file)),
    catch: (e) => (e instanceof InputError ? e : new InputError({ summary: `Cannot read ${file}: ${String(e)}`, problems: [] }))
  })

const program = Effect.gen(function*() {
  const dialogue = yield* readDialogue(join(here, "dialogue.yaml"))
  const { dialect } = yield* Database

  // fellows first: every site names its fellow by e-mail, and the import checks that reference
  const fellows = yield* importRegistryFile("fellows", join(here, "fellows.json"), { displayName: "fellows.json" })
  const sites = yield* importRegistryFile("sites", join(here, "sites.json"), { displayName: "sites.json" })
  yield* Console.log(`Registered ${fellows.rows} fellows and ${sites.rows} sites (${dialect}; ${sites.inserted} new, ${sites.updated} updated, ${sites.unchanged} unchanged).`)

  // a bad feed is refused whole, every bad row named: handled here by its tag
  yield* importRegistryFile("sites", join(here, "bad-sites.json"), { displayName: "bad-sites.json" }).pipe(
    Effect.flatMap(() => Effect.die("bad-sites.json was expected to be refused")),
    Effect.catchTag("InputError", (e) => Console.log(`Refused as expected: ${e.message}`))
  )

  const { plan } = yield* planSchedule(dialogue)
  yield* Console.log(`Planned ${plan.day} for ${plan.sites.length} sites: the day runs from ${plan.span.start_utc} to ${plan.span.end_utc} (${plan.span.hours} h).`)
  for (const m of plan.moments) yield* Console.log(`  ${m.title}: ${m.start_utc}, ${m.joining} of ${plan.sites.length} sites join`)

  const files = yield* Effect.tryPromise(async () => {
    await rm(out, { recursive: true, force: true })
    return writeSchedule({ plan, format: "ics", dir: out, dialogue })
  })
  for (const file of files) yield* Console.log(`  -> ${relative(here, file)}`)
  yield* Console.log(`Wrote ${plan.sites.length} site calendars and one for all sites to ${relative(here, out)}/ics/.`)
})

// the edge: the one place the layer is provided and the program run
Effect.runPromise(program.pipe(Effect.provide(StoreLive))).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e)
  process.exitCode = 1
})
