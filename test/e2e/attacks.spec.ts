/**
 * The security review's attacks on enforcement, each repeated in real Chromium with a
 * real managed policy (issue 8). Every hostname resolves to one loopback HTTPS server,
 * whose request log proves whether a blocked site was reached: zero requests, and no
 * event a page could have caused.
 */
import { expect, test, type Page } from '@playwright/test';
import { cli } from './cli.ts';
import { grantedSessionRules, loggedEvents } from './extension.ts';
import type { TestServer } from './https-server.ts';
import { useManagedSession, type ManagedSession } from './managed-session.ts';

const POLICY = {
  schemaVersion: 1,
  policyVersion: 'attacks-1',
  organization: { name: 'St Example Health' },
  categories: { 'consumer-video': 'block', 'consumer-messaging': 'warn' },
  services: { telegram: 'block' },
  rules: [
    { match: 'call.whatsapp.com', action: 'block' },
    { match: 'facebook.com/messages', action: 'block' },
    { match: 'instagram.com/direct', action: 'block' },
    { match: '127.0.0.1', action: 'block' },
  ],
  warn: { requireReason: true, bypassMinutes: 5 },
};

const BLOCKED = 'Blocked for patient work';
const WARNED = 'Check before you continue';

async function continuePast(page: Page, reason = 'Reply to a patient message'): Promise<void> {
  await expect(page.getByRole('heading', { name: WARNED })).toBeVisible();
  await page.getByRole('textbox', { name: 'Reason' }).fill(reason);
  await page.getByRole('button', { name: 'Continue to site' }).click();
}

