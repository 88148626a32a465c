/**
 * Where convene's time-zone rules come from: the newest of the IANA tz data shipped in the
 * `moment-timezone` npm package (`data/packed/latest.json`, which that package updates for each
 * IANA release) and the operating system's zoneinfo (TZif files under $TZDIR or
 * /usr/share/zoneinfo, whose release is the first line of `tzdata.zi`, or `+VERSION` on macOS).
 * Node's bundled ICU data is never used for arithmetic: it is only as new as the Node release.
 *
 * Nothing is read until a command needs zones; then the package's JSON (about 0.7 MB) is parsed
 * once, and each zone is unpacked, or its TZif file read, on first use.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync } from "node:fs"
import { dirname, isAbsolute, join, normalize, sep } from "node:path"
import { coreDir, coreRequire } from "./CoreDir.js"
import { formatOffset, offsetMinutes } from "../domain/Zone.js"
import { newerTz, type PackedTzData, packedRules, parseTzif, type TzInfo, type ZoneRules, type ZoneTable } from "../domain/ZoneRules.js"

/** What is known of a tz data source without loading its rules. */
export interface TzSource extends TzInfo {
  readonly kind: "package" | "system"
}

/**
 * The folder of the moment-timezone package whose data is used. The packed @convene/core carries
 * a copy of that package's data file and version in `dist/infra/vendor/moment-timezone/`
 * (scripts/bundle-vendor.mjs), so that an install does not bring the package with moment, 7 MB of
 * date library that convene never runs; in a checkout, the package itself (a devDependency).
 */
const packageDir = (): string => {
  const vendored = join(coreDir(), "dist", "infra", "vendor", "moment-timezone")
  return existsSync(join(vendored, "package.json")) ? vendored : dirname(coreRequire().resolve("moment-timezone/package.json"))
}

/** The package's release and its own version, e.g. `{ version: "2026f", source: "moment-timezone 0.6.6" }`. */
const packageSource = (): TzSource & { readonly file: string } => {
  const dir = packageDir()
  const file = join(dir, "data", "packed", "latest.json")
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }
  // the release is the first key of the file: read its head, not the whole file
  const fd = openSync(file, "r")
  const buffer = Buffer.alloc(200)
  let head: string
  try {
    head = buffer.toString("utf8", 0, readSync(fd, buffer, 0, 200, 0))
  } finally {
    closeSync(fd)
  }
  const version = /"version"\s*:\s*"([0-9]{4}[a-z]+)"/.exec(head)?.[1] ?? "unknown"
  return { kind: "package", version, source: `moment-timezone ${pkg.version}`, file }
}

/** The system's zoneinfo folder and its release, or undefined when there is none or its release cannot be told. */
export const systemTzSource = (env: NodeJS.ProcessEnv = process.env): (TzSource & { readonly dir: string }) | undefined => {
  const dir = env.TZDIR !== undefined && env.TZDIR !== "" ? env.TZDIR : "/usr/share/zoneinfo"
  const version = systemVersion(dir)
  return version === undefined ? undefined : { kind: "system", version, source: `system ${dir}`, dir }
}

