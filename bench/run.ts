/**
 * `npm run bench` — measured numbers with ratios, never timed tests.
 * `npm run bench -- --json` prints, as its last line, one JSON object with the figures.
 */
import { benchClassify, type MixFigures } from './classify.ts';
import { describeLoad, loadNow, table, verdict, withLoad, type SectionLoad } from './util.ts';
import { benchAnnotate } from './annotate.ts';
import { benchGuard, benchLog } from './browser.ts';
import { benchCliStart } from './cli-start.ts';
import { benchLogTools, logToolsReport } from './logs.ts';
import { benchFleet, printFleet } from './fleet.ts';
import { benchCaptureScripts, benchDnrFloor, benchPageLoad, type LoadRatio } from './page-load.ts';
import { printDataProtection } from './data-protection.ts';

const json = process.argv.includes('--json');
const x = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const ns = (v: number) => `${v.toFixed(0)} ns`;
const loads: Record<string, SectionLoad> = {};
console.log(`Machine: ${loadNow().cpus} CPUs, load ${loadNow().load1} (1-min average). Timings are medians of interleaved rounds; on a shared machine they vary 10–30% between runs.`);

const { result: c, load: classifyLoad } = await withLoad(() => benchClassify());
loads.classify = classifyLoad;
const tableKept = (b: typeof c) => Math.min(b.skewed.classifyNs / b.skewed.mapWalkNs, b.uniform.classifyNs / b.uniform.mapWalkNs) < 0.95;
const row = (name: string, m: MixFigures) =>
  [name, `${ns(m.classifyNs)}/URL = ${x(m.classifyNs, m.urlParseNs)} new URL (${ns(m.urlParseNs)}), ${x(m.classifyNs, m.mapWalkNs)} Map walk (${ns(m.mapWalkNs)}), ${x(m.sampleClassifyNs, m.ghosteryNs)} Ghostery (${ns(m.ghosteryNs)}; match alone ${ns(m.ghosteryMatchNs)} = ${x(m.sampleClassifyNs, m.ghosteryMatchNs)})`] as [string, string];
