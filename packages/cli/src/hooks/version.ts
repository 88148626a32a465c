import type { Hook } from "@oclif/core"

/**
 * `convene --version` adds the time-zone data in use to oclif's line: the IANA release and
 * where it came from. Other commands pay nothing: the data is looked at only for --version.
 */
const hook: Hook.Init = async function(options) {
  const flags = new Set(["--version", ...(options.config.pjson.oclif.additionalVersionFlags ?? [])])
  if (!flags.has(process.argv[2] ?? "")) return
  const { tzInUse } = await import("@convene/core/tz")
  const tz = tzInUse()
  // oclif prints config.userAgent for --version, right after this hook
  ;(options.config as { userAgent: string }).userAgent = `${options.config.userAgent} tz-${tz.version} (${tz.source})`
}

export default hook
