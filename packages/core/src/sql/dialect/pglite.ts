// The embedded default: PostgreSQL compiled to WebAssembly (PGlite), data kept in a folder of
// the workspace. Nothing to install or configure.
import { mkdir } from "node:fs/promises"
import { Kysely, PGliteDialect } from "kysely"
import type { Tables } from "../tables.js"

/** Opens (creating when needed) the PGlite database in `dataDir`. */
export const openPGlite = async (dataDir: string): Promise<Kysely<Tables>> => {
  await mkdir(dataDir, { recursive: true })
  const { PGlite } = await import("@electric-sql/pglite")
  const pglite = await PGlite.create(dataDir)
  return new Kysely<Tables>({ dialect: new PGliteDialect({ pglite }) })
}
