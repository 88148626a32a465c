import { listCommand } from "../../registry-commands.js"

export default listCommand("sites")
