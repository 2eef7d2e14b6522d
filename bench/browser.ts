/**
 * Browser benchmarks with the built extension (.output/chrome-mv3) in real headless Chromium
 * (CHROMIUM_PATH or /usr/bin/chromium), launched as the e2e tests do (launchWithExtension),
 * with the built-in default policy (no managed policy, no root). Every host name resolves to
 * 127.0.0.1:1 (--host-resolver-rules), so nothing leaves the machine.
 *
 * 1. Time to the warning page (issue 4): fresh tabs navigate to https://web.whatsapp.com/,
 *    which the policy warns on; the DNR redirect happens before any connection. The
 *    guard page marks `guard-painted` one frame after it renders; its startTime is ms since
 *    the navigation started. Median and p90 over rounds (the first, cold round is reported
 *    on its own), plus the paint timeline's first-contentful-paint. The yardstick (issue
 *    14): in the same rounds, interleaved, the extension's block page (Telegram) and
 *    Chromium's own URLBlocklist block page, all by first-contentful-paint. That needs a
 *    machine-wide managed policy (root; run under the browser-test lock), written for the
 *    run and removed after.
 * 2. Sustained append rate (issue 3): from the link-check window (the context menu's
 *    check.html), `link.check` requests through the real path (sender check, analysis, one
 *    writer, resolved once durable): N events with a bounded number in flight, then a single
 *    sequential sender. (Pages cannot write events of their own: the background records
 *    what it decided; this is the cheapest decision that writes one.)
 * 3. A log of 100,000 events (same message path, 200 in flight), then: bytes stored per
 *    event (navigator.storage.estimate() usage delta from the empty profile, measured in an
 *    extension page), the viewer's first paint (`log-viewer-rendered`, ms since navigation
 *    start, over reloads of the options page), and Export NDJSON / Export CSV (click to
 *    Playwright's download event, and the file's size).
 *
 * Events are deterministic: a fixed mix of types, hosts, services, actions and reasons.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromeManagedJson } from '../src/cli/deploy/formats.ts';
import { EXTENSION_ID } from '../src/core/identity.ts';
import { POLICY_DIR } from '../test/e2e/managed-policy.ts';
import { launchWithExtension } from '../test/e2e/browser.ts';
import { extensionPage, policyStatus } from '../test/e2e/extension.ts';
import { median } from './util.ts';

/** One kind of page reached by navigation: ms from navigation start (medians of the warm rounds). */
export interface PagePaint {
  /** first-contentful-paint: the one metric every page here reports, the native one included. */
  fcpMedianMs: number;
  fcpP90Ms: number;
  /** Node's goto() call → first contentful paint, on the same clock (median). */
  wallMedianMs: number;
}

export interface GuardBench {
  rounds: number;
  /** navigation start → `guard-painted` (median / p90 / fastest of the warm rounds), warning page. */
  paintMedianMs: number;
  paintP90Ms: number;
  paintMinMs: number;
  /** The first navigation after launch, on its own (cold service worker and caches). */
  paintColdMs: number;
  /** first-contentful-paint of the guard page (median), or null if the browser gave none. */
  fcpMedianMs: number | null;
  /** Cross-check from outside: Node's goto() call → the mark, on the same clock (median). */
  wallFromGotoMs: number;
  /**
   * The yardstick, navigated in the same rounds, interleaved: the extension's warning and
   * block pages and Chromium's own URLBlocklist block page (ERR_BLOCKED_BY_ADMINISTRATOR).
   * Null when the managed-policy folder is not writable (needs root).
   */
  warning: PagePaint | null;
  block: PagePaint | null;
  nativeBlock: PagePaint | null;
  /**
   * Paired per-round ratios (first-contentful-paint of the page ÷ Chromium's own block page
   * in the same round): their median and the width of its 95% interval (order statistics).
   * Rounds are added until that width is under 0.1 (issue 25) or `maxRounds` is reached.
   */
  warningOverNative: RatioFigure | null;
  blockOverNative: RatioFigure | null;
}

export interface RatioFigure {
  median: number;
  /** Width of the 95% confidence interval of the median. */
  spread: number;
  rounds: number;
  converged: boolean;
}

/**
 * The median of `xs` and the width of its distribution-free 95% interval: the order
 * statistics n/2 ± 1.96·√n/2 (sorted), which narrows as rounds are added.
 */
