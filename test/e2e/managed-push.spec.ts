/**
 * A managed push that is wrong, or a managed policy that vanishes, never lowers
 * protection (docs/policy-format.md 1.1; README "Check before you push" and "Ending management").
 * Real Chromium, a real managed-policy file: Chrome's own schema check runs as it does
 * for IT, so these fail if the managed schema lets Chrome trim a push, or if the
 * extension falls back to a weaker policy.
 */
import { expect, test, type Page } from '@playwright/test';
import { launchWithExtension } from './browser.ts';
import { extensionPage, loggedEvents, policyStatus, waitForPolicy } from './extension.ts';
import type { TestServer } from './https-server.ts';
import { removeManagedPolicy, writeManagedFileText, writeManagedPolicy } from './managed-policy.ts';
import { sealOf } from '../../src/cli/deploy/prepare.ts';
import type { PolicyObject } from '../../src/cli/deploy/formats.ts';
import { useManagedSession, type ManagedSession } from './managed-session.ts';

const VALID = {
  schemaVersion: 1,
  policyVersion: 'push-1',
  categories: { 'consumer-video': 'block', 'consumer-messaging': 'warn' },
  services: { whatsapp: 'block' },
};

const BLOCKED = 'Blocked for patient work';

/** policy.invalid events about the policy, not the incognito gap headless Chromium always has (src/browser/incognito.ts). */
const policyInvalid = (events: Array<Record<string, unknown>>) => events.filter((e) => e.type === 'policy.invalid');

async function expectBlocked(browser: ManagedSession['browser'], server: TestServer, url: string): Promise<void> {
  const page = await browser.context.newPage();
  await page.goto(url);
  await expect(page.getByRole('heading', { name: BLOCKED })).toBeVisible();
  expect(server.hits(new URL(url).hostname)).toEqual([]);
  await page.close();
}

/** The options page and the popup both show the problem lines, under the given intro. */
async function expectShown(browser: ManagedSession['browser'], intro: RegExp, lines: string[], version = 'push-1'): Promise<void> {
  for (const path of ['options.html', 'popup.html']) {
    const page: Page = await extensionPage(browser.context, browser.extensionId, path);
    // The popup folds the details away under a summary; the text is there either way.
    const box = page.getByTestId('problems-managed');
    await expect(box, path).toContainText(intro);
    for (const line of lines) await expect(box.locator('code').filter({ hasText: line }), `${path}: ${line}`).toHaveCount(1);
    await expect(page.getByTestId('policy-version'), path).toHaveText(version);
    await page.close();
  }
}

test.describe('a wrong managed push is refused whole', () => {
  const session = useManagedSession(VALID);

  const cases = [
    {
      what: 'a misspelt service id (services.whatsap)',
      push: { ...VALID, policyVersion: 'push-2', services: { whatsap: 'block' } },
      line: /^services\.whatsap: unknown catalog service id \(did you mean "whatsapp"\?\)/,
    },
    {
      // The rest of this push, applied alone, would turn WhatsApp from block to warn.
      what: 'an out-of-range value (warn.bypassMinutes: 5000)',
      push: { schemaVersion: 1, policyVersion: 'push-3', categories: VALID.categories, warn: { bypassMinutes: 5000 } },
      line: /^warn\.bypassMinutes: must be at most 1440$/,
    },
  ];
  for (const c of cases) {
    test(`${c.what}: nothing of it applies, WhatsApp stays blocked, policy.invalid is recorded and shown`, async () => {
      const { browser, server, admin } = session;
      writeManagedPolicy(c.push);
      // Wait until the push has arrived either way (applied, or refused), then check
      // what the browser does before what the extension says.
      const status = await waitForPolicy(admin, (s) => s.policyVersion !== 'push-1' || s.problems.managed !== undefined, 30_000);
      await expectBlocked(browser, server, 'https://web.whatsapp.com/');
      expect(status.source).toBe('managed');
      expect(status.policyVersion).toBe('push-1');
      expect(status.fromLastValid).toBe(true);
      expect(status.managedMissing).toBe(false);
      expect(status.problems.managed).toHaveLength(1);
      expect(status.problems.managed![0]).toMatch(c.line);

      const invalid = policyInvalid(await loggedEvents(admin));
      expect(invalid).toHaveLength(1);
      expect(invalid[0]!.findings).toEqual(status.problems.managed);
      // Recorded under the policy still in force, not the refused one.
      expect(invalid[0]!.policyVersion).toBe('push-1');
      await expectShown(browser, /latest managed policy was refused whole \(problems: 1\), so none of it applies: the last valid version stays in force\./, status.problems.managed!);
    });
  }
});

