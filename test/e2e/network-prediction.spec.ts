/**
 * No hint to a blocked host (issue 18, README "Side doors"). A page the policy allows asks the
 * browser to connect ahead to a blocked host — preconnect, dns-prefetch, prefetch, prerender,
 * speculation rules — and no request is ever made, so no declarativeNetRequest rule sees it.
 * Real Chromium, a real managed policy, every host name sent to one loopback HTTPS server
 * whose SNI callback sees every name the browser opens a TLS connection for.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { launchWithExtension } from './browser.ts';
import { cli } from './cli.ts';
import { extensionPage, waitForPolicy } from './extension.ts';
import { startServer, type TestServer } from './https-server.ts';
import { canWriteManagedPolicy, POLICY_DIR, removeManagedPolicy, writeManagedFileText, writeManagedPolicy } from './managed-policy.ts';
import { useManagedSession } from './managed-session.ts';
import { requireOrSkip } from './require.ts';

/** Telegram blocked (the built-in default only warns); everything else as the default. */
const BLOCKING = { schemaVersion: 1, policyVersion: 'np-block', services: { telegram: 'block' } };
/** Nothing blocked: the person's own prediction setting comes back. */
const NOTHING_BLOCKED = { schemaVersion: 1, policyVersion: 'np-open' };
const BLOCKED_HOSTS = ['telegram.org', 't.me', 'telegram.me', 'web.telegram.org', 'desktop.telegram.org'];

