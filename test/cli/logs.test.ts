import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { logsCommand } from '../../src/cli/commands/logs.ts';
import { memoryIO } from '../../src/cli/io.ts';
import { readLineBatches, readLineRegions } from '../../src/cli/main.ts';
import { sealChain } from '../../src/core/events/chain.ts';
import { formatCsv } from '../../src/core/events/csv.ts';
import { formatNdjson } from '../../src/core/events/ndjson.ts';
import type { ExportSigner } from '../../src/core/events/signature.ts';
import { sampleDrafts } from '../core/events/fixtures.ts';
import { installChain, installDrafts, INSTALL, keysFileFrom, makeSigner, signed } from '../core/events/signed-fixtures.ts';

let signer: ExportSigner;
let attacker: ExportSigner;
beforeAll(async () => {
  signer = await makeSigner();
  attacker = await makeSigner();
});

/** A signed export (log.key first, 11 events, then the signature line) and tampered copies. */
async function files() {
  const a = await installChain(signer);
  const good = await signed(a, signer);
  const lines = good.trimEnd().split('\n');
  const trailer = lines.at(-1)!;
  const edited = [...lines];
  edited[4] = edited[4]!.replace('"facetime"', '"zoom"');
  const deleted = [...lines];
  deleted.splice(6, 1);
  const reordered = [...lines];
  [reordered[7], reordered[8]] = [reordered[8]!, reordered[7]!];
  const pruned = await signed(a.slice(4), signer);
  // Another machine (install): the report de-duplicates by (installId, seq).
  const other = await makeSigner('f3b0c442-98fc-4c14-9a70-3a2f1b5e0c7d');
  const b = await installChain(other, sampleDrafts().map((d) => ({ ...d, reason: d.reason && '<script>alert("x")</script>' })));
  const droppedRebuilt = await sealChain(installDrafts(signer).filter((_, i) => i !== 3));
  const rewritten = await sealChain(installDrafts(attacker).map((d) => (d.reason ? { ...d, reason: 'Approved by manager' } : d)));
  const filteredEvents = a.filter((e) => e.service === 'whatsapp');
  const filtered = await signed(filteredEvents, signer, true);
  const fl = filtered.trimEnd().split('\n');
  return {
    'good.ndjson': good,
    'keys.ndjson': keysFileFrom(a),
    'edited.ndjson': edited.join('\n'),
    'deleted.ndjson': deleted.join('\n'),
    'reordered.ndjson': reordered.join('\n'),
    'pruned.ndjson': pruned,
    'head-cut.ndjson': lines.slice(3).join('\n'),
    'tail-cut.ndjson': [...lines.slice(0, -3), trailer].join('\n'),
    'tail-cut-unsigned.ndjson': lines.slice(0, -3).join('\n'),
    'dropped-rebuilt.ndjson': [...(await signed(droppedRebuilt, signer)).trimEnd().split('\n').slice(0, -1), trailer].join('\n'),
    'rewritten-resigned.ndjson': await signed(rewritten, attacker),
    'resigned.ndjson': await signed(a, attacker),
    'filtered.ndjson': filtered,
    'filtered-line-removed.ndjson': [fl[0], ...fl.slice(2)].join('\n'),
    'unsigned.ndjson': formatNdjson(a),
    'garbage.ndjson': lines.slice(0, 2).join('\n') + '\n{not json\n',
    'hostile.ndjson': await signed(b, other),
    'export.csv': formatCsv(a),
    'empty.ndjson': '',
  };
}

