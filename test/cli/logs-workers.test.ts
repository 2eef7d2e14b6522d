/**
 * `logs verify` and `logs report` on worker threads (src/cli/logs/checkers.ts) give exactly
 * what the single-thread path gives: lines are checked in regions on other threads and
 * stitched back in order, so every fault must still be named at its own line, across region
 * boundaries, whichever worker checked it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logsCommand } from '../../src/cli/commands/logs.ts';
import { memoryIO } from '../../src/cli/io.ts';
import { lastLineOf, processIO, readLineRegions } from '../../src/cli/main.ts';
import { sealChain } from '../../src/core/events/chain.ts';
import type { ExportSigner } from '../../src/core/events/signature.ts';
import { sampleDrafts } from '../core/events/fixtures.ts';
import { installChain, installDrafts, makeSigner, signed } from '../core/events/signed-fixtures.ts';

let dir: string;
let signer: ExportSigner;
let attacker: ExportSigner;
const files: Record<string, string> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'thg-workers-'));
  signer = await makeSigner();
  attacker = await makeSigner();
  const many = await installChain(signer, Array.from({ length: 40 }, (_, i) => ({ ...sampleDrafts()[i % 10]!, ts: new Date(Date.parse('2025-03-01T00:00:00.000Z') + i * 60_000).toISOString() })));
  const good = await signed(many, signer);
  const lines = good.trimEnd().split('\n');
  const at = (i: number, f: (l: string) => string) => lines.map((l, j) => (j === i ? f(l) : l)).join('\n') + '\n';
  Object.assign(files, {
    'good.ndjson': good,
    'edited.ndjson': at(34, (l) => l.replace('"facetime"', '"zoom"')),
    'deleted.ndjson': [...lines.slice(0, 20), ...lines.slice(21)].join('\n') + '\n',
    'reordered.ndjson': [...lines.slice(0, 20), lines[21], lines[20], ...lines.slice(22)].join('\n') + '\n',
    'garbage.ndjson': at(25, () => '{not json'),
    'blank-inside.ndjson': at(33, () => '   '),
    'blank-at-end.ndjson': good + '\n\n  \n',
    'after-trailer.ndjson': good + lines[3] + '\n',
    'crlf-bom.ndjson': '\uFEFF' + good.replaceAll('\n', '\r\n'),
    // Accepted by the schema but not by the hand-written check (a timestamp without milliseconds): the full check decides.
    'no-ms.ndjson': await signed(await installChain(signer, sampleDrafts().map((d) => ({ ...d, ts: d.ts.replace('.000Z', 'Z') }))), signer),
    'forged.ndjson': await signed(await sealChain(installDrafts(attacker).map((d) => (d.reason ? { ...d, reason: 'Approved' } : d))), attacker),
    'genuine.ndjson': await signed(await installChain(signer), signer),
  });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Real files, read in regions of ~600 bytes (a few lines each), with or without workers. */
function io(workers: number) {
  process.env.TELEHEALTH_GUARD_LOG_WORKERS = String(workers);
  return { ...memoryIO(), readFile: processIO.readFile, readRegions: (p: string) => readLineRegions(p, 600), size: processIO.size!, lastLine: lastLineOf };
}

describe('worker threads give the single-thread answers', () => {
  it('logs verify: the same verdict, line and reason for every fixture', async () => {
    try {
      let failed = 0;
      for (const name of Object.keys(files)) {
        const one = io(0);
        const a = await logsCommand(['verify', join(dir, name)], one);
        const two = io(2);
        const b = await logsCommand(['verify', join(dir, name)], two);
        expect([b, two.stdout, two.stderr], name).toEqual([a, one.stdout, one.stderr]);
        if (a === 1) failed++;
      }
      expect(failed).toBe(6); // edited, deleted, reordered, garbage, blank inside, after the signature line
    } finally {
      delete process.env.TELEHEALTH_GUARD_LOG_WORKERS;
    }
    // Two worker threads per run, started under tsx on a shared machine: seconds each.
  }, 300_000);

  it('logs report: the same report (conflict named, overlaps counted once, the full check on the main thread)', async () => {
    try {
      const names = ['forged.ndjson', 'good.ndjson', 'genuine.ndjson', 'no-ms.ndjson', 'edited.ndjson'].map((n) => join(dir, n));
      const out = (w: number) => join(dir, `r${w}.html`);
      // One clock for both runs: the coverage line says "As of <now>" to the minute, and on a
      // loaded machine the two runs can straddle a minute (it failed so at load 11).
      const asOf = ['--as-of', '2026-12-05T04:00:00Z'];
      const one = io(0);
      const a = await logsCommand(['report', ...names, ...asOf, '--out', out(0)], one);
      const two = { ...io(2), writeFile: async (p: string, d: string) => void (two.files[p] = d) };
      const b = await logsCommand(['report', ...names, ...asOf, '--out', out(2)], two);
      expect([b, two.stderr]).toEqual([a, one.stderr]);
      const strip = (html: string) => html.replace(/<dt>Generated<\/dt><dd>[^<]*<\/dd>/, '');
      expect(strip(two.files[out(2)]!)).toBe(strip(one.files[out(0)]!));
      expect(one.stderr.join('\n')).toMatch(/^CONFLICT: .* hold different events for install/m);
    } finally {
      delete process.env.TELEHEALTH_GUARD_LOG_WORKERS;
    }
  }, 300_000);

  it('the compiled command line (chunks and its own worker entry) runs its workers: same answers as in-process', async () => {
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, ['bin/telehealth-guard.mjs', ...args], { env: { ...process.env, TELEHEALTH_GUARD_LOG_WORKERS: '2' }, timeout: 120_000 }).then(
        (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
      );
    for (const name of ['good.ndjson', 'edited.ndjson', 'no-ms.ndjson']) {
      const one = io(0);
      const code = await logsCommand(['verify', join(dir, name)], one);
      delete process.env.TELEHEALTH_GUARD_LOG_WORKERS;
      const got = await run(['logs', 'verify', join(dir, name)]);
      expect([got.code, got.out, got.err], name).toEqual([code, one.stdout.map((l) => l + '\n').join(''), one.stderr.map((l) => l + '\n').join('')]);
    }
    const report = await run(['logs', 'report', join(dir, 'good.ndjson'), join(dir, 'genuine.ndjson'), '--out', join(dir, 'compiled.html')]);
    expect(report.err).toMatch(/^CONFLICT: /m);
    expect(report.code).toBe(1);
  }, 300_000);
});
