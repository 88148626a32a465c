// The bundled libraries of the packed @convene/core (scripts/bundle-vendor.mjs) do what the
// packages do: the same Vega-Lite specs render to the same SVG, and the same slides to the same
// PPTX parts, through src/infra/vendor/*.ts (the packages, as in a checkout) and through the
// bundles (as in the tarball). Each side runs in its own node process; the bundles are built into
// a temporary folder, not dist/.
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const core = join(import.meta.dirname, "..", "..")
const root = join(core, "..", "..")
let out = ""

// what each side renders: the three kinds of chart of the reports (diverging stacked bars,
// a layered dot plot with intervals, grouped bars with a legend) and a two-slide deck with a native chart
const RUNNER = `
import { unzipSync } from "fflate"
const [vegaUrl, pptxUrl] = process.argv.slice(2)
const vega = await import(vegaUrl)
const { default: PptxGenJS } = await import(pptxUrl)
const svg = async (spec) => {
  const view = new vega.View(vega.parse(vega.compile(spec).spec), { renderer: "none" })
  const s = await view.toSVG()
  view.finalize()
  return s
}
const specs = [
  { width: 520, height: { step: 26 }, data: { values: [{ wave: "pre", start: -40, end: -10, color: "#b2182b", option: "1 no", share: "30.0" }, { wave: "pre", start: -10, end: 60, color: "#2166ac", option: "5 yes", share: "70.0" }, { wave: "post", start: -20, end: 80, color: "#67a9cf", option: "4 rather", share: "100.0" }] },
    mark: { type: "bar" }, encoding: { y: { field: "wave", type: "nominal", title: null, sort: null }, x: { field: "start", type: "quantitative", title: "% of respondents (disagree ← → agree)", scale: { domain: [-100, 100] } }, x2: { field: "end" }, color: { field: "color", type: "nominal", scale: null, legend: null }, tooltip: [{ field: "option" }, { field: "share" }] } },
  { width: 460, height: { step: 20 }, data: { values: [{ group: "Sénégal", change: 0.4, low: 0.1, high: 0.7 }, { group: "العالم", change: -0.2, low: -0.5, high: 0.1 }] },
    layer: [{ mark: { type: "rule", color: "#888" }, encoding: { x: { datum: 0 } } }, { mark: { type: "rule", strokeWidth: 2, color: "#2166ac" }, encoding: { y: { field: "group", type: "nominal", title: null, sort: null }, x: { field: "low", type: "quantitative", title: "change" }, x2: { field: "high" } } }, { mark: { type: "point", filled: true, size: 60, color: "#08306b" }, encoding: { y: { field: "group", type: "nominal", sort: null }, x: { field: "change", type: "quantitative" } } }] },
  { width: 460, data: { values: [{ group: "A", wave: "pre", rate: 40 }, { group: "A", wave: "post", rate: 55.5 }, { group: "B", wave: "pre", rate: 12 }] }, mark: "bar",
    encoding: { y: { field: "group", type: "nominal", title: null, sort: null }, yOffset: { field: "wave", type: "nominal" }, x: { field: "rate", type: "quantitative", scale: { domain: [0, 100] } }, color: { field: "wave", type: "nominal", scale: { range: ["#9ecae1", "#08519c", "#6baed6"] }, title: "wave" } } }
]
const svgs = []
for (const spec of specs) svgs.push(await svg(spec))
const pptx = new PptxGenJS()
pptx.layout = "LAYOUT_16x9"
pptx.title = "Dakar"
pptx.addSlide().addText("Résultats — النتائج", { x: 0.5, y: 0.5, w: 9, h: 1, fontFace: "Noto Sans", fontSize: 28 })
pptx.addSlide().addChart(pptx.ChartType.bar, [{ name: "yes", labels: ["Dakar", "World"], values: [62, 48] }], { x: 0.5, y: 0.5, w: 9, h: 4.5, barDir: "bar" })
// every part of the deck and of the workbooks embedded for its charts, by its SHA-256, but their
// docProps/core.xml, whose dates are the time of writing
const { createHash } = await import("node:crypto")
const partsOf = (zip, prefix = "") => Object.entries(unzipSync(zip)).flatMap(([name, data]) =>
  name.endsWith(".xlsx") ? partsOf(data, prefix + name + "!") : name.endsWith("docProps/core.xml") ? [] : [[prefix + name, createHash("sha256").update(data).digest("hex")]])
const deck = Object.fromEntries(partsOf(new Uint8Array(await pptx.write({ outputType: "nodebuffer" }))))
process.stdout.write(JSON.stringify({ svgs, deck }))
`

