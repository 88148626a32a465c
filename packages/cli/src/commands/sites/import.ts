import { importCommand } from "../../registry-commands.js"

export default importCommand("sites")
