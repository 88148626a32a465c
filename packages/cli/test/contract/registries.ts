// The contract cases of the registry commands: every one of the six, on all four registries.
import { writeFile } from "node:fs/promises"
import { join } from "node:path"
import type { Case } from "./case.js"

const registries = ["coalition", "fellows", "sites", "participants"] as const

export const registryCases: ReadonlyArray<Case> = [
  ...registries.flatMap((r): Array<Case> => [
    { args: [r, "import", `${r}.csv`, "--dry-run"], check: (j) => { if (j.dry_run !== true) throw new Error("dry_run missing") } },
    { args: [r, "import", `${r}.csv`] },
    { args: [r, "list"] },
    { args: [r, "export", "--format", "csv,json"], check: (j) => { if (j.files.length !== 2) throw new Error(`expected 2 files, got ${j.files.length}`) } }
  ]),
  { args: ["coalition", "show", "unesco"] },
  { args: ["coalition", "show", "no-such-partner"], error: true, exit: 2 },
  { args: ["coalition", "add", "--id", "c-contract", "--name", "Contract partner", "--kind", "foundation"] },
  { args: ["coalition", "remove", "c-contract", "--dry-run"] },
  { args: ["coalition", "remove", "c-contract", "--yes"] },
  { args: ["fellows", "add", "--id", "f-contract", "--name", "Contract Fellow", "--email", "contract@example.org", "--country", "SN", "--languages", "fr"] },
  { args: ["fellows", "show", "f-contract"] },
  {
    args: ["sites", "add", "--id", "sn-contract", "--name", "Contract site", "--city", "Thiès", "--country", "SN", "--timezone", "Africa/Dakar", "--locale", "fr-SN", "--capacity", "60", "--format", "in-person", "--fellow-email", "contract@example.org"]
  },
  { args: ["sites", "show", "sn-contract"] },
  { args: ["participants", "add", "--id", "p-contract-1", "--site-id", "sn-contract", "--locale", "fr-SN"] },
  { args: ["participants", "show", "p-contract-1"] },
  { args: ["participants", "remove", "p-contract-1", "--yes"] },
  { args: ["sites", "remove", "sn-contract", "--yes"] },
  { args: ["fellows", "remove", "f-contract", "--yes"] },
  { args: ["participants", "add", "--id", "p-contract-2", "--site-id", "sn-dakar", "--gender", "F"], error: true, exit: 2, check: (j) => { if (!String(j.error.problems?.[0]?.message).includes("the codebook")) throw new Error("expected the codebook's problem") } },
  // recruitment targets from the example's census shares (no database)
  { args: ["recruit", "targets", "--census", "census.csv", "--size", "40", "--tolerance", "0.02"], check: (j) => { if (j.targets.length !== 20 || j.files.length !== 1) throw new Error(`expected 20 targets and 1 file, got ${j.targets.length} and ${j.files.length}`) } },
  { args: ["recruit", "targets", "--census", "no-such-census.csv", "--size", "40"], error: true, exit: 2 },
  {
    args: ["recruit", "select", "--pool", "candidates.csv", "--targets", "out/recruitment/targets.csv", "--site", "sn-dakar", "--size", "40", "--seed", "contract"],
    check: (j) => { if (j.panel.length !== 40 || j.files.length !== 5 || j.method !== "leximin") throw new Error(`expected a leximin panel of 40 and 5 files, got ${j.panel.length}, ${j.files.length}, ${j.method}`) }
  },
  {
    before: async (dir) => writeFile(join(dir, "tight-targets.csv"), "scope,feature,value,min,max\nall,gender,non-binary,5,6\n"),
    args: ["recruit", "select", "--pool", "candidates.csv", "--targets", "tight-targets.csv", "--site", "sn-dakar", "--size", "40", "--seed", "contract"],
    error: true,
    exit: 2,
    check: (j) => { if (j.error.code !== "InfeasibleQuotas") throw new Error(`expected InfeasibleQuotas, got ${j.error.code}`) }
  },
  { args: ["sites", "import", "no-such-file.csv"], error: true, exit: 2 },
  { args: ["sites", "list", "--nope"], error: true, exit: 2 }
]
