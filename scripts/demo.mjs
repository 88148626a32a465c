#!/usr/bin/env node
// The main job on the embedded defaults: create a workspace from the bundled example, import
// its registries, record some progress, plan the day, build every site's kit and mail them. Run through the real
// `convene` binary, as a user would. Usage: node scripts/demo.mjs [DIR] (default: ./demo-dialogue)
import { spawnSync } from "node:child_process"
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const bin = join(root, "packages", "cli", "bin", "run.js")
const dir = resolve(process.argv[2] ?? join(root, "demo-dialogue"))

const convene = (...args) => {
  const quiet = args[0] === "--quiet"
  if (quiet) args.shift()
  console.log(`\n$ convene ${args.length > 12 ? [...args.slice(0, 12), "…"].join(" ") : args.join(" ")}`)
  const started = Date.now()
  const r = spawnSync(process.execPath, [bin, ...args], {
    stdio: quiet ? ["ignore", "pipe", "inherit"] : "inherit",
    encoding: "utf8",
    cwd: existsSync(dir) ? dir : root,
    env: { ...process.env, DATABASE_URL: "" }
  })
  if (r.status !== 0) {
    console.error(`✗ convene ${args.join(" ")} failed (exit ${r.status})`)
    process.exit(r.status ?? 1)
  }
  console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`)
  return r.stdout
}

// a command that must refuse (exit 2): its message is shown, anything else stops the demo
const refused = (...args) => {
  console.log(`\n$ convene ${args.join(" ")}   # expected to refuse`)
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", cwd: dir, env: { ...process.env, DATABASE_URL: "" } })
  if (r.status !== 2) {
    console.error(`✗ convene ${args.join(" ")} should have refused (exit 2), exit ${r.status}: ${r.stderr}`)
    process.exit(1)
  }
  console.log(`  refused: ${r.stderr.trim().split("\n")[0]}`)
}

// The paper questionnaires of two in three organisers: each fellow who runs a site (code: their id
// in upper case) and each facilitator of a site file. Answers follow a fixed pattern.
function organisersPaper() {
  const rowsOf = (file) => {
    const [header, ...lines] = readFileSync(join(dir, file), "utf8").trim().split("\n")
    const columns = header.split(",")
    // the example's registries have no quoted field: a plain split reads them
    return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [columns[i], v])))
  }
  const running = new Set(rowsOf("sites.csv").map((s) => s.fellow_email))
  const fellows = rowsOf("fellows.csv").filter((f) => running.has(f.email)).map((f) => f.id)
  const facilitators = readdirSync(join(dir, "sites")).flatMap((site) => {
    const file = join(dir, "sites", site, "site.yaml")
    return existsSync(file) ? [...readFileSync(file, "utf8").matchAll(/- \{ id: ([a-z0-9-]+), name:/g)].map((m) => m[1]) : []
  })
  const adaptation = ["none", "little", "little", "much", "rewrote"]
  const problems = ["connectivity", "timing", "no-shows connectivity", "translation", "none", "venue timing"]
  const improve = ["", "More time before each vote", "", "Send the printed kit a week earlier", "", "A call with other fellows before the day"]
  const rows = [...fellows, ...facilitators].filter((id, i) => i % 3 !== 2 && /^[a-z0-9-]{4,32}$/.test(id)).map((id, i) =>
    [id.toUpperCase(), 3 + (i % 3), 3 + ((i + 1) % 3), 4 + (i % 2), 2 + (i % 4), 5 + (i % 6), adaptation[i % 5], problems[i % 6], improve[i % 6]].join(","))
  return ["code,preparation,support,kit-useful,enough-time,quality,kit-adaptation,problems,improve", ...rows].join("\n") + "\n"
}

