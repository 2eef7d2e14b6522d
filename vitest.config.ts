import { defineConfig } from 'vitest/config';

/**
 * Two projects: the unit tests, and the tests that run against a real ClickHouse server
 * (`*.clickhouse.test.ts`, docs/fleet.md "Testing"). The second project's global set-up
 * starts one private server for all its files (each file makes its own database) and only
 * when one of its files is in the run, so `npx vitest run test/core/…` starts nothing.
 */
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'node_modules/**', '**/*.clickhouse.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'clickhouse',
          include: ['test/**/*.clickhouse.test.ts'],
          exclude: ['test/e2e/**', 'node_modules/**'],
          globalSetup: ['test/clickhouse/global-setup.ts'],
          // Server round trips, loads and reports: seconds, not the 5 s default under load.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
