// Checks on the HTML convene writes (reports, portal, toolkit briefs, live view).

/**
 * Every `<th>` start tag in `html` (not `<thead>`) whose `scope` is missing or neither `col`
 * nor `row`: an empty list when every header cell says what it heads.
 */
export const thWithoutScope = (html: string): Array<string> =>
  [...html.matchAll(/<th(?=[\s>/])[^>]*>/gi)].map((m) => m[0]).filter((tag) => !/\sscope="(col|row)"/.test(tag))

/** How many `<th>` cells `html` holds (so that a check of their scopes cannot pass on a page without tables). */
export const thCount = (html: string): number => [...html.matchAll(/<th(?=[\s>/])[^>]*>/gi)].length
