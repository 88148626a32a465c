// What a command that sends mail says about the messages in doubt of its batch.
import { counted } from "./plural.js"

/**
 * The line about uncertain messages (handed to the SMTP server by a run that stopped before the
 * answer), or undefined when there are none.
 *
 * @example
 * uncertainLine(2) // "2 messages uncertain: handed to the server by a run that stopped before its answer, so not sent again. …"
 */
export const uncertainLine = (uncertain: number): string | undefined =>
  uncertain === 0
    ? undefined
    : `${counted(uncertain, "message")} uncertain: handed to the server by a run that stopped before its answer, so not sent again on their own. \`convene mail status\` lists them; \`convene mail flush --mark-sent ID…\` records those the server took, \`convene mail flush --resend-uncertain\` sends the rest again.`
