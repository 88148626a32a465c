// The entry point of bin/run.js: oclif's `execute`, bundled with the commands (scripts/bundle-cli.mjs)
// so that oclif and every command share one copy of @oclif/core.
export { execute } from "@oclif/core"
