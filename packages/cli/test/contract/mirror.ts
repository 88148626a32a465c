// The contract cases of the mirror commands. Two mirrors are first registered through the real
// form of `convene serve` (GET /mirror for the CSRF field and cookie, POST, the confirmation link
// read from the outbox and followed for the first one); then they are listed, one approved, the
// other rejected.
import { spawn } from "node:child_process"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { bin, convene } from "../run.js"
import type { Case, Ran } from "./case.js"

const outbox = { SMTP_URL: undefined }

/** The confirmation links in the outbox (quoted-printable undone enough to read them). */
const confirmLinks = (dir: string): Array<string> => {
  const box = join(dir, "out", "outbox")
  if (!existsSync(box)) return []
  return readdirSync(box).flatMap((f) => {
    const text = readFileSync(join(box, f), "utf8").replace(/=\r?\n/g, "").replace(/=3D/g, "=")
    return [...text.matchAll(/http:\/\/[^\s"<>]+\/mirror\/confirm\?token=[A-Za-z0-9_-]+/g)].map((m) => m[0])
  })
}

/** Registers two mirrors through the served form, confirms the first, stops the server, then runs `mirror list`. */
const registerThroughForm = (dir: string, args: ReadonlyArray<string>, env: Record<string, string>): Promise<Ran> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, "serve", "--port", "0", "--json", "--quiet", "--as-of", "2027-05-20T10:00:00Z"], { cwd: dir, env: { ...process.env, DATABASE_URL: "", NO_COLOR: "1", ...env, SMTP_URL: "" } })
    let stdout = ""
    let started = false
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString()
      if (started || !stdout.includes("\n")) return
      started = true
      const url = (JSON.parse(stdout.slice(0, stdout.indexOf("\n"))) as { url: string }).url
      void (async () => {
        for (const email of ["ama@example.org", "kojo@example.org"]) {
          const page = await fetch(`${url}/mirror?lang=fr`)
          const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!
          const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0]!
          const body = new URLSearchParams({ _csrf: csrf, website: "", name: "Ama Mensah", email, place: "Kumasi", country: "GH", timezone: "Africa/Accra", locale: "fr", date: "2027-06-05", participants: "40", consent: "yes" })
          const res = await fetch(`${url}/mirror?lang=fr`, { method: "POST", body, redirect: "manual", headers: { origin: url, cookie } })
          if (res.status !== 303) throw new Error(`POST /mirror answered ${res.status}`)
        }
        const [first] = confirmLinks(dir).filter((l) => l.startsWith(url))
        // the link's page confirms nothing; its button POSTs the token
        const page = await fetch(first!)
        const token = /name="token" value="([^"]+)"/.exec(await page.text())?.[1] ?? ""
        const confirmed = await fetch(`${url}/mirror/confirm`, { method: "POST", body: new URLSearchParams({ token }), redirect: "manual", headers: { origin: url } })
        if (confirmed.status !== 200) throw new Error(`the confirmation answered ${confirmed.status}`)
      })().then(() => child.kill("SIGINT"), (e: Error) => {
        child.kill("SIGINT")
        reject(e)
      })
    })
    child.on("close", () => void convene(dir, args, env).then(resolve, reject))
  })

export const mirrorCases: ReadonlyArray<Case> = [
  {
    args: ["mirror", "list"],
    env: outbox,
    run: registerThroughForm,
    check: (j) => {
      if (j.mirrors.length !== 2 || j.mirrors.filter((m: { status: string }) => m.status === "pending").length !== 1) throw new Error(`expected 2 registrations, 1 pending: ${JSON.stringify(j.mirrors)}`)
    }
  },
  { args: ["mirror", "list", "--status", "pending"], check: (j) => { if (j.mirrors.length !== 1 || j.mirrors[0].consented_at === undefined) throw new Error("expected the pending one") } },
  { args: ["mirror", "approve", "1", "--dry-run"], check: (j) => { if (j.dry_run !== true || j.site !== "mirror-1" || j.sent !== 0) throw new Error(JSON.stringify(j)) } },
  {
    args: ["mirror", "approve", "1", "--base-url", "https://survey.example.org", "--note", "contract"],
    env: outbox,
    check: (j) => {
      if (j.site !== "mirror-1" || j.sent !== 1 || j.attached !== true || j.registration.status !== "approved" || !existsSync(j.zip)) throw new Error(JSON.stringify(j))
    }
  },
  { args: ["mirror", "approve", "2", "--base-url", "https://survey.example.org"], env: outbox, error: true, exit: 2 },
  { args: ["mirror", "reject", "2", "--note", "duplicate"], check: (j) => { if (j.registration.status !== "rejected" || j.registration.note !== "duplicate") throw new Error(JSON.stringify(j)) } },
  { args: ["mirror", "reject", "2", "--note", "again"], error: true, exit: 2 },
  { args: ["kit", "build", "--toolkit"], check: (j) => { if (j.kits.length !== 4 || j.files.length !== 4 || !j.files.every((f: string) => existsSync(f))) throw new Error(JSON.stringify(j.files)) } }
]
