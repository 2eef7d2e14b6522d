/**
 * Launching real Chromium with the built extension (see README, "Testing").
 * Debian's Chromium is used where present (CHROMIUM_PATH overrides); elsewhere
 * Playwright's own Chromium, from `npx playwright install chromium`.
 */
import { chromium, type BrowserContext, type Worker } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { RELEASE_RULE_ID } from '../../src/core/ruleset.ts';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The built extension; TG_EXTENSION_DIR runs the tests against another build (e.g. an older one, to see a test fail without a fix). */
export const EXTENSION_DIR = resolve(process.env.TG_EXTENSION_DIR ?? '.output/chrome-mv3');

export function chromiumPath(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
}

export interface LaunchOptions {
  /** Extra Chromium switches, e.g. --host-resolver-rules. */
  args?: string[];
  /** Reuse a profile (to test a browser restart). */
  profileDir?: string;
  /** The browser's UI language (--lang; on Linux Chromium also reads LANGUAGE). */
  lang?: string;
  /** prefers-color-scheme for every page of the context. */
  colorScheme?: 'light' | 'dark';
  /** Another build of the extension (default EXTENSION_DIR), e.g. a variant the bench compares. */
  extensionDir?: string;
  /**
   * Called as soon as the browser is up, before the extension's worker is waited for: a page
   * loading at once, as a home page or restored tabs do at browser start.
   */
  atOnce?: (context: BrowserContext) => void;
}

export async function launchWithExtension(opts: LaunchOptions = {}) {
  const extensionDir = opts.extensionDir ?? EXTENSION_DIR;
  if (!existsSync(join(extensionDir, 'manifest.json'))) throw new Error('Build the extension first: npm run build');
  const profileDir = opts.profileDir ?? mkdtempSync(join(tmpdir(), 'tg-profile-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath(),
    headless: true,
    ignoreHTTPSErrors: true,
    ...(opts.lang ? { locale: opts.lang, env: { ...process.env, LANGUAGE: opts.lang, LANG: `${opts.lang}.UTF-8` } } : {}),
    ...(opts.colorScheme ? { colorScheme: opts.colorScheme } : {}),
    args: [
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
      ...(opts.lang ? [`--lang=${opts.lang}`] : []),
      ...(opts.args ?? []),
    ],
  });
  opts.atOnce?.(context);
  const worker = await backgroundWorker(context);
  const extensionId = new URL(worker.url()).host;
  // Unless the test is about the browser's start itself, begin once the policy in force has
  // been read: its rules are in place and the start-up hold is lifted (src/core/ruleset.ts).
  if (!opts.atOnce) await policyRead(worker);
  return {
    context,
    worker,
    extensionId,
    profileDir,
    async close(keepProfile = false) {
      await context.close();
      if (!keepProfile && !opts.profileDir) rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/** Wait until the background has read the policy in force (the start-up hold's release is in the session rules). */
export async function policyRead(worker: Worker, timeout = 30_000): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeout) {
    const released = await worker
      .evaluate((id) => chrome.declarativeNetRequest.getSessionRules().then((rules: Array<{ id: number }>) => rules.some((r) => r.id === id)), RELEASE_RULE_ID)
      .catch(() => false);
    if (released) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the extension did not read its policy within ${timeout} ms`);
}

export async function backgroundWorker(context: BrowserContext): Promise<Worker> {
  const existing = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  return existing ?? (await context.waitForEvent('serviceworker', { predicate: (w) => w.url().startsWith('chrome-extension://'), timeout: 20_000 }));
}

/** Stop the extension's service worker, as Chromium does after ~30 s idle. */
export async function stopServiceWorker(context: BrowserContext): Promise<void> {
  const page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: Array<{ targetId: string; type: string; url: string }> };
  const workers = targetInfos.filter((t) => t.type === 'service_worker' && t.url.startsWith('chrome-extension://'));
  if (workers.length === 0) throw new Error('no extension service worker is running');
  for (const w of workers) await cdp.send('Target.closeTarget', { targetId: w.targetId });
  await cdp.detach();
}