test.describe('attacks on enforcement', () => {
  const session = useManagedSession(POLICY);
  let server: TestServer;
  let browser: ManagedSession['browser'];
  let admin: Page;
  test.beforeEach(() => ({ server, browser, admin } = session));

  /** The guard page's address as a site could only learn it by a leak (the per-session dynamic id). */
  const dynamicGuardUrl = () => browser.worker.evaluate(() => chrome.runtime.getURL('guard.html'));
  /** Session rules the guard granted (the start-up hold's release is always there). */
  const sessionRules = () => grantedSessionRules(browser.worker);

  test('a site framing the guard page for an allowed URL, then sending the top frame to a blocked one, gets nothing through', async () => {
    const dynamic = await dynamicGuardUrl();
    const staticUrl = `chrome-extension://${browser.extensionId}/guard.html`;
    server.route((req, res, host) => {
      if (host !== 'evil.example') return false;
      const target = new URL(req.url!, 'https://evil.example').searchParams.get('to')!;
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><h1 id="site">Win a prize</h1>
        <iframe title="static" src="${staticUrl}#https://apple.com/"></iframe>
        <iframe title="dynamic" src="${dynamic}#https://apple.com/"></iframe>
        <iframe title="dynamic-zoom" src="${dynamic}#https://zoom.us/"></iframe>
        <script>setTimeout(() => { top.location = ${JSON.stringify(target)}; }, 1500);</script>`);
      return true;
    });
    const page = await browser.context.newPage();
    for (const to of ['https://facetime.apple.com/join#v=1&p=abc', 'https://zoom.us/s/81234567890?zak=abc']) {
      await page.goto(`https://evil.example/?to=${encodeURIComponent(to)}`);
      await expect(page.getByRole('heading', { name: BLOCKED })).toBeVisible({ timeout: 10_000 });
    }
    expect(server.hits('facetime.apple.com')).toEqual([]);
    expect(server.hits('zoom.us')).toEqual([]);
    expect(server.hits('apple.com')).toEqual([]);
    // No pass or allowance was granted to the framed pages.
    expect(await sessionRules()).toEqual([]);
  });

  test('use_dynamic_url: a site cannot frame or open the guard page by its static address', async () => {
    const staticUrl = `chrome-extension://${browser.extensionId}/guard.html#https://web.whatsapp.com/`;
    server.route((_req, res, host) => {
      if (host !== 'evil.example') return false;
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><iframe title="bait" src="${staticUrl}"></iframe>`);
      return true;
    });
    const page = await browser.context.newPage();
    await page.goto('https://evil.example/');
    const frame = page.frameLocator('iframe[title="bait"]');
    await page.waitForTimeout(1000);
    await expect(frame.getByRole('heading', { name: WARNED })).toHaveCount(0);
    // Nor top-level: the navigation is refused and the site stays where it was.
    await page.evaluate((u) => (location.href = u), staticUrl).catch(() => undefined);
    await page.waitForTimeout(1000);
    expect(page.url()).not.toContain('guard.html');
  });

  test('50 framed guard pages, and one a site opened itself, write no event and offer no way through', async () => {
    const dynamic = await dynamicGuardUrl();
    server.route((_req, res, host) => {
      if (host !== 'evil.example') return false;
      const frames = Array.from({ length: 50 }, (_, i) => `<iframe src="${dynamic}#https://web.whatsapp.com/h${i}"></iframe>`).join('');
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><h1 id="site">Frames</h1>${frames}`);
      return true;
    });
    const before = (await loggedEvents(admin)).length;
    const page = await browser.context.newPage();
    await page.goto('https://evil.example/');
    await expect(page.frameLocator('iframe').nth(49).getByRole('heading', { name: WARNED })).toBeVisible({ timeout: 15_000 });
    // Top level, opened by the site itself: informs, no reason box, no continue.
    await page.evaluate((u) => (location.href = `${u}#https://web.whatsapp.com/`), dynamic);
    await expect(page.getByRole('heading', { name: WARNED })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Continue to site' })).toHaveCount(0);
    // And the background refuses a continue request from it all the same.
    expect(await page.evaluate(() => chrome.runtime.sendMessage({ kind: 'guard.proceed', reason: 'forged reason' }))).toMatchObject({ ok: false });
    await page.waitForTimeout(500);
    const events = await loggedEvents(admin);
    expect(events.slice(before).filter((e) => String(e.type).startsWith('navigation.'))).toEqual([]);
    expect(await sessionRules()).toEqual([]);
    expect(server.hits('web.whatsapp.com')).toEqual([]);
  });

  test('continuing past a warning allows that host only: a subdomain an organisation rule blocks stays blocked', async () => {
    const page = await browser.context.newPage();
    await page.goto('https://whatsapp.com/');
    await continuePast(page);
    await expect(page.locator('#site')).toHaveText('Reached whatsapp.com');
    await page.goto('https://call.whatsapp.com/video/abc');
    await expect(page.getByRole('heading', { name: BLOCKED })).toBeVisible();
    expect(server.hits('call.whatsapp.com')).toEqual([]);
    // Another subdomain is warned about on its own.
    await page.goto('https://web.whatsapp.com/');
    await expect(page.getByRole('heading', { name: WARNED })).toBeVisible();
    expect(server.hits('web.whatsapp.com')).toEqual([]);
  });

  test('an allowed page cannot reach a blocked host by object, embed, fetch, XHR, WebSocket, beacon, ping, image, script, media or worker', async () => {
    server.route((req, res, host) => {
      if (host !== 'portal.example.org' || req.url !== '/embed-all') return false;
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><h1 id="site">Portal</h1>
        <object title="object" data="https://telegram.org/object" width="300" height="200"></object>
        <embed title="embed" src="https://telegram.org/embed" width="300" height="200">
        <iframe title="frame" src="https://web.telegram.org/frame"></iframe>
        <img src="https://telegram.org/img.png"><script src="https://telegram.org/script.js"></script>
        <audio src="https://telegram.org/audio.mp3" autoplay></audio>
        <a id="ping" href="#x" ping="https://telegram.org/ping">ping</a>
        <script>
          fetch('https://telegram.org/fetch').catch(() => {});
          const x = new XMLHttpRequest(); x.open('GET', 'https://telegram.org/xhr'); x.send();
          try { new WebSocket('wss://telegram.org/ws'); } catch {}
          navigator.sendBeacon('https://telegram.org/beacon', 'x');
          try { new Worker('https://telegram.org/worker.js'); } catch {}
          import('https://telegram.org/module.js').catch(() => {});
        </script>`);
      return true;
    });
    const page = await browser.context.newPage();
    await page.goto('https://portal.example.org/embed-all');
    await page.click('#ping');
    await expect(page.frameLocator('iframe[title="frame"]').getByRole('heading', { name: BLOCKED })).toBeVisible();
    // The <object> and <embed> navigations land on the block page too.
    await expect.poll(() => page.frames().filter((f) => /\/guard\.html#https:\/\/telegram\.org\/(object|embed)/.test(f.url())).length).toBe(2);
    await page.waitForTimeout(1500);
    expect(server.requests.filter((r) => r.host.endsWith('telegram.org'))).toEqual([]);
  });

  test('a service worker installed during an allowance does not serve the site after it ends', async () => {
    server.route((req, res, host) => {
      if (host !== 'web.whatsapp.com') return false;
      if (req.url === '/sw.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(`self.addEventListener('install', () => self.skipWaiting());
          self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));
          self.addEventListener('fetch', (e) => { if (e.request.mode === 'navigate') e.respondWith(new Response('<h1 id="site">Served by the service worker</h1>', { headers: { 'content-type': 'text/html' } })); });`);
        return true;
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><h1 id="site">Reached web.whatsapp.com</h1><script>navigator.serviceWorker.register('/sw.js');</script>`);
      return true;
    });
    const page = await browser.context.newPage();
    await page.goto('https://web.whatsapp.com/');
    await continuePast(page);
    await expect(page.locator('#site')).toHaveText('Reached web.whatsapp.com');
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null || navigator.serviceWorker.ready.then(() => true)), { timeout: 10_000 }).toBe(true);
    await page.goto('https://web.whatsapp.com/inbox');
    await expect(page.locator('#site')).toHaveText('Served by the service worker');

    // The allowance ends.
    await browser.worker.evaluate(async () => {
      const { allowances } = (await chrome.storage.session.get('allowances')) as { allowances: Record<string, { expiresAt: number }> };
      for (const a of Object.values(allowances)) a.expiresAt = Date.now() - 1;
      await chrome.storage.session.set({ allowances });
      await chrome.alarms.create('bypass-expiry', { when: Date.now() + 10 });
    });
    await expect.poll(async () => (await sessionRules()).length, { timeout: 40_000 }).toBe(0);
    const pagesBefore = server.pages('web.whatsapp.com').length;
    const other = await browser.context.newPage();
    await other.goto('https://web.whatsapp.com/later');
    await expect(other.getByRole('heading', { name: WARNED })).toBeVisible();
    await expect(other.getByText('Served by the service worker')).toHaveCount(0);
    expect(server.pages('web.whatsapp.com').length).toBe(pagesBefore);
  });

  test('paths spelt as a server reads them, and an IPv4 host written as IPv6, are blocked in the browser and by classify alike', async () => {
    const variants = [
      'https://www.facebook.com/messages',
      'https://www.facebook.com//messages',
      'https://www.facebook.com/%6Dessages',
      'https://www.facebook.com/%6dessages/t/1',
      'https://www.facebook.com/messages;x',
      'https://www.facebook.com/messages%2Ft%2F1',
      'https://www.facebook.com/x/..%2Fmessages',
      'https://www.facebook.com/MESSAGES/t/1',
      'https://www.instagram.com/direct/inbox',
      'https://www.instagram.com/%64irect',
      'https://www.instagram.com//direct',
      'https://www.instagram.com/direct;v=1',
      'https://www.instagram.com/%64irect%2Finbox',
      `https://[::ffff:127.0.0.1]:${server.port}/`,
    ];
    const page = await browser.context.newPage();
    for (const url of variants) {
      await page.goto(url).catch(() => undefined);
      await expect(page.getByRole('heading', { name: BLOCKED }), url).toBeVisible();
    }
    expect(server.requests.filter((r) => /facebook|instagram|::ffff|7f00/.test(r.host))).toEqual([]);
    // The command line agrees on every one.
    const policyFile = test.info().outputPath('policy.json');
    (await import('node:fs')).writeFileSync(policyFile, JSON.stringify(POLICY));
    const r = cli('classify', '--json', '--policy', policyFile, ...variants);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l).action)).toEqual(variants.map(() => 'block'));
    // And an allowed page on the same host still opens.
    await page.goto('https://www.facebook.com/groups/1');
    await expect(page.locator('#site')).toHaveText('Reached www.facebook.com');
  });

  test('blocked frames and navigations are recorded by the background, once per host and tab for frames', async () => {
    server.route((_req, res, host) => {
      if (host !== 'portal.example.org') return false;
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><h1 id="site">Portal</h1>${'<iframe src="https://facetime.apple.com/join"></iframe>'.repeat(20)}`);
      return true;
    });
    const page = await browser.context.newPage();
    await page.goto('https://portal.example.org/');
    await expect(page.frameLocator('iframe').nth(19).getByRole('heading', { name: BLOCKED })).toBeVisible();
    await page.goto('https://facetime.apple.com/join');
    await expect(page.getByRole('heading', { name: BLOCKED })).toBeVisible();
    const blocked = (await loggedEvents(admin)).filter((e) => e.type === 'navigation.blocked' && e.host === 'facetime.apple.com');
    expect(blocked).toHaveLength(2);
  });
});
