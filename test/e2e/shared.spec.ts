/**
 * One set of scenarios, run in real Chromium and in real Firefox ESR, each with the
 * extension built for it and a real managed policy pushed the way IT pushes it (Chromium:
 * the managed-policy folder; Firefox: policies.json). Every host name reaches one loopback
 * HTTPS server, whose request log proves what a warned or blocked site never received.
 * Engine details live in engines/; a scenario is written once.
 */
import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { cli } from './cli.ts';
import { chromium } from './engines/chromium.ts';
import { firefox } from './engines/firefox.ts';
import { events, exportLog, status, useEngineSession } from './engines/session.ts';
import { startServer } from './https-server.ts';
import { requireOrSkip } from './require.ts';
import { sealOf } from '../../src/cli/deploy/prepare.ts';
import type { Tab } from './engines/types.ts';

const POLICY = {
  schemaVersion: 1,
  policyVersion: 'shared-1',
  organization: { name: 'St Example Health', supportContact: 'Service desk x4357' },
  sanctionedPlatforms: [{ name: 'Example Health Zoom', url: 'https://examplehealth.zoom.us/' }],
  categories: { 'consumer-video': 'block', 'consumer-messaging': 'warn' },
  rules: [{ match: 'portal.example.org/chat', action: 'block', label: 'Portal chat' }],
  warn: { requireReason: true, bypassMinutes: 5 },
  meetings: { sanctioned: { zoom: { accounts: ['examplehealth'] } } },
  tenantRestrictions: {
    microsoft: { tenants: ['examplehealth.onmicrosoft.com'], context: '72f988bf-86f1-41af-91ab-2d7cd011db47', blockConsumerAccounts: true },
    google: { allowedDomains: ['examplehealth.org'] },
  },
};
/** The sign-in headers of that policy, as the vendors' hosts must receive them. */
const MICROSOFT = {
  'restrict-access-to-tenants': 'examplehealth.onmicrosoft.com',
  'restrict-access-context': '72f988bf-86f1-41af-91ab-2d7cd011db47',
};
/** Consumer Microsoft accounts refused, at their own sign-in host (a `sec-` header no page may set). */
const MSA = { 'sec-restrict-tenant-access-policy': 'restrict-msa' };
const GOOGLE = { 'x-googapps-allowed-domains': 'examplehealth.org' };
const TENANT_HEADERS = [...Object.keys(MICROSOFT), ...Object.keys(MSA), ...Object.keys(GOOGLE)];

const BLOCKED = 'Blocked for patient work';
const WARNED = 'Check before you continue';

/** The test server's page for `host` is shown (a link the extension checks may pass through its guard page first). */
async function reached(tab: Tab, host: string): Promise<void> {
  await expect.poll(() => tab.text().catch(() => ''), { timeout: 10_000 }).toContain(`Reached ${host}`);
}

async function headingOf(tab: Tab, expected: string): Promise<void> {
  await expect.poll(() => tab.heading().catch(() => ''), { timeout: 10_000 }).toBe(expected);
}

