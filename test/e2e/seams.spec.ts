/**
 * The guard at its seams (issue 18), in real Chromium with a real managed policy; every host
 * resolves to one loopback HTTPS server, whose request log proves what never left the browser:
 * a host token in any request type, a meeting in a frame, a token or platform name in another
 * spelling (at the platform or behind a mail gateway), an allowance stretched to another
 * origin. One browser for the file; the tests share it in order.
 */
import { expect, test, type Page, type Request } from '@playwright/test';
import fc from 'fast-check';
import { launchWithExtension } from './browser.ts';
import { extensionPage, loggedEvents, waitForPolicy } from './extension.ts';
import { startServer, type TestServer } from './https-server.ts';
import { canWriteManagedPolicy, POLICY_DIR, removeManagedPolicy, writeManagedPolicy } from './managed-policy.ts';
import { requireOrSkip } from './require.ts';
import { tokenLinks, wrappedTokenLink } from '../core/spellings.ts';

const POLICY = {
  schemaVersion: 1,
  policyVersion: 'seams-1',
  organization: { name: 'St Example Health', supportContact: 'servicedesk@examplehealth.org' },
  categories: { 'consumer-video': 'block', 'consumer-messaging': 'warn' },
  rules: [{ match: 'chat.example.org', action: 'warn', label: 'Clinic chat' }],
  meetings: { sanctioned: { zoom: { accounts: ['examplehealth'] } } },
  warn: { requireReason: true, bypassMinutes: 5 },
};
const BLOCKED = 'Blocked for patient work';
const WARNED = 'Check before you continue';
/** The mail gateways' hosts (Chromium's own background requests to accounts.google.com are not page requests). */
const GATEWAY_HOSTS = /safelinks|^www\.google\.com$|urldefense|cudasvc/;

