/**
 * What a site's calendar events say in the site's language: LOCATION, SUMMARY and DESCRIPTION
 * from the same catalogs (and the same messages) as its kit. Used by the kit's `calendar.ics`
 * and by `schedule export --format ics`, so both say the same thing.
 */
import type { Site } from "../domain/Registry.js"
import type { CalendarSite } from "../schedule/index.js"
import type { Messages } from "./Kit.js"

const timeFormats = new Map<string, Intl.DateTimeFormat>()
// Sites in the same locale and zone have the same descriptions: each is formatted once per
// messages (one per resolved locale, shared by the sites without catalogs of their own), not once
// per site and event, and again when the export hashes it
const described = new WeakMap<Messages, Map<string, string>>()
const memo = (messages: Messages, key: string, make: () => string): string => {
  let texts = described.get(messages)
  if (texts === undefined) described.set(messages, (texts = new Map()))
  let hit = texts.get(key)
  if (hit === undefined) {
    hit = make()
    if (texts.size > 100_000) texts.clear()
    texts.set(key, hit)
  }
  return hit
}
const regionNames = new Map<string, Intl.DisplayNames>()

/** `09:30` in the locale's clock (`9:30 AM`, `09:30`, `٩:٣٠ص`), as the kit writes it. */
const clockIn = (intl: string): ((local: string) => string) => {
  let format = timeFormats.get(intl)
  if (format === undefined) timeFormats.set(intl, (format = new Intl.DateTimeFormat(intl, { hour: "numeric", minute: "2-digit", timeZone: "UTC" })))
  const f = format
  return (local) => f.format(new Date(`${local.slice(0, 16)}:00Z`))
}

/**
 * A site's LOCATION, titles and descriptions from its kit's messages (`messages`, resolved for
 * the site's locale with the kit's fallbacks):
 *
 * - LOCATION: the site's name, city and country, the country named in the site's language;
 * - a block's SUMMARY `agenda_blocks.<id>.title` (else the agenda's title), its DESCRIPTION the
 *   session's instructions (`agenda_blocks.<id>.instructions`, `guide.kind.<kind>`), its local
 *   times (`time.range`, `time.local_zone`) and its UTC times (`time.utc_label`);
 * - a synchronized moment's SUMMARY `sync_moments.<id>` with `agenda.moment_marker`, its
 *   DESCRIPTION `moments.intro`, `moments.at` and, outside the site's window, `moments.optional`.
 *
 * @example
 * const { messages } = renderer.messagesFor(site.id, site.locale)
 * calendarSiteOf(site, messages).location // "Dakar assembly, Dakar, Sénégal"
 */
export const calendarSiteOf = (site: Pick<Site, "name" | "city" | "country">, messages: Messages): CalendarSite => {
  let names = regionNames.get(messages.intl)
  if (names === undefined) regionNames.set(messages.intl, (names = new Intl.DisplayNames([messages.intl], { type: "region", fallback: "code" })))
  const t = (key: string, values: Record<string, unknown> = {}): string => messages.format(key, values)
  const optional = (key: string, fallback: string): string => (messages.has(key) ? t(key) : fallback)
  const clock = clockIn(messages.intl)
  const marker = optional("agenda.moment_marker", "synchronized")
  return {
    location: [site.name, site.city, names.of(site.country) ?? site.country].filter((x) => x !== "").join(", "),
    blockTitle: (id, title) => optional(`agenda_blocks.${id}.title`, title),
    momentTitle: (id, title) => `${optional(`sync_moments.${id}`, title)} (${marker})`,
    blockDescription: (b, s) =>
      memo(messages, `b|${b.id}|${b.kind}|${s.timezone}|${b.start_local}|${b.end_local}|${b.start_utc}|${b.end_utc}|${b.utc_offset}`, () => {
        const instructions = messages.has(`agenda_blocks.${b.id}.instructions`) ? `${t(`agenda_blocks.${b.id}.instructions`)} ` : ""
        return [
          `${instructions}${t(`guide.kind.${b.kind}`)}`,
          `${t("time.range", { start: clock(b.start_local), end: clock(b.end_local) })} — ${t("time.local_zone", { zone: s.timezone, offset: b.utc_offset })}`,
          `${t("time.range", { start: b.start_utc.slice(11, 16), end: b.end_utc.slice(11, 16) })} ${t("time.utc_label")}`
        ].join("\n")
      }),
    momentDescription: (moment, m) =>
      memo(messages, `m|${m.id}|${m.start_local}|${m.end_local}|${moment.start_utc}|${m.joins}`, () =>
        [
          t("moments.intro"),
          `${t("moments.at", { time: t("time.range", { start: clock(m.start_local), end: clock(m.end_local) }), utc: moment.start_utc.slice(11, 16) })}${m.joins ? "" : ` ${t("moments.optional")}`}`
        ].join("\n"))
  }
}
