/**
 * What the guard costs where nothing is wrong (issue 25): allowed pages loaded in the same
 * Chromium with and without the extension, and the service worker's heap.
 *
 * - `pageLoadOverNoExtension`: a page with 20 images; `pageLoadOverNoExtensionFrames`: a page
 *   with 10 same-site iframes. Two browsers run side by side (the built extension on its
 *   built-in default policy, and the same Chromium with no extension, same switches); each
 *   round loads a fresh URL (nothing cached) in one and then the other, the order alternating,
 *   so both see the same machine. Load time is the page's own navigation timing
 *   (`loadEventEnd`, ms from navigation start, every subresource and frame loaded). The
 *   figure is the median of the per-round ratios; the spread is their interquartile range.
 * - `swHeapMB5k`: the extension's service worker JS heap (CDP `Runtime.getHeapUsage` after a
 *   collection) with a 5,000-rule managed policy, after 1,000 navigations to allowed pages.
 *   Needs the machine-wide managed-policy folder (root; null otherwise).
 *
 * Every host resolves to one loopback HTTPS server (--host-resolver-rules); the hosts are on
 * no list, so the policy allows them.
 */
import { chromium, type BrowserContext, type CDPSession, type Page } from '@playwright/test';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromeManagedJson } from '../src/cli/deploy/formats.ts';
import { EXTENSION_ID } from '../src/core/identity.ts';
import { chromiumPath, EXTENSION_DIR, launchWithExtension } from '../test/e2e/browser.ts';
import { startServer, type TestServer } from '../test/e2e/https-server.ts';
import { POLICY_DIR } from '../test/e2e/managed-policy.ts';
import { makeRules } from './classify.ts';
import { median, rng } from './util.ts';

export interface LoadRatio {
  rounds: number;
  /** Median of per-round ratios (with ÷ without). */
  ratio: number;
  /** Interquartile range of the per-round ratios. */
  spread: number;
  withMs: number;
  withoutMs: number;
}

export interface PageLoadBench {
  images: LoadRatio;
  frames: LoadRatio;
  swHeapMB5k: number | null;
  swNavigations: number;
}

const SITE = 'intranet.example-clinic.org';
/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

function routes(server: TestServer): void {
  server.route((req, res) => {
    const url = req.url ?? '/';
    let m: RegExpExecArray | null;
    if ((m = /^\/images\/(\w+)$/.exec(url))) {
      const imgs = Array.from({ length: 20 }, (_, k) => `<img alt="" width="8" height="8" src="/i/${m![1]}/${k}.png">`).join('');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`<!doctype html><title>Ward list</title><h1>Ward list</h1><p>${imgs}</p>`);
      return true;
    }
    if ((m = /^\/frames\/(\w+)$/.exec(url))) {
      const frames = Array.from({ length: 10 }, (_, k) => `<iframe title="panel ${k}" width="80" height="40" src="/frame/${m![1]}/${k}"></iframe>`).join('');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`<!doctype html><title>Dashboard</title><h1>Dashboard</h1>${frames}`);
      return true;
    }
    if (/^\/frame\//.test(url)) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end('<!doctype html><title>Panel</title><p>Panel</p>');
      return true;
    }
    if (/^\/i\//.test(url)) {
      res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
      res.end(PNG);
      return true;
    }
    return false;
  });
}

/** Load `url` in `page` and return the page's own load time (ms from navigation start). */
async function loadMs(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: 'load' });
  const ms = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    return nav ? nav.loadEventEnd - nav.startTime : NaN;
  });
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`page-load bench: no navigation timing for ${url}`);
  return ms;
}

function quartiles(xs: number[]): { q1: number; q3: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))]!;
  return { q1: at(0.25), q3: at(0.75) };
}

async function compare(withExt: Page, without: Page, path: (round: number) => string, rounds: number, warm: number): Promise<LoadRatio> {
  const ratios: number[] = [];
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < rounds + warm; round++) {
    const url = `https://${SITE}${path(round)}`;
    // The same URL in both (each browser has its own cache; no-store anyway), order alternating.
    const first = round % 2 === 0;
    const x = first ? await loadMs(withExt, url) : NaN;
    const y = await loadMs(without, url);
    const x2 = first ? x : await loadMs(withExt, url);
    if (round < warm) continue;
    a.push(x2);
    b.push(y);
    ratios.push(x2 / y);
  }
  const { q1, q3 } = quartiles(ratios);
  return { rounds, ratio: median(ratios), spread: q3 - q1, withMs: median(a), withoutMs: median(b) };
}