/** An allowed page full of hints at Telegram's hosts, then one real request to a sentinel host. */
function serveHints(server: TestServer): void {
  server.route((req, res, host) => {
    if (host !== 'portal.example.org' || req.url !== '/hints') return false;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><title>Hints</title>
      <link rel="preconnect" href="https://telegram.org/">
      <link rel="preconnect" href="https://desktop.telegram.org/" crossorigin>
      <link rel="dns-prefetch" href="https://t.me/">
      <link rel="prefetch" href="https://telegram.me/prefetched">
      <link rel="prerender" href="https://web.telegram.org/prerendered">
      <script type="speculationrules">{"prefetch":[{"source":"list","urls":["https://telegram.org/sr-prefetch"]}],"prerender":[{"source":"list","urls":["https://web.telegram.org/sr-prerender"]}]}</script>
      </head><body><h1 id="site">Portal</h1>
      <a href="https://telegram.org/linked">a link a person may hover</a>
      </body></html>`);
    return true;
  });
}

/** Open the hints page, hover the link, then wait until a later real request has arrived. */
async function openHints(page: Page, server: TestServer): Promise<void> {
  await page.goto('https://portal.example.org/hints');
  await page.hover('a');
  // Hints are issued while the page parses; a request made after load has reached the server
  // once every earlier connection had its chance. A short settle for stragglers besides.
  await page.evaluate(() => fetch('https://sentinel.example.org/after', { mode: 'no-cors' }).catch(() => undefined));
  await expect.poll(() => server.hits('sentinel.example.org').length, { timeout: 10_000 }).toBeGreaterThan(0);
  await page.waitForTimeout(1500);
}

const toBlocked = (server: TestServer) => server.serverNames.filter((n) => BLOCKED_HOSTS.includes(n));

test.describe('network prediction follows the policy', () => {
  const session = useManagedSession(BLOCKING, serveHints);

  test('while a host is blocked: prediction is off, and no TLS handshake or request names a blocked host', async () => {
    const { browser, server, admin } = session;
    const page = await browser.context.newPage();
    await openHints(page, server);
    expect(server.serverNames).toContain('portal.example.org');
    expect(server.serverNames).toContain('sentinel.example.org');
    expect(toBlocked(server)).toEqual([]);
    expect(BLOCKED_HOSTS.flatMap((h) => server.hits(h))).toEqual([]);
    const setting = await browser.worker.evaluate(() => chrome.privacy.network.networkPredictionEnabled.get({}));
    expect(setting).toMatchObject({ value: false, levelOfControl: 'controlled_by_this_extension' });
    // What the `privacy` permission adds to the install prompt, as Chromium words it (README, "Permissions").
    const warnings = await browser.worker.evaluate(async () => {
      const manifest = (await (await fetch(chrome.runtime.getURL('manifest.json'))).json()) as { permissions: string[] };
      const without = { ...manifest, permissions: manifest.permissions.filter((p) => p !== 'privacy') };
      const [all, rest] = await Promise.all([JSON.stringify(manifest), JSON.stringify(without)].map((m) => chrome.management.getPermissionWarningsByManifest(m)));
      return all!.filter((w: string) => !rest!.includes(w));
    });
    expect(warnings).toEqual(['Change your privacy-related settings']);

    // Nothing blocked any more: the setting is handed back, and the same page now reaches
    // telegram.org ahead of any click — the probe sees what it is there to see.
    writeManagedPolicy(NOTHING_BLOCKED);
    await waitForPolicy(admin, (s) => s.policyVersion === 'np-open', 30_000);
    await expect
      .poll(() => browser.worker.evaluate(() => chrome.privacy.network.networkPredictionEnabled.get({})))
      .toMatchObject({ value: true, levelOfControl: 'controllable_by_this_extension' });
    server.serverNames.length = 0;
    const again = await browser.context.newPage();
    await again.goto('https://portal.example.org/hints');
    await expect.poll(() => toBlocked(server), { timeout: 10_000 }).toContain('telegram.org');
  });
});

test.describe("deploy's browser policy alone (NetworkPredictionOptions = 2)", () => {
  requireOrSkip(canWriteManagedPolicy(), `needs write access to the managed policy folder ${POLICY_DIR} (root, as in CI)`);
  test.afterEach(() => removeManagedPolicy());

  for (const hardened of [true, false]) {
    test(`${hardened ? 'written by deploy: a preconnect to a host reaches nothing, though the policy blocks nothing' : 'left out (--no-hardening): the same preconnect reaches the host'}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tg-deploy-'));
      writeFileSync(join(dir, 'p.json'), JSON.stringify(NOTHING_BLOCKED));
      const r = cli('deploy', join(dir, 'p.json'), '--target', 'chromium-linux', '--out', dir, ...(hardened ? [] : ['--no-hardening']));
      expect(r.code, r.stderr + r.stdout).toBe(0);
      const file = readFileSync(join(dir, 'telehealth-guard-chromium.json'), 'utf8');
      expect(JSON.parse(file).NetworkPredictionOptions).toBe(hardened ? 2 : undefined);
      writeManagedFileText(file);
      const server = await startServer();
      serveHints(server);
      const b = await launchWithExtension({ args: server.resolverArgs() });
      try {
        const admin = await extensionPage(b.context, b.extensionId);
        await waitForPolicy(admin, (s) => s.policyVersion === 'np-open', 30_000);
        const setting = await b.worker.evaluate(() => chrome.privacy.network.networkPredictionEnabled.get({}));
        expect(setting).toMatchObject(hardened ? { value: false, levelOfControl: 'not_controllable' } : { value: true });
        const page = await b.context.newPage();
        if (hardened) {
          await openHints(page, server);
          // Every prediction hint stays silent. `<link rel=prefetch>` (telegram.me) is not a
          // prediction but a request, like an image: with Telegram only warned it goes out, as
          // any sub-resource of a warned host does; blocked, the rules cancel it (above).
          expect(toBlocked(server).filter((n) => n !== 'telegram.me')).toEqual([]);
        } else {
          await page.goto('https://portal.example.org/hints');
          await expect.poll(() => toBlocked(server), { timeout: 10_000 }).toContain('telegram.org');
        }
      } finally {
        await b.close();
        await server.close();
      }
    });
  }
});
