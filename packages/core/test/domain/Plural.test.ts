// convene's own English messages count in words ("1 message", "2 messages"), never "message(s)".
import { describe, expect, it } from "vitest"
import { MailTransportError } from "../../src/domain/Errors.js"
import { counted, plural } from "../../src/domain/Plural.js"

describe("counted and plural", () => {
  it("picks the singular for one and the plural otherwise, with the number in English", () => {
    expect([0, 1, 2, 1200].map((n) => counted(n, "problem"))).toEqual(["0 problems", "1 problem", "2 problems", "1,200 problems"])
    expect(counted(3, "country", "countries")).toBe("3 countries")
    expect([plural(1, "has", "have"), plural(2, "has", "have")]).toEqual(["has", "have"])
  })

  it("counts the messages that went out before the mail transport refused", () => {
    const error = (sent: number) => new MailTransportError({ transport: "smtp", reason: "535 authentication failed", sent, hint: "Check SMTP_URL." }).message
    expect(error(1)).toBe("The SMTP server refused to take mail: 535 authentication failed (1 message went out before). Check SMTP_URL.")
    expect(error(2)).toContain("(2 messages went out before)")
    expect(error(0)).not.toContain("went out before")
  })
})
