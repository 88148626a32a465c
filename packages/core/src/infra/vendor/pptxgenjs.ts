/**
 * pptxgenjs, the PPTX writer of the results toolkit's slide deck. In a checkout this module
 * re-exports the package (a devDependency); in the packed @convene/core it is one file bundling it
 * with JSZip (`scripts/bundle-vendor.mjs`, run by `pnpm pack`), so that an install does not bring
 * its 17 packages and 4 MB (a copy of @types/node among them). Their licenses (MIT) are in
 * `dist/infra/vendor/NOTICES.md` there.
 */
export { default } from "pptxgenjs"
