/**
 * `npm run bench` — measured numbers with ratios, never timed tests.
 * `npm run bench -- --json` prints, as its last line, one JSON object with the figures.
 */
import { benchClassify } from './classify.ts';
import { table } from './util.ts';

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
if (json) {
  console.log(JSON.stringify({ rules: c.rules, urls: c.urls, classifyNsPerUrl: Math.round(c.classifyNsPerUrl), urlParseNsPerUrl: Math.round(c.urlParseNsPerUrl), naiveRegexNsPerUrl: Math.round(c.naiveRegexNsPerUrl), classifyUniformNsPerUrl: Math.round(c.classifyUniformNsPerUrl), urlParseUniformNsPerUrl: Math.round(c.urlParseUniformNsPerUrl), compileMs: Math.round(c.compileMs) }));
}
