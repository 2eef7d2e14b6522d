/**
 * In force from the first moment, in Firefox ESR (issue 18, items 1 and 10; docs/enforcement.md):
 * Firefox starts with pages already loading (URLs on its command line, as a link clicked in a
 * mail while the browser was closed opens them) under a policies.json that changed while it was
 * closed, written as `deploy --target firefox --install-url` writes it: the add-on
 * force-installed by `ExtensionSettings` (the built .xpi, from a file: URL) and its policy
 * under `3rdparty`. The pages: a host only the new policy blocks, Telegram (the built-in default
 * only warns), a host only the new policy warns of, a Microsoft sign-in page, and an allowed page.
 *
 * - The first start is a new profile: Firefox installs the add-on only after these pages have
 *   started loading, so they reach their hosts (measured and printed; no add-on can stop a
 *   request made before it exists). Asserted: once installed, the add-on sends the open pages the
 *   policy blocks or warns of to its guard page and loads the sign-in page again under the header.
 * - Every later start reuses the profile: nothing reaches a blocked or warned host, every sign-in
 *   request carries the header, no Continue before the new policy's pages, within the bound.
 *
 * `TG_STARTS` and `TG_START_LIMIT_MS` as in startup.spec.ts (the Chromium run).
 */
import { expect, test } from '@playwright/test';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import puppeteer, { type Page } from 'puppeteer-core';
import { firefoxPoliciesJson } from '../../src/cli/deploy/formats.ts';
import { preparePush } from '../../src/cli/deploy/prepare.ts';
import { GECKO_ID } from '../../src/core/identity.ts';
import { firefox, FIREFOX_PATH, loopbackPrefs, writeFirefoxPoliciesText } from './engines/firefox.ts';
import { startServer } from './https-server.ts';
import { requireOrSkip } from './require.ts';

const STARTS = Number(process.env.TG_STARTS ?? 3);
/**
 * 5 s is the issue's bound on a quiet machine (TG_START_LIMIT_MS=5000). Wider by default than
 * Chromium's 15 s: Firefox ESR itself starts slower on a loaded machine (measured at load 11–12
 * on 2 CPUs: its first request for a page, add-on not yet installed, 8–13 s after launch; the
 * driver connected after 10–20 s). What must hold at any load is the rest.
 */
const LIMIT_MS = Number(process.env.TG_START_LIMIT_MS ?? 30_000);
const BLOCKED = 'Blocked for patient work';
const WARNED = 'Check before you continue';
const TENANTS = 'examplehealth.onmicrosoft.com';
const INTRANET = 'intranet.examplehealth.org';
/** The add-on as IT hands it to Firefox: the .xpi `npm run build:firefox` packs. */
const XPI = (() => {
  const dir = resolve('.output');
  const name = existsSync(dir) ? readdirSync(dir).find((f) => /-firefox\.zip$/.test(f)) : undefined;
  return name ? join(dir, name) : undefined;
})();

const policyFor = (start: number) => ({
  schemaVersion: 1,
  policyVersion: `firefox-start-${start}`,
  organization: { name: 'St Example Health' },
  services: { telegram: 'block' },
  // Hosts the policy of the previous start did not name: rules kept from it cannot already decide them.
  rules: [
    { match: `clinic-chat-${start}.example`, action: 'block' },
    { match: `team-chat-${start}.example`, action: 'warn' },
  ],
  tenantRestrictions: { microsoft: { tenants: [TENANTS], context: '72f988bf-86f1-41af-91ab-2d7cd011db47' } },
});

/**
 * Follows a tab from the browser's start: when (ms after `started`) `heading` was first seen,
 * and whether Continue was offered on a page headed otherwise. `untilSite`: give up once the
 * site itself shows (it got through).
 */
