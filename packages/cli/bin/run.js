#!/usr/bin/env node
// The `convene` binary. The compile cache and oclif's manifest keep start-up small.
import module from "node:module"

module.enableCompileCache?.()
// `convene … | head`: the reader left, so stop quietly, as other command-line tools do
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(0)
  throw error
})
const { execute } = await import("@oclif/core/execute")
await execute({ dir: import.meta.url })
