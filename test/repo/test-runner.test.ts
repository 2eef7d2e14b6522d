/**
 * scripts/test.mjs (`npm test`): every stage runs even after one fails, the browser tests
 * are not run against an old build, and the run fails at the end naming what failed. Run
 * with a stand-in `npm` first on PATH that records each call and fails the stages asked.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'tg-test-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runWith(failing: string[]): Promise<{ code: number; out: string; calls: string[] }> {
  const log = join(dir, `calls-${failing.join('-') || 'none'}.txt`);
  writeFileSync(log, '');
  const npm = join(dir, 'npm');
  writeFileSync(npm, `#!/bin/sh\necho "$3" >> "$TG_CALLS"\nfor f in $TG_FAIL; do [ "$f" = "$3" ] && exit 3; done\nexit 0\n`);
  chmodSync(npm, 0o755);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['scripts/test.mjs'],
      { env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, TG_CALLS: log, TG_FAIL: failing.join(' ') } },
      (err, stdout) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout, calls: readFileSync(log, 'utf8').split('\n').filter(Boolean) }),
    );
  });
}

describe('npm test (scripts/test.mjs)', () => {
  it('runs every stage in order and passes when all pass', async () => {
    const r = await runWith([]);
    expect(r.calls).toEqual(['typecheck', 'test:unit', 'build', 'build:firefox', 'test:e2e']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('All stages passed.');
  });

  it('a failed unit stage does not stop the builds and browser tests; the run fails at the end', async () => {
    const r = await runWith(['test:unit']);
    expect(r.calls).toEqual(['typecheck', 'test:unit', 'build', 'build:firefox', 'test:e2e']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^unit +FAILED \(exit 3\)/m);
    expect(r.out).toMatch(/^e2e +passed/m);
    expect(r.out).toContain('1 of 5 stages failed: unit.');
  });

  it('a failed build: the browser tests are reported as not run, never run against an old build', async () => {
    const r = await runWith(['build:firefox']);
    expect(r.calls).toEqual(['typecheck', 'test:unit', 'build', 'build:firefox']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^e2e +FAILED +not run: build:firefox failed/m);
    expect(r.out).toContain('2 of 5 stages failed: build:firefox, e2e.');
  });
});
