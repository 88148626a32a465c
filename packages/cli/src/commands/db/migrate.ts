import { ConveneCommand, reportLockWait, workspaceFlags } from "../../base.js"
import { dryRunFlag } from "../../confirm.js"
import { counted } from "../../plural.js"

export default class DbMigrate extends ConveneCommand {
  static override summary = "Apply pending database migrations, and give the embedded database's dead space back to the disk."
  static override description = [
    "The embedded database migrates by itself when a command opens it. A PostgreSQL is migrated only by this command: on one, any other command stops with exit status 3 while migrations are pending, so run it once after setting DATABASE_URL and after each upgrade of convene, before the servers start.",
    "On the embedded database it then runs VACUUM, and VACUUM FULL on the tables whose indexes are mostly dead pages: the space of deleted rows and of imports that were killed half-way goes back to the disk, and it says how much. A command that finds the database left by a process that died runs a plain VACUUM on its own, so that the space is reused. On PostgreSQL, the server's autovacuum does this.",
    "--dry-run lists the pending migrations and applies none; it does not vacuum either."
  ].join("\n\n")
  static override examples = [
    "<%= config.bin %> db migrate",
    "<%= config.bin %> db migrate --database-url postgres://localhost/convene",
    "<%= config.bin %> db migrate --database-url postgres://localhost/convene --dry-run   # list the pending migrations"
  ]
  static override flags = { ...workspaceFlags, ...dryRunFlag }
  static override output = () => import("../../json/schedule.js").then((m) => m.migrated)

  async run() {
    const { flags } = await this.parse(DbMigrate)
    // the database alone, not migrated on open: these commands report and run the migrations
    const ws = await this.workspace(flags.dir)
    const { openDatabase, migrateToLatest, pendingMigrations, reclaimSpace, resolveDatabaseOptions } = await import("@convene/core/infra")
    const opened = await openDatabase(resolveDatabaseOptions(ws.dir, flags["database-url"], { onLockWait: reportLockWait }))
    try {
      if (flags["dry-run"]) {
        const pending = await pendingMigrations(opened.db)
        this.log(
          pending.length === 0
            ? `Dry run: up to date, nothing to apply (${opened.dialect}: ${opened.location}).`
            : `Dry run: would apply ${counted(pending.length, "migration")}: ${pending.join(", ")} (${opened.dialect}: ${opened.location}). Nothing was applied.`
        )
        return { dryRun: true as const, dialect: opened.dialect, location: opened.location, wouldApply: pending }
      }
      const ran = await migrateToLatest(opened.db)
      this.log(ran.length === 0 ? `Up to date (${opened.dialect}: ${opened.location}).` : `Applied ${ran.join(", ")} (${opened.dialect}: ${opened.location}).`)
      const reclaimed = await reclaimSpace(opened)
      if (reclaimed !== undefined) {
        const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1)
        this.log(
          reclaimed.rewritten.length === 0
            ? `Vacuumed the embedded database: ${mb(reclaimed.after)} MB, no dead space worth a rewrite.`
            : `Vacuumed the embedded database and rewrote ${reclaimed.rewritten.join(", ")}: ${mb(reclaimed.before)} MB → ${mb(reclaimed.after)} MB.`
        )
      }
      return { dialect: opened.dialect, location: opened.location, applied: ran, reclaimed: reclaimed ?? null }
    } finally {
      await opened.db.destroy()
    }
  }
}