test.describe('fail closed: a managed policy that vanishes keeps the last one in force', () => {
  const session = useManagedSession(VALID);

  const cases: Array<[string, () => void]> = [
    ['made unparseable', () => writeManagedFileText('{"3rdparty": {"extensions": {')],
    ['emptied to {}', () => writeManagedFileText('{}')],
    ['removed', () => removeManagedPolicy()],
  ];
  for (const [what, change] of cases) {
    test(`the managed file ${what}: FaceTime and WhatsApp stay blocked, and it is recorded and shown`, async () => {
      const { browser, server, admin } = session;
      change();
      // Wait until the change has arrived either way (fallen back, or kept), then check
      // what the browser does before what the extension says.
      const status = await waitForPolicy(admin, (s) => s.managedMissing || s.source !== 'managed', 30_000);
      await expectBlocked(browser, server, 'https://facetime.apple.com/join');
      await expectBlocked(browser, server, 'https://web.whatsapp.com/');
      expect(status.source).toBe('managed');
      expect(status.policyVersion).toBe('push-1');
      expect(status.managedMissing).toBe(true);
      expect(status.problems.managed).toEqual(['managed policy missing or unreadable']);
      const invalid = policyInvalid(await loggedEvents(admin));
      expect(invalid.map((e) => e.findings)).toEqual([['managed policy missing or unreadable']]);
      await expectShown(browser, /managed policy is gone or cannot be read\. The last managed policy \(push-1\) stays in force until a valid one is pushed:/, [
        'managed policy missing or unreadable',
      ]);
      // A local policy cannot take its place either.
      const refused = await admin.evaluate(() => chrome.runtime.sendMessage({ kind: 'policy.import', text: '{"schemaVersion":1}' }));
      expect(refused).toMatchObject({ ok: false });

      // Only a valid managed policy replaces it.
      writeManagedPolicy({ ...VALID, policyVersion: 'push-5', services: {} });
      const next = await waitForPolicy(admin, (s) => s.policyVersion === 'push-5', 30_000);
      expect(next.managedMissing).toBe(false);
      expect(next.problems).toEqual({});
    });
  }

  test('still kept after a browser restart with no managed policy at all', async () => {
    const { browser, server, admin } = session;
    removeManagedPolicy();
    await waitForPolicy(admin, (s) => s.managedMissing || s.source !== 'managed', 30_000);
    await browser.close(true);
    const again = await launchWithExtension({ args: server.resolverArgs(), profileDir: browser.profileDir });
    try {
      const admin2 = await extensionPage(again.context, again.extensionId);
      await expectBlocked(again, server, 'https://facetime.apple.com/join');
      const status = await policyStatus(admin2);
      expect(status.policyVersion).toBe('push-1');
      expect(status.managedMissing).toBe(true);
    } finally {
      await again.close();
    }
  });
});

/**
 * Sealed pushes (docs/policy-format.md 1.2; issue 18): one value of the wrong JSON type, and
 * Chromium's own managed-schema check drops it and hands over the rest, which is valid — all
 * the organisation's rules gone, or Telegram or FaceTime from block to warn. Sealed, the push is
 * refused whole, shown and recorded; the policy before it stays in force.
 */
