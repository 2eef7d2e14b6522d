/**
 * Incognito windows escape an extension the browser does not allow there (README,
 * "Side doors"). Real Chromium: the extension says so and records it once per browser
 * start; and the side-door policies `deploy` writes really switch incognito off.
 */
import { expect, test } from '@playwright/test';
import { sideDoorPolicies, CHROME_SIDE_DOORS } from '../../src/cli/deploy/hardening.ts';
import { INCOGNITO_FINDING } from '../../src/browser/incognito.ts';
import { launchWithExtension, stopServiceWorker } from './browser.ts';
import { extensionPage, loggedEvents, policyStatus } from './extension.ts';
import { canWriteManagedPolicy, POLICY_DIR, removeManagedPolicy, writeManagedFileText } from './managed-policy.ts';
import { requireOrSkip } from './require.ts';
import { chromeManagedJson } from '../../src/cli/deploy/formats.ts';
import { EXTENSION_ID } from '../../src/core/identity.ts';

const gapEvents = (events: Array<Record<string, unknown>>) => events.filter((e) => e.type === 'policy.invalid' && JSON.stringify(e.findings) === JSON.stringify([INCOGNITO_FINDING]));

test('not allowed in incognito windows: popup and options say so; recorded once per browser start', async () => {
  // Chromium does not let an extension into incognito windows unless the user allows it.
  const first = await launchWithExtension();
  try {
    const popup = await extensionPage(first.context, first.extensionId, 'popup.html');
    await expect(popup.getByTestId('incognito-gap')).toHaveText(/Incognito \(private\) windows are not protected/);
    const admin = await extensionPage(first.context, first.extensionId);
    await expect(admin.getByTestId('incognito-gap')).toBeVisible();
    expect((await policyStatus(admin)).incognitoAllowed).toBe(false);
    expect(gapEvents(await loggedEvents(admin))).toHaveLength(1);

    // The worker stops and wakes again (as after 30 s idle): not recorded again.
    await stopServiceWorker(first.context);
    const again = await extensionPage(first.context, first.extensionId);
    expect((await policyStatus(again)).incognitoAllowed).toBe(false);
    expect(gapEvents(await loggedEvents(again))).toHaveLength(1);
    await first.close(true);

    // A new browser start records it again.
    const second = await launchWithExtension({ profileDir: first.profileDir });
    try {
      const admin2 = await extensionPage(second.context, second.extensionId);
      await expect(admin2.getByTestId('incognito-gap')).toBeVisible();
      expect(gapEvents(await loggedEvents(admin2))).toHaveLength(2);
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
    test(`deploy's chromium-linux file ${hardened ? 'with' : 'without (--no-hardening)'} the side-door policies: incognito ${hardened ? 'cannot' : 'can'} be opened`, async () => {
      writeManagedFileText(chromeManagedJson({ schemaVersion: 1, policyVersion: 'doors' }, EXTENSION_ID, hardened ? { browserPolicies: sideDoorPolicies(CHROME_SIDE_DOORS) } : {}));
      const b = await launchWithExtension();
      try {
        const admin = await extensionPage(b.context, b.extensionId);
        await expect.poll(async () => (await policyStatus(admin)).policyVersion, { timeout: 20_000 }).toBe('doors');
        const refused = await openIncognito(b);
        if (hardened) expect(refused).toMatch(/incognito/i);
        else expect(refused).toBeNull();
      } finally {
        await b.close();
      }
    });
  }
});
