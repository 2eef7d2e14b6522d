/**
 * writeWhole (src/cli/main.ts) where a file cannot be renamed over its target: a file
 * bind-mounted on its own (`docker run -v ./report.html:/out/report.html`) refuses rename
 * with EBUSY. It was written in place before writes went through a temporary file, and must
 * still be. rename is made to fail as the kernel does there (no mount needed to test it).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const failing = vi.hoisted(() => ({ code: '' }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fs,
    rename: async (from: string, to: string) => {
      if (failing.code) throw Object.assign(new Error(`${failing.code}: refused, rename '${from}' -> '${to}'`), { code: failing.code });
      return fs.rename(from, to);
    },
  };
});
const { writeWhole } = await import('../../src/cli/main.ts');

const dir = mkdtempSync(join(tmpdir(), 'thg-write-whole-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeWhole where the target cannot be replaced', () => {
  it.each(['EBUSY', 'EXDEV', 'EPERM'])('rename refused with %s: written in place, no temporary file left', async (code) => {
    const out = join(dir, `${code}.html`);
    writeFileSync(out, 'old');
    failing.code = code;
    try {
      await writeWhole(out, 'new report');
    } finally {
      failing.code = '';
    }
    expect(readFileSync(out, 'utf8')).toBe('new report');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('any other rename failure (EIO) is an error, the temporary file removed', async () => {
    failing.code = 'EIO';
    try {
      await expect(writeWhole(join(dir, 'eio.html'), 'x')).rejects.toThrow(/EIO/);
    } finally {
      failing.code = '';
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
