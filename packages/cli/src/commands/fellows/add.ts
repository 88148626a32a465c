import { addCommand } from "../../registry-commands.js"

export default addCommand("fellows")
