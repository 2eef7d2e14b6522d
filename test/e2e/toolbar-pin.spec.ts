/**
 * `deploy` pins the extension's button to the toolbar (README, "Side doors"): the file it
 * writes for Chromium, in the real managed-policy folder, makes Chromium report the action
 * as on the toolbar (`action.getUserSettings().isOnToolbar`); with --no-hardening it is not.
 * (Tried once: Chromium also pins with Edge's entry, whose `toolbar_state` it does not know.)
 */
import { expect, test } from '@playwright/test';
import { runCommand } from '../../src/cli/main.ts';
import { memoryIO } from '../../src/cli/io.ts';
import { launchWithExtension } from './browser.ts';
import { extensionPage, policyStatus } from './extension.ts';
import { canWriteManagedPolicy, POLICY_DIR, removeManagedPolicy, writeManagedFileText } from './managed-policy.ts';
import { requireOrSkip } from './require.ts';

test.describe('the toolbar pin deploy writes, in real Chromium', () => {
  requireOrSkip(canWriteManagedPolicy(), `needs write access to the managed policy folder ${POLICY_DIR} (root, as in CI)`);
  test.afterEach(() => removeManagedPolicy());

  for (const hardened of [true, false]) {
    test(`deploy --target chromium-linux${hardened ? '' : ' --no-hardening'}: the button is ${hardened ? '' : 'not '}pinned`, async () => {
      const io = memoryIO({ 'p.json': JSON.stringify({ schemaVersion: 1, policyVersion: 'pin' }) });
      expect(await runCommand(['deploy', 'p.json', '--target', 'chromium-linux', '--out', 'out', ...(hardened ? [] : ['--no-hardening'])], io)).toBe(0);
      writeManagedFileText(io.files['out/telehealth-guard-chromium.json']!);
      const b = await launchWithExtension();
      try {
        const admin = await extensionPage(b.context, b.extensionId);
        await expect.poll(async () => (await policyStatus(admin)).policyVersion, { timeout: 20_000 }).toBe('pin');
        const onToolbar = () => admin.evaluate(async () => (await chrome.action.getUserSettings()).isOnToolbar);
        if (hardened) await expect.poll(onToolbar, { timeout: 10_000 }).toBe(true);
        else expect(await onToolbar()).toBe(false);
      } finally {
        await b.close();
      }
    });
  }
});
