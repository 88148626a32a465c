import { showCommand } from "../../registry-commands.js"

export default showCommand("participants")
