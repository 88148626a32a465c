import { exportCommand } from "../../registry-commands.js"

export default exportCommand("participants")