console.log(`\nClassifier: ${c.urls.toLocaleString('en')} URLs against ${c.rules.toLocaleString('en')} rules (+ catalog), ${c.rounds} interleaved rounds; Ghostery on ${c.ghosteryUrls.toLocaleString('en')} of them (${describeLoad(classifyLoad)})`);
console.log(
  table([
    row('browsing-like (Zipf) mix', c.skewed),
    row('uniform mix (cache-cold)', c.uniform),
    ['agreement', `Map walk: ${c.mapWalkDifferences} differences (any field) over ${(c.urls * 2).toLocaleString('en')} URLs; Ghostery: ${c.ghosteryDisagreements} stop/let-through differences over ${(c.ghosteryUrls * 2).toLocaleString('en')}`],
    ['goal: ≤ 2× new URL', verdict(c.skewed.classifyNs <= 2 * c.skewed.urlParseNs, classifyLoad)],
    // docs/lookalikes.md: the one guard decision with look-alike checks, against classify alone.
    ['with look-alike checks', `browsing-like mix ${ns(c.skewed.lookalikeNs)}/URL = ${x(c.skewed.lookalikeNs, c.skewed.classifyNs)} classify alone; uniform ${ns(c.uniform.lookalikeNs)}/URL = ${x(c.uniform.lookalikeNs, c.uniform.classifyNs)}`],
    // Issue 14: the packed host table stays only while it beats the same classifier on a plain Map by > 5% on some mix.
    ['table vs Map (issue 14)', tableKept(c) ? `table kept: > 5% faster on some mix` : `within 5% on every mix: a plain Map would do${classifyLoad.underLoad ? ' (measured under load: check on a quiet machine)' : ''}`],
  ]),
);
console.log('\nCompile time and heap kept, each in a fresh process (heap: JS heap + typed arrays, median of 2 processes × 3 copies)');
console.log(
  table(
    c.sizes.map((z) => [
      `${z.rules.toLocaleString('en')} rules`,
      `classify ${z.classifyCompileMs.toFixed(1)} ms, ${z.classifyHeapMB.toFixed(2)} MB  |  Ghostery ${z.ghosteryCompileMs.toFixed(1)} ms, ${z.ghosteryHeapMB.toFixed(2)} MB${z.rules === 10_000 ? `  (goal ≤ Ghostery's heap, issue 25: ${z.classifyHeapMB <= z.ghosteryHeapMB ? 'OK' : 'MISSED'})` : ''}`,
    ]),
  ),
);
console.log(`  (footnote: one regex per rule, first match: ${(c.naiveRegexNsPerUrl / 1e6).toFixed(1)} ms/URL on ${c.naiveSampleUrls} URLs — no one's real baseline)`);
const heap10k = c.sizes.find((z) => z.rules === 10_000)!;

// Command-line start-up (docs/command-line-and-pages.md: one URL classified well under half a second, cold).
const { result: cli, load: cliLoad } = await withLoad(() => benchCliStart());
loads.cli = cliLoad;
console.log(`\nCommand line: one URL classified by a new process (classify ${'https://web.whatsapp.com/'}), median of ${cli.rounds}`);
console.log(
  table([
    ['compiled (node bin/…)', `${cli.compiledMs.toFixed(0)} ms  (goal < 500 ms) ${verdict(cli.compiledMs < 500, cliLoad)}  [node alone: ${cli.nodeOnlyMs.toFixed(0)} ms; ${describeLoad(cliLoad)}]`],
    ['  via npx telehealth-guard', `${cli.npxMs.toFixed(0)} ms  (npx itself costs about 0.3 s) ${verdict(cli.npxMs < 500, cliLoad)}`],
    ['before: tsx on the sources', `${cli.tsxMs.toFixed(0)} ms  (compiled is ${(cli.tsxMs / cli.compiledMs).toFixed(1)}× faster)`],
  ]),
);

// Data protection (docs/data-protection.md): pasted text checked in < 5 ms per 100 KB; false positives per detector.
const { figures: dp, load: dataLoad } = await printDataProtection();
loads.dataProtection = dataLoad;

// In-page annotation of meeting links (docs/command-line-and-pages.md: under 50 ms on a page of 5,000 links).
const { result: a, load: annotateLoad } = await withLoad(() => benchAnnotate());
loads.annotate = annotateLoad;
console.log(`\nIn-page annotation: ${a.links.toLocaleString('en')} links (${a.meetingLinks} meeting links), real headless Chromium, median of ${a.rounds} fresh pages (fastest ${a.annotateMinMs.toFixed(1)} ms)`);
console.log(
  table([
    ['annotate (start → markers)', `${a.annotateMs.toFixed(1)} ms  (goal < 50 ms) ${verdict(a.annotateMs < 50, annotateLoad)}  [${describeLoad(annotateLoad)}; ${a.markers} markers, ${a.checks} analyser calls: ${a.checkMs.toFixed(1)} ms when repeated warm]`],
    ['  + style and layout', `${a.annotateWithLayoutMs.toFixed(1)} ms  (browser's own reflow for the markers; one full relayout of the page: ${a.pageRelayoutMs.toFixed(1)} ms)`],
    ['later message, 200 links', `${a.laterBatchMs.toFixed(1)} ms  (MutationObserver batch, next frame)`],
  ]),
);
// Browser benchmarks with the built extension (bench/browser.ts), default policy, all hosts mapped to 127.0.0.1:1.
const { result: g, load: guardLoad } = await withLoad(() => benchGuard());
loads.guard = guardLoad;
console.log(`\nTime to the warning page: fresh tabs to https://web.whatsapp.com/ (warned), DNR redirect before any connection, median of ${g.rounds} navigations after one cold (${describeLoad(guardLoad)})`);
console.log(
  table([
    ['navigation start → painted', `${g.paintMedianMs.toFixed(1)} ms median, p90 ${g.paintP90Ms.toFixed(1)} ms, fastest ${g.paintMinMs.toFixed(1)} ms  (mark guard-painted, one frame after render)`],
    ['  first navigation (cold)', `${g.paintColdMs.toFixed(1)} ms`],
    ['  first-contentful-paint', g.fcpMedianMs === null ? 'not reported by the browser' : `${g.fcpMedianMs.toFixed(1)} ms median`],
    ['  cross-check from Node', `${g.wallFromGotoMs.toFixed(1)} ms median from the goto() call to the mark (same clock)`],
    ...(g.warning && g.block && g.nativeBlock
      ? ([
          ['yardstick (first-contentful-paint, interleaved)', `warning ${g.warning.fcpMedianMs.toFixed(0)} ms, block ${g.block.fcpMedianMs.toFixed(0)} ms, Chromium's own URLBlocklist page ${g.nativeBlock.fcpMedianMs.toFixed(0)} ms`],
          ['  warning ÷ native block page', `${g.warningOverNative!.median.toFixed(2)}× ± ${(g.warningOverNative!.spread / 2).toFixed(2)} (median of ${g.warningOverNative!.rounds} paired rounds, 95% interval width ${g.warningOverNative!.spread.toFixed(2)}${g.warningOverNative!.converged ? '' : ', NOT under 0.1 at the round limit'}; goal ≤ 1.0: ${verdict(g.warningOverNative!.median <= 1, guardLoad)})`],
          ['  block ÷ native block page', `${g.blockOverNative!.median.toFixed(2)}× ± ${(g.blockOverNative!.spread / 2).toFixed(2)}  (p90 ${g.warning.fcpP90Ms.toFixed(0)} / ${g.block.fcpP90Ms.toFixed(0)} / ${g.nativeBlock.fcpP90Ms.toFixed(0)} ms)`],
        ] as Array<[string, string]>)
      : ([['yardstick', 'not measured: the managed-policy folder is not writable (needs root)']] as Array<[string, string]>)),
  ]),
);

// What the guard costs on allowed pages (issue 25): the same Chromium with and without the extension.
const { result: pl, load: pageLoad } = await withLoad(() => benchPageLoad());
loads.pageLoad = pageLoad;
const { result: dnr, load: dnrLoad } = await withLoad(() => benchDnrFloor());
loads.dnrFloor = dnrLoad;
const lr = (r: LoadRatio) => `${r.ratio.toFixed(3)}× (interquartile spread ${r.spread.toFixed(3)}; ${r.withMs.toFixed(0)} vs ${r.withoutMs.toFixed(0)} ms median, ${r.rounds} interleaved rounds)`;
console.log(`\nAllowed pages, with ÷ without the extension (built-in default policy), load event, median of per-round ratios (${describeLoad(pageLoad)})`);
console.log(
  table([
    ['page with 20 images', `${lr(pl.images)}  goal ≤ 1.02: ${verdict(pl.images.ratio <= 1.02, pageLoad)}`],
    ['page with 10 same-site iframes', `${lr(pl.frames)}  goal ≤ 1.05: ${verdict(pl.frames.ratio <= 1.05, pageLoad)}`],
    ['yardstick: a DNR-only extension', `20 images ${lr(dnr.images)}; 10 iframes ${lr(dnr.frames)}  (one static rule, no worker, no script: the request proxy every blocking extension brings; ${describeLoad(dnrLoad)})`],
    ['  the guard ÷ that floor', `20 images ${(pl.images.ratio / dnr.images.ratio).toFixed(3)}×, 10 iframes ${(pl.frames.ratio / dnr.frames.ratio).toFixed(3)}×`],
    ['service worker heap, 5,000 rules', pl.swHeapMB5k === null ? 'not measured: the managed-policy folder is not writable (needs root)' : `${pl.swHeapMB5k.toFixed(2)} MB after ${pl.swNavigations.toLocaleString('en')} navigations (CDP Runtime.getHeapUsage after a collection)`],
  ]),
);

// The camera-and-microphone scripts every frame of every page carries (issue 20, docs/camera-and-microphone.md):
// the same extension with and without its <all_urls> content scripts, so the ratio is theirs alone.
const { result: cs, load: csLoad } = await withLoad(() => benchCaptureScripts());
loads.captureScripts = csLoad;
console.log(`\nCapture scripts on every frame (${cs.scripts.map((f) => `${f.file} ${(f.bytes / 1024).toFixed(1)} KB ${f.world}`).join(', ')}): with ÷ without them, same extension and policy (${describeLoad(csLoad)})`);
console.log(
  table([
    ['page with 20 images', `${lr(cs.images)}`],
    ['page with 10 same-site iframes', `${lr(cs.frames)}  goal ≤ 1.05: ${verdict(cs.frames.ratio <= 1.05, csLoad)}`],
    ['  script time per load, 11 documents', `${cs.scriptMsWith.toFixed(2)} ms with, ${cs.scriptMsWithout.toFixed(2)} ms without (CDP ScriptDuration, median of ${cs.frames.rounds})`],
  ]),
);

// The event-log browser bench records through extension-page messages; when the
// extension refuses them (only the background writes events since 1.1), say so and go on.
let l: Awaited<ReturnType<typeof benchLog>> | null = null;
let logLoad: SectionLoad | null = null;
try {
  const r = await withLoad(() => benchLog());
  l = r.result;
  logLoad = r.load;
  loads.log = r.load;
} catch (e) {
  console.log(`\nEvent log in the browser: not measured (${(e instanceof Error ? e.message : String(e)).split('\n')[0]})`);
}
if (l && logLoad) {
  const ll = l;
  const lload = logLoad;
  const ok = (pass: boolean) => verdict(pass, lload);
  const sized = ll.events === 100_000 ? '100,000' : ll.events.toLocaleString('en');
  console.log(`\nEvent log: record messages from the options page through the background (validated, one writer, resolved when durable) (${describeLoad(lload)})`);
  console.log(
    table([
      ['sustained append', `${ll.appendEventsPerSec.toFixed(0)} events/s  (${ll.appendEvents.toLocaleString('en')} events, ${ll.appendConcurrency} in flight; goal ≥ 1,000/s) ${ok(ll.appendEventsPerSec >= 1000)}`],
      ['  single sequential sender', `${ll.sequentialEventsPerSec.toFixed(0)} events/s  (${ll.sequentialEvents.toLocaleString('en')} events, one at a time: each waits for its own commit)`],
      ['fill to the log size', `${(ll.fillMs / 1000).toFixed(1)} s for ${ll.fillEvents.toLocaleString('en')} events (${ll.fillConcurrency} in flight, ${((ll.fillEvents / ll.fillMs) * 1000).toFixed(0)} events/s)`],
      ['bytes stored per event', `${ll.bytesPerEvent.toFixed(0)} B  (storage.estimate() usage ${(ll.usageEmptyBytes / 1e6).toFixed(2)} → ${(ll.usageFullBytes / 1e6).toFixed(2)} MB)`],
    ]),
  );
  console.log(`\nLog viewer and export with ${sized} events in the store`);
  console.log(
    table([
      ['viewer first paint', `${ll.viewerFirstPaintMs.toFixed(1)} ms median, p90 ${ll.viewerFirstPaintP90Ms.toFixed(1)} ms  (options page reload → log-viewer-rendered, ${ll.viewerRounds} reloads; goal < 500 ms) ${ok(ll.viewerFirstPaintMs < 500)}`],
      ['  event count shown', `${ll.viewerCountShownMs.toFixed(1)} ms median  ("Events 1–50 of N" on screen)`],
      ['Export NDJSON', `${ll.exportNdjsonMs.toFixed(0)} ms  (click → download, median of ${ll.exportRounds}; ${(ll.exportNdjsonBytes / 1e6).toFixed(1)} MB, ${ll.exportNdjsonLines.toLocaleString('en')} events; goal < 3 s) ${ok(ll.exportNdjsonMs < 3000)}`],
      ['  until "Exported N events"', `${ll.exportNdjsonDoneMs.toFixed(0)} ms  (the page counts the lines and the background records log.exported)`],
      ['Export CSV', `${ll.exportCsvMs.toFixed(0)} ms  (click → download, median of ${ll.exportRounds}; ${(ll.exportCsvBytes / 1e6).toFixed(1)} MB, ${ll.exportCsvRows.toLocaleString('en')} events; goal < 3 s) ${ok(ll.exportCsvMs < 3000)}`],
      ['  until "Exported N events"', `${ll.exportCsvDoneMs.toFixed(0)} ms`],
    ]),
  );
}

const { result: t, load: toolsLoad } = await withLoad(() => benchLogTools());
loads.logTools = toolsLoad;
const logTools = logToolsReport(t, toolsLoad);
console.log(logTools.text);

// A fleet in ClickHouse (issue 22): 1,000 installs × 10,000 events unless TG_BENCH_FLEET_INSTALLS / _EVENTS say less.
const fleetEnv = (k: string) => (process.env[k] ? Number(process.env[k]) : undefined);
const { result: fl, load: fleetLoad } = await withLoad(() => benchFleet({ installs: fleetEnv('TG_BENCH_FLEET_INSTALLS'), eventsPerInstall: fleetEnv('TG_BENCH_FLEET_EVENTS') }));
loads.fleet = fleetLoad;
printFleet(fl, fleetLoad);

const r1 = (v: number) => Math.round(v * 10) / 10;
const r2 = (v: number) => Math.round(v * 100) / 100;
if (json) {
  console.log(
    JSON.stringify({
      rules: c.rules,
      urls: c.urls,
      classifyNsPerUrl: Math.round(c.skewed.classifyNs),
      lookalikeNsPerUrl: Math.round(c.skewed.lookalikeNs),
      lookalikeOverClassify: r2(c.skewed.lookalikeNs / c.skewed.classifyNs),
      lookalikeOverClassifyUniform: r2(c.uniform.lookalikeNs / c.uniform.classifyNs),
      urlParseNsPerUrl: Math.round(c.skewed.urlParseNs),
      naiveRegexNsPerUrl: Math.round(c.naiveRegexNsPerUrl),
      classifyUniformNsPerUrl: Math.round(c.uniform.classifyNs),
      urlParseUniformNsPerUrl: Math.round(c.uniform.urlParseNs),
      compileMs: r1(heap10k.classifyCompileMs),
      classifyOverUrlParse: r2(c.skewed.classifyNs / c.skewed.urlParseNs),
      classifyOverUrlParseUniform: r2(c.uniform.classifyNs / c.uniform.urlParseNs),
      classifyOverMapWalk: r2(c.skewed.classifyNs / c.skewed.mapWalkNs),
      classifyOverMapWalkUniform: r2(c.uniform.classifyNs / c.uniform.mapWalkNs),
      tableKept: tableKept(c),
      classifyOverGhostery: r2(c.skewed.sampleClassifyNs / c.skewed.ghosteryNs),
      classifyOverGhosteryUniform: r2(c.uniform.sampleClassifyNs / c.uniform.ghosteryNs),
      classifyOverGhosteryMatch: r2(c.skewed.sampleClassifyNs / c.skewed.ghosteryMatchNs),
      mapWalkDifferences: c.mapWalkDifferences,
      ghosteryDisagreements: c.ghosteryDisagreements,
      heapMB10k: r2(heap10k.classifyHeapMB),
      ghosteryHeapMB10k: r2(heap10k.ghosteryHeapMB),
      sizes: c.sizes.map((z) => ({ rules: z.rules, compileMs: r1(z.classifyCompileMs), heapMB: r2(z.classifyHeapMB), ghosteryCompileMs: r1(z.ghosteryCompileMs), ghosteryHeapMB: r2(z.ghosteryHeapMB) })),
      cliCompiledMs: Math.round(cli.compiledMs),
      cliNpxMs: Math.round(cli.npxMs),
      cliTsxMs: Math.round(cli.tsxMs),
      annotateMs: r1(a.annotateMs),
      guardPaintMedianMs: r1(g.paintMedianMs),
      guardPaintP90Ms: r1(g.paintP90Ms),
      guardFcpMedianMs: g.fcpMedianMs === null ? null : r1(g.fcpMedianMs),
      warningFcpMs: g.warning ? r1(g.warning.fcpMedianMs) : null,
      blockFcpMs: g.block ? r1(g.block.fcpMedianMs) : null,
      nativeBlockFcpMs: g.nativeBlock ? r1(g.nativeBlock.fcpMedianMs) : null,
      warningOverNativeBlock: g.warningOverNative ? r2(g.warningOverNative.median) : null,
      warningOverNativeBlockSpread: g.warningOverNative ? r2(g.warningOverNative.spread) : null,
      blockOverNativeBlock: g.blockOverNative ? r2(g.blockOverNative.median) : null,
      blockOverNativeBlockSpread: g.blockOverNative ? r2(g.blockOverNative.spread) : null,
      guardRounds: g.rounds,
      pageLoadOverNoExtension: Math.round(pl.images.ratio * 1000) / 1000,
      pageLoadOverNoExtensionSpread: Math.round(pl.images.spread * 1000) / 1000,
      pageLoadOverNoExtensionFrames: Math.round(pl.frames.ratio * 1000) / 1000,
      pageLoadOverNoExtensionFramesSpread: Math.round(pl.frames.spread * 1000) / 1000,
      pageLoadDnrOnlyOverNoExtension: Math.round(dnr.images.ratio * 1000) / 1000,
      pageLoadDnrOnlyOverNoExtensionFrames: Math.round(dnr.frames.ratio * 1000) / 1000,
      swHeapMB5k: pl.swHeapMB5k === null ? null : r2(pl.swHeapMB5k),
      captureScriptsOverNone: Math.round(cs.images.ratio * 1000) / 1000,
      captureScriptsOverNoneFrames: Math.round(cs.frames.ratio * 1000) / 1000,
      captureScriptMsFrames: { with: r2(cs.scriptMsWith), without: r2(cs.scriptMsWithout) },
      appendEventsPerSec: l ? Math.round(l.appendEventsPerSec) : null,
      appendSequentialEventsPerSec: l ? Math.round(l.sequentialEventsPerSec) : null,
      fillMs: l ? Math.round(l.fillMs) : null,
      bytesPerEvent: l ? Math.round(l.bytesPerEvent) : null,
      viewerFirstPaintMs: l ? r1(l.viewerFirstPaintMs) : null,
      exportNdjsonMs: l ? Math.round(l.exportNdjsonMs) : null,
      exportCsvMs: l ? Math.round(l.exportCsvMs) : null,
      exportNdjsonBytes: l ? l.exportNdjsonBytes : null,
      exportCsvBytes: l ? l.exportCsvBytes : null,
      eventsForLogBench: l ? l.events : null,
      ...logTools.json,
      fleetEvents: fl.events,
      fleetLoadEventsPerSec: Math.round(fl.load.eventsPerSec),
      fleetReportMs: fl.report ? Math.round(fl.report.ms) : null,
      fleetVerifyMs: fl.verify ? Math.round(fl.verify.ms) : null,
      fleetLogsReportMs: Math.round(fl.logsReport.ms),
      fleetServerPeakMB: Math.round(fl.serverPeakMB),
      fleetSameFigures: fl.sameTotals,
      dataScanMs100k: Object.fromEntries(Object.entries(dp.texts).map(([k, v]) => [k, r2(v.scanMs)])),
      dataScanOverNaive: Object.fromEntries(Object.entries(dp.texts).map(([k, v]) => [k, r2(v.scanMs / v.naiveMs)])),
      dataFile1MiBMs: r1(dp.fileMiBMs),
      dataWorstPatternMs100k: r2(dp.worstPatternMs),
      dataFalsePositivesPer10kLines: Object.fromEntries(dp.perDetector.map((p) => [p.id, r1(p.flaggedPer10k)])),
      cpus: loadNow().cpus,
      load: Object.fromEntries(Object.entries(loads).map(([k, v]) => [k, { start: v.start.load1, end: v.end.load1, underLoad: v.underLoad }])),
    }),
  );
}