export function medianInterval(xs: number[]): { median: number; spread: number } {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  const half = (1.96 * Math.sqrt(n)) / 2;
  const lo = s[Math.max(0, Math.floor(n / 2 - half))]!;
  const hi = s[Math.min(n - 1, Math.ceil(n / 2 + half))]!;
  return { median: median(s), spread: hi - lo };
}

export interface LogBench {
  appendEvents: number;
  appendConcurrency: number;
  appendEventsPerSec: number;
  sequentialEvents: number;
  sequentialEventsPerSec: number;
  /** Events in the store when the viewer and exports were measured. */
  events: number;
  fillEvents: number;
  fillConcurrency: number;
  fillMs: number;
  usageEmptyBytes: number;
  usageFullBytes: number;
  bytesPerEvent: number;
  viewerRounds: number;
  viewerFirstPaintMs: number;
  viewerFirstPaintP90Ms: number;
  /** Navigation start → the count line ("Events 1–50 of N") on screen (median; rAF-polled). */
  viewerCountShownMs: number;
  exportRounds: number;
  /** Click → download event (median). */
  exportNdjsonMs: number;
  /** Click → "Exported N events" status (median). */
  exportNdjsonDoneMs: number;
  exportNdjsonBytes: number;
  exportNdjsonLines: number;
  exportCsvMs: number;
  exportCsvDoneMs: number;
  exportCsvBytes: number;
  exportCsvRows: number;
}

const RESOLVER = '--host-resolver-rules=MAP * 127.0.0.1:1';

function p90(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.9) - 1)]!;
}

const NATIVE_BLOCKED_HOST = 'blocked-natively.example';
const MANAGED_BENCH_FILE = join(POLICY_DIR, 'telehealth-guard-bench.json');

/**
 * The managed policy for the yardstick: Chromium's URLBlocklist for one host, and the
 * extension's own policy (warn on WhatsApp by category, block Telegram), in one file as
 * `deploy --target chromium-linux` writes it.
 */
function writeBenchPolicy(): boolean {
  try {
    mkdirSync(POLICY_DIR, { recursive: true });
    const managed = JSON.parse(chromeManagedJson({ schemaVersion: 1, policyVersion: 'bench', services: { telegram: 'block' } } as never, EXTENSION_ID)) as Record<string, unknown>;
    managed.URLBlocklist = [NATIVE_BLOCKED_HOST];
    writeFileSync(MANAGED_BENCH_FILE + '.tmp', JSON.stringify(managed));
    renameSync(MANAGED_BENCH_FILE + '.tmp', MANAGED_BENCH_FILE);
    return true;
  } catch {
    return false;
  }
}

interface Visit {
  fcp: number | null;
  mark: number | null;
  wall: number | null;
  heading: string;
  url: string;
}

async function visit(context: BrowserContext, url: string, native: boolean): Promise<Visit> {
  const page = await context.newPage();
  try {
    const t0 = Date.now();
    // The native block page is a navigation error to Playwright; the page is there all the same.
    await page.goto(url, { waitUntil: 'commit' }).catch((e: Error) => {
      if (!native || !String(e).includes('ERR_BLOCKED_BY_ADMINISTRATOR')) throw e;
    });
    if (!native) await page.waitForFunction(() => performance.getEntriesByName('guard-painted').length > 0, undefined, { timeout: 15_000 });
    // Paint entries can land a frame after the mark.
    await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0, undefined, { timeout: 5_000 }).catch(() => undefined);
    const r = await page.evaluate(() => ({
      mark: performance.getEntriesByName('guard-painted')[0]?.startTime ?? null,
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
      origin: performance.timeOrigin,
      heading: document.querySelector('h1')?.textContent ?? document.body?.innerText.split('\n')[0] ?? '',
      url: location.href,
    }));
    return { fcp: r.fcp, mark: r.mark, wall: r.fcp === null ? null : r.origin + r.fcp - t0, heading: r.heading, url: r.url };
  } finally {
    await page.close();
  }
}

function paintOf(visits: Visit[]): PagePaint {
  const fcp = visits.map((v) => v.fcp).filter((x): x is number => x !== null);
  const wall = visits.map((v) => v.wall).filter((x): x is number => x !== null);
  if (fcp.length === 0) throw new Error('guard bench: no first-contentful-paint reported');
  return { fcpMedianMs: median(fcp), fcpP90Ms: p90(fcp), wallMedianMs: median(wall) };
}

const SPREAD_GOAL = 0.1;

