/**
 * The event log in real Chromium (issue: event log): real navigations recorded, seen in
 * the viewer, exported, verified by the command line; durability across a stopped
 * worker; retention; pages cannot write; reporting to a collector.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { sealChain } from '../../src/core/events/chain.ts';
import { verifyNdjson } from '../core/events/chain-oracle.ts';
import { exportPublicKey, formatSignedNdjson, generateSigningKey } from '../../src/core/events/signature.ts';
import { launchWithExtension, stopServiceWorker } from './browser.ts';
import { cli } from './cli.ts';
import { extensionPage, importLocalPolicy, loggedEvents, waitForPolicy } from './extension.ts';
import { startServer, type TestServer } from './https-server.ts';

type Browser = Awaited<ReturnType<typeof launchWithExtension>>;


/**
 * Record `n` events through a real path: meeting-link checks from the link-check window
 * (pages cannot write events of their own; the background records what it decided).
 * Returns the hosts acknowledged.
 */
async function recordBurst(admin: Page, prefix: string, n: number): Promise<string[]> {
  const checker = await admin.context().newPage();
  await checker.goto(new URL('/check.html', admin.url()).href);
  return checker.evaluate(
    async ({ prefix, n }) => {
      const acked: string[] = [];
      await Promise.all(
        Array.from({ length: n }, async (_, i) => {
          const host = `${prefix}${i}.zoom.us`;
          try {
            const r = (await chrome.runtime.sendMessage({ kind: 'link.check', url: `https://${host}/j/81234567890` })) as { analysis?: unknown };
            if (r?.analysis) acked.push(host);
          } catch {
            /* not acknowledged: the worker stopped under it */
          }
        }),
      );
      return acked;
    },
    { prefix, n },
  );
}

