/**
 * Event filters the browser applies before it wakes the worker (issue 25; README, "Measured"):
 * the guard has nothing to say about a navigation that is not to a web page (the browser's own
 * pages, extension pages, about:blank, data: and blob: documents, file:), so those never reach
 * a listener. Every listener that only acts on http(s) takes one of these.
 */
export const WEB_PAGES = { url: [{ schemes: ['http', 'https'] }] };
/** The same for webRequest, which filters by match pattern. */
export const WEB_URLS = ['http://*/*', 'https://*/*'];
