/**
 * The system Chromium for browser tests (Debian's package, driven by playwright-core). On CI a
 * missing Chromium is an error; elsewhere the browser tests are skipped, loudly.
 */
import { findChromium } from "../../src/kits/KitPdf.js"

export const chromiumPath = findChromium()

if (chromiumPath === undefined && process.env["CI"] !== undefined && process.env["CI"] !== "") {
  throw new Error("CI is set but no Chromium was found (apt-get install chromium): the browser tests must run in CI.")
}
if (chromiumPath === undefined) {
  console.warn("\n⚠ No Chromium at /usr/bin/chromium (or CONVENE_CHROMIUM): the browser tests are SKIPPED. apt-get install chromium\n")
}
