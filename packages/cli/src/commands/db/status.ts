import { ConveneCommand, workspaceFlags } from "../../base.js"

export default class DbStatus extends ConveneCommand {
  static override summary = "List the database migrations and whether each has run, and the time-zone data in use."
  static override examples = ["<%= config.bin %> db status", "<%= config.bin %> db status --json"]
  static override flags = { ...workspaceFlags }
  static override output = () => import("../../json/schedule.js").then((m) => m.dbStatus)

  async run() {
    const { flags } = await this.parse(DbStatus)
    // the database alone, not migrated on open: these commands report and run the migrations
    const ws = await this.workspace(flags.dir)
    const { openDatabase, migrationStatus, resolveDatabaseOptions } = await import("@convene/core/infra")
    const opened = await openDatabase(resolveDatabaseOptions(ws.dir, flags["database-url"]))
    try {
      const migrations = await migrationStatus(opened.db)
      this.log(`${opened.dialect}: ${opened.location}`)
      this.table(migrations.map((m) => ({ ...m, executed_at: m.executed_at ?? "pending" })), ["name", "executed_at"])
      const pending = migrations.filter((m) => m.executed_at === null).length
      this.log(pending === 0 ? "All migrations applied." : `${pending} pending: run \`convene db migrate\`.`)
      const { tzSources } = await import("@convene/core/tz")
      const tz = tzSources()
      this.log(`Time-zone data: tz ${tz.chosen.version} from ${tz.chosen.source} (package: ${tz.package.version}${tz.system === undefined ? "; no system zoneinfo with a known release" : `; ${tz.system.source}: ${tz.system.version}`}).`)
      return { dialect: opened.dialect, location: opened.location, migrations, tz: { ...tz, system: tz.system ?? null } }
    } finally {
      await opened.db.destroy()
    }
  }
}
