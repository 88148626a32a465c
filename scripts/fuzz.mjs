#!/usr/bin/env node
// `pnpm fuzz`: the fuzz tests of packages/core/test/fuzz (docs/testing.md) with more inputs than
// CI gives them. Environment:
//   FUZZ_RUNS     inputs per importer (default 20,000; the test suite and CI run 1,000)
//   FUZZ_SEED     the seed (default CI's, 20261130, so a long run extends CI's inputs;
//                 "random" for a new one, printed so that its findings can be made again)
//   FUZZ_IMPORTS  accepted inputs per importer that go on through the database (default FUZZ_RUNS / 20)
//   FUZZ_ONLY     input numbers to run alone (FUZZ_ONLY=17,230): what a failure names
//   FUZZ_SAVE     a folder each failing input is written to (default out/fuzz)
// Arguments are passed to vitest, e.g. `pnpm fuzz -t kobo` or a test file. Without arguments, the
// kill -9 mail test (`pnpm crash:mail`, 50 trials) runs after them, on the build.
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

const env = { ...process.env }
const unset = (name) => env[name] === undefined || env[name] === ""
if (unset("FUZZ_RUNS")) env.FUZZ_RUNS = "20000"
if (env.FUZZ_SEED === "random") env.FUZZ_SEED = String(Math.floor(Math.random() * 2 ** 31))
if (unset("FUZZ_IMPORTS")) env.FUZZ_IMPORTS = String(Math.ceil(Number(env.FUZZ_RUNS) / 20))
if (unset("FUZZ_SAVE")) env.FUZZ_SAVE = "out/fuzz"
console.log(`fuzz: ${env.FUZZ_RUNS} inputs per importer, seed ${env.FUZZ_SEED ?? "20261130 (CI's)"}, ${env.FUZZ_IMPORTS} through the database; failing inputs go to ${env.FUZZ_SAVE}`)
const args = process.argv.slice(2)
const started = Date.now()
const r = spawnSync("pnpm", ["exec", "vitest", "run", ...(args.some((a) => !a.startsWith("-")) ? [] : ["packages/core/test/fuzz/"]), "--maxWorkers=1", ...args], { stdio: "inherit", env })
console.log(`fuzz: ${Math.round((Date.now() - started) / 1000)} s`)
// the whole run (no arguments) also kills 50 mail sends with SIGKILL (scripts/crash-mail.mjs, on the build)
let mail = 0
if (args.length === 0) {
  if (existsSync(new URL("../packages/core/dist/mail/index.js", import.meta.url))) {
    mail = spawnSync(process.execPath, [fileURLToPath(new URL("crash-mail.mjs", import.meta.url)), "50"], { stdio: "inherit", env }).status ?? 1
  } else console.log("fuzz: the kill -9 mail test (pnpm crash:mail) skipped: run `pnpm run build` first")
}
process.exit((r.status ?? 1) || mail)
