/**
 * Incognito windows escape an extension the browser does not allow there (README, "Side
 * doors"). Real Chromium: when nobody said incognito is off, the extension says so and records
 * `guard.gap` once per browser start; when `deploy` turned incognito off (and wrote
 * `sideDoors.incognito: "disabled"` into the policy), incognito cannot be opened and the
 * extension says nothing about it. Never recorded as a refused policy.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { INCOGNITO_GAP_FINDING } from '../../src/core/side-doors.ts';
import { launchWithExtension, stopServiceWorker } from './browser.ts';
import { cli } from './cli.ts';
import { extensionPage, loggedEvents, policyStatus } from './extension.ts';
import { canWriteManagedPolicy, POLICY_DIR, removeManagedPolicy, writeManagedFileText } from './managed-policy.ts';
import { requireOrSkip } from './require.ts';

const gapEvents = (events: Array<Record<string, unknown>>) => events.filter((e) => e.type === 'guard.gap' && JSON.stringify(e.findings) === JSON.stringify([INCOGNITO_GAP_FINDING]));
const invalidEvents = (events: Array<Record<string, unknown>>) => events.filter((e) => e.type === 'policy.invalid');

/** The popup and the options page both show the notice, or neither does. */
async function expectNotice(pages: Page[], shown: boolean): Promise<void> {
  for (const page of pages) {
    if (shown) await expect(page.getByTestId('incognito-gap')).toHaveText(/Incognito \(private\) windows are not protected/);
    else {
      // Rendered after the status answer: wait for the policy panel (folded away in the popup) before saying the notice is absent.
      await expect(page.getByTestId('policy-source')).toBeAttached();
      await expect(page.getByTestId('incognito-gap')).toHaveCount(0);
    }
  }
}

test('not allowed in incognito and nobody said it is off: popup and options say so; guard.gap once per browser start, never policy.invalid', async () => {
  // Chromium does not let an extension into incognito windows unless the user allows it.
  const first = await launchWithExtension();
  try {
    const popup = await extensionPage(first.context, first.extensionId, 'popup.html');
    const admin = await extensionPage(first.context, first.extensionId);
    await expectNotice([popup, admin], true);
    const status = await policyStatus(admin);
    expect([status.incognitoAllowed, status.incognitoGap]).toEqual([false, true]);
    const events = await loggedEvents(admin);
    expect(gapEvents(events)).toHaveLength(1);
    expect(gapEvents(events)[0]).toMatchObject({ host: null, service: null, action: null, policySource: 'default' });
    expect(invalidEvents(events)).toEqual([]);

    // The worker stops and wakes again (as after 30 s idle): not recorded again.
    await stopServiceWorker(first.context);
    const again = await extensionPage(first.context, first.extensionId);
    expect((await policyStatus(again)).incognitoGap).toBe(true);
    expect(gapEvents(await loggedEvents(again))).toHaveLength(1);
    await first.close(true);

    // A new browser start records it again.
    const second = await launchWithExtension({ profileDir: first.profileDir });
    try {
      const admin2 = await extensionPage(second.context, second.extensionId);
      await expectNotice([admin2], true);
      const log = await loggedEvents(admin2);
      expect(gapEvents(log)).toHaveLength(2);
      expect(invalidEvents(log)).toEqual([]);
    } finally {
      await second.close();
    }
  } finally {
    await first.close();
  }
});

test.describe('the side doors deploy closes, in real Chromium', () => {
  requireOrSkip(canWriteManagedPolicy(), `needs write access to the managed policy folder ${POLICY_DIR} (root, as in CI)`);
  test.afterEach(() => removeManagedPolicy());

  /** Try to open an incognito window from the extension; null when it opened. */
  const openIncognito = async (b: Awaited<ReturnType<typeof launchWithExtension>>) =>
    b.worker.evaluate(async () => {
      try {
        const w = await chrome.windows.create({ incognito: true, url: 'about:blank' });
        if (w?.id !== undefined) await chrome.windows.remove(w.id);
        return null;
      } catch (e) {
        return (e as Error).message;
      }
    });

  for (const hardened of [true, false]) {
    test(`deploy's chromium-linux file ${hardened ? 'with' : 'without (--no-hardening)'} the side-door policies: incognito ${hardened ? 'cannot be opened, and nothing warns about it' : 'can be opened, and the notice and guard.gap say so'}`, async () => {
      // The real command, as IT runs it.
      const dir = mkdtempSync(join(tmpdir(), 'tg-deploy-'));
      writeFileSync(join(dir, 'p.json'), JSON.stringify({ schemaVersion: 1, policyVersion: 'doors' }));
      const r = cli('deploy', join(dir, 'p.json'), '--target', 'chromium-linux', '--out', dir, ...(hardened ? [] : ['--no-hardening']));
      expect(r.code, r.stderr + r.stdout).toBe(0);
      const file = readFileSync(join(dir, 'telehealth-guard-chromium.json'), 'utf8');
      expect(file.includes('"incognito": "disabled"')).toBe(hardened);
      writeManagedFileText(file);
      const b = await launchWithExtension();
      try {
        const admin = await extensionPage(b.context, b.extensionId);
        await expect.poll(async () => (await policyStatus(admin)).policyVersion, { timeout: 20_000 }).toBe('doors');
        const refused = await openIncognito(b);
        if (hardened) expect(refused).toMatch(/incognito/i);
        else expect(refused).toBeNull();
        const status = await policyStatus(admin);
        expect([status.source, status.incognitoAllowed, status.incognitoGap, status.problems]).toEqual(['managed', false, !hardened, {}]);
        await admin.reload();
        const popup = await extensionPage(b.context, b.extensionId, 'popup.html');
        await expectNotice([admin, popup], !hardened);
        const events = await loggedEvents(admin);
        expect(gapEvents(events).map((e) => e.policySource)).toEqual(hardened ? [] : ['managed']);
        expect(invalidEvents(events)).toEqual([]);
      } finally {
        await b.close();
      }
    });
  }
});
