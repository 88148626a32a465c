// The messages of the crash tests, shared by the test and the child process it kills.
import type { OutgoingMessage } from "../../src/mail/Mail.js"

/** The messages of the crash tests: the same for every run, as a re-run of a send would be. */
export const crashMessages = (n: number): Array<OutgoingMessage> =>
  Array.from({ length: n }, (_, i) => ({
    key: `crash:${String(i).padStart(4, "0")}`,
    purpose: "crash-test",
    to: `p${i}@example.org`,
    locale: "hi-IN",
    subject: `वैश्विक संवाद का निमंत्रण #${i}`,
    text: `Message ${i}`,
    html: `<p>Message ${i}</p>`
  }))
