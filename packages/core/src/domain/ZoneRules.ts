/**
 * Time-zone rules as data, without IO: one zone's offsets as a table of periods, read from the
 * two forms IANA tz data reaches convene in — the packed JSON that moment-timezone ships
 * (`data/packed/latest.json`) and the operating system's compiled TZif files (RFC 8536, as
 * under /usr/share/zoneinfo). Where the bytes come from, and which source is newer, is decided
 * in infra (infra/TzData.ts); Zone.ts does the arithmetic on these tables.
 */

/**
 * One zone's rules: `offsets[i]` (minutes east of UTC) is in force for instants before
 * `untils[i]` (ms since the epoch) and at or after `untils[i - 1]`. The last until is Infinity.
 * `dst[i]` is 1 when the period is daylight saving time (TZif says; for the packed data, a period
 * whose offset is above the previous different one), `abbrs[i]` its abbreviation.
 */
export interface ZoneTable {
  readonly untils: ReadonlyArray<number>
  readonly offsets: ReadonlyArray<number>
  readonly dst: ReadonlyArray<0 | 1>
  readonly abbrs: ReadonlyArray<string>
}

/** Which tz data a set of rules is, and where it was read. */
export interface TzInfo {
  /** The IANA release, e.g. `2026f`. */
  readonly version: string
  /** Where the rules were read, e.g. `moment-timezone 0.6.6` or `system /usr/share/zoneinfo`. */
  readonly source: string
}

/** A set of zone rules: every zone of one tz release, looked up by name (links included). */
export interface ZoneRules extends TzInfo {
  /** The zone's table, or undefined when this release has no such zone. */
  readonly zone: (name: string) => ZoneTable | undefined
}

/** Whether release `a` (e.g. `2026f`) is newer than `b`; releases sort as text (year, then letter). */
export const newerTz = (a: string, b: string): boolean => a > b

// --- moment-timezone's packed format ------------------------------------------------------

const digit = (c: number): number => (c > 96 ? c - 87 : c > 64 ? c - 29 : c - 48)

/** A base-60 number as moment-timezone packs them: `5t.s`, `-2ldXH.Q`. */
const base60 = (s: string): number => {
  let i = 0
  let sign = 1
  if (s.charCodeAt(0) === 45) {
    i = 1
    sign = -1
  }
  const [whole = "", fraction = ""] = s.split(".")
  let out = 0
  for (; i < whole.length; i++) out = out * 60 + digit(whole.charCodeAt(i))
  let unit = 1
  for (let j = 0; j < fraction.length; j++) {
    unit /= 60
    out += digit(fraction.charCodeAt(j)) * unit
  }
  return out * sign
}

/**
 * Unpacks one zone of moment-timezone's packed data: `Name|abbrs|offsets|indices|untils|population`,
 * offsets in minutes west of UTC and untils as deltas in minutes, both in base 60.
 *
 * @example
 * unpackZone("Etc/UTC|UTC|0|0||").table.offsets // [0]
 */
export const unpackZone = (packed: string): { readonly name: string; readonly table: ZoneTable } => {
  const [name = "", abbrList = "", offsetList = "", indexList = "", untilList = ""] = packed.split("|")
  const abbrs = abbrList.split(" ")
  const offsets = offsetList.split(" ").map(base60)
  const indices = indexList.split("").map(base60)
  const deltas = untilList === "" ? [] : untilList.split(" ").map(base60)
  const untils: Array<number> = []
  let at = 0
  for (let i = 0; i < indices.length; i++) {
    if (i === indices.length - 1) untils.push(Infinity)
    else {
      at = Math.round(at + deltas[i]! * 60_000)
      untils.push(at)
    }
  }
  const east = indices.map((k) => 0 - Math.round(offsets[k]!)) // (0 - x: never -0)
  return { name, table: { untils, offsets: east, dst: daylightOf(east), abbrs: indices.map((k) => abbrs[k] ?? "") } }
}

/** Daylight periods when the data does not say: those whose offset is above the previous different one. */
const daylightOf = (offsets: ReadonlyArray<number>): Array<0 | 1> => {
  const out: Array<0 | 1> = []
  let previous: number | undefined
  let flag: 0 | 1 = 0
  for (let i = 0; i < offsets.length; i++) {
    const o = offsets[i]!
    if (i > 0 && o !== offsets[i - 1]) previous = offsets[i - 1]
    flag = previous !== undefined && o > previous ? 1 : i > 0 && o === offsets[i - 1] ? flag : 0
    out.push(flag)
  }
  return out
}

/** The shape of moment-timezone's `data/packed/latest.json`. */
export interface PackedTzData {
  readonly version: string
  readonly zones: ReadonlyArray<string>
  readonly links: ReadonlyArray<string>
}

/**
 * Rules over moment-timezone's packed data: zones are unpacked on first use, links
 * (`Target|Alias`) resolve to their target's table.
 */
