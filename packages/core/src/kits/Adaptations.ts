/**
 * The adaptation register (issue 17, section 1): every template and message a site overrides,
 * whether it is locked or adaptable under the dialogue's policy (`adaptation:` in convene.yaml,
 * else the default), a short diff against the shared version, and the staff approval of that
 * exact version if any. A change to locked content without an approval fails `kit check
 * --strict` and `kit build`; `kit approve` records the approval.
 */
import * as Effect from "effect/Effect"
import { type Adaptation, classifier, shortDiff, unapproved, unmatchedPatterns } from "../domain/Adaptation.js"
import { resolveMessages } from "../domain/Catalog.js"
import { InputError, NotFound, type Problem } from "../domain/Errors.js"
import { yamlLocator } from "../domain/Yaml.js"
import { displayPath, fileWork, sha256 } from "../infra/Files.js"
import type { Workspace } from "../infra/Workspace.js"
import { listRegistry } from "../registries/index.js"
import { type KitApproval, KitRepo } from "./KitRepo.js"
import { catalogsFor, type KitSources, readKitSources, templatesFor } from "./KitSources.js"

const byItem = (a: Adaptation, b: Adaptation): number => (a.site < b.site ? -1 : a.site > b.site ? 1 : a.item < b.item ? -1 : a.item > b.item ? 1 : 0)

/**
 * The register of every site with its own templates or catalogs, computed from the sources and
 * the approvals (pure once they are read). Identical overrides (a copy of the shared file or
 * message) are not changes and are left out.
 */
export const registerOf = (ws: Workspace, sources: KitSources, approvals: ReadonlyArray<KitApproval>): Array<Adaptation> => {
  const classify = classifier(ws.dialogue.adaptation)
  const approvalOf = new Map(approvals.map((a) => [`${a.site_id}\u0000${a.item}\u0000${a.sha256}`, a]))
  const shared = templatesFor(sources, undefined)
  const base = catalogsFor(sources, undefined)
  const sharedMessages = new Map<string, ReturnType<typeof resolveMessages>["messages"]>()
  const source = ws.dialogue.source_locale
  const out: Array<Adaptation> = []
  for (const [site, layer] of sources.sites) {
    const approval = (item: string, hash: string): Adaptation["approval"] => {
      const a = approvalOf.get(`${site}\u0000${item}\u0000${hash}`)
      return a === undefined ? null : { note: a.note, approved_at: a.approved_at, by: a.approved_by }
    }
    for (const [rel, t] of layer.templates) {
      const before = shared.get(rel)
      if (before !== undefined && before.sha256 === t.sha256) continue
      out.push({
        site,
        kind: "template",
        item: rel,
        at: displayPath(t.file),
        status: classify.template(rel),
        change: before === undefined ? "added" : "changed",
        sha256: t.sha256,
        diff: before === undefined ? `new file of ${t.text.split("\n").length} lines` : shortDiff(before.text, t.text),
        approval: approval(rel, t.sha256)
      })
    }
    for (const c of layer.catalogs) {
      let messages = sharedMessages.get(c.locale)
      if (messages === undefined) {
        messages = resolveMessages(base, c.locale, source).messages
        sharedMessages.set(c.locale, messages)
      }
      for (const [key, entry] of c.entries) {
        const before = messages.get(key)
        if (before !== undefined && before.text === entry.text) continue
        const item = `${c.locale}:${key}`
        const hash = sha256(`${item}\u0000${entry.text}`)
        out.push({
          site,
          kind: "message",
          item,
          at: `${c.file}:${entry.line}`,
          status: classify.key(key),
          change: before === undefined ? "added" : "changed",
          sha256: hash,
          diff: before === undefined ? `new message “${entry.text.slice(0, 60)}”` : `“${before.text.slice(0, 60)}” → “${entry.text.slice(0, 60)}”`,
          approval: approval(item, hash)
        })
      }
    }
  }
  return out.sort(byItem)
}

