/**
 * The identity of this build of the CLI. scripts/bundle-cli.mjs writes the bundle's own hash over
 * the zeros; the unbundled output of tsc keeps them, and then nothing is cached under it.
 */
const BUILD = "convene-build:0000000000000000"

/** This build's identity (the bundle's hash), or undefined outside the bundle. */
export const buildId = (): string | undefined => (BUILD.endsWith(":0000000000000000") ? undefined : BUILD)