test.describe('a sealed push that Chromium trimmed is refused whole', () => {
  const BEFORE = {
    schemaVersion: 1,
    policyVersion: 'seal-1',
    categories: { 'consumer-video': 'block', 'consumer-messaging': 'warn' },
    services: { telegram: 'block' },
    rules: [{ match: 'chat.example-consumer.com', action: 'block', label: 'Example Chat' }],
  };
  const session = useManagedSession(BEFORE);
  const SEAL_LINE = 'seal: the browser delivered a different policy than was sealed';

  const rows: Array<{ what: string; push: Record<string, unknown>; stays: string }> = [
    { what: 'a rules item "action": 5 (all rules would be gone)', push: { ...BEFORE, rules: [{ match: 'chat.example-consumer.com', action: 5, label: 'Example Chat' }] }, stays: 'https://chat.example-consumer.com/' },
    { what: '"services": ["telegram"] (Telegram would fall to warn)', push: { ...BEFORE, services: ['telegram'] }, stays: 'https://telegram.org/' },
    { what: '"categories": {"consumer-video": 1} (FaceTime would fall to warn)', push: { ...BEFORE, categories: { 'consumer-video': 1, 'consumer-messaging': 'warn' } }, stays: 'https://facetime.apple.com/join' },
  ];
  for (const row of rows) {
    test(`${row.what}: refused, shown in popup and options, recorded; the policy before stays in force`, async () => {
      const { browser, server, admin } = session;
      const before = await policyStatus(admin);
      expect([before.unsealed, before.problems]).toEqual([false, {}]);
      // Sealed over exactly what was written, as deploy would have sealed it.
      const push = { ...row.push, policyVersion: 'seal-2' };
      writeManagedPolicy({ ...push, seal: sealOf(push as PolicyObject) });
      const status = await waitForPolicy(admin, (s) => s.policyVersion !== 'seal-1' || s.problems.managed !== undefined, 30_000);
      await expectBlocked(browser, server, row.stays);
      // Chromium really did trim it: what the extension was handed lacks the value.
      const delivered = await browser.worker.evaluate(() => chrome.storage.managed.get(null));
      expect(delivered.policyVersion).toBe('seal-2');
      expect(delivered).not.toEqual(push);
      expect([status.source, status.policyVersion, status.fromLastValid, status.problems]).toEqual(['managed', 'seal-1', true, { managed: [SEAL_LINE] }]);
      const invalid = policyInvalid(await loggedEvents(admin));
      expect(invalid.map((e) => [e.findings, e.policyVersion])).toEqual([[[SEAL_LINE], 'seal-1']]);
      await expectShown(browser, /latest managed policy was refused whole \(problems: 1\), so none of it applies: the last valid version stays in force\./, [SEAL_LINE], 'seal-1');
    });
  }

  test('the same push unsealed: Chromium\'s trimmed policy applies (Telegram warned), marked unsealed on the options page and in policy.applied', async () => {
    const { browser, server, admin } = session;
    await expect(admin.getByTestId('policy-seal')).toHaveAttribute('data-sealed', 'yes');
    writeManagedPolicy({ ...BEFORE, policyVersion: 'seal-3', services: ['telegram'] }, { seal: false });
    const status = await waitForPolicy(admin, (s) => s.policyVersion === 'seal-3', 30_000);
    expect([status.unsealed, status.problems]).toEqual([true, {}]);
    // What the seal is for: nothing about this push looks wrong to the extension.
    const page = await browser.context.newPage();
    await page.goto('https://telegram.org/');
    await expect(page.getByRole('heading', { name: 'Check before you continue' })).toBeVisible();
    expect(server.hits('telegram.org')).toEqual([]);
    await admin.reload();
    await expect(admin.getByTestId('policy-seal')).toHaveAttribute('data-sealed', 'no');
    await expect(admin.getByTestId('policy-seal')).toContainText('unsealed');
    const applied = (await loggedEvents(admin)).filter((e) => e.type === 'policy.applied');
    expect(applied.map((e) => [e.policyVersion, e.findings])).toEqual([
      ['seal-1', undefined],
      ['seal-3', ['policy-unsealed']],
    ]);
    // The popup says nothing about seals: that is for IT.
    const popup = await extensionPage(browser.context, browser.extensionId, 'popup.html');
    await expect(popup.getByTestId('policy-version')).toHaveText('seal-3');
    await expect(popup.getByTestId('policy-seal')).toHaveCount(0);
  });
});
