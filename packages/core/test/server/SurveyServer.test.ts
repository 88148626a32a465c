// The survey form server on every test database: its answers to good and bad requests (through
// Hono's request(), no network) after a real invitation run.
import { beforeEach, describe, expect, it } from "vitest"
import { questionsFor, type Instrument } from "../../src/domain/Instrument.js"
import { surveyApp } from "../../src/server/SurveyServer.js"
import { surveyServerContext } from "../../src/server/SurveyServe.js"
import { surveyToken, surveyTokenKey } from "../../src/surveys/Surveys.js"
import type { Workspace } from "../../src/infra/Workspace.js"
import { rawAnswer } from "../support/answers.js"
import { type OpenTestDatabase, runWith, testDatabases } from "../support/databases.js"
import { inviteAll, outboxOf, useSurveyWorkspace } from "../support/survey-workspace.js"

const inPre = new Date("2027-05-01T10:00:00Z")

describe.each(testDatabases)("the survey form server on $name", (testDb) => {
  const suite = useSurveyWorkspace(testDb)
  let shape: OpenTestDatabase
  let ws: Workspace
  let instrument: Instrument
  beforeEach(() => void ({ shape, ws, instrument } = suite()))
  const outbox = () => outboxOf(ws)
  const invite = (wave = "pre") => inviteAll(shape, ws, wave)

  describe("the form server", () => {
    const setUp = async (now = inPre) => {
      await invite()
      const context = await runWith(shape, surveyServerContext(ws))
      const logs: Array<string> = []
      const app = surveyApp(context, { now: () => now, log: (l) => logs.push(l), maxBodyBytes: 16 * 1024 })
      const key = await runWith(shape, surveyTokenKey())
      const token = (participant: string) => surveyToken(key, "evaluation", "pre", participant)
      return { app, token, logs }
    }
    const formBody = (html: string, fill: boolean): URLSearchParams => {
      const body = new URLSearchParams()
      body.set("_csrf", /name="_csrf" value="([^"]+)"/.exec(html)![1]!)
      if (fill) for (const [i, q] of questionsFor(instrument, "pre").entries()) for (const v of q.type === "multiple" ? rawAnswer(q, i).split(" ") : [rawAnswer(q, i)]) body.append(q.id, v)
      return body
    }
    const post = (app: ReturnType<typeof surveyApp>, token: string, body: URLSearchParams | string, origin = "http://localhost") =>
      app.request(`http://localhost/s/${token}`, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded", origin } })

    it("serves the form in the participant's language, stores one answer, and refuses a second", async () => {
      const { app, token, logs } = await setUp()
      const page = await app.request(`http://localhost/s/${token("p-eg-1")}`)
      expect(page.status).toBe(200)
      const html = await page.text()
      expect(html).toContain('<html lang="ar-EG" dir="rtl">')
      expect(html).toContain(instrument.questions.find((q) => q.waves.includes("pre"))!.label["ar"]!.slice(0, 12))
      expect(page.headers.get("content-security-policy")).toContain("default-src 'none'")
      const sent = await post(app, token("p-eg-1"), formBody(html, true))
      expect(sent.status).toBe(303)
      expect(sent.headers.get("location")).toBe(`/s/${token("p-eg-1")}/done`)
      const thanks = await app.request(`http://localhost/s/${token("p-eg-1")}/done`)
      expect(thanks.status).toBe(200)
      const again = await post(app, token("p-eg-1"), formBody(html, true))
      expect(again.status).toBe(409)
      expect((await app.request(`http://localhost/s/${token("p-eg-1")}`)).status).toBe(200)
      const stored = await shape.db.selectFrom("survey_responses").selectAll().execute()
      expect(stored).toHaveLength(1)
      expect(stored[0]).toMatchObject({ participant_id: "p-eg-1", wave: "pre", source: "web" })
      // no token in the request log
      expect(logs.length).toBeGreaterThan(3)
      for (const line of logs) expect(line).not.toContain(token("p-eg-1"))
    })

    it("stores one of two submissions sent at once", async () => {
      const { app, token } = await setUp()
      const html = await (await app.request(`http://localhost/s/${token("p-gb-1")}`)).text()
      const results = await Promise.all([post(app, token("p-gb-1"), formBody(html, true)), post(app, token("p-gb-1"), formBody(html, true)), post(app, token("p-gb-1"), formBody(html, true))])
      expect(results.map((r) => r.status).sort()).toEqual([303, 409, 409])
      expect(await shape.db.selectFrom("survey_responses").selectAll().execute()).toHaveLength(1)
    })

    it("drops control characters (a NUL byte) from a crafted free-text answer instead of failing (issue 13)", async () => {
      // the example asks its free-text questions in the post wave
      await invite("post")
      const context = await runWith(shape, surveyServerContext(ws))
      const app = surveyApp(context, { now: () => new Date("2027-05-20T10:00:00Z") })
      const link = surveyToken(await runWith(shape, surveyTokenKey()), "evaluation", "post", "p-gb-2")
      const html = await (await app.request(`http://localhost/s/${link}`)).text()
      const body = new URLSearchParams()
      body.set("_csrf", /name="_csrf" value="([^"]+)"/.exec(html)![1]!)
      for (const [i, q] of questionsFor(instrument, "post").entries()) for (const v of q.type === "multiple" ? rawAnswer(q, i).split(" ") : [rawAnswer(q, i)]) body.append(q.id, v)
      const text = questionsFor(instrument, "post").find((q) => q.type === "text")!
      body.set(text.id, "hello\u0000 world\u0007")
      const sent = await post(app, link, body)
      expect(sent.status).toBe(303)
      const stored = await shape.db.selectFrom("survey_responses").select("answers").where("participant_id", "=", "p-gb-2").where("wave", "=", "post").executeTakeFirstOrThrow()
      expect((stored.answers as Record<string, unknown>)[text.id]).toBe("hello world")
    })

    it("validates on the server, with a message per question, keeping the answers given", async () => {
      const { app, token } = await setUp()
      const html = await (await app.request(`http://localhost/s/${token("p-sn-1")}`)).text()
      const body = formBody(html, true)
      const [first, second] = questionsFor(instrument, "pre").filter((q) => q.required === true && "options" in q)
      body.delete(first!.id)
      const scale = questionsFor(instrument, "pre").find((q) => q.type === "scale")!
      body.set(scale.id, "12")
      const res = await post(app, token("p-sn-1"), body)
      expect(res.status).toBe(422)
      const page = await res.text()
      expect(page).toContain('role="alert"')
      expect(page).toContain(`id="e-${first!.id}"`)
      expect(page).toContain("Veuillez répondre à cette question")
      expect(page).toContain(`id="e-${scale.id}"`)
      expect(second).toBeDefined()
      expect(page).toMatch(new RegExp(`name="${second!.id}" value="[^"]+" checked`))
      expect(await shape.db.selectFrom("survey_responses").selectAll().execute()).toEqual([])
    })

    it("rejects a bad token, a closed wave, an oversized body, a forged form and a cross-site post", async () => {
      const { app, token } = await setUp()
      expect((await app.request("http://localhost/s/not-a-real-token-at-all-0000")).status).toBe(404)
      expect((await app.request("http://localhost/s/x")).status).toBe(404)
      const html = await (await app.request(`http://localhost/s/${token("p-gb-2")}`)).text()
      const huge = formBody(html, true)
      huge.set("padding", "x".repeat(20 * 1024))
      const big = await post(app, token("p-gb-2"), huge)
      expect(big.status).toBe(413)
      expect(await big.text()).not.toMatch(/at \w+ \(|node_modules|Error:/)
      const forged = formBody(html, true)
      forged.set("_csrf", "forged")
      expect((await post(app, token("p-gb-2"), forged)).status).toBe(403)
      expect((await post(app, token("p-gb-2"), formBody(html, true), "https://evil.example")).status).toBe(403)
      // a malformed multipart body is the client's error, not the server's (issue 13)
      const broken = await app.request(`http://localhost/s/${token("p-gb-2")}`, {
        method: "POST",
        body: "--xyz\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc",
        headers: { "content-type": "multipart/form-data; boundary=xyz", origin: "http://localhost" }
      })
      expect(broken.status).toBe(400)
      expect(await broken.text()).not.toMatch(/at \w+ \(|node_modules|Error:/)
      expect(await shape.db.selectFrom("survey_responses").selectAll().execute()).toEqual([])
      // outside the wave's dates, in the site's zone
      const closed = await setUp(new Date("2027-06-20T10:00:00Z"))
      const late = await closed.app.request(`http://localhost/s/${closed.token("p-gb-2")}`)
      expect(late.status).toBe(403)
      expect(await late.text()).toContain("It closed on")
      const early = await setUp(new Date("2027-04-23T20:00:00Z"))
      // 23 April 20:00 UTC is already 24 April in Delhi (opening day) but not yet in London
      expect((await early.app.request(`http://localhost/s/${early.token("p-in-1")}`)).status).toBe(200)
      expect((await early.app.request(`http://localhost/s/${early.token("p-gb-1")}`)).status).toBe(403)
    })

    it("slows down guessing: unknown tokens from one address get 429 after the limit", async () => {
      await invite()
      const context = await runWith(shape, surveyServerContext(ws))
      const app = surveyApp(context, { now: () => inPre, failuresPerMinute: 5 })
      const statuses: Array<number> = []
      for (let i = 0; i < 8; i++) statuses.push((await app.request(`http://localhost/s/guess${String(i).padStart(20, "0")}`)).status)
      expect(statuses.slice(0, 5)).toEqual([404, 404, 404, 404, 404])
      expect(statuses.slice(5)).toEqual([429, 429, 429])
      // over the limit, a valid link from the same address gets 429 too: nothing tells them apart (issue 13)
      const key = await runWith(shape, surveyTokenKey())
      expect((await app.request(`http://localhost/s/${surveyToken(key, "evaluation", "pre", "p-gb-1")}`)).status).toBe(429)
    })
  })
})