export const packedRules = (data: PackedTzData, source: string): ZoneRules => {
  const packed = new Map<string, string>()
  for (const z of data.zones) packed.set(z.slice(0, z.indexOf("|")), z)
  const links = new Map<string, string>()
  for (const l of data.links) {
    const [target = "", alias = ""] = l.split("|")
    links.set(alias, target)
  }
  const tables = new Map<string, ZoneTable | undefined>()
  const zone = (name: string): ZoneTable | undefined => {
    if (tables.has(name)) return tables.get(name)
    const text = packed.get(links.get(name) ?? name)
    const table = text === undefined ? undefined : unpackZone(text).table
    tables.set(name, table)
    return table
  }
  return { version: data.version, source, zone }
}

/** Every zone and link name in packed data, sorted. */
export const packedZoneNames = (data: PackedTzData): Array<string> =>
  [...data.zones.map((z) => z.slice(0, z.indexOf("|"))), ...data.links.map((l) => l.slice(l.indexOf("|") + 1))].sort()

// --- TZif (RFC 8536) ------------------------------------------------------------------------

/** A TZif file that cannot be read. */
export class TzifError extends Error {}

/**
 * Reads a TZif file (versions 1 to 4, RFC 8536) into a table. Transitions past the file's
 * last one come from its footer (a POSIX TZ string), generated up to the end of `horizonYear`;
 * after that the last period goes on. Leap seconds are ignored, as the `right/` files are not read.
 */
export const parseTzif = (bytes: Uint8Array, horizonYear = 2100): ZoneTable => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const magic = String.fromCharCode(...bytes.subarray(0, 4))
  if (magic !== "TZif") throw new TzifError("not a TZif file (no TZif magic)")
  const version = bytes[4]!
  const header = (at: number) => {
    if (at + 44 > bytes.length) throw new TzifError("truncated header")
    const n = (k: number) => view.getUint32(at + 20 + k * 4)
    return { isut: n(0), isstd: n(1), leap: n(2), time: n(3), type: n(4), char: n(5) }
  }
  let h = header(0)
  let at = 44
  let wide = false
  if (version >= 0x32) {
    // skip the version 1 data block: the 64-bit block after it covers every time
    at += h.time * 4 + h.time + h.type * 6 + h.char + h.leap * 8 + h.isstd + h.isut
    h = header(at)
    at += 44
    wide = true
  }
  const size = wide ? 8 : 4
  const end = at + h.time * size + h.time + h.type * 6 + h.char + h.leap * (size + 4) + h.isstd + h.isut
  if (end > bytes.length || h.type === 0) throw new TzifError("truncated data block")
  const times: Array<number> = []
  for (let i = 0; i < h.time; i++) times.push(wide ? Number(view.getBigInt64(at + i * 8)) * 1000 : view.getInt32(at + i * 4) * 1000)
  at += h.time * size
  const idx = Array.from(bytes.subarray(at, at + h.time))
  at += h.time
  const types: Array<{ offset: number; dst: 0 | 1; abbr: number }> = []
  for (let i = 0; i < h.type; i++) {
    types.push({ offset: Math.round(view.getInt32(at + i * 6) / 60), dst: bytes[at + i * 6 + 4] === 1 ? 1 : 0, abbr: bytes[at + i * 6 + 5]! })
  }
  at += h.type * 6
  const chars = bytes.subarray(at, at + h.char)
  const abbrOf = (k: number): string => {
    let e = k
    while (e < chars.length && chars[e] !== 0) e++
    return String.fromCharCode(...chars.subarray(k, e))
  }
  const footer = wide ? new TextDecoder().decode(bytes.subarray(end)).split("\n")[1] ?? "" : ""

  const untils: Array<number> = []
  const offsets: Array<number> = []
  const dst: Array<0 | 1> = []
  const abbrs: Array<string> = []
  const push = (until: number, offset: number, isDst: 0 | 1, abbr: string) => {
    const last = offsets.length - 1
    // a transition that changes nothing merges into the period before it
    if (last >= 0 && offsets[last] === offset && dst[last] === isDst && abbrs[last] === abbr) untils[last] = until
    else {
      untils.push(until)
      offsets.push(offset)
      dst.push(isDst)
      abbrs.push(abbr)
    }
  }
  let current = types[0]!
  for (let i = 0; i < times.length; i++) {
    push(times[i]!, current.offset, current.dst, abbrOf(current.abbr))
    current = types[idx[i]!] ?? current
  }
  const rule = footer === "" ? undefined : parsePosixTz(footer)
  if (rule === undefined || rule.dst === undefined) {
    const last = rule === undefined ? { offset: current.offset, dst: current.dst, abbr: abbrOf(current.abbr) } : { offset: rule.std.offset, dst: 0 as const, abbr: rule.std.name }
    push(Infinity, last.offset, last.dst, last.abbr)
    return { untils, offsets, dst, abbrs }
  }
  const lastTime = times.length === 0 ? -Infinity : times[times.length - 1]!
  const firstYear = times.length === 0 ? 1970 : new Date(lastTime).getUTCFullYear()
  let state = { offset: current.offset, dst: current.dst, abbr: abbrOf(current.abbr) }
  for (const t of posixTransitions(rule, firstYear, horizonYear)) {
    if (t.at <= lastTime) continue
    push(t.at, state.offset, state.dst, state.abbr)
    state = t.to
  }
  push(Infinity, state.offset, state.dst, state.abbr)
  return { untils, offsets, dst, abbrs }
}

