// Participant codes are compared in one form, trimmed and upper-cased (normaliseParticipantCode
// in domain/Registry.ts), since paper and Kobo imports upper-case what they read: a code stored
// in lower case before could never be matched. This rewrites such codes, and refuses, naming
// them, when two participants' codes differ only in case (one of them must be changed by hand).
// Landed: never edit; add a new migration instead.
import { type Kysely, sql } from "kysely"

export const up = async (db: Kysely<any>): Promise<void> => {
  const clashes = await db
    .selectFrom("participants")
    .select([sql<string>`upper(trim(code))`.as("code"), sql<string>`string_agg(id || ' (' || code || ')', ', ' order by id)`.as("holders")])
    .where("code", "is not", null)
    .groupBy(sql`upper(trim(code))`)
    .having(sql`count(*)`, ">", 1)
    .orderBy(sql`upper(trim(code))`)
    .execute()
  if (clashes.length > 0) {
    const shown = clashes.slice(0, 20).map((c) => `${c.code}: ${c.holders}`).join("; ")
    throw new Error(
      `participant codes are now compared without case, and ${clashes.length === 1 ? "1 code is" : `${clashes.length} codes are`} then held by several participants (${shown}${clashes.length > 20 ? "; …" : ""}). ` +
        "Give all but one of each a code of its own (with the previous convene release, `participants import` or `add`; on PostgreSQL also in SQL: update participants set code = '…' where id = '…'), then run convene again: nothing was changed."
    )
  }
  await db
    .updateTable("participants")
    .set({ code: sql`upper(trim(code))` })
    .where("code", "is not", null)
    .where(sql<boolean>`code <> upper(trim(code))`)
    .execute()
}

// the original spelling of a code is not kept: going down leaves the codes upper-cased
export const down = async (_db: Kysely<any>): Promise<void> => {}