const render = (vegaModule: string, pptxModule: string): { svgs: Array<string>; deck: Record<string, string> } => {
  const runner = join(core, `.vendor-runner-${process.pid}.mjs`)
  writeFileSync(runner, RUNNER)
  try {
    return JSON.parse(execFileSync(process.execPath, [runner, pathToFileURL(vegaModule).href, pathToFileURL(pptxModule).href], { cwd: core, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })) as { svgs: Array<string>; deck: Record<string, string> }
  } finally {
    rmSync(runner, { force: true })
  }
}

describe("the bundled libraries of the packed SDK", () => {
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), "convene-vendor-"))
    execFileSync(process.execPath, [join(root, "scripts", "bundle-vendor.mjs"), "--out", out], { cwd: core, encoding: "utf8" })
  })
  afterAll(() => rmSync(out, { recursive: true, force: true }))

  it("render the same SVG charts and the same PPTX as the packages, and import no package", () => {
    const bundled = render(join(out, "vega.js"), join(out, "pptxgenjs.js"))
    const packages = render(join(core, "src", "infra", "vendor", "vega.ts"), join(core, "src", "infra", "vendor", "pptxgenjs.ts"))
    expect(bundled.svgs).toHaveLength(3)
    for (const svg of bundled.svgs) expect(svg).toMatch(/^<svg[\s\S]*<\/svg>$/)
    expect(bundled.svgs[1]).toContain("العالم")
    expect(bundled.svgs).toEqual(packages.svgs)
    expect(Object.keys(bundled.deck)).toContain("ppt/slides/slide2.xml")
    expect(Object.keys(bundled.deck).some((name) => name.includes(".xlsx!xl/worksheets/"))).toBe(true)
    expect(bundled.deck).toEqual(packages.deck)
    // only Node's built-ins are left to import
    for (const file of ["vega.js", "pptxgenjs.js"]) {
      const code = readFileSync(join(out, file), "utf8")
      const imported = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)"([^"]+)"/g)].map((m) => m[1]!).filter((spec) => /^(@[a-z0-9._-]+\/)?[a-z0-9._-]+(\/[\w./-]+)?$/.test(spec))
      expect(imported.filter((s) => !s.startsWith("node:") && !["fs", "buffer", "events", "stream", "util", "canvas"].includes(s)), file).toEqual([])
    }
  })

  it("copy moment-timezone's data file unchanged, with the package's version (what infra/TzData reads in the tarball)", () => {
    const pkgDir = join(core, "node_modules", "moment-timezone")
    expect(readFileSync(join(out, "moment-timezone", "data", "packed", "latest.json"))).toEqual(readFileSync(join(pkgDir, "data", "packed", "latest.json")))
    const copied = JSON.parse(readFileSync(join(out, "moment-timezone", "package.json"), "utf8")) as { name: string; version: string }
    expect(copied).toMatchObject({ name: "moment-timezone", version: (JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { version: string }).version })
  })

  it("name every bundled package with its version and license text in NOTICES.md", () => {
    const notices = readFileSync(join(out, "NOTICES.md"), "utf8")
    for (const name of ["vega", "vega-lite", "d3-scale", "pptxgenjs", "jszip", "pako", "moment-timezone"]) expect(notices).toMatch(new RegExp(`^## ${name}@\\d+\\.\\d+\\.\\d+$`, "m"))
    expect(notices).toContain("BSD-3-Clause")
    expect(notices).not.toMatch(/^## [^\n]+\n\nLicense: [^\n]+\n\n## /m)
  })
})
