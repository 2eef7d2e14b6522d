/**
 * A fleet's events in a real ClickHouse server, from the real extension in real Chromium
 * (docs/fleet.md): the daily `install.heartbeat` is written at start and by its alarm
 * after the worker was stopped; the collector format `clickhouse` posts every event over
 * HTTPS into the table `fleet schema` prints, where each one is exactly the event in the
 * local log; `fleet verify` finds the install's chain intact there.
 *
 * One browser and one server for the file. ClickHouse from Debian's package (18.16 here)
 * with its HTTPS port on a throwaway certificate (the policy takes https URLs only).
 */
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { ClickHouse } from '../../src/cli/fleet/clickhouse.ts';
import { rowToEvent, ROW_SELECT, type EventRow } from '../../src/core/fleet/rows.ts';
import { createStatements, DEFAULT_TABLE, parseTableName, type TableName } from '../../src/core/fleet/schema.ts';
import { freePort, startClickHouse, type ClickHouseServer } from '../clickhouse/server.ts';
import { launchWithExtension, stopServiceWorker } from './browser.ts';
import { cli } from './cli.ts';
import { extensionPage, importLocalPolicy, loggedEvents, waitForPolicy } from './extension.ts';

type Browser = Awaited<ReturnType<typeof launchWithExtension>>;

test.describe.serial('fleet: heartbeat and the clickhouse collector format', () => {
  let server: ClickHouseServer;
  let httpsPort: number;
  let client: ClickHouse;
  let browser: Browser;
  let admin: Page;
  const table = parseTableName(DEFAULT_TABLE) as TableName;

  test.beforeAll(async () => {
    httpsPort = await freePort();
    server = await startClickHouse({
      extraConfig: (dir) => {
        execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`, '-days', '2', '-subj', '/CN=clickhouse.test'], { stdio: 'ignore' });
        return `<https_port>${httpsPort}</https_port>
  <openSSL><server><certificateFile>${dir}/cert.pem</certificateFile><privateKeyFile>${dir}/key.pem</privateKeyFile><verificationMode>none</verificationMode><loadDefaultCAFile>false</loadDefaultCAFile><cacheSessions>true</cacheSessions><disableProtocols>sslv2,sslv3</disableProtocols><preferServerCiphers>true</preferServerCiphers></server></openSSL>`;
      },
    });
    client = new ClickHouse(server.url);
    for (const s of createStatements(table)) await client.exec(s);
    browser = await launchWithExtension({ args: ['--ignore-certificate-errors'] });
    admin = await extensionPage(browser.context, browser.extensionId);
    await waitForPolicy(admin, (s) => s.source === 'default');
  });
  test.afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('install.heartbeat at start, naming the browser; again from its alarm after the worker was stopped', async () => {
    const heartbeats = async () => (await loggedEvents(admin)).filter((e) => e.type === 'install.heartbeat');
    await expect.poll(async () => (await heartbeats()).length).toBe(1);
    const [first] = await heartbeats();
    const version = await admin.evaluate(() => chrome.runtime.getManifest().version);
    expect(first).toMatchObject({ extensionVersion: version, policySource: 'default', policyVersion: expect.any(String) });
    // Debian's Chromium names itself Chromium; Chrome for Testing or a branded build, its own name.
    expect(first!.browser).toMatch(process.env.CHROMIUM_PATH ? /^\S.* \d+\.\d+\.\d+\.\d+$/ : /^Chromium \d+\.\d+\.\d+\.\d+$/);
    expect(await admin.evaluate(() => chrome.alarms.get('heartbeat'))).toMatchObject({ name: 'heartbeat', periodInMinutes: 60 });

    // A day later (the stored day set back), the worker running: its alarm writes the day's one.
    await admin.evaluate(() => chrome.storage.local.set({ heartbeatDay: '2000-01-01' }));
    await admin.evaluate(() => chrome.alarms.create('heartbeat', { when: Date.now() + 300, periodInMinutes: 60 }));
    await expect.poll(async () => (await heartbeats()).length, { timeout: 20_000 }).toBe(2);
    // The same day: another alarm writes nothing.
    await admin.evaluate(() => chrome.alarms.create('heartbeat', { when: Date.now() + 200, periodInMinutes: 60 }));
    await admin.waitForTimeout(1500);
    expect(await heartbeats()).toHaveLength(2);
    // Another day with the worker stopped: the alarm (kept by the browser) wakes it, and it writes one.
    await admin.evaluate(() => chrome.storage.local.set({ heartbeatDay: '2000-01-02' }));
    await stopServiceWorker(browser.context);
    await admin.evaluate(() => chrome.alarms.create('heartbeat', { when: Date.now() + 500, periodInMinutes: 60 }));
    await expect.poll(async () => (await heartbeats()).length, { timeout: 20_000 }).toBe(3);
  });

  test('every event reaches the ClickHouse table over HTTPS, exactly as in the local log; fleet verify finds the chain intact', async () => {
    await importLocalPolicy(admin, {
      schemaVersion: 1,
      policyVersion: 'fleet-ch-1',
      reporting: { url: `https://127.0.0.1:${httpsPort}/`, format: 'clickhouse', table: DEFAULT_TABLE },
    });
    // Events of every kind the background writes on its own here, plus meeting-link checks.
    const checker = await browser.context.newPage();
    await checker.goto(`chrome-extension://${browser.extensionId}/check.html`);
    await checker.evaluate(async () => {
      for (const url of ['https://us05web.zoom.us/j/81234567890?pwd=abc', 'https://teams.live.com/meet/123', 'https://example.org/not-a-meeting']) {
        await chrome.runtime.sendMessage({ kind: 'link.check', url });
      }
    });
    const rows = async () => (await client.query<EventRow>(`SELECT ${ROW_SELECT} FROM ${table.full} FINAL ORDER BY seq`)).map(rowToEvent);
    let local: Array<Record<string, unknown>> = [];
    await expect
      .poll(
        async () => {
          local = await loggedEvents(admin);
          return (await rows()).length >= local.length;
        },
        { timeout: 60_000, intervals: [500] },
      )
      .toBe(true);
    const stored = await rows();
    expect(stored).toEqual(local);
    expect(stored.map((e) => e.type)).toEqual(expect.arrayContaining(['log.key', 'install.heartbeat', 'policy.applied', 'link.checked']));
    const r = cli('fleet', 'verify', '--clickhouse', server.url);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`: ${stored.length} events verified, seq 1–${stored.at(-1)!.seq}: every event re-hashed, every link and gap checked, from the first event the install wrote`);
  });
});