test.describe.serial('the guard at its seams', () => {
  requireOrSkip(canWriteManagedPolicy(), `needs write access to the managed policy folder ${POLICY_DIR} (root, as in CI)`);
  let server: TestServer;
  let b: Awaited<ReturnType<typeof launchWithExtension>>;
  let admin: Page;
  /** Requests that reached a Zoom host other than the organisation's own account, or a mail gateway. */
  const leaks = () => server.requests.filter((r) => (/(^|\.)zoom\.us$/.test(r.host) && r.host !== 'examplehealth.zoom.us') || GATEWAY_HOSTS.test(r.host) || /TOKEN/.test(r.path));

  test.beforeAll(async () => {
    server = await startServer();
    writeManagedPolicy(POLICY);
    b = await launchWithExtension({ args: server.resolverArgs() });
    admin = await extensionPage(b.context, b.extensionId);
    await waitForPolicy(admin, (s) => s.source === 'managed' && s.policyVersion === POLICY.policyVersion);
  });
  test.afterAll(async () => {
    await b?.close();
    removeManagedPolicy();
    await server?.close();
  });

  test('a Zoom start link reaches Zoom by no request type; an unsafe meeting in a frame shows a notice with Open in a tab, an ok one loads; frame decisions are recorded as such', async () => {
    const safeLinksStart = `https://nam12.safelinks.protection.outlook.com/?url=${encodeURIComponent('https://zoom.us/s/81234567890?zak=TOKEN-SAFELINKS')}&data=x&reserved=0`;
    server.route((req, res, host) => {
      if (host !== 'portal.example.org' || req.url !== '/embed') return false;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><h1 id="site">Portal</h1>
        <iframe title="start" src="https://zoom.us/s/81234567890?zak=TOKEN-FRAME"></iframe>
        <iframe title="unsanctioned" src="https://otherclinic.zoom.us/j/81234567890?pwd=abc"></iframe>
        <iframe title="wrapped" src="${safeLinksStart.replace(/&/g, '&amp;')}"></iframe>
        <iframe title="ok" src="https://examplehealth.zoom.us/j/81234567890?pwd=abc"></iframe>
        <iframe title="posted" name="posted"></iframe>
        <object title="object" data="https://zoom.us/s/81234567890?zak=TOKEN-OBJECT" width="300" height="150"></object>
        <embed title="embed" src="https://zoom.us/s/81234567890?zak=TOKEN-EMBED" width="300" height="150">
        <img src="https://zoom.us/rec/share?z%61k=TOKEN-IMG">
        <audio src="https://zoom.us/s/81234567890?zak=TOKEN-MEDIA" autoplay></audio>
        <link rel="prefetch" href="https://zoom.us/s/81234567890?zak=TOKEN-PREFETCH">
        <a id="ping" href="#p" ping="https://zoom.us/s/81234567890?zak=TOKEN-PING">ping</a>
        <form id="post" method="post" action="https://zoom.us/s/81234567890" target="posted"><input type="hidden" name="zak" value="TOKEN-POST"></form>
        <script>
          fetch('https://zoom.us/s/81234567890?zak=TOKEN-FETCH', { mode: 'no-cors' }).catch(() => {});
          fetch('https://zoom.us/s/81234567890', { method: 'POST', mode: 'no-cors', body: 'zak=TOKEN-FETCHPOST' }).catch(() => {});
          const x = new XMLHttpRequest(); x.open('GET', 'https://zoom.us/launch?action=start&%7Aak=TOKEN-XHR'); x.send();
          navigator.sendBeacon('https://zoom.us/s/81234567890', 'zak=TOKEN-BEACON');
          try { new WebSocket('wss://zoom.us/ws?zak=TOKEN-WS'); } catch {}
          document.getElementById('post').submit();
        </script>`);
      return true;
    });
    // Every token-carrying request the page makes, by its label, once the browser has decided it
    // (cancelled, or redirected to the guard page and finished there): then anything that got
    // through has reached the server.
    const decided = new Set<string>();
    const label = (r: Request) => /TOKEN-(\w+)/.exec(`${r.url()} ${r.postData() ?? ''}`)?.[1];
    const onDecided = (r: Request) => void (label(r) && decided.add(label(r)!));
    b.context.on('requestfailed', onDecided);
    b.context.on('requestfinished', onDecided);
    const page = await b.context.newPage();
    page.on('websocket', (ws) => ws.on('close', () => decided.add('WS')));
    await page.goto('https://portal.example.org/embed');
    await page.click('#ping');
    const frame = (title: string) => page.frameLocator(`iframe[title="${title}"]`);
    await expect(frame('start').getByRole('heading', { name: BLOCKED })).toBeVisible();
    await expect(frame('start').getByRole('link', { name: 'Open in a tab' })).toBeVisible();
    await expect(frame('wrapped').getByRole('heading', { name: BLOCKED })).toBeVisible();
    await expect(frame('posted').getByRole('heading', { name: BLOCKED })).toBeVisible();
    await expect(frame('unsanctioned').getByRole('heading', { name: WARNED })).toBeVisible();
    // A frame offers no way through of its own; Open in a tab goes through the normal check.
    await expect(frame('unsanctioned').getByRole('button', { name: /Continue/ })).toHaveCount(0);
    await expect(frame('ok').locator('#site')).toHaveText('Reached examplehealth.zoom.us');
    const [tab] = await Promise.all([b.context.waitForEvent('page'), frame('unsanctioned').getByRole('link', { name: 'Open in a tab' }).click()]);
    await expect(tab.getByRole('heading', { name: WARNED })).toBeVisible();
    await expect(tab.getByRole('button', { name: 'Open this link once' })).toBeVisible();
    await expect
      .poll(() => [...decided].sort())
      .toEqual(['BEACON', 'EMBED', 'FETCH', 'FETCHPOST', 'FRAME', 'IMG', 'MEDIA', 'OBJECT', 'PING', 'POST', 'PREFETCH', 'SAFELINKS', 'WS', 'XHR']);
    b.context.off('requestfailed', onDecided);
    b.context.off('requestfinished', onDecided);
    expect(leaks()).toEqual([]);
    expect(server.hits('otherclinic.zoom.us')).toEqual([]);
    expect(server.pages('examplehealth.zoom.us')).toEqual(['/j/81234567890?pwd=abc']);
    // The frames' decisions are in the log, marked as frames; the tab's is not.
    const checked = (await loggedEvents(admin)).filter((e) => e.type === 'link.checked');
    expect(checked.filter((e) => e.frame === true).map((e) => [e.host, e.action])).toEqual(
      expect.arrayContaining([
        ['zoom.us', 'block'],
        ['otherclinic.zoom.us', 'warn'],
        ['examplehealth.zoom.us', 'allow'],
      ]),
    );
    expect(checked.filter((e) => e.host === 'otherclinic.zoom.us' && e.frame === undefined)).toHaveLength(1);
    expect(JSON.stringify(await loggedEvents(admin))).not.toContain('TOKEN');
  });

  test('a token name spelt another way on a path the rules do not list never reaches Zoom', async () => {
    const page = await b.context.newPage();
    for (const url of ['https://zoom.us/rec/share?z%61k=TOKEN-A', 'https://zoom.us/launch?action=start&%7Aak=TOKEN-B', 'https://zoom.us/rec/share?x=1;ZAK=TOKEN-C']) {
      await page.goto(url);
      await expect(page.getByRole('heading', { name: BLOCKED }), url).toBeVisible();
    }
    expect(leaks()).toEqual([]);
  });

  test('a sample of wrapped start links, platform and parameter names respelt, reaches neither the gateway nor Zoom', async () => {
    const sample = fc.sample(fc.constantFrom(...tokenLinks()).chain(wrappedTokenLink), { seed: 18, numRuns: 10 });
    const page = await b.context.newPage();
    for (const url of sample) {
      await page.goto(url);
      await expect(page.getByRole('heading', { name: BLOCKED }), url).toBeVisible();
    }
    expect(leaks()).toEqual([]);
  });

  test('Continue on https://chat.example.org/ opens that origin only: not http://, not another port; the popup on the warning says what was stopped', async () => {
    const page = await b.context.newPage();
    await page.goto('https://chat.example.org/');
    await page.getByRole('textbox', { name: 'Reason' }).fill('Patient asked by chat');
    await page.getByRole('button', { name: 'Continue to site' }).click();
    await expect(page.locator('#site')).toHaveText('Reached chat.example.org');
    for (const url of ['https://chat.example.org:8443/', 'http://chat.example.org/']) {
      await page.goto(url).catch(() => undefined);
      await expect(page.getByRole('heading', { name: WARNED }), url).toBeVisible();
    }
    expect(server.pages('chat.example.org')).toEqual(['/']);

    // The popup on that warning page: what was stopped, the reference, Request access.
    const reference = await page.getByTestId('guard-reference').locator('.reference').textContent();
    const guardTab = await b.worker.evaluate(async (u) => (await chrome.tabs.query({})).find((t: { url?: string }) => t.url === u)?.id, page.url());
    const popup = await b.context.newPage();
    await popup.addInitScript(
      ([id, url]) => {
        chrome.tabs.query = (async () => [{ id, url, active: true }]) as never;
      },
      [guardTab, page.url()] as const,
    );
    await popup.goto(`chrome-extension://${b.extensionId}/popup.html`);
    await expect(popup.getByRole('heading', { name: 'Stopped in this tab' })).toBeVisible();
    await expect(popup.getByTestId('tab-verdict')).toContainText('Clinic chat');
    await expect(popup.getByTestId('tab-reference')).toContainText(reference!);
    const access = await popup.getByRole('link', { name: 'Request access' }).getAttribute('href');
    expect(access).toMatch(/^mailto:servicedesk@examplehealth\.org\?/);
    expect(decodeURIComponent(access!)).toContain(reference!);
  });
});
