// PostgreSQL through node-postgres, for a shared server (DATABASE_URL or --database-url).
import { Kysely, PostgresDialect } from "kysely"
import type { Tables } from "../Tables.js"

/** Connects to PostgreSQL at `url` with a small pool. */
export const openPostgres = async (url: string): Promise<Kysely<Tables>> => {
  const { default: pg } = await import("pg")
  const pool = new pg.Pool({ connectionString: url, max: 4 })
  return new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) })
}
