/**
 * The results links: one unguessable link per site, through which its fellow enters the site's
 * results on the web form. Derived from the results key (never stored), only its hash is kept,
 * the way survey links are; the form server finds a site by that hash.
 */
import * as Effect from "effect/Effect"
import { createHmac, randomBytes } from "node:crypto"
import type { Ballots } from "../domain/Ballot.js"
import type { StoreError } from "../domain/Errors.js"
import { emptyResults, type ResultStatus, type SiteResults } from "../domain/Results.js"
import { sha256 } from "../infra/Files.js"
import { ResultsRepo } from "./ResultsRepo.js"

/** The key every results link is derived from, created on first use (256 random bits). */
export const resultsLinkKey = Effect.fn("ResultsLinks.key")(function*() {
  const repo = yield* ResultsRepo
  const existing = yield* repo.readKey()
  if (existing !== undefined) return existing
  return yield* repo.createKey(randomBytes(32).toString("base64url"))
})

/**
 * A site's results token: 192 bits of HMAC-SHA256 under the results key, in base64url (32
 * characters). Derived rather than stored, so that an invitation run stopped half-way mails the
 * same link when it runs again; a survey token of the same site is a different one.
 *
 * @example
 * const link = `https://survey.example.org/results/${resultsToken(key, "sn-dakar")}`
 */
export const resultsToken = (key: string, siteId: string): string =>
  createHmac("sha256", Buffer.from(key, "base64url")).update(`results\u0000${siteId}`).digest().subarray(0, 24).toString("base64url")

/** What is stored of a results token. */
export const resultsTokenHash = (token: string): string => sha256(token)

/** A site's results link, as `results invite` derives it. */
export interface ResultsLink {
  readonly site_id: string
  readonly token: string
}

/**
 * The links of some sites: derived, and their hashes stored so that the form server opens them.
 * Running it again stores the same hashes.
 *
 * @example
 * const [link] = yield* resultsLinks(["sn-dakar"])
 */
export const resultsLinks = Effect.fn("ResultsLinks.links")(function*(siteIds: ReadonlyArray<string>) {
  const key = yield* resultsLinkKey()
  const links: Array<ResultsLink> = siteIds.map((site_id) => ({ site_id, token: resultsToken(key, site_id) }))
  yield* ResultsRepo.use((repo) => repo.storeLinks(links.map((l) => ({ site_id: l.site_id, token_hash: resultsTokenHash(l.token) }))))
  return links
})

/** The site a results link opens, with where its results stand (`status` null before anything is entered). */
export interface OpenedResultsLink {
  readonly site_id: string
  readonly status: ResultStatus | null
  readonly updated_at: Date | null
  readonly submitted_at: Date | null
  readonly validated_at: Date | null
}

/** The site of a link's token hash ({@link resultsTokenHash}), if any: one indexed lookup, made by every form request. */
export const openResultsLink = (hash: string): Effect.Effect<OpenedResultsLink | undefined, StoreError, ResultsRepo> => ResultsRepo.use((repo) => repo.openLink(hash))

/** One site's stored results (empty before anything is entered), to fill the web form. */
export const siteResults = (ballots: Ballots, siteId: string): Effect.Effect<SiteResults, StoreError, ResultsRepo> =>
  ResultsRepo.use((repo) => repo.readSites([siteId])).pipe(Effect.map((m) => m.get(siteId) ?? emptyResults(siteId)))
