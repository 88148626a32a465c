/** The example dialogue's vote questions (examples/we-the-internet/ballots/votes.yaml), decoded. */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { type Ballots, decodeBallots } from "../../src/domain/Ballot.js"
import { decodeDialogueYaml } from "../../src/domain/Dialogue.js"
import { exampleDir } from "./kit-workspace.js"

export const exampleBallotsText = readFileSync(join(exampleDir, "ballots", "votes.yaml"), "utf8")
const dialogue = decodeDialogueYaml(readFileSync(join(exampleDir, "convene.yaml"), "utf8"), "convene.yaml")
export const exampleBallots: Ballots = decodeBallots([{ file: "ballots/votes.yaml", text: exampleBallotsText }], dialogue)