describe('logs verify', () => {
  it('exit 0 for an untouched export, saying what was proven', async () => {
    const io = memoryIO(await files());
    expect(await logsCommand(['verify', 'good.ndjson'], io)).toBe(0);
    expect(io.stdout).toEqual([
      'OK good.ndjson: 11 events verified, seq 1–11',
      "  chain intact: every event's hash matches its content and links to the event before",
      '  complete between seq 1 and 11: count, first and last seq and digest match the signed last line',
      `  signed by the key of install ${INSTALL} (exported 2025-03-04T12:00:00.000Z)`,
      "  key NOT pinned: the signature only shows the file is as its signer wrote it; pass --keys with the install's log.key to prove who signed",
      '  starts at the first event the install ever wrote',
    ]);
    expect(io.stderr).toEqual([]);
  });

  it('--keys pins the key (the log.key event lines a collector received)', async () => {
    const io = memoryIO(await files());
    expect(await logsCommand(['verify', '--keys', 'keys.ndjson', 'good.ndjson'], io)).toBe(0);
    expect(io.stdout).toContain('  key pinned: it is the key --keys gives for this install');
    const io2 = memoryIO(await files());
    expect(await logsCommand(['verify', 'filtered.ndjson', '--keys=keys.ndjson'], io2)).toBe(0);
    expect(io2.stdout[0]).toBe('OK filtered.ndjson: 3 events verified, seq 3–11');
    expect(io2.stdout[1]).toMatch(/^  filtered export: exactly these 3 events were exported, unchanged/);
  });

  it('a pruned log verifies and says it is partial', async () => {
    const io = memoryIO(await files());
    expect(await logsCommand(['verify', 'pruned.ndjson'], io)).toBe(0);
    expect(io.stdout[0]).toBe('OK pruned.ndjson: 7 events verified, seq 5–11');
    expect(io.stdout.at(-1)).toBe('  partial log: starts at seq 5, after pruning (log.pruned) of older events');
  });

  it.each([
    ['edited.ndjson', [], 'seq 5, line 5: hash mismatch: the event was edited'],
    ['deleted.ndjson', [], 'seq 8, line 7: prev mismatch'],
    ['reordered.ndjson', [], 'seq 8, line 9: seq not increasing: 8 follows 9'],
    ['garbage.ndjson', [], 'seq ?, line 3: malformed line: not valid JSON'],
    ['empty.ndjson', [], 'seq ?, line 1: empty file'],
    ['head-cut.ndjson', [], 'seq ?, line 9: the signature line counts 11 events but the file holds 8'],
    ['tail-cut.ndjson', [], 'seq ?, line 10: the signature line counts 11 events but the file holds 9'],
    ['tail-cut-unsigned.ndjson', [], 'seq ?, line 9: no signature line'],
    ['unsigned.ndjson', ['--keys', 'keys.ndjson'], 'seq ?, line 11: no signature line'],
    ['dropped-rebuilt.ndjson', [], 'seq ?, line 11: the signature line counts 11 events but the file holds 10'],
    ['rewritten-resigned.ndjson', ['--keys', 'keys.ndjson'], `seq ?, line 12: signed with a key that is not install ${INSTALL}'s pinned key`],
    ['resigned.ndjson', [], 'seq 1, line 1: the install\'s log.key event (seq 1) holds another key'],
    ['resigned.ndjson', ['--keys', 'keys.ndjson'], 'seq 1, line 1: the install\'s log.key event (seq 1) holds another key'],
    ['filtered-line-removed.ndjson', ['--keys', 'keys.ndjson'], 'seq ?, line 3: the signature line counts 3 events but the file holds 2'],
  ])('exit 1 naming the first bad seq, line and why: %s %s', async (file, extra, expected) => {
    const io = memoryIO(await files());
    expect(await logsCommand(['verify', ...extra, file], io)).toBe(1);
    expect(io.stdout.join('\n')).toContain(`FAIL ${file}: ${expected}`);
  });

  it('a bad keys file exits 1 naming its line', async () => {
    const io = memoryIO({ ...(await files()), 'bad-keys.ndjson': '{"installId":"x"}\n' });
    expect(await logsCommand(['verify', '--keys', 'bad-keys.ndjson', 'good.ndjson'], io)).toBe(1);
    expect(io.stderr.join('')).toBe('FAIL bad-keys.ndjson: keys file, line 1: missing "publicKey"');
  });

  it('--keys reads the same way in verify and report (one helper): the same failures and exits, each command its own warning when the keys file is an input', async () => {
    const bad = { ...(await files()), 'bad-keys.ndjson': '{"installId":"x"}\n', 'keys.csv': 'seq,ts,type,x\n' };
    for (const sub of ['verify', 'report']) {
      for (const [keys, error] of [
        ['bad-keys.ndjson', 'FAIL bad-keys.ndjson: keys file, line 1: missing "publicKey"'],
        ['missing-keys.ndjson', "FAIL missing-keys.ndjson: cannot read the keys file: cannot read: ENOENT: no such file, open 'missing-keys.ndjson'"],
        ['keys.csv', 'FAIL keys.csv: cannot read the keys file: a CSV file'],
      ]) {
        const io = memoryIO({ ...bad });
        expect(await logsCommand([sub, '--keys', keys!, 'good.ndjson'], io), `${sub} ${keys}`).toBe(1);
        expect([io.stdout, io.stderr], `${sub} ${keys}`).toEqual([[], [error]]);
        expect(io.files['report.html']).toBeUndefined();
      }
    }
    const io = memoryIO(await files());
    // Named once for each time it is given (an input given twice is read twice, its events counted once).
    expect(await logsCommand(['report', '--keys', 'good.ndjson', 'good.ndjson', 'pruned.ndjson', 'good.ndjson', '--out', 'r.txt'], io)).toBe(0);
    expect(io.stderr).toEqual([
      'warning: the keys file is also an input (good.ndjson): a key taken from the file being checked proves nothing about who signed it',
      'warning: the keys file is also an input (good.ndjson): a key taken from the file being checked proves nothing about who signed it',
    ]);
    const v = memoryIO(await files());
    expect(await logsCommand(['verify', '--keys', 'good.ndjson', 'good.ndjson'], v)).toBe(0);
    expect(v.stderr).toEqual([
      'warning: the keys file is the export being verified: a key taken from the file being checked proves nothing about who signed it; use the log.key lines your collector received',
    ]);
  });

  it('unreadable file and CSV exit 1', async () => {
    const io = memoryIO(await files());
    expect(await logsCommand(['verify', 'missing.ndjson'], io)).toBe(1);
    expect(io.stderr.join('')).toMatch(/FAIL missing.ndjson: cannot read: ENOENT/);
    const io2 = memoryIO(await files());
    expect(await logsCommand(['verify', 'export.csv'], io2)).toBe(1);
    expect(io2.stderr.join('')).toMatch(/CSV export/);
  });

  it('usage errors exit 2 with a message', async () => {
    for (const args of [[], ['verify'], ['verify', 'a', 'b'], ['verify', '--json', 'a'], ['verify', 'a', '--keys'], ['verify', '--keys', 'k', '--keys', 'k', 'a'], ['frobnicate'], ['report'], ['report', '--out'], ['report', 'a', '--bogus'], ['report', '--out', 'x', '--out', 'y', 'a'], ['report', 'a', '--install']]) {
      const io = memoryIO(await files());
      expect(await logsCommand(args, io), args.join(' ')).toBe(2);
      expect(io.stderr.join('')).toMatch(/telehealth-guard logs: .+\nUsage:/);
    }
  });

  it('standard input (-) named twice (two inputs, or the input and --keys) is a usage error: it can be read once, the second reading would find it empty', async () => {
    for (const args of [['report', '-', '-'], ['report', 'good.ndjson', '-', '--keys', '-'], ['verify', '-', '--keys', '-'], ['verify', '--keys=-', '-']]) {
      const io = memoryIO(await files());
      expect(await logsCommand(args, io), args.join(' ')).toBe(2);
      expect(io.stderr.join(''), args.join(' ')).toMatch(/^telehealth-guard logs: standard input \(-\) is named twice: it can be read only once\nUsage:/);
    }
  });

  it('--help exits 0 with the usage', async () => {
    const io = memoryIO();
    expect(await logsCommand(['--help'], io)).toBe(0);
    expect(io.stdout.join('')).toMatch(/logs verify <file.ndjson> \[--keys <keys.ndjson>\]/);
  });
});

