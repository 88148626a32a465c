/**
 * Vega and Vega-Lite, as the report charts use them: compile a Vega-Lite spec, parse it, render
 * it to SVG in a headless View. In a checkout this module re-exports the packages (devDependencies);
 * in the packed @convene/core it is one file bundling them (`scripts/bundle-vendor.mjs`, run by
 * `pnpm pack`), so that an install does not bring their 76 packages and 17 MB for three kinds
 * of chart. Their licenses (BSD-3-Clause, ISC) are in `dist/infra/vendor/NOTICES.md` there.
 */
export { parse, View } from "vega"
export { compile } from "vega-lite"
