import { defineConfig } from 'vitest/config';

/**
 * Two projects: the unit tests, and the tests that run against a real ClickHouse server
 * (`*.clickhouse.test.ts`, docs/fleet.md "Testing"). The second project's global set-up
 * starts one private server for all its files (each file makes its own database) and only
 * when one of its files is in the run, so `npx vitest run test/core/…` starts nothing.
 */
export default defineConfig({
  test: {
    // No test is bound to a wall clock: these tests run on shared 2-core machines (CI, and
    // beside a second `npm test`), where load stretches a 1 s test past vitest's default 5 s.
    // Speed is measured by `npm run bench` as ratios, never by a test; a test that hangs still
    // fails, after a minute. Tests that need longer say so with their own timeout. Both
    // projects inherit this (`extends: true`).
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Property tests stop at their time budget instead (test/setup/property-budget.ts).
    setupFiles: ['test/setup/property-budget.ts'],
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
        },
      },
    ],
  },
});
