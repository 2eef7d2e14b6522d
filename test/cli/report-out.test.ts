/**
 * Where `logs report --out` writes, on real files: a slip of the auditor's hand (or a
 * script's) must never destroy the evidence the report is made from, and a path that cannot
 * be written is named with the real reason.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, linkSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
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

describe('the report file is the old one or the new one, never a part of one', () => {
  it('a write cut off by the file size limit (ulimit -f, EFBIG): exit 1 naming the report, the previous report intact, no temporary file left', () => {
    const where = join(dir, 'limited');
    mkdirSync(where, { recursive: true });
    writeFileSync(good, goodText);
    const out = join(where, 'report.html');
    const previous = '<!DOCTYPE html><p>the previous, complete report</p>\n';
    writeFileSync(out, previous);
    // The compiled command line is brought up to date first: under the limit it could not be rebuilt.
    expect(spawnSync(process.execPath, ['bin/telehealth-guard.mjs', '--help']).status).toBe(0);
    // 8 KiB (ulimit -f counts 512-byte blocks in sh): the report is ~14 KB. Node ignores SIGXFSZ, so the write fails with EFBIG.
    const r = spawnSync('sh', ['-c', 'ulimit -f 16 && exec "$0" "$@"', process.execPath, 'bin/telehealth-guard.mjs', 'logs', 'report', good, '--out', out], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe(`telehealth-guard logs: cannot write ${out}: EFBIG: file too large, write\n`);
    expect(r.status).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe(previous);
    expect(readdirSync(where)).toEqual(['report.html']);
  }, 60_000);

  it('--out /dev/stdout with standard output a file: the report and the lines after it all in that file (it is written through, not replaced)', () => {
    writeFileSync(good, goodText);
    const file = join(dir, 'stdout.txt');
    const fd = openSync(file, 'w');
    const r = spawnSync(process.execPath, ['bin/telehealth-guard.mjs', 'logs', 'report', good, '--out', '/dev/stdout'], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', timeout: 30_000 });
    closeSync(fd);
    expect(r.status).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^OK .*good\.ndjson: 11 events verified/);
    expect(text).toContain('<!DOCTYPE html>');
    expect(text).toMatch(/\nWrote \/dev\/stdout: 11 events from 1 files \(1 counted\)\n$/);
  }, 60_000);

  it('a link is followed (it stays a link), an existing file keeps its permissions, a device is written in place (never replaced)', async () => {
    const where = join(dir, 'kinds');
    mkdirSync(where, { recursive: true });
    const real = join(where, 'real.txt');
    writeFileSync(real, 'old');
    chmodSync(real, 0o640);
    symlinkSync(real, join(where, 'link.txt'));
    await processIO.writeFile(join(where, 'link.txt'), 'new');
    expect(lstatSync(join(where, 'link.txt')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(where, 'link.txt'))).toBe(real);
    expect(readFileSync(real, 'utf8')).toBe('new');
    expect(statSync(real).mode & 0o777).toBe(0o640);
    await processIO.writeFile('/dev/null', 'nothing');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(readdirSync(where).sort()).toEqual(['link.txt', 'real.txt']);
  });
});
