/**
 * Chromium with the built extension under a real managed policy (the file
 * `telehealth-guard deploy --target chromium-linux` writes), for the shared scenarios.
 */
import type { Page } from '@playwright/test';
import { launchWithExtension } from '../browser.ts';
import { extensionPage } from '../extension.ts';
import { canWriteManagedPolicy, POLICY_DIR, removeManagedPolicy, writeManagedPolicy } from '../managed-policy.ts';
import { pageReads } from './page-reads.ts';
import type { Engine, GuardedBrowser, Tab } from './types.ts';

export const chromium: Engine = {
  name: 'chromium',
  unavailable: () => (canWriteManagedPolicy() ? null : `needs write access to the managed policy folder ${POLICY_DIR} (root, as in CI)`),
  writePolicy: (policy) => writeManagedPolicy(policy),
  removePolicy: removeManagedPolicy,
  async launch(server, options = {}) {
    const b = await launchWithExtension({ args: [`--host-resolver-rules=MAP * 127.0.0.1:${server.port}`, '--ignore-certificate-errors', ...(options.chromiumArgs ?? [])] });
    let admin: Tab | undefined;
    const browser: GuardedBrowser = {
      engine: 'chromium',
      newTab: async () => chromiumTab(await b.context.newPage()),
      guardPage: () => b.worker.evaluate(() => chrome.runtime.getURL('guard.html')),
      admin: async () => (admin ??= chromiumTab(await extensionPage(b.context, b.extensionId))),
      close: () => b.close(),
    };
    return browser;
  },
};

function chromiumTab(page: Page): Tab {
  return {
    ...pageReads(page.evaluate.bind(page) as never),
    async open(url) {
      await page.goto(url);
    },
    url: async () => page.url(),
    fill: (label, value) => page.getByRole('textbox', { name: label }).fill(value),
    press: (name) => page.getByRole('button', { name, exact: true }).click(),
    async keyboard(text, ...keys) {
      if (text) await page.keyboard.type(text);
      for (const k of keys) await page.keyboard.press(k);
    },
  };
}