for (const engine of [chromium, firefox]) {
  test.describe(`${engine.name}: the managed policy enforced`, () => {
    const session = useEngineSession(engine, POLICY);

    test('a blocked site, and a blocked host fetched from an allowed page, reach nothing', async () => {
      const { browser, server, admin } = session;
      const tab = await browser.newTab();
      await tab.open('https://facetime.apple.com/join#v=1&p=secret');
      await headingOf(tab, BLOCKED);
      expect(await tab.url()).toMatch(/^(chrome|moz)-extension:\/\/[^/]+\/guard\.html#/);
      const text = await tab.text();
      expect(text).toContain('facetime.apple.com');
      expect(text).toContain('St Example Health');
      expect(text).toContain('Service desk x4357');
      expect(text).not.toContain('secret');
      expect(text).toContain('Example Health Zoom');
      expect((await tab.buttons()).map((b) => b.name)).not.toContain('Continue to site');
      // A path rule of the organisation, on a segment boundary only.
      await tab.open('https://portal.example.org/chat/42?patient=Jane+Doe');
      await headingOf(tab, BLOCKED);
      expect(await tab.text()).toContain('Portal chat');
      await tab.open('https://portal.example.org/chatter');
      await reached(tab, 'portal.example.org');
      expect(server.pages('portal.example.org')).toEqual(['/chatter']);

      // An allowed page cannot reach the blocked host by a request of its own either.
      const fetched = await tab.run((u) => fetch(u, { mode: 'no-cors' }).then(() => 'reached', () => 'refused'), 'https://facetime.apple.com/api');
      expect(fetched).toBe('refused');
      expect(server.hits('facetime.apple.com')).toEqual([]);

      const blocked = (await events(admin)).filter((e) => e.type === 'navigation.blocked');
      expect(blocked.map((e) => [e.host, e.service, e.action])).toEqual([
        ['facetime.apple.com', 'facetime', 'block'],
        ['portal.example.org', null, 'block'],
      ]);
      expect(JSON.stringify(blocked)).not.toMatch(/secret|join|Jane|patient|\/chat/);
    });

    test('a warned site is reached only after a reason and Continue to site, once its warning was shown', async () => {
      const { browser, server, admin } = session;
      const tab = await browser.newTab();
      await tab.open('https://web.whatsapp.com/');
      await headingOf(tab, WARNED);
      expect(server.hits('web.whatsapp.com')).toEqual([]);
      const go = async () => (await tab.buttons()).find((b) => b.name === 'Continue to site');
      expect(await go()).toEqual({ name: 'Continue to site', enabled: false });
      await tab.fill('Reason', 'Patient asked to send a photo of a rash');
      await expect.poll(go).toEqual({ name: 'Continue to site', enabled: true });
      await tab.press('Continue to site');
      await reached(tab, 'web.whatsapp.com');
      expect(server.pages('web.whatsapp.com')).toEqual(['/']);
      // Allowed for the bypass: the next visit goes straight through.
      await tab.open('https://web.whatsapp.com/again');
      await reached(tab, 'web.whatsapp.com');
      // That origin only: another port of the same host is warned about on its own.
      await tab.open('https://web.whatsapp.com:8443/other-port');
      await headingOf(tab, WARNED);
      expect(server.pages('web.whatsapp.com')).toEqual(['/', '/again']);

      const log = await events(admin);
      // Warned twice: the first visit, and the other port (its own origin).
      expect(log.filter((e) => e.type === 'navigation.warned').map((e) => e.host)).toEqual(['web.whatsapp.com', 'web.whatsapp.com']);
      expect(log.find((e) => e.type === 'navigation.proceeded')).toMatchObject({ host: 'web.whatsapp.com', service: 'whatsapp', action: 'warn', reason: 'Patient asked to send a photo of a rash' });
    });

    test('a site that opens the guard page itself gets no way through and writes no event', async () => {
      const { browser, server, admin } = session;
      const tab = await browser.newTab();
      await tab.open('https://attacker.example/');
      await tab.run((u) => void (location.href = u), `${await browser.guardPage()}#https://web.whatsapp.com/`);
      // The page shows what it would say, but only a tab the extension's own rule sent here
      // for this URL may go on (proof: the browser's report of that redirect).
      await headingOf(tab, WARNED);
      await new Promise((r) => setTimeout(r, 2000));
      expect((await tab.buttons()).map((b) => b.name)).toEqual(['Go back']);
      expect(server.hits('web.whatsapp.com')).toEqual([]);
      expect((await events(admin)).filter((e) => /^navigation\./.test(String(e.type)))).toEqual([]);
    });

    test('a Zoom start link is blocked on open and its host token never reaches Zoom or the log', async () => {
      const { browser, server, admin } = session;
      const tab = await browser.newTab();
      await tab.open('https://examplehealth.zoom.us/s/81234567890?zak=HOSTTOKEN');
      await headingOf(tab, BLOCKED);
      // Said once, as the reason (not again as a finding).
      const text = await tab.text();
      expect(text.match(/join as the host|joins as the host|start the meeting as host/gi)).toEqual(['join as the host']);
      expect(server.hits('examplehealth.zoom.us')).toEqual([]);
      // A scheduled meeting of the organisation's own account with a passcode goes through.
      await tab.open('https://examplehealth.zoom.us/j/81234567890?pwd=abcDEF123');
      await reached(tab, 'examplehealth.zoom.us');
      const checked = (await events(admin)).filter((e) => e.type === 'link.checked');
      expect(checked.map((e) => [e.host, e.service, e.action])).toEqual([
        ['examplehealth.zoom.us', 'zoom', 'block'],
        ['examplehealth.zoom.us', 'zoom', 'allow'],
      ]);
      expect(checked[0]!.findings).toContain('start-link');
      expect(JSON.stringify(await events(admin))).not.toMatch(/HOSTTOKEN|abcDEF123/);
    });

    test('a host token never leaves: framed, fetched or as an image from an allowed page, or spelt another way at the top, nothing reaches Zoom', async () => {
      const { browser, server } = session;
      server.route((req, res, host) => {
        if (host !== 'portal.example.org' || req.url !== '/tokens') return false;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><h1>Portal</h1>
          <iframe src="https://zoom.us/s/81234567890?zak=TOKEN-FRAME"></iframe>
          <img src="https://zoom.us/rec/share?z%61k=TOKEN-IMG">
          <script>fetch('https://zoom.us/launch?action=start&%7Aak=TOKEN-FETCH', { mode: 'no-cors' }).catch(() => {});</script>`);
        return true;
      });
      const tab = await browser.newTab();
      await tab.open('https://portal.example.org/tokens');
      await tab.open('https://zoom.us/rec/share?x=1;Z%61K=TOKEN-TOP');
      await headingOf(tab, BLOCKED);
      expect(server.requests.filter((r) => r.host.endsWith('zoom.us') || r.path.includes('TOKEN'))).toEqual([]);
    });

    test("sign-in pages receive the organisation's tenant-restriction headers, other hosts none, a page cannot set its own", async () => {
      const { browser, server } = session;
      const seen: Array<{ host: string; path: string; headers: Record<string, string> }> = [];
      server.route((req, _res, host) => {
        const headers: Record<string, string> = {};
        for (const h of TENANT_HEADERS) if (typeof req.headers[h] === 'string') headers[h] = req.headers[h] as string;
        seen.push({ host, path: req.url ?? '/', headers });
        return false;
      });
      const headersOf = (host: string, path = '/') => seen.filter((r) => r.host === host && r.path === path).map((r) => r.headers);
      const tab = await browser.newTab();
      await tab.open('https://login.microsoftonline.com/');
      await reached(tab, 'login.microsoftonline.com');
      expect(headersOf('login.microsoftonline.com')).toEqual([MICROSOFT]);
      await tab.open('https://login.live.com/');
      await reached(tab, 'login.live.com');
      expect(headersOf('login.live.com')).toEqual([MSA]);
      await tab.open('https://accounts.google.com/');
      await reached(tab, 'accounts.google.com');
      expect(headersOf('accounts.google.com')).toEqual([GOOGLE]);
      await tab.open('https://portal.example.org/');
      await reached(tab, 'portal.example.org');
      expect(headersOf('portal.example.org')).toEqual([{}]);
      // A page's own value for a header it may set is replaced (same-origin, no preflight).
      await tab.open('https://login.microsoftonline.com/home');
      await tab.run((h) => fetch('/own', { headers: { 'Restrict-Access-To-Tenants': h } }).then((r) => r.status), 'attacker.onmicrosoft.com');
      expect(headersOf('login.microsoftonline.com', '/own')).toEqual([MICROSOFT]);
    });

    test('the event log exports signed, and the command line verifies it', async () => {
      const { browser, admin } = session;
      const tab = await browser.newTab();
      await tab.open('https://facetime.apple.com/');
      await headingOf(tab, BLOCKED);
      await tab.open('https://t.me/somechannel');
      await headingOf(tab, WARNED);
      expect(session.server.hits('facetime.apple.com')).toEqual([]);
      expect(session.server.hits('t.me')).toEqual([]);
      const text = await exportLog(admin);
      const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.at(-1)!.type).toBe('log.signature');
      const types = lines.map((l) => l.type);
      expect(types[0]).toBe('log.key');
      expect(types).toEqual(expect.arrayContaining(['policy.applied', 'navigation.blocked', 'navigation.warned']));
      expect(lines.filter((l) => l.type !== 'log.signature').every((l) => l.policyVersion === 'shared-1' && l.policySource === 'managed')).toBe(true);
      const file = test.info().outputPath(`${engine.name}-export.ndjson`);
      writeFileSync(file, text);
      const verified = cli('logs', 'verify', file);
      expect(verified.stdout).toContain(`OK ${file}: ${lines.length - 1} events verified`);
      expect(verified.code).toBe(0);
      // One byte changed in an event: the same command refuses it.
      writeFileSync(file, text.replace('"navigation.warned"', '"navigation.blocked"'));
      expect(cli('logs', 'verify', file).code).toBe(1);
      const csv = await exportLog(admin, 'csv');
      expect(csv.split('\n')[0]).toMatch(/^seq,/);
      expect(csv).toContain('t.me');
    });

    test('the policy arrives exactly as sealed (deploy seals it): in force, not marked unsealed', async () => {
      const s = await status(session.admin);
      expect([s.source, s.unsealed, s.problems]).toEqual(['managed', false, {}]);
      const applied = (await events(session.admin)).filter((e) => e.type === 'policy.applied');
      expect(applied.map((e) => e.findings)).not.toContainEqual(expect.arrayContaining(['policy-unsealed']));
    });

    test('no hint to a blocked host: a preconnect or prefetch of FaceTime from an allowed page opens no connection to it', async () => {
      const { browser, server, admin } = session;
      server.route((req, res, host) => {
        if (host !== 'portal.example.org' || req.url !== '/hints') return false;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><title>Hints</title>
          <link rel="preconnect" href="https://facetime.apple.com/">
          <link rel="dns-prefetch" href="https://facetime.apple.com/">
          <link rel="prefetch" href="https://facetime.apple.com/prefetched">
          <h1 id="site">Portal</h1>`);
        return true;
      });
      const tab = await browser.newTab();
      await tab.open('https://portal.example.org/hints');
      await tab.run((u) => fetch(u, { mode: 'no-cors' }).then(() => 'ok', () => 'refused'), 'https://sentinel.example.org/after');
      await expect.poll(() => server.hits('sentinel.example.org').length, { timeout: 10_000 }).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 1500));
      expect(server.serverNames).not.toContain('facetime.apple.com');
      expect(server.hits('facetime.apple.com')).toEqual([]);
      // The browser's own switch, held by the extension while the policy blocks a host. (Firefox
      // driven by puppeteer starts with prediction already off, so there only this line can fail
      // without the extension's switch; in Chromium the connection above does: tried, it opened.)
      const prediction = await admin.run(() => chrome.privacy.network.networkPredictionEnabled.get({}), null);
      expect(prediction).toMatchObject({ value: false, levelOfControl: 'controlled_by_this_extension' });
    });
  });

  test.describe(`${engine.name}: a sealed push with a value of the wrong JSON type`, () => {
    const why = engine.unavailable();
    requireOrSkip(why === null, why ?? '');
    test.afterEach(() => engine.removePolicy());

    // Chromium drops `services` (its managed schema says object) and hands over the rest, which
    // the seal then refuses; Firefox hands the add-on the JSON as written, which the policy
    // check refuses by itself. Either way it never applies.
    test('is refused whole: never in force, the problem shown', async () => {
      const broken = { schemaVersion: 1, policyVersion: 'shared-broken', categories: { 'consumer-video': 'block' }, services: ['telegram'] };
      engine.writePolicy({ ...broken, seal: sealOf(broken as never) });
      const server = await startServer();
      const browser = await engine.launch(server);
      try {
        const admin = await browser.admin();
        let last: Awaited<ReturnType<typeof status>> | null = null;
        await expect.poll(async () => (last = await status(admin).catch(() => null))?.problems.managed !== undefined, { timeout: 30_000, intervals: [250] }).toBe(true);
        expect([last!.source, last!.policyVersion]).toEqual(['default', 'built-in-default']);
        expect(last!.problems.managed).toEqual(
          engine.name === 'chromium' ? ['seal: the browser delivered a different policy than was sealed'] : ['services: must be an object, not an array'],
        );
        const log = await events(admin);
        expect(log.filter((e) => e.type === 'policy.invalid').map((e) => e.findings)).toEqual([last!.problems.managed]);
      } finally {
        await browser.close();
        await server.close();
      }
    });
  });
}
