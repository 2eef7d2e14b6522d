/**
 * Where `logs report --out` writes, on real files: a slip of the auditor's hand (or a
 * script's) must never destroy the evidence the report is made from, and a path that cannot
 * be written is named with the real reason.
 */
import { linkSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logsCommand } from '../../src/cli/commands/logs.ts';
import { memoryIO } from '../../src/cli/io.ts';
import { processIO } from '../../src/cli/main.ts';
import { installChain, keysFileFrom, makeSigner, signed } from '../core/events/signed-fixtures.ts';

let dir: string;
let good: string;
let keys: string;
let goodText: string;
let keysText: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'thg-report-out-'));
  const signer = await makeSigner();
  const events = await installChain(signer);
  goodText = await signed(events, signer);
  keysText = keysFileFrom(events);
  good = join(dir, 'good.ndjson');
  keys = join(dir, 'keys.ndjson');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The command line's own file access (processIO), its output recorded. */
function diskIO() {
  const { out, err, stdout, stderr } = memoryIO();
  return { ...processIO, out, err, stdout, stderr };
}

describe('logs report --out never overwrites what it reads', () => {
  it.each([
    ['the same path', () => good],
    ['another spelling of it', () => `${dir}//./good.ndjson`],
    ['a hard link to it', () => (linkSync(good, join(dir, 'link.ndjson')), join(dir, 'link.ndjson'))],
  ])('an input, by %s: exit 2 naming it, the export unchanged', async (_, outOf) => {
    writeFileSync(good, goodText);
    rmSync(join(dir, 'link.ndjson'), { force: true });
    const out = outOf();
    const io = diskIO();
    expect(await logsCommand(['report', good, '--out', out], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain(`telehealth-guard logs: --out ${out} is the input ${good}: the report would overwrite it; name another file`);
    expect(io.stdout).toEqual([]);
    expect(readFileSync(good, 'utf8')).toBe(goodText);
  });

  it('the keys file: exit 2 naming it, the keys unchanged', async () => {
    writeFileSync(good, goodText);
    writeFileSync(keys, keysText);
    const io = diskIO();
    expect(await logsCommand(['report', good, '--keys', keys, '--out', keys], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain(`telehealth-guard logs: --out ${keys} is the keys file: the report would overwrite it; name another file`);
    expect(readFileSync(keys, 'utf8')).toBe(keysText);
  });

  it('a new file beside them is written as before (exit 0)', async () => {
    writeFileSync(good, goodText);
    const io = diskIO();
    expect(await logsCommand(['report', good, '--out', join(dir, 'r.txt'), '--as-of', '2025-03-05T00:00:00Z'], io)).toBe(0);
    expect(readFileSync(join(dir, 'r.txt'), 'utf8')).toContain('Telehealth Guard');
  });
});

describe('logs report --out that cannot be written', () => {
  it('under a regular file: exit 1, "not a directory" (not a misleading "file already exists")', async () => {
    writeFileSync(good, goodText);
    const out = join(good, 'r.html');
    const io = diskIO();
    expect(await logsCommand(['report', good, '--out', out], io)).toBe(1);
    expect(io.stderr.join('\n')).toContain(`telehealth-guard logs: cannot write ${out}: ENOTDIR: not a directory`);
  });
});