describe('logs report', () => {
  it('a file given twice is read twice and counted once; its line is said once for each time it is given, not twice each', async () => {
    const io = memoryIO(await files());
    expect(await logsCommand(['report', 'good.ndjson', 'pruned.ndjson', 'good.ndjson', '--out', 'r.txt'], io)).toBe(0);
    expect(io.stdout).toEqual([
      'OK good.ndjson: 11 events verified, seq 1–11',
      'OK pruned.ndjson: 7 events verified, seq 5–11',
      'OK good.ndjson: 11 events verified, seq 1–11',
      'Wrote r.txt: 11 events from 3 files (3 counted)',
    ]);
  });

  it('writes report.html by default, merging files; only files that verify count, and any that does not makes exit 1', async () => {
    const io = memoryIO(await files());
    expect(await logsCommand(['report', 'good.ndjson', 'edited.ndjson', 'hostile.ndjson'], io)).toBe(1);
    const html = io.files['report.html']!;
    expect(html).toContain('<!DOCTYPE html>');
    expect(html).toContain('<dt>Files</dt><dd>3 (2 counted)</dd>');
    expect(html).toContain('<dt>Events</dt><dd>22</dd>');
    expect(html).toContain('<strong>Not counted:</strong> edited.ndjson: did not verify: line 5, seq 5: hash mismatch');
    expect(html).toContain('NOT VERIFIED: line 5, seq 5: hash mismatch');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(io.stdout.join('\n')).toMatch(/OK good.ndjson: 11 events verified/);
    expect(io.stderr.join('')).toMatch(/FAIL edited.ndjson: seq 5, line 5/);
    expect(io.stdout.join('')).toMatch(/Wrote report.html: 22 events from 3 files \(2 counted\)/);
  });

  it('all good: exit 0', async () => {
    const io = memoryIO(await files());
    expect(await logsCommand(['report', 'good.ndjson', 'hostile.ndjson'], io)).toBe(0);
    expect(io.stderr).toEqual([]);
    expect(io.files['report.html']).not.toContain('Read first');
  });

  it('--out and --out= choose the output file', async () => {
    const io = memoryIO(await files());
    expect(await logsCommand(['report', '--out', 'out/r.html', 'good.ndjson'], io)).toBe(0);
    expect(io.files['out/r.html']).toContain('<dt>Events</dt><dd>11</dd>');
    const io2 = memoryIO(await files());
    expect(await logsCommand(['report', 'good.ndjson', '--out=x.html'], io2)).toBe(0);
    expect(io2.files['x.html']).toBeDefined();
    expect(io2.files['report.html']).toBeUndefined();
  });

  it('an unreadable file exits 1; the report is still written from the others and lists it', async () => {
    const io = memoryIO(await files());
    expect(await logsCommand(['report', 'good.ndjson', 'nope.ndjson', 'export.csv'], io)).toBe(1);
    expect(io.stderr.join('')).toMatch(/FAIL nope.ndjson: cannot read/);
    expect(io.stderr.join('')).toMatch(/FAIL export.csv: this is a CSV export/);
    const html = io.files['report.html']!;
    expect(html).toContain('Unreadable: cannot read: ENOENT');
    expect(html).toContain('<dt>Events</dt><dd>11</dd>');
  });

  it('a file with malformed lines does not count at all', async () => {
    const io = memoryIO(await files());
    expect(await logsCommand(['report', 'garbage.ndjson'], io)).toBe(1);
    const html = io.files['report.html']!;
    expect(html).toContain('NOT VERIFIED: line 3: malformed line');
    expect(html).toContain('<dt>Events</dt><dd>0</dd>');
  });

  it('a write failure exits 1', async () => {
    const io = memoryIO(await files());
    io.writeFile = async () => {
      throw new Error('EACCES');
    };
    expect(await logsCommand(['report', 'good.ndjson'], io)).toBe(1);
    expect(io.stderr.join('')).toMatch(/cannot write report.html: EACCES/);
  });
});