function watch(page: Page, heading: string, started: number, untilSite: boolean) {
  const seen = { at: 0, atFirstLook: false, continueElsewhere: false, last: '' };
  const done = (async () => {
    for (let look = 0; !seen.at && Date.now() - started < 60_000; look++) {
      const state = await page
        .evaluate(() => ({ h: document.querySelector('h1')?.textContent ?? '', c: [...document.querySelectorAll('button')].some((b) => b.textContent === 'Continue to site'), href: location.href }))
        .catch(() => ({ h: '', c: false, href: '' }));
      seen.last = `${state.href} "${state.h}"`;
      if (state.h === heading) [seen.at, seen.atFirstLook] = [Date.now() - started, look === 0];
      else if (untilSite && state.h.startsWith('Reached ')) break;
      else {
        if (state.c) seen.continueElsewhere = true;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  })();
  return { seen, done };
}

test.describe('firefox: browser start', () => {
  const why = firefox.unavailable() ?? (XPI ? null : 'needs the packed Firefox build: npm run build:firefox');
  requireOrSkip(why === null, why ?? '');

  test(`${STARTS} starts with pages loading at once: the policy's block and warning pages and tenant header within ${LIMIT_MS / 1000} s, no Continue before`, async () => {
    test.setTimeout(STARTS * 60_000 + 30_000);
    const server = await startServer();
    const headers: Array<{ at: number; value: string | undefined }> = [];
    const arrivals = new Map<string, number>();
    server.route((req, _res, host) => {
      if (!arrivals.has(host)) arrivals.set(host, Date.now());
      if (host === 'login.microsoftonline.com' && req.url !== '/favicon.ico') headers.push({ at: Date.now(), value: req.headers['restrict-access-to-tenants'] as string | undefined });
      return false;
    });
    const profileDir = mkdtempSync(join(tmpdir(), 'tg-ff-startup-'));
    const uuid = randomUUID();
    const timings: string[] = [];
    try {
      for (let start = 0; start < STARTS; start++) {
        const sealed = preparePush(policyFor(start), { incognitoOff: false, seal: true }).policy;
        writeFirefoxPoliciesText(firefoxPoliciesJson(sealed, GECKO_ID, { installUrl: `file://${XPI}` }));
        headers.length = 0;
        arrivals.clear();
        const fresh = start === 0;
        const urls = {
          chat: `https://clinic-chat-${start}.example/room`,
          telegram: 'https://t.me/clinic',
          team: `https://team-chat-${start}.example/room`,
          signIn: 'https://login.microsoftonline.com/',
          // An allowed page: when its request arrives is the browser's own start-up, the yardstick.
          intranet: `https://${INTRANET}/start-${start}`,
        };
        const before = server.requests.length;
        const since = (host: string) => server.requests.slice(before).filter((r) => r.host === host);
        const t0 = Date.now();
        const browser = await puppeteer.launch({
          browser: 'firefox',
          executablePath: FIREFOX_PATH,
          headless: true,
          acceptInsecureCerts: true,
          userDataDir: profileDir,
          // Opened by Firefox itself as it starts, before anything here can wait for the add-on.
          args: Object.values(urls),
          extraPrefsFirefox: {
            'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: uuid }),
            // The test's .xpi is not signed by Mozilla; Firefox ESR honours this, release Firefox does not.
            'xpinstall.signatures.required': false,
            ...loopbackPrefs(server.proxyPort),
          },
        });
        const upAt = Date.now() - t0;
        try {
          const tabFor = async (url: string) => {
            for (const p of await browser.pages()) {
              const href = await p.evaluate(() => location.href).catch(() => p.url());
              if (href === url || href.endsWith(`#${url}`)) return p;
            }
            return undefined;
          };
          const tabs: Partial<Record<keyof typeof urls, Page>> = {};
          await expect
            .poll(async () => {
              for (const k of Object.keys(urls) as Array<keyof typeof urls>) tabs[k] ??= await tabFor(urls[k]);
              return Object.keys(tabs).filter((k) => tabs[k as keyof typeof urls]).length;
            }, { timeout: 30_000 })
            .toBe(Object.keys(urls).length);
          const chat = watch(tabs.chat!, BLOCKED, t0, !fresh);
          const telegram = watch(tabs.telegram!, BLOCKED, t0, !fresh);
          const team = watch(tabs.team!, WARNED, t0, !fresh);
          await Promise.all([chat.done, telegram.done, team.done]);
          // When Firefox started the add-on's background (it delays it until its own start-up is done).
          const backgroundAt = await tabs.chat!
            .evaluate(async () => ((await chrome.runtime.getBackgroundPage()) as Window).performance.timeOrigin)
            .then((at) => Math.round(at - t0), () => NaN);
          // Fresh: the sign-in page that loaded before the add-on is loaded again under the header.
          const underHeader = () => headers.at(-1)?.value;
          await expect.poll(underHeader, { timeout: 30_000 }).toBe(TENANTS).catch(() => undefined);
          expect.soft(underHeader(), `start ${start}: the sign-in page served under the tenant header`).toBe(TENANTS);
          const headerAt = (headers.find((h) => h.value === TENANTS)?.at ?? NaN) - t0;
          const intranetAt = arrivals.has(INTRANET) ? arrivals.get(INTRANET)! - t0 : -1;
          const through = ['t.me', `clinic-chat-${start}.example`, `team-chat-${start}.example`].map((h) => since(h).length);
          timings.push(
            `start ${start}${fresh ? ' (new profile)' : ''}: driver connected at ${upAt} ms, add-on's background started at ${backgroundAt} ms, allowed page's request at ${intranetAt} ms; ` +
              `block pages seen at ${[chat, telegram].map((w) => `${w.seen.at}${w.seen.atFirstLook ? ' (at first look)' : ''}`).join(' and ')} ms, warning at ${team.seen.at}${team.seen.atFirstLook ? ' (at first look)' : ''} ms, tenant header at ${headerAt} ms; ` +
              `requests to blocked/warned hosts ${through.join('/')}, sign-in requests without the header ${headers.filter((h) => h.value !== TENANTS).length}`,
          );
          expect.soft(chat.seen.at, `start ${start}: the new policy's block page (last seen ${chat.seen.last})`).toBeGreaterThan(0);
          expect.soft(telegram.seen.at, `start ${start}: Telegram's block page (last seen ${telegram.seen.last})`).toBeGreaterThan(0);
          expect.soft(team.seen.at, `start ${start}: the new policy's warning page (last seen ${team.seen.last})`).toBeGreaterThan(0);
          expect.soft(chat.seen.continueElsewhere || telegram.seen.continueElsewhere || team.seen.continueElsewhere, `start ${start}: Continue offered before the policy's page`).toBe(false);
          if (!fresh) {
            // A page already on show when the driver first connected (upAt, Firefox's own start
            // and its remote agent) was there within that time: the bound is on what came later.
            const later = [chat.seen, telegram.seen, team.seen].filter((w) => !w.atFirstLook).map((w) => w.at);
            expect.soft(Math.max(headerAt, ...later), `start ${start}: ms from launch`).toBeLessThanOrEqual(LIMIT_MS);
            // Every request that reached sign-in carried the organisation's header, the first included.
            expect.soft(headers.map((h) => h.value), `start ${start}: tenant header on each sign-in request`).toEqual(headers.map(() => TENANTS));
            expect.soft(through, `start ${start}: requests to Telegram, the blocked and the warned host`).toEqual([0, 0, 0]);
          }
        } finally {
          await browser.close();
        }
      }
    } finally {
      test.info().annotations.push({ type: 'start-up timings', description: timings.join('; ') });
      console.log(timings.join('\n'));
      rmSync(profileDir, { recursive: true, force: true });
      firefox.removePolicy();
      await server.close();
    }
  });
});
