import { removeCommand } from "../../registry-commands.js"

export default removeCommand("participants")
