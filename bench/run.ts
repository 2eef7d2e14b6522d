/**
 * `npm run bench` — measured numbers with ratios, never timed tests.
 * `npm run bench -- --json` prints, as its last line, one JSON object with the figures.
 */
import { benchClassify } from './classify.ts';
import { table } from './util.ts';
import { benchAnnotate } from './annotate.ts';
import { benchGuard, benchLog } from './browser.ts';
import { benchCliStart } from './cli-start.ts';

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

// Command-line start-up (docs/command-line.md: one URL classified well under half a second, cold).
const cli = benchCliStart();
console.log(`\nCommand line: one URL classified by a new process (classify ${'https://web.whatsapp.com/'}), median of ${cli.rounds}`);
console.log(
  table([
    ['compiled (node bin/…)', `${cli.compiledMs.toFixed(0)} ms  (goal < 500 ms) ${cli.compiledMs < 500 ? 'OK' : 'MISSED'}  [node alone: ${cli.nodeOnlyMs.toFixed(0)} ms]`],
    ['  via npx telehealth-guard', `${cli.npxMs.toFixed(0)} ms  (npx itself costs about 0.3 s) ${cli.npxMs < 500 ? 'OK' : 'MISSED'}`],
    ['before: tsx on the sources', `${cli.tsxMs.toFixed(0)} ms  (compiled is ${(cli.tsxMs / cli.compiledMs).toFixed(1)}× faster)`],
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
// Browser benchmarks with the built extension (bench/browser.ts), default policy, all hosts mapped to 127.0.0.1:1.
const ok = (pass: boolean) => (pass ? 'OK' : 'MISSED');
const g = await benchGuard();
console.log(`\nTime to the warning page: fresh tabs to https://web.whatsapp.com/ (default policy: warn), DNR redirect before any connection, median of ${g.rounds} navigations after one cold`);
console.log(
  table([
    ['navigation start → painted', `${g.paintMedianMs.toFixed(1)} ms median, p90 ${g.paintP90Ms.toFixed(1)} ms, fastest ${g.paintMinMs.toFixed(1)} ms  (mark guard-painted, one frame after render)`],
    ['  first navigation (cold)', `${g.paintColdMs.toFixed(1)} ms`],
    ['  first-contentful-paint', g.fcpMedianMs === null ? 'not reported by the browser' : `${g.fcpMedianMs.toFixed(1)} ms median`],
    ['  cross-check from Node', `${g.wallFromGotoMs.toFixed(1)} ms median from the goto() call to the mark (same clock)`],
  ]),
);

const l = await benchLog();
const sized = l.events === 100_000 ? '100,000' : l.events.toLocaleString('en');
console.log(`\nEvent log: record messages from the options page through the background (validated, one writer, resolved when durable)`);
console.log(
  table([
    ['sustained append', `${l.appendEventsPerSec.toFixed(0)} events/s  (${l.appendEvents.toLocaleString('en')} events, ${l.appendConcurrency} in flight; goal ≥ 1,000/s) ${ok(l.appendEventsPerSec >= 1000)}`],
    ['  single sequential sender', `${l.sequentialEventsPerSec.toFixed(0)} events/s  (${l.sequentialEvents.toLocaleString('en')} events, one at a time: each waits for its own commit)`],
    ['fill to the log size', `${(l.fillMs / 1000).toFixed(1)} s for ${l.fillEvents.toLocaleString('en')} events (${l.fillConcurrency} in flight, ${((l.fillEvents / l.fillMs) * 1000).toFixed(0)} events/s)`],
    ['bytes stored per event', `${l.bytesPerEvent.toFixed(0)} B  (storage.estimate() usage ${(l.usageEmptyBytes / 1e6).toFixed(2)} → ${(l.usageFullBytes / 1e6).toFixed(2)} MB)`],
  ]),
);
console.log(`\nLog viewer and export with ${sized} events in the store`);
console.log(
  table([
    ['viewer first paint', `${l.viewerFirstPaintMs.toFixed(1)} ms median, p90 ${l.viewerFirstPaintP90Ms.toFixed(1)} ms  (options page reload → log-viewer-rendered, ${l.viewerRounds} reloads; goal < 500 ms) ${ok(l.viewerFirstPaintMs < 500)}`],
    ['  event count shown', `${l.viewerCountShownMs.toFixed(1)} ms median  ("Events 1–50 of N" on screen)`],
    ['Export NDJSON', `${l.exportNdjsonMs.toFixed(0)} ms  (click → download, median of ${l.exportRounds}; ${(l.exportNdjsonBytes / 1e6).toFixed(1)} MB, ${l.exportNdjsonLines.toLocaleString('en')} events; goal < 3 s) ${ok(l.exportNdjsonMs < 3000)}`],
    ['  until "Exported N events"', `${l.exportNdjsonDoneMs.toFixed(0)} ms  (the page counts the lines and the background records log.exported)`],
    ['Export CSV', `${l.exportCsvMs.toFixed(0)} ms  (click → download, median of ${l.exportRounds}; ${(l.exportCsvBytes / 1e6).toFixed(1)} MB, ${l.exportCsvRows.toLocaleString('en')} events; goal < 3 s) ${ok(l.exportCsvMs < 3000)}`],
    ['  until "Exported N events"', `${l.exportCsvDoneMs.toFixed(0)} ms`],
  ]),
);
const r1 = (x: number) => Math.round(x * 10) / 10;
if (json) {
  console.log(
    JSON.stringify({
      rules: c.rules,
      urls: c.urls,
      classifyNsPerUrl: Math.round(c.classifyNsPerUrl),
      urlParseNsPerUrl: Math.round(c.urlParseNsPerUrl),
      naiveRegexNsPerUrl: Math.round(c.naiveRegexNsPerUrl),
      classifyUniformNsPerUrl: Math.round(c.classifyUniformNsPerUrl),
      urlParseUniformNsPerUrl: Math.round(c.urlParseUniformNsPerUrl),
      compileMs: Math.round(c.compileMs),
      cliCompiledMs: Math.round(cli.compiledMs),
      cliNpxMs: Math.round(cli.npxMs),
      cliTsxMs: Math.round(cli.tsxMs),
      annotateMs: r1(a.annotateMs),
      guardPaintMedianMs: r1(g.paintMedianMs),
      guardPaintP90Ms: r1(g.paintP90Ms),
      guardFcpMedianMs: g.fcpMedianMs === null ? null : r1(g.fcpMedianMs),
      appendEventsPerSec: Math.round(l.appendEventsPerSec),
      appendSequentialEventsPerSec: Math.round(l.sequentialEventsPerSec),
      fillMs: Math.round(l.fillMs),
      bytesPerEvent: Math.round(l.bytesPerEvent),
      viewerFirstPaintMs: r1(l.viewerFirstPaintMs),
      exportNdjsonMs: Math.round(l.exportNdjsonMs),
      exportCsvMs: Math.round(l.exportCsvMs),
      exportNdjsonBytes: l.exportNdjsonBytes,
      exportCsvBytes: l.exportCsvBytes,
      eventsForLogBench: l.events,
    }),
  );
}
