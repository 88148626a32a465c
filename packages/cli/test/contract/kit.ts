// The contract cases of the kit and mail commands, over the outbox (no SMTP). Run after the
// schedule group: the plan is stored.
import { existsSync } from "node:fs"
import { isAbsolute } from "node:path"
import type { Case } from "./case.js"

const outbox = { SMTP_URL: undefined }

export const kitCases: ReadonlyArray<Case> = [
  { args: ["kit", "check"], check: (j) => { if (j.coverage.length === 0 || typeof j.source_locale !== "string") throw new Error("expected coverage and source_locale") } },
  { args: ["kit", "check", "--strict"], exit: [0, 1], check: (j) => { if (typeof j.complete !== "boolean") throw new Error("expected complete") } },
  { args: ["kit", "register", "--format", "csv,json"], check: (j) => { if (j.adaptations.length !== 3 || j.files.length !== 2) throw new Error(`expected 3 changes and 2 files, got ${j.adaptations.length}, ${j.files.length}`) } },
  { args: ["kit", "approve", "--site", "ke-nairobi", "en:agenda_blocks.digital-identity.instructions", "--note", "contract"], check: (j) => { if (j.approval === null || j.status !== "locked") throw new Error("expected a locked change, approved") } },
  { args: ["kit", "approve", "--site", "ke-nairobi", "kit/documents/agenda.hbs", "--note", "contract"], error: true, exit: 2 },
  {
    args: ["kit", "build", "--site", "sn-dakar"],
    check: (j) => {
      if (j.built !== 1 || j.files.length !== 1 || !isAbsolute(j.files[0]) || !existsSync(j.files[0])) throw new Error(`built ${j.built}, files ${j.files}`)
    }
  },
  { args: ["kit", "build", "--site", "sn-dakar"], check: (j) => { if (j.skipped !== 1 || j.files.length !== 0) throw new Error("expected the kit skipped, no file written") } },
  { args: ["kit", "build"], error: true, exit: 2 },
  { args: ["kit", "send", "--site", "sn-dakar", "--dry-run"], env: outbox, check: (j) => { if (j.dry_run !== true || j.would_send !== 1) throw new Error(`dry_run ${j.dry_run}, would_send ${j.would_send}`) } },
  { args: ["kit", "send", "--site", "sn-dakar"], env: outbox, check: (j) => { if (j.sent !== 1 || j.transport !== "outbox" || j.already_sent !== 0) throw new Error(`sent ${j.sent}`); if (j.files.length !== 1 || !existsSync(j.files[0])) throw new Error(`the outbox file: ${JSON.stringify(j.files)}`) } },
  { args: ["kit", "send", "--site", "sn-dakar"], env: outbox, check: (j) => { if (j.sent !== 0 || j.already_sent !== 1 || j.files.length !== 0) throw new Error(`sent ${j.sent}, already_sent ${j.already_sent}, files ${j.files.length}`) } },
  {
    args: ["mail", "status"],
    env: outbox,
    check: (j) => { if (j.transport !== "outbox" || !j.destination.endsWith("outbox") || j.sent < 1 || j.by_purpose.length === 0) throw new Error(`transport ${j.transport}, sent ${j.sent}`) }
  },
  { args: ["mail", "flush", "--dry-run"], env: outbox, check: (j) => { if (j.dry_run !== true) throw new Error("dry_run missing") } },
  { args: ["mail", "flush"], env: outbox, check: (j) => { if (j.total !== 0 || j.transport !== "outbox") throw new Error(`total ${j.total}`) } },
  { args: ["mail", "flush", "--mark-sent"], env: outbox, error: true, exit: 2 }
]