async function plainChromium(args: string[]): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tg-plain-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: chromiumPath(),
    headless: true,
    ignoreHTTPSErrors: true,
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run', ...args],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The service worker's used JS heap, in MB, after a garbage collection (CDP, through a page's session). */
async function serviceWorkerHeapMB(context: BrowserContext, page: Page): Promise<number> {
  const cdp: CDPSession = await context.newCDPSession(page);
  try {
    const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: Array<{ targetId: string; type: string; url: string }> };
    const sw = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith('chrome-extension://'));
    if (!sw) throw new Error('page-load bench: no extension service worker running');
    const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: sw.targetId, flatten: false })) as { sessionId: string };
    let next = 0;
    // Playwright's CDP session speaks to pages; the worker is reached through the browser's message relay.
    const call = (method: string) =>
      new Promise<Record<string, number>>((resolve) => {
        const id = ++next;
        const onMessage = (e: { sessionId?: string; message: string }) => {
          const m = JSON.parse(e.message) as { id?: number; result?: Record<string, number> };
          if (m.id !== id) return;
          cdp.off('Target.receivedMessageFromTarget', onMessage);
          resolve(m.result ?? {});
        };
        cdp.on('Target.receivedMessageFromTarget', onMessage);
        void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params: {} }) });
      });
    await call('HeapProfiler.collectGarbage');
    const usage = await call('Runtime.getHeapUsage');
    return (usage.usedSize ?? NaN) / 1e6;
  } finally {
    await cdp.detach();
  }
}

const HEAP_FILE = join(POLICY_DIR, 'telehealth-guard-bench-heap.json');

/** The 5,000-rule managed policy, as `deploy --target chromium-linux` writes it; false without the folder. */
function writeHeapPolicy(): boolean {
  try {
    mkdirSync(POLICY_DIR, { recursive: true });
    const policy = { schemaVersion: 1, policyVersion: 'bench-5k', rules: makeRules(5000, rng(7)) };
    writeFileSync(HEAP_FILE + '.tmp', chromeManagedJson(policy as never, EXTENSION_ID));
    renameSync(HEAP_FILE + '.tmp', HEAP_FILE);
    return true;
  } catch {
    return false;
  }
}