test.describe('the event log', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: Page;

  test.beforeEach(async () => {
    server = await startServer();
    browser = await launchWithExtension({ args: server.resolverArgs() });
    admin = await extensionPage(browser.context, browser.extensionId);
    await waitForPolicy(admin, (s) => s.source === 'default');
  });
  test.afterEach(async () => {
    await browser?.close();
    await server?.close();
  });

  test('real navigations appear in the viewer and both exports; the export verifies, and tampering fails at that line', async ({}, info) => {
    const page = await browser.context.newPage();
    await page.goto('https://web.whatsapp.com/chat?patient=Jane+Doe');
    await page.getByRole('textbox', { name: 'Reason' }).fill('Family member sent test results');
    await page.getByRole('button', { name: 'Continue to site' }).click();
    await expect(page.locator('#site')).toBeVisible();
    await page.goto('https://facetime.apple.com/join#v=1&p=secret');
    await expect(page.getByRole('heading', { name: 'Check before you continue' })).toBeVisible();

    // No reload: the viewer, open all along, shows what was recorded meanwhile.
    const rows = admin.locator('table.events tbody tr');
    await expect(rows.filter({ hasText: 'Continued after warning' })).toContainText('Family member sent test results');
    await expect(rows.filter({ hasText: 'facetime.apple.com' })).toContainText('Warning shown');
    // Plain names, with the code on hover.
    await expect(rows.filter({ hasText: 'facetime.apple.com' }).locator('td[title="navigation.warned"]')).toHaveCount(1);
    await expect(admin.getByTestId('event-chart')).toHaveAttribute('aria-label', /events from/);
    await admin.getByLabel('Type', { exact: true }).selectOption('navigation.warned');
    await expect(admin.getByTestId('event-count')).toHaveText('Events 1–2 of 2 matching the filters, newest first.');
    await admin.getByLabel('Type', { exact: true }).selectOption('');
    // The type filter lists only the types that occur.
    const occurring = new Set((await loggedEvents(admin)).map((e) => e.type));
    await expect(admin.locator('#filter-type option')).toHaveCount(occurring.size + 1);
    // Search by host or reason.
    await admin.getByLabel('Search host or reason').fill('family member');
    await expect(admin.getByTestId('event-count')).toHaveText('Events 1–1 of 1 matching the filters, newest first.');
    await admin.getByLabel('Search host or reason').fill('whatsapp');
    await expect(admin.getByTestId('event-count')).toHaveText('Events 1–2 of 2 matching the filters, newest first.');
    await admin.getByLabel('Search host or reason').fill('');

    // Export NDJSON: a real download, verified by the real command line.
    const [ndjsonDownload] = await Promise.all([admin.waitForEvent('download'), admin.getByRole('button', { name: 'Export NDJSON' }).click()]);
    expect(ndjsonDownload.suggestedFilename()).toMatch(/^telehealth-guard-events-\d{4}-\d{2}-\d{2}-[A-Za-z0-9-]+\.ndjson$/);
    const ndjsonPath = info.outputPath('export.ndjson');
    await ndjsonDownload.saveAs(ndjsonPath);
    const text = readFileSync(ndjsonPath, 'utf8');
    expect(text).not.toMatch(/Jane|patient|secret|\/chat/);
    const lines = text.trimEnd().split('\n');
    // guard.gap: headless Chromium does not let the extension into incognito windows, which
    // it records once per browser start (src/browser/incognito.ts); install.heartbeat: the
    // day's, written as the policy loads (src/browser/heartbeat.ts); training.lesson: the
    // first warning of its kind shows a lesson (docs/awareness.md).
    expect(lines.map((l) => JSON.parse(l).type)).toEqual(['log.key', 'policy.applied', 'guard.gap', 'install.heartbeat', 'navigation.warned', 'training.lesson', 'navigation.proceeded', 'navigation.warned', 'log.signature']);
    const ok = cli('logs', 'verify', ndjsonPath);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/\b8 events verified\b/);

    const tamper = (name: string, edit: (l: string[]) => string[]) => {
      const p = info.outputPath(name);
      writeFileSync(p, edit([...lines]).join('\n') + '\n');
      return cli('logs', 'verify', p);
    };
    const edited = tamper('edited.ndjson', (l) => [...l.slice(0, 4), l[4]!.replace('facetime', 'fac3time').replace('web.whatsapp.com', 'web.whatsapp.org'), ...l.slice(5)]);
    expect(edited.code).toBe(1);
    expect(edited.stdout + edited.stderr).toMatch(/seq 5\b/);
    const deleted = tamper('deleted.ndjson', (l) => [...l.slice(0, 4), ...l.slice(5)]);
    expect(deleted.code).toBe(1);
    expect(deleted.stdout + deleted.stderr).toMatch(/seq 6\b/);
    const reordered = tamper('reordered.ndjson', (l) => [l[0]!, l[1]!, l[2]!, l[3]!, l[5]!, l[4]!, ...l.slice(6)]);
    expect(reordered.code).toBe(1);
    expect(reordered.stdout + reordered.stderr).toMatch(/seq 5\b/);

    const [csvDownload] = await Promise.all([admin.waitForEvent('download'), admin.getByRole('button', { name: 'Export CSV' }).click()]);
    const csvPath = info.outputPath('export.csv');
    await csvDownload.saveAs(csvPath);
    const csv = readFileSync(csvPath, 'utf8').split('\r\n');
    expect(csv[0]).toBe('seq,ts,type,host,url,service,action,reason,findings,incident,note,frame,channel,name,browser,policyVersion,policySource,extensionVersion,installId,user,publicKey,prev,hash');
    expect(csv.filter((r) => r.includes('navigation.proceeded'))[0]).toContain('Family member sent test results');

    const after = await loggedEvents(admin);
    expect(after.filter((e) => e.type === 'log.exported')).toHaveLength(2);
  });

  test('stopping the service worker in the middle of a burst loses no acknowledged event', async () => {
    const burst = recordBurst(admin, 'burst', 400);
    await admin.waitForTimeout(30);
    await stopServiceWorker(browser.context);
    const acked = await burst;
    const after = await recordBurst(admin, 'after', 5);
    expect(after).toHaveLength(5);
    const events = await loggedEvents(admin);
    const stored = new Set(events.map((e) => e.host));
    const lost = acked.filter((h) => !stored.has(h));
    test.info().annotations.push({ type: 'burst', description: `${acked.length} of 400 acknowledged before/after the stop; ${lost.length} lost` });
    expect(lost).toEqual([]);
    expect(acked.length).toBeGreaterThan(0);
    const verified = await verifyNdjson(events.map((e) => JSON.stringify(e)).join('\n'));
    expect(verified.ok).toBe(true);
  });

  test('retention prunes by count and by age, and what remains still verifies', async () => {
    await importLocalPolicy(admin, { schemaVersion: 1, policyVersion: 'retention-1', logging: { maxEvents: 100, retentionDays: 30 } });
    expect(await recordBurst(admin, 'r', 150)).toHaveLength(150);
    /** Let the daily retention alarm fire now, and wait for the n-th log.pruned. */
    const prune = async (n: number) => {
      const worker = browser.context.serviceWorkers().at(-1)!;
      await worker.evaluate(() => chrome.alarms.create('retention', { when: Date.now() + 10, periodInMinutes: 24 * 60 }));
      await expect.poll(async () => (await loggedEvents(admin)).filter((e) => e.type === 'log.pruned').length, { timeout: 40_000 }).toBe(n);
    };
    await prune(1);
    let events = await loggedEvents(admin);
    expect(events.length).toBeLessThanOrEqual(100);
    expect(events.filter((e) => e.type === 'log.pruned')).toHaveLength(1);
    expect((await verifyNdjson(events.map((e) => JSON.stringify(e)).join('\n'))).ok).toBe(true);

    // Age: make the five oldest events two years old (as if written then) and prune again.
    const oldSeqs = events.slice(0, 5).map((e) => e.seq as number);
    await admin.evaluate(async (seqs) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('telehealth-guard');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const tx = db.transaction('events', 'readwrite');
      const store = tx.objectStore('events');
      for (const seq of seqs) {
        const ev = await new Promise<Record<string, unknown>>((res) => (store.get(seq).onsuccess = (e) => res((e.target as IDBRequest).result)));
        ev.ts = '2024-01-02T03:04:05.000Z';
        store.put(ev);
      }
      await new Promise((res) => (tx.oncomplete = res));
      db.close();
    }, oldSeqs);
    await prune(2);
    events = await loggedEvents(admin);
    expect(events.some((e) => oldSeqs.includes(e.seq as number))).toBe(false);
    expect(events.some((e) => String(e.ts).startsWith('2024'))).toBe(false);
    expect(events.filter((e) => e.type === 'log.pruned')).toHaveLength(2);
    const verified = await verifyNdjson(events.map((e) => JSON.stringify(e)).join('\n'));
    expect(verified).toMatchObject({ ok: true });

    // And at browser start-up: over the limit again, restart on the same profile.
    expect(await recordBurst(admin, 's', 40)).toHaveLength(40);
    const profile = browser.profileDir;
    await browser.close(true);
    browser = await launchWithExtension({ args: server.resolverArgs(), profileDir: profile });
    admin = await extensionPage(browser.context, browser.extensionId);
    await expect.poll(async () => (await loggedEvents(admin)).filter((e) => e.type === 'log.pruned').length, { timeout: 40_000 }).toBe(3);
    events = await loggedEvents(admin);
    expect(events.length).toBeLessThanOrEqual(100);
    expect((await verifyNdjson(events.map((e) => JSON.stringify(e)).join('\n'))).ok).toBe(true);
  });

  test('a web page cannot write into the log', async () => {
    const before = (await loggedEvents(admin)).length;
    const page = await browser.context.newPage();
    await page.goto('https://portal.example.org/');
    const attempt = await page.evaluate(async (id) => {
      const w = window as unknown as { chrome?: { runtime?: { sendMessage?: (...a: unknown[]) => Promise<unknown> } } };
      if (typeof w.chrome?.runtime?.sendMessage !== 'function') return 'no messaging API';
      try {
        return JSON.stringify(await w.chrome.runtime.sendMessage(id, { kind: 'telehealth-guard/record-event', event: { type: 'navigation.proceeded', host: 'x.example', reason: 'forged' } }));
      } catch (e) {
        return `refused: ${(e as Error).message}`;
      }
    }, browser.extensionId);
    expect(attempt === 'no messaging API' || attempt.startsWith('refused')).toBe(true);
    {
      // Nor by posting to the page's own window, where content scripts listen.
      await page.evaluate(() => window.postMessage({ kind: 'telehealth-guard/record-event', event: { type: 'navigation.proceeded', host: 'x.example', reason: 'forged' } }, '*'));
    }
    await page.waitForTimeout(500);
    const events = await loggedEvents(admin);
    expect(events).toHaveLength(before);
    expect(JSON.stringify(events)).not.toContain('forged');
  });

  test('events are reported to the collector in order, retried after a failure, none dropped', async () => {
    test.setTimeout(120_000);
    const received: Array<Record<string, unknown>> = [];
    let failuresLeft = 1;
    server.route((req, res, host) => {
      if (host !== 'collector.example.org') return false;
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (failuresLeft-- > 0) {
          res.writeHead(503).end();
          return;
        }
        expect(req.headers['content-type']).toMatch(/application\/x-ndjson/);
        expect(req.headers.authorization).toBe('Bearer secret-token');
        for (const line of body.split('\n').filter(Boolean)) received.push(JSON.parse(line));
        res.writeHead(200).end();
      });
      return true;
    });
    await importLocalPolicy(admin, { schemaVersion: 1, policyVersion: 'report-1', reporting: { url: 'https://collector.example.org/ingest', format: 'ndjson', token: 'secret-token' } });
    const page = await browser.context.newPage();
    await page.goto('https://web.whatsapp.com/');
    await expect(page.getByRole('heading', { name: 'Check before you continue' })).toBeVisible();
    // The first attempt fails (503); after the back-off, a new event triggers the retry.
    await expect.poll(() => server.hits('collector.example.org').length, { timeout: 20_000 }).toBeGreaterThan(0);
    await page.waitForTimeout(31_000);
    await page.goto('https://t.me/x');
    const local = () => loggedEvents(admin);
    await expect.poll(async () => received.length >= (await local()).length - 1, { timeout: 60_000 }).toBe(true);
    const stored = await local();
    const seqs = received.map((e) => e.seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    const byHash = new Map(stored.map((e) => [e.hash, e]));
    for (const e of received) expect(byHash.get(e.hash)).toEqual(e);
    expect(received.map((e) => e.seq)).toEqual(stored.slice(0, received.length).map((e) => e.seq));
  });
});

