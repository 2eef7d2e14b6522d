import { expect, test } from '@playwright/test';
import { makeRules } from '../../bench/classify.ts';
import { rng } from '../../bench/util.ts';
import { launchWithExtension, stopServiceWorker } from './browser.ts';
import { extensionPage, loggedEvents, waitForPolicy } from './extension.ts';
import { startServer, type TestServer } from './https-server.ts';
import { canWriteManagedPolicy, POLICY_DIR, removeManagedPolicy, writeManagedPolicy } from './managed-policy.ts';
import { requireOrSkip } from './require.ts';

const POLICY = { schemaVersion: 1, policyVersion: 'persist-1', categories: { 'consumer-video': 'block', 'consumer-messaging': 'block' } };

test.describe('rules the browser keeps', () => {
  requireOrSkip(canWriteManagedPolicy(), `needs write access to the managed policy folder ${POLICY_DIR} (root, as in CI)`);
  let server: TestServer;
  test.beforeEach(async () => {
    server = await startServer();
  });
  test.afterEach(async () => {
    removeManagedPolicy();
    await server.close();
  });

  test('blocking survives a browser restart and a stopped service worker, and no event is lost', async () => {
    writeManagedPolicy(POLICY);
    const first = await launchWithExtension({ args: server.resolverArgs() });
    const admin = await extensionPage(first.context, first.extensionId);
    await waitForPolicy(admin, (s) => s.policyVersion === 'persist-1');
    const rulesBefore = await first.worker.evaluate(() => chrome.declarativeNetRequest.getDynamicRules());
    expect(rulesBefore.length).toBeGreaterThan(0);
    const profile = first.profileDir;
    await first.close(true);

    const second = await launchWithExtension({ args: server.resolverArgs(), profileDir: profile });
    try {
      const page = await second.context.newPage();
      await page.goto('https://web.whatsapp.com/');
      await expect(page.getByRole('heading', { name: 'Blocked for patient work' })).toBeVisible();
      expect(await second.worker.evaluate(() => chrome.declarativeNetRequest.getDynamicRules())).toEqual(rulesBefore);

      // The worker stops (as after 30 s idle); the browser's engine still blocks, and the
      // page's report wakes the worker, which records the event.
      await stopServiceWorker(second.context);
      await page.goto('https://facetime.apple.com/join');
      await expect(page.getByRole('heading', { name: 'Blocked for patient work' })).toBeVisible();
      expect(server.hits('web.whatsapp.com')).toEqual([]);
      expect(server.hits('facetime.apple.com')).toEqual([]);

      const admin2 = await extensionPage(second.context, second.extensionId);
      const blocked = (await loggedEvents(admin2)).filter((e) => e.type === 'navigation.blocked').map((e) => e.host);
      expect(blocked).toEqual(['web.whatsapp.com', 'facetime.apple.com']);
    } finally {
      await second.close();
    }
  });

  test('at start-up the rules are checked against the policy in force and repaired', async () => {
    writeManagedPolicy(POLICY);
    const b = await launchWithExtension({ args: server.resolverArgs() });
    try {
      const admin = await extensionPage(b.context, b.extensionId);
      await waitForPolicy(admin, (s) => s.policyVersion === 'persist-1');
      const expected = await b.worker.evaluate(() => chrome.declarativeNetRequest.getDynamicRules());
      // Something removes the rules behind the extension's back…
      await b.worker.evaluate(async () => {
        const ids = (await chrome.declarativeNetRequest.getDynamicRules()).map((r: { id: number }) => r.id);
        await chrome.declarativeNetRequest.updateDynamicRules({ removeRuleIds: ids });
      });
      await admin.close();
      // …then the worker restarts: its start-up check puts them back.
      await stopServiceWorker(b.context);
      const again = await extensionPage(b.context, b.extensionId);
      await waitForPolicy(again, (s) => s.policyVersion === 'persist-1');
      const worker = b.context.serviceWorkers().at(-1)!;
      await expect.poll(() => worker.evaluate(() => chrome.declarativeNetRequest.getDynamicRules())).toEqual(expected);
    } finally {
      await b.close();
    }
  });

  test('a 5,000-rule policy fits the browser: Chromium accepts its rules and enforces them', async () => {
    const rules = makeRules(5000, rng(11));
    writeManagedPolicy({ schemaVersion: 1, policyVersion: 'big-5000', rules });
    const b = await launchWithExtension({ args: server.resolverArgs() });
    try {
      const admin = await extensionPage(b.context, b.extensionId);
      const status = await waitForPolicy(admin, (s) => s.policyVersion === 'big-5000', 40_000);
      expect(status.limitProblems).toEqual([]);
      const installed = await b.worker.evaluate(() => chrome.declarativeNetRequest.getDynamicRules());
      expect(installed.length).toBe(status.ruleCount);
      test.info().annotations.push({ type: 'DNR rules for a 5,000-rule policy', description: String(installed.length) });
      const blockRule = rules.find((r) => r.action === 'block' && !r.match.includes('/'))!;
      const allowRule = rules.find((r) => r.action === 'allow' && !r.match.includes('/'))!;
      const page = await b.context.newPage();
      await page.goto(`https://www.${blockRule.match}/`);
      await expect(page.getByRole('heading', { name: 'Blocked for patient work' })).toBeVisible();
      await page.goto(`https://${allowRule.match}/`);
      await expect(page.locator('#site')).toHaveText(`Reached ${allowRule.match}`);
    } finally {
      await b.close();
    }
  });
});