const systemVersion = (dir: string): string | undefined => {
  for (const [file, pattern] of [["tzdata.zi", /^# version ([0-9]{4}[a-z]+)/], ["+VERSION", /^([0-9]{4}[a-z]+)/]] as const) {
    try {
      const head = readFileSync(join(dir, file), "utf8").slice(0, 100)
      const m = pattern.exec(head)
      if (m !== null) return m[1]
    } catch {
      // not there: try the next
    }
  }
  return undefined
}

/** Both sources as found, and the one in use (the newer; the package on a tie, as it needs no file per zone). */
export const tzSources = (env: NodeJS.ProcessEnv = process.env): { readonly package: TzSource; readonly system: TzSource | undefined; readonly chosen: TzSource } => {
  const plain = (s: TzSource): TzSource => ({ kind: s.kind, version: s.version, source: s.source })
  const pkg = plain(packageSource())
  const found = systemTzSource(env)
  const system = found === undefined ? undefined : plain(found)
  return { package: pkg, system, chosen: system !== undefined && newerTz(system.version, pkg.version) ? system : pkg }
}

/**
 * Rules over a zoneinfo folder: each zone's TZif file read on first use. A name the folder
 * lacks (Debian, for one, moved the old names such as Asia/Calcutta to a separate package) is
 * looked up under the zone it links to, as `aliases` (the package's link table) tells.
 */
export const systemRules = (dir: string, version: string, aliases: () => ReadonlyMap<string, string> = packageLinks): ZoneRules => {
  const root = normalize(dir)
  const tables = new Map<string, ZoneTable | undefined>()
  const zone = (name: string): ZoneTable | undefined => {
    if (tables.has(name)) return tables.get(name)
    let table = read(name)
    const target = table === undefined ? aliases().get(name) : undefined
    if (target !== undefined) table = read(target)
    tables.set(name, table)
    return table
  }
  const read = (name: string): ZoneTable | undefined => {
    let table: ZoneTable | undefined
    // a zone name is a relative path of letters, digits and + - _ : never leave the folder
    if (/^[A-Za-z0-9+_-]+(\/[A-Za-z0-9+_-]+)*$/.test(name) && !isAbsolute(name)) {
      const file = join(root, name)
      if (file.startsWith(root + sep) && existsSync(file)) {
        try {
          table = parseTzif(readFileSync(file))
        } catch {
          // not a TZif file (zone.tab, tzdata.zi…): no such zone
          table = undefined
        }
      }
    }
    return table
  }
  return { version, source: `system ${dir}`, zone }
}

let links: ReadonlyMap<string, string> | undefined
/** The package's links, alias to zone. */
const packageLinks = (): ReadonlyMap<string, string> => {
  if (links === undefined) {
    const data = JSON.parse(readFileSync(packageSource().file, "utf8")) as PackedTzData
    links = new Map(data.links.map((l) => [l.slice(l.indexOf("|") + 1), l.slice(0, l.indexOf("|"))]))
  }
  return links
}

/** Rules over the package's packed data. */
export const packageRules = (): ZoneRules => {
  const pkg = packageSource()
  const data = JSON.parse(readFileSync(pkg.file, "utf8")) as PackedTzData
  return packedRules(data, pkg.source)
}

/**
 * Loads the newest rules available under `env` (its TZDIR): the system's when their release is
 * newer than the package's, else the package's. {@link zoneRules} keeps the process's.
 */
export const loadZoneRules = (env: NodeJS.ProcessEnv = process.env): ZoneRules => {
  const { chosen } = tzSources(env)
  const system = chosen.kind === "system" ? systemTzSource(env) : undefined
  if (system === undefined) return packageRules()
  // a zone the system's folder lacks altogether (a trimmed image) is taken from the package
  // rather than refused: the release reported stays the system's
  const rules = systemRules(system.dir, system.version)
  let fallback: ZoneRules | undefined
  return { ...rules, zone: (name) => rules.zone(name) ?? (fallback ??= packageRules()).zone(name) }
}

let loaded: ZoneRules | undefined

/**
 * The zone rules every computation uses: the newest tz data available (see the module's
 * comment), loaded once per process on first call.
 *
 * @example
 * const rules = zoneRules()
 * rules.version // "2026f"
 * offsetMinutes(rules, "America/Havana", Date.parse("2027-02-07T16:30Z")) // -240
 */
export const zoneRules = (): ZoneRules => (loaded ??= loadZoneRules())

/** The tz release in use and where it came from, without loading any zone. */
export const tzInUse = (): TzInfo => {
  if (loaded !== undefined) return { version: loaded.version, source: loaded.source }
  const { chosen } = tzSources()
  return { version: chosen.version, source: chosen.source }
}

const icuOffsets = new Map<string, Intl.DateTimeFormat>()

/**
 * The `timeZone` to give Intl to show the instant `at` in `zone`: the zone itself, unless Node's
 * ICU rules give another offset there than convene's tz data (a change ICU does not know yet, as
 * Havana's winter of 2026–27 on ICU 2026c); then the offset itself (`-04:00`, which Intl shows
 * as GMT-4), so that texts show the time convene planned with.
 *
 * @example
 * new Intl.DateTimeFormat("en", { timeStyle: "short", timeZone: intlZone("America/Havana", at) }).format(at)
 */
export const intlZone = (zone: string, at: number): string => {
  let ours: string
  try {
    ours = formatOffset(offsetMinutes(zoneRules(), zone, at))
  } catch {
    return zone
  }
  let f = icuOffsets.get(zone)
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat("en", { timeZone: zone, timeZoneName: "longOffset" })
    } catch {
      return ours
    }
    icuOffsets.set(zone, f)
  }
  const icu = f.formatToParts(at).find((p) => p.type === "timeZoneName")?.value
  return icu === `GMT${ours}` || (icu === "GMT" && ours === "+00:00") ? zone : ours
}