test('logs report turns three machines’ exports into one readable HTML report', async ({ page }, info) => {
  const machine = async (n: number, types: string[]) => {
    const drafts = types.map((type, i) => ({
      ts: `2026-11-${String(10 + (i % 5)).padStart(2, '0')}T09:${String(n * 10 + i).padStart(2, '0')}:00.000Z`,
      type: type as never,
      host: type.startsWith('navigation') ? ['web.whatsapp.com', 'facetime.apple.com', 't.me'][i % 3]! : null,
      service: type.startsWith('navigation') ? ['whatsapp', 'facetime', 'telegram'][i % 3]! : null,
      action: type === 'navigation.blocked' ? ('block' as const) : type.startsWith('navigation') ? ('warn' as const) : null,
      ...(type === 'navigation.proceeded' ? { reason: i % 2 ? 'Patient has no other app' : '<script>alert(1)</script>' } : {}),
      policyVersion: '2026-11-a',
      policySource: 'managed' as const,
      extensionVersion: '0.1.0',
    }));
    const path = info.outputPath(`machine-${n}.ndjson`);
    const pair = await generateSigningKey();
    const signer = { installId: `machine-${n}`, publicKey: await exportPublicKey(pair.publicKey), privateKey: pair.privateKey };
    writeFileSync(path, await formatSignedNdjson(await sealChain(drafts.map((d) => ({ ...d, installId: signer.installId }))), signer, { filtered: false }));
    return path;
  };
  const files = [
    await machine(1, ['policy.applied', 'navigation.warned', 'navigation.proceeded', 'navigation.blocked', 'navigation.warned']),
    await machine(2, ['policy.applied', 'navigation.blocked', 'navigation.blocked', 'navigation.warned', 'navigation.proceeded', 'navigation.proceeded']),
    await machine(3, ['policy.applied', 'navigation.warned', 'navigation.blocked']),
  ];
  const out = info.outputPath('report.html');
  const r = cli('logs', 'report', ...files, '--out', out);
  expect(r.code, r.stderr).toBe(0);
  await page.goto(`file://${out}`);
  await expect(page.locator('h1')).toBeVisible();
  await expect(page.locator('body')).toContainText('Events14');
  await expect(page.locator('body')).toContainText('Files3 (3 counted)');
  await expect(page.locator('body')).toContainText('WhatsApp');
  await expect(page.locator('body')).toContainText('Patient has no other app');
  // Untrusted text is shown, never run.
  await expect(page.locator('body')).toContainText('<script>alert(1)</script>');
  expect(await page.locator('svg').count()).toBeGreaterThan(0);
  await page.screenshot({ path: info.outputPath('report.png'), fullPage: true });
});
