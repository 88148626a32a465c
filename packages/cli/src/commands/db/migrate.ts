import { ConveneCommand, reportLockWait, workspaceFlags } from "../../base.js"

export default class DbMigrate extends ConveneCommand {
  static override summary = "Apply pending database migrations."
  static override description = "Every command migrates automatically; this runs the migrations alone, e.g. before several servers start on one PostgreSQL."
  static override examples = ["<%= config.bin %> db migrate", "<%= config.bin %> db migrate --database-url postgres://localhost/convene"]
  static override flags = { ...workspaceFlags }

  async run() {
    const { flags } = await this.parse(DbMigrate)
    // the database alone, not migrated on open: these commands report and run the migrations
    const ws = await this.workspace(flags.dir)
    const { openDatabase, migrateToLatest, resolveDatabaseOptions } = await import("@convene/core/infra")
    const opened = await openDatabase(resolveDatabaseOptions(ws.dir, flags["database-url"], { onLockWait: reportLockWait }))
    try {
      const ran = await migrateToLatest(opened.db)
      this.log(ran.length === 0 ? `Up to date (${opened.dialect}: ${opened.location}).` : `Applied ${ran.join(", ")} (${opened.dialect}: ${opened.location}).`)
      return { dialect: opened.dialect, location: opened.location, applied: ran }
    } finally {
      await opened.db.destroy()
    }
  }
}