if (existsSync(dir)) rmSync(dir, { recursive: true, force: true })
const started = Date.now()
convene("init", dir, "--example", "we-the-internet")
convene("coalition", "import", "coalition.csv")
convene("fellows", "import", "fellows.csv")
convene("sites", "import", "sites.csv")
convene("participants", "import", "participants.csv")
// the evaluation's control group: 12 people near each site with participants, who answer the
// same waves on paper but do not deliberate (role control), so that the impact report can set
// the panel's change against theirs (the difference-in-differences)
const withPeople = [...new Set(readFileSync(join(dir, "participants.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(",")[1]))]
const GENDERS = ["woman", "man"]
const AGES = ["16-24", "25-34", "35-44", "45-54", "55-64", "65+"]
writeFileSync(join(dir, "control-group.csv"), ["id,site_id,gender,age_band,role", ...withPeople.flatMap((site) => Array.from({ length: 12 }, (_, i) => `c-${site}-${String(i + 1).padStart(2, "0")},${site},${GENDERS[i % 2]},${AGES[i % 6]},control`))].join("\n") + "\n")
convene("participants", "import", "control-group.csv")
// recruitment at three sites: illustrative census shares become the targets of a panel of 24,
// the volunteers' pool is imported, and each panel is drawn fairly (leximin) with reserves and a
// published seed; people confirm (and become participants), one declines and the best-fitting
// reserve is called in and confirms
convene("recruit", "targets", "--census", "census.csv", "--size", "24", "--tolerance", "0.02")
convene("candidates", "import", "candidates.csv")
convene("recruit", "select", "--all", "--size", "24", "--reserves", "4", "--seed", "2027")
const panelOf = (site) => JSON.parse(readFileSync(join(dir, "out", "recruitment", site, "draw.json"), "utf8")).panel
const dakar = panelOf("sn-dakar")
convene("recruit", "confirm", ...dakar.slice(0, 23), ...panelOf("in-bengaluru"), ...panelOf("br-recife"))
const declined = JSON.parse(convene("--quiet", "recruit", "decline", dakar[23], "--replace", "--json"))
console.log(`  ${declined.declined} declined; reserve ${declined.replacement.id} called in (${declined.replacement.broken.length === 0 ? "every target kept" : "a target missed"})`)
convene("recruit", "confirm", declined.replacement.id)
convene("recruit", "status")
convene("db", "status")
convene("timeline", "show", "--as-of", "2027-04-20")
// fellows report their sites' progress during onboarding: most fellows are onboarded, about
// two thirds of the venues are booked, a third of the facilitators trained (a fixed pattern,
// so that every run shows the same status)
const sites = JSON.parse(convene("--quiet", "sites", "list", "--json")).map((s) => s.id)
const every = (n, offset = 0) => sites.filter((_, i) => (i + offset) % n !== 0).flatMap((id) => ["--site", id])
convene("timeline", "done", "fellow-onboarded", ...every(9), "--on", "2027-02-10")
convene("timeline", "done", "venue-booked", ...every(3, 1), "--on", "2027-03-25")
convene("timeline", "done", "facilitators-trained", ...sites.filter((_, i) => i % 3 === 0).flatMap((id) => ["--site", id]), "--on", "2027-04-12")
convene("timeline", "status", "--as-of", "2027-04-20", "--by", "country")
// the synchronized day across every zone
convene("schedule", "plan")
convene("schedule", "show", "--site", "np-kathmandu")
convene("schedule", "export", "--format", "ics,html,json,csv")
// every site's kit, in its own language, then mailed to its fellow (the outbox: no SMTP_URL)
// local adaptation: London adapts its local context (adaptable); Nairobi adapts the instructions
// of Session 2, which are locked, so staff approve that exact text before any kit is built
convene("kit", "approve", "--site", "ke-nairobi", "en:agenda_blocks.digital-identity.instructions", "--note", "A local example for Session 2, reviewed by the method team")
convene("kit", "check")
convene("kit", "register", "--format", "csv,json")
convene("kit", "build", "--all")
convene("kit", "build", "--site", "eg-cairo")
convene("kit", "send", "--all")
// the evaluation: invitations to the pre-survey (outbox), the form for KoboToolbox/ODK
convene("survey", "invite", "--wave", "pre")
convene("survey", "export", "--format", "xlsform", "--wave", "pre")
// seeded answers through the paths sites use: the web form (rehearsed as of a date inside the
// wave) at the sites that collect online, a paper CSV everywhere else
const step = (title, args) => {
  console.log(`\n$ ${title}`)
  const started = Date.now()
  const r = spawnSync(process.execPath, args, { stdio: "inherit", env: { ...process.env, DATABASE_URL: "" } })
  if (r.status !== 0) {
    console.error(`✗ ${title} failed (exit ${r.status})`)
    process.exit(r.status ?? 1)
  }
  console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`)
}
const answers = (wave, asOf) => step(`node scripts/demo-answers.mjs ${wave} (web form and paper)`, [join(root, "scripts", "demo-answers.mjs"), dir, wave, asOf])
answers("pre", "2027-05-01T12:00:00Z")
// the day's results: each fellow gets the site's results link; one site enters on the web form,
// one as CSV files, every other site's results are simulated; staff follow, validate, report
convene("results", "invite", "--all", "--base-url", "https://results.we-the-internet.example")
step("node scripts/demo-results.mjs (web form and CSV)", [join(root, "scripts", "demo-results.mjs"), dir])
// mid-day (14:00 UTC): the staff's live view on the real server, the public portal held
step("node scripts/demo-day.mjs (the live view mid-day, the embargo holding)", [join(root, "scripts", "demo-day.mjs"), dir, "2027-05-15T14:00:00Z"])
convene("results", "simulate", "--seed", "1")
convene("results", "status", "--by", "region", "--as-of", "2027-05-16T12:00:00Z")
convene("results", "validate", "--all-submitted")
convene("results", "validate", "--site", "br-sao-paulo")
convene("results", "log", "--site", "br-sao-paulo")
// before the embargo ends, nothing is published; after it, the portal and the toolkits
refused("results", "publish", "--as-of", "2027-05-15T20:00:00Z")
convene("results", "report", "--by", "region", "--format", "html,csv,json", "--as-of", "2027-05-16T12:00:00Z")
convene("results", "publish", "--as-of", "2027-05-16T12:00:00Z")
convene("results", "toolkit", "--all", "--as-of", "2027-05-16T12:00:00Z")
// who came on the day: Dakar's sign-in sheet (two no-shows), then how representative each panel
// was from the census to the day
const signedIn = [...dakar.slice(0, 23), declined.replacement.id]
writeFileSync(join(dir, "attendance-dakar.csv"), ["participant,present", ...signedIn.map((id, i) => `${id},${i % 12 === 5 ? "no" : "yes"}`)].join("\n") + "\n")
convene("attendance", "import", "attendance-dakar.csv")
convene("recruit", "report", "--census", "census.csv", "--format", "html,csv,json")
convene("survey", "invite", "--wave", "post")
answers("post", "2027-05-20T12:00:00Z")
// the organisers' questionnaire (surveys/organisers.yaml, respondents: organisers): every fellow
// and every facilitator the site files list is invited by mail (those with an address); here two
// in three answer on the kit's paper form, typed in by code (a fixed pattern, so every run shows
// the same report), then the organisers' report, apart from the participants' evaluation
convene("survey", "invite", "--instrument", "organisers", "--wave", "post")
writeFileSync(join(dir, "organisers-paper.csv"), organisersPaper())
convene("survey", "import", "organisers-paper.csv", "--instrument", "organisers", "--wave", "post")
convene("survey", "report", "--instrument", "organisers", "--format", "html,csv,json")
// three months later, the follow-up: does the change last?
convene("survey", "invite", "--wave", "followup")
answers("followup", "2027-08-20T12:00:00Z")
// a mirror dialogue registered by its organiser on the real form (double opt-in by mail), then
// approved by staff: its site (no fellow), its kit on its own date, the organiser's mail; and the
// public mirror toolkit
step("node scripts/demo-mirror.mjs (the /mirror form, the confirmation link)", [join(root, "scripts", "demo-mirror.mjs"), dir, "2027-05-20T10:00:00Z"])
const [mirror] = JSON.parse(convene("--quiet", "mirror", "list", "--status", "pending", "--json")).mirrors
convene("mirror", "approve", String(mirror.id), "--note", "checked by phone", "--base-url", "https://results.we-the-internet.example")
convene("kit", "build", "--toolkit")
convene("mail", "status")
// the impact report, and one per country in the language of its sites (Senegal in French, Egypt in Arabic)
convene("survey", "report", "--by", "region", "--census", "census.csv", "--split", "country", "--format", "html,csv,json")
console.log(`\n✓ The example dialogue ran end to end in ${((Date.now() - started) / 1000).toFixed(1)} s.`)
console.log(`  Workspace: ${dir}`)
console.log(`  Data:      ${join(dir, ".convene", "db")} (embedded PostgreSQL; set DATABASE_URL to use a server)`)
console.log(`  Schedule:  ${join(dir, "out", "schedule")} (schedule.html: the follow-the-sun chart; ics/: a calendar per site)`)
console.log(`  Kits:      ${join(dir, "out", "kits")} (a folder and a zip per site; open eg-cairo/index.html)`)
console.log(`  Mail:      ${join(dir, "out", "outbox")} (kits to fellows, survey invitations to participants; set SMTP_URL to send for real)`)
console.log(`  Panels:    ${join(dir, "out", "recruitment")} (per site: the draw to publish; recruitment-report.html: census to attendees)`)
console.log(`  Survey:    ${join(dir, "out", "surveys")} (the XLSForm); \`convene survey serve\` serves the links of the invitations`)
console.log(`  Results:   ${join(dir, "out", "reports")} (results-report-by-region.html|csv|json: the citizens' votes; one site entered on the web form, one by CSV, the rest simulated)`)
console.log(`  Portal:    ${join(dir, "out", "portal")} (open index.html: global, regional and country pages, open data; \`convene serve\` serves it after the embargo)`)
console.log(`  Toolkits:  ${join(dir, "out", "toolkits")} (per country and region: a brief, a slide deck, the data)`)
console.log(`  Mirrors:   ${join(dir, "out", "toolkit")} (the public mirror toolkit, a zip per language); \`convene serve\` serves the registration form at /mirror; \`convene mirror list\``)
console.log(`  Report:    ${join(dir, "out", "reports")} (the impact report: HTML, CSV, JSON, and report-evaluation-<CC>.* per country in its language; report-organisers.*: the organisers' questionnaire; the demo's answers come from a seeded generator)`)
const launcher = join(root, "convene")
console.log(`  Try:       cd ${dir} && ${existsSync(launcher) ? launcher : `node ${bin}`} schedule show --site np-kathmandu`)
