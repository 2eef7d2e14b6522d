/** How many worker threads a log check uses (src/cli/logs/checkers.ts, workersFor). */
import { availableParallelism } from 'node:os';
import { afterEach, expect, it, vi } from 'vitest';
import { WORKERS_FROM_BYTES, workersFor } from '../../../src/cli/logs/checkers.ts';

afterEach(() => vi.unstubAllEnvs());

it('none below the threshold; for verify up to two, for report one core left to the main thread', () => {
  vi.stubEnv('TELEHEALTH_GUARD_LOG_WORKERS', '');
  const cores = availableParallelism();
  expect(workersFor(WORKERS_FROM_BYTES - 1)).toBe(0);
  expect(workersFor(WORKERS_FROM_BYTES - 1, true)).toBe(0);
  expect(workersFor(WORKERS_FROM_BYTES)).toBe(Math.min(2, cores));
  expect(workersFor(null)).toBe(Math.min(2, cores));
  expect(workersFor(WORKERS_FROM_BYTES, true)).toBe(Math.max(1, Math.min(2, cores - 1)));
});

it('TELEHEALTH_GUARD_LOG_WORKERS decides when set', () => {
  vi.stubEnv('TELEHEALTH_GUARD_LOG_WORKERS', '0');
  expect(workersFor(1 << 30, true)).toBe(0);
  vi.stubEnv('TELEHEALTH_GUARD_LOG_WORKERS', '3');
  expect(workersFor(10, true)).toBe(3);
});