export async function benchGuard(opts: { rounds?: number; maxRounds?: number } = {}): Promise<GuardBench> {
  const minRounds = opts.rounds ?? 20;
  const maxRounds = opts.maxRounds ?? 200;
  let rounds = 0;
  const managed = writeBenchPolicy();
  const b = await launchWithExtension({ args: [RESOLVER] });
  const warning: Visit[] = [];
  const block: Visit[] = [];
  const nativeBlock: Visit[] = [];
  let cold = NaN;
  try {
    // The policy's DNR rules are installed shortly after start-up: wait for them, and with
    // the managed policy (it arrives a few seconds later) until Telegram is blocked.
    const deadline = Date.now() + 40_000;
    const admin = managed ? await extensionPage(b.context, b.extensionId) : null;
    for (;;) {
      if (Date.now() > deadline) throw new Error('guard bench: the extension did not apply its policy within 40 s');
      await new Promise((r) => setTimeout(r, 250));
      const rules = await b.worker.evaluate(async () => (await chrome.declarativeNetRequest.getDynamicRules()).length);
      if (rules === 0) continue;
      if (!admin) break;
      const status = await policyStatus(admin).catch(() => null);
      if (status?.source !== 'managed' || status.policyVersion !== 'bench') continue;
      const probe = await visit(b.context, 'https://web.telegram.org/', false).catch(() => null);
      if (probe?.heading === 'Blocked for patient work') break;
    }
    await admin?.close();
    const kinds: Array<[Visit[], string, boolean, string]> = [
      [warning, 'https://web.whatsapp.com/', false, 'Check before you continue'],
      ...(managed
        ? ([
            [block, 'https://web.telegram.org/', false, 'Blocked for patient work'],
            [nativeBlock, `https://${NATIVE_BLOCKED_HOST}/`, true, 'This page is blocked'],
          ] as Array<[Visit[], string, boolean, string]>)
        : []),
    ];
    const spreadOf = (a: Visit[], b: Visit[]) => ratioOf(a, b).spread;
    const done = (round: number) =>
      round > minRounds && (!managed || round > maxRounds || (spreadOf(warning, nativeBlock) < SPREAD_GOAL && spreadOf(block, nativeBlock) < SPREAD_GOAL));
    for (let round = 0; !done(round); round++) {
      rounds = round;
      // Interleaved, in a rotating order: each kind sees the same machine and the same load.
      for (let k = 0; k < kinds.length; k++) {
        const [into, url, native, heading] = kinds[(round + k) % kinds.length]!;
        const v = await visit(b.context, url, native);
        if (!v.heading.includes(heading)) throw new Error(`guard bench: ${url} showed "${v.heading}" at ${v.url}, expected "${heading}"`);
        if (round === 0) {
          if (into === warning) cold = v.mark ?? NaN;
          continue;
        }
        into.push(v);
      }
    }
  } finally {
    await b.close();
    rmSync(MANAGED_BENCH_FILE, { force: true });
  }
  const marks = warning.map((v) => v.mark!);
  const fcp = warning.map((v) => v.fcp).filter((x): x is number => x !== null);
  return {
    rounds,
    paintMedianMs: median(marks),
    paintP90Ms: p90(marks),
    paintMinMs: Math.min(...marks),
    paintColdMs: cold,
    fcpMedianMs: fcp.length > 0 ? median(fcp) : null,
    wallFromGotoMs: median(warning.map((v) => v.wall ?? v.mark!)),
    warning: managed ? paintOf(warning) : null,
    block: managed ? paintOf(block) : null,
    nativeBlock: managed ? paintOf(nativeBlock) : null,
    warningOverNative: managed ? ratioOf(warning, nativeBlock) : null,
    blockOverNative: managed ? ratioOf(block, nativeBlock) : null,
  };
}

function ratioOf(a: Visit[], b: Visit[]): RatioFigure {
  const paired = a.flatMap((v, i) => (v.fcp !== null && b[i]?.fcp ? [v.fcp / b[i]!.fcp!] : []));
  const m = medianInterval(paired);
  return { ...m, rounds: paired.length, converged: m.spread < SPREAD_GOAL };
}

interface SendResult {
  ms: number;
  sent: number;
  failed: number;
  firstError: string | null;
}

/**
 * Send `n` record messages from an extension page, at most `concurrency` in flight, events
 * numbered from `offset` (deterministic mix). Timed inside the page.
 */
