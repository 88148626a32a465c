#!/usr/bin/env node
// The `convene` binary. The compile cache and oclif's manifest keep start-up small.
import module from "node:module"

module.enableCompileCache?.()
const { execute } = await import("@oclif/core/execute")
await execute({ dir: import.meta.url })
