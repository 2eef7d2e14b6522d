/**
 * `npm run bench` — measured numbers with ratios, never timed tests.
 * `npm run bench -- --json` prints, as its last line, one JSON object with the figures.
 */
import { benchClassify } from './classify.ts';
import { table } from './util.ts';
import { benchAnnotate } from './annotate.ts';

const json = process.argv.includes('--json');
const c = benchClassify();
const parseRatio = c.classifyNsPerUrl / c.urlParseNsPerUrl;
const uniformRatio = c.classifyUniformNsPerUrl / c.urlParseUniformNsPerUrl;
const naiveRatio = c.naiveRegexNsPerUrl / c.classifyNsPerUrl;

console.log(`Classifier: ${c.urls.toLocaleString('en')} URLs against ${c.rules.toLocaleString('en')} rules (+ catalog), median of rounds`);
console.log(
  table([
    ['compile policy', `${c.compileMs.toFixed(1)} ms (once per policy change)`],
    ['new URL() only', `${c.urlParseNsPerUrl.toFixed(0)} ns/URL  (browsing-like: hosts with Zipf skew)`],
    ['classify', `${c.classifyNsPerUrl.toFixed(0)} ns/URL  (${parseRatio.toFixed(2)}× parsing; goal ≤ 2×) ${parseRatio <= 2 ? 'OK' : 'MISSED'}`],
    ['new URL() only, uniform', `${c.urlParseUniformNsPerUrl.toFixed(0)} ns/URL  (worst case: every host equally likely, cache-cold)`],
    ['classify, uniform', `${c.classifyUniformNsPerUrl.toFixed(0)} ns/URL  (${uniformRatio.toFixed(2)}× parsing)`],
    ['naive regex per rule', `${c.naiveRegexNsPerUrl.toFixed(0)} ns/URL  (classify is ${naiveRatio.toFixed(0)}× faster; goal ≥ 20×) ${naiveRatio >= 20 ? 'OK' : 'MISSED'}  [sample of ${c.naiveSampleUrls} URLs]`],
  ]),
);

// In-page annotation of meeting links (cli-and-ui.md: under 50 ms on a page of 5,000 links).
const a = await benchAnnotate();
console.log(`\nIn-page annotation: ${a.links.toLocaleString('en')} links (${a.meetingLinks} meeting links), real headless Chromium, median of ${a.rounds} fresh pages (fastest ${a.annotateMinMs.toFixed(1)} ms)`);
console.log(
  table([
    ['annotate (start → markers)', `${a.annotateMs.toFixed(1)} ms  (goal < 50 ms) ${a.annotateMs < 50 ? 'OK' : 'MISSED'}  [${a.markers} markers, ${a.checks} analyser calls: ${a.checkMs.toFixed(1)} ms when repeated warm]`],
    ['  + style and layout', `${a.annotateWithLayoutMs.toFixed(1)} ms  (browser's own reflow for the markers; one full relayout of the page: ${a.pageRelayoutMs.toFixed(1)} ms)`],
    ['later message, 200 links', `${a.laterBatchMs.toFixed(1)} ms  (MutationObserver batch, next frame)`],
  ]),
);
if (json) {
  console.log(JSON.stringify({ rules: c.rules, urls: c.urls, classifyNsPerUrl: Math.round(c.classifyNsPerUrl), urlParseNsPerUrl: Math.round(c.urlParseNsPerUrl), naiveRegexNsPerUrl: Math.round(c.naiveRegexNsPerUrl), classifyUniformNsPerUrl: Math.round(c.classifyUniformNsPerUrl), urlParseUniformNsPerUrl: Math.round(c.urlParseUniformNsPerUrl), compileMs: Math.round(c.compileMs), annotateMs: Math.round(a.annotateMs * 10) / 10 }));
}