async function send(page: Page, n: number, concurrency: number, offset: number): Promise<SendResult> {
  // tsx (esbuild keepNames) wraps named inner functions in __name(): give the page one.
  await page.evaluate('globalThis.__name ??= (f) => f');
  return page.evaluate(
    async ([n, concurrency, offset]) => {
      // Meeting links of every kind, so actions and findings vary like a real log's.
      const SHAPES = ['https://h{n}.zoom.us/j/81234567890?pwd=x', 'https://us05web.zoom.us/j/6045550{n}', 'https://zoom.us/s/8123456{n}?zak=x', 'https://meet.google.com/abc-defg-hij?n={n}', 'https://h{n}.webex.com/meet/dr.{n}', 'https://doxy.me/room{n}', 'https://meet.jit.si/room{n}'];
      const url = (i: number) => SHAPES[i % SHAPES.length]!.replaceAll('{n}', String(100 + ((i * 7919) % 900)));
      let next = 0;
      let failed = 0;
      let firstError: string | null = null;
      const lane = async () => {
        while (next < n) {
          const i = offset + next++;
          try {
            const r = (await chrome.runtime.sendMessage({ kind: 'link.check', url: url(i) })) as { analysis?: unknown } | undefined;
            if (r?.analysis === undefined) {
              failed++;
              firstError ??= JSON.stringify(r);
            }
          } catch (e) {
            failed++;
            firstError ??= String(e);
          }
        }
      };
      const t0 = performance.now();
      await Promise.all(Array.from({ length: Math.min(concurrency, n) }, lane));
      return { ms: performance.now() - t0, sent: n, failed, firstError };
    },
    [n, concurrency, offset] as const,
  );
}

function checkSent(what: string, r: SendResult): void {
  if (r.failed > 0) throw new Error(`${what}: ${r.failed} of ${r.sent} record messages failed; first: ${r.firstError}`);
}

/** Events in the store, read from the extension's IndexedDB in an extension page. */
function storedEvents(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('telehealth-guard');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction('events').objectStore('events').count();
          req.onsuccess = () => {
            db.close();
            resolve(req.result);
          };
          req.onerror = () => reject(req.error);
        };
      }),
  );
}

/**
 * The origin's usage from navigator.storage.estimate(). Chromium updates it lazily and
 * IndexedDB's LevelDB compacts in the background, so read it once a second until two
 * readings agree (at most 15 s) and take the last.
 */
async function usage(page: Page): Promise<number> {
  let last = NaN;
  for (let i = 0; i < 15; i++) {
    await page.waitForTimeout(1000);
    const u = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? NaN);
    if (u === last) return u;
    last = u;
  }
  return last;
}

interface ExportRound {
  /** Click → the download event. */
  ms: number;
  /** Click → the page's "Exported N events" status (after it counted them and the background recorded log.exported). */
  doneMs: number;
  bytes: number;
  lines: number;
}

async function exportOnce(page: Page, name: 'Export NDJSON' | 'Export CSV'): Promise<ExportRound> {
  const button = page.getByRole('button', { name, exact: true });
  await button.waitFor();
  const status = page.getByRole('status');
  const before = (await status.count()) > 0 ? await status.textContent() : null;
  const downloaded = page.waitForEvent('download', { timeout: 60_000 });
  const t0 = performance.now();
  await button.click();
  const download = await downloaded;
  const ms = performance.now() - t0;
  const path = await download.path();
  const failure = await download.failure();
  if (failure) throw new Error(`${name}: download failed: ${failure}`);
  const bytes = statSync(path).size;
  // The page records log.exported afterwards; wait for it so rounds do not overlap.
  await page.waitForFunction(
    (prev) => {
      const s = document.querySelector('[role="status"]')?.textContent ?? null;
      return s !== null && s !== prev && s.startsWith('Exported');
    },
    before,
    { timeout: 60_000 },
  );
  const doneMs = performance.now() - t0;
  const text = (await status.textContent()) ?? '';
  const lines = Number(/Exported (\d+)/.exec(text)?.[1] ?? NaN);
  await download.delete();
  return { ms, doneMs, bytes, lines };
}