describe('the streamed file reader (large reads split into lines) gives what the in-memory path gives', () => {
  it('every fixture, tampered or not, gets the same verdict read from disk in 7-byte reads as from memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'thg-logs-'));
    try {
      const all: Record<string, string> = await files();
      // CRLF line ends and a BOM, as a Windows editor may save the file.
      all['crlf.ndjson'] = '\uFEFF' + all['good.ndjson']!.replaceAll('\n', '\r\n');
      all['crlf-edited.ndjson'] = all['edited.ndjson']!.replaceAll('\n', '\r\n');
      for (const [name, text] of Object.entries(all)) writeFileSync(join(dir, name), text);
      let verdicts = 0;
      for (const name of Object.keys(all).filter((n) => n !== 'keys.ndjson')) {
        const mem = memoryIO(all);
        const disk = { ...memoryIO(), readLines: (p: string) => readLineBatches(join(dir, p), 7) };
        // Undecoded regions of a few lines each (what worker threads get), checked in this thread.
        const regions = { ...memoryIO(), readRegions: (p: string) => readLineRegions(join(dir, p), 300) };
        const [a, b, c] = [await logsCommand(['verify', name], mem), await logsCommand(['verify', name], disk), await logsCommand(['verify', name], regions)];
        expect([b, disk.stdout, disk.stderr], name).toEqual([a, mem.stdout, mem.stderr]);
        expect([c, regions.stdout, regions.stderr], name).toEqual([a, mem.stdout, mem.stderr]);
        if (a === 1) verdicts++;
      }
      expect(verdicts).toBeGreaterThan(10); // the tampered ones did fail
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('property: readLineBatches yields the "\\n"-separated lines of any text, whatever the read size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'thg-lines-'));
    try {
      const part = fc.constantFrom('a', 'é', '日', '🙂', '\n', '\r\n', '\r', ' ', '{}', '\uFEFF');
      await fc.assert(
        fc.asyncProperty(fc.array(part, { maxLength: 40 }), fc.integer({ min: 1, max: 9 }), async (parts, chunk) => {
          const text = parts.join('');
          const path = join(dir, 'f.txt');
          writeFileSync(path, text);
          const got: string[] = [];
          for await (const batch of readLineBatches(path, chunk)) got.push(...batch);
          const want = text.split('\n');
          if (want.at(-1) === '') want.pop(); // a final line end ends the last line, it does not start one
          expect(got).toEqual(want);
        }),
        { numRuns: 300 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
