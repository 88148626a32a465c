#!/usr/bin/env -S node --import tsx
// Runs the CLI from its TypeScript sources, for development.
import { execute } from "@oclif/core/execute"

await execute({ development: true, dir: import.meta.url })
