/**
 * A browser test that cannot run here (no root to write the managed-policy folder, …)
 * is skipped on a developer's machine, but under CI it FAILS: a security test that
 * silently skips is a green run that proved nothing. Call inside a test.describe.
 */
import { test } from '@playwright/test';

export function requireOrSkip(available: boolean, reason: string): void {
  if (available) return;
  if (process.env.CI) {
    test.beforeEach(() => {
      throw new Error(`${reason}. CI is set, so this browser test fails instead of skipping.`);
    });
  } else {
    test.skip(true, `${reason} (set CI=1 to make this a failure)`);
  }
}
