/**
 * The kits' repository: staff approvals of sites' changes to locked kit content (kit_approvals).
 */
import * as Context from "effect/Context"
import type { Kysely } from "kysely"
import { repositoryLayer, type Run } from "../infra/Database.js"
import type { Tables } from "../infra/Tables.js"

/** An approval of one version of one site's change. */
export interface KitApproval {
  readonly site_id: string
  readonly item: string
  readonly sha256: string
  readonly note: string
  readonly approved_by: string
  readonly approved_at: string
}

const make = (db: Kysely<Tables>, run: Run) => ({
  /** Every approval (of one site, with `siteId`), oldest first. */
  approvals: (siteId?: string) =>
    run("reading kit approvals", async (): Promise<Array<KitApproval>> => {
      let q = db.selectFrom("kit_approvals").selectAll()
      if (siteId !== undefined) q = q.where("site_id", "=", siteId)
      const rows = await q.orderBy("approved_at").orderBy("item").execute()
      return rows.map((r) => ({ ...r, approved_at: r.approved_at instanceof Date ? r.approved_at.toISOString() : String(r.approved_at) }))
    }),

  /** Records an approval; approving the same version again replaces its note. */
  approve: (approval: Omit<KitApproval, "approved_at">) =>
    run(`approving ${approval.item} at ${approval.site_id}`, () =>
      db.insertInto("kit_approvals").values(approval)
        .onConflict((oc) => oc.columns(["site_id", "item", "sha256"]).doUpdateSet({ note: approval.note, approved_by: approval.approved_by }))
        .execute()
        .then(() => undefined))
})

/**
 * The kits' repository as a service.
 *
 * @example
 * const approvals = yield* KitRepo.use((repo) => repo.approvals("sn-dakar"))
 */
export class KitRepo extends Context.Service<KitRepo, ReturnType<typeof make>>()("convene/KitRepo") {
  static readonly layer = repositoryLayer(KitRepo, make)
}
