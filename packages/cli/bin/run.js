#!/usr/bin/env node
// The `convene` binary. The compile cache, oclif's manifest and the bundled commands (lib/, made by
// scripts/bundle-cli.mjs: a command reads a few dozen files instead of ~700) keep start-up small.
import module from "node:module"
import v8 from "node:v8"

module.enableCompileCache?.()
// The embedded database (PGlite) is PostgreSQL compiled to WebAssembly. With V8's default tiering
// budget, opening it hands a few of its largest functions to the optimizing compiler: on a
// 2-core machine that doubled the CPU time (about 1.3 s more) and the peak memory (645 MB instead
// of 260 MB) of every embedded command, for code that runs once per open. A larger budget keeps
// start-up on the baseline compiler; code that stays hot in long commands is still optimized
// (docs/performance.md, "What makes the PGlite open slow and heavy").
v8.setFlagsFromString("--wasm-tiering-budget=1000000000")
// `convene … | head`: the reader left, so stop quietly, as other command-line tools do
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(0)
  throw error
})
const { execute } = await import("../lib/execute.js").catch((error) => {
  if (error?.code !== "ERR_MODULE_NOT_FOUND" || !String(error.message).includes("lib/execute.js")) throw error
  console.error("convene is not built: lib/execute.js is missing (in a checkout, run `pnpm run build`)")
  process.exit(1)
})
await execute({ dir: import.meta.url })
