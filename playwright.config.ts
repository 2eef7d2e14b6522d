import { defineConfig } from '@playwright/test';
import { chromiumPath } from './test/e2e/browser.ts';

const executablePath = chromiumPath();

export default defineConfig({
  testDir: 'test/e2e',
  // One browser at a time: tests share the machine-wide managed-policy folder
  // and a 2-core CI machine gains nothing from parallel Chromiums.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    // Plain pages (no extension) use the same Chromium as the extension tests.
    launchOptions: {
      ...(executablePath ? { executablePath } : {}),
      args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
    },
  },
});
