import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { EXTENSION_ID } from '../../src/core/identity.ts';
import { EXTENSION_DIR, launchWithExtension } from './browser.ts';

test('the built extension loads in Chromium with its fixed id and its service worker starts', async () => {
  const manifest = JSON.parse(readFileSync(`${EXTENSION_DIR}/manifest.json`, 'utf8'));
  expect(manifest.key).toBeTruthy();
  expect(manifest.storage.managed_schema).toBe('managed_schema.json');

  const browser = await launchWithExtension();
  try {
    expect(browser.extensionId).toBe(EXTENSION_ID);
    // The worker answers from inside the extension: it really runs, with its manifest.
    const name = await browser.worker.evaluate(() => chrome.runtime.getManifest().name);
    expect(name).toBe('Telehealth Guard');
    // A managed_schema Chromium rejects would stop the extension loading at all;
    // reading managed storage proves the schema was accepted.
    const managed = await browser.worker.evaluate(() => chrome.storage.managed.get(null));
    expect(managed).toEqual({});
  } finally {
    await browser.close();
  }
});