interface PosixDate {
  readonly kind: "J" | "n" | "M"
  readonly a: number
  readonly b: number
  readonly c: number
  /** Seconds after local midnight (may be negative or past 24 h, RFC 8536 §3.3.1). */
  readonly time: number
}
interface PosixTz {
  readonly std: { readonly name: string; readonly offset: number }
  readonly dst?: { readonly name: string; readonly offset: number; readonly start: PosixDate; readonly end: PosixDate }
}

/** Parses a POSIX TZ string such as `CET-1CEST,M3.5.0,M10.5.0/3` or `<-03>3` (offsets in minutes east). */
export const parsePosixTz = (tz: string): PosixTz => {
  let i = 0
  const fail = (what: string): never => {
    throw new TzifError(`unreadable TZ string "${tz}": ${what}`)
  }
  const name = (): string => {
    if (tz[i] === "<") {
      const close = tz.indexOf(">", i)
      if (close < 0) fail("unclosed <")
      const n = tz.slice(i + 1, close)
      i = close + 1
      return n
    }
    const m = /^[A-Za-z]{3,}/.exec(tz.slice(i))
    if (m === null) return fail("expected a zone abbreviation")
    i += m[0].length
    return m[0]
  }
  const seconds = (): number => {
    const m = /^([+-]?)(\d{1,3})(?::(\d{1,2}))?(?::(\d{1,2}))?/.exec(tz.slice(i))
    if (m === null) return fail("expected a time")
    i += m[0].length
    const s = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0)
    return m[1] === "-" ? -s : s
  }
  const date = (): PosixDate => {
    let d: Omit<PosixDate, "time">
    let m: RegExpExecArray | null
    if ((m = /^M(\d{1,2})\.(\d)\.(\d)/.exec(tz.slice(i))) !== null) d = { kind: "M", a: Number(m[1]), b: Number(m[2]), c: Number(m[3]) }
    else if ((m = /^J(\d{1,3})/.exec(tz.slice(i))) !== null) d = { kind: "J", a: Number(m[1]), b: 0, c: 0 }
    else if ((m = /^(\d{1,3})/.exec(tz.slice(i))) !== null) d = { kind: "n", a: Number(m[1]), b: 0, c: 0 }
    else return fail("expected a rule date")
    i += m[0].length
    let time = 7200
    if (tz[i] === "/") {
      i++
      time = seconds()
    }
    return { ...d, time }
  }
  const stdName = name()
  // POSIX offsets are west of UTC: negate
  const stdOffset = 0 - Math.round(seconds() / 60)
  if (i >= tz.length) return { std: { name: stdName, offset: stdOffset } }
  const dstName = name()
  let dstOffset = stdOffset + 60
  if (i < tz.length && tz[i] !== ",") dstOffset = 0 - Math.round(seconds() / 60)
  let start: PosixDate = { kind: "M", a: 3, b: 2, c: 0, time: 7200 }
  let end: PosixDate = { kind: "M", a: 11, b: 1, c: 0, time: 7200 }
  if (tz[i] === ",") {
    i++
    start = date()
    if (tz[i] !== ",") fail("expected the end of daylight time")
    i++
    end = date()
  }
  if (i !== tz.length) fail("unexpected text at the end")
  return { std: { name: stdName, offset: stdOffset }, dst: { name: dstName, offset: dstOffset, start, end } }
}

const leap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0

/** UTC ms of local midnight starting the rule's day in year `y`. */
const dayOf = (d: PosixDate, y: number): number => {
  const jan1 = Date.UTC(y, 0, 1)
  if (d.kind === "J") return jan1 + (d.a - 1 + (leap(y) && d.a >= 60 ? 1 : 0)) * 86_400_000
  if (d.kind === "n") return jan1 + d.a * 86_400_000
  const first = Date.UTC(y, d.a - 1, 1)
  const length = new Date(Date.UTC(y, d.a, 0)).getUTCDate()
  let day = 1 + ((d.c - new Date(first).getUTCDay() + 7) % 7) + (d.b - 1) * 7
  while (day > length) day -= 7
  return first + (day - 1) * 86_400_000
}

/** The transitions a POSIX rule makes from `fromYear` to `toYear`, in order. */
const posixTransitions = (rule: PosixTz, fromYear: number, toYear: number) => {
  const dstRule = rule.dst!
  const std = { offset: rule.std.offset, dst: 0 as const, abbr: rule.std.name }
  const daylight = { offset: dstRule.offset, dst: 1 as const, abbr: dstRule.name }
  const out: Array<{ at: number; to: typeof std | typeof daylight }> = []
  for (let y = fromYear; y <= toYear; y++) {
    // the start is given in standard time, the end in daylight time
    out.push({ at: dayOf(dstRule.start, y) + dstRule.start.time * 1000 - rule.std.offset * 60_000, to: daylight })
    out.push({ at: dayOf(dstRule.end, y) + dstRule.end.time * 1000 - dstRule.offset * 60_000, to: std })
  }
  return out.sort((a, b) => a.at - b.at)
}
