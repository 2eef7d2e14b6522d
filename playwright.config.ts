import { defineConfig } from '@playwright/test';

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
});
