// The report's outputs from a report built by hand: p-values in full precision in the CSV and
// JSON (the HTML keeps "< 0.001"), a scope on every header cell, and hostile text escaped.
import { describe, expect, it } from "vitest"
import type { GroupResult, PairedResult, SurveyReport } from "../../src/domain/Report.js"
import { reportCsv, reportHtml, reportJson } from "../../src/report/SurveyReportOutput.js"
import { thCount, thWithoutScope } from "../support/html.js"

const hostile = `<script>alert("x")</script> & "Dakar"`

const paired: PairedResult = {
  n: 40, meanPre: 3.1, meanPost: 4.6, meanChange: 1.5, ci95: [1.3, 1.7], t: 14.2, df: 39, pT: 3.2e-12,
  wilcoxon: { v: 820, p: 1.234567890123e-9, method: "normal", zeros: 0 }, dz: 2.2, rankBiserial: 0.99, sdChange: 0.68
}

const group: GroupResult = {
  key: "site:sn-dakar",
  label: hostile,
  suppressed: false,
  response: { waves: { pre: { registered: 40, invited: 40, answered: 40, rate: 1 }, post: { registered: 40, invited: 40, answered: 40, rate: 1 } }, paired: 40 },
  knowledge: { ...paired, items: 2 },
  questions: [
    {
      id: "trust", type: "scale", label: "Trust <b>",
      waves: { pre: { n: 40, suppressed: false, shares: [], mean: 3.1, median: 3, }, post: { n: 40, suppressed: false, shares: [], mean: 4.6, median: 5 } },
      paired, shift: null, mcnemar: null, freeText: null
    },
    {
      id: "vote", type: "single", label: "Vote",
      waves: {
        pre: { n: 40, suppressed: false, shares: [{ value: "yes", label: "Yes <i>", count: 10, share: 0.25 }, { value: "no", label: "No", count: 30, share: 0.75 }], mean: null, median: null },
        post: { n: 40, suppressed: false, shares: [{ value: "yes", label: "Yes <i>", count: 38, share: 0.95 }, { value: "no", label: "No", count: 2, share: 0.05 }], mean: null, median: null }
      },
      paired: null,
      shift: [{ value: "yes", label: "Yes <i>", pre: 0.25, post: 0.95, change: 0.7 }, { value: "no", label: "No", pre: 0.75, post: 0.05, change: -0.7 }],
      mcnemar: { b: 0, c: 28, statistic: 26.04, p: 3.4e-7, exactP: 7.450580596923828e-9, method: "continuity-corrected" },
      freeText: null
    },
    {
      id: "views", type: "text", label: "Views",
      waves: { post: { n: 2, suppressed: false, shares: [], mean: null, median: null } },
      paired: null, shift: null, mcnemar: null, freeText: { post: [{ text: hostile, count: 2 }] }
    }
  ]
}

const report: SurveyReport = {
  instrument: { id: "mini", version: 1, title: "Mini <evaluation>" },
  dialogue: "Dialogue & co",
  by: "site",
  waves: ["pre", "post"],
  pairedWaves: ["pre", "post"],
  includeMirror: false,
  suppressionThreshold: 5,
  locale: "en",
  pools: [{ pool: "main", groups: [group] }],
  methods: "Methods <text>",
  simulatedResponses: 0,
  responses: 80
}

const valueOf = (csv: string, question: string, measure: string): string => {
  const line = csv.split("\n").find((l) => l.includes(`,${question},`) && l.includes(`,${measure},`))
  expect(line, `${question} ${measure}`).toBeDefined()
  // pool,by,group,group_label,question,question_type,wave,measure,option,value,n: value is the next to last
  return line!.split(",").at(-2)!
}

describe("the survey report's outputs", () => {
  it("write p-values in full precision in the CSV and JSON, and '< 0.001' in the HTML", async () => {
    const csv = reportCsv(report)
    expect(valueOf(csv, "trust", "p_t_test")).toBe("3.2e-12")
    expect(valueOf(csv, "trust", "p_wilcoxon")).toBe("1.234567890123e-9")
    expect(valueOf(csv, "knowledge_index", "p_t_test")).toBe("3.2e-12")
    expect(valueOf(csv, "vote", "p_mcnemar")).toBe("3.4e-7")
    expect(Number(valueOf(csv, "vote", "p_mcnemar_exact"))).toBe(7.450580596923828e-9)
    // other figures keep six decimal places
    expect(valueOf(csv, "vote", "share_change")).toBe("0.7")
    const json = JSON.parse(reportJson(report)) as SurveyReport
    expect((json.pools[0]!.groups[0]!.questions[0]!.paired as PairedResult).pT).toBe(3.2e-12)
    const html = await reportHtml(report)
    expect(html).toContain("&lt; 0.001")
    expect(html).not.toContain("3.2e-12")
  })

  it("give every header cell a scope and escape every text", async () => {
    const html = await reportHtml(report)
    expect(thCount(html)).toBeGreaterThan(10)
    expect(thWithoutScope(html)).toEqual([])
    expect(html).not.toContain("<script>")
    expect(html).not.toMatch(/<(b|i|evaluation|text)>/)
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Dakar&quot;")
    expect(html).toContain("post: 2 answers, 1 distinct")
  })
})