/**
 * Patterns of the policy that match no template and no message key of the shared sources: a
 * typo, most likely, reported at `convene.yaml:LINE`.
 */
export const policyProblems = (ws: Workspace, sources: KitSources): Array<Problem> => {
  const templates = [...templatesFor(sources, undefined).keys()]
  const base = catalogsFor(sources, undefined)
  const keys = [...base.keysOf(ws.dialogue.source_locale)]
  const locate = yamlLocator(ws.text)
  return unmatchedPatterns(ws.dialogue.adaptation, templates, keys).map((u) => ({
    file: displayPath(ws.file),
    line: locate(["adaptation", u.side, u.kind, u.index]),
    field: `adaptation.${u.side}.${u.kind}.${u.index}`,
    message: `"${u.pattern}" matches no ${u.kind === "templates" ? "template (e.g. kit/documents/ballot.hbs, kit/partials/**)" : "message key of the source catalogs (e.g. agenda_blocks.*)"}`
  }))
}

/**
 * The adaptation register of a workspace: every site's changes with their status and approval.
 *
 * @example
 * const register = yield* adaptationRegister(ws)
 * register.filter(unapproved) // locked changes waiting for `convene kit approve`
 */
export const adaptationRegister = Effect.fn("Kits.adaptationRegister")(function*(ws: Workspace, given?: KitSources) {
  const sources = given ?? (yield* fileWork("read", ws.dir, () => readKitSources(ws.dir)))
  const approvals = yield* KitRepo.use((repo) => repo.approvals())
  return registerOf(ws, sources, approvals)
})

/**
 * Approves the current version of one site's change to a template or message (`item`: a template
 * path such as `kit/documents/tally-sheet.hbs`, or a message as `locale:key`, or a key alone when
 * the site overrides it in one locale). Records its SHA-256, so that a later edit needs a new
 * approval. Fails with NotFound when the site does not change that item.
 *
 * @example
 * yield* approveAdaptation(ws, { site: "sn-dakar", item: "fr:agenda_blocks.deliberation.title", note: "Wolof term agreed with the method team", by: "staff:ana" })
 */
export const approveAdaptation = Effect.fn("Kits.approveAdaptation")(function*(ws: Workspace, options: { readonly site: string; readonly item: string; readonly note: string; readonly by: string }) {
  const sites = yield* listRegistry("sites")
  if (!sites.some((s) => s.id === options.site)) return yield* new NotFound({ what: "site", id: options.site, hint: "`convene sites list` shows them all." })
  if (options.note.trim() === "") return yield* new InputError({ summary: "An approval needs a note (--note): why this deviation is acceptable.", problems: [] })
  const register = (yield* adaptationRegister(ws)).filter((a) => a.site === options.site)
  const matches = register.filter((a) => a.item === options.item || (a.kind === "message" && a.item.slice(a.item.indexOf(":") + 1) === options.item))
  if (matches.length === 0) {
    return yield* new InputError({
      summary: `Site ${options.site} does not change ${options.item}: nothing to approve. ${register.length === 0 ? "It changes nothing shared." : `It changes: ${register.map((a) => a.item).slice(0, 8).join(", ")}${register.length > 8 ? ", …" : ""} (\`convene kit check\` lists the register).`}`,
      problems: []
    })
  }
  if (matches.length > 1) return yield* new InputError({ summary: `${options.item} is changed in several locales at ${options.site}: say which, as ${matches.map((m) => m.item).join(" or ")}.`, problems: [] })
  const change = matches[0]!
  const repo = yield* KitRepo
  yield* repo.approve({ site_id: options.site, item: change.item, sha256: change.sha256, note: options.note.trim(), approved_by: options.by })
  const stored = (yield* repo.approvals(options.site)).find((a) => a.item === change.item && a.sha256 === change.sha256)!
  return { ...change, approval: { note: stored.note, approved_at: stored.approved_at, by: stored.approved_by } } satisfies Adaptation
})

export { unapproved }
