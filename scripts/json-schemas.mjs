#!/usr/bin/env node
// Writes docs/json/<command>.schema.json: the JSON Schema (draft 2020-12) of every convene
// command's --json output, made from the command's effect/Schema (packages/cli/src/json/), plus
// error.schema.json, the one error shape. `--check` writes nothing and exits 1 when a file is
// missing or out of date (the contract test runs it). Needs `pnpm run build` first.
//
//   node scripts/json-schemas.mjs [--check]
import { readFileSync, mkdirSync, readdirSync, writeFileSync, existsSync, rmSync } from "node:fs"
import { join } from "node:path"
import { pathToFileURL } from "node:url"

const root = join(import.meta.dirname, "..")
const cli = join(root, "packages", "cli")
const out = join(root, "docs", "json")
const check = process.argv.includes("--check")
const { createRequire } = await import("node:module")
const Schema = await import(createRequire(join(cli, "package.json")).resolve("effect/Schema"))

/** Every object that lists its properties and allows no others: the encoder drops unknown keys. */
const closeObjects = (node) => {
  if (Array.isArray(node)) return node.map(closeObjects)
  if (node === null || typeof node !== "object") return node
  const copy = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, closeObjects(v)]))
  if (copy.type === "object" && copy.properties !== undefined && copy.additionalProperties === true) copy.additionalProperties = false
  return copy
}

/** One JSON Schema document, self-contained ($defs), with a title and the command line. */
export const jsonSchemaOf = (schema, id, title) => {
  const doc = Schema.toJsonSchemaDocument(schema)
  return closeObjects({
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: `https://github.com/convene-dialogue/convene/blob/main/docs/json/${id}.schema.json`,
    title,
    ...doc.schema,
    ...(Object.keys(doc.definitions).length > 0 ? { $defs: doc.definitions } : {})
  })
}

const manifest = JSON.parse(readFileSync(join(cli, "oclif.manifest.json"), "utf8"))
const wanted = new Map()
const missing = []
for (const [id, command] of Object.entries(manifest.commands)) {
  if (command.pluginName !== "@convene/cli") continue
  const mod = await import(pathToFileURL(join(cli, ...command.relativePath).replace(/\.ts$/, ".js")).href)
  const Command = mod.default
  if (Command.output === undefined) {
    missing.push(id)
    continue
  }
  const name = id.replaceAll(":", "-")
  wanted.set(`${name}.schema.json`, jsonSchemaOf(await Command.output(), name, `convene ${id.replaceAll(":", " ")} --json`))
}
const { errorJson } = await import(pathToFileURL(join(cli, "dist", "json", "contract.js")).href)
wanted.set("error.schema.json", jsonSchemaOf(errorJson, "error", "convene … --json, on failure (any command)"))

let stale = 0
if (!check) mkdirSync(out, { recursive: true })
for (const [file, doc] of wanted) {
  const text = `${JSON.stringify(doc, null, 2)}\n`
  const path = join(out, file)
  const same = existsSync(path) && readFileSync(path, "utf8") === text
  if (same) continue
  stale++
  if (check) console.error(`docs/json/${file} is ${existsSync(path) ? "out of date" : "missing"}`)
  else writeFileSync(path, text)
}
for (const file of existsSync(out) ? readdirSync(out) : []) {
  if (!file.endsWith(".schema.json") || wanted.has(file)) continue
  stale++
  if (check) console.error(`docs/json/${file} belongs to no command`)
  else rmSync(join(out, file))
}
if (missing.length > 0) console.error(`${missing.length} commands declare no output schema: ${missing.join(", ")}`)
if (check) {
  if (stale > 0 || missing.length > 0) {
    console.error("Run `pnpm run build && node scripts/json-schemas.mjs` to bring docs/json/ up to date.")
    process.exit(1)
  }
  console.log(`docs/json/: ${wanted.size} schemas, all current.`)
} else console.log(`docs/json/: ${wanted.size} schemas (${stale} written or removed).`)