export async function benchPageLoad(opts: { rounds?: number; navigations?: number } = {}): Promise<PageLoadBench> {
  const rounds = opts.rounds ?? 40;
  const navigations = opts.navigations ?? 1000;
  const server = await startServer();
  routes(server);
  const args = server.resolverArgs();
  let images: LoadRatio;
  let frames: LoadRatio;
  {
    const withExt = await launchWithExtension({ args });
    const plain = await plainChromium(args);
    try {
      // The policy's rules are in force before anything is timed.
      await withExt.worker.evaluate(async () => {
        for (let i = 0; i < 200 && (await chrome.declarativeNetRequest.getDynamicRules()).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      });
      const a = await withExt.context.newPage();
      const b = await plain.context.newPage();
      images = await compare(a, b, (r) => `/images/${r}`, rounds, 3);
      frames = await compare(a, b, (r) => `/frames/${r}`, rounds, 3);
    } finally {
      await withExt.close();
      await plain.close();
    }
  }

  let swHeapMB5k: number | null = null;
  if (writeHeapPolicy()) {
    const b = await launchWithExtension({ args });
    try {
      // Wait until the 5,000-rule policy is in force (its rules number in the hundreds).
      const deadline = Date.now() + 60_000;
      while ((await b.worker.evaluate(async () => (await chrome.declarativeNetRequest.getDynamicRules()).length)) < 100) {
        if (Date.now() > deadline) throw new Error('page-load bench: the 5,000-rule managed policy was not applied within 60 s');
        await new Promise((r) => setTimeout(r, 250));
      }
      const page = await b.context.newPage();
      for (let i = 0; i < navigations; i++) await page.goto(`https://${SITE}/frame/heap/${i}`, { waitUntil: 'commit' });
      await page.goto(`https://${SITE}/frame/heap/last`, { waitUntil: 'load' });
      swHeapMB5k = await serviceWorkerHeapMB(b.context, page);
    } finally {
      await b.close();
      rmSync(HEAP_FILE, { force: true });
    }
  }
  await server.close();
  return { images: images!, frames: frames!, swHeapMB5k, swNavigations: navigations };
}

/**
 * The floor any blocking extension pays (issue 25's yardstick beside "no extension"): the same
 * Chromium with an extension that holds one static declarativeNetRequest rule and nothing else
 * (no worker, no content script), ÷ no extension, loads interleaved as above. Chromium routes
 * every request of a profile with such an extension through its request proxy in the browser
 * process, where the rules are matched — the price of blocking before a request leaves, paid
 * by Telehealth Guard and by every DNR blocker alike.
 */
export async function benchDnrFloor(opts: { rounds?: number } = {}): Promise<{ images: LoadRatio; frames: LoadRatio }> {
  const rounds = opts.rounds ?? 40;
  const dir = mkdtempSync(join(tmpdir(), 'tg-dnr-only-'));
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({ manifest_version: 3, name: 'DNR only', version: '1.0', permissions: ['declarativeNetRequest'], declarative_net_request: { rule_resources: [{ id: 'r', enabled: true, path: 'rules.json' }] } }),
  );
  writeFileSync(join(dir, 'rules.json'), JSON.stringify([{ id: 1, priority: 1, action: { type: 'block' }, condition: { urlFilter: '||web.whatsapp.com^', resourceTypes: ['main_frame', 'sub_frame'] } }]));
  const server = await startServer();
  routes(server);
  const args = server.resolverArgs();
  const dnr = await plainChromium([`--disable-extensions-except=${dir}`, `--load-extension=${dir}`, ...args]);
  const plain = await plainChromium(args);
  try {
    // The rule is in force (so the extension is loaded) before anything is timed; probed in a
    // page of its own, whose error page would otherwise interrupt the first timed load.
    // (the static ruleset is indexed after the extension loads: up to 20 s)
    let blocked = false;
    for (let i = 0; i < 40 && !blocked; i++) {
      const probe = await dnr.context.newPage();
      blocked = await probe.goto(`https://web.whatsapp.com/?try=${i}`).then(() => false, (e: Error) => /ERR_BLOCKED_BY_CLIENT/.test(e.message));
      await probe.close();
      if (!blocked) await new Promise((r) => setTimeout(r, 500));
    }
    const a = await dnr.context.newPage();
    const b = await plain.context.newPage();
    if (!blocked) throw new Error('page-load bench: the DNR-only extension did not load (web.whatsapp.com was not blocked)');
    return { images: await compare(a, b, (r) => `/images/dnr${r}`, rounds, 3), frames: await compare(a, b, (r) => `/frames/dnr${r}`, rounds, 3) };
  } finally {
    await dnr.close();
    await plain.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface CaptureScriptsBench {
  images: LoadRatio;
  frames: LoadRatio;
  /**
   * Script time (CDP Performance.getMetrics ScriptDuration, the renderer's main thread) of one
   * load of the page with 10 same-site iframes, 11 documents: median with the scripts and
   * without, over the same interleaved rounds. The test page runs no script of its own.
   */
  scriptMsWith: number;
  scriptMsWithout: number;
  /** The content scripts the built manifest runs on every frame of every page, by file. */
  scripts: Array<{ file: string; world: string; bytes: number }>;
}

/**
 * What the camera-and-microphone content scripts cost an allowed page (issue 25 beside issue
 * 20): the built extension ÷ the same build with every `<all_urls>` content script taken out
 * of its manifest (a copy in a temp folder), loads interleaved as above. Both run the same
 * policy, worker and rules, so the ratio is the scripts' alone.
 */
export async function benchCaptureScripts(opts: { rounds?: number; extensionDir?: string } = {}): Promise<CaptureScriptsBench> {
  const rounds = opts.rounds ?? 40;
  const built = opts.extensionDir ?? EXTENSION_DIR;
  const manifest = JSON.parse(readFileSync(join(built, 'manifest.json'), 'utf8')) as { content_scripts?: Array<{ matches: string[]; js?: string[]; world?: string }> };
  const everywhere = (manifest.content_scripts ?? []).filter((c) => c.matches.includes('<all_urls>'));
  const scripts = everywhere.flatMap((c) => (c.js ?? []).map((file) => ({ file, world: c.world ?? 'ISOLATED', bytes: statSync(join(built, file)).size })));
  const bare = mkdtempSync(join(tmpdir(), 'tg-bare-ext-'));
  cpSync(built, bare, { recursive: true });
  writeFileSync(join(bare, 'manifest.json'), JSON.stringify({ ...manifest, content_scripts: (manifest.content_scripts ?? []).filter((c) => !everywhere.includes(c)) }));
  const server = await startServer();
  routes(server);
  const args = server.resolverArgs();
  const withScripts = await launchWithExtension({ args, extensionDir: built });
  const without = await launchWithExtension({ args, extensionDir: bare });
  try {
    for (const b of [withScripts, without]) {
      await b.worker.evaluate(async () => {
        for (let i = 0; i < 200 && (await chrome.declarativeNetRequest.getDynamicRules()).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      });
    }
    const a = await withScripts.context.newPage();
    const b = await without.context.newPage();
    const images = await compare(a, b, (r) => `/images/cs${r}`, rounds, 3);
    const frames = await compare(a, b, (r) => `/frames/cs${r}`, rounds, 3);
    const [sa, sb] = [await scriptTimer(a), await scriptTimer(b)];
    const withMs: number[] = [];
    const withoutMs: number[] = [];
    for (let round = 0; round < rounds + 3; round++) {
      const url = `https://${SITE}/frames/script${round}`;
      const order = round % 2 === 0 ? ([[sa, withMs], [sb, withoutMs]] as const) : ([[sb, withoutMs], [sa, withMs]] as const);
      for (const [timer, into] of order) {
        const ms = await timer(url);
        if (round >= 3) into.push(ms);
      }
    }
    return { images, frames, scriptMsWith: median(withMs), scriptMsWithout: median(withoutMs), scripts };
  } finally {
    await withScripts.close();
    await without.close();
    rmSync(bare, { recursive: true, force: true });
    await server.close();
  }
}

/** Milliseconds of script the renderer ran while `page` loaded a URL (CDP ScriptDuration, its delta). */
async function scriptTimer(page: Page): Promise<(url: string) => Promise<number>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const scriptSeconds = async () => ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ScriptDuration')?.value ?? NaN);
  return async (url) => {
    const before = await scriptSeconds();
    await page.goto(url, { waitUntil: 'load' });
    return Math.max(0, (await scriptSeconds()) - before) * 1000;
  };
}
