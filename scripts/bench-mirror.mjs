#!/usr/bin/env node
// The mirror registration page (GET /mirror on `convene serve`, its own process) on loopback,
// driven by autocannon, on the embedded database (PGlite; PostgreSQL when DATABASE_URL is set):
// target ≥ 500 requests/s with no errors. Measured next to its floors in the same run: a bare
// node:http server answering a constant (another process), and GET /healthz on the same server
// (no page). Each GET is a new visitor (no cookie): it gets a new nonce cookie and its CSRF field.
// Usage: node scripts/bench-mirror.mjs [SECONDS] (after pnpm run build)
import { execFileSync, spawn } from "node:child_process"
import { cpSync, mkdirSync, rmSync } from "node:fs"
import { join } from "node:path"
import { benchDatabase, coreRequire, root } from "./bench-support.mjs"

const autocannon = coreRequire("autocannon")
const seconds = Number(process.argv[2] ?? 8)
const database = await benchDatabase("bench_mirror")
const databaseUrl = database.url
// inside the checkout (out/ is git-ignored)
const ws = join(root, "out", "bench-mirror")
rmSync(ws, { recursive: true, force: true })
mkdirSync(ws, { recursive: true })
const example = join(root, "examples", "we-the-internet")
cpSync(join(example, "convene.yaml"), join(ws, "convene.yaml"))
cpSync(join(example, "locales"), join(ws, "locales"), { recursive: true })
const bin = join(root, "packages", "cli", "bin", "run.js")
execFileSync(process.execPath, [bin, "db", "migrate"], { cwd: ws, env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: "utf8" })

const started = (child, ready) =>
  new Promise((resolve, reject) => {
    let err = ""
    const seen = (d) => {
      err += String(d)
      if (ready(err)) resolve()
    }
    child.stdout?.on("data", seen)
    child.stderr?.on("data", seen)
    child.on("exit", (code) => reject(new Error(`stopped (${code}): ${err}`)))
  })
const port = 19500 + (process.pid % 400)
const barePort = port + 400
const server = spawn(process.execPath, [bin, "serve", "--port", String(port), "--quiet"], { cwd: ws, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ["ignore", "ignore", "pipe"] })
const bare = spawn(process.execPath, ["-e", `require("node:http").createServer((q, s) => { s.setHeader("content-type", "text/plain"); s.end("ok") }).listen(${barePort}, "127.0.0.1", () => console.log("listening"))`], { stdio: ["ignore", "pipe", "pipe"] })
await Promise.all([started(server, (t) => t.includes("Form server on")), started(bare, (t) => t.includes("listening"))])

const run = (label, url, path, accept = "en") =>
  new Promise((resolve, reject) => {
    autocannon({ url, connections: 16, duration: seconds, requests: [{ method: "GET", path, headers: { "accept-language": accept } }] }, (err, r) => {
      if (err) return reject(err)
      const ok = r.statusCodeStats?.["200"]?.count ?? 0
      r.bad = r.errors + r.timeouts + (r.requests.total - ok)
      console.log(`  ${label.padEnd(46)} ${Math.round(r.requests.average).toString().padStart(6)} req/s   p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   errors ${r.bad} of ${r.requests.total}`)
      resolve(r)
    })
  })

const origin = `http://127.0.0.1:${port}`
console.log(`Node ${process.version}: the mirror registration page, ${seconds} s per run, 16 connections (${databaseUrl === "" ? "PGlite" : "PostgreSQL"})`)
try {
  const floor = await run("floor: bare node:http, a constant", `http://127.0.0.1:${barePort}`, "/")
  const health = await run("floor: GET /healthz (same server)", origin, "/healthz")
  const page = await run("GET /mirror (Accept-Language: fr)", origin, "/mirror", "fr-FR,fr;q=0.9")
  const arabic = await run("GET /mirror?lang=ar", origin, "/mirror?lang=ar")
  const ratio = (a, b) => (a.requests.average / b.requests.average).toFixed(2)
  console.log(`  GET /mirror: ${ratio(page, floor)} of the bare node:http floor, ${ratio(page, health)} of /healthz on the same server`)
  const met = page.requests.average >= 500 && arabic.requests.average >= 500 && page.bad + arabic.bad === 0
  console.log(`Target: GET /mirror ≥ 500 req/s with no errors: ${met ? "met" : "NOT met"}`)
} finally {
  server.kill("SIGINT")
  bare.kill("SIGINT")
  await Promise.all([new Promise((r) => server.on("exit", r)), new Promise((r) => bare.on("exit", r))])
  await database.drop()
}