export async function benchLog(
  opts: { appendEvents?: number; appendConcurrency?: number; sequentialEvents?: number; totalEvents?: number; fillConcurrency?: number; viewerRounds?: number; exportRounds?: number } = {},
): Promise<LogBench> {
  const appendEvents = opts.appendEvents ?? 5000;
  const appendConcurrency = opts.appendConcurrency ?? 50;
  const sequentialEvents = opts.sequentialEvents ?? 1000;
  const totalEvents = opts.totalEvents ?? 100_000;
  const fillConcurrency = opts.fillConcurrency ?? 200;
  const viewerRounds = opts.viewerRounds ?? 9;
  const exportRounds = opts.exportRounds ?? 3;

  const b = await launchWithExtension({ args: [RESOLVER] });
  const ctx: BrowserContext = b.context;
  try {
    // The options page for the viewer and exports; events are written by link checks from
    // the link-check window (pages cannot write events of their own).
    const page = await extensionPage(ctx, b.extensionId, 'options.html');
    const checker = await extensionPage(ctx, b.extensionId, 'check.html');
    await page.getByRole('button', { name: 'Export NDJSON', exact: true }).waitFor();
    // Empty profile: whatever the extension wrote at start-up (policy.applied, install id).
    const usageEmptyBytes = await usage(page);
    const startEvents = await storedEvents(page);

    // Warm-up: the background's engine, the store's connection, the JIT.
    let offset = 0;
    const warm = await send(checker, 200, 10, offset);
    checkSent('warm-up', warm);
    offset += warm.sent;

    const burst = await send(checker, appendEvents, appendConcurrency, offset);
    checkSent('append', burst);
    offset += burst.sent;

    const seq = await send(checker, sequentialEvents, 1, offset);
    checkSent('sequential append', seq);
    offset += seq.sent;

    const have = await storedEvents(page);
    const fillEvents = Math.max(0, totalEvents - have);
    const fill = await send(checker, fillEvents, fillConcurrency, offset);
    checkSent('fill', fill);
    const events = await storedEvents(page);
    const usageFullBytes = await usage(page);
    const bytesPerEvent = (usageFullBytes - usageEmptyBytes) / (events - startEvents);

    // Viewer first paint: reloads of the options page with the full log.
    const paints: number[] = [];
    const counts: number[] = [];
    for (let round = 0; round <= viewerRounds; round++) {
      await page.reload();
      await page.waitForFunction(() => performance.getEntriesByName('log-viewer-rendered').length > 0, undefined, { timeout: 30_000 });
      const shown = await page.waitForFunction(
        () => {
          const t = document.querySelector('[data-testid="event-count"]')?.textContent ?? '';
          return /^Events 1–\d+ of \d+/.test(t) ? performance.now() : false;
        },
        undefined,
        { polling: 'raf', timeout: 30_000 },
      );
      const countShown = (await shown.jsonValue()) as number;
      const mark = await page.evaluate(() => performance.getEntriesByName('log-viewer-rendered')[0]!.startTime);
      if (round === 0) continue; // warm-up: caches, compiled code
      paints.push(mark);
      counts.push(countShown);
    }

    const ndjson: ExportRound[] = [];
    const csv: ExportRound[] = [];
    for (let round = 0; round < exportRounds; round++) {
      ndjson.push(await exportOnce(page, 'Export NDJSON'));
      csv.push(await exportOnce(page, 'Export CSV'));
    }
    const mid = <T extends { ms: number }>(xs: T[]): T => [...xs].sort((a, b) => a.ms - b.ms)[Math.floor(xs.length / 2)]!;

    return {
      appendEvents,
      appendConcurrency,
      appendEventsPerSec: (burst.sent / burst.ms) * 1000,
      sequentialEvents,
      sequentialEventsPerSec: (seq.sent / seq.ms) * 1000,
      events,
      fillEvents,
      fillConcurrency,
      fillMs: fill.ms,
      usageEmptyBytes,
      usageFullBytes,
      bytesPerEvent,
      viewerRounds,
      viewerFirstPaintMs: median(paints),
      viewerFirstPaintP90Ms: p90(paints),
      viewerCountShownMs: median(counts),
      exportRounds,
      exportNdjsonMs: mid(ndjson).ms,
      exportNdjsonDoneMs: median(ndjson.map((r) => r.doneMs)),
      exportNdjsonBytes: mid(ndjson).bytes,
      exportNdjsonLines: mid(ndjson).lines,
      exportCsvMs: mid(csv).ms,
      exportCsvDoneMs: median(csv.map((r) => r.doneMs)),
      exportCsvBytes: mid(csv).bytes,
      exportCsvRows: mid(csv).lines,
    };
  } finally {
    await b.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchGuard());
  console.log(await benchLog({ totalEvents: Number(process.env.BENCH_LOG_EVENTS ?? 100_000) }));
}
