/**
 * The compiled command line when its output goes nowhere: a reader that stops early
 * (`telehealth-guard logs verify x.ndjson | head -1`) or a full disk (`> /dev/full`).
 * Real child processes of bin/telehealth-guard.mjs, because what is tested is how the
 * process meets the operating system: Node ignores SIGPIPE, so a closed pipe arrives as an
 * EPIPE 'error' event on process.stdout, a stack trace when nothing handles it. Contract
 * (docs/command-line-and-pages.md, "When the output cannot be written"): a closed pipe ends
 * the command at its next line, silently, with exit 141 (128 + SIGPIPE, what a shell shows
 * for git or grep there); any other failure to write is one line on stderr naming standard
 * output and why, exit 1.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installChain, makeSigner, signed } from '../core/events/signed-fixtures.ts';

let dir: string;
let good: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'thg-closed-'));
  const signer = await makeSigner();
  good = join(dir, 'good.ndjson');
  writeFileSync(good, await signed(await installChain(signer), signer));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** What the longest of these runs may take: a hang (a worker or a read left running) fails, not the suite's timeout. */
const BOUND_MS = 20_000;

/**
 * Run the command line with stdout a pipe that this side closes once `lines` lines have
 * arrived (0: at once, before the command can have written anything), as `| head -n` does.
 */
function runClosingStdout(args: string[], lines: number): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, ['bin/telehealth-guard.mjs', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const close = () => child.stdout.destroy();
  if (lines === 0) close();
  else
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.split('\n').length > lines) close();
    });
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), BOUND_MS);
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    }),
  );
}

/** Run with stdout (or stderr) a file opened for writing, e.g. /dev/full. */
function runWithOutputTo(args: string[], path: string, which: 'stdout' | 'stderr'): Promise<Run> {
  const started = Date.now();
  const fd = openSync(path, 'w');
  const child = spawn(process.execPath, ['bin/telehealth-guard.mjs', ...args], { stdio: ['ignore', which === 'stdout' ? fd : 'pipe', which === 'stderr' ? fd : 'pipe'] });
  closeSync(fd);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), BOUND_MS);
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    }),
  );
}

const BROKEN_PIPE = 141;

describe('a reader that stops early (| head)', () => {
  it('logs verify with its stdout closed before it writes: exit 141, nothing on stderr', async () => {
    const r = await runClosingStdout(['logs', 'verify', good], 0);
    expect(r.stderr).toBe('');
    expect([r.code, r.signal]).toEqual([BROKEN_PIPE, null]);
    expect(r.ms).toBeLessThan(BOUND_MS);
  }, 30_000);

  it('logs verify | head -1: the first line, then quietly exit 141 (or 0 when all six lines were in the pipe before it closed)', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await runClosingStdout(['logs', 'verify', good], 1);
      expect(r.stdout).toMatch(/^OK .*good\.ndjson: 11 events verified, seq 1–11\n/);
      expect(r.stderr).toBe('');
      expect(r.signal).toBeNull();
      // 0 only when the command wrote every line before this side closed the pipe.
      if (r.code === 0) expect(r.stdout.split('\n')).toHaveLength(7);
      else expect(r.code).toBe(BROKEN_PIPE);
    }
  }, 60_000);

  it('logs report with its stdout closed: exit 141, nothing on stderr, and no report written (the command ended at its first line)', async () => {
    const out = join(dir, 'closed.html');
    const r = await runClosingStdout(['logs', 'report', good, '--out', out], 0);
    expect(r.stderr).toBe('');
    expect([r.code, r.signal]).toEqual([BROKEN_PIPE, null]);
    expect(existsSync(out)).toBe(false);
  }, 30_000);

  it('logs --help | head -1: exit 141, nothing on stderr', async () => {
    const r = await runClosingStdout(['logs', '--help'], 0);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(BROKEN_PIPE);
  }, 30_000);

  it('classify of 3,000 URLs | head -1: stops at once (far less than its output read), exit 141, nothing on stderr', async () => {
    const urls = Array.from({ length: 3000 }, (_, i) => `https://site-${i}.example.org/`);
    const r = await runClosingStdout(['classify', ...urls], 1);
    expect(r.stderr).toBe('');
    expect([r.code, r.signal]).toEqual([BROKEN_PIPE, null]);
    // Every line is ~60 bytes (180 KB in all): the pipe holds 64 KB, so the command met the
    // closed pipe and stopped instead of running through the other URLs.
    expect(r.stdout.split('\n').length).toBeLessThan(3000);
    expect(r.ms).toBeLessThan(BOUND_MS);
  }, 30_000);
});

describe('logs report --out /dev/stdout (the report through the command\'s own standard output)', () => {
  it('stdout a socket (as Node and many CI runners give it): the lines and the report in order, exit 0', async () => {
    const r = await runClosingStdout(['logs', 'report', good, '--out', '/dev/stdout'], Infinity);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^OK .*good\.ndjson: 11 events verified, seq 1–11\n<!DOCTYPE html>[^]*<\/html>\n?Wrote \/dev\/stdout: 11 events from 1 files \(1 counted\)\n$/);
  }, 30_000);

  it('stdout closed when the report is written: exit 141, on stderr only what the command says anyway', async () => {
    // An input that does not verify: its FAIL line goes to stderr, so the report is the first thing written to stdout.
    const bad = join(dir, 'bad.ndjson');
    writeFileSync(bad, '{not json\n');
    const r = await runClosingStdout(['logs', 'report', bad, '--out', '/dev/stdout'], 0);
    expect(r.stderr).toMatch(/^FAIL .*bad\.ndjson: seq \?, line 1: malformed line: not valid JSON[^\n]*\n$/);
    expect([r.code, r.signal]).toEqual([BROKEN_PIPE, null]);
  }, 30_000);
});

describe.runIf(existsSync('/dev/full'))('a full disk (/dev/full)', () => {
  it('logs verify > /dev/full: one line naming standard output and why, exit 1, no stack trace', async () => {
    const r = await runWithOutputTo(['logs', 'verify', good], '/dev/full', 'stdout');
    expect(r.stderr).toBe('telehealth-guard logs: cannot write to standard output: ENOSPC: no space left on device, write\n');
    expect(r.code).toBe(1);
  }, 30_000);

  it('stderr on /dev/full (a warning cannot be shown): the command still answers on stdout, with its own exit code', async () => {
    // The keys file is the export itself: verify warns on stderr, which cannot be written.
    const r = await runWithOutputTo(['logs', 'verify', good, '--keys', good], '/dev/full', 'stderr');
    expect(r.stdout).toMatch(/^OK .*good\.ndjson: 11 events verified/);
    expect(r.stdout).toContain('key pinned, but from this same file');
    expect(r.code).toBe(0);
  }, 30_000);
});
