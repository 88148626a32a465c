// Where @convene/core's own files are: the templates and examples, the fonts and tz data
// packages it depends on. Found from the package itself (`@convene/core/package.json`), not from
// the location of the running module, so that the same code works from core's dist/, from its
// sources (tests), and bundled into a program such as the CLI (scripts/bundle-cli.mjs), whose
// chunks live in another package's folder.
import { createRequire } from "node:module"
import { dirname, join } from "node:path"

let dir: string | undefined

/** The folder holding @convene/core's package.json (symbolic links resolved). */
export const coreDir = (): string => (dir ??= dirname(createRequire(import.meta.url).resolve("@convene/core/package.json")))

/** `require` as seen from @convene/core: resolves core's own dependencies (fonts, tz data). */
export const coreRequire = (): NodeJS.Require => createRequire(join(coreDir(), "package.json"))
