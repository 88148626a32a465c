// What the survey benchmarks share: the database (PGlite, or PostgreSQL in a schema of its own
// when DATABASE_URL is set), a 30-question instrument of every type, and participant codes.
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

export const root = join(dirname(fileURLToPath(import.meta.url)), "..")
export const coreRequire = createRequire(join(root, "packages", "core", "package.json"))

/**
 * The database a benchmark runs on: "" for the workspace's PGlite, or a PostgreSQL URL whose
 * search_path is a new schema `convene_<name>_<pid>`; `drop()` removes it.
 */
export const benchDatabase = async (name) => {
  const base = process.env.DATABASE_URL ?? ""
  if (base === "") return { url: "", drop: async () => {} }
  const pg = coreRequire("pg")
  const schema = `convene_${name}_${process.pid}`
  const admin = new pg.Client({ connectionString: base })
  await admin.connect()
  await admin.query(`create schema ${schema}`)
  const u = new URL(base)
  u.searchParams.set("options", `-c search_path=${schema}`)
  return {
    url: u.toString(),
    drop: async () => {
      await admin.query(`drop schema ${schema} cascade`)
      await admin.end()
    }
  }
}

/** The question types the benchmark instrument cycles through. */
export const KINDS = ["likert5", "likert7", "scale", "single", "multiple", "number", "knowledge", "likert5", "scale", "text"]

/** An instrument of `count` questions of every type, asked before and after, as YAML. */
export const benchInstrumentYaml = (count, waves = ["pre", "post"]) => {
  const options = (n) => Array.from({ length: n }, (_, i) => `      - { id: o${i + 1}, label: { en: "Option ${i + 1}" } }`).join("\n")
  const questions = Array.from({ length: count }, (_, i) => {
    const type = KINDS[i % KINDS.length]
    const extra = type === "single" || type === "multiple" ? `\n    options:\n${options(4)}` : type === "knowledge" ? `\n    options:\n${options(3)}\n    correct: o2` : type === "number" ? "\n    min: 0\n    max: 24" : ""
    return `  - id: q${String(i + 1).padStart(2, "0")}\n    type: ${type}\n    required: ${type !== "text"}\n    waves: [${waves.join(", ")}]\n    label: { en: "Question ${i + 1}" }${extra}`
  })
  return `id: bench\nversion: 1\nlocales: [en]\ntitle: { en: "Benchmark survey" }\nquestions:\n${questions.join("\n")}\n`
}

const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
/** A distinct 8-character participant code for each i (up to 32^8 / 7919). */
export const codeOf = (i) => {
  let s = ""
  for (let n = i * 7919 + 104729, k = 0; k < 8; k++, n = Math.floor(n / 32)) s += ALPHABET[n % 32]
  return s
}
